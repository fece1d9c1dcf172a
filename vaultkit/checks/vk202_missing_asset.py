"""VK202 missing-asset

## What it does
Reports an image, embed or attachment link whose file does not exist in the vault:
`![](asset/fig.png)`, `![[fig.png|300]]`, `[paper](pdfs/x.pdf)`, `![[doc.pdf#page=3]]`.

## Why is this bad?
Obsidian shows a broken image or an empty embed; the figure you meant to keep beside
your notes is gone, usually after a rename or a move outside Obsidian.

## Example
```markdown
![](asset/mdl_conclusion.png)
```
when the file was saved as `asset/mdl-conclusion.png`.

## Fix safety
No fix: vaultkit cannot know where the file went.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks._links import is_asset_link, resolved_links, show
from vaultkit.checks.base import Hit, VaultContext, each
from vaultkit.facts import NoteFacts

CODE = "VK202"
NAME = "missing-asset"
SEVERITY = "error"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}


def check(note: NoteFacts, ctx: VaultContext) -> Iterable[Hit]:
    for link, res in resolved_links(note, ctx):
        if res.status == "missing" and (is_asset_link(link) or link.kind == "image"):
            message = f"missing file '{show(link)}': no such file in the vault"
            yield from each(note.links, link, lambda at: Hit(at.span, message))
