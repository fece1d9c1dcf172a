"""Fixes the rules attach to their hits: edits built from spans the parser computed.

A rule never computes a position: every edit here starts from a parser span (a heading,
a tag name, a link target, a key) or from the start or end of a whole line of the note.
"""

from __future__ import annotations

import re

from vaultkit.model import Applicability, Edit, Fix, Heading, Note, Span
from vaultkit.schema.model import Schema, SectionSpec
from vaultkit.schema.sections import first_placed

_KEY_CHAR = re.compile(r"[\w:.#$%&\-+?<>~/]")
"""A character Pandoc would read as part of a citekey that runs into it."""


def replace(span: Span, text: str, title: str, applicability: Applicability = "safe") -> Fix:
    return Fix(title, (Edit(span, text),), applicability)


def line_text(note: Note, line: int) -> str:
    return note.lines[line - 1] if 1 <= line <= len(note.lines) else ""


def text_at(note: Note, span: Span) -> str | None:
    """The text a one-line span covers (``None`` for a span over several lines)."""
    if span.line != span.end_line:
        return None
    return line_text(note, span.line)[span.column - 1 : span.end_column - 1]


def end_of_note(note: Note) -> Span:
    """A zero-width span at the very end of the note."""
    last = len(note.lines)
    end = Span(last, len(note.lines[-1]) + 1, last, len(note.lines[-1]) + 1)
    return end


def append_block(note: Note, block: str) -> Edit:
    """Append ``block`` (lines ending in ``\\n``) at the end of the note, after a blank line."""
    lines = note.lines
    if lines == ("",):
        return Edit(end_of_note(note), block)
    if lines[-1] == "":  # ends with a line break
        return Edit(end_of_note(note), ("" if len(lines) > 1 and lines[-2] == "" else "\n") + block)
    return Edit(end_of_note(note), "\n\n" + block)


def insert_before_line(line: int, block: str) -> Edit:
    return Edit(Span(line, 1, line, 1), block)


# -- sections -------------------------------------------------------------------------------
def is_log(schema: Schema, spec: SectionSpec) -> bool:
    return schema.log is not None and spec.matches(schema.log.section)


def missing_section_fix(note: Note, schema: Schema, spec: SectionSpec,
                        next_heading: Heading | None, previous_end: int | None) -> Fix:
    """Insert ``spec``'s empty heading at its place: above the next schema section present,
    else after the end of the previous one, else at the end of the note.

    Safe, except for a section that must not stay empty (``empty: report``) or the Log:
    the empty heading would turn this error into a VK105/VK110 warning without the text
    the rule asks for.
    """
    block = f"{spec.display}\n\n"
    lines = note.lines
    follows = previous_end is not None and (
        previous_end + 1 < len(lines) or (previous_end + 1 == len(lines) and lines[-1] != ""))
    if next_heading is not None:
        edit = insert_before_line(next_heading.span.line, block)
    elif follows:  # another heading ends the previous section: go just above it
        assert previous_end is not None
        edit = insert_before_line(previous_end + 1, block)
    else:
        edit = append_block(note, f"{spec.display}\n")
    unsafe = spec.empty == "report" or is_log(schema, spec)
    return Fix(f"Insert an empty '{spec.display}' section", (edit,),
               "unsafe" if unsafe else "safe")


def heading_level_fix(heading: Heading, level: int) -> Fix:
    """Rewrite the heading at ``level`` (an ATX heading, text kept as written)."""
    text = f"{'#' * level} {heading.text}"
    return replace(heading.span, text, f"Make it a level-{level} heading: '{text}'")


def reorder_sections_fix(note: Note, schema: Schema) -> Fix | None:
    """Move every schema section (with what follows it up to the next one) into schema
    order, in one edit over the lines from the first section to the end of the last.

    Unsafe: the text moves, so a reader's own order (and any prose that referred to
    "above" or "below") changes; a line that belonged to no section may travel with the
    section before it.
    """
    placed = sorted(first_placed(note, schema).values(), key=lambda p: p.heading.span)
    if len(placed) < 2:
        return None
    starts = [p.heading.span.line for p in placed]
    last = placed[-1]
    end = last.section.end_line if last.section is not None else last.heading.span.end_line
    end = max(end, last.heading.span.end_line)
    chunks = []
    for i, p in enumerate(placed):
        stop = starts[i + 1] - 1 if i + 1 < len(placed) else end
        chunks.append((p.order, list(note.lines[starts[i] - 1 : stop])))
    trailing = 0
    for line in reversed(chunks[-1][1]):
        if line.strip():
            break
        trailing += 1
    ordered = [lines for _, lines in sorted(chunks, key=lambda c: c[0])]
    out: list[str] = []
    for i, lines in enumerate(ordered):
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        out.extend(lines)
        if i + 1 < len(ordered):
            out.append("")
    out.extend([""] * trailing)
    span = Span(starts[0], 1, end, len(note.lines[end - 1]) + 1)
    new = "\n".join(out)
    if new == "\n".join(note.lines[starts[0] - 1 : end]):
        return None
    return replace(span, new, "Move the sections into the schema's order", "unsafe")


# -- citations ------------------------------------------------------------------------------
def cite_key_fix(note: Note, span: Span, key: str, title: str | None = None) -> Fix:
    """Replace the text at ``span`` (`` `key` `` or a bare word) with the citation ``@key``.

    ``@{key}`` when the next character would run into the key (``@key's`` cites
    ``key's``); a space in front when the previous one is a word character (``x@key`` is
    not a citation).
    """
    line = line_text(note, span.line)
    before = line[span.column - 2] if span.column > 1 else ""
    after = line[span.end_column - 1] if span.end_line == span.line and span.end_column - 1 < len(line) else ""
    cite = f"@{{{key}}}" if after and _KEY_CHAR.match(after) else f"@{key}"
    if before and (before.isalnum() or before == "_"):
        cite = " " + cite
    return replace(span, cite, title or f"Cite it: {cite.strip()}")


# -- frontmatter ----------------------------------------------------------------------------
def duplicate_key_fix(note: Note, duplicate: Span) -> Fix | None:
    """Delete the earlier entry of a top-level frontmatter key written twice.

    YAML keeps the last value, so the note reads the same afterwards; unsafe, because the
    earlier value is gone and it was often meant to be kept (merged, or another key).
    """
    fm = note.frontmatter
    if fm is None:
        return None
    top = [(path, span) for path, span in fm.key_spans if len(path) == 1]
    name = next((path for path, span in top if span == duplicate), None)
    if name is None:
        return None
    earlier = [span for path, span in top if path == name and span.line < duplicate.line]
    if not earlier or earlier[-1].column != 1:
        return None
    first = earlier[-1]
    following = [span.line for _, span in top if span.line > first.line]
    stop = min(following) if following else fm.span.end_line  # the closing fence
    return Fix(f"Delete the earlier '{name[0]}' (line {first.line}); the last value is kept",
               (Edit(Span(first.line, 1, stop, 1), ""),), "unsafe")
