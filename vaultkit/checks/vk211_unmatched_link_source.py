"""VK211 unmatched-link-source

## What it does
Reports a Log action whose source is a link (`[read([Toolformer](https://arxiv.org/abs/2302.04761v1))]`)
when the address matches no bibliography entry.  vaultkit matches the address by DOI
(`https://doi.org/10.…`), by arXiv id (`arxiv.org/abs/…`, `/pdf/…`, any version) and by the
entry's `url` field (ignoring `http`/`https`, `www.`, a fragment and a trailing slash).
When it matches, the paper's index note credits the action, and there is nothing to report.

## Why is this bad?
The action is credited to no paper: the paper has no index note, its reading log misses
the session and the thoughts under the action are harvested under the link alone.
Usually the paper is not in Zotero yet, or its entry lacks the DOI or arXiv id.

## Example
```markdown
- [read([Notes on LoRA in practice](https://example.org/posts/lora))]
```
Add the paper to the bibliography (with its URL, DOI or arXiv id), or cite its key:
```markdown
- [read(@huLoRALowRankAdaptation2021)]
```

## Fix safety
No fix: which entry is meant is for you to say.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks.base import Hit, VaultContext
from vaultkit.facts import NoteFacts

CODE = "VK211"
NAME = "unmatched-link-source"
SEVERITY = "info"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}


def check(note: NoteFacts, ctx: VaultContext) -> Iterable[Hit]:
    for link in note.link_sources:
        if not link.is_url:
            continue  # a link to a note or file is not a paper's address
        if ctx.facts.entry_for_url(link.target) is not None:
            continue
        yield Hit(link.span, f"action source {link.target} matches no bibliography entry (by DOI, "
                  "arXiv id or URL): the paper is credited nowhere; add it to the bibliography or cite its key")
