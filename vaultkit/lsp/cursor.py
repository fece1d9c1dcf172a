"""What the cursor is on: the completion context of a line, the element under a position.

Completion reads the raw line (the note is being typed, so the parser may not see a
citation or a link yet); hover, definition, references and rename use the parsed note's
elements, whose spans the parser computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from vaultkit.model import Citation, Link, Note, Span

_KEY_CHARS = r"\w:.#$%&\-+?<>~/"
_CITE = re.compile(rf"(?:^|(?<=[^\w@]))-?@\{{?(?P<q>[{_KEY_CHARS}]*)\Z")
_KEY_TAIL = re.compile(rf"[{_KEY_CHARS}]*")
_EMBED = re.compile(r"!\[\[(?P<q>[^\[\]|]*)\Z")
_WIKI = re.compile(r"(?<!!)\[\[(?P<q>[^\[\]|]*)\Z")
_VERB = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[(?P<q>[\w-]*)\Z")
_TAG = re.compile(r"(?:^|(?<=[^\[\]!\w\\]))\[(?P<q>[\w-]*)\Z")
_NAME_TAIL = re.compile(r"[^\[\]|#^]*")
_WORD_TAIL = re.compile(r"[\w-]*")

Kind = Literal["citekey", "note", "heading", "block", "embed", "verb", "tag"]


@dataclass(frozen=True)
class Context:
    kind: Kind
    query: str
    """What is typed so far (after ``@``, ``[[``, ``#``, ``#^`` or ``[``)."""
    start: int
    """1-based code-point column where the replaced text starts."""
    end: int
    """Column where it ends: the cursor, or the end of the word the cursor is in."""
    target: str = ""
    """For ``heading`` and ``block``: the note named before ``#`` (``""``: this note)."""
    top_level_item: bool = False
    """For ``verb``: the bracket opens a list item (a Log action may go here)."""


def completion_context(line: str, column: int) -> Context | None:
    """The completion to offer with the cursor at ``column`` (1-based) of ``line``."""
    before = line[: column - 1]
    after = line[column - 1 :]
    for pattern, kind in ((_EMBED, "embed"), (_WIKI, "note")):
        m = pattern.search(before)
        if m is None:
            continue
        query = m.group("q")
        start = m.start("q") + 1
        if "#" in query:
            target, _, fragment = query.partition("#")
            if fragment.startswith("^"):
                return Context("block", fragment[1:], start + len(target) + 2,
                               column + _WORD_TAIL.match(after).end(), target)  # type: ignore[union-attr]
            return Context("heading", fragment, start + len(target) + 1,
                           column + _NAME_TAIL.match(after).end(), target)  # type: ignore[union-attr]
        return Context(kind, query, start, column + _NAME_TAIL.match(after).end())  # type: ignore[arg-type,union-attr]
    m = _CITE.search(before)
    if m is not None:
        return Context("citekey", m.group("q"), m.start("q") + 1,
                       column + _KEY_TAIL.match(after).end())  # type: ignore[union-attr]
    m = _VERB.search(before)
    if m is not None:
        return Context("verb", m.group("q"), m.start("q") + 1,
                       column + _WORD_TAIL.match(after).end(), top_level_item=True)  # type: ignore[union-attr]
    m = _TAG.search(before)
    if m is not None:
        return Context("tag", m.group("q"), m.start("q") + 1,
                       column + _WORD_TAIL.match(after).end())  # type: ignore[union-attr]
    return None


def _inside(span: Span, line: int, column: int) -> bool:
    """Whether the cursor touches ``span`` (its end counts: the cursor after a key)."""
    return (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column)


def citation_at(note: Note, line: int, column: int) -> Citation | None:
    return next((c for c in note.citations if _inside(c.span, line, column)), None)


def link_at(note: Note, line: int, column: int) -> Link | None:
    return next((k for k in note.links if _inside(k.span, line, column)), None)


def key_span(citation: Citation) -> Span:
    """The key itself inside ``@key`` or ``@{key}`` (what a rename replaces)."""
    span = citation.span
    offset = citation.raw.index(citation.key) if citation.key in citation.raw else 1
    start = span.column + offset
    return Span(span.line, start, span.line, start + len(citation.key))
