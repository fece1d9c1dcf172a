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
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks.base import Hit, NoteContext, parse_problems
from vaultkit.model import Note

CODE = "VK003"
NAME = "duplicate-property"
SEVERITY = "error"
SCOPE = "note"
OPTIONS: dict[str, object] = {}


def check(note: Note, ctx: NoteContext) -> Iterable[Hit]:
    return parse_problems(note, CODE)
