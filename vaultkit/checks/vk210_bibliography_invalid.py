"""VK210 bibliography-invalid

## What it does
Reports a bibliography entry or file that cannot be read: unbalanced braces, an entry
without a key, invalid CSL JSON or YAML, a file that is not UTF-8.  The rest of the
file still loads.

## Why is this bad?
Every key in a broken entry is unknown to vaultkit, Pandoc and the citation plugins, so
citations to it dangle; the finding points at the entry's line in the file.

## Example
```bibtex
@article{smithModularNetworks2021,
  title = {Modular {Networks},
}
```

## Fix safety
No fix: the bibliography is exported by your reference manager; fix it there.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks.base import Hit, VaultContext, bibliography_issues

CODE = "VK210"
NAME = "bibliography-invalid"
SEVERITY = "error"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}


def check_vault(ctx: VaultContext) -> Iterable[Hit]:
    return bibliography_issues(ctx, CODE)
