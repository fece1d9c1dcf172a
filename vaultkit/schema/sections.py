"""Which headings of a note are which sections of a schema (shared by VK101-VK105, VK109).

A heading *names* a schema section when its text is the section's title, one of its
aliases, or matches its ``match`` expression — at any level, so that ``### Log`` is
recognised as the Log at the wrong level (VK109) rather than as a missing Log (VK101).
Headings that name no section are *unknown* only at a level the schema uses for its
sections: a ``# Title`` above them or a ``### Sub-heading`` inside one is structure the
schema does not constrain.
"""

from __future__ import annotations

from msgspec import Struct

from vaultkit.model import Heading, Note, Section, Span
from vaultkit.schema.model import Schema, SectionSpec


class Placed(Struct, frozen=True):
    """A heading of the note that names a schema section."""

    spec: SectionSpec
    order: int
    """Index of ``spec`` in ``schema.sections``."""
    heading: Heading
    section: Section | None


_last_placed: list[tuple[Note, Schema, tuple["Placed", ...]]] = []


def placed_sections(note: Note, schema: Schema) -> tuple[Placed, ...]:
    """Every heading naming a schema section, in document order (duplicates included).

    The section rules each ask for the same note in turn: the last answer is kept (with
    the note and schema themselves, so identity cannot be confused with a later note).
    """
    if _last_placed and _last_placed[0][0] is note and _last_placed[0][1] is schema:
        return _last_placed[0][2]
    placed = _placed_sections(note, schema)
    _last_placed[:] = [(note, schema, placed)]
    return placed


def _placed_sections(note: Note, schema: Schema) -> tuple[Placed, ...]:
    if not schema.sections:
        return ()
    by_heading = {s.heading: s for s in note.sections if s.heading is not None}
    out = []
    for heading in note.headings:
        for order, spec in enumerate(schema.sections):
            if spec.matches(heading.text):
                out.append(Placed(spec, order, heading, by_heading.get(heading)))
                break
    return tuple(out)


def first_placed(note: Note, schema: Schema) -> dict[int, Placed]:
    """The first heading of each schema section present, keyed by its schema order."""
    out: dict[int, Placed] = {}
    for placed in placed_sections(note, schema):
        out.setdefault(placed.order, placed)
    return out


def unknown_headings(note: Note, schema: Schema) -> tuple[Heading, ...]:
    """Headings at a section level of the schema that name none of its sections."""
    levels = schema.section_levels
    return tuple(
        h for h in note.headings
        if h.level in levels and schema.section_spec(h.text) is None
    )


def line_start(heading: Heading) -> Span:
    """A zero-width span at column 1 of the heading's first line: "insert before this"."""
    return Span(heading.span.line, 1, heading.span.line, 1)


def written(heading: Heading) -> str:
    """``## Log``: the heading as a reader recognises it in a message."""
    return f"{'#' * heading.level} {heading.text}"
