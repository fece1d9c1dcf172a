"""VK303 index-note-collision

## What it does
Reports citekeys that would share one index note: keys that give the same file name
once the characters a file name cannot hold are replaced (`x:y2020`, `x/y2020` and
`x_y2020` all become `papers/@x_y2020.md`), or that differ only in case or Unicode
normalization (`Smith2020` and `smith2020`: one file on macOS and Windows).  Only keys
that are cited and known (to the bibliography or by a paper note) count: those are the
ones that get a note.  Reported once per group, at the first citation of a key that
loses; `vaultkit index` reports the same for the keys its sessions cite.

## Why is this bad?
Each key's index note would overwrite the other's on every run, so the index never
settles and one paper's reading log silently replaces the other's.  vaultkit gives the
file to one key by a fixed rule -- a key that is its own file name first, then
code-point order -- and writes no index note for the others.

## Example
```markdown
- [read(@smith2020)] the follow-up
```
with `Smith2020` and `smith2020` both in the bibliography: `papers/@Smith2020.md`
belongs to `@Smith2020`, and `@smith2020` gets no index note.  Give one of the entries
a distinct key in the reference manager.

## Fix safety
No automatic fix: which key to rename is the user's call (it is cited elsewhere, and
the reference manager owns the bibliography).
"""

from __future__ import annotations

from typing import Iterable, Mapping, Protocol, Sequence

from vaultkit.checks.base import Hit, VaultContext
from vaultkit.fsutil import NameClash, name_clashes
from vaultkit.model import Citation, Span
from vaultkit.packed import distinct
from vaultkit.files import sanitize_key

CODE = "VK303"
NAME = "index-note-collision"
SEVERITY = "warning"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}


def message(clash: NameClash, path: str) -> str:
    others = ", ".join(f"@{k}" for k in clash.losers)
    return (f"{others} and @{clash.winner} would share the index note {path}; it is "
            f"@{clash.winner}'s, and {others} get{'s' if len(clash.losers) == 1 else ''} none: "
            "give the entries distinct keys")


class _Cites(Protocol):
    citations: Sequence[Citation]


def first_citation(notes: Mapping[str, _Cites], keys: Iterable[str]) -> tuple[str, Span] | None:
    """Where the first of ``keys`` is cited first (by path, then position)."""
    wanted = set(keys)
    for path in sorted(notes):
        spans = [c.span for c in distinct(notes[path].citations) if c.key in wanted]
        if spans:  # the first of a shape is its first place
            return path, min(spans, key=lambda s: (s.line, s.column))
    return None


def check_vault(ctx: VaultContext) -> Iterable[Hit]:
    if ctx.targets is not None and not _may_clash_in(ctx, ctx.targets):
        return  # a lint of a few notes: none of them cites a key that can lose its file
    # every note's cited keys from the store's summaries: the full facts (with spans) are
    # read only for the notes that cite a losing key
    cited = ctx.facts.cited_keys()
    keys = {k for k in set().union(*cited.values()) if ctx.facts.knows_key(k)}  # each key once
    template = ctx.config.index.path
    for clash in name_clashes(keys, sanitize_key):
        losers = set(clash.losers)
        citing = {p: ctx.notes[p] for p, ks in cited.items() if ks & losers and p in ctx.notes}
        where = first_citation(citing, clash.losers)
        if where is not None:
            path, span = where
            yield Hit(span, message(clash, template.replace("{key}", sanitize_key(clash.winner))), path=path)


def _may_clash_in(ctx: VaultContext, paths: Iterable[str]) -> bool:
    """Whether a finding could be reported on one of ``paths``: one of them cites a known
    key that another known key may share a file name with.  Answered from the notes'
    own facts, the bibliography and the paper notes' names, so that a lint of one note
    reads no other note (most vaults have no such key at all)."""
    for path in paths:
        found = ctx.facts.summary(path)
        if found is not None and any(ctx.facts.knows_key(key) and ctx.facts.may_share_a_file_name(key)
                                     for key in found.cites):
            return True
    return False
