"""Which vault the command line means, and which of the given files are in it.

pre-commit runs a hook from the repository root and hands it every staged file the
hook's ``types``/``files`` select -- with the vault in a subfolder that includes the
repository's README and ``docs/``.  Those files are not notes of the vault: they are
skipped with a note on stderr, and the exit code reflects only the vault's files.  What
must never happen is a silent guess: when no vault can be found the command fails (exit
2), and ``vaultkit index`` never treats a folder without a vault marker as the vault.

A vault is marked by ``.vaultkit.yaml`` or ``.obsidian/`` at its root.
"""

from __future__ import annotations

import os
from pathlib import Path

from msgspec import Struct

from vaultkit.config import CONFIG_NAME
from vaultkit.errors import UsageError

MARKERS = f"{CONFIG_NAME} or .obsidian/"
_SEARCH_DEPTH = 4
_SEARCH_DIRS = 5_000
_NOT_VAULTS = frozenset({"node_modules", "__pycache__", "site-packages", "venv", "build", "dist"})


class Located(Struct, frozen=True):
    """The vault root (``None``: none of the given files is in a vault) and the split."""

    root: Path | None
    paths: list[Path] = []
    """The given paths inside the vault (all of them when none was given)."""
    skipped: list[Path] = []
    """The given paths outside it."""
    below: tuple[Path, ...] = ()
    """Vaults found below the current folder when no given file was in one."""

    @property
    def nothing_to_do(self) -> bool:
        """Files were given, and none of them is in the vault."""
        return bool(self.skipped) and not self.paths

    def note(self, cwd: Path | None = None) -> str | None:
        """The stderr line about skipped files, or ``None``."""
        if not self.skipped:
            return None
        cwd = cwd or Path.cwd()
        names = [_shown(p, cwd) for p in self.skipped]
        listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        count = f"{len(names)} file{'s' if len(names) != 1 else ''}"
        if self.root is not None:
            return f"vaultkit: skipped {count} outside the vault {_shown(self.root, cwd)}/: {listed}"
        vaults = ", ".join(_shown(v, cwd) + "/" for v in self.below)
        return f"vaultkit: skipped {count} that are in no vault (the vaults here: {vaults}): {listed}"


def is_vault(folder: Path) -> bool:
    return (folder / CONFIG_NAME).is_file() or (folder / ".obsidian").is_dir()


def vault_of(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` that is a vault."""
    here = path if path.is_dir() else path.parent
    for candidate in (here, *here.parents):
        if is_vault(candidate):
            return candidate
    return None


def locate(paths: list[Path], vault: Path | None, *, folder_fallback: bool = True) -> Located:
    """Find the vault for ``paths`` (``--vault`` first) and split them by it.

    ``folder_fallback``: with no vault marker anywhere, a folder given as the first path
    (or, with no paths, the current folder) is the vault -- what ``vaultkit lint DIR``
    has always done.  ``vaultkit index`` passes ``False``: it writes notes, so it never
    guesses.
    """
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
    if vault is not None:
        if not vault.is_dir():
            raise UsageError(f"--vault {vault}: not a directory")
        root = vault.resolve()
        return _split(root, paths)
    if not paths:
        cwd = Path.cwd().resolve()
        found = vault_of(cwd)
        if found is not None:
            return Located(found)
        if folder_fallback:
            return Located(cwd)
        raise UsageError(_no_vault(f"the current folder {cwd}", cwd))
    roots: dict[Path, None] = {}
    memo: dict[Path, Path | None] = {}
    for path in paths:
        resolved = path.resolve()
        folder = resolved if resolved.is_dir() else resolved.parent
        if folder not in memo:
            memo[folder] = vault_of(folder)
        if memo[folder] is not None:
            roots[memo[folder]] = None  # type: ignore[index]
    if len(roots) > 1:
        shown = ", ".join(str(r) for r in roots)
        raise UsageError(f"the files given are in {len(roots)} vaults ({shown}): run vaultkit "
                         "once per vault, with --vault DIR")
    if roots:
        return _split(next(iter(roots)), paths)
    first = paths[0].resolve()
    if folder_fallback and first.is_dir():
        return _split(first, paths)
    cwd = Path.cwd().resolve()
    below = vaults_below(cwd)
    if below:
        # the vault is elsewhere in this repository: these files are simply not its notes
        return Located(None, [], list(paths), below)
    raise UsageError(_no_vault(str(paths[0]) if len(paths) == 1 else
                               f"any of the {len(paths)} files given", cwd))


def vaults_below(folder: Path) -> tuple[Path, ...]:
    """Vaults in the subfolders of ``folder`` (a bounded walk: a few levels, not the disk)."""
    found: list[Path] = []
    visited = 0
    base = len(folder.parts)
    for dirpath, dirnames, _ in os.walk(folder, followlinks=False):
        visited += 1
        here = Path(dirpath)
        if here != folder and is_vault(here):
            found.append(here)
            dirnames[:] = []
            continue
        if visited > _SEARCH_DIRS or len(here.parts) - base >= _SEARCH_DEPTH:
            dirnames[:] = []
            continue
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _NOT_VAULTS)
    return tuple(sorted(found))


def _split(root: Path, paths: list[Path]) -> Located:
    inside, outside = [], []
    for path in paths:
        absolute = path.resolve() if os.path.exists(path) else Path.cwd() / path
        try:
            absolute.relative_to(root)
            inside.append(path)
        except ValueError:
            outside.append(path)
    return Located(root, inside, outside)


def _no_vault(what: str, cwd: Path) -> str:
    return (f"no vault found for {what} (no {MARKERS} in it or above it); "
            "pass --vault DIR")


def _shown(path: Path, cwd: Path) -> str:
    try:
        rel = path.resolve().relative_to(cwd)
        return rel.as_posix() if str(rel) != "." else "."
    except ValueError:
        return str(path)
