"""VK105 empty-section

## What it does
Reports a section that must have content but is empty (the tl;dr by default).
A section must have content when the schema marks it `empty: report`; it is empty when
nothing but blank lines and comments follows its heading (a sub-heading starts a section
of its own).  The session schema marks only the tl;dr: `## Done`, `## Learned` and
`## Next?` may stay empty.  Every finding has VK105's severity (`warning` unless the
config's `severity:` says otherwise).

## Why is this bad?
The tl;dr is what a reader of the session, or of the paper index, sees first; a session
without one has to be read in full to know what it was about.  It is easiest to write at
the end of the session, which is also when it is forgotten.

## Example
```markdown
## tl;dr

## Context
```
Use instead:
```markdown
## tl;dr
Linear projections are enough to bridge frozen image and text models.

## Context
```

## Fix safety
No fix: only you can write the tl;dr.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks.base import Hit, NoteContext
from vaultkit.model import Note
from vaultkit.schema.sections import placed_sections, written

CODE = "VK105"
NAME = "empty-section"
SEVERITY = "warning"
SCOPE = "note"
OPTIONS: dict[str, object] = {}


def check(note: Note, ctx: NoteContext) -> Iterable[Hit]:
    for schema in ctx.schemas:
        for placed in placed_sections(note, schema):
            if placed.spec.empty != "report" or placed.section is None:
                continue
            if not placed.section.has_content:
                yield Hit(placed.heading.span, f"section '{written(placed.heading)}' is empty")
