"""The block parser searches for a block start at line starts only (vaultkit.parse.blocks).

mistune's block rules all begin with ``^``; ``re``'s search still tried every character,
seconds on one long line inside a list item.  The line-start search must find exactly
what ``re`` finds, from any position.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vaultkit.parse.blocks import _MD, _anchored, _LineStartSearch

PIECES = st.sampled_from(["\n", "  ", "    ", "\t", "- ", "* ", "1. ", "> ", "#", "## h", "```", "~~~",
                          "---", "===", "$$", "[a]: x", "<div>", "<!--", "text", "[[x]] @k", "\n\n"])
PARSER = _MD.block
RULE_SETS = [PARSER.rules, PARSER.list_rules, PARSER.block_quote_rules,
             ["blank_line", "indent_code", "fenced_code"]]


def same_search(text: str, positions: range) -> None:
    for rules in RULE_SETS:
        sc = PARSER.compile_sc(rules)
        assert isinstance(sc, _LineStartSearch)  # every shipped rule is anchored
        for pos in positions:
            ours, theirs = sc.search(text, pos), sc.pattern.search(text, pos)
            assert (ours and (ours.span(), ours.lastgroup)) == (theirs and (theirs.span(), theirs.lastgroup))


@given(st.lists(PIECES, max_size=30).map("".join), st.integers(0, 200))
def test_the_line_start_search_finds_what_re_finds(text: str, pos: int) -> None:
    same_search(text, range(min(pos, len(text)), min(pos, len(text)) + 1))


def test_from_every_position_of_a_note() -> None:
    text = "para\n\n- a\n  > q\n\n## h\ntext [[x]]\n```\ncode\n```\n\n    indented\n---\n"
    same_search(text, range(len(text) + 1))


def test_a_pattern_that_can_match_mid_line_is_not_anchored() -> None:
    assert _anchored(r"^a|^b") and _anchored(r"(^[ \t]*\n)+") and _anchored(r"(?:^a|^b)c")
    assert _anchored(r"(?P<x>^a)b")
    assert not _anchored(r"^a|b") and not _anchored(r"(^a)*b") and not _anchored(r"(?:^a|b)c")
    assert not _anchored(r"(^a)?b") and not _anchored(r"a^") and not _anchored(r"[(^]a")
    assert _anchored(r"^\(|^\|")  # escapes are not groups or alternatives
