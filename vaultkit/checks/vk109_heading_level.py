"""VK109 heading-level

## What it does
Reports a schema section written at the wrong heading level.
For example `### Log` where the session schema says `## Log`; reported at the heading.

## Why is this bad?
A heading's level decides which lines belong to it.  `### Log` after `## Next?` makes the
Log part of the Next? section in Obsidian's outline and folding, and in anything that
reads the note by structure; it is almost always a typo in the number of `#`.

## Example
```markdown
## Next?

### Log
- [skim(@huangComposerCreativeControllable2023)]
```
Use instead:
```markdown
## Next?

## Log
- [skim(@huangComposerCreativeControllable2023)]
```

## Fix safety
The fix rewrites the heading with the number of `#` the schema names, keeping its
text (a setext heading becomes an ATX one).  It is safe: the heading already names the
section, and the level is what makes its lines belong to it.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks._fixes import heading_level_fix
from vaultkit.checks.base import Hit, NoteContext
from vaultkit.model import Note
from vaultkit.schema.sections import placed_sections, written

CODE = "VK109"
NAME = "heading-level"
SEVERITY = "warning"
SCOPE = "note"
OPTIONS: dict[str, object] = {}


def check(note: Note, ctx: NoteContext) -> Iterable[Hit]:
    for schema in ctx.schemas:
        for placed in placed_sections(note, schema):
            if placed.heading.level != placed.spec.level:
                yield Hit(placed.heading.span,
                          f"section '{written(placed.heading)}' should be a level-"
                          f"{placed.spec.level} heading: '{placed.spec.display}'",
                          suggestion=placed.spec.display,
                          fix=heading_level_fix(placed.heading, placed.spec.level))
