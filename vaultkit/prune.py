"""The cache folder is tidied once a day: nothing in it is needed, and all of it costs disk.

Three kinds of file live there (:func:`vaultkit.memo.cache_dir`), and each is removed when
nothing has used it for a while:

- a **vault's store** (``vault-<digest>.sqlite3`` and its ``-wal`` / ``-shm``), keyed by
  the vault's path: a vault moved, renamed or deleted leaves its store behind.  Removed
  when unused for :data:`STORE_UNUSED_DAYS` days.
- the **kept results** and **pass markers** of config and schema files (``results/``,
  ``passed/``): a new one for every version of a file.  Removed when unused for
  :data:`KEPT_UNUSED_DAYS` days.
- a **temporary file** a killed run left half-written (``results/.<key>.<pid>``): removed
  when a day old.

"Used" is the file's mtime, which :func:`mark_used` moves forward when a run reads the
file and it is over a day old (one ``utime`` a day, never one per run).  A file removed
while it was still wanted costs one run the time to compute it again, never a result:
everything in the folder is a cache.  The pass is started by :func:`prune_daily` from a
run that used its store, and does nothing more than one ``stat`` until a day has passed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

DAY_S = 86_400
STORE_UNUSED_DAYS = 90
KEPT_UNUSED_DAYS = 30
STAMP_NAME = "last-pruned"
STORE_PREFIX, STORE_SUFFIXES = "vault-", (".sqlite3", ".sqlite3-wal", ".sqlite3-shm")
KEPT_FOLDERS = ("results", "passed")


def mark_used(path: Path | str, mtime: float | None = None, now: float | None = None) -> None:
    """``path`` (whose mtime is ``mtime``, when the caller has it) was just used: keep it
    from pruning."""
    now = time.time() if now is None else now
    try:
        if now - (os.stat(path).st_mtime if mtime is None else mtime) > DAY_S:
            os.utime(path)
    except OSError:
        pass  # unused-looking only: at worst computed again later


def prune_daily(folder: Path, now: float | None = None) -> list[Path]:
    """Prune ``folder`` if it was last pruned over a day ago; the files removed."""
    now = time.time() if now is None else now
    stamp = folder / STAMP_NAME
    try:
        if now - stamp.stat().st_mtime < DAY_S:
            return []
    except FileNotFoundError:
        pass
    except OSError:
        return []
    try:
        stamp.touch()  # first: two runs at once prune once, and a failure is not retried all day
    except OSError:
        return []
    return prune(folder, now)


def prune(folder: Path, now: float) -> list[Path]:
    """Remove from ``folder`` what nothing used for its kind's time; the files removed."""
    removed: list[Path] = []
    stores: dict[str, list[os.DirEntry[str]]] = {}
    for entry in _entries(folder):
        name = entry.name
        if name.startswith(STORE_PREFIX) and name.endswith(STORE_SUFFIXES):
            stores.setdefault(name.partition(".sqlite3")[0], []).append(entry)
    for files in stores.values():
        # a store goes whole, by its newest file: a WAL left beside a new database
        # would be replayed into it; the database itself goes last
        if _newest(files) < now - STORE_UNUSED_DAYS * DAY_S:
            for entry in sorted(files, key=lambda e: e.name.endswith(".sqlite3")):
                _remove(entry, removed)
    for kept in KEPT_FOLDERS:
        for entry in _entries(folder / kept):
            limit = DAY_S if entry.name.startswith(".") else KEPT_UNUSED_DAYS * DAY_S
            if _newest([entry]) < now - limit:
                _remove(entry, removed)
    return removed


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return [e for e in entries if e.is_file(follow_symlinks=False)]
    except OSError:
        return []


def _newest(entries: list[os.DirEntry[str]]) -> float:
    """The latest mtime of ``entries`` (one that cannot be read counts as new: kept)."""
    try:
        return max(e.stat(follow_symlinks=False).st_mtime for e in entries)
    except OSError:
        return float("inf")


def _remove(entry: os.DirEntry[str], removed: list[Path]) -> None:
    try:
        os.unlink(entry.path)
        removed.append(Path(entry.path))
    except OSError:
        pass  # gone already, or not ours to remove: the next pass looks again
