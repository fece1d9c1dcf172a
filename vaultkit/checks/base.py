"""What a rule module sees and returns.

A rule is a module with ``CODE``, ``NAME``, ``SEVERITY``, ``SCOPE`` (``"note"`` or
``"vault"``), ``OPTIONS`` (name -> default) and a ``check`` function; its docstring, in
ruff's shape (What it does / Why / Example), is its documentation (``vaultkit explain``).
Rules return :class:`Hit` objects built from spans the parser already computed: a rule
never computes a position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Protocol

from vaultkit.config import Config
from vaultkit.model import Fix, Note, Span

if TYPE_CHECKING:
    from vaultkit.bib import Bibliography
    from vaultkit.references import Resolver
    from vaultkit.schema import Schema
    from vaultkit.vault import VaultFiles


@dataclass(frozen=True, slots=True)
class Hit:
    span: Span
    message: str
    fixable: bool = False
    suggestion: str | None = None
    path: str | None = None
    """Set by vault-wide checks that report on another file (a .bib, an asset)."""
    fix: Fix | None = None
    """The edits that mend it; ``fixable`` is then true as well."""


@dataclass(frozen=True)
class NoteContext:
    """Everything a per-note rule may use: a pure function of (note, config)."""

    config: Config
    options: dict[str, Any]
    schemas: tuple["Schema", ...] = ()


@dataclass(frozen=True)
class VaultContext(NoteContext):
    """A vault-wide rule also sees the files, the notes and the bibliography."""

    files: "VaultFiles | None" = None
    notes: dict[str, Note] = field(default_factory=dict)
    bibliography: "Bibliography | None" = None
    resolver: "Resolver | None" = None
    vault: Any = None
    """The loaded :class:`vaultkit.vault.Vault` (known keys, paper notes)."""


class RuleModule(Protocol):
    CODE: str
    NAME: str
    SEVERITY: str
    SCOPE: str
    OPTIONS: dict[str, Any]
    __doc__: str | None

    def check(self, note: Note, ctx: Any) -> Iterable[Hit]: ...


def parse_problems(note: Note, code: str) -> Iterable[Hit]:
    """The problems the parser recorded under ``code`` (the VK0xx rules)."""
    return (Hit(p.span, p.message) for p in note.problems if p.code == code)


def bibliography_issues(ctx: VaultContext, code: str) -> Iterable[Hit]:
    """The bibliography loader's issues under ``code``, on the bibliography file."""
    assert ctx.bibliography is not None
    return (Hit(i.span, i.message, path=i.source) for i in ctx.bibliography.issues if i.code == code)
