"""VK101 missing-section

## What it does
Reports a required schema section that has no heading in the note.
A section is required when the schema marks it `required: true`.  The finding points
where the section belongs: at the start of the line of the next schema section present
(the new heading goes just above it), or at the heading of the last section before it
when none follows.

## Why is this bad?
A session note is read by position: the tl;dr on top, the Log last.  A missing `## Log`
means the index credits no paper to the session; a missing `## Learned` is usually a
session whose harvest was never written down.  The heading costs one line, and an empty
section says "nothing here" explicitly.

## Example
```markdown
## tl;dr
Read LoRA.

## Log
- [read(@huLoRALowRankAdaptation2021)]
```
Use instead (every section of `rules/session.yaml`, empty ones included):
```markdown
## tl;dr
Read LoRA.

## Context

## Done

## Learned

## Next?

## Log
- [read(@huLoRALowRankAdaptation2021)]
```

## Fix safety
The fix inserts the missing heading, empty, at the level the schema names and at its
place in schema order: just above the next schema section present, else after the last
one before it, else at the end of the note.  It is safe, except for a section the schema
says must not stay empty (`empty: report`, the tl;dr) and for the Log: there the empty
heading would only turn this error into a VK105 or VK110 warning without the text the
section is for, so that fix is unsafe (`--unsafe-fixes`).  So is every VK101 fix in a note
whose sections are out of order (VK102): a section's place is not defined until they are
moved.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks._fixes import missing_section_fix
from vaultkit.checks.base import Hit, NoteContext
from vaultkit.model import Note, Span
from vaultkit.schema.sections import Placed, first_placed, line_start, written

CODE = "VK101"
NAME = "missing-section"
SEVERITY = "error"
SCOPE = "note"
OPTIONS: dict[str, object] = {}


def check(note: Note, ctx: NoteContext) -> Iterable[Hit]:
    for schema in ctx.schemas:
        present = first_placed(note, schema)
        for order, spec in enumerate(schema.sections):
            if not spec.required or order in present:
                continue
            after = [present[o] for o in sorted(present) if o > order]
            before = [present[o] for o in sorted(present) if o < order]
            fix = missing_section_fix(note, schema, spec,
                                      after[0].heading if after else None,
                                      _end(before[-1]) if before else None,
                                      in_order=_in_order(present))
            if after:
                span = line_start(after[0].heading)
                where = f" (it belongs before '{written(after[0].heading)}')"
            elif before:
                span = before[-1].heading.span
                where = f" (it belongs after '{written(before[-1].heading)}')"
            else:
                span = Span(note.body_line, 1, note.body_line, 1)
                where = ""
            yield Hit(span, f"missing required section '{spec.display}'{where}",
                      suggestion=spec.display, fix=fix)


def _in_order(present: dict[int, Placed]) -> bool:
    """Whether the sections present are in schema order (else a section's place is not
    defined until VK102's fix has moved them)."""
    orders = [p.order for p in sorted(present.values(), key=lambda p: p.heading.span)]
    return orders == sorted(orders)


def _end(placed: Placed) -> int:
    """The last line of a present section (its heading's when it owns no lines)."""
    if placed.section is None:
        return placed.heading.span.end_line
    return max(placed.section.end_line, placed.heading.span.end_line)
