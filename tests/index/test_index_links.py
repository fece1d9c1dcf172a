"""Links in generated text use the vault's link style and resolve from where they are written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_VAULT, write_vault
from vaultkit import build_index
from vaultkit.config import Config, IndexConfig
from vaultkit.parse.note import parse_text
from vaultkit.vault import Vault


@pytest.mark.parametrize("link_format", ["shortest", "relative", "absolute"])
@pytest.mark.parametrize("style", ["wikilink", "markdown"])
def test_generated_links_resolve(tmp_path: Path, style: str, link_format: str) -> None:
    root = Path(shutil.copytree(EXAMPLE_VAULT, tmp_path / "v"))
    config = Config(index=IndexConfig(link_style=style), link_format=link_format)
    build_index(Vault.load(root, config, use_cache=False), write=True)
    vault = Vault.load(root, config, use_cache=False)
    generated = [p for p in vault.notes if p.startswith("papers/") or p == "Papers.md"]
    checked = 0
    for path in generated:
        region = vault.generated_lines(path)
        # The parser skips generated text (it repeats the sessions); read it as plain
        # Markdown here by blanking the two marker lines (line numbers unchanged).
        lines = list(vault.notes[path].lines)
        lines[region.start - 1] = lines[region.stop - 2] = ""
        note = parse_text(path, "\n".join(lines))
        for link in note.links:
            if link.is_url or link.span.line not in region:
                continue
            result = vault.resolver.resolve(link, path)
            if "missing_figure.png" in link.target:
                assert result.status == "missing"  # the planted missing image stays missing
                continue
            assert result.status == "ok", (path, link.raw, result)
            line = note.lines[link.span.line - 1]
            # the links vaultkit writes itself (user text it quotes keeps its own style)
            if line.startswith(("### ", "| ")) or line.endswith(("session", "sessions")):
                assert link.kind == ("wikilink" if style == "wikilink" else "markdown"), link.raw
            checked += 1
    assert checked > 100


SESSION = "sessions/2023-03-14.md"


@pytest.mark.parametrize(("style", "link_format", "namesake", "written"), [
    ("wikilink", "shortest", False, "[[2023-03-14#Log]]"),
    ("wikilink", "shortest", True, "[[sessions/2023-03-14#Log]]"),
    ("wikilink", "relative", False, "[[../sessions/2023-03-14#Log]]"),
    ("wikilink", "absolute", False, "[[sessions/2023-03-14#Log]]"),
    ("markdown", "shortest", False, "(2023-03-14.md#Log)"),
    ("markdown", "shortest", True, "(sessions/2023-03-14.md#Log)"),
    ("markdown", "relative", False, "(../sessions/2023-03-14.md#Log)"),
    ("markdown", "absolute", False, "(sessions/2023-03-14.md#Log)"),
])
def test_links_are_written_as_obsidian_writes_them(
        tmp_path: Path, style: str, link_format: str, namesake: bool, written: str) -> None:
    """Obsidian's newLinkFormat: the bare name when no other file has it, else the path
    from the vault root; or from the note's folder; or always from the root."""
    files = {SESSION: "## Log\n- [read(@k2020)]\n", "refs.bib": "@article{k2020, title={T}}\n"}
    if namesake:
        files["archive/2023-03-14.md"] = "an older note of the same name\n"
    root = write_vault(tmp_path / "v", files)
    config = Config(index=IndexConfig(link_style=style), link_format=link_format)
    build_index(Vault.load(root, config, use_cache=False), write=True)
    text = (root / "papers" / "@k2020.md").read_text()
    assert written in text, text  # that such links resolve: test_generated_links_resolve
