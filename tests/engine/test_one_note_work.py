"""What a lint of one note (the pre-commit hook's) does not do in a big vault: build an
index of every file for a question about one name, or read what only other notes need.

Each test pins one such cut by making the whole-vault step fail, and compares the
findings with ``--no-cache`` (which runs it all).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.test_few_paths import TARGET, _files, backdate, edit, rows
from tests.conftest import write_vault
from vaultkit.files import VaultFiles


def _refuse(name: str) -> property:
    def refuse(self: VaultFiles) -> None:
        raise AssertionError(f"a lint of one note built VaultFiles.{name}")

    return property(refuse)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    files = _files()
    files["asset/old/gone.png"] = b"\x89PNG"  # the file a broken embed meant, moved by hand
    for n in range(40):  # enough files that a whole-vault index is work
        files[f"asset/fig-{n}.png"] = b"\x89PNG"
    root = write_vault(tmp_path / "v", files)
    backdate(root)
    assert rows(root, []) == rows(root, [], use_cache=False)  # fills the store
    return root


def test_link_checks_of_one_note_build_no_index_of_every_file(vault: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    edit(vault, TARGET, "the paper", "the paper ![](../asset/gone.png) [o](../Other.md) [[OTHER]]")
    expected = rows(vault, [TARGET], use_cache=False)
    assert [c for *_, c in expected] == ["VK202"]
    with monkeypatch.context() as m:
        m.setattr(VaultFiles, "by_name_lower", _refuse("by_name_lower"))
        m.setattr(VaultFiles, "by_path_lower", _refuse("by_path_lower"))
        m.setattr(VaultFiles, "_by_kind", _refuse("notes or documents"))  # the list of every note
        assert rows(vault, [TARGET]) == expected
    from vaultkit.vault import Vault

    found = Vault.load(vault).lint([vault / TARGET])
    assert "'asset/old/gone.png' has that name (moved?)" in found[0].message


def test_the_share_of_stored_notes_is_counted_in_an_index(vault: Path) -> None:
    """Whether a lint of one note may read only its rows asks how many rows are stored
    under the configuration: counted in an index, not by reading every row."""
    from vaultkit.store import Store

    store = Store(vault)
    assert store._db is not None
    plans: list[str] = []
    real = store._db

    class Planned:
        def execute(self, sql: str, args: tuple[object, ...]) -> object:
            plans.append(" ".join(str(r) for r in real.execute("EXPLAIN QUERY PLAN " + sql, args)))
            return real.execute(sql, args)

    store._handle = Planned()  # type: ignore[assignment]
    assert store.count("x") == 0  # rows under another configuration: counted for "x"
    assert len(plans) == 2
    store._handle = real
    store.close()
    for plan in plans:
        assert "USING COVERING INDEX notes_cfg" in plan and "SCAN notes " not in plan.replace(
            "SCAN notes USING COVERING INDEX", ""), plan


@pytest.mark.parametrize("others", [[], ["other"], [None], [7], [b"blob"], ["other", None]],
                         ids=str)
def test_the_rows_under_a_configuration_are_counted_exactly(tmp_path: Path,
                                                            others: list[object]) -> None:
    """Every row under the configuration (the usual case) is the table's count; a row
    under any other value -- text before or after it, NULL, a number, a blob -- means
    the rows are counted one by one."""
    from vaultkit.store import Store

    store = Store(tmp_path)
    db = store._db
    assert db is not None
    assert store.count("cfg") == 0
    values = ["cfg", "cfg", *others, "cfg"]
    for n, value in enumerate(values):
        db.execute("INSERT INTO notes (path, cfg) VALUES (?, ?)", (f"n{n}.md", value))
    assert store.count("cfg") == 3
    assert store.count("other") == values.count("other")
    assert store.count("aaa") == 0 and store.count("zzz") == 0
    store.close()


def test_a_store_made_before_the_index_gets_it(vault: Path) -> None:
    from vaultkit.store import Store

    store = Store(vault)
    assert store._db is not None
    store._db.execute("DROP INDEX notes_cfg")
    store.close()
    expected = rows(vault, [TARGET], use_cache=False)
    assert rows(vault, [TARGET]) == expected
    store = Store(vault)
    assert store._db is not None
    names = [r[0] for r in store._db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")]
    store.close()
    assert "notes_cfg" in names


def test_the_hook_s_command_lists_no_note_of_the_vault(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``vaultkit lint --format json <note>`` from the vault folder, as pre-commit runs it:
    the summary's counts and schema hint ask about the linted note only."""
    import json

    from click.testing import CliRunner

    from vaultkit.cli import main

    edit(vault, TARGET, "the paper", "the paper ![](../asset/gone.png)")
    monkeypatch.chdir(vault)
    expected = CliRunner().invoke(main, ["lint", "--format", "json", "--no-cache", TARGET])
    with monkeypatch.context() as m:
        for name in ("by_name_lower", "by_path_lower", "_by_kind", "path_set"):
            m.setattr(VaultFiles, name, _refuse(name))
        got = CliRunner().invoke(main, ["lint", "--format", "json", TARGET])
    assert got.exit_code == expected.exit_code == 1, got.output
    assert got.stdout == expected.stdout
    assert [f["code"] for f in json.loads(got.stdout)] == ["VK202"]
    assert "in 1 file (1 note checked)" in got.stderr


def test_a_lint_of_one_note_reads_no_stored_entry(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stored bibliography's entries are a row of their own, read when an entry's
    fields are first asked for: a lint asks only which keys exist."""
    from vaultkit.store import Store
    from vaultkit.vault import Vault

    edit(vault, TARGET, "the paper", "the paper [@jones2021] [@nobody2020]")
    expected = rows(vault, [TARGET], use_cache=False)
    assert [c for *_, c in expected] == ["VK201"]
    read: list[str] = []
    real = Store._bib_row

    def counting(self: Store, kind: str, stamp: str) -> bytes | None:
        read.append(kind)
        return real(self, kind, stamp)

    monkeypatch.setattr(Store, "_bib_row", counting)
    assert rows(vault, [TARGET]) == expected
    assert read == ["fast"]  # the keys, issues and counts; no entry
    loaded = Vault.load(vault)
    assert loaded.bibliography.get("jones2021") == Vault.load(vault, use_cache=False).bibliography.get("jones2021")
    assert read[1:3] == ["fast", "fast/entries"], read


def test_entries_stored_for_other_files_come_from_the_files(vault: Path) -> None:
    """Another run may replace the stored bibliography between a run's reading of its
    keys and of its entries: entries of another stamp are not taken, the files are read."""
    from vaultkit.store import Store
    from vaultkit.vault import Vault

    loaded = Vault.load(vault)
    bib = loaded.bibliography  # the keys, from the store
    store = Store(vault)
    assert store._db is not None
    store._db.execute("UPDATE bib SET stamp = 'other' WHERE kind = 'fast/entries'")
    store.close()
    entry = bib.get("smith2020")
    assert entry is not None and entry == Vault.load(vault, use_cache=False).bibliography.get("smith2020")


def test_a_lint_of_one_note_opens_the_store_once(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's last save, with nothing left to write, does not open the database again
    (a connection, its schema statements, and a WAL file made and removed)."""
    from vaultkit.store import Store

    edit(vault, TARGET, "the paper", "the paper ![](../asset/gone.png)")
    expected = rows(vault, [TARGET], use_cache=False)
    opened: list[str] = []
    real = Store._open

    def counting(self: Store):  # type: ignore[no-untyped-def]
        opened.append("open")
        return real(self)

    monkeypatch.setattr(Store, "_open", counting)
    from vaultkit.vault import Vault

    loaded = Vault.load(vault)
    try:
        found = [(f.path, f.span.line, f.span.column, f.code) for f in loaded.lint([vault / TARGET])]
    finally:
        loaded.close()
    assert found == expected
    assert opened == ["open"]
    empty = Store(vault)
    empty.write([], [], "cfg")
    assert opened == ["open"] and empty._handle is None


def test_the_store_waits_on_no_fsync(vault: Path) -> None:
    """The store is a cache (sealed rows, a damaged file rebuilt): its commits and the
    checkpoint at close do not wait for the disk (synchronous = OFF, 0)."""
    from vaultkit.store import Store

    store = Store(vault)
    assert store._db is not None
    assert store._db.execute("PRAGMA synchronous").fetchone() == (0,)
    assert store._db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    store.close()


def test_a_lint_of_one_note_keys_its_configuration_once(vault: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The configuration's key (every rule's options, the schemas, vaultkit's own code) is
    asked whether the note may read only its rows, and by the checker: made once."""
    from vaultkit import engine, vault as vault_module

    edit(vault, TARGET, "the paper", "the paper ![](../asset/gone.png)")
    expected = rows(vault, [TARGET], use_cache=False)
    made: list[str] = []
    real = engine.config_key

    def counting(*args: object) -> str:
        made.append(real(*args))  # type: ignore[arg-type]
        return made[-1]

    monkeypatch.setattr(engine, "config_key", counting)
    monkeypatch.setattr(vault_module, "config_key", counting)
    assert rows(vault, [TARGET]) == expected
    assert len(made) == 1


@pytest.mark.parametrize("paths", [("a.md", "b/c.md", "b/d.png", "z.md"), ("z.md", "a.md", "b/c.md")],
                         ids=["sorted", "hand-made"])
def test_membership_without_the_set_of_every_path(tmp_path: Path, paths: tuple[str, ...]) -> None:
    """``VaultFiles.has`` answers as the set would, by a binary search of the sorted paths
    while few are asked (a hand-made list out of order: the set), then by the set."""
    files = VaultFiles(tmp_path, paths)
    asked = [*paths, "", "a", "b", "b/c", "b/c.mdx", "c.md", "zz.md", "A.md"]
    for _ in range(3):
        assert [files.has(p) for p in asked] == [p in set(paths) for p in asked]
        files.MANY_MEMBERSHIPS = 12  # type: ignore[misc]  # past it, the set is built
    assert "path_set" in files.__dict__
    assert ("path_set" in VaultFiles(tmp_path, paths).__dict__) is False
