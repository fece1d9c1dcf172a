"""Where ``vaultkit index`` may write: ``index.path``, ``index.overview``, ``index.questions``.

Each must name a ``.md`` note inside the vault, outside ``.obsidian/``, ``.git/``,
``.trash/`` and ``exclude``, and not a note another schema claims (a session named as
the overview).  Anything else is exit 2 naming the key and its line -- before any byte
is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import write_vault
from vaultkit.cli import main

SESSION = "---\ndate: 2023-03-14\n---\n## Log\n- [skim(@k2020)]\n"
BIB = "@article{k2020, title={T}}\n"

REFUSED = [
    # (config, key, words in the message)
    ("index: {overview: references.bib}", "overview", "must name a Markdown note"),
    ("index: {overview: .obsidian/app.json}", "overview", "must name a Markdown note"),
    ("index: {overview: .obsidian/Papers.md}", "overview", "inside .obsidian/"),
    ("index: {path: '.git/hooks/{key}'}", "path", "must name a Markdown note"),
    ("index: {path: '.git/hooks/{key}.md'}", "path", "inside .git/"),
    ("index: {path: 'a/.trash/{key}.md'}", "path", "inside .trash/"),
    ("index: {path: '../elsewhere/{key}.md'}", "path", "no '..'"),
    ("index: {path: 'papers//{key}.md'}", "path", "no '..', '.' or empty parts"),
    ("index: {overview: /tmp/Papers.md}", "overview", "inside the vault"),
    ("index: {overview: 'C:/Papers.md'}", "overview", "inside the vault"),
    ("index: {overview: '~/Papers.md'}", "overview", "inside the vault"),
    ("index: {overview: 'papers\\\\Papers.md'}", "overview", "with '/'"),
    ("index: {questions: papers/}", "questions", "must name a Markdown note"),
    ("index: {path: 'p/{key}/{key}.md'}", "path", "exactly once"),
    ("exclude: [archive/]\nindex: {overview: archive/Papers.md}", "overview", "excluded"),
    ("exclude: ['*.md']\nindex: {path: 'papers/{key}.md'}", "path", "excluded"),
    ("index: {overview: sessions/2023-03-14.md}", "overview", "session notes"),
    ("index: {path: 'sessions/{key}.md'}", "path", "session notes"),
    ("sessions: ['journal/**']\nindex: {path: 'journal/{key}.md'}", "path", "session notes"),
    ("index: {overview: papers/Overview.md}", "overview", "'paper' notes"),
]

ACCEPTED = [
    "index: {path: 'papers/@{key}.md', overview: Papers.md}",
    "index: {path: 'Reading/{key}.md', overview: 'Reading/Overview.md'}",
    "index: {path: 'lit/@{key}.MD', overview: 'Über Papers.md', questions: null}",
    "exclude: [archive/]\nindex: {overview: Archive-overview.md}",
]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize(("config", "key", "words"), REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_targets_are_usage_errors(tmp_path: Path, config: str, key: str, words: str) -> None:
    root = write_vault(tmp_path / "v", {".vaultkit.yaml": config + "\n", "refs.bib": BIB,
                                        "sessions/2023-03-14.md": SESSION})
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    line = next(n for n, text in enumerate(config.split("\n"), 1) if "index" in text)
    for args in (["index", "--vault", str(root)], ["index", "--check", "--vault", str(root)],
                 ["lint", str(root)]):
        code, out = run(*args)
        assert code == 2, out
        assert f".vaultkit.yaml:{line}:" in out and f"index.{key}: " in out and words in out, out
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert after == before  # nothing written anywhere (not .git/hooks, not the .bib)


@pytest.mark.parametrize("config", ACCEPTED)
def test_accepted_targets(tmp_path: Path, config: str) -> None:
    root = write_vault(tmp_path / "v", {".vaultkit.yaml": config + "\n", "refs.bib": BIB,
                                        "sessions/2023-03-14.md": SESSION})
    code, out = run("index", "--vault", str(root))
    assert code == 0, out


def test_a_session_by_frontmatter_named_as_the_overview(tmp_path: Path) -> None:
    journal = "---\ntype: session\ndate: 2023-03-15\n---\n## Log\n- [read(@k2020)]\n"
    root = write_vault(tmp_path / "v", {".vaultkit.yaml": "index:\n  overview: journal.md\n",
                                        "journal.md": journal, "refs.bib": BIB})
    code, out = run("index", "--vault", str(root))
    assert code == 2 and ".vaultkit.yaml:2:3: index.overview: 'journal.md'" in out, out
    assert "schema 'session'" in out
    assert (root / "journal.md").read_text() == journal


def test_defaults_claimed_by_a_schema_stop_index_but_not_lint(tmp_path: Path) -> None:
    # every note is a session here: the default index notes would be sessions too
    root = write_vault(tmp_path / "v", {".vaultkit.yaml": "sessions: ['**']\n", "refs.bib": BIB,
                                        "s.md": SESSION})
    code, out = run("lint", "--select", "VK201", str(root))
    assert code == 0, out
    code, out = run("index", "--vault", str(root))
    assert code == 2 and "(default) index.path: 'papers/@{key}.md'" in out, out
    assert not (root / "papers").exists()
