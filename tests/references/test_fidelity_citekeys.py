"""Issue #10 items 5, 10, 11: VK201 with nothing to check against, generated paper notes,
and a bibliography that is not loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from tests.conftest import write_vault
from vaultkit.cli import main
from vaultkit.index import render
from vaultkit.parse.note import parse_text
from vaultkit.references import GENERATED_BY, wholly_generated

Lint = Callable[..., list[tuple[str, int, int, str]]]
SWIFT = (
    "| attribute | use |\n| --- | --- |\n| @State | view state |\n| @Binding | two-way |\n\n"
    "Ping @obsdmd about it.\n"
)


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["lint", str(root), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# -- item 5: no bibliography and no paper notes: VK201 does not run ---------------------------
def test_no_bibliography_no_paper_notes_no_vk201(lint: Lint) -> None:
    assert lint({"swift.md": SWIFT}) == []


def test_a_bibliography_makes_vk201_run(lint: Lint) -> None:
    files = {"swift.md": SWIFT, "references.bib": "@misc{vaswani2017}\n"}
    assert lint(files) == [("swift.md", 3, 3, "VK201"), ("swift.md", 4, 3, "VK201"),
                           ("swift.md", 6, 6, "VK201")]


def test_a_paper_note_alone_makes_vk201_run(lint: Lint) -> None:
    files = {"swift.md": "Read @known2023 and @other2023.\n", "papers/@known2023.md": "# Known\n"}
    assert lint(files) == [("swift.md", 1, 21, "VK201")]


def test_the_summary_says_no_bibliography_was_found_and_where_it_looked(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {"swift.md": SWIFT, "bib/references.bib": "@misc{a}\n"})
    code, out, _ = run(root)
    assert code == 0
    assert out.splitlines()[-1] == (
        "All clear: 1 note checked, no findings. No bibliography loaded (looked for *.bib and "
        "CSL *.json/*.yaml at the vault root; found bib/references.bib: list it under "
        "'bibliography:' in .vaultkit.yaml) and no paper notes (papers/@{key}.md): citekeys "
        "were not checked (VK201)."
    )


# -- item 11: the summary names the files loaded; a configured path must exist -----------------
def test_the_summary_names_each_file_and_its_entries(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {
        "a.md": "@a and @b\n", "references.bib": "@misc{a}\n@misc{b}\n",
        "more.json": '[{"id": "a"}]',
    })
    code, _, err = run(root, "--format", "json")
    assert code == 0
    assert err.strip().endswith("Bibliography: more.json (1 entry), references.bib (2 entries).")


@pytest.mark.parametrize(("configured", "message"), [
    ("bib/referneces.bib", "bibliography: 'bib/referneces.bib' matches no file "
                           "(did you mean 'bib/references.bib'?)"),
    ("~/Zotero/Nope.bib", "bibliography: '~/Zotero/Nope.bib' matches no file"),
])
def test_a_configured_bibliography_that_does_not_exist_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, configured: str, message: str
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    root = write_vault(tmp_path / "v", {
        ".vaultkit.yaml": f"bibliography: ['{configured}']\n", "bib/references.bib": "@misc{a}\n",
        "a.md": "@a\n",
    })
    code, _, err = run(root)
    assert code == 2
    assert f".vaultkit.yaml: {message}" in err


def test_a_bibliography_outside_the_vault_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    (home / "Zotero").mkdir(parents=True)
    (home / "Zotero" / "My Library.bib").write_text("@misc{zotero2023}\n", encoding="utf-8")
    (tmp_path / "shared.json").write_text('[{"id": "shared2022"}]', encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    root = write_vault(tmp_path / "v", {
        ".vaultkit.yaml": "bibliography: ['~/Zotero/My Library.bib', '../shared.json']\n",
        "a.md": "@zotero2023 @shared2022 @missing2021\n",
    })
    code, out, _ = run(root)
    assert code == 1
    assert out.splitlines()[0].startswith("a.md:1:25: VK201 unknown citekey @missing2021")
    assert out.splitlines()[-1].endswith(
        "Bibliography: ~/Zotero/My Library.bib (1 entry), ../shared.json (1 entry).")


# -- item 10: a wholly generated paper note knows no key ----------------------------------------
GENERATED = (
    "---\ncitekey: gone2021\ntitle: Gone\ngenerated-by: vaultkit\n---\n\n# Gone\n\n"
    "%% vaultkit:begin index %%\n## Reading log\n- [[2023-01-01]]\n%% vaultkit:end index %%\n"
)


def test_generated_marker_matches_what_the_index_writes() -> None:
    assert GENERATED_BY == (render.GENERATED_KEY, render.GENERATED_VALUE)


def test_wholly_generated() -> None:
    assert wholly_generated(parse_text("papers/@gone2021.md", GENERATED))
    own = GENERATED.replace("# Gone\n", "# Gone\n\nMy own summary of it.\n")
    assert not wholly_generated(parse_text("papers/@gone2021.md", own))
    assert not wholly_generated(parse_text("papers/@gone2021.md", GENERATED.replace("generated-by: vaultkit\n", "")))


def test_a_deleted_entry_is_reported_though_its_index_note_remains(lint: Lint) -> None:
    files = {
        "references.bib": "@misc{kept2022}\n",
        "papers/@gone2021.md": GENERATED,
        "papers/@mine2020.md": GENERATED.replace("gone2021", "mine2020").replace(
            "# Gone\n", "# Gone\n\nNotes I wrote myself.\n"),
        "sessions/2023-01-01.md": "Read @gone2021, @kept2022 and @mine2020.\n",
    }
    assert lint(files) == [("sessions/2023-01-01.md", 1, 6, "VK201")]


# -- item 13: a known key written bare in prose ----------------------------------------------
def test_a_bare_known_key_in_prose_is_vk209(lint: Lint) -> None:
    files = {
        "references.bib": "@misc{kohGroundingLanguageModels2023}\n@misc{vaswani2017}\n",
        "sessions/2023-03-01.md": (
            "Was about to start project kohGroundingLanguageModels2023, then lunch.\n"  # 1
            "Already cited: @vaswani2017; a path: papers/vaswani2017.md; `vaswani2017`.\n"
            "A near miss kohGroundingLanguageModels2024 and an email vaswani2017@x.org.\n"
            "- [skim(vaswani2017)]\n"  # VK106's (malformed action), not VK209's
            "```\nvaswani2017 in code\n```\n"
        ),
    }
    assert lint(files, select=("VK209",)) == [
        ("sessions/2023-03-01.md", 1, 28, "VK209"),
        ("sessions/2023-03-01.md", 2, 61, "VK209"),  # the backticked one
    ]


def test_the_bare_key_fix_is_an_unsafe_citation(tmp_path: Path) -> None:
    from tests.references.conftest import lint_findings

    root = write_vault(tmp_path, {"references.bib": "@misc{kohGrounding2023}\n",
                                  "a.md": "Project kohGrounding2023.\n"})
    [finding] = lint_findings(root, ("VK209",))
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert [(e.span, e.text) for e in finding.fix.edits] == [
        (finding.span, "@kohGrounding2023")]
    assert (finding.span.column, finding.span.end_column) == (9, 25)


# -- item 16: session notes outside sessions/ -------------------------------------------------
def test_session_notes_outside_the_glob_get_a_hint(tmp_path: Path) -> None:
    session = "## tl;dr\nx\n\n## Context\nx\n\n## Done\nx\n\n## Learned\nx\n\n## Next?\nx\n\n## Log\n- [skim(@a)]\n"
    root = write_vault(tmp_path, {"references.bib": "@misc{a}\n", "reading/2023/03-14.md": session,
                                  "reading/2023/03-15.md": session, "notes/other.md": "## Context\nx\n"})
    code, out, _ = run(root)
    assert code == 0
    assert out.splitlines()[-1].endswith(
        "Bibliography: references.bib (1 entry). 2 notes (reading/2023/03-14.md, …) have most of "
        "the session schema's sections but no schema applies: add reading/** to 'sessions:' in "
        ".vaultkit.yaml.")
    write_vault(root, {".vaultkit.yaml": "sessions: ['reading/**']\n"})
    code, out, _ = run(root)
    assert out.splitlines()[-1].endswith("Bibliography: references.bib (1 entry).")
