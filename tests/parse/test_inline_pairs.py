"""The inline scanner's bracket tables and a citation's brackets (vaultkit.parse.inline).

The tables are made in one pass each; the passes skip what cannot change their answer
(the blanks while no ``(`` is open, the lines without a ``(``, the line breaks between
citations).  Each is checked against the plain definition: a pass over every token.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from vaultkit.parse import inline
from vaultkit.parse.inline import MAX_LINK_TEXT, _argument_pairs, _citations, _paren_pairs
from vaultkit.positions import SourceText

_ESCAPE = r"\\[!-/:-@\[-`{-~]"


def paren_pairs(s: str) -> dict[int, int]:
    """Every token read: a blank run empties the stack."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for m in re.finditer(_ESCAPE + r"|[()]|[ \t\n\x00]+", s):
        token = m.group()
        if token == "(":
            stack.append(m.start())
        elif token == ")":
            if stack:
                pairs[stack.pop()] = m.start()
        elif token[0] != "\\":
            stack.clear()
    return pairs


def argument_pairs(s: str) -> dict[int, int]:
    """Every token of every line read: a line break empties the stack."""
    pairs: dict[int, int] = {}
    stack: list[tuple[str, int]] = []
    for m in re.finditer(_ESCAPE + r"|[()\[\]\n]", s):
        token = m.group()
        if token in "([":
            stack.append((token, m.start()))
        elif token in ")]":
            want = "(" if token == ")" else "["
            if stack and stack[-1][0] == want:
                kind, open_ = stack.pop()
                if kind == "(" and m.start() - open_ < MAX_LINK_TEXT:
                    pairs[open_] = m.start()
            else:
                stack.clear()
        elif token == "\n":
            stack.clear()
    return pairs


def bracketed(s: str) -> list[tuple[int, bool]]:
    """Each citation's start and whether a ``[`` before it on its line is still open."""
    out = []
    for m in inline._CITATION.finditer(s):
        before = s[: m.start()]
        line = before[before.rfind("\n") + 1 :]
        out.append((m.start(), line.rfind("[") > line.rfind("]")))
    return out


TEXT = st.lists(st.sampled_from(["(", ")", "[", "]", "\\", "\\(", "\\[", " ", "\t", "\n", "\x00", "a",
                                 "url", "@key", "@k2 ", "-@x", "[@a; @b]", "](", "\n\n"]),
                max_size=60).map("".join)


@given(TEXT)
def test_paren_pairs_are_those_of_every_token(s: str) -> None:
    assert _paren_pairs(s) == paren_pairs(s)


@given(TEXT)
def test_argument_pairs_are_those_of_every_token(s: str) -> None:
    assert _argument_pairs(s) == argument_pairs(s)


@given(TEXT)
def test_a_citation_is_bracketed_by_an_open_bracket_on_its_line(s: str) -> None:
    source = SourceText.from_str(s)
    found = [((c.span.line, c.span.column), c.bracketed) for c in _citations(s, s, source.span, None)]
    assert found == [(source.position(start), flag) for start, flag in bracketed(s)
                     if not _skipped(s, start)]


def _skipped(s: str, start: int) -> bool:
    before = s[start - 1] if start else ""
    return before.isalnum() or before == "." or (before == "\\" and inline._escaped(s, start))


def test_examples() -> None:
    assert _paren_pairs("(a (b) c)") == {3: 5}
    assert _paren_pairs("x(a(b)c)y") == {3: 5, 1: 7}
    assert _argument_pairs("[skim(@a)]\n[read([T](u))]") == {5: 8, 16: 23, 20: 22}
    assert _argument_pairs("[a(b\n)]") == {}
