"""load_file / load_bibliography: dispatch, decoding, merging across files."""

from __future__ import annotations

from pathlib import Path

import pytest

from vaultkit.bib import Bibliography, BibIssue, load_bibliography, load_file
from vaultkit.model import Span

FIXTURES = Path(__file__).parents[1] / "fixtures" / "bib"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_the_three_export_formats_agree() -> None:
    """One Zotero library exported as BibLaTeX, CSL JSON and CSL YAML reads the same."""
    loaded = {}
    for name in ("better-bibtex.bib", "better-bibtex.json", "better-bibtex.yaml"):
        entries, issues = load_file(FIXTURES / name, name)
        assert issues == []
        loaded[name] = [(e.key, e.title, e.authors, e.year) for e in entries]
    bib, json, yaml = loaded.values()
    assert bib == json == yaml
    assert bib[1] == (
        "mullerUberTransformers2023",
        "Über Transformers & Attention – a Survey",
        ("Müller, Jörg", "van der Berg, Anna", "OpenAI"),
        "2023",
    )


def test_duplicates_across_files_name_the_first(tmp_path: Path) -> None:
    bib_text = "@misc{x}\n@misc{only-bib}\n\n\n\n@article{a, title={A}}\n"
    bib = write(tmp_path, "references.bib", bib_text)
    csl = write(tmp_path, "more.json", '[\n  {"id": "y"},\n  {"id": "a", "title": "Other"}\n]')
    yml = write(tmp_path, "extra.yaml", "- id: a\n- id: x\n- id: z\n")
    bibliography = load_bibliography(
        [(bib, "references.bib"), (csl, "refs/more.json"), (yml, "refs/extra.yaml")]
    )
    assert bibliography.files == ("references.bib", "refs/more.json", "refs/extra.yaml")
    assert sorted(bibliography.keys()) == ["a", "only-bib", "x", "y", "z"]
    first = bibliography.get("a")
    assert first is not None and (first.title, first.source) == ("A", "references.bib")
    assert [(i.source, i.code, i.span, i.message) for i in bibliography.issues] == [
        ("refs/more.json", "VK208", Span(3, 11, 3, 12),
         "citekey 'a' is defined twice (first at references.bib:6)"),
        ("refs/extra.yaml", "VK208", Span(1, 7, 1, 8),
         "citekey 'a' is defined twice (first at references.bib:6)"),
        ("refs/extra.yaml", "VK208", Span(2, 7, 2, 8),
         "citekey 'x' is defined twice (first at references.bib:1)"),
    ]


def test_bibliography_lookup(tmp_path: Path) -> None:
    path = write(tmp_path, "r.bib", "@misc{k}\n")
    bibliography = load_bibliography([(path, "r.bib")], full=False)
    assert isinstance(bibliography, Bibliography)
    assert "k" in bibliography and "nope" not in bibliography and 3 not in bibliography
    assert bibliography.get("nope") is None
    assert bibliography.keys() == frozenset({"k"})
    assert load_bibliography([]).entries == {}


def test_within_and_across_file_duplicates_are_reported_once(tmp_path: Path) -> None:
    one = write(tmp_path, "one.bib", "@misc{a}\n@misc{a}\n")
    two = write(tmp_path, "two.bib", "@misc{a}\n")
    issues = load_bibliography([(one, "one.bib"), (two, "two.bib")]).issues
    assert [(i.source, i.span.line) for i in issues] == [("one.bib", 2), ("two.bib", 1)]
    assert all("(first at one.bib:1)" in i.message for i in issues)


def test_latin1_file_still_loads_with_one_issue(tmp_path: Path) -> None:
    text = "@article{caf\xe9,\n  title = {Caf\xe9 cr\xe8me}\n}\n@misc{b}\n"
    path = write(tmp_path, "old.bib", text.encode("latin-1"))
    entries, issues = load_file(path, "old.bib")
    assert [(e.key, e.span) for e in entries] == [
        ("café", Span(1, 10, 1, 14)),
        ("b", Span(4, 7, 4, 8)),
    ]
    assert entries[0].title == "Café crème"
    assert [(i.code, i.span) for i in issues] == [("VK210", Span(1, 1, 1, 15))]
    assert "not valid UTF-8" in issues[0].message


def test_bom_is_not_counted_in_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "r.json", '\ufeff[{"id": "a"}]')
    entries, issues = load_file(path, "r.json")
    assert issues == [] and entries[0].span == Span(1, 10, 1, 11)


@pytest.mark.parametrize(
    "name", ["empty.bib", "empty.json", "empty.yaml", "blank.bib", "blank.json", "blank.yml"]
)
def test_empty_files(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, "" if name.startswith("empty") else "\n  \n")
    assert load_file(path, name) == ([], [])


def test_unreadable_file_is_an_issue(tmp_path: Path) -> None:
    missing = tmp_path / "gone.bib"
    directory = tmp_path / "dir.bib"
    directory.mkdir()
    for path in (missing, directory):
        entries, issues = load_file(path, path.name)
        assert entries == []
        assert [(i.code, i.span) for i in issues] == [("VK210", Span(1, 1, 1, 1))]
        assert issues[0].message.startswith(f"cannot read {path.name}: ")
    bibliography = load_bibliography([(missing, "gone.bib")])
    assert bibliography.entries == {} and len(bibliography.issues) == 1


def test_unknown_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, "refs.txt", "@misc{a}\n")
    entries, issues = load_file(path, "refs.txt")
    assert entries == []
    assert issues == [
        BibIssue("refs.txt", Span(1, 1, 1, 1), "VK210",
                 "refs.txt is not a bibliography (expected .bib, .bibtex, .json, .yaml, .yml)"),
    ]


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = write(tmp_path, "Refs.BIB", "@misc{a}\n")
    assert [e.key for e in load_file(path, "Refs.BIB")[0]] == ["a"]
