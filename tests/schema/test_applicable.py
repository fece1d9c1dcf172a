"""Which schemas apply to a note: gitignore-style globs on its path, or a frontmatter value."""

from __future__ import annotations

from pathlib import Path

import pytest

from vaultkit.config import Config
from vaultkit.parse.note import parse_text
from vaultkit.schema import applicable, load_schemas

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "schema"


def names(path: str, text: str = "x\n", config: Config | None = None, root: Path = REPO) -> list[str]:
    schemas = load_schemas(config or Config(), root)
    return [s.name for s in applicable(schemas, parse_text(path, text))]


@pytest.mark.parametrize(("path", "text", "expected"), [
    ("sessions/2023-03-14.md", "x\n", ["session"]),
    ("sessions/2023/03/14.md", "x\n", ["session"]),
    ("archive/sessions/2023-03-14.md", "x\n", []),  # gitignore: a slash inside anchors at the root
    ("notes/2023-03-14.md", "x\n", []),
    ("notes/a.md", "---\ntype: session\n---\n", ["session"]),
    ("notes/a.md", "---\ntype: Session \n---\n", ["session"]),  # case and outer space ignored
    ("notes/a.md", "---\ntype: [draft, session]\n---\n", ["session"]),
    ("notes/a.md", "---\ntype: paper\n---\n", []),
    ("notes/a.md", "---\ntypes: session\n---\n", []),
    ("notes/a.md", "---\n[broken\n---\n", []),
    ("papers/@vaswaniAttentionAllYou2017.md", "x\n", ["paper"]),
    ("papers/odd.md", "---\ntype: session\n---\n", ["paper", "session"]),  # both apply
])
def test_builtin(path: str, text: str, expected: list[str]) -> None:
    assert names(path, text) == expected


def test_config_sessions_globs_also_select() -> None:
    config = Config(sessions=("journal/**/*.md",))
    assert names("journal/2023/03-14.md", config=config) == ["session"]
    assert names("sessions/2023-03-14.md", config=config) == ["session"]
    assert names("journal/2023/03-14.md") == []


def test_config_paper_notes_template_also_selects() -> None:
    config = Config(paper_notes="literature/{key}.md")
    assert names("literature/vaswani2017.md", config=config) == ["paper"]


def test_vault_override_and_addition() -> None:
    config = Config(schemas="schemas")
    root = FIXTURES / "override"
    assert names("journal/2023-03-14.md", config=config, root=root) == ["session"]
    assert names("meetings/2023-03-14.md", config=config, root=root) == ["meeting"]
    assert names("meetings/2023/deep.md", config=config, root=root) == []  # "*" stays in one folder
    assert names("x.md", "---\ntype: reading-group\n---\n", config=config, root=root) == ["meeting"]


def test_negated_glob(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "log.yaml").write_text(
        "applies-to:\n  paths: ['logs/**', '!logs/templates/**']\n")
    config = Config(schemas="schemas")
    assert "log" in names("logs/a.md", config=config, root=tmp_path)
    assert "log" not in names("logs/templates/a.md", config=config, root=tmp_path)
