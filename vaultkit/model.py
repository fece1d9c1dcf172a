"""vaultkit's model of a note: plain frozen data.

Nothing here refers to the parser, so a :class:`Note` pickles cheaply and can be cached
per file or built in a worker process.  Every element carries a :class:`Span` and its
``raw`` text; the parser guarantees that slicing the original file at the span gives
``raw`` back.
"""

# No ``from __future__ import annotations`` here: typing.NamedTuple turns a string
# annotation into a ForwardRef, which compiles it -- one compile() per field of every
# NamedTuple below on every start-up (about 7 M instructions in all); the annotations
# name only what is already defined, so they are evaluated as written instead.
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

from msgspec import Struct, field

# The records here are msgspec Structs, not frozen dataclasses: a dataclass compiles its
# generated methods (__init__, __eq__, __hash__, __repr__, __setattr__...) with exec on
# every start-up -- about 3.5 M instructions a class, a large part of a one-note lint --
# while a Struct's are built in C.  Structs are frozen, compare and hash by their fields,
# repr like a dataclass and pickle as (class, field values) -- what the note cache and
# the worker processes need.  Copy with ``msgspec.structs.replace``.


class Span(NamedTuple):
    """1-based line and column, end exclusive; columns count Unicode code points.

    A NamedTuple rather than a dataclass: notes hold thousands of spans, and tuples
    pickle (cache, worker processes) and compare an order of magnitude faster.
    """

    line: int
    column: int
    end_line: int
    end_column: int


class Edit(NamedTuple):
    """Replace the text at ``span`` (end exclusive; an empty span inserts) with ``text``.

    ``text`` uses ``\\n`` for line breaks; :func:`vaultkit.edits.splice` writes them in the
    file's own line ending.  The one edit type of fixes, code actions and the index.
    """

    span: Span
    text: str


Applicability = Literal["safe", "unsafe"]


class Fix(Struct, frozen=True):
    """A titled set of edits that mends one finding, applied together or not at all."""

    title: str
    """What the fix does, shown as ``help:`` and as the code action's title."""
    edits: tuple[Edit, ...]
    applicability: Applicability = "safe"
    """``safe`` fixes are applied by ``--fix``; ``unsafe`` ones only with ``--unsafe-fixes``."""

    def to_json(self) -> dict[str, Any]:
        """The ``fix`` object of the JSON contract (README "JSON output")."""
        return {
            "applicability": self.applicability,
            "message": self.title,
            "edits": [
                {"line": e.span.line, "column": e.span.column, "end_line": e.span.end_line,
                 "end_column": e.span.end_column, "content": e.text}
                for e in self.edits
            ],
        }


Severity = Literal["error", "warning", "info", "off"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info", "off")


# The elements of a note are NamedTuples: a note holds thousands of them, and tuples are
# built, compared and pickled (cache, worker processes) faster still.


class Problem(NamedTuple):
    """A finding raised while reading a note (VK0xx), before any rule runs."""

    code: str
    span: Span
    message: str


class Frontmatter(Struct, frozen=True):
    raw: str
    """The YAML text between the fences."""
    span: Span
    """From the opening ``---`` to the end of the closing fence line."""
    data: Any
    """The parsed YAML (``None`` when it did not parse); timestamps stay strings."""
    key_spans: tuple[tuple[tuple[str, ...], Span], ...] = ()
    """Where each mapping key was written, by key path: ``(("authors",), span)``."""

    def key_span(self, path: tuple[str, ...]) -> Span | None:
        """The span of the deepest written key on ``path`` (or ``None``)."""
        return deepest_key_span(self.key_spans, path)


def deepest_key_span(
    key_spans: tuple[tuple[tuple[str, ...], Span], ...], path: tuple[str, ...]
) -> Span | None:
    """Where the longest written prefix of ``path`` is: errors point at the closest key."""
    best: Span | None = None
    best_len = -1
    for key_path, span in key_spans:
        n = len(key_path)
        if n > best_len and path[:n] == key_path:
            best, best_len = span, n
    return best


class Heading(NamedTuple):
    level: int
    text: str
    """The heading's text, trimmed, as written (inline markup kept)."""
    span: Span
    """The heading line(s) as written (``## Log``)."""
    text_span: Span
    style: Literal["atx", "setext"] = "atx"


class Section(NamedTuple):
    """A heading and the lines it owns, up to the next heading of the same or higher level."""

    heading: Heading | None
    """``None`` for the preamble before the first heading."""
    start_line: int
    """First line after the heading (or line 1 of the body for the preamble)."""
    end_line: int
    """Last line owned (inclusive); ``end_line < start_line`` when nothing follows."""
    direct_end_line: int
    """Last line before the first sub-heading: the section's own text."""
    has_content: bool
    """Whether the section's own lines hold anything but blanks and comments."""

    @property
    def title(self) -> str:
        return self.heading.text if self.heading else ""

    @property
    def level(self) -> int:
        return self.heading.level if self.heading else 0


class ListItem(NamedTuple):
    index: int  # type: ignore[assignment]  # shadows tuple.index on purpose: the item's position
    """Position in :attr:`Note.list_items` (document order)."""
    parent: int | None
    """Index of the enclosing item, ``None`` for a top-level item of its list."""
    depth: int
    """0 for items of a list not nested in another item."""
    marker: str
    """``-``, ``*``, ``+``, ``1.``, ``1)``."""
    marker_span: Span
    task: Literal[" ", "x", "X"] | None
    """The task box state, ``None`` when the item has none."""
    text: str
    """The first line of the item's content, after the marker and any task box."""
    text_span: Span
    end_line: int
    """Last line the item owns, nested items included (trailing blanks excluded)."""

    @property
    def line(self) -> int:
        return self.marker_span.line

    @property
    def indent(self) -> int:
        """0-based column of the marker."""
        return self.marker_span.column - 1


BlockKind = Literal[
    "paragraph", "heading", "list", "block_quote", "code", "math", "html", "thematic_break",
    "table",
]


class Block(NamedTuple):
    kind: BlockKind
    start_line: int
    end_line: int
    """Inclusive."""
    depth: int = 0
    """Nesting in lists and block quotes."""
    info: str = ""
    """The fence info string of a code block (``python``)."""


LinkKind = Literal["wikilink", "embed", "markdown", "image", "autolink"]


class Link(NamedTuple):
    kind: LinkKind
    raw: str
    span: Span
    target: str
    """The path part, percent-decoded for Markdown links; ``""`` for ``[[#Heading]]``."""
    fragment: str | None = None
    """After ``#``: a heading, ``^block`` or ``page=3``."""
    label: str | None = None
    """Alias (wikilink), link text (Markdown) or size (``300`` in ``![[x.png|300]]``)."""
    title: str | None = None
    is_url: bool = False
    """An ``http(s)://``, ``mailto:``, ``obsidian://``, ``zotero://``… address, not a file."""
    target_span: Span | None = None

    @property
    def is_embed(self) -> bool:
        return self.kind in ("embed", "image")


class Citation(NamedTuple):
    key: str
    raw: str
    """``@key`` or ``@{key}`` (the ``-`` of suppress-author not included)."""
    span: Span
    bracketed: bool = False
    """Inside a bracketed citation group ``[see @a; @b, p. 3]``."""
    suppress_author: bool = False


class Tag(NamedTuple):
    """A session tag: ``[name]``, ``[name -> text]``, ``[name(arg)]``, ``[name(arg) -> text]``."""

    name: str
    raw: str
    span: Span
    name_span: Span
    argument: str | None = None
    """Text inside the parentheses, ``None`` when there are none."""
    argument_span: Span | None = None
    arrow: bool = False
    payload: str | None = None
    """Text after ``->`` (stripped; may be ``""``), ``None`` without an arrow."""


class Word(NamedTuple):
    """A bare word of prose shaped like a citekey (``kohGroundingLanguageModels2023``)."""

    text: str
    span: Span


class CodeSpan(NamedTuple):
    text: str
    """The code, without the backticks."""
    raw: str
    span: Span


class Comment(NamedTuple):
    """An Obsidian ``%% … %%`` or HTML ``<!-- … -->`` comment."""

    text: str
    """The inside, stripped."""
    raw: str
    span: Span
    style: Literal["obsidian", "html"] = "obsidian"


class Note(Struct, frozen=True):
    path: str
    """Path relative to the vault root, POSIX separators."""
    lines: Sequence[str]
    """The note's lines (normalized text, no line endings): a
    :class:`vaultkit.positions.Lines` when parsed (one string; a tuple works too)."""
    frontmatter: Frontmatter | None = None
    body_line: int = 1
    """First line after the frontmatter."""
    headings: tuple[Heading, ...] = ()
    sections: tuple[Section, ...] = ()
    list_items: tuple[ListItem, ...] = ()
    blocks: tuple[Block, ...] = ()
    links: Sequence[Link] = ()
    """A :class:`vaultkit.packed.Packed` table when parsed (a tuple works too)."""
    citations: Sequence[Citation] = ()
    tags: tuple[Tag, ...] = ()
    code_spans: tuple[CodeSpan, ...] = ()
    comments: tuple[Comment, ...] = ()
    key_words: tuple[Word, ...] = ()
    """Bare prose words shaped like a citekey (letters and a year): VK209 checks which
    of them the bibliography knows."""
    problems: tuple[Problem, ...] = ()
    has_bom: bool = False
    newline: str = "\n"
    readable: bool = True
    """False when the bytes could not be decoded; only ``problems`` is filled then."""

    @property
    def meta(self) -> dict[str, Any]:
        """The frontmatter mapping, or ``{}``."""
        data = self.frontmatter.data if self.frontmatter else None
        return data if isinstance(data, dict) else {}

    def section(self, title: str) -> Section | None:
        wanted = title.casefold()
        for section in self.sections:
            if section.heading and section.title.casefold() == wanted:
                return section
        return None

    def items_in(self, section: Section) -> tuple[ListItem, ...]:
        return tuple(
            item for item in self.list_items if section.start_line <= item.line <= section.end_line
        )

    def children(self, item: ListItem) -> tuple[ListItem, ...]:
        return tuple(i for i in self.list_items[item.index + 1 :] if i.parent == item.index)

    def descendants(self, item: ListItem) -> tuple[ListItem, ...]:
        out = []
        for other in self.list_items[item.index + 1 :]:
            if other.line > item.end_line:
                break
            out.append(other)
        return tuple(out)

    def tags_on_line(self, line: int) -> tuple[Tag, ...]:
        return tuple(t for t in self.tags if t.span.line == line)


class Finding(Struct, frozen=True):
    path: str
    span: Span
    code: str
    rule: str
    severity: Severity
    message: str
    fixable: bool = False
    suggestion: str | None = None
    """A replacement or a hint the reporters may show (``did you mean …``)."""
    fix: Fix | None = None
    """The exact edits that mend this finding, when the rule knows them."""

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.code)

    def to_json(self) -> dict[str, Any]:
        """The JSON contract (README "JSON output"): keep these fields and names."""
        return {
            "path": self.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "fixable": self.fixable,
            "fix": self.fix.to_json() if self.fix is not None else None,
        }


# ``field`` is re-exported for modules that extend the model.
__all__ = [
    "Applicability", "Block", "Citation", "CodeSpan", "Comment", "Edit", "Finding", "Fix", "Frontmatter", "Heading", "Link",
    "ListItem", "Note", "Problem", "SEVERITIES", "Section", "Severity", "Span", "Tag", "Word", "field",
]
