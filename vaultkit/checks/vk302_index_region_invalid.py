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

CODE = "VK302"
NAME = "index-region-invalid"
SEVERITY = "error"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}


def check_vault(ctx: VaultContext) -> Iterable[Hit]:
    for problem in ctx.vault.index_plan.problems:
        yield Hit(problem.span, problem.message, path=problem.path)
