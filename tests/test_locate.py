"""The vault in a subfolder of a repository: which vault the files given belong to.

pre-commit runs hooks from the repository root and passes every staged Markdown file,
including the repository's README and docs/.  Those are skipped with a note; the exit
code reflects only the vault's files; no vault at all is exit 2, never a pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import write_vault
from vaultkit.cli import main

SESSION = "---\ndate: 2023-03-14\n---\n## Log\n- [skim(@k2020)]\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """repo/{README.md, docs/guide.md, vault/...}; the current folder is repo/."""
    root = tmp_path / "repo"
    write_vault(root / "vault", {
        "sessions/2023-03-14.md": SESSION,
        "notes/typo.md": "see @k2021\n",
        "refs.bib": "@article{k2020, title={T}}\n",
    })
    (root / "README.md").write_text("# My vault repo\n@notAKey and [[nowhere]]\n")
    (root / "docs").mkdir()
    (root / "docs" / "guide.md").write_text("[[missing]]\n")
    monkeypatch.chdir(root)
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_lint_skips_markdown_outside_the_vault(repo: Path) -> None:
    code, out, err = run("lint", "--format", "json", "--ignore", "VK1",
                         "README.md", "docs/guide.md", "vault/notes/typo.md")
    assert [(f["path"], f["code"]) for f in json.loads(out)] == [("notes/typo.md", "VK201")]
    assert code == 1
    assert "skipped 2 files outside the vault vault/: README.md, docs/guide.md" in err


def test_lint_exit_reflects_only_vault_files(repo: Path) -> None:
    code, out, err = run("lint", "--ignore", "VK1", "README.md", "vault/sessions/2023-03-14.md")
    assert code == 0, out + err
    assert "skipped 1 file outside the vault vault/: README.md" in err


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_lint_of_only_outside_files_passes_with_a_note(repo: Path, fmt: str) -> None:
    code, out, err = run("lint", "--format", fmt, "README.md", "docs/guide.md")
    assert code == 0
    assert "in no vault (the vaults here: vault/)" in err and "README.md, docs/guide.md" in err
    if fmt == "json":
        assert json.loads(out) == []


def test_lint_with_vault_option_skips_the_rest(repo: Path) -> None:
    code, out, err = run("lint", "--vault", "vault", "--format", "json", "README.md",
                         "vault/notes/typo.md")
    assert [f["code"] for f in json.loads(out)] == ["VK201"] and code == 1
    assert "skipped 1 file outside the vault vault/: README.md" in err


def test_no_vault_anywhere_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.md").write_text("x\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = run("lint", "a.md")
    assert code == 2 and "no vault found for a.md" in err and "--vault" in err
    code, _, err = run("index", "--check", "a.md")
    assert code == 2 and "no vault found" in err


def test_files_of_two_vaults_are_a_usage_error(repo: Path) -> None:
    write_vault(repo / "other", {"x.md": "x\n"})
    code, _, err = run("lint", "vault/notes/typo.md", "other/x.md")
    assert code == 2 and "2 vaults" in err and "--vault" in err


def test_index_without_a_vault_marker_fails_loudly(repo: Path) -> None:
    # on the repository root (no marker) index used to check the repository as a vault:
    # "0 would be created", exit 0 -- a false pass
    code, out, err = run("index", "--check")
    assert code == 2, out + err
    assert "no vault found for the current folder" in err


def test_index_finds_the_vault_from_the_files(repo: Path) -> None:
    code, out, err = run("index", "--check", "README.md", "vault/sessions/2023-03-14.md")
    assert code == 1, out + err
    assert "papers/@k2020.md: would be created" in out
    assert "skipped 1 file outside the vault vault/: README.md" in err
    assert not (repo / "vault" / "papers").exists()
    code, out, err = run("index", "vault/refs.bib")
    assert code == 0 and (repo / "vault" / "papers" / "@k2020.md").is_file()
    code, out, err = run("index", "--check", "vault/sessions/2023-03-14.md")
    assert code == 0, out + err


def test_index_of_only_outside_files_has_nothing_to_check(repo: Path) -> None:
    code, _, err = run("index", "--check", "README.md", "docs/guide.md")
    assert code == 0
    assert "in no vault" in err and "nothing to check" in err


def test_index_inside_the_vault_needs_no_arguments(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / "vault" / "sessions")
    code, out, _ = run("index", "--check")
    assert code == 1 and "papers/@k2020.md: would be created" in out


def test_a_missing_file_is_still_an_error(repo: Path) -> None:
    code, _, err = run("lint", "vault/nope.md")
    assert code == 2 and "no such file" in err


def test_lint_of_a_plain_folder_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "a.md").write_text("@nope2020\n")
    # a bibliography, so that VK201 has something to check against (#10 item 5)
    (tmp_path / "plain" / "references.bib").write_text("@misc{k2020}\n")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("lint", "--format", "json", "plain")
    assert code == 1 and [f["code"] for f in json.loads(out)] == ["VK201"]
