"""The vault: root finding, discovery, known citekeys, the Python API."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import vaultkit
from tests.conftest import EXAMPLE_VAULT, write_vault
from vaultkit.config import Config
from vaultkit.vault import Vault, discover, find_root, sanitize_key
from vaultkit.yamlfile import UsageError


def test_find_root_prefers_vault_markers(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"sessions/a.md": "x"})
    assert find_root([root / "sessions" / "a.md"], None) == root.resolve()
    assert find_root([root / "sessions"], None) == root.resolve()
    plain = tmp_path / "plain"
    (plain / "sub").mkdir(parents=True)
    assert find_root([plain], None) == plain.resolve()  # a folder given as the path
    with pytest.raises(UsageError, match="no vault found"):
        (plain / "sub" / "n.md").write_text("x")
        find_root([plain / "sub" / "n.md"], None)
    with pytest.raises(UsageError, match="not a directory"):
        find_root([], tmp_path / "missing")


def test_config_file_marks_a_root(tmp_path: Path) -> None:
    (tmp_path / "v" / "deep").mkdir(parents=True)
    (tmp_path / "v" / ".vaultkit.yaml").write_text("ignore: [VK209]\n")
    assert find_root([tmp_path / "v" / "deep"], None) == (tmp_path / "v").resolve()


def test_discovery_honours_gitignore_and_excludes(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {
        ".gitignore": "private/\n*.tmp.md\n",
        "a.md": "x", "private/b.md": "x", "c.tmp.md": "x", "archive/d.md": "x",
        ".trash/e.md": "x", ".obsidian/workspace.json": "{}", "asset/f.png": b"\x89PNG",
        "Sub/Note.MD": "x",
    })
    files = discover(root, Config(exclude=("archive/",)))
    assert files.paths == (".gitignore", "Sub/Note.MD", "a.md", "asset/f.png")
    assert files.notes == ("Sub/Note.MD", "a.md")
    assert files.by_name_lower["note.md"] == ["Sub/Note.MD"]


def test_nested_gitignore_counts_for_its_folder(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {
        "drafts/.gitignore": "*.draft.md\n/local/\n",
        "drafts/a.draft.md": "x", "drafts/b.md": "x", "drafts/local/c.md": "x",
        "drafts/deeper/d.draft.md": "x", "other/e.draft.md": "x", "other/local/f.md": "x",
    })
    files = discover(root, Config())
    assert [p for p in files.paths if p.endswith(".md")] == [
        "drafts/b.md", "other/e.draft.md", "other/local/f.md"]


def test_symlink_loop_and_folder_named_md(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "ok"})
    os.symlink(root, root / "loop")
    (root / "folder.md").mkdir()
    (root / "folder.md" / "inner.md").write_text("inside")
    files = discover(root, Config())
    assert "a.md" in files.paths and "folder.md/inner.md" in files.paths
    assert not any(p.startswith("loop") for p in files.paths)


def test_paper_notes_make_keys_known_with_sanitized_names(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {
        "papers/@doe_2020_x.md": "# a paper whose key has a slash and a colon",
        "references.bib": "@article{inBib2021,\n title={T}\n}\n",
    })
    vault = Vault.load(root, use_cache=False)
    assert sanitize_key("doe/2020:x") == "doe_2020_x"
    assert vault.knows_key("doe/2020:x") and vault.knows_key("inBib2021")
    assert not vault.knows_key("nobody2020")


def test_citekey_ignores(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"n.md": "> RT @ShayneRedford and @ylecun\n@realMissing2020\n",
                                        "references.bib": "@misc{k0}\n"})
    config = Config(select=("VK201",), citekey_ignore=("ShayneRedford",),
                    citekey_ignore_patterns=(r"[a-z]+",))
    findings = Vault.load(root, config, use_cache=False).lint()
    assert [(f.span.line, f.message.split(":")[0]) for f in findings] == [
        (2, "unknown citekey @realMissing2020")]


def test_notes_pickle_round_trip() -> None:
    vault = Vault.load(EXAMPLE_VAULT, use_cache=False)
    for note in vault.notes.values():
        assert pickle.loads(pickle.dumps(note)) == note


def test_cache_returns_the_same_findings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import shutil

    import vaultkit.engine

    parsed: list[str] = []
    real = vaultkit.engine.parse_note

    def counting(rel: str, data: bytes):  # type: ignore[no-untyped-def]
        parsed.append(rel)
        return real(rel, data)

    monkeypatch.setattr(vaultkit.engine, "parse_note", counting)
    root = Path(shutil.copytree(EXAMPLE_VAULT, tmp_path / "v"))
    first = Vault.load(root).lint()
    notes = Vault.load(root).files.notes
    assert sorted(parsed) == sorted(notes) and len(notes) > 10  # a cold store parses every note
    parsed.clear()
    second = Vault.load(root).lint()
    assert parsed == []  # a warm store parses none: every finding came from it
    uncached = Vault.load(root, use_cache=False).lint()
    assert [f.to_json() for f in first] == [f.to_json() for f in second] == [f.to_json() for f in uncached]
    assert first  # the example vault has findings: the comparison is not of two empty lists


def test_python_api_from_the_readme(tmp_path: Path) -> None:
    import shutil

    root = Path(shutil.copytree(EXAMPLE_VAULT, tmp_path / "v"))
    vault = vaultkit.Vault.load(root)
    assert {f.code for f in vaultkit.lint(vault)} >= {"VK201", "VK202"}
    plan = vaultkit.build_index(vault)
    assert plan.stale and not (root / "Papers.md").exists()
    vaultkit.build_index(root, write=True)
    assert (root / "Papers.md").exists()
    assert not vaultkit.build_index(root).stale


def test_one_changed_note_is_the_only_one_parsed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import shutil

    import vaultkit.engine

    root = Path(shutil.copytree(EXAMPLE_VAULT, tmp_path / "v"))
    Vault.load(root).lint()
    parsed: list[str] = []
    real = vaultkit.engine.parse_note
    monkeypatch.setattr(vaultkit.engine, "parse_note",
                        lambda rel, data: parsed.append(rel) or real(rel, data))
    note = root / "sessions" / "2023-02-08.md"
    note.write_text(note.read_text(encoding="utf-8") + "- one more thought @nobodyKnows2020\n",
                    encoding="utf-8")
    found = Vault.load(root).lint()
    assert parsed == ["sessions/2023-02-08.md"]
    assert any(f.path == "sessions/2023-02-08.md" and "@nobodyKnows2020" in f.message for f in found)
    fresh = Vault.load(root, use_cache=False).lint()
    assert [f.to_json() for f in found] == [f.to_json() for f in fresh]
    assert os.environ["VAULTKIT_CACHE_DIR"]  # never the user's cache


def test_a_stored_bibliography_is_read_again_by_new_code(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A bibliography parsed by an older loader (a development install edits it in place)
    is parsed again, as findings are: its row is keyed by the code too."""
    import vaultkit.vault as vault_module

    root = write_vault(tmp_path / "v", {"refs.bib": "@article{k1, title={T}}\n", "n.md": "@k1\n"})
    past = 1_600_000_000
    os.utime(root / "refs.bib", (past, past))  # not "just changed": its parse is stored
    parsed: list[str] = []
    real = vault_module.load_bibliography

    def counting(*args, **kwargs):
        parsed.append("bib")
        return real(*args, **kwargs)

    monkeypatch.setattr(vault_module, "load_bibliography", counting)
    for stamp, expected in (("old", 1), ("old", 1), ("new", 2)):
        monkeypatch.setattr(vault_module, "code_stamp", lambda s=stamp: s)
        assert "k1" in Vault.load(root, Config()).bibliography
        assert len(parsed) == expected
