"""VK302 index-region-invalid

## What it does
Reports an index note whose generated-region markers are broken: a begin marker without
its end, two regions, or the end before the begin.  `vaultkit index` leaves such a note
alone (it never guesses which bytes are yours) until the markers are fixed.  Only
marker lines at the note's top level count: not in the frontmatter, not in a fenced
code block, not indented four spaces or more.  A region whose markers sit in a code
block that is never closed is reported too (a deleted closing fence above the region).

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

## Fix safety
No fix: vaultkit never guesses which bytes around broken markers are yours.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks.base import Hit, VaultContext
from vaultkit.facts import NoteFacts
from vaultkit.model import Span

CODE = "VK302"
NAME = "index-region-invalid"
SEVERITY = "error"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}


def check(note: NoteFacts, ctx: VaultContext) -> Iterable[Hit]:
    # Only the markers matter here (found with the note's facts), not the whole index plan.
    for line, end_column, message in note.region_errors:
        yield Hit(Span(line, 1, line, end_column), message)
