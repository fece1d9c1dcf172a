"""VK203 unresolved-link

## What it does
Reports a link to a note that does not resolve: `[[Note]]`, `[text](other.md)`, and a
`[[Note#Heading]]` or `[[Note#^block]]` whose heading or block id is not in the target.

## Why is this bad?
Obsidian quietly creates an empty note when you click it; the thread you meant to follow
is lost.  Heading links break silently when a heading is renamed.

## Example
```markdown
See [[2023-03-02#Lessons]] for the ablation.
```
when that note's heading is `## Learned`.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks._links import is_asset_link, resolved_links, show
from vaultkit.checks.base import Hit, VaultContext
from vaultkit.facts import NoteFacts

CODE = "VK203"
NAME = "unresolved-link"
SEVERITY = "warning"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}


def check(note: NoteFacts, ctx: VaultContext) -> Iterable[Hit]:
    for link, res in resolved_links(note, ctx):
        if res.status == "missing" and not is_asset_link(link) and link.kind != "image":
            yield Hit(link.span, f"unresolved link '{show(link)}': no such note")
        elif res.status == "no-heading":
            yield Hit(link.span, f"'{res.path}' has no heading '{link.fragment}'")
        elif res.status == "no-block":
            yield Hit(link.span, f"'{res.path}' has no block '{link.fragment}'")
