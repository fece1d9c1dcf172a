"""``--format github``: workflow commands, escaping, and paths from the repository root."""

from __future__ import annotations

from pathlib import Path

import pytest

from vaultkit.report import ReportContext, get_reporter
from vaultkit.report.github import (
    annotation, escape_data, escape_property, find_git_root, repo_prefix,
)

from report_helpers import finding


def render(findings, vault_root: Path | str) -> str:
    return get_reporter("github")(findings, ReportContext(vault_root=str(vault_root),
                                                          notes_checked=1))


@pytest.fixture
def no_git(tmp_path: Path) -> Path:
    if find_git_root(tmp_path) is not None:
        pytest.skip("the temporary folder is itself inside a git work tree")
    return tmp_path


def test_one_command_per_finding_with_severity_mapping(findings, no_git):
    lines = render(findings, no_git).splitlines()
    assert len(lines) == len(findings)
    assert lines[0] == ("::warning file=sessions/2023-02-08.md,line=5,col=28,endLine=5,"
                        "endColumn=42,title=VK203 unresolved-link::unresolved link "
                        "'2023-01-01': no such note")
    assert lines[1].startswith("::error file=sessions/2023-02-24.md,line=26,col=9,endLine=26,"
                               "endColumn=35,title=VK201 dangling-citekey::unknown citekey")
    assert lines[2].startswith("::notice ")
    assert lines[3].startswith("::error file=references.bib,line=1,col=1,endLine=1,endColumn=1,")


def test_multi_line_span_gives_lines_only(findings, no_git):
    # GitHub refuses col/endColumn when an annotation spans several lines.
    line = render(findings, no_git).splitlines()[2]
    props = line.split("::")[1]
    assert "line=3," in props and "endLine=5," in props
    assert "col=" not in props and "endColumn=" not in props


def test_message_escaping():
    assert escape_data("50% off,\nsee\r: x") == "50%25 off,%0Asee%0D: x"
    out = annotation(finding(message="a%b\r\nc: d, e"))
    assert out.endswith("::a%25b%0D%0Ac: d, e")
    assert "\n" not in out and "\r" not in out


def test_property_escaping():
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    out = annotation(finding(path="notes/a:b, c%.md"))
    assert "file=notes/a%3Ab%2C c%25.md,line=" in out
    assert "title=VK201 dangling-citekey::" in out


def test_non_ascii_path_and_message_kept(findings, no_git):
    line = render(findings, no_git).splitlines()[2]
    assert "file=papers/@vaswani 注意.md," in line
    assert line.endswith("::case differs: 50%25 off,%0Asee%0D")


def test_empty_report():
    assert render([], "/nonexistent") == ""


def test_paths_from_the_repository_root(tmp_path: Path):
    repo = tmp_path / "repo"
    vault = repo / "notes" / "my vault"
    vault.mkdir(parents=True)
    (repo / ".git").mkdir()
    assert find_git_root(vault) == repo.resolve()
    assert repo_prefix(str(vault)) == "notes/my vault"
    out = render([finding("sessions/a.md", 2, 3, end_column=5)], vault)
    assert out.startswith("::error file=notes/my vault/sessions/a.md,line=2,col=3,")


def test_vault_at_the_repository_root(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    assert repo_prefix(str(tmp_path)) == ""
    assert render([finding("sessions/a.md")], tmp_path).startswith("::error file=sessions/a.md,")


def test_git_file_of_a_worktree_counts(tmp_path: Path):
    repo = tmp_path / "wt"
    (repo / "vault").mkdir(parents=True)
    (repo / ".git").write_text("gitdir: /somewhere/.git/worktrees/wt\n")
    assert repo_prefix(str(repo / "vault")) == "vault"


def test_outside_git_paths_stay_vault_relative(no_git):
    vault = no_git / "v"
    vault.mkdir()
    assert repo_prefix(str(vault)) == ""
    assert render([finding("sessions/a.md")], vault).startswith("::error file=sessions/a.md,")


def test_relative_vault_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "vault").mkdir()
    monkeypatch.chdir(tmp_path)
    assert repo_prefix("vault") == "vault"
