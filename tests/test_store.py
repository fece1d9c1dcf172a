"""The store is data only and never trusted blindly (issue #9 item 13, issue #11).

Whatever is found in the cache folder -- a planted pickle, random bytes, a truncated or
bit-flipped database, rows of the wrong types or moved to another key -- the findings
are exactly those of ``--no-cache``, no code runs, and nothing raises.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_VAULT, REPO
from vaultkit.store import Store, cache_dir
from vaultkit.vault import Vault


def findings(root: Path, use_cache: bool = True) -> list[dict[str, object]]:
    return [f.to_json() for f in Vault.load(root, use_cache=use_cache).lint()]


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE_VAULT, tmp_path / "v"))


@pytest.fixture
def expected(vault: Path) -> list[dict[str, object]]:
    found = findings(vault, use_cache=False)
    assert len(found) > 5  # the example vault has findings to compare
    return found


class Payload:
    """Unpickling this runs ``os.system``: what a hostile cache file would hold."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.marker}",))


def test_a_planted_pickle_never_runs(vault: Path, expected: list, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = pickle.dumps({"x": Payload(marker)})
    store = Store(vault).path
    # where the old cache kept its shards, and as the store file itself
    for folder in {store.parent / "notes-0.1.0-whatever", store.parent}:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "00.pickle").write_bytes(payload)
    store.write_bytes(payload)
    assert findings(vault) == expected
    assert findings(vault) == expected
    # and inside well-formed rows, where a careless reader might unpickle a column
    db = sqlite3.connect(store)
    db.execute("UPDATE notes SET note_findings = ?, vault_findings = ?", (payload, payload))
    db.execute("UPDATE facts SET data = ?", (payload,))
    db.execute("UPDATE bib SET data = ?", (payload,))
    db.commit()
    db.close()
    assert findings(vault) == expected
    assert not marker.exists()


def test_garbage_and_truncated_store_files(vault: Path, expected: list) -> None:
    store = Store(vault).path
    assert findings(vault) == expected  # builds the store
    assert store.stat().st_size > 0
    store.write_bytes(os.urandom(50_000))
    assert findings(vault) == expected
    assert findings(vault) == expected  # and rebuilt: valid again
    size = store.stat().st_size
    with open(store, "r+b") as handle:
        handle.truncate(size // 2)
    assert findings(vault) == expected
    assert findings(vault) == expected


@pytest.mark.parametrize("seed", range(6))
def test_bit_flipped_store_gives_the_same_findings(vault: Path, expected: list, seed: int) -> None:
    store = Store(vault).path
    findings(vault)
    data = bytearray(store.read_bytes())
    rng = random.Random(seed)  # derandomized: the same flips every run
    for _ in range(40):
        at = rng.randrange(len(data))
        data[at] ^= 1 << rng.randrange(8)
    store.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    assert findings(vault) == expected


def test_rows_of_the_wrong_type_or_moved_are_ignored(vault: Path, expected: list) -> None:
    store = Store(vault).path
    findings(vault)
    db = sqlite3.connect(store)
    paths = [p for (p,) in db.execute("SELECT path FROM notes ORDER BY path")]
    assert len(paths) > 10
    with_findings = [p for (p,) in db.execute(
        "SELECT path FROM notes WHERE CAST(note_findings AS TEXT) != '[]' ORDER BY path")]
    with_vault_findings = [p for (p,) in db.execute(
        "SELECT path FROM notes WHERE CAST(vault_findings AS TEXT) != '[]' ORDER BY path")]
    assert len(with_findings) >= 2 and with_vault_findings
    # swap two notes' cached findings (keeping their seals): each must be recomputed
    a, b = with_findings[0], with_findings[-1]
    rows = {p: db.execute("SELECT note_findings, seal FROM notes WHERE path = ?", (p,)).fetchone()
            for p in (a, b)}
    db.execute("UPDATE notes SET note_findings = ?, seal = ? WHERE path = ?", (*rows[b], a))
    db.execute("UPDATE notes SET note_findings = ?, seal = ? WHERE path = ?", (*rows[a], b))
    db.execute("UPDATE notes SET size = 'big' WHERE path = ?", (paths[1],))
    # a finding of the right shape but another message: the seal no longer matches
    db.execute("UPDATE notes SET vault_findings = ? WHERE path = ?", (b"[]", with_vault_findings[0]))
    db.execute("UPDATE facts SET data = ? WHERE path = ?",
               (json.dumps({"path": paths[3]}).encode(), paths[3]))
    db.commit()
    db.close()
    assert findings(vault) == expected


def test_an_older_format_is_rebuilt(vault: Path, expected: list) -> None:
    store = Store(vault).path
    findings(vault)
    db = sqlite3.connect(store)
    db.execute("UPDATE meta SET value = 'vaultkit-store-0' WHERE key = 'format'")
    db.execute("UPDATE notes SET note_findings = '[]'")
    db.commit()
    db.close()
    assert findings(vault) == expected


def test_an_edit_that_keeps_size_and_mtime_is_seen(vault: Path) -> None:
    """git's racy case: a file rewritten within its mtime's granularity (a coarse
    file system), just after a run stored it."""
    note = vault / "sessions" / "2023-04-05.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text, encoding="utf-8")  # written just now
    findings(vault)
    info = note.stat()
    assert "@smithNonexistentPaper2021" in text
    note.write_text(text.replace("@smithNonexistentPaper2021", "@smithNonexistentPaper2022"),
                    encoding="utf-8")
    os.utime(note, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert note.stat().st_size == info.st_size and note.stat().st_mtime_ns == info.st_mtime_ns
    messages = [f["message"] for f in findings(vault) if f["path"] == "sessions/2023-04-05.md"]
    assert any("@smithNonexistentPaper2022" in str(m) for m in messages)


def test_store_lives_outside_the_vault(vault: Path) -> None:
    before = sorted(p.relative_to(vault) for p in vault.rglob("*"))
    findings(vault)
    assert sorted(p.relative_to(vault) for p in vault.rglob("*")) == before
    assert Store(vault).path.parent == cache_dir()
    assert not list(cache_dir().rglob("*.pickle"))


def test_two_concurrent_runs_share_a_store(vault: Path, expected: list) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "vaultkit", "lint", "--format", "json", str(vault)]
    for _ in range(3):
        shutil.rmtree(cache_dir(), ignore_errors=True)
        procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
                 for _ in range(2)]
        outs = [p.communicate(timeout=120) for p in procs]
        for (out, err), proc in zip(outs, procs):
            assert proc.returncode == 1, err.decode()
            assert b"Traceback" not in err
            assert json.loads(out) == expected
        assert findings(vault) == expected  # what they left behind is right too


def test_a_run_kept_waiting_by_another_keeps_the_others_store(
        vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Busy is not broken: a run that cannot write because another holds the file past
    the timeout leaves its results unstored and the file -- the other run's -- in place
    (it used to set the whole store aside, so the next lint parsed everything again)."""
    import vaultkit.store as store_module

    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.2)
    first = Store(vault)
    first.put_state("kept", b"the other run's")
    first.close()
    other = sqlite3.connect(first.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another run writing, for longer than we wait
    waiting = Store(vault)
    waiting.put_state("mine", b"unstored")
    waiting.close()
    other.execute("ROLLBACK")
    other.close()
    again = Store(vault)
    assert again.state("kept") == b"the other run's"
    assert again.state("mine") is None
    again.put_state("mine", b"stored now")
    assert again.state("mine") == b"stored now"
    again.close()


def test_parts_read_by_path_and_their_hashes_without_payloads(vault: Path) -> None:
    """What the index asks of the parts table after a change: every note's hash (and
    whether it has a part at all) without the payloads, then the payloads of a few."""
    store = Store(vault)
    store.put_parts("k", "cfg", [("a.md", "h1", b'{"x":1}'), ("b.md", "h2", b"null"), ("c.md", "h3", b"[]")])
    store.put_parts("k", "other", [("d.md", "h4", b"[]")])
    store.put_parts("j", "cfg", [("a.md", "h9", b"[]")])
    assert store.part_hashes("k", "cfg", b"null") == {"a.md": ("h1", False), "b.md": ("h2", True),
                                                      "c.md": ("h3", False)}
    assert store.parts_of("k", "cfg", ["c.md", "a.md", "zz.md"]) == {"a.md": ("h1", b'{"x":1}'),
                                                                     "c.md": ("h3", b"[]")}
    assert store.parts_of("k", "cfg", [f"n{i}.md" for i in range(1200)] + ["b.md"]) == {"b.md": ("h2", b"null")}
    store.close()
    db = sqlite3.connect(store.path)
    db.execute("UPDATE parts SET data = ? WHERE path = 'a.md' AND kind = 'k'", (b'{"x":2}',))  # a bit flip
    db.commit()
    db.close()
    again = Store(vault)
    assert again.parts_of("k", "cfg", ["a.md", "c.md"]) == {"c.md": ("h3", b"[]")}  # the seal says no
    assert again.parts("k", "cfg") == again.parts_of("k", "cfg", ["a.md", "b.md", "c.md"])
    again.close()


def test_a_stored_bibliography_reads_its_entries_only_when_asked(vault: Path) -> None:
    """A lint asks which keys exist: the stored entries' fields are decoded on first use,
    and then they are the entries the files give."""
    from vaultkit.bib.model import LazyEntries

    loaded = Vault.load(vault)
    fresh = loaded.bibliography  # read from the files, and stored
    assert len(fresh.entries) >= 3 and not isinstance(fresh.entries, LazyEntries)
    again = Vault.load(vault).bibliography  # from the store
    entries = again.entries
    assert isinstance(entries, LazyEntries)
    assert list(entries) == list(fresh.entries)  # every key, in definition order
    assert again.keys() == fresh.keys() and again.counts == fresh.counts
    first = next(iter(fresh.entries))
    assert first in entries and first in again and "no-such-key" not in entries
    assert entries._entries is None  # keys, membership and counts decoded no entry
    assert again.get(first) == fresh.get(first)
    assert dict(again.entries) == dict(fresh.entries) and again == fresh
    assert pickle.loads(pickle.dumps(again)) == fresh  # a worker would get the entries


def test_stored_entries_that_do_not_match_their_keys_come_from_the_files() -> None:

    from vaultkit.bib.model import BibEntry, Bibliography
    from vaultkit.model import Span
    from vaultkit.store import StoredBibliography, encode

    def entry(key: str) -> BibEntry:
        return BibEntry(key, "references.bib", Span(1, 1, 1, 5), "article", None, (), None)

    real = Bibliography({"a": entry("a"), "b": entry("b")}, (), ("references.bib",), (2,))
    stored = StoredBibliography(["a", "b"], [], ["references.bib"], [2])
    asked: list[str] = []

    def from_files() -> Bibliography:
        asked.append("files")
        return real

    bib = stored.load(lambda: encode([entry("a"), entry("c")]), from_files)
    assert "b" in bib and asked == []
    assert bib.get("b") == entry("b") and asked == ["files"]
    good = StoredBibliography.of(real).load(lambda: StoredBibliography.entries_of(real), from_files)
    assert good.get("b") == entry("b") and asked == ["files"]  # matching entries: no files read
    gone = StoredBibliography.of(real).load(lambda: None, from_files)  # no entries row
    assert gone.get("a") == entry("a") and asked == ["files", "files"]
