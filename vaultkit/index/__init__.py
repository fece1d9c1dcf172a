"""``vaultkit index``: plan the index notes, then (only when asked) write them safely.

Planning is pure: it reads the vault and returns, per file, the bytes it has and the
bytes it should have.  ``--check`` and ``--diff`` stop there; writing goes through
:func:`vaultkit.fsutil.safe_write` and touches only files whose bytes change.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Literal

from vaultkit.fsutil import (
    TextStyle, UnsafeWrite, WriteConflict, check_inside, encode_like, safe_delete, safe_write,
)
from vaultkit.index import pages, render
from vaultkit.index.pages import session_schema
from vaultkit.markers import RegionError, find_region
from vaultkit.model import Note, Span
from vaultkit.positions import SourceText
from vaultkit.files import paper_note_pattern, sanitize_key
from vaultkit.safe_read import read_regular

if TYPE_CHECKING:
    from vaultkit.config import Config
    from vaultkit.schema import Schema
    from vaultkit.vault import Vault

Outcome = Literal["create", "update", "unchanged", "prune", "skip"]


@dataclass(frozen=True)
class IndexProblem:
    path: str
    span: Span
    code: str
    message: str


@dataclass(frozen=True)
class Change:
    path: str
    outcome: Outcome
    old: bytes | None
    new: bytes | None

    def diff(self) -> str:
        old = (self.old or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
        new = (self.new or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
        return "".join(difflib.unified_diff(
            old, new, fromfile=f"a/{self.path}" if self.old is not None else "/dev/null",
            tofile=f"b/{self.path}" if self.new is not None else "/dev/null"))


@dataclass
class IndexPlan:
    changes: list[Change] = field(default_factory=list)
    problems: list[IndexProblem] = field(default_factory=list)
    refused_prune: str | None = None

    @property
    def stale(self) -> list[Change]:
        return [c for c in self.changes if c.outcome in ("create", "update", "prune")]

    def counts(self) -> dict[str, int]:
        out = {"created": 0, "updated": 0, "unchanged": 0, "pruned": 0}
        names = {"create": "created", "update": "updated", "unchanged": "unchanged", "prune": "pruned"}
        for change in self.changes:
            if change.outcome in names:
                out[names[change.outcome]] += 1
        return out


def is_index_note(vault_config: "Config") -> "Callable[[str], bool]":
    """Whether a vault path is an index note (named by the index path template)."""
    pattern = paper_note_pattern(vault_config.index.path)
    overview = {vault_config.index.overview, vault_config.index.questions}
    return lambda path: path in overview or bool(pattern.match(path))


def replace_region(text: str, name: str, new_region: str) -> str | RegionError:
    """``text`` with its region replaced (or appended), or why the markers forbid it."""
    lines = text.split("\n")
    found = find_region(lines, name)
    if isinstance(found, RegionError):
        return found
    if found is None:
        body = text if text.endswith("\n") or not text else text + "\n"
        sep = "" if not body or body.endswith("\n\n") else "\n"
        return body + sep + new_region
    first, last = found
    region_lines = new_region.rstrip("\n").split("\n")
    return "\n".join(lines[:first] + region_lines + lines[last + 1 :])


def plan(vault: "Vault", prune: bool = False) -> IndexPlan:
    config = vault.config.index
    result = IndexPlan()
    template = config.path

    def paper_path(key: str) -> str:
        return template.replace("{key}", sanitize_key(key))

    built = pages.build(vault, paper_path)
    for page in built.pages:
        result.changes.append(_plan_file(vault, page.path, page.region, page.body, page.create, result))
    if prune:
        _plan_prune(vault, built.indexed, result)
    return result


def _plan_file(vault: "Vault", path: str, name: str, body: str, create, result: IndexPlan) -> Change:
    try:
        absolute = check_inside(vault.root, Path(path))  # never read or write through a link
    except UnsafeWrite as error:
        result.problems.append(IndexProblem(path, Span(1, 1, 1, 1), "VK302", str(error)))
        return Change(path, "skip", None, None)
    if path not in vault.files.path_set and not absolute.exists():
        return Change(path, "create", None, create(body).encode("utf-8"))
    try:
        old = read_regular(absolute)  # a FIFO here must not hang the run
    except OSError as error:
        result.problems.append(IndexProblem(path, Span(1, 1, 1, 1), "VK302", f"cannot read: {error.strerror}"))
        return Change(path, "skip", None, None)
    source = SourceText.from_str(old.decode("utf-8", errors="replace"))
    style = TextStyle(source.newline, source.has_bom)
    text = source.text
    replaced = replace_region(text, name, body)
    if isinstance(replaced, RegionError):
        line = replaced.line
        result.problems.append(IndexProblem(path, Span(line, 1, line, 1), "VK302", replaced.message))
        return Change(path, "skip", old, None)
    new = encode_like(replaced, style)
    return Change(path, "unchanged" if new == old else "update", old, new)


def _plan_prune(vault: "Vault", keep: set[str], result: IndexPlan) -> None:
    pattern = paper_note_pattern(vault.config.index.path)
    index_notes = [p for p in vault.files.notes if pattern.match(p)]
    keep_paths = {vault.config.index.path.replace("{key}", sanitize_key(k)) for k in keep}
    doomed = []
    for path in index_notes:
        if path in keep_paths:
            continue
        note = vault.note(path)
        if note is None or note.meta.get(render.GENERATED_KEY) != render.GENERATED_VALUE:
            continue
        key = pattern.match(path).group("key")  # type: ignore[union-attr]
        found = find_region(note.lines, "index")
        if not isinstance(found, tuple):
            continue
        outside = "\n".join(note.lines[: found[0]] + note.lines[found[1] + 1 :])
        expected = render.new_note(pages.meta(vault, key), "").rstrip("\n")
        if outside.rstrip("\n") != expected:
            continue  # someone wrote in it: not wholly generated, keep it
        doomed.append(path)
    share = vault.config.index.max_prune_share
    if index_notes and len(doomed) / len(index_notes) > share:
        result.refused_prune = (
            f"refusing to prune {len(doomed)} of {len(index_notes)} index notes "
            f"(more than index.max-prune-share = {share:g}); check the bibliography and sessions"
        )
        return
    for path in doomed:
        result.changes.append(Change(path, "prune", read_regular(vault.root / path), None))


def apply(vault: "Vault", result: IndexPlan) -> None:
    """Write what the plan says; every write is atomic and inside the vault."""
    for change in result.changes:
        try:
            if change.outcome in ("create", "update") and change.new is not None:
                safe_write(vault.root, Path(change.path), change.new, expected=change.old)
            elif change.outcome == "prune" and change.old is not None:
                safe_delete(vault.root, Path(change.path), expected=change.old)
        except WriteConflict:
            result.problems.append(IndexProblem(change.path, Span(1, 1, 1, 1), "VK301",
                                                "changed while indexing; run 'vaultkit index' again"))
        except (UnsafeWrite, OSError) as error:
            result.problems.append(IndexProblem(change.path, Span(1, 1, 1, 1), "VK302", str(error)))


