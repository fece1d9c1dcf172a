"""Fixes the rules attach to their hits: edits built from spans the parser computed.

A rule never computes a position: every edit here starts from a parser span (a heading,
a tag name, a link target, a key) or from the start or end of a whole line of the note.
"""

from __future__ import annotations

import posixpath

from vaultkit.lazyre import lazy
from vaultkit.model import Applicability, Edit, Fix, Heading, Link, Note, Span
from vaultkit.schema.model import Schema, SectionSpec
from vaultkit.schema.sections import first_placed

_KEY_CHAR = lazy(r"[\w:.#$%&\-+?<>~/]")
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


def ends_open(note: Note) -> bool:
    """Whether the note ends inside a fenced code or math block that is never closed."""
    last = next((b for b in reversed(note.blocks) if b.kind in ("code", "math")), None)
    if last is None or last.end_line < len(note.lines) - 1:
        return False
    body = [line.strip() for line in note.lines[last.start_line - 1 : last.end_line]]
    opener = body[0][:3] if body else ""
    closed = len(body) > 1 and opener in ("```", "~~~", "$$") and any(
        line.startswith(opener) for line in body[1:])
    return opener in ("```", "~~~", "$$") and not closed


def insert_before_line(line: int, block: str) -> Edit:
    return Edit(Span(line, 1, line, 1), block)


# -- sections -------------------------------------------------------------------------------
def is_log(schema: Schema, spec: SectionSpec) -> bool:
    return schema.log is not None and spec.matches(schema.log.section)


def missing_section_fix(note: Note, schema: Schema, spec: SectionSpec,
                        next_heading: Heading | None, previous_end: int | None,
                        in_order: bool = True) -> Fix | None:
    """Insert ``spec``'s empty heading at its place: above the next schema section present,
    else after the end of the previous one, else at the end of the note.

    Safe, except for a section that must not stay empty (``empty: report``) or the Log
    (the empty heading would turn this error into a VK105/VK110 warning without the text
    the rule asks for), and in a note whose sections are out of order.
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
    elif ends_open(note):
        return None  # appended text would land inside an unclosed code fence or math block
    else:
        edit = append_block(note, f"{spec.display}\n")
    unsafe = spec.empty == "report" or is_log(schema, spec) or not in_order
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
def cite_key_fix(span: Span, key: str, before: str = "", after: str = "",
                 title: str | None = None) -> Fix:
    """Replace the text at ``span`` (`` `key` `` or a bare word) with the citation ``@key``.

    ``before``/``after`` are the characters next to the span, when the rule knows them:
    ``@{key}`` when the next one would run into the key (``@key.x`` cites ``key.x``), a
    space in front when the previous one is a word character (``x@key`` is not a
    citation).  A rule that does not know them gets ``@key``; the fix loop drops the fix
    in the rare note where that adds a finding.
    """
    cite = f"@{{{key}}}" if after and _KEY_CHAR.match(after) else f"@{key}"
    if before and (before.isalnum() or before == "_"):
        cite = " " + cite
    return replace(span, cite, title or f"Cite it: {cite.strip()}")


# -- links ----------------------------------------------------------------------------------
def raw_target(link: Link) -> str | None:
    """The link's target as written (``None`` when it spans lines)."""
    t, s = link.target_span, link.span
    if t is None or not (s.line == t.line == t.end_line):
        return None
    start = t.column - s.column
    return link.raw[start : start + t.end_column - t.column]


def retarget(link: Link, target: str, title: str, applicability: Applicability = "safe") -> Fix | None:
    """Write ``target`` in place of the link's target, when the target is written plainly
    (not percent-encoded, not in ``<…>``: then the new name would need the same care)."""
    written = raw_target(link)
    if link.target_span is None or written is None or written.strip() != link.target:
        return None
    if link.kind in ("markdown", "image") and any(c in target for c in " <>()%"):
        return None
    lead = written[: len(written) - len(written.lstrip())]
    trail = written[len(written.rstrip()):]
    return replace(link.target_span, lead + target + trail, title, applicability)


def case_of(target: str, path: str) -> str | None:
    """``target`` spelt as the file ``path`` is (``../Asset/Fig.png`` → ``../asset/fig.png``),
    component by component from the end; ``None`` when they are not the same name."""
    parts = target.split("/")
    real = path.split("/")
    out: list[str] = []
    r = len(real) - 1
    for i in range(len(parts) - 1, -1, -1):
        part = parts[i]
        if part in ("", ".", ".."):
            out.append(part)
            continue
        if r < 0:
            return None
        name = real[r]
        r -= 1
        if i == len(parts) - 1 and name.lower() == part.lower() + ".md":
            name = name[:-3]  # a note linked without its .md
        if name.lower() != part.lower() or len(name) != len(part):
            return None
        out.append(name)
    fixed = "/".join(reversed(out))
    return fixed if fixed != target else None


def note_name(path: str, notes: tuple[str, ...]) -> str:
    """How Obsidian links a note by the shortest unambiguous name: the file name without
    ``.md`` when no other note has it, else the whole path without ``.md``."""
    stem = posixpath.basename(path)[:-3] if path.lower().endswith(".md") else posixpath.basename(path)
    same = [p for p in notes if posixpath.basename(p).lower() == posixpath.basename(path).lower()]
    full = path[:-3] if path.lower().endswith(".md") else path
    return stem if len(same) <= 1 else full


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
