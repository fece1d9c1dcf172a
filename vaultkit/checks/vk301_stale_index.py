"""VK301 stale-index

## What it does
Reports an index note whose generated region differs from what `vaultkit index` would
write now.  The region is the text between `%% vaultkit:begin index %%` and
`%% vaultkit:end index %%`; a paper whose note does not exist yet is left to
`vaultkit index --check`.  Off by default: select it where the
index is kept in the repository and must not drift.  `vaultkit index` reports the same
code for a note it left stale because you saved it while it ran ("changed while
indexing"): your save is kept, and the next run updates the region.

## Why is this bad?
The reading log, mentions and harvest of a paper lag behind the sessions; Obsidian's
backlinks from the index note point at an older state of the vault.

## Example
A session added `- [read(@vaswaniAttentionAllYou2017)]` but `papers/@vaswaniAttentionAllYou2017.md`
still lists only the skim.  Run `vaultkit index`.

## Fix safety
No fix here: `vaultkit index` (or the `vaultkit-index` pre-commit hook) regenerates the region.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks.base import Hit, VaultContext
from vaultkit.model import Span

CODE = "VK301"
NAME = "stale-index"
SEVERITY = "off"
ENABLED_SEVERITY = "warning"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}
NEEDS_INDEX_PLAN = True
"""The caller plans the index only when this rule runs (``ctx.stale_index``)."""


def check_vault(ctx: VaultContext) -> Iterable[Hit]:
    # The caller plans the index (only when this rule runs) and hands over the stale
    # notes that exist; a paper without its note yet is `vaultkit index --check`'s.
    for path in ctx.stale_index:
        note = ctx.notes.get(path)
        line = note.generated[0] if note is not None and note.generated else 1
        yield Hit(Span(line, 1, line, 1), "index region is stale: run 'vaultkit index'",
                  fixable=True, path=path)
