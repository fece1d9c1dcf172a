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
when the file was saved as `asset/mdl-conclusion.png`.  When a file of the same name is
elsewhere in the vault (`old/mdl_conclusion.png`: moved by hand), the message names it;
otherwise it says where Obsidian saves new attachments (its "Default location for new
attachments", `attachmentFolderPath`, or `attachments` in `.vaultkit.yaml`), which is
where a figure pasted into Obsidian would have gone.

## Fix safety
No fix: vaultkit cannot know where the file went.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Iterable

from vaultkit.checks._links import is_asset_link, resolved_links, show
from vaultkit.checks.base import Hit, VaultContext, each
from vaultkit.facts import NoteFacts
from vaultkit.model import Link

CODE = "VK202"
NAME = "missing-asset"
SEVERITY = "error"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}


def check(note: NoteFacts, ctx: VaultContext) -> Iterable[Hit]:
    for link, res in resolved_links(note, ctx):
        if res.status == "missing" and (is_asset_link(link) or link.kind == "image"):
            message = f"missing file '{show(link)}': no such file in the vault{_hint(link, ctx)}"
            yield from each(note.links, link, lambda at: Hit(at.span, message))


def _hint(link: Link, ctx: VaultContext) -> str:
    """Where the file may be: files of the same name elsewhere, else where Obsidian
    saves new attachments."""
    name = PurePosixPath(link.target or "").name
    namesakes = [p for p in ctx.files.named(name.lower()) if p.rpartition("/")[2] == name]
    if namesakes:
        shown = ", ".join(f"'{p}'" for p in namesakes[:3]) + (" …" if len(namesakes) > 3 else "")
        return f"; {shown} {'has' if len(namesakes) == 1 else 'have'} that name (moved?)"
    folder = ctx.config.attachments
    if folder is None:
        return ""
    return f" (Obsidian saves new attachments {_where(folder)})"


def _where(folder: str) -> str:
    """``attachmentFolderPath`` in words: ``/`` the root, ``./`` and ``./sub`` beside the note."""
    folder = folder.strip()
    if folder in ("/", ""):
        return "in the vault's root folder"
    if folder in ("./", "."):
        return "beside the note"
    if folder.startswith("./"):
        return f"in '{folder[2:].strip('/')}/' beside the note"
    return f"in '{folder.strip('/')}/'"
