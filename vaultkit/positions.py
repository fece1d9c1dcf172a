"""Source text and positions: the one place where offsets become line:column.

Everything vaultkit reports carries a :class:`~vaultkit.model.Span` (1-based line and
column, end exclusive, columns counted in Unicode code points).  Parsers work on offsets
into a *normalized* copy of the text (BOM removed, ``\\r\\n`` and lone ``\\r`` turned into
``\\n``); because normalization never changes a line's content, a (line, column) pair means
the same character in the normalized and the original text.  Only this module converts
between the two, so the invariant "the span sliced from the original file equals the
element's raw text" has a single owner.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

from msgspec import Struct

from vaultkit.lazyre import lazy
from vaultkit.model import Span

BOM = "\ufeff"
_new_span = tuple.__new__
"""Builds a Span from a tuple without NamedTuple's Python-level ``__new__`` (spans are
made by the million on a hostile line)."""
_LINE_BREAK = lazy(r"\r\n?|\n")


class SourceText(Struct, frozen=True):
    """A decoded file: the text as written and the normalized text the parser reads."""

    original: str
    """Decoded text with the BOM removed, line endings as written."""
    text: str
    """The same text with every line ending turned into ``\\n``."""
    line_starts: tuple[int, ...]
    """Offset in :attr:`text` where each line starts (index 0 is line 1)."""
    original_line_starts: tuple[int, ...]
    has_bom: bool
    newline: str
    """The dominant line ending (``\\n``, ``\\r\\n`` or ``\\r``), kept on rewrite."""

    @classmethod
    def from_str(cls, decoded: str) -> SourceText:
        has_bom = decoded.startswith(BOM)
        original = decoded[1:] if has_bom else decoded
        starts = [0]
        pos = original.find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = original.find("\n", pos + 1)
        if "\r" in original:  # rare: CRLF or lone CR files take the slower road
            breaks = list(_LINE_BREAK.finditer(original))
            original_starts = [0] + [m.end() for m in breaks]
            text = _LINE_BREAK.sub("\n", original)
            starts = [0]
            pos = text.find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = text.find("\n", pos + 1)
            newline = _dominant_newline(breaks)
        else:
            text, original_starts, newline = original, starts, "\n"
        return cls(
            original=original,
            text=text,
            line_starts=tuple(starts),
            original_line_starts=tuple(original_starts),
            has_bom=has_bom,
            newline=newline,
        )

    # -- offsets in the normalized text <-> (line, column) ---------------------------
    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset into :attr:`text`."""
        index = bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def offset(self, line: int, column: int) -> int:
        return self.line_starts[line - 1] + column - 1

    def span(self, start: int, end: int) -> Span:
        starts = self.line_starts
        index = bisect_right(starts, start) - 1
        first = starts[index]
        if index + 1 == len(starts) or end < starts[index + 1]:  # one line: one search
            return _new_span(Span, (index + 1, start - first + 1, index + 1, end - first + 1))
        end_index = bisect_right(starts, end) - 1
        return _new_span(Span, (index + 1, start - first + 1, end_index + 1, end - starts[end_index] + 1))

    def line_span(self, line: int) -> Span:
        """The whole of one line, without its line ending."""
        return Span(line, 1, line, len(self.line(line)) + 1)

    def line(self, line: int) -> str:
        """Text of a 1-based line, without its line ending."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.text)
        return self.text[start:end]

    def lines(self) -> tuple[str, ...]:
        return tuple(self.text.split("\n"))

    def slice(self, span: Span) -> str:
        """The original text a span covers (line endings as written)."""
        return slice_text(self.original, span, self.original_line_starts)


class Lines(Sequence[str]):
    """A note's lines (normalized text, no line endings) held as the one string they
    come from: the tuple of lines costs about 60 bytes a line more, and a process that
    keeps parsed notes (the index, the language server) keeps every note's lines.

    A read-only sequence equal to ``tuple(text.split("\n"))``: indexing finds a line
    from where each starts (found once, when first asked), iterating splits the text,
    a slice is a tuple.
    """

    __slots__ = ("text", "_starts")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: array | None = None

    def _line_starts(self) -> array:
        if self._starts is None:
            starts = array("I", [0])
            text, add = self.text, starts.append
            pos = text.find("\n")
            while pos != -1:
                add(pos + 1)
                pos = text.find("\n", pos + 1)
            self._starts = starts
        return self._starts

    def __len__(self) -> int:
        return len(self._line_starts())

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[str, ...]: ...
    def __getitem__(self, i: int | slice) -> str | tuple[str, ...]:
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        starts = self._line_starts()
        count = len(starts)
        if i < 0:
            i += count
        if not 0 <= i < count:
            raise IndexError("line index out of range")
        end = starts[i + 1] - 1 if i + 1 < count else len(self.text)
        return self.text[starts[i]:end]

    def __iter__(self) -> Iterator[str]:
        return iter(self.text.split("\n"))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Lines):
            return self.text == other.text
        if isinstance(other, tuple):
            return tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))  # equal to the tuple it stands for, so hashed as it

    def __add__(self, other: Iterable[str]) -> tuple[str, ...]:
        return (*self, *other)

    def __radd__(self, other: Iterable[str]) -> tuple[str, ...]:
        return (*other, *self)

    def __reduce__(self) -> tuple[Any, tuple[str]]:  # a worker sends one string
        return Lines, (self.text,)

    def __repr__(self) -> str:
        return f"Lines({len(self)} lines)"


def line_columns(line_starts: Sequence[int], offsets: Iterable[int]) -> tuple[array, array]:
    """1-based lines and columns of ``offsets`` (increasing), walking the lines once: how a
    table of a million elements on one line (:mod:`vaultkit.packed`) gets its positions."""
    lines, columns = array("I"), array("I")
    add_line, add_column = lines.append, columns.append
    count = len(line_starts)
    index, first, following = 0, line_starts[0], line_starts[1] if count > 1 else _NEVER
    for offset in offsets:
        if offset >= following or offset < first:
            index = bisect_right(line_starts, offset) - 1
            first = line_starts[index]
            following = line_starts[index + 1] if index + 1 < count else _NEVER
        add_line(index + 1)
        add_column(offset - first + 1)
    return lines, columns


_NEVER = float("inf")


def slice_text(original: str, span: Span, line_starts: tuple[int, ...] | None = None) -> str:
    """Cut ``span`` out of ``original`` (BOM already removed)."""
    if line_starts is None:
        line_starts = (0,) + tuple(m.end() for m in _LINE_BREAK.finditer(original))
    start = line_starts[span.line - 1] + span.column - 1
    end = line_starts[span.end_line - 1] + span.end_column - 1
    return original[start:end]


def utf16_column(line_text: str, column: int) -> int:
    """The 1-based column in UTF-16 code units (what LSP counts) of a code-point column."""
    prefix = line_text[: column - 1]
    return column + sum(1 for ch in prefix if ord(ch) > 0xFFFF)


def column_from_utf16(line_text: str, units: int) -> int:
    """The 1-based code-point column of a 1-based UTF-16 column (inverse of the above).

    A position inside a surrogate pair (invalid in LSP) snaps to the character's start.
    """
    seen = 1
    for index, ch in enumerate(line_text):
        width = 2 if ord(ch) > 0xFFFF else 1
        if seen + width > units:
            return index + 1
        seen += width
    return len(line_text) + 1 + max(0, units - seen)


def utf8_column(line_text: str, column: int) -> int:
    """The 1-based column in UTF-8 bytes of a code-point column (an LSP client may ask)."""
    return len(line_text[: column - 1].encode("utf-8")) + 1


def column_from_utf8(line_text: str, units: int) -> int:
    """The 1-based code-point column of a 1-based UTF-8 byte column (inverse of the above).

    A position inside a multi-byte character snaps to the character's start.
    """
    seen = 1
    for index, ch in enumerate(line_text):
        width = len(ch.encode("utf-8"))
        if seen + width > units:
            return index + 1
        seen += width
    return len(line_text) + 1 + max(0, units - seen)


def _dominant_newline(breaks: list[re.Match[str]]) -> str:
    if not breaks:
        return "\n"
    counts: dict[str, int] = {}
    for m in breaks:
        counts[m.group()] = counts.get(m.group(), 0) + 1
    return max(counts, key=lambda k: (counts[k], k == "\n"))
