"""VK108 frontmatter-schema

## What it does
Reports frontmatter that violates the schema's JSON Schema, at the offending key.
The note's frontmatter is validated against the JSON Schema of each schema that applies
to it (the `frontmatter:` key of `rules/paper.yaml`, for example), and every violation is
reported at the offending property's key: a wrong type, a value that does not match its
pattern, a property that is not allowed.  A missing required property is reported at the
opening `---`, or at line 1 when the note has no frontmatter at all.  Frontmatter that is
not valid YAML is VK001's business and is not validated.

## Why is this bad?
Properties are what other tools read: the citation plugins look up `citekey`, the paper
index shows `title`, Dataview queries filter on them.  A paper note without `citekey` is
never linked to its paper; a `year: "twenty"` sorts nowhere.

## Example
```markdown
---
title: Attention Is All You Need
year: 2017
---
```
Use instead:
```markdown
---
citekey: vaswaniAttentionAllYou2017
title: Attention Is All You Need
year: 2017
---
```

## Fix safety
No fix: a property's value is content, not syntax.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable

import msgspec

from vaultkit import memo
from vaultkit.checks.base import Hit, NoteContext
from vaultkit.jsontext import loads
from vaultkit.model import Note, Span
from vaultkit.yamlfile import json_schema

if TYPE_CHECKING:
    import jsonschema

CODE = "VK108"
NAME = "frontmatter-schema"
SEVERITY = "error"
SCOPE = "note"
OPTIONS: dict[str, object] = {}


def check(note: Note, ctx: NoteContext) -> Iterable[Hit]:
    for schema in ctx.schemas:
        if schema.frontmatter_json is None:
            continue
        fm = note.frontmatter
        if any(p.code == "VK001" for p in note.problems) or (
            fm is not None and fm.data is not None and not isinstance(fm.data, dict)
        ):
            continue  # not YAML, or not a mapping: VK001 reports it
        data: Any = fm.data if fm is not None and fm.data is not None else {}
        for path, message in errors(schema.frontmatter_json, data):
            yield Hit(_where(note, path), f"{schema.name} frontmatter: {message}")


_VERDICT = msgspec.json.Decoder(list[tuple[list[str], str]])
_RECORD = msgspec.json.Encoder()


def errors(schema_json: str, data: Any) -> list[tuple[tuple[str, ...], str]]:
    """(key path, message) of every violation, in key-path order: a pure function of the
    schema and the data, so the note's last verdict serves while its frontmatter is the
    same (:mod:`vaultkit.memo`; the positions are the note's own, found afresh)."""
    key = memo.digest(CODE, schema_json, data)
    known = memo.verdict(key)
    if known is not None:
        try:
            return [(tuple(path), message) for path, message in _VERDICT.decode(known)]
        except (msgspec.DecodeError, ValueError, TypeError):
            pass  # not a verdict of ours: validate
    found = sorted(_validator(schema_json).iter_errors(data),
                   key=lambda e: [str(p) for p in e.absolute_path])
    out = []
    for error in found:
        path = tuple(str(p) for p in error.absolute_path)
        out.append((path, _message(error, path)))
    memo.record(key, _RECORD.encode(out).decode())
    return out


def _where(note: Note, path: tuple[str, ...]) -> Span:
    fm = note.frontmatter
    if fm is None:
        return Span(1, 1, 1, 1)
    if path:
        span = fm.key_span(path)
        if span is not None:
            return span
    return Span(fm.span.line, 1, fm.span.line, 1)


def _message(error: "jsonschema.ValidationError", path: tuple[str, ...]) -> str:
    where = ".".join(path)
    if error.validator == "required":
        names = error.validator_value if isinstance(error.validator_value, list) else []
        missing = next((str(n) for n in names if repr(n) in error.message), error.message)
        inside = f" in '{where}'" if where else ""
        return f"missing required property '{missing}'{inside}"
    if error.validator == "additionalProperties":
        return f"{error.message}" + (f" in '{where}'" if where else "")
    return f"property '{where}': {error.message}" if where else error.message


@lru_cache(maxsize=32)
def _validator(schema_json: str) -> "jsonschema.protocols.Validator":
    """One compiled validator per JSON Schema text (a pure memo of an immutable input)."""
    jsonschema = json_schema()
    return jsonschema.Draft202012Validator(
        loads(schema_json), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
