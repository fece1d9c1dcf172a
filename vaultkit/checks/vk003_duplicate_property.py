"""VK003 duplicate-property

## What it does
Reports a frontmatter key written twice in the same mapping.

## Why is this bad?
YAML keeps only the last value, so the first one is silently lost; Obsidian's
properties view refuses to edit such a note.  Usually one of the two was meant to be
another key (`date` and `updated`) or the values belong in one list.

## Example
```markdown
---
tags: [paper]
tags: [session]
---
```
Use instead:
```markdown
---
tags: [paper, session]
---
```

## Fix safety
The fix deletes the earlier entry of a top-level key (its line and the lines of its
value), keeping the last one -- the value YAML reads, so the note's properties do not
change.  It is unsafe: the earlier value is gone, and it was often meant to be kept
(merged into one list, or written under another key).  Nested or flow-style keys get no
fix.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks._fixes import duplicate_key_fix
from vaultkit.checks.base import Hit, NoteContext
from vaultkit.model import Note

CODE = "VK003"
NAME = "duplicate-property"
SEVERITY = "error"
SCOPE = "note"
OPTIONS: dict[str, object] = {}


def check(note: Note, ctx: NoteContext) -> Iterable[Hit]:
    for problem in note.problems:
        if problem.code == CODE:
            yield Hit(problem.span, problem.message, fix=duplicate_key_fix(note, problem.span))
