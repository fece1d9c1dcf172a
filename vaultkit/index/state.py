"""The last index plan, kept in the store under a fingerprint of everything it read.

A plan is a function of the vault's notes (their bytes: the sessions' parts, the paper
notes, the index notes themselves), its file list, the bibliography, the configuration
and schemas, the layouts and vaultkit's own code.  The fingerprint hashes exactly these,
from what the linter's store already knows after its stat pass (each note's content
hash), so a run whose fingerprint matches the saved one knows the plan's outcome --
"every index note is as it should be" -- from a few store reads: it parses, renders and
reads nothing.  A plan is saved only when it describes the state the fingerprint names:
no unsaved text, every part and every index note read from the bytes the store's rows
hold, and after writing, the files on disk holding exactly what was written.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import msgspec

from vaultkit.digest import content as content_hash, hasher
from vaultkit.engine import DOUBT_NS
from vaultkit.index import parts
from vaultkit.model import Span

if TYPE_CHECKING:
    from vaultkit.index import IndexPlan
    from vaultkit.index.source import IndexedVault

_NAME = "index-plan"


class SavedProblem(msgspec.Struct, array_like=True, frozen=True):
    path: str
    span: Span
    code: str
    message: str


class SavedPlan(msgspec.Struct, frozen=True):
    fingerprint: str
    outcomes: list[tuple[str, str]]
    """(path, outcome) of every index note planned: ``create``/``update``/``unchanged``/
    ``prune``/``skip``."""
    problems: list[SavedProblem]
    refused_prune: str | None = None


_DECODE = msgspec.json.Decoder(SavedPlan)
_ENCODE = msgspec.json.Encoder()


def _name(prune: bool) -> str:
    return f"{_NAME}-prune" if prune else _NAME


def fingerprint(vault: "IndexedVault", prune: bool) -> str | None:
    """What the plan depends on, hashed; ``None`` when it cannot be known cheaply (unsaved
    text, a bibliography or layout file changed in the last moments, no store)."""
    if not vault.store.enabled or vault.unsaved:
        return None
    checker = parts.prepare(vault)
    bib = vault.bibliography_stamp()
    layouts = layouts_stamp(vault)
    if bib is None or layouts is None:
        return None
    files = checker.facts.files
    digest = hasher()
    digest.update(f"{parts.key(vault)}\n{bib}\n{layouts}\n{prune}\n".encode())
    digest.update("\n".join(files.paths).encode("utf-8", "surrogatepass"))
    rows = checker.rows
    digest.update("\n".join(f"{p}\0{r.hash if (r := rows.get(p)) is not None else '-'}"
                            for p in files.documents).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def layouts_stamp(vault: "IndexedVault") -> str | None:
    """The stats of the user's layout files (``index.templates``), if any."""
    folder = vault.config.index.templates
    if folder is None:
        return ""
    out = []
    for name in ("paper", "overview", "questions"):
        try:
            info = os.stat(Path(vault.root) / folder / f"{name}.md")
        except OSError:
            out.append(f"{name}:-")
            continue
        if info.st_mtime_ns > time.time_ns() - DOUBT_NS:
            return None
        out.append(f"{name}:{info.st_size}:{info.st_mtime_ns}:{info.st_ino}")
    return ";".join(out)


def load(vault: "IndexedVault", prune: bool, fingerprint: str | None) -> SavedPlan | None:
    """The saved plan if it was made for exactly this ``fingerprint``."""
    if fingerprint is None:
        return None
    data = vault.store.state(_name(prune))
    if data is None:
        return None
    try:
        saved = _DECODE.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError, TypeError, ValueError):
        return None
    return saved if saved.fingerprint == fingerprint else None


def save(vault: "IndexedVault", prune: bool, fingerprint: str, outcomes: Iterable[tuple[str, str]],
         result: "IndexPlan") -> None:
    saved = SavedPlan(fingerprint, sorted(outcomes),
                      [SavedProblem(p.path, p.span, p.code, p.message) for p in result.problems],
                      result.refused_prune)
    vault.store.put_state(_name(prune), _ENCODE.encode(saved))


def holds(vault: "IndexedVault", path: str, data: bytes | None) -> bool:
    """Whether the store's row for ``path`` is of exactly ``data`` (``None``: no file)."""
    row = vault.checker.rows.get(path)
    if data is None:
        return row is None and path not in vault.checker.facts.files.path_set
    return row is not None and row.hash == content_hash(data)


def problems_of(saved: SavedPlan) -> list[tuple[str, Span, str, str]]:
    return [(p.path, Span(*p.span), p.code, p.message) for p in saved.problems]
