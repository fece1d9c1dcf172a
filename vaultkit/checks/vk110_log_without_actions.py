"""VK110 log-without-actions

## What it does
Reports a Log without any action, so that no paper is credited with the session.
The Log is reported at its heading when none of its top-level bullets is an action
`[verb(source)]`.  A bullet that tries to be an action but is malformed counts as one here
(VK106 reports it), so a typo is not reported twice.

## Why is this bad?
The paper index learns from actions which papers a session read and how deeply.  A Log of
plain bullets, however rich, credits no paper: the papers it discusses only show up as
mentions, and the session is missing from their reading history.

## Example
```markdown
## Log
- PaLM-E maps every modality into the LLM's token space.
  - So this is grounding.
```
Use instead:
```markdown
## Log
- [read(@driessPaLMEEmbodiedMultimodal2023)]
  - PaLM-E maps every modality into the LLM's token space.
  - So this is grounding.
```

## Fix safety
No fix: only you know which paper the session was about.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks.base import Hit, NoteContext
from vaultkit.model import Note
from vaultkit.schema.log import log_entries, log_section
from vaultkit.schema.sections import written

CODE = "VK110"
NAME = "log-without-actions"
SEVERITY = "warning"
SCOPE = "note"
OPTIONS: dict[str, object] = {}


def check(note: Note, ctx: NoteContext) -> Iterable[Hit]:
    for schema in ctx.schemas:
        section = log_section(note, schema)
        if section is None or section.heading is None or schema.log is None:
            continue
        if any(entry.kind != "other" for entry in log_entries(note, schema)):
            continue
        verbs = ", ".join(schema.log.verbs)
        yield Hit(section.heading.span,
                  f"'{written(section.heading)}' has no action ({verbs}), so no paper is "
                  f"credited with this session: open a bullet with [{schema.log.verbs[0]}(@citekey)]")
