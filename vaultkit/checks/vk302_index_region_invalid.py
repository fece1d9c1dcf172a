"""VK302 index-region-invalid

## What it does
Reports an index note whose generated-region markers are broken: a begin marker without
its end, two regions, or the end before the begin.  `vaultkit index` leaves such a note
alone (it never guesses which bytes are yours) until the markers are fixed.

## Why is this bad?
The paper's index stops updating, silently, on every nightly run.

## Example
```markdown
%% vaultkit:begin index %%
…
(the end marker was deleted while editing)
```
Restore the line `%% vaultkit:end index %%` after the generated text, or delete the
whole region and let `vaultkit index` append a fresh one.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks.base import Hit, VaultContext
from vaultkit.markers import RegionError, find_region
from vaultkit.model import Span

CODE = "VK302"
NAME = "index-region-invalid"
SEVERITY = "error"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}


def check_vault(ctx: VaultContext) -> Iterable[Hit]:
    # Only the markers matter here: scan for them instead of planning the whole index.
    for path, note in ctx.notes.items():
        if not note.readable or not any("vaultkit:" in line for line in note.lines):
            continue
        for name in ("index", "overview"):
            found = find_region(note.lines, name)
            if isinstance(found, RegionError):
                line = found.line
                yield Hit(Span(line, 1, line, len(note.lines[line - 1]) + 1), found.message, path=path)
