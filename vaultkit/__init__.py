"""vaultkit: lint, validate and index an Obsidian vault of paper-reading sessions.

The Python API (see README "Python API")::

    from vaultkit import Vault, lint, build_index
    vault = Vault.load("example-vault")
    findings = vault.lint()
    plan = build_index(vault)            # what `vaultkit index` would write
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Vault", "build_index", "lint", "__version__"]

if TYPE_CHECKING:
    from vaultkit.index import IndexPlan
    from vaultkit.model import Finding
    from vaultkit.vault import Vault


def lint(vault: "Vault | str | Path", paths: list[Path] | None = None) -> list["Finding"]:
    """Lint a vault (a loaded :class:`Vault` or its root folder)."""
    from vaultkit.vault import Vault

    loaded = vault if isinstance(vault, Vault) else Vault.load(vault)
    return loaded.lint(paths)


def build_index(vault: "Vault | str | Path", *, write: bool = False, prune: bool = False) -> "IndexPlan":
    """Plan the index notes; write them (atomically, only what changed) when ``write``."""
    from vaultkit.index import plan
    from vaultkit.vault import Vault

    loaded = vault if isinstance(vault, Vault) else Vault.load(vault)
    return plan(loaded, prune=prune, write=write)


def __getattr__(name: str) -> Any:
    # Imported lazily so that `import vaultkit` (and `vaultkit --version`) stays cheap.
    if name == "Vault":
        from vaultkit.vault import Vault

        return Vault
    raise AttributeError(f"module 'vaultkit' has no attribute {name!r}")
