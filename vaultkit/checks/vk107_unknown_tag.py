"""VK107 unknown-tag

## What it does
Reports a tag that is not in the schema's vocabulary, with a did-you-mean.
A tag is known when its name is in the schema's tag vocabulary or is one of its Log
verbs; the message suggests the closest known name: `[solilquy -> …]` → `soliloquy`.
Tags are looked for anywhere in the note (code, comments and link destinations excepted).

A tag with a payload (`[name -> …]`) or an argument (`[name(…)]`) is clearly meant as a
tag and is always reported when unknown; this includes a misspelt action verb,
`[skimm(@key)]` → did you mean `skim`?  A bare `[word]` is reported only when it is close
to a known name (`[soliloqy]`): otherwise it is bracketed prose such as `[sic]`.
Uppercase brackets (`[QA() -> Steel City]`) are never tags.

## Why is this bad?
Tags are how a session's thoughts are harvested: the paper index collects `question`,
`eureka`, `hypothesize` and `lesson_learned` entries by name.  A misspelt tag is silently
left out, and a tag nobody defined means something only to the note that uses it.

## Example
```markdown
- [solilquy -> the two latent spaces differ by a change of basis]
```
Use instead:
```markdown
- [soliloquy -> the two latent spaces differ by a change of basis]
```

## Fix safety
When exactly one known name is close, the fix replaces the tag's name with it
(`[solilquy -> …]` → `[soliloquy -> …]`).  It is unsafe: a deliberate new tag would be
renamed to one that means something else, and a verb fix changes which action the
index credits.  With two close names, or none, there is no fix.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks._fixes import replace
from vaultkit.checks.base import Hit, NoteContext
from vaultkit.didyoumean import close_matches
from vaultkit.model import Note

CODE = "VK107"
NAME = "unknown-tag"
SEVERITY = "warning"
SCOPE = "note"
OPTIONS: dict[str, object] = {}


def check(note: Note, ctx: NoteContext) -> Iterable[Hit]:
    with_vocabulary = [s for s in ctx.schemas if s.tags or s.log is not None]
    if not with_vocabulary:
        return
    known: list[str] = []
    for schema in with_vocabulary:
        known += [n for n in (*schema.tag_names, *schema.verbs) if n not in known]
    for tag in note.tags:
        if tag.name in known:
            continue
        close = close_matches(tag.name, known, n=2, cutoff=0.75)
        if not close and tag.argument is None and not tag.arrow:
            continue  # "[sic]": bracketed prose, not a tag
        hint = f" (did you mean '{close[0]}'?)" if close else (
            f"; known tags: {', '.join(known)}; to add it, write a schema with "
            f"'extends: {with_vocabulary[0].name}' and "
            + (f"'log: {{verbs: [{tag.name}]}}'" if tag.argument is not None
               else f"'tags: {{{tag.name}: …}}'") + " (rules/README.md)")
        fix = replace(tag.name_span, close[0], f"Replace with '{close[0]}'", "unsafe") \
            if len(close) == 1 else None
        yield Hit(tag.span, f"unknown tag '{tag.name}'{hint}",
                  suggestion=close[0] if close else None, fix=fix)
