"""VK209 citekey-without-at

## What it does
Reports inline code that is exactly a known citekey and suggests writing it as a
citation, `@key`.

## Why is this bad?
In backticks the key is only text: it is not a citation, so the paper's index note does
not list the session and Pandoc does not cite it.

## Example
```markdown
Coming from `lesterPowerScaleParameterEfficient2021`.
```
Use instead:
```markdown
Coming from @lesterPowerScaleParameterEfficient2021.
```
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks.base import Hit, VaultContext
from vaultkit.facts import NoteFacts

CODE = "VK209"
NAME = "citekey-without-at"
SEVERITY = "info"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}


def check(note: NoteFacts, ctx: VaultContext) -> Iterable[Hit]:
    for code in note.code_spans:
        key = code.text.strip()
        if key.startswith("@"):
            key = key[1:]
        if key and " " not in key and ctx.facts.knows_key(key):
            yield Hit(code.span, f"`{code.text}` is a known citekey: write @{key} to cite it",
                      fixable=True, suggestion="@" + key)
