"""Issue #10 acceptance: a vault with every class of the issue, and its exact findings.

`tests/fixtures/obsidian-vault/` holds (quiet, because Obsidian resolves them): the same
library exported as .bib and CSL JSON, `[[internal links]]` in another case, escaped table
pipes, headings matched without punctuation, a block id after an embed, relative
wikilinks (app.json says newLinkFormat: relative), a Markdown image by bare name, template
placeholders in the Templates folder (templates.json and Templater), an excluded folder
(userIgnoreFilters), a handle linking to its profile, an unmatched `$$a = b`, frontmatter
links and a canvas.  Item 5 (no bibliography at all) needs a vault without one: it is in
test_fidelity_citekeys.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from tests.references.conftest import lint_findings
from vaultkit.cli import main

FIXTURE = Path(__file__).parents[1] / "fixtures" / "obsidian-vault"
S = "reading/2023/03-14.md"

EXPECTED = [
    ("boards/plan.canvas", 3, 102, "VK203"),        # [[Nowhere]] in a text node
    ("boards/plan.canvas", 5, 42, "VK202"),         # a file node naming a missing image
    ("notes/deep/a.md", 3, 59, "VK206"),            # ../../../outside climbs out
    (S, 4, 7, "VK203"),                             # see: "[[Paper Y]]" in the frontmatter
    (S, 13, 3, "VK203"),                            # [[Nope\|alias]]: 'Nope', a note
    (S, 13, 21, "VK202"),                           # ![[gone.png\|200]]: an image
    (S, 15, 135, "VK203"),                          # [[FAQ#Nowhere]]: no such heading
    (S, 20, 28, "VK209"),                           # a bare known key in prose (info)
    (S, 20, 65, "VK203"),                           # [[TLS 1.0]]: a missing note
    (S, 20, 81, "VK203"),                           # [[winbase.h]]: a missing note
    (S, 23, 33, "VK201"),                           # @goneKey2021: only a generated note
]


def test_the_fixture_vault_reports_exactly_the_real_problems(tmp_path: Path) -> None:
    root = shutil.copytree(FIXTURE, tmp_path / "vault")
    (root / "README.md").unlink()
    # the default rules: VK204 (case) is off, as Obsidian ignores case
    rows = [(f.path, f.span.line, f.span.column, f.code) for f in lint_findings(root, ())]
    assert rows == EXPECTED


def test_the_fixture_vault_summary(tmp_path: Path) -> None:
    root = shutil.copytree(FIXTURE, tmp_path / "vault")
    (root / "README.md").unlink()
    hint = ("Bibliography: My Library.bib (2 entries), My Library.json (2 entries). 2 notes "
            "(reading/2023/03-14.md, …) have most of the session schema's sections")
    for run in ("cold", "warm: from the stored summaries"):
        result = CliRunner().invoke(main, ["lint", str(root), "--format", "json"])
        assert result.exit_code == 1, run  # VK201, VK202, VK206 are errors
        assert hint in result.stderr, run


def test_the_hint_speaks_of_the_linted_notes_only(tmp_path: Path) -> None:
    root = shutil.copytree(FIXTURE, tmp_path / "vault")
    (root / "README.md").unlink()
    one = CliRunner().invoke(main, ["lint", str(root / S), "--format", "json"])
    assert f"1 note ({S}) has most of the session schema's sections" in one.stderr
    other = CliRunner().invoke(main, ["lint", str(root / "projects"), "--format", "json"])
    assert "Bibliography:" in other.stderr  # the closing line, without the hint
    assert "most of the session schema's sections" not in other.stderr
