"""Bytes to :class:`~vaultkit.model.Note`: the one entry point of the parser.

``parse_note`` is a pure function of (path, bytes): it is what the cache stores and what
worker processes run.  Bad input never raises; it becomes a ``VK0xx`` problem.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from msgspec.structs import replace

from vaultkit.lazyre import lazy
from vaultkit.model import Block, BlockKind, Heading, ListItem, Note, Problem, Section, Span
from vaultkit.parse.blocks import FIRST, MARKER, RawBlock, parse_blocks
from vaultkit.parse.frontmatter import split_frontmatter
from vaultkit.parse.canvas import CANVAS_SUFFIX, parse_canvas
from vaultkit.parse.inline import frontmatter_links, scan_inline
from vaultkit.markers import find_region, scan
from vaultkit.packed import merge, pack
from vaultkit.positions import Lines, SourceText

_HEADING_LINE = lazy(r"#{1,6}(?:[ \t]|\Z)")
_ATX = re.compile(r"(?P<prefix>[ \t>]*#{1,6})(?:[ \t]+(?P<text>.*?))??(?:[ \t]+#+)?[ \t]*\Z")
_MARKER = lazy(r"[ \t>]*(?P<marker>[-+*]|\d{1,9}[.)])")
_TASK = re.compile(r"\[(?P<state>[ xX])\](?=[ \t]|\Z)")
_BLOCK_KINDS: dict[str, BlockKind] = {
    "paragraph": "paragraph", "block_text": "paragraph", "heading": "heading", "list": "list",
    "block_quote": "block_quote", "block_code": "code", "block_math": "math",
    "block_html": "html", "thematic_break": "thematic_break",
}


INTERNAL_ERROR = "VK000"


def parse_note(path: str, data: bytes) -> Note:
    """Parse a note's bytes.  Never raises: bad content is a ``VK0xx`` problem.

    An exception nothing below anticipated is a bug in vaultkit, not in the note: it
    becomes a ``VK000`` problem on this note (as a crashing rule does), so one odd note
    never ends the run for the whole vault.
    """
    try:
        decoded = _decode(path, data)
        if isinstance(decoded, Problem):
            return Note(path=path, lines=(), problems=(decoded,), readable=False)
        if path.lower().endswith(CANVAS_SUFFIX):
            return parse_canvas(path, decoded)
        return parse_text(path, decoded)
    except Exception as error:  # noqa: BLE001 - any parser bug, reported on the note
        message = (f"vaultkit could not parse this note ({type(error).__name__}: "
                   f"{_clip(str(error))}); nothing in it was checked. Please report this "
                   "with the note.")
        return Note(path=path, lines=(), problems=(Problem(INTERNAL_ERROR, Span(1, 1, 1, 1), message),),
                    readable=False)


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def parse_text(path: str, decoded: str) -> Note:
    written = SourceText.from_str(decoded)
    source = _without_generated_text(written)
    text = source.text
    fm = split_frontmatter(source)
    body_start = source.line_starts[fm.body_line - 1] if fm.body_line <= source.line_count else len(text)

    raw_blocks = parse_blocks(text[body_start:], fm.body_line - 1) if body_start < len(text) else []
    opaque = [(0, body_start)] + [
        _line_range(source, b.start, b.end) for b in raw_blocks if b.type in ("block_code", "block_math")
    ]
    items_raw = [b for b in raw_blocks if b.type == "list_item"]
    item_parts = [_item_parts(source, b) for b in items_raw]
    # A list item's first line (mistune's copy: 20 MB for a 20 MB line) is read only by
    # ``_item_parts``: dropped before the inline scan, the parse's peak.
    for b in items_raw:
        b.token.pop(FIRST, None)
    skip = frozenset(p.task_offset for p in item_parts if p.task_offset is not None)

    original = source.slice if source.original is not source.text else None
    inline = scan_inline(text, opaque, source.span, skip, original, source.line_starts)
    links = inline.links
    if fm.frontmatter is not None and isinstance(fm.frontmatter.data, dict):
        links = merge("link", [pack("link", frontmatter_links(text, 0, body_start, fm.frontmatter.data,
                                                            source.span)), links])
    hidden = _hidden_lines(source, inline.visible)

    headings = tuple(
        _heading(source, b) for b in raw_blocks
        if b.type == "heading" and b.depth == 0 and b.start + 1 not in hidden
    )
    list_items = _list_items(items_raw, item_parts, hidden)
    blocks = tuple(_blocks(raw_blocks))
    sections = _sections(headings, inline.visible, source, fm.body_line)
    return Note(
        path=path,
        lines=Lines(written.text),
        frontmatter=fm.frontmatter,
        body_line=fm.body_line,
        headings=headings,
        sections=sections,
        list_items=list_items,
        blocks=blocks,
        links=links,
        citations=inline.citations,
        tags=inline.tags,
        code_spans=inline.code_spans,
        key_words=inline.key_words,
        comments=inline.comments,
        problems=fm.problems,
        has_bom=source.has_bom,
        newline=source.newline,
    )


def _blocks(raw_blocks: list[RawBlock]) -> Iterator[Block]:
    kinds = _BLOCK_KINDS
    for kind, start, end, depth, token in raw_blocks:
        if kind in kinds:
            attrs = token.get("attrs")
            info = attrs.get("info") if attrs else None  # a fenced code block's
            yield _new(Block, (kinds[kind], start + 1, end + 1, depth, str(info or "")))


def _without_generated_text(source: SourceText) -> SourceText:
    """Blank the body of a vaultkit-generated region, keeping its headings.

    The region repeats what the sessions say (findings there belong to the sessions), and
    it is most of an index note: parsing it would double the vault's work.  Headings
    stay, since links may point at them.  Characters become spaces, so every offset,
    line and column of the rest of the note is unchanged.
    """
    if "vaultkit:begin" not in source.text:
        return source
    lines = source.text.split("\n")
    markers = scan(lines)
    blank: set[int] = set()
    for name in markers.names:
        found = find_region(lines, name, markers)
        if isinstance(found, tuple):  # broken markers: parse everything, VK302 reports them
            begin, end = found
            blank.update(n for n in range(begin + 1, end) if not _HEADING_LINE.match(lines[n]))
    if not blank:
        return source
    for n in blank:
        lines[n] = " " * len(lines[n])
    return replace(source, text="\n".join(lines))


def _decode(path: str, data: bytes) -> str | Problem:
    nul = data.find(b"\x00")
    if nul != -1:
        line, column = _byte_position(data, nul)
        return Problem("VK002", Span(line, column, line, column + 1),
                       "note contains NUL bytes: it is binary or corrupted, not Markdown")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_position(data, error.start)
        bad = data[error.start : error.end].hex(" ")
        return Problem("VK002", Span(line, column, line, column + 1),
                       f"note is not valid UTF-8 (byte {bad}); re-save it as UTF-8")


def _byte_position(data: bytes, index: int) -> tuple[int, int]:
    source = SourceText.from_str(data[:index].decode("utf-8", errors="replace"))
    last = source.line_count
    return last, len(source.line(last)) + 1


def _line_range(source: SourceText, start: int, end: int) -> tuple[int, int]:
    """Offsets covering 0-based lines start..end inclusive."""
    stop = source.line_starts[end + 1] if end + 1 < source.line_count else len(source.text)
    return source.line_starts[min(start, source.line_count - 1)], stop


def _hidden_lines(source: SourceText, visible: str) -> set[int]:
    """1-based lines whose first non-blank character sits inside a comment."""
    hidden: set[int] = set()
    text = source.text
    if visible is text:  # no comment: every line is seen as it is
        return hidden
    for number, start in enumerate(source.line_starts, 1):
        end = source.line_starts[number] - 1 if number < source.line_count else len(text)
        line = text[start:end]
        stripped = len(line) - len(line.lstrip())
        if line.strip() and not visible[start + stripped : end].strip():
            hidden.add(number)
    return hidden


def _heading(source: SourceText, block: RawBlock) -> Heading:
    level = int(block.token.get("attrs", {}).get("level", 1))
    line_no = block.start + 1
    line = source.line(line_no)
    if block.token.get("style") == "setext":
        end_line = block.end + 1
        text_start = len(line) - len(line.lstrip(" \t>"))
        content = line[text_start:].rstrip()
        return Heading(level, content, Span(line_no, 1, end_line, len(source.line(end_line)) + 1),
                       Span(line_no, text_start + 1, line_no, text_start + len(content) + 1), "setext")
    m = _ATX.match(line)
    if m is None or m.group("text") is None:
        start = end = len(line.rstrip())
        content = ""
    else:
        start, end = m.span("text")
        content = sys.intern(m.group("text"))  # "Log", "Context": one string per worker's batch
    return Heading(level, content, Span(line_no, 1, line_no, len(line) + 1),
                   Span(line_no, start + 1, line_no, end + 1))


class _ItemParts:
    __slots__ = ("marker", "marker_span", "task", "task_offset", "text", "text_span")

    def __init__(self, marker: str, marker_span: Span, task: str | None,
                 task_offset: int | None, text: str, text_span: Span) -> None:
        self.marker, self.marker_span, self.task = marker, marker_span, task
        self.task_offset, self.text, self.text_span = task_offset, text, text_span


_new = tuple.__new__
"""Builds a Span or ListItem from a tuple without NamedTuple's Python-level ``__new__``
(a session note has dozens of items, a vault hundreds of thousands)."""


def _item_parts(source: SourceText, block: RawBlock) -> _ItemParts:
    line_no = block.start + 1
    line = source.line(line_no)
    token = block.token
    marker_end = _marker_end(line, token.get(MARKER), token.get(FIRST))
    marker_start = marker_end
    if marker_end > 0 and line[marker_end - 1] in ".)":
        marker_start = marker_end - 1
        while marker_start > 0 and line[marker_start - 1].isdigit():
            marker_start -= 1
    else:
        marker_start = max(marker_end - 1, 0)
    rest = line[marker_end:].lstrip(" \t")
    content = len(line) - len(rest)
    task = task_offset = None
    box = _TASK.match(line, content) if rest.startswith("[") else None
    if box:
        task = box.group("state")
        task_offset = source.line_starts[line_no - 1] + content
        rest = line[box.end():].lstrip(" \t")
        content = len(line) - len(rest)
    text = rest.rstrip()
    return _ItemParts(
        line[marker_start:marker_end],
        _new(Span, (line_no, marker_start + 1, line_no, marker_end + 1)),
        task, task_offset, text,
        _new(Span, (line_no, content + 1, line_no, content + len(text) + 1)),
    )


def _marker_end(line: str, marker: str | None, first: str | None) -> int:
    """End of the list marker on ``line``.

    mistune reports the marker and the text after it as written (only indentation and
    ``>`` prefixes are rewritten), so the marker is the one right before that text --
    which also picks the right one of several markers on a line (``- - nested``).
    """
    if marker is not None and first is not None:
        body = line.rstrip()
        tail = first.strip()
        if body.endswith(tail):
            i = len(body) - len(tail)
            if tail:
                i = len(line[:i].rstrip(" \t"))
            if line.endswith(marker, 0, i):
                return i
    m = _MARKER.match(line)
    return m.end("marker") if m else 0


def _list_items(
    blocks: list[RawBlock], parts: list[_ItemParts], hidden: set[int]
) -> tuple[ListItem, ...]:
    items: list[ListItem] = []
    stack: list[ListItem] = []
    for block, part in zip(blocks, parts):
        line_no = block.start + 1
        if line_no in hidden:
            continue
        while stack and stack[-1].end_line < line_no:
            stack.pop()
        parent = stack[-1] if stack else None
        item: ListItem = _new(ListItem, (  # ListItem's fields, in order
            len(items), parent.index if parent else None, len(stack), part.marker,
            part.marker_span, part.task, part.text, part.text_span, max(block.end + 1, line_no)))
        items.append(item)
        stack.append(item)
    return tuple(items)


def _sections(
    headings: tuple[Heading, ...], visible: str, source: SourceText, body_line: int
) -> tuple[Section, ...]:
    last_line = source.line_count
    if last_line and not source.line(last_line) and last_line > 1:
        last_line -= 1  # the empty "line" after a final newline owns nothing

    def has_content(first: int, last: int) -> bool:
        for n in range(first, last + 1):
            start = source.line_starts[n - 1]
            end = source.line_starts[n] - 1 if n < source.line_count else len(visible)
            if visible[start:end].strip():
                return True
        return False

    sections: list[Section] = []
    first_heading = headings[0].span.line if headings else last_line + 1
    if first_heading > body_line and has_content(body_line, first_heading - 1):
        sections.append(Section(None, body_line, first_heading - 1, first_heading - 1, True))
    for i, heading in enumerate(headings):
        start = heading.span.end_line + 1
        end = last_line
        for later in headings[i + 1 :]:
            if later.level <= heading.level:
                end = later.span.line - 1
                break
        direct_end = headings[i + 1].span.line - 1 if i + 1 < len(headings) else last_line
        direct_end = min(direct_end, end)
        sections.append(Section(heading, start, end, direct_end, has_content(start, direct_end)))
    return tuple(sections)
