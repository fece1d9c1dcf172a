"""A note's citations and links, stored as a table rather than one object per element.

A pasted line of 20 MB holds 1.8 million ``[[x]]`` and as many ``@key``: as NamedTuples
(an element, its spans, their integers) that is over a gigabyte.  :class:`Packed` keeps
each element as five small integers in arrays -- line, column, end line, end column and
a *shape* -- and each distinct shape (everything but the position: the key, the raw
text, the target…) once.  It is a read-only sequence: iterating or indexing builds the
elements on the way, equal to what the scanner found, so every reader of
``note.links`` works unchanged.

Readers that would repeat work per element ask per shape instead: :func:`distinct` (one
element per shape: a rule resolves ``[[x]]`` once), :func:`occurrences` (every element
of a shape, at most ``limit`` per line, with how many more), :func:`between` (the
elements on a range of lines, by bisection).  Each also takes a plain tuple, so a
:class:`~vaultkit.model.Note` built by hand works the same.

Positions are the parser's: the table stores the spans it computed, never derives one.
"""

from __future__ import annotations

import heapq
import operator
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import repeat
from typing import Any, Generic, Literal, TypeVar, overload

from vaultkit.model import Citation, Link, Span
from vaultkit.positions import line_columns

E = TypeVar("E", Citation, Link)
Kind = Literal["citation", "link"]

_CITATION_SHAPE = (str, str, bool, bool)
"""key, raw, bracketed, suppress_author"""
_LINK_SHAPE = (str, str, str, (str, type(None)), (str, type(None)), (str, type(None)), bool)
"""kind, raw, target, fragment, label, title, is_url; then the target span relative to
the span (line and column offsets) or ``None``"""


class Packed(Sequence[E], Generic[E]):
    """Citations or links in document order, five integers per element."""

    __slots__ = ("kind", "_shapes", "_line", "_col", "_end_line", "_end_col", "_shape", "_index")

    def __init__(self, kind: Kind, shapes: list[tuple[Any, ...]], line: array, col: array,
                 end_line: array, end_col: array, shape: array) -> None:
        self.kind = kind
        self._shapes = shapes
        self._line, self._col, self._end_line, self._end_col = line, col, end_line, end_col
        self._shape = shape
        self._index: dict[int, array] | None = None  # shape -> its elements, built on demand

    # -- the sequence -----------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._shape)

    def _make(self, i: int) -> E:
        return _build(self.kind, self._shapes[self._shape[i]], self._line[i], self._col[i],
                      self._end_line[i], self._end_col[i])

    @overload
    def __getitem__(self, i: int) -> E: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[E, ...]: ...
    def __getitem__(self, i: int | slice) -> E | tuple[E, ...]:
        if isinstance(i, slice):
            return tuple(self._make(j) for j in range(*i.indices(len(self))))
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("Packed index out of range")
        return self._make(i)

    def __iter__(self) -> Iterator[E]:
        shapes, kind = self._shapes, self.kind
        rows = zip(self._shape, self._line, self._col, self._end_line, self._end_col)
        if kind == "citation":
            for s, line, col, end_line, end_col in rows:
                key, raw, bracketed, suppress = shapes[s]
                yield Citation(key, raw, Span(line, col, end_line, end_col), bracketed, suppress)  # type: ignore[misc]
        else:
            for s, line, col, end_line, end_col in rows:
                yield _link(shapes[s], line, col, end_line, end_col)  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Packed, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Packed({self.kind}, {len(self)} elements, {len(self._shapes)} shapes)"

    def __add__(self, other: Iterable[E]) -> Packed[E]:
        return pack(self.kind, [*self, *other])

    def __radd__(self, other: Iterable[E]) -> Packed[E]:
        return pack(self.kind, [*other, *self])

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:  # worker processes: arrays pickle whole
        return _restore, (self.kind, self._shapes, self._line, self._col, self._end_line,
                          self._end_col, self._shape)

    # -- stored form (the facts store): plain lists, checked on the way back ------------
    def to_data(self) -> dict[str, Any]:
        return {"kind": self.kind, "shapes": [[list(v) if isinstance(v, tuple) else v for v in s]
                                              for s in self._shapes],
                "rows": [self._shape.tolist(), self._line.tolist(), self._col.tolist(),
                         self._end_line.tolist(), self._end_col.tolist()]}

    @classmethod
    def from_data(cls, data: Any) -> Packed[Any]:
        """The table :meth:`to_data` wrote; ``ValueError`` on anything else (a cache file
        is input like any other: never trusted)."""
        if not isinstance(data, dict) or data.get("kind") not in ("citation", "link"):
            raise ValueError("not a packed table")
        kind = data["kind"]
        want = _CITATION_SHAPE if kind == "citation" else _LINK_SHAPE
        shapes = []
        extra = 1 if kind == "link" else 0  # a link's relative target span
        for raw in data.get("shapes", ()):
            if not isinstance(raw, list) or len(raw) != len(want) + extra:
                raise ValueError("bad shape")
            fields = raw[: len(want)]
            if not all(isinstance(v, t) for v, t in zip(fields, want)):
                raise ValueError("bad shape")
            if not extra:
                shapes.append(tuple(fields))
                continue
            rel = raw[-1]
            if rel is not None and not (
                    isinstance(rel, list) and len(rel) == 4 and all(type(v) is int for v in rel)):
                raise ValueError("bad target span")
            shapes.append((*fields, tuple(rel) if rel is not None else None))
        rows = data.get("rows")
        if not isinstance(rows, list) or len(rows) != 5 or len({len(r) for r in rows}) != 1:
            raise ValueError("bad rows")
        try:
            columns = [array("I", r) for r in rows]
        except (TypeError, OverflowError) as error:
            raise ValueError("bad rows") from error
        if any(s >= len(shapes) for s in columns[0]):
            raise ValueError("bad shape index")
        return _restore(kind, shapes, *columns[1:], columns[0])

    # -- per shape, per line -----------------------------------------------------------
    def _shape_index(self) -> dict[int, array]:
        """Shape id -> its elements (indexes, in order); the first key first.  Built once."""
        if self._index is None:
            index: dict[int, array] = {}
            for i, s in enumerate(self._shape):
                found = index.get(s)
                if found is None:
                    index[s] = found = array("I")
                found.append(i)
            self._index = index
        return self._index

    def distinct(self) -> list[E]:
        """The first element of each shape, in document order."""
        if self._index is not None:
            return [self._make(rows[0]) for rows in self._index.values()]
        # asked of every note's tables by the vault-wide rules: found without building
        # (and keeping, in a process holding every note's facts) the per-shape index,
        # and without a Python step per element (five rules ask a line of 1.8 million):
        # the shapes in order of first appearance, then each one's first place, searched
        # from the place of the one before it (it appears first after that one)
        shape, out, at = self._shape, [], -1
        for s in dict.fromkeys(shape):
            at = shape.index(s, at + 1)
            out.append(self._make(at))
        return out

    def occurrences(self, element: E, limit: int) -> Iterator[tuple[E, int]]:
        """Every element shaped as ``element`` (one of :meth:`distinct`), at most ``limit``
        per line: each with the number of further ones on its line it stands for (0 but
        for the last kept)."""
        index = self._shape_index()
        which = self._find(element)
        rows = index.get(which, array("I")) if which is not None else array("I")
        lines = self._line
        at, n = 0, len(rows)
        while at < n:
            line = lines[rows[at]]
            stop = at
            while stop < n and lines[rows[stop]] == line:
                stop += 1
            kept = min(limit, stop - at)
            for k in range(at, at + kept):
                yield self._make(rows[k]), (stop - at - kept if k == at + kept - 1 else 0)
            at = stop

    def _find(self, element: E) -> int | None:
        # elements are in document order and no two start at one place: bisect twice
        span = element.span
        lo = bisect_left(self._line, span.line)
        hi = bisect_right(self._line, span.line, lo)
        i = bisect_left(self._col, span.column, lo, hi)
        if i < hi and self._col[i] == span.column and self._make(i) == element:
            return self._shape[i]
        for i in range(lo, hi):  # a table built out of order by hand
            if self._make(i) == element:
                return self._shape[i]
        return None

    def starting_in(self, where: Span) -> list[E]:
        """The elements that start inside ``where`` (from its start, before its end)."""
        line, col = self._line, self._col
        lo = bisect_left(line, where.line)
        lo = bisect_left(col, where.column, lo, bisect_right(line, where.line, lo))
        end = bisect_left(line, where.end_line, lo)
        hi = bisect_left(col, where.end_column, end, bisect_right(line, where.end_line, end))
        return [self._make(i) for i in range(lo, hi)]

    def between(self, first: int, last: int) -> list[E]:
        """The elements starting on lines ``first``..``last`` (inclusive)."""
        lo = bisect_left(self._line, first)
        hi = bisect_right(self._line, last)
        return [self._make(i) for i in range(lo, hi)]


# -- building --------------------------------------------------------------------------
class Packer(Generic[E]):
    """Collects elements in document order (the scanner's order) into a :class:`Packed`.

    Two ways in, one per packer: :meth:`add` with the span the parser computed, or
    :meth:`at` with an offset and a length for an element on one line of a note's text,
    whose position :func:`vaultkit.positions.line_columns` gives in :meth:`done` (the way
    of a million elements: no span is built for any of them).
    """

    __slots__ = ("kind", "_ids", "_shapes", "_shape", "_spans", "_offsets", "_lengths")

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self._ids: dict[tuple[Any, ...], int] = {}
        self._shapes: list[tuple[Any, ...]] = []
        self._shape = array("I")
        self._spans = array("I")  # line, col, end line, end col, one element after another
        self._offsets = array("I")
        self._lengths = array("I")

    def shape_id(self, shape: tuple[Any, ...]) -> int:
        s = self._ids.get(shape)
        if s is None:
            s = self._ids[shape] = len(self._shapes)
            self._shapes.append(shape)
        return s

    def add(self, shape: tuple[Any, ...], span: tuple[int, int, int, int]) -> None:
        """``shape``: the element's fields but its span (a link's target span relative to
        the span, see :func:`link_shape`)."""
        self._shape.append(self.shape_id(shape))
        self._spans.extend(span)

    def at(self, shape_id: int, offset: int, length: int) -> None:
        """An element of :meth:`shape_id` ``shape_id`` at ``offset`` of the note's text,
        ``length`` characters on one line."""
        self._shape.append(shape_id)
        self._offsets.append(offset)
        self._lengths.append(length)

    def rows(self) -> tuple[Callable[[int], None], Callable[[int], None], Callable[[int], None]]:
        """:meth:`at` as its three appends (shape id, offset, length), for a scanner's loop."""
        return self._shape.append, self._offsets.append, self._lengths.append

    def done(self, line_starts: Sequence[int] = (0,)) -> Packed[E]:
        """The table; ``line_starts`` of the text the :meth:`at` offsets are in."""
        if self._offsets:
            line, col = line_columns(line_starts, self._offsets)
            # one line each: the end is on the start's line (one array serves both)
            end_col = array("I", map(operator.add, col, self._lengths))
            return Packed(self.kind, self._shapes, line, col, line, end_col, self._shape)
        spans = self._spans
        return Packed(self.kind, self._shapes, spans[0::4], spans[1::4], spans[2::4], spans[3::4],
                      self._shape)

    def add_element(self, element: E) -> None:
        if self.kind == "citation":
            c: Citation = element  # type: ignore[assignment]
            self.add((c.key, c.raw, c.bracketed, c.suppress_author), c.span)
        else:
            self.add(link_shape(element, element.span), element.span)  # type: ignore[arg-type]


def merge(kind: Kind, tables: Sequence[Packed[E]]) -> Packed[E]:
    """One table of the elements of ``tables`` (each in document order), by position."""
    full = [t for t in tables if len(t)]
    if len(full) <= 1:
        return full[0] if full else Packer(kind).done()
    packer: Packer[E] = Packer(kind)
    heads = heapq.merge(*(zip(t._line, t._col, repeat(n), range(len(t))) for n, t in enumerate(full)))
    for line, col, n, i in heads:
        t = full[n]
        packer.add(t._shapes[t._shape[i]], (line, col, t._end_line[i], t._end_col[i]))
    return packer.done()


def link_shape(link: Link, span: Span) -> tuple[Any, ...]:
    t = link.target_span
    rel = None if t is None else (t[0] - span[0], t[1] - span[1], t[2] - span[0], t[3] - span[1])
    return (link.kind, link.raw, link.target, link.fragment, link.label, link.title, link.is_url, rel)


def pack(kind: Kind, elements: Iterable[E]) -> Packed[E]:
    """Elements (sorted by position) as a table."""
    packer: Packer[E] = Packer(kind)
    for element in elements:
        packer.add_element(element)
    return packer.done()


def as_packed(kind: Kind, elements: Sequence[E]) -> Packed[E]:
    return elements if isinstance(elements, Packed) else pack(kind, elements)


EMPTY_LINKS: Packed[Link] = Packer("link").done()
EMPTY_CITATIONS: Packed[Citation] = Packer("citation").done()


def _restore(kind: Kind, shapes: list[tuple[Any, ...]], line: array, col: array,
             end_line: array, end_col: array, shape: array) -> Packed[Any]:
    """A table come back from a worker or the store, made small: a process that holds
    every note's tables (the linter's main process, the language server) holds each
    citekey, target and raw text once however many notes repeat it, one table for all
    the empty ones, and one array for start and end lines when every element is on one
    line."""
    if not shape:
        return EMPTY_LINKS if kind == "link" else EMPTY_CITATIONS
    if end_line is not line and end_line == line:
        end_line = line
    return Packed(kind, [tuple(_intern(v) for v in s) for s in shapes], line, col, end_line,
                  end_col, shape)


def _intern(value: Any) -> Any:
    return sys.intern(value) if type(value) is str else value


T = TypeVar("T")


class Sharer:
    """One copy of each equal value among the facts a process holds of every note (the
    linter's main process until the vault-wide rules have run): the same heading at the
    same place, the same citation of the same paper, the same code span or tag comes
    back from the workers in hundreds of notes, each note's copy pickled apart.

    Only immutable values of one type are shared (a ``Word`` is never handed out for an
    equal plain tuple).  Holding a value keeps it alive as long as the sharer: make one
    per run, not per process.
    """

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[Any, Any] = {}

    def one(self, value: T) -> T:
        found = self._seen.setdefault(value, value)
        return found if type(found) is type(value) else value

    def each(self, values: tuple[T, ...]) -> tuple[T, ...]:
        """The tuple with each item shared, itself shared (an equal tuple of equal items)."""
        if not values:
            return ()
        one = self.one
        return one(tuple(one(v) for v in values))

    def table(self, table: Packed[E]) -> Packed[E]:
        """``table`` with its shapes shared (in place: call it before anyone reads it)."""
        shapes, one = table._shapes, self.one
        for i, shape in enumerate(shapes):
            shapes[i] = one(shape)
        return table


def encode_hook(value: object) -> object:
    """For msgspec: a table is stored as plain lists (:meth:`Packed.to_data`)."""
    if isinstance(value, Packed):
        return value.to_data()
    raise NotImplementedError(f"cannot store {type(value).__name__}")


def decode_hook(kind: type, data: object) -> object:
    """For msgspec: a stored table back, checked (``ValueError`` when it is not one)."""
    if getattr(kind, "__origin__", kind) is Packed:
        table = Packed.from_data(data)
        want = getattr(kind, "__args__", (None,))[0]
        if want is not None and table.kind != ("citation" if want is Citation else "link"):
            raise ValueError("a table of the wrong kind")
        return table
    raise TypeError(f"cannot load {kind}")


def _link(shape: tuple[Any, ...], line: int, col: int, end_line: int, end_col: int) -> Link:
    kind, raw, target, fragment, label, title, is_url, rel = shape
    target_span = None if rel is None else Span(line + rel[0], col + rel[1], line + rel[2], col + rel[3])
    return Link(kind, raw, Span(line, col, end_line, end_col), target, fragment, label, title, is_url,
                target_span)


def _build(kind: Kind, shape: tuple[Any, ...], line: int, col: int, end_line: int, end_col: int) -> Any:
    if kind == "citation":
        key, raw, bracketed, suppress = shape
        return Citation(key, raw, Span(line, col, end_line, end_col), bracketed, suppress)
    return _link(shape, line, col, end_line, end_col)


# -- for any sequence of elements (a Note built by hand holds tuples) -------------------
def distinct(elements: Sequence[E]) -> list[E]:
    """One element per shape (equal but for the position), first first."""
    if isinstance(elements, Packed):
        return elements.distinct()
    seen: dict[tuple[Any, ...], E] = {}
    for e in elements:
        seen.setdefault(_shape_of(e), e)
    return list(seen.values())


def occurrences(elements: Sequence[E], element: E, limit: int) -> Iterator[tuple[E, int]]:
    """Every element shaped as ``element``, at most ``limit`` per line, each with the
    count of further ones on its line it stands for (see :meth:`Packed.occurrences`)."""
    if isinstance(elements, Packed):
        yield from elements.occurrences(element, limit)
        return
    want = _shape_of(element)
    same = [e for e in elements if _shape_of(e) == want]
    by_line: dict[int, list[E]] = {}
    for e in same:
        by_line.setdefault(e.span.line, []).append(e)
    for group in by_line.values():
        kept = group[:limit]
        for k, e in enumerate(kept):
            yield e, (len(group) - len(kept) if k == len(kept) - 1 else 0)


def between(elements: Sequence[E], first: int, last: int) -> list[E]:
    """The elements starting on lines ``first``..``last``: by bisection on a table."""
    if isinstance(elements, Packed):
        return elements.between(first, last)
    return [e for e in elements if first <= e.span.line <= last]


def starting_in(elements: Sequence[E], where: Span) -> list[E]:
    """The elements that start inside ``where``: by bisection on a table."""
    if isinstance(elements, Packed):
        return elements.starting_in(where)
    start, end = where[:2], where[2:]
    return [e for e in elements if start <= e.span[:2] < end]


def _shape_of(element: Citation | Link) -> tuple[Any, ...]:
    if isinstance(element, Citation):
        return (element.key, element.raw, element.bracketed, element.suppress_author)
    return link_shape(element, element.span)
