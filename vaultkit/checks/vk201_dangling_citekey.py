"""VK201 dangling-citekey

## What it does
Reports an `@citekey` that neither the bibliography nor a paper note knows, and offers
the closest known keys.  The bibliography is every `.bib`, CSL JSON and CSL YAML file
configured (by default, at the vault root); a paper note is `papers/@{key}.md`.

## Why is this bad?
A renamed or deleted Zotero item silently breaks the citation: Pandoc cannot render it,
the citation plugins open nothing, and the paper's index note never hears of the session.

## Example
```markdown
- [skim(@rombach2022)]
```
Use instead the key the library knows:
```markdown
- [skim(@rombachHighResolutionImageSynthesis2022)]
```

With nothing to check against -- no bibliography file and no paper note -- the rule
does not run (a vault without citations uses `@` for handles and attributes), and the
lint summary says that no bibliography was found and where vaultkit looked.

## Options
- `ignore`: keys that look like citations but are not (a handle such as `ShayneRedford`).
- `ignore-patterns`: regular expressions; a key that matches one entirely is skipped.
Both add to `citekeys.ignore` / `citekeys.ignore-patterns` in `.vaultkit.yaml`.

## Fix safety
When exactly one known key is close, the fix replaces the citation with it
(`@huLoRALowRankAdaption2021` → `@huLoRALowRankAdaptation2021`).  It is unsafe: a key
that is not in the bibliography yet (a paper you have not exported from Zotero) would be
turned into a different paper.  With several close keys, or none, there is no fix.
"""

from __future__ import annotations

import re
from typing import Iterable

from vaultkit.checks._fixes import replace
from vaultkit.checks.base import Hit, VaultContext, each
from vaultkit.facts import NoteFacts
from vaultkit.packed import distinct

CODE = "VK201"
NAME = "dangling-citekey"
SEVERITY = "error"
SCOPE = "vault"
OPTIONS: dict[str, object] = {"ignore": [], "ignore-patterns": []}


def check(note: NoteFacts, ctx: VaultContext) -> Iterable[Hit]:
    facts = ctx.facts
    if not ctx.bibliography.files and not facts.paper_notes:
        return  # nothing to check against: `@State`, `@handle` (the summary says so)
    ignored = set(ctx.config.citekey_ignore) | set(ctx.options.get("ignore") or ())
    patterns = [re.compile(p) for p in
                (*ctx.config.citekey_ignore_patterns, *(ctx.options.get("ignore-patterns") or ()))]
    for cite in distinct(note.citations):  # each key is looked up once, reported everywhere
        key = cite.key
        if key in ignored or any(p.fullmatch(key) for p in patterns) or facts.knows_key(key):
            continue
        close = facts.suggest_keys(key)
        hint = " (did you mean " + ", ".join("@" + c for c in close) + "?)" if close else ""
        message = f"unknown citekey @{key}: not in the bibliography and no paper note{hint}"
        fixed = cite.raw.replace(key, close[0]) if len(close) == 1 and cite.raw in (
            f"@{key}", f"@{{{key}}}") else None
        yield from each(note.citations, cite, lambda at: Hit(
            at.span, message, suggestion=("@" + close[0]) if close else None,
            fix=replace(at.span, fixed, f"Replace with @{close[0]}", "unsafe") if fixed else None))
