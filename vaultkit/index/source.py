"""What the index reads of a vault: the members below, and nothing else.

The facade (:class:`vaultkit.vault.Vault`) hands itself to :func:`vaultkit.index.plan`;
the index knows it only as this protocol, so the layers run one way -- the facade calls
the index, the index never imports the facade.  A test holds ``Vault`` to it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from vaultkit.bib import Bibliography
    from vaultkit.config import Config
    from vaultkit.engine import Checker
    from vaultkit.facts import VaultFacts
    from vaultkit.files import VaultFiles
    from vaultkit.model import Note
    from vaultkit.notes import LazyNotes
    from vaultkit.references import Resolver
    from vaultkit.schema import Schema
    from vaultkit.store import Store


class IndexedVault(Protocol):
    """A loaded vault as the index sees it."""

    root: Path
    config: Config
    schemas: tuple[Schema, ...]
    jobs: int | None
    progress: Callable[[int, int], None] | None
    store: Store
    notes: LazyNotes
    """Every note by path, parsed on first access."""

    @property
    def files(self) -> VaultFiles: ...

    @property
    def checker(self) -> Checker:
        """The facts and findings of every note, from the store where it can."""
        ...

    @property
    def facts(self) -> VaultFacts: ...

    @property
    def resolver(self) -> Resolver: ...

    @property
    def full_bibliography(self) -> Bibliography:
        """With titles, authors, years and abstracts: what index notes show."""
        ...

    @property
    def paper_notes(self) -> dict[str, str]:
        """Sanitized citekey -> path of its paper note."""
        ...

    @property
    def unsaved(self) -> frozenset[str]:
        """Paths whose text is an editor's unsaved buffer (never written by the index)."""
        ...

    def note(self, path: str) -> Note | None: ...

    def schemas_for(self, note: Note) -> tuple[Schema, ...]: ...

    def bibliography_stamp(self) -> str | None: ...
