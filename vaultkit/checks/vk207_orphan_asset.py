"""VK207 orphan-asset

## What it does
Reports an attachment (image, PDF, audio, video) that no note links to or embeds.  Off
by default: select it by code (`--select VK207`) when tidying a vault.  A link from a
canvas (a file card, or a link in a text card) counts, as in Obsidian.

## Why is this bad?
Orphans are usually left behind by a deleted paragraph or a re-exported figure; they
bloat the repository and sync, and nothing in the vault explains them.

## Example
`asset/old_plot.png` after the note that embedded it switched to `asset/new_plot.png`.

## Fix safety
No fix: deleting a file is never automatic.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Iterable

from vaultkit.checks.base import Hit, VaultContext
from vaultkit.packed import distinct
from vaultkit.model import Span

CODE = "VK207"
NAME = "orphan-asset"
SEVERITY = "off"
ENABLED_SEVERITY = "warning"
SCOPE = "vault"
OPTIONS: dict[str, object] = {
    "extensions": ["png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "avif", "pdf", "mp3",
                   "wav", "m4a", "ogg", "flac", "mp4", "webm", "mov", "mkv"],
}


def check_vault(ctx: VaultContext) -> Iterable[Hit]:
    extensions = {str(e).lower().lstrip(".") for e in ctx.options["extensions"]}  # type: ignore[union-attr]
    linked: set[str] = set()
    for note in ctx.notes.values():
        for link in distinct(note.links):  # where a link leads does not depend on its place
            if not link.is_url:
                res = ctx.resolver.resolve(link, note.path)
                if res.path:
                    linked.add(res.path)
    for path in ctx.files.paths:
        if PurePosixPath(path).suffix.lower().lstrip(".") in extensions and path not in linked:
            yield Hit(Span(1, 1, 1, 1), f"no note links to '{path}'", path=path)
