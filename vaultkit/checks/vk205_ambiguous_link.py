"""VK205 ambiguous-link

## What it does
Reports a bare link name that matches several files with nothing to choose between
them.  A file in the linking note's own folder would win; here none is, as with
`[[notes]]` from `papers/` when `a/notes.md` and `b/notes.md` exist.

## Why is this bad?
Obsidian picks one by its own preference, which changes as files move; a reader or
another tool may pick the other.

## Example
```markdown
![[figure.png]]
```
Use instead a path that names one file: `![[asset/figure.png]]`.

## Fix safety
No fix: only you know which of the files was meant.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks._links import resolved_links, show
from vaultkit.checks.base import Hit, VaultContext, each
from vaultkit.facts import NoteFacts

CODE = "VK205"
NAME = "ambiguous-link"
SEVERITY = "warning"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}


def check(note: NoteFacts, ctx: VaultContext) -> Iterable[Hit]:
    for link, res in resolved_links(note, ctx):
        if res.status == "ambiguous":
            listed = ", ".join(res.candidates[:5])
            message = f"'{show(link)}' matches {len(res.candidates)} files: {listed}"
            yield from each(note.links, link, lambda at: Hit(at.span, message))
