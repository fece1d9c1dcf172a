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


def test_conflicting_definitions_across_files_name_both_places(tmp_path: Path) -> None:
    bib_text = "@misc{x}\n@misc{only-bib}\n\n\n\n@article{a, title={A}}\n"
    bib = write(tmp_path, "references.bib", bib_text)
    csl = write(tmp_path, "more.json", '[\n  {"id": "y"},\n  {"id": "a", "title": "Other"}\n]')
    yml = write(tmp_path, "extra.yaml", "- id: a\n- id: x\n- id: z\n")
    bibliography = load_bibliography(
        [(bib, "references.bib"), (csl, "refs/more.json"), (yml, "refs/extra.yaml")]
    )
    assert bibliography.files == ("references.bib", "refs/more.json", "refs/extra.yaml")
    assert bibliography.counts == (3, 2, 3)
    assert sorted(bibliography.keys()) == ["a", "only-bib", "x", "y", "z"]
    first = bibliography.get("a")
    assert first is not None and (first.title, first.source) == ("A", "references.bib")
    # 'a' once (at its first disagreeing definition); 'x' agrees (no title, no year
    # in either): the same entry exported twice, not a finding
    assert [(i.source, i.code, i.span, i.message) for i in bibliography.issues] == [
        ("refs/more.json", "VK208", Span(3, 11, 3, 12),
         "citekey 'a' is defined differently in references.bib:6 and refs/more.json:3 "
         "(title differs); the first is used"),
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
    assert [(i.source, i.span.line, i.message) for i in issues] == [
        ("one.bib", 2, "citekey 'a' is defined twice in one.bib (lines 1 and 2); the first is used"),
    ]


LIBRARY_BIB = """@article{vaswaniAttention2017,
  title = {Attention Is {{All}} You {{Need}}},
  author = {Vaswani, Ashish and Shazeer, Noam},
  date = {2017},
  doi = {10.48550/arXiv.1706.03762},
  journaltitle = {NeurIPS}
}
@misc{schickToolformer2023,
  title = {Toolformer: {{Language Models Can Teach Themselves}} to {{Use Tools}}},
  author = {Schick, Timo},
  year = {2023},
  eprint = {2302.04761},
  eprinttype = {arXiv},
  url = {https://arxiv.org/abs/2302.04761},
  abstract = {LMs  can teach
    themselves.},
  file = {/Users/ada/Zotero/storage/X/Schick - Toolformer.pdf}
}
"""
LIBRARY_JSON = """[
 {"id": "vaswaniAttention2017", "type": "article-journal", "title": "Attention Is All You Need",
  "author": [{"family": "Vaswani", "given": "Ashish"}, {"family": "Shazeer", "given": "Noam"}],
  "issued": {"date-parts": [[2017]]}, "DOI": "10.48550/arXiv.1706.03762",
  "container-title": "NeurIPS"},
 {"id": "schickToolformer2023", "type": "article", "title": "Toolformer: Language Models Can Teach Themselves to Use Tools",
  "author": [{"family": "Schick", "given": "Timo"}], "issued": {"date-parts": [[2023, 2, 9]]},
  "URL": "https://arxiv.org/abs/2302.04761", "number": "arXiv:2302.04761"}
]
"""


@pytest.mark.parametrize("full", [False, True])
def test_the_same_library_exported_twice_is_one_library(tmp_path: Path, full: bool) -> None:
    """Issue #10 item 1: ``My Library.bib`` + ``My Library.json`` gave a VK208 per entry."""
    bib = write(tmp_path, "My Library.bib", LIBRARY_BIB)
    csl = write(tmp_path, "My Library.json", LIBRARY_JSON)
    copy = write(tmp_path, "copy.bib", LIBRARY_BIB)
    files = [(bib, "My Library.bib"), (csl, "My Library.json"), (copy, "backup/copy.bib")]
    bibliography = load_bibliography(files, full=full)
    assert bibliography.issues == ()
    assert bibliography.counts == (2, 2, 2)
    assert sorted(bibliography.keys()) == ["schickToolformer2023", "vaswaniAttention2017"]


def test_a_changed_copy_is_reported_once_per_key_on_the_fast_path(tmp_path: Path) -> None:
    bib = write(tmp_path, "My Library.bib", LIBRARY_BIB)
    changed = LIBRARY_BIB.replace("date = {2017}", "date = {2018}").replace("Schick, Timo", "Dwivedi, Jane")
    old = write(tmp_path, "old.bib", changed)
    issues = load_bibliography([(bib, "My Library.bib"), (old, "old.bib")], full=False).issues
    assert [(i.source, i.span.line, i.code) for i in issues] == [
        ("old.bib", 1, "VK208"), ("old.bib", 8, "VK208"),
    ]
    assert issues[0].message == (
        "citekey 'vaswaniAttention2017' is defined differently in My Library.bib:1 and "
        "old.bib:1 (year differs); the first is used"
    )
    assert "(first author differs)" in issues[1].message


def test_entries_carry_identifiers_venue_abstract_and_file(tmp_path: Path) -> None:
    """What the index (URL → paper) and the language server (hover) read."""
    bib = write(tmp_path, "refs.bib", LIBRARY_BIB)
    csl = write(tmp_path, "refs.json", LIBRARY_JSON)
    for path in (bib, csl):
        entries = {e.key: e for e in load_file(path, path.name)[0]}
        vaswani, schick = entries["vaswaniAttention2017"], entries["schickToolformer2023"]
        assert (vaswani.doi, vaswani.eprint, vaswani.venue) == (
            "10.48550/arxiv.1706.03762", "1706.03762", "NeurIPS")
        assert (schick.url, schick.eprint, schick.doi) == (
            "https://arxiv.org/abs/2302.04761", "2302.04761", None)
    bib_schick = {e.key: e for e in load_file(bib, "refs.bib")[0]}["schickToolformer2023"]
    assert bib_schick.abstract == "LMs can teach themselves."
    assert bib_schick.file == "/Users/ada/Zotero/storage/X/Schick - Toolformer.pdf"
    fast = {e.key: e for e in load_file(bib, "refs.bib", full=False)[0]}
    assert fast["schickToolformer2023"].eprint is None  # the linter's path reads keys only


@pytest.mark.parametrize(("url", "key"), [
    ("https://arxiv.org/abs/2302.04761v1", "schickToolformer2023"),
    ("http://arxiv.org/pdf/2302.04761v2.pdf", "schickToolformer2023"),
    ("https://www.arxiv.org/abs/2302.04761", "schickToolformer2023"),
    ("https://doi.org/10.48550/arXiv.1706.03762", "vaswaniAttention2017"),
    ("https://arxiv.org/abs/1706.03762", "vaswaniAttention2017"),  # via the arXiv DOI
    ("doi:10.48550/ARXIV.1706.03762", "vaswaniAttention2017"),
    ("https://arxiv.org/abs/2401.00001", None),
    ("https://example.org/paper", None),
])
def test_entry_for_url(tmp_path: Path, url: str, key: str | None) -> None:
    bibliography = load_bibliography([(write(tmp_path, "refs.bib", LIBRARY_BIB), "refs.bib")])
    found = bibliography.entry_for_url(url)
    assert (found.key if found else None) == key


def test_entry_for_url_by_plain_url(tmp_path: Path) -> None:
    text = "@online{blog, title = {A post}, url = {https://www.example.org/posts/a\\_b/}}\n"
    bibliography = load_bibliography([(write(tmp_path, "refs.bib", text), "refs.bib")])
    assert bibliography.get("blog").url == "https://www.example.org/posts/a_b/"
    found = bibliography.entry_for_url("http://example.org/posts/a_b#intro")
    assert found is not None and found.key == "blog"


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
