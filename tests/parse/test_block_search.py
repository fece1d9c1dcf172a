"""The block parser's scanners (vaultkit.parse.blocks).

mistune's block rules all begin with ``^``; ``re``'s search still tried every character,
seconds on one long line inside a list item.  The line-start search must find exactly
what ``re`` finds, from any position.  And the scanners compile, for each kind of line
start, only the rules that may match there: every match, from every position, must be
the whole alternation's -- the block scanners and the list-break ones (mistune's own
``_compile_list_break_sc``) alike.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import re

import pytest
from mistune.list_parser import _compile_list_break_sc, _get_list_break_rules

from vaultkit.parse.blocks import (
    _MD, _STARTS, _anchored, _LineStartSearch, _list_break_scanner, _may_start, _RuleScanner,
)

PIECES = st.sampled_from(["\n", "  ", "    ", "\t", "- ", "* ", "1. ", "> ", "#", "## h", "```", "~~~",
                          "---", "===", "$$", "[a]: x", "<div>", "<!--", "text", "[[x]] @k", "\n\n",
                          "+ ", "٣) ", "_ _ _", "<?x", "<p>", "\v", "\f", " ", "$$x$$", "#######"])
PARSER = _MD.block
RULE_SETS = [PARSER.rules, PARSER.list_rules, PARSER.block_quote_rules,
             ["blank_line", "indent_code", "fenced_code"]]


def same_search(text: str, positions: range) -> None:
    for rules in RULE_SETS:
        sc = PARSER.compile_sc(rules)
        # every shipped rule is anchored, and its starts are known
        assert isinstance(sc, _RuleScanner)
        whole = re.compile("|".join(f"(?P<{n}>{PARSER.specification[n]})" for n in rules),
                           PARSER.sc_flag)  # mistune's compile_sc
        assert sc.pattern.pattern == whole.pattern
        for pos in positions:
            ours, theirs = sc.search(text, pos), whole.search(text, pos)
            assert _seen(ours) == _seen(theirs)
            assert _seen(sc.match(text, pos)) == _seen(whole.match(text, pos))


def _seen(m: re.Match[str] | None) -> object:
    """What mistune reads of a scanner's match: the rule, the span, the named groups
    that matched (a rule's function reads its own groups only)."""
    return m and (m.lastgroup, m.span(), {k: v for k, v in m.groupdict().items() if v is not None})


def same_breaks(text: str, positions: range) -> None:
    for width in range(5):
        ours, theirs = _list_break_scanner(PARSER, width), _compile_list_break_sc(PARSER, width)
        assert isinstance(ours, _RuleScanner)
        for pos in positions:
            assert _seen(ours.match(text, pos)) == _seen(theirs.match(text, pos))


@given(st.lists(PIECES, max_size=30).map("".join), st.integers(0, 200))
def test_the_line_start_search_finds_what_re_finds(text: str, pos: int) -> None:
    same_search(text, range(min(pos, len(text)), min(pos, len(text)) + 1))


@given(st.lists(PIECES, max_size=30).map("".join))
def test_the_list_break_scanner_matches_what_mistune_s_matches(text: str) -> None:
    same_breaks(text, range(len(text) + 1))


NOTE = ("para\n\n- a\n  > q\n\n## h\ntext [[x]]\n```\ncode\n```\n\n    indented\n---\n"
        "  * b\n   3) c\n      \n\t- tab\n<div>\n<!-- c -->\n[r]: /u\n$$\nx\n$$\n===\n  ___\n")


def test_from_every_position_of_a_note() -> None:
    same_search(NOTE, range(len(NOTE) + 1))
    same_breaks(NOTE, range(len(NOTE) + 1))


LEADS = ["", " ", "  ", "   ", "    ", "      ", "\t", "  \t"]
CHARS = [chr(c) for c in range(1, 128)] + ["٣", "é", "\u00a0", "\u2028"]
TAILS = ["", "\n", "x", "  x", "--", "-\n", "==\n", " x\n", ") x\n", ". x\n", "``\n",
         "~~\n", "#\n", "$ x $$\n", "$\n", "a]: /u\n", "div>\n", "!--\n", "?x\n", "!A\n",
         "![CDATA[\n", "p\n", "/p>\n", "* *\n", "_ _\n", "\t\n", "   \n"]


@pytest.mark.parametrize("name", [*_STARTS, "indent_code"])
def test_a_rule_matches_only_where_it_may_start(name: str) -> None:
    """Every rule's pattern, at the start of every line of a grid (leading blanks, a
    first character, a rest), matches only where :func:`_may_start` says it may: a rule
    the scanner leaves out for a line start could not have matched there."""
    spec = PARSER.specification.get(name) or _MD.block.specification[name]
    for pattern in (re.compile(spec, re.M), re.compile(r"(?<=\n)" + spec, re.M)):
        for lead in LEADS:
            for char in CHARS:
                for tail in TAILS:
                    line = lead + char + tail
                    if pattern.match("\n" + line, 1):
                        spaces = len(line) - len(line.lstrip(" "))
                        first = line.lstrip(" ")[:1]
                        assert _may_start(name, min(spaces, 4), first), (name, line)


def test_every_rule_of_the_shipped_scanners_has_known_starts() -> None:
    names = {*PARSER.rules, *PARSER.list_rules, *PARSER.block_quote_rules,
             *_get_list_break_rules(PARSER)}
    assert names <= {*_STARTS, "indent_code"}


def test_a_pattern_that_can_match_mid_line_is_not_anchored() -> None:
    assert _anchored(r"^a|^b") and _anchored(r"(^[ \t]*\n)+") and _anchored(r"(?:^a|^b)c")
    assert _anchored(r"(?P<x>^a)b")
    assert not _anchored(r"^a|b") and not _anchored(r"(^a)*b") and not _anchored(r"(?:^a|b)c")
    assert not _anchored(r"(^a)?b") and not _anchored(r"a^") and not _anchored(r"[(^]a")
    assert _anchored(r"^\(|^\|")  # escapes are not groups or alternatives


def test_a_rule_of_unknown_starts_keeps_mistune_s_scanner() -> None:
    """Another plugin's rule: its starts are not known, so the scanner is mistune's own
    alternation (searched at line starts when every rule is anchored), not one that
    could leave the rule out."""
    from vaultkit.parse.blocks import _PositionedBlockParser

    block = _PositionedBlockParser()
    block.register("custom", r"^%%%(?P<custom_1>.*)$", lambda m, state: None, before="list")
    assert isinstance(block.compile_sc(["custom", "list"]), _LineStartSearch)
    assert isinstance(block.compile_sc(["list"]), _RuleScanner)
    block.register("loose", r"%%%", lambda m, state: None)
    assert isinstance(block.compile_sc(["loose", "list"]), re.Pattern)  # not anchored: re's search
