"""The cache folder is pruned once a day of what nothing used for a while (vaultkit.prune):
stores of vaults gone (whole: database, WAL and shared memory), kept results and pass
markers of config versions gone, temp files of killed runs.  What a run uses is kept."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vaultkit import prune
from tests.conftest import EXAMPLE_VAULT

DAY = prune.DAY_S


def aged(path: Path, days: float, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(data)
    then = time.time() - days * DAY
    os.utime(path, (then, then))
    return path


def names(paths: list[Path], root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in paths)


def test_what_nothing_used_for_its_time_goes(tmp_path: Path) -> None:
    gone = [aged(tmp_path / f"vault-aaaa.sqlite3{s}", 91) for s in ("", "-wal", "-shm")]
    kept = [aged(tmp_path / "vault-bbbb.sqlite3", 89), aged(tmp_path / "vault-bbbb.sqlite3-wal", 89)]
    gone += [aged(tmp_path / "results" / "old", 31), aged(tmp_path / "passed" / "old", 31),
             aged(tmp_path / "results" / ".new.123", 1.5)]  # a killed run's temp file
    kept += [aged(tmp_path / "results" / "new", 29), aged(tmp_path / "passed" / "new", 29),
             aged(tmp_path / "results" / ".writing.456", 0.5), aged(tmp_path / "notes.txt", 400)]
    removed = prune.prune(tmp_path, time.time())
    assert names(removed, tmp_path) == names(gone, tmp_path)
    assert [p for p in gone if p.exists()] == [] and all(p.exists() for p in kept)


def test_a_store_goes_whole_by_its_newest_file_and_its_database_last(tmp_path: Path) -> None:
    # an old database whose WAL was written yesterday is in use: kept, with its WAL
    db = aged(tmp_path / "vault-cccc.sqlite3", 200)
    wal = aged(tmp_path / "vault-cccc.sqlite3-wal", 1)
    assert prune.prune(tmp_path, time.time()) == [] and db.exists() and wal.exists()
    aged(wal, 100)
    removed = prune.prune(tmp_path, time.time())
    assert [p.name for p in removed] == ["vault-cccc.sqlite3-wal", "vault-cccc.sqlite3"]


def test_pruning_runs_once_a_day(tmp_path: Path) -> None:
    old = aged(tmp_path / "results" / "old", 31)
    assert prune.prune_daily(tmp_path) == [old]
    again = aged(tmp_path / "results" / "again", 31)
    assert prune.prune_daily(tmp_path) == [] and again.exists()  # pruned today already
    aged(tmp_path / prune.STAMP_NAME, 1.01)
    assert prune.prune_daily(tmp_path) == [again]


def test_a_use_moves_the_mtime_at_most_once_a_day(tmp_path: Path) -> None:
    fresh = aged(tmp_path / "fresh", 0.5)
    before = fresh.stat().st_mtime
    prune.mark_used(fresh)
    assert fresh.stat().st_mtime == before  # no write on every run
    stale = aged(tmp_path / "stale", 40)
    prune.mark_used(stale)
    assert time.time() - stale.stat().st_mtime < 60
    prune.mark_used(tmp_path / "missing")  # nothing to keep: no error


def lint(vault: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vaultkit", "lint", "--quiet", *args, str(vault)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "VAULTKIT_CACHE_DIR": str(cache)})


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE_VAULT, tmp_path / "vault"))


def test_a_lint_keeps_what_it_used_and_prunes_what_is_gone(vault: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = lint(vault, cache)
    assert first.returncode in (0, 1), first.stderr
    own = sorted(cache.glob("vault-*.sqlite3"))
    used = sorted((cache / "results").iterdir()) + sorted((cache / "passed").iterdir())
    assert len(own) == 1 and used  # the config and schemas were kept and marked
    for path in [*own, *used]:
        aged(path, 120)  # a vault left alone for four months, then linted again
    aged(cache / prune.STAMP_NAME, 2)
    other = [aged(cache / f"vault-dddd.sqlite3{s}", 120) for s in ("", "-wal")]
    unused = aged(cache / "results" / "a-config-long-edited", 31)
    again = lint(vault, cache)
    assert again.returncode == first.returncode and again.stdout == first.stdout
    assert all(p.exists() for p in [*own, *used])  # read by the run: used, kept
    assert not any(p.exists() for p in [*other, unused])


def test_no_cache_prunes_nothing(vault: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    other = aged(cache / "vault-eeee.sqlite3", 120)
    assert lint(vault, cache, "--no-cache").returncode in (0, 1)
    assert other.exists() and not (cache / prune.STAMP_NAME).exists()
