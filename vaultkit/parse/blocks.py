"""The position layer over mistune's block parser.

mistune 3 records no source positions (its issue #218).  This module, and only this one,
reaches into mistune's block machinery to recover them.  It is tested against the mistune
range pinned in ``pyproject.toml``; ``tests/parse/test_blocks.py`` snapshots the block
structure so a mistune change that moves anything fails loudly.

How positions are recovered:

* Every ``BlockState`` gets ``base``: the absolute 0-based line of its ``src`` line 0.
  mistune builds the child states of list items and block quotes over rewritten text
  (markers and indentation stripped) whose lines map one to one onto the parent's, so a
  child is *placed* by finding the run of parent lines that end with the child's lines,
  searching forward from where the current block started.  (Reading the parent's cursor
  instead is off by one line: ``_parse_list_item`` creates the child after moving past the
  next item's marker.)
* ``parse_method`` stamps the tokens a call creates with the line range it consumed;
  paragraphs created by the parse loop itself are stamped in ``add_paragraph``.

Only line numbers come from here.  Columns are found on the original lines by
:mod:`vaultkit.parse.note`, and inline elements by :mod:`vaultkit.parse.inline`, which
reads the original text directly.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Any, Iterator, Optional, Set

import mistune
from mistune.block_parser import BlockParser
from mistune.core import BlockState
from mistune.plugins.math import math, math_in_list, math_in_quote

LINE = "_vk_line"
END = "_vk_end"


class _PositionedState(BlockState):
    """A BlockState that knows which original lines its ``src`` covers."""

    def __init__(self, parent: Optional[Any] = None) -> None:
        super().__init__(parent)
        self.base = 0
        self.search = 0
        self.active = 0
        self._starts: list[int] | None = None
        self.children_placed: dict[int, tuple[int, int, str]] = (
            parent.children_placed if parent is not None else {}
        )

    def process(self, src: str) -> None:
        super().process(src)
        self._starts = None

    def line_of(self, offset: int) -> int:
        """0-based line of an offset in this state's ``src``."""
        if self._starts is None:
            starts = [0]
            pos = self.src.find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = self.src.find("\n", pos + 1)
            self._starts = starts
        return bisect_right(self._starts, offset) - 1

    def line_text(self, index: int) -> str:
        self.line_of(0)
        assert self._starts is not None
        if index >= len(self._starts):
            return ""
        start = self._starts[index]
        end = self._starts[index + 1] - 1 if index + 1 < len(self._starts) else len(self.src)
        return self.src[start:end]

    def child_state(self, src: str, lazy_line_starts: Optional[Set[int]] = None) -> BlockState:
        child = super().child_state(src, lazy_line_starts)
        assert isinstance(child, _PositionedState)
        lines = src.split("\n")
        while len(lines) > 1 and not lines[-1].strip():
            lines.pop()  # trailing blank lines belong to no block
        k = self._place(lines)
        child.base = self.base + k
        self.search = k + len(lines)
        # list items and quotes keep child.tokens as their "children": remember where it sits
        self.children_placed[id(child.tokens)] = (child.base, len(lines), lines[0])
        return child

    def _place(self, lines: list[str]) -> int:
        """First parent line >= ``search`` where the child's lines line up."""
        probe = [(j, line.strip()) for j, line in enumerate(lines) if line.strip()][:3]
        self.line_of(0)
        assert self._starts is not None
        total = len(self._starts)
        for k in range(self.search, total):
            if all(
                k + j < total and self.line_text(k + j).rstrip().endswith(text)
                for j, text in probe
            ):
                return k
        return min(self.search, total - 1)

    def add_paragraph(self, text: str) -> None:
        super().add_paragraph(text)
        token = self.tokens[-1]
        if LINE not in token:
            token[LINE] = self.base + self.line_of(self.cursor)


class _PositionedBlockParser(BlockParser):
    state_cls = _PositionedState

    def parse_method(self, m: Any, state: Any) -> Optional[int]:
        start = state.cursor
        if not state.active:
            # A list meets the block that ends it (a heading, a fence) through a nested
            # call on the same state; only the outermost call may move the search.
            state.search = state.line_of(start)
        before = len(state.tokens)
        state.active += 1
        try:
            end = super().parse_method(m, state)
        finally:
            state.active -= 1
        stop = end if end else state.cursor
        first = state.base + state.line_of(start)
        last = state.base + state.line_of(max(stop - 1, start))
        for token in state.tokens[max(before - 1, 0) :]:
            if LINE not in token:
                token[LINE] = first
                token[END] = last
        return end


def _markdown() -> mistune.Markdown:
    md = mistune.Markdown(renderer=None, block=_PositionedBlockParser())
    for plugin in (math, math_in_list, math_in_quote):
        plugin(md)
    return md


_MD = _markdown()


@dataclass(frozen=True, slots=True)
class RawBlock:
    """A block token placed on absolute 0-based lines (``end`` inclusive)."""

    type: str
    start: int
    end: int
    depth: int
    token: dict[str, Any]


def parse_blocks(body: str, first_line: int) -> list[RawBlock]:
    """Parse ``body`` (normalized text) whose line 0 is absolute line ``first_line`` (0-based).

    Returns the blocks in document order, containers before their children.
    """
    state = _PositionedState()
    state.base = first_line
    text = body if body.endswith("\n") else body + "\n"
    state.process(text)
    _MD.block.parse(state)
    placed = state.children_placed
    return list(_walk(state.tokens, placed, 0))


def _walk(
    tokens: list[dict[str, Any]], placed: dict[int, tuple[int, int, str]], depth: int
) -> Iterator[RawBlock]:
    # An explicit stack: mistune caps nesting, but our walk must never be the thing that
    # overflows on a hostile note.
    stack: list[tuple[Iterator[dict[str, Any]], int]] = [(iter(tokens), depth)]
    while stack:
        iterator, level = stack[-1]
        token = next(iterator, None)
        if token is None:
            stack.pop()
            continue
        kind = token["type"]
        if kind == "blank_line":
            continue
        children = token.get("children")
        if kind in ("list_item", "block_quote") and children is not None:
            base, count, first = placed.get(id(children), (token.get(LINE, 0), 1, ""))
            start, end = base, base + max(count, 1) - 1
            token["_vk_first"] = first
        else:
            start = token.get(LINE, 0)
            end = token.get(END, start)
            if kind in ("paragraph", "block_text", "heading") and "text" in token:
                end = start + token["text"].rstrip("\n").count("\n")
                if token.get("style") == "setext":
                    end += 1
        yield RawBlock(kind, start, end, level, token)
        if children:
            stack.append((iter(children), level + (kind in ("list_item", "block_quote"))))
