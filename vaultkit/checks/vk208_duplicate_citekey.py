"""VK208 duplicate-citekey

## What it does
Reports a citekey defined twice in the bibliography -- in one file or across several
(`references.bib` and `extra.json`) -- at the second and later definitions.

## Why is this bad?
Which entry a citation means depends on load order: titles, authors and years in the
index notes may belong to the wrong paper.  Better BibTeX normally keeps keys unique, so
a duplicate usually means two exports or a hand-edited entry.

## Example
```bibtex
@article{vaswaniAttentionAllYou2017, ...}
@inproceedings{vaswaniAttentionAllYou2017, ...}
```

## Fix safety
No fix: which of the two entries is right is a question for your reference manager.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks.base import Hit, VaultContext, bibliography_issues

CODE = "VK208"
NAME = "duplicate-citekey"
SEVERITY = "warning"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}


def check_vault(ctx: VaultContext) -> Iterable[Hit]:
    return bibliography_issues(ctx, CODE)
