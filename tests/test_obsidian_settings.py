"""Obsidian's own settings (.obsidian/*.json) are the defaults; .vaultkit.yaml overrides;
``lint --show-settings`` says what is in effect and where it came from (issue #10)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import write_vault
from tests.references.conftest import lint_findings
from vaultkit.cli import main
from vaultkit.config import load_config
from vaultkit.obsidian import excluded_matcher, read_settings

APP = {
    "newLinkFormat": "relative",
    "useMarkdownLinks": True,
    "attachmentFolderPath": "Attachments",
    "userIgnoreFilters": ["Archive/", "/\\.excalidraw\\.md$/", "/[unclosed/"],
}
OBSIDIAN = {
    ".obsidian/app.json": json.dumps(APP),
    ".obsidian/templates.json": json.dumps({"folder": "Meta/Templates"}),
    ".obsidian/plugins/templater-obsidian/data.json": json.dumps({"templates_folder": "/Templater/"}),
}


def test_settings_are_read_with_their_origin(tmp_path: Path) -> None:
    root = write_vault(tmp_path, OBSIDIAN)
    config = load_config(None, root)
    assert config.link_format == "relative"
    assert config.index.link_style == "markdown"
    assert config.attachments == "Attachments"
    assert config.excluded_files == ("Archive/", "/\\.excalidraw\\.md$/", "/[unclosed/")
    assert config.template_folders == ("Meta/Templates", "Templater")
    assert config.origin("link-format") == ".obsidian/app.json newLinkFormat"
    assert config.origin("index.link-style") == ".obsidian/app.json useMarkdownLinks"
    assert config.origin("template-folders") == (
        ".obsidian/templates.json folder, "
        ".obsidian/plugins/templater-obsidian/data.json templates_folder")
    assert config.origin("sessions") == "default"


def test_vaultkit_yaml_overrides_obsidian(tmp_path: Path) -> None:
    files = {**OBSIDIAN, ".vaultkit.yaml": (
        "link-format: absolute\nindex: {link-style: wikilink}\ntemplate-folders: [Tpl]\n"
        "excluded-files: []\n")}
    config = load_config(None, write_vault(tmp_path, files))
    assert (config.link_format, config.index.link_style) == ("absolute", "wikilink")
    assert (config.template_folders, config.excluded_files) == (("Tpl",), ())
    assert config.origin("link-format") == ".vaultkit.yaml"
    assert config.origin("attachments") == ".obsidian/app.json attachmentFolderPath"


def test_broken_settings_files_are_skipped_and_named(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {".obsidian/app.json": "{not json", ".obsidian/templates.json": "[1]"})
    settings = read_settings(root)
    assert settings.link_format is None and settings.templates == ()
    assert len(settings.problems) == 1 and settings.problems[0].startswith(".obsidian/app.json: not valid JSON")


def test_excluded_files_filters() -> None:
    matcher = excluded_matcher(APP["userIgnoreFilters"])
    assert matcher is not None
    assert [p for p in ("Archive/old.md", "Archived.md", "a/b.excalidraw.md", "b.md", "x/Archive/y.md")
            if matcher.match(p)] == ["Archive/old.md", "a/b.excalidraw.md"]
    assert excluded_matcher(()) is None


def test_excluded_files_and_templates_are_not_checked_but_still_resolve(tmp_path: Path) -> None:
    files = {
        **OBSIDIAN,
        "references.bib": "@misc{known2023, title = {Known}}\n",
        "Archive/old.md": "[[gone]] @unknown2020\n",
        "Meta/Templates/Daily.md": "---\ndate: {{date}}\n---\n[[{{date}}]] [[<% tp.date.now() %>]] [[Missing]]\n",
        "Templater/Paper.md": "[[<% tp.file.title %>]] @<% tp.file.title %>\n",
        "sessions/2023-01-02.md": (
            "See [[old]] and [[<% not a template here %>]] and [[{{title}}]].\n"
            "Cited @known2023 and [[Daily]].\n"
        ),
    }
    root = write_vault(tmp_path, files)
    rows = [(f.path, f.span.line, f.span.column, f.code) for f in lint_findings(root, ("VK0", "VK2"))]
    # Archive/ is excluded (not reported) yet still a link target: [[old]] resolves.
    # Templates hold placeholders: no link or frontmatter finding there, nor anywhere
    # for a placeholder; a real missing link in a template is not checked either.
    assert rows == []


def test_show_settings_prints_each_value_and_origin(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {**OBSIDIAN, "references.bib": "@misc{a}\n@misc{b}\n",
                                  ".vaultkit.yaml": "sessions: ['reading/**']\n"})
    result = CliRunner().invoke(main, ["lint", "--show-settings", str(root)], catch_exceptions=False)
    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert lines["sessions"].endswith("reading/**  [.vaultkit.yaml]")
    assert lines["link-format"].endswith("relative  [.obsidian/app.json newLinkFormat]")
    assert lines["index.link-style"].endswith("markdown  [.obsidian/app.json useMarkdownLinks]")
    assert lines["excluded-files"].split("  [")[1] == ".obsidian/app.json userIgnoreFilters]"
    assert "references.bib (2 entries)" in lines["loaded"]
    assert "VK" not in result.stdout  # nothing was linted
