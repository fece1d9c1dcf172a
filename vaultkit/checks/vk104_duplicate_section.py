"""VK104 duplicate-section

## What it does
Reports a schema section that appears twice in a note.
The second and later headings that name the same section (by title or alias, at any
level) are reported at the repeated heading, with the line of the first.

## Why is this bad?
Tools read the first one: the paper index takes its actions from the first `## Log` only,
so the entries under a second `## Log` silently credit no paper.  Two `## tl;dr` make the
summary ambiguous.  Usually the cause is a template pasted twice or two sessions merged.

## Example
```markdown
## Log
- [skim(@liTrainLargeThen2020)]

## Log
- [read(@merulloLinearlyMappingImage2022)]
```
Use instead:
```markdown
## Log
- [skim(@liTrainLargeThen2020)]
- [read(@merulloLinearlyMappingImage2022)]
```

## Fix safety
No fix: merging two sections moves text and vaultkit cannot tell which one is the real one.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks.base import Hit, NoteContext
from vaultkit.model import Heading, Note
from vaultkit.schema.sections import placed_sections, written

CODE = "VK104"
NAME = "duplicate-section"
SEVERITY = "error"
SCOPE = "note"
OPTIONS: dict[str, object] = {}


def check(note: Note, ctx: NoteContext) -> Iterable[Hit]:
    for schema in ctx.schemas:
        first: dict[int, Heading] = {}
        for placed in placed_sections(note, schema):
            if placed.order not in first:
                first[placed.order] = placed.heading
                continue
            line = first[placed.order].span.line
            yield Hit(placed.heading.span,
                      f"duplicate section '{written(placed.heading)}' (first on line {line})")
