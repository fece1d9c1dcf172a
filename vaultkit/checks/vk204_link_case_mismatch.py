"""VK204 link-case-mismatch

## What it does
Reports a link that resolves only when letter case is ignored: `[[attention is all you
need]]` for `Attention Is All You Need.md`.  Off by default: Obsidian matches names
case-insensitively, so inside Obsidian the link works.  Select it (`--extend-select
VK204`) before publishing to a case-sensitive site.

## Why is this bad?
Obsidian finds it, but a publisher, a static-site generator, a script, or a checkout on
a case-sensitive file system (Linux, CI) may not.

## Example
```markdown
![](Asset/Fig1.png)
```
Use instead the exact spelling of the file: `![](asset/fig1.png)`.

## Fix safety
The fix writes the link's name with the file's own case, component by component
(`[[attention is all you need]]` → `[[Attention Is All You Need]]`).  It is safe: Obsidian
already opens that file, and now every other tool does too.  A percent-encoded Markdown
link gets no fix.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks._fixes import case_of, retarget
from vaultkit.checks._links import resolved_links, show
from vaultkit.checks.base import Hit, VaultContext, each
from vaultkit.facts import NoteFacts

CODE = "VK204"
NAME = "link-case-mismatch"
SEVERITY = "off"
ENABLED_SEVERITY = "info"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}


def check(note: NoteFacts, ctx: VaultContext) -> Iterable[Hit]:
    for link, res in resolved_links(note, ctx):
        if res.status == "case":
            fixed = case_of(link.target, res.path) if res.path else None
            message = f"'{show(link)}' matches '{res.path}' only when case is ignored"
            yield from each(note.links, link, lambda at: Hit(
                at.span, message, suggestion=res.path,
                fix=retarget(at, fixed, f"Write it as the file is: '{fixed}'") if fixed else None))
