"""``vaultkit init`` and ``vaultkit new session`` on copies of example-vault."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from vaultkit.cli import main
from vaultkit.config import load_config
from vaultkit.schema import load_schemas

REPO = Path(__file__).resolve().parents[2]


def test_init_writes_what_it_finds_and_never_overwrites(runner, vault):
    result = runner.invoke(main, ["init", str(vault)])
    assert result.exit_code == 0, result.stderr
    text = (vault / ".vaultkit.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text) == {
        "bibliography": ["references.bib"], "sessions": ["sessions/**"],
        "paper-notes": "papers/@{key}.md", "index": {"path": "papers/@{key}.md"},
    }
    assert "(sessions: 12)" in text and "Paper notes (6 found)" in text
    assert load_config(None, vault).source  # loads as a config file
    again = runner.invoke(main, ["init", str(vault)])
    assert again.exit_code == 2 and "never overwrites" in again.stderr
    assert (vault / ".vaultkit.yaml").read_text(encoding="utf-8") == text


def test_init_finds_a_different_layout_and_obsidian_settings(runner, tmp_path):
    root = tmp_path / "loose"
    (root / "journal" / "2024").mkdir(parents=True)
    (root / "lit").mkdir()
    (root / "bib").mkdir()
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "app.json").write_text(json.dumps(
        {"attachmentFolderPath": "files", "newLinkFormat": "relative"}), encoding="utf-8")
    (root / ".obsidian" / "templates.json").write_text(json.dumps({"folder": "Templates"}), encoding="utf-8")
    for day in ("2024-01-02", "2024-01-05", "2024-02-01"):
        (root / "journal" / "2024" / f"{day}.md").write_text("## Log\n", encoding="utf-8")
    (root / "lit" / "@smith2021.md").write_text("# Smith\n", encoding="utf-8")
    (root / "bib" / "library.json").write_text('[{"id": "smith2021", "type": "article"}]', encoding="utf-8")
    (root / "settings.json").write_text('{"theme": "dark"}', encoding="utf-8")
    result = runner.invoke(main, ["init", str(root)])
    assert result.exit_code == 0, result.stderr
    text = (root / ".vaultkit.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["bibliography"] == ["bib/library.json"]  # not the settings file
    assert data["sessions"] == ["journal/2024/**"]
    assert data["paper-notes"] == "lit/@{key}.md"
    assert "attachments go to 'files'" in text and "new links are written 'relative'" in text
    assert "templates in 'Templates/'" in text
    config = load_config(None, root)
    assert config.sessions == ("journal/2024/**",) or list(config.sessions) == ["journal/2024/**"]


def test_new_session_is_rendered_from_the_schema(runner, vault, monkeypatch):
    monkeypatch.chdir(vault / "sessions")
    result = runner.invoke(main, ["new", "session", "--date", "2024-01-02", "--paper",
                                  "@huLoRALowRankAdaptation2021"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "sessions/2024-01-02.md\n"
    text = (vault / "sessions" / "2024-01-02.md").read_text(encoding="utf-8")
    [schema] = [s for s in load_schemas(load_config(None, vault), vault) if s.name == "session"]
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [spec.display for spec in schema.sections]  # the schema's order and levels
    assert "- [skim(@huLoRALowRankAdaptation2021)]" in text.split("## Log")[1]
    lint = runner.invoke(main, ["lint", "--format", "json", str(vault / "sessions" / "2024-01-02.md")])
    codes = [f["code"] for f in json.loads(lint.stdout)]
    assert codes == ["VK105"]  # only the tl;dr, which is the researcher's to write
    again = runner.invoke(main, ["new", "session", "--date", "2024-01-02"])
    assert again.exit_code == 2 and "never overwrites" in again.stderr
    assert (vault / "sessions" / "2024-01-02.md").read_text(encoding="utf-8") == text


def test_new_session_follows_an_edited_schema(runner, vault, monkeypatch):
    (vault / "schemas").mkdir()
    schema = (REPO / "rules" / "session.yaml").read_text(encoding="utf-8")
    schema = schema.replace("  - title: Context\n", "  - title: Question\n    required: true\n  - title: Context\n")
    (vault / "schemas" / "session.yaml").write_text(schema, encoding="utf-8")
    (vault / ".vaultkit.yaml").write_text("schemas: schemas\n", encoding="utf-8")
    monkeypatch.chdir(vault)
    result = runner.invoke(main, ["new", "session", "--date", "2024-03-04"])
    assert result.exit_code == 0, result.stderr
    text = (vault / "sessions" / "2024-03-04.md").read_text(encoding="utf-8")
    assert text.index("## tl;dr") < text.index("## Question") < text.index("## Context")


def test_new_session_bad_date_is_a_usage_error(runner, vault, monkeypatch):
    monkeypatch.chdir(vault)
    result = runner.invoke(main, ["new", "session", "--date", "03/04/2024"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr
