"""VK209 citekey-without-at

## What it does
Reports a known citekey written without `@`: as inline code (`` `key` ``) or as a bare
word of prose that is exactly a key of the bibliography or a paper note.  Bare words are
looked at when they are shaped like a Better BibTeX key (letters and a four-digit year,
`kohGroundingLanguageModels2023`); any key is found in backticks.

## Why is this bad?
Without `@` the key is only text: it is not a citation, so the paper's index note does
not list the session and Pandoc does not cite it.

## Example
```markdown
Was about to start project kohGroundingLanguageModels2023, then `lesterPowerScale2021`.
```
Use instead:
```markdown
Was about to start project @kohGroundingLanguageModels2023, then @lesterPowerScale2021.
```

## Fix safety
The code-span fix (`` `key` `` → `@key`) is safe: the key is known, and citing it is what
the backticks kept from happening; the paper's index note then lists the session.  Where
`@key` would run into the next character and cite another key, the fix loop finds the new
VK201 and leaves that one alone.

The bare-word fix (`key` → `@key`) is unsafe: the word may be meant as a plain mention
(a file name, a project), and a citation changes what Pandoc renders.  The word is read
with Pandoc's citekey grammar, so `@` + the word cites exactly that key.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks._fixes import cite_key_fix
from vaultkit.checks.base import Hit, VaultContext
from vaultkit.facts import NoteFacts
from vaultkit.model import Edit, Fix

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
                      suggestion="@" + key, fix=cite_key_fix(code.span, key))
    for word in note.key_words:
        if ctx.facts.knows_key(word.text):
            cite = "@" + word.text
            yield Hit(word.span, f"'{word.text}' is a known citekey written without @: "
                      f"write {cite} to cite it", suggestion=cite,
                      fix=Fix(f"Cite it: {cite}", (Edit(word.span, cite),), "unsafe"))
