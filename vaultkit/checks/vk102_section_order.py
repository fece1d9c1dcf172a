"""VK102 section-order

## What it does
Reports schema sections that appear out of the schema's order.
It runs when the schema says `section-order: strict`.  Only the fewest sections that need
moving are reported: the longest run of sections already in order stays put, and each
other section is reported at its heading, with the section it belongs after (or before).

## Why is this bad?
The order is the reading order of a session: the tl;dr first so a glance is enough, the
Log last because it is the longest.  Notes in a fixed order can be skimmed, diffed and
compared across weeks; the index and Dataview queries do not care, but the reader does.

## Example
```markdown
## Log
- [skim(@liTrainLargeThen2020)]

## tl;dr
Large models compress better.
```
Use instead:
```markdown
## tl;dr
Large models compress better.

## Log
- [skim(@liTrainLargeThen2020)]
```

## Fix safety
The fix moves every schema section, with the lines up to the next one, into the schema's
order, in one edit (the same fix is attached to each finding of the note).  It is unsafe:
text moves, so the order you chose is gone, and a line that belonged to no section (an
unknown `## Extra` after the Log, say) travels with the section before it.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks._fixes import reorder_sections_fix
from vaultkit.checks.base import Hit, NoteContext
from vaultkit.model import Note
from vaultkit.schema.sections import Placed, first_placed, written

CODE = "VK102"
NAME = "section-order"
SEVERITY = "warning"
SCOPE = "note"
OPTIONS: dict[str, object] = {}


def check(note: Note, ctx: NoteContext) -> Iterable[Hit]:
    for schema in ctx.schemas:
        if schema.section_order != "strict":
            continue
        placed = sorted(first_placed(note, schema).values(), key=lambda p: p.heading.span)
        keep = _longest_in_order(placed)
        fix = reorder_sections_fix(note, schema) if len(keep) < len(placed) else None
        for i, p in enumerate(placed):
            if i in keep:
                continue
            anchors = [placed[k] for k in sorted(keep)]
            earlier = [a for a in anchors if a.order < p.order]
            if earlier:
                where = f"it belongs after '{written(earlier[-1].heading)}'"
            else:
                where = f"it belongs before '{written(anchors[0].heading)}'"
            yield Hit(p.heading.span, f"section '{written(p.heading)}' is out of order: {where}",
                      fix=fix)


def _longest_in_order(placed: list[Placed]) -> set[int]:
    """Indexes of a longest subsequence whose schema order increases (ties: the earliest)."""
    n = len(placed)
    best = [1] * n
    prev: list[int | None] = [None] * n
    for i in range(n):
        for j in range(i):
            if placed[j].order < placed[i].order and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    if not n:
        return set()
    end: int | None = max(range(n), key=lambda i: (best[i], -i))
    out = set()
    while end is not None:
        out.add(end)
        end = prev[end]
    return out
