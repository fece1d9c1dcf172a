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
from vaultkit.model import Span

CODE = "VK302"
NAME = "index-region-invalid"
SEVERITY = "error"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}


def check_vault(ctx: VaultContext) -> Iterable[Hit]:
    # Only the markers matter here: scan for them instead of planning the whole index.
    from vaultkit.index import find_region

    for path, note in ctx.notes.items():
        if not note.readable or not any("vaultkit:" in line for line in note.lines):
            continue
        text = "\n".join(note.lines)
        for name in ("index", "overview"):
            found = find_region(text, name)
            if isinstance(found, str):
                marker = f"vaultkit:begin {name}"
                line = next((n for n, l in enumerate(note.lines, 1) if marker in l), 1)
                yield Hit(Span(line, 1, line, len(note.lines[line - 1]) + 1), found, path=path)
