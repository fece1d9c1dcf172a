"""A lint of a few paths (what pre-commit runs) reads the rows it needs, not the vault's.

Every result is compared with ``--no-cache`` (the same lint with no store at all), after
the kinds of change a hook meets: the staged note edited, a note it links to edited, a
paper note added, a bibliography key added.  That no vault-wide read happened is shown
by making the store's "every row" read fail.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from vaultkit import files as files_module
from vaultkit.store import Store
from vaultkit.vault import Vault
from tests.conftest import write_vault

SESSION = """---
type: session
date: {date}
---
# Session {date}

## tl;dr
Read things.

## Context
Why.

## Done
This.

## Learned
That.

## Next?
More.

## Log
- [read(@smith2020)] the paper
  - See [[other#Method]] and [[2023-03-02]].
"""


def _files(count: int = 14) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "references.bib": "@article{smith2020, title = {A}}\n@article{jones2021, title = {B}}\n",
        "papers/@smith2020.md": "# Smith 2020\n",
        "other.md": "# Other\n\n## Method\n\nText ^block\n",
    }
    for day in range(1, count + 1):
        date = f"2023-03-{day:02d}"
        files[f"sessions/{date}.md"] = SESSION.format(date=date)
    return files


def backdate(root: Path, seconds: int = 100) -> None:
    """Every file and folder modified long enough ago that its stat is sure."""
    when = time.time() - seconds
    for folder, dirs, names in os.walk(root):
        for name in names:
            os.utime(os.path.join(folder, name), (when, when))
        os.utime(folder, (when, when))


def rows(vault_root: Path, paths: list[str], *, use_cache: bool = True) -> list[tuple]:
    vault = Vault.load(vault_root, use_cache=use_cache)
    found = vault.lint([vault_root / p for p in paths])
    return [(f.path, f.span.line, f.span.column, f.code) for f in found]


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = write_vault(tmp_path / "v", _files())
    backdate(root)
    assert rows(root, []) == rows(root, [], use_cache=False)  # fills the store
    return root


def refuse_full_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Store) -> dict:
        if self.enabled:  # (the --no-cache runs compared with have no store to read)
            raise AssertionError("a lint of a few paths read every row of the store")
        return {}

    monkeypatch.setattr(Store, "note_rows", refuse)


@pytest.fixture
def no_full_read(monkeypatch: pytest.MonkeyPatch) -> None:
    refuse_full_reads(monkeypatch)


TARGET = "sessions/2023-03-05.md"


def edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_the_staged_note_edited(vault: Path, no_full_read: None) -> None:
    edit(vault, TARGET, "the paper", "the paper [@nobody2020] ![[gone.png]]")
    got = rows(vault, [TARGET])
    assert {code for *_, code in got} == {"VK201", "VK202"}
    assert got == rows(vault, [TARGET], use_cache=False)


def test_a_linked_note_edited_elsewhere(vault: Path, no_full_read: None) -> None:
    assert rows(vault, [TARGET]) == []
    edit(vault, "other.md", "## Method", "## Methods")  # not staged, not linted since
    got = rows(vault, [TARGET])
    assert [code for *_, code in got] == ["VK203"]
    assert got == rows(vault, [TARGET], use_cache=False)


def test_a_paper_note_and_a_key_appear(vault: Path, no_full_read: None) -> None:
    edit(vault, TARGET, "the paper", "the paper, then [@lee2022] and [@kim2019]")
    assert [code for *_, code in rows(vault, [TARGET])] == ["VK201", "VK201"]
    (vault / "papers" / "@lee2022.md").write_text("# Lee 2022\n", encoding="utf-8")
    edit(vault, "references.bib", "@article{jones2021", "@article{kim2019, title = {C}}\n@article{jones2021")
    assert rows(vault, [TARGET]) == rows(vault, [TARGET], use_cache=False) == []


def test_a_full_lint_after_a_few_paths_is_whole(vault: Path) -> None:
    edit(vault, TARGET, "the paper", "the paper [@nobody2020]")
    loaded = Vault.load(vault)
    few = loaded.lint([vault / TARGET])
    assert not loaded.checker._complete  # the few-paths checker was used
    everything = [(f.path, f.span.line, f.code) for f in loaded.lint()]
    assert everything == [(f.path, f.span.line, f.code) for f in Vault.load(vault, use_cache=False).lint()]
    assert [(f.path, f.code) for f in few] == [(TARGET, "VK201")]
    assert (TARGET, 23, "VK201") in everything


def test_many_paths_read_every_row(vault: Path) -> None:
    loaded = Vault.load(vault)
    loaded.lint([vault / "sessions"])
    assert loaded.checker._complete


# -- the stored walk of the vault ---------------------------------------------------------
@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    seen: list[Path] = []
    real = files_module.discover

    def counting(root: Path, config):  # type: ignore[no-untyped-def]
        seen.append(root)
        return real(root, config)

    monkeypatch.setattr("vaultkit.vault.discover", counting)
    return seen


def test_the_walk_is_stored_and_reused_while_no_folder_changed(vault: Path, walks: list[Path]) -> None:
    first = Vault.load(vault).files.paths
    assert Vault.load(vault).files.paths == first
    assert walks == []  # both from the store (the fixture's lint stored the walk)


def test_a_new_or_removed_file_is_seen(vault: Path, walks: list[Path]) -> None:
    (vault / "sessions" / "new.md").write_text("# New\n", encoding="utf-8")
    assert "sessions/new.md" in Vault.load(vault).files.path_set
    assert len(walks) == 1
    (vault / "other.md").unlink()
    backdate(vault)  # the change is old news: the stored walk is still not used
    assert "other.md" not in Vault.load(vault).files.path_set
    assert len(walks) == 2
    Vault.load(vault)
    assert len(walks) == 2  # and that walk is the stored one now


def test_a_gitignore_edited_in_place_is_seen(vault: Path, walks: list[Path]) -> None:
    (vault / ".gitignore").write_text("drafts/\n", encoding="utf-8")
    (vault / "drafts").mkdir()
    (vault / "drafts" / "x.md").write_text("x\n", encoding="utf-8")
    backdate(vault)
    assert "drafts/x.md" not in Vault.load(vault).files.path_set
    (vault / ".gitignore").write_text("drafts/\nother.md\n", encoding="utf-8")
    os.utime(vault / ".gitignore", (time.time() - 50, time.time() - 50))  # old, but not as stored
    found = Vault.load(vault).files.path_set
    assert "other.md" not in found and "drafts/x.md" not in found
    assert len(walks) == 2


def test_a_folder_in_doubt_is_walked_again(vault: Path, walks: list[Path]) -> None:
    os.utime(vault / "sessions")  # touched just now: its mtime cannot yet be trusted
    Vault.load(vault)
    Vault.load(vault)
    assert len(walks) == 2


# -- what a few-path lint reads of the notes it does not lint follows the disk ------------
GENERATED = (
    "---\ncitekey: lee2022\ntitle: Lee\ngenerated-by: vaultkit\n---\n\n# Lee\n\n"
    "%% vaultkit:begin index %%\n## Reading log\n- [[2023-03-01]]\n%% vaultkit:end index %%\n"
)


def later(root: Path, path: str) -> None:
    """An edit made outside vaultkit, its stat sure (and unlike the stored one)."""
    when = time.time() - 50
    os.utime(root / path, (when, when))


def test_a_paper_note_edited_on_disk_decides_its_key(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files()
    files["papers/@lee2022.md"] = GENERATED  # wholly generated: it makes no key known
    files[TARGET] = SESSION.format(date="2023-03-05").replace("the paper", "the paper [@lee2022]")
    root = write_vault(tmp_path / "v", files)
    backdate(root)
    assert rows(root, []) == rows(root, [], use_cache=False)  # every row stored
    refuse_full_reads(monkeypatch)
    assert [code for *_, code in rows(root, [TARGET])] == ["VK201"]
    # the user writes in it (not through vaultkit): now it is theirs, and the key known
    edit(root, "papers/@lee2022.md", "# Lee\n", "# Lee\n\nMy notes on it.\n")
    later(root, "papers/@lee2022.md")
    assert rows(root, [TARGET]) == rows(root, [TARGET], use_cache=False) == []
    # and back: the generated text alone knows no key again
    (root / "papers" / "@lee2022.md").write_text(GENERATED, encoding="utf-8")
    os.utime(root / "papers" / "@lee2022.md", (time.time() - 40, time.time() - 40))
    got = rows(root, [TARGET])
    assert [code for *_, code in got] == ["VK201"] and got == rows(root, [TARGET], use_cache=False)


CLASH = "@article{Smith2020, title = {A}}\n@article{smith2020, title = {B}}\n"


def test_another_note_edited_on_disk_moves_an_index_collision(tmp_path: Path) -> None:
    """VK303 is reported at the first citation of the key that loses its file: when an
    earlier note starts citing it, outside vaultkit, the linted note is no longer the first."""
    files = _files()
    files["references.bib"] = CLASH
    for day in range(1, 15):  # every session cites @Smith2020, the winner...
        path = f"sessions/2023-03-{day:02d}.md"
        files[path] = str(files[path]).replace("[read(@smith2020)]", "[read(@Smith2020)]")
    files[TARGET] = str(files[TARGET]).replace("the paper", "the paper [@smith2020]")  # ...it the loser
    root = write_vault(tmp_path / "v", files)
    backdate(root)
    assert rows(root, []) == rows(root, [], use_cache=False)
    assert [(p, c) for p, _, _, c in rows(root, [TARGET]) if c == "VK303"] == [(TARGET, "VK303")]
    edit(root, "sessions/2023-03-01.md", "[read(@Smith2020)]", "[read(@smith2020)]")
    later(root, "sessions/2023-03-01.md")  # now the first citation of the loser
    got = rows(root, [TARGET])
    assert "VK303" not in {c for *_, c in got}
    assert got == rows(root, [TARGET], use_cache=False)
    assert [p for p, _, _, c in rows(root, [], use_cache=False) if c == "VK303"] == [
        "sessions/2023-03-01.md"]


def test_a_note_without_a_clashing_key_reads_no_other_row(vault: Path, no_full_read: None,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """With no key that can share a file name, VK303 asks nothing of the other notes:
    every read of the notes' table names its paths."""
    statements: list[str] = []
    real = Store._open

    def traced(self: Store):  # type: ignore[no-untyped-def]
        db = real(self)
        if db is not None:
            db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(Store, "_open", traced)
    edit(vault, TARGET, "the paper", "the paper [@jones2021]")
    assert rows(vault, [TARGET]) == []
    reads = [s for s in statements if "FROM notes" in s and "count(*)" not in s]
    assert reads and all("WHERE path" in s for s in reads), reads


@pytest.mark.parametrize(("bib", "papers", "key", "may"), [
    ("@misc{Smith2020}\n@misc{smith2020}\n", [], "smith2020", True),   # case: one file on macOS
    ("@misc{x:y2020}\n@misc{x_y2020}\n", [], "x_y2020", True),        # sanitized alike
    ("@misc{x:y2020}\n", ["x_y2020"], "x:y2020", True),               # known through its paper note
    ("@misc{smith2020}\n", ["smith2020"], "smith2020", False),        # the same key twice
    ("@misc{smith2020}\n@misc{smith2021}\n", [], "smith2020", False),
    ("@misc{caf\u00e92020}\n@misc{cafe\u03012020}\n", [], "caf\u00e92020", True),  # NFC alike
    ("@misc{Caf\u00e92020}\n@misc{caf\u00e92020}\n", [], "caf\u00e92020", True),  # not ASCII, cased
    ("@misc{Caf\u00e92020}\n@misc{cafe2020}\n", [], "cafe2020", False),
])
def test_which_keys_may_share_a_file_name(tmp_path: Path, bib: str, papers: list[str], key: str,
                                          may: bool) -> None:
    files: dict[str, str | bytes] = {"references.bib": bib, "a.md": "# A\n"}
    for paper in papers:
        files[f"papers/@{paper}.md"] = "# Paper\n"
    root = write_vault(tmp_path / "v", files)
    assert Vault.load(root).facts.may_share_a_file_name(key) is may


def test_the_checker_holds_equal_parts_of_notes_facts_once(tmp_path: Path) -> None:
    # the cold lint's main process holds every note's facts until the vault-wide rules
    # run: what many notes repeat (the sections of a template, a paper cited by many)
    # comes back from each worker apart and is kept once
    files = {f"sessions/2023-01-{d:02d}.md": SESSION.format(date=f"2023-01-{d:02d}") for d in range(1, 4)}
    vault = Vault.load(write_vault(tmp_path, files), use_cache=False)
    plain = Vault.load(tmp_path, use_cache=False)
    assert vault.lint() == plain.lint()
    a, b = (vault.facts.note(p) for p in sorted(files)[:2])
    assert a.headings[0] != b.headings[0] and a.headings[1:] == b.headings[1:]
    assert a.headings[1] is b.headings[1]  # "## tl;dr" on the same line of both
