"""VK103 unknown-section

## What it does
Reports a section heading that the schema does not name.
It looks at headings at a section level of the schema (`##` in a session) whose text
names none of the schema's sections, when the schema says `unknown-sections: report`.  The
message suggests the closest section name when there is one (`## Leanred` → `Learned`).
Headings at other levels are not sections: a `# Title` above them or `### Sub-headings`
inside one are left alone.

## Why is this bad?
Often it is a misspelt section, which also makes the real one "missing" (VK101).  When it
is a deliberate extra section, the finding is informational: consider adding it to the
schema (copy `rules/session.yaml` into the vault's `schemas:` folder), so every session
gets it and tools can rely on it.

## Example
```markdown
## Leanred
- Linear maps bridge vision and language latents.
```
Use instead:
```markdown
## Learned
- Linear maps bridge vision and language latents.
```

## Fix safety
No fix: an unknown section may be deliberate, and renaming it to the closest schema section could merge two sections (VK104).
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks.base import Hit, NoteContext
from vaultkit.didyoumean import close_matches
from vaultkit.model import Note
from vaultkit.schema.sections import unknown_headings, written

CODE = "VK103"
NAME = "unknown-section"
SEVERITY = "info"
SCOPE = "note"
OPTIONS: dict[str, object] = {}


def check(note: Note, ctx: NoteContext) -> Iterable[Hit]:
    for schema in ctx.schemas:
        if schema.unknown_sections != "report":
            continue
        titles = [spec.title for spec in schema.sections]
        folded = {t.casefold(): t for t in titles}
        for heading in unknown_headings(note, schema):
            close = close_matches(heading.text.casefold(), list(folded), n=1, cutoff=0.6)
            hint = f" (did you mean '{folded[close[0]]}'?)" if close else ""
            yield Hit(heading.span,
                      f"section '{written(heading)}' is not in the {schema.name} schema{hint}",
                      suggestion=folded[close[0]] if close else None)
