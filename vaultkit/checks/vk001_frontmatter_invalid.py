"""VK001 frontmatter-invalid

## What it does
Reports frontmatter that cannot be read: a YAML syntax error (at its real line in the
note), a block opened with `---` but never closed, frontmatter that is not a mapping of
properties, or aliases that expand past a safe size.

## Why is this bad?
Obsidian shows such a note without its properties, and every tool that reads the
frontmatter (Dataview, the citation plugins, vaultkit's schemas) sees nothing.  A silent
loss of `type: session` or `citekey:` quietly drops the note from the index.

## Example
```markdown
---
title: [unclosed
---
```
Use instead:
```markdown
---
title: "[unclosed"
---
```

## Fix safety
No fix: vaultkit cannot know what the YAML was meant to say.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks.base import Hit, NoteContext, parse_problems
from vaultkit.model import Note

CODE = "VK001"
NAME = "frontmatter-invalid"
SEVERITY = "error"
SCOPE = "note"
OPTIONS: dict[str, object] = {}


def check(note: Note, ctx: NoteContext) -> Iterable[Hit]:
    return parse_problems(note, CODE)
