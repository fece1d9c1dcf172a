"""VK206 link-outside-vault

## What it does
Reports a link whose path climbs out of the vault root (`../../Desktop/fig.png`).
vaultkit never opens such a file.

## Why is this bad?
Obsidian cannot show it, the vault is no longer self-contained (a clone or a sync misses
the file), and a path leaving the vault is how private files leak into a published note.

## Example
```markdown
![](../../Downloads/figure.png)
```
Move the file into the vault's attachment folder and link it there.

## Fix safety
No fix: the file has to be moved into the vault first.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks._links import resolved_links, show
from vaultkit.checks.base import Hit, VaultContext, each
from vaultkit.facts import NoteFacts

CODE = "VK206"
NAME = "link-outside-vault"
SEVERITY = "error"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}


def check(note: NoteFacts, ctx: VaultContext) -> Iterable[Hit]:
    for link, res in resolved_links(note, ctx):
        if res.status == "outside":
            message = f"'{show(link)}' points outside the vault"
            yield from each(note.links, link, lambda at: Hit(at.span, message))
