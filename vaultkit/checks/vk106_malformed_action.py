"""VK106 malformed-action

## What it does
Reports a Log bullet that tries to be an action but does not parse.
A top-level Log bullet tries to be an action when it opens with a verb of the schema
(`skim`, `read`, `deep-read`) but is not `[verb(source)]`: the source is missing
(`[skim]`, `[skim()]`), is not a citekey (`[skim(rombach2022)]`: suggests
`@rombach2022`), is not in parentheses (`[skim @key]`), the brackets do not balance
(`[skim(@key]`), the opening `[` is missing, or the verb is capitalised.  A valid source
is a citekey `@key` or a Markdown link `[Title](https://…)`.

Bullets that do not open with a verb are not actions and are left alone: plain notes,
quotes, annotation tags (`[question -> …]`, `[soliloquy ->]`) and bracketed prose such as
`[QA() -> Steel City]` or `[read the appendix] first`.  A misspelt verb
(`[skimm(@key)]`) is not reported here but by VK107 unknown-tag, with a did-you-mean.

## Why is this bad?
Actions are what the paper index is made of: each one credits a paper with a skim, read
or deep-read on the session's date.  A malformed action credits nothing, silently.

## Example
```markdown
## Log
- [skim(rombachHighResolutionImageSynthesis2022)]
- [read @liTrainLargeThen2020]
```
Use instead:
```markdown
## Log
- [skim(@rombachHighResolutionImageSynthesis2022)]
- [read(@liTrainLargeThen2020)]
```

## Fix safety
No fix: the shape of the source (citekey or link) is yours to choose; the message names the closest valid form.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks.base import Hit, NoteContext
from vaultkit.model import Note
from vaultkit.schema.log import log_entries

CODE = "VK106"
NAME = "malformed-action"
SEVERITY = "error"
SCOPE = "note"
OPTIONS: dict[str, object] = {}


def check(note: Note, ctx: NoteContext) -> Iterable[Hit]:
    for schema in ctx.schemas:
        for entry in log_entries(note, schema):
            if entry.kind == "malformed":
                yield Hit(entry.span, entry.message, suggestion=entry.suggestion)
