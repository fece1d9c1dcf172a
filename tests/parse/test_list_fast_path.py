"""A list item of one line is read without a child parse (vaultkit.parse.blocks).

Most items of a session note are one line (``- a thought``): the block parser makes their
paragraph itself instead of running mistune's parse loop on a child state.  The blocks must
be exactly the ones the loop makes, for every item, including those whose line starts a
block (a heading, a quote, a fence, a rule, math, HTML) or could be indented code.
"""

from __future__ import annotations

import pytest
from hypothesis import given

from tests.parse.list_texts import LIST_TEXTS
from vaultkit.parse import blocks
from vaultkit.parse.blocks import _PositionedBlockParser, parse_blocks


def both(body: str) -> tuple[list, list]:
    """The blocks of ``body`` with the one-line path, and with every item parsed by the loop."""
    fast = _shape(parse_blocks(body, 0))
    saved = _PositionedBlockParser._one_line_item
    _PositionedBlockParser._one_line_item = lambda self, source, rules, base: None  # type: ignore[method-assign]
    try:
        slow = _shape(parse_blocks(body, 0))
    finally:
        _PositionedBlockParser._one_line_item = saved  # type: ignore[method-assign]
    return fast, slow


def _shape(raw: list[blocks.RawBlock]) -> list:
    return [(b.type, b.start, b.end, b.depth, sorted(b.token.items(), key=lambda kv: kv[0]))
            for b in raw]


ITEM_TEXTS = [
    "a thought", "[skim(@key2020)]", "![[fig.png]]", '"a quote"', "@key2021 says", "`code`",
    "# heading", "## h ##", "> quote", "```", "~~~ python", "$$", "---", "***", "- nested",
    "1. nested", "<div>", "<!-- c -->", "[a]: https://x", "text  ", "x", "é and 😀",
    "    four spaces", " one space", "\tone tab", "[ ] task", "[x] done", "===",
]


@pytest.mark.parametrize("text", ITEM_TEXTS)
@pytest.mark.parametrize("marker", ["- ", "* ", "1. ", "-\t"])
def test_one_line_items_are_the_loops_blocks(marker: str, text: str) -> None:
    body = f"{marker}{text}\n{marker}{text}\n  - {text}\n"
    fast, slow = both(body)
    assert fast == slow


def test_the_one_line_path_is_taken_and_keeps_the_line() -> None:
    calls: list[str] = []
    saved = _PositionedBlockParser._one_line_item

    def spy(self, source, rules, base):  # type: ignore[no-untyped-def]
        found = saved(self, source, rules, base)
        calls.append(source if found is not None else "")
        return found

    _PositionedBlockParser._one_line_item = spy  # type: ignore[method-assign]
    try:
        raw = parse_blocks("intro\n\n- first\n- # not plain\n  - third [x]\n", 4)
    finally:
        _PositionedBlockParser._one_line_item = saved  # type: ignore[method-assign]
    assert calls == ["first\n", "", "third [x]\n"]  # the heading item went through the loop
    kinds = [(b.type, b.start, b.depth) for b in raw]
    assert ("heading", 7, 1) in kinds  # "# not plain" is a heading inside its item
    assert kinds.count(("block_text", 6, 1)) == 1 and ("block_text", 8, 2) in kinds




@given(LIST_TEXTS)
def test_any_text_gives_the_loops_blocks(body: str) -> None:
    fast, slow = both(body)
    assert fast == slow
