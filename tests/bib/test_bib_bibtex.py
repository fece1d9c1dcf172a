"""BibTeX loading: keys and spans, field normalisation, broken entries, fast vs full."""

from __future__ import annotations

from pathlib import Path

import pytest
from bibgen import bibtex_text, varied_bibtex_text

from vaultkit.bib import BibEntry, BibIssue, load_file
from vaultkit.model import Span
from vaultkit.positions import SourceText


def load(
    tmp_path: Path, text: str, *, full: bool = True, name: str = "refs.bib"
) -> tuple[list[BibEntry], list[BibIssue]]:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return load_file(path, name, full=full)


def sliced(tmp_path: Path, span: Span, name: str = "refs.bib") -> str:
    """The file's text at ``span`` (line endings as written, BOM removed)."""
    return SourceText.from_str((tmp_path / name).read_bytes().decode("utf-8")).slice(span)


def by_key(entries: list[BibEntry]) -> dict[str, BibEntry]:
    return {entry.key: entry for entry in entries}


# -- keys and spans ---------------------------------------------------------------------

HEADERS = """\
% Better BibTeX export
@string{jml = {Journal of ML}}
@preamble{"\\newcommand{\\noop}[1]{}"}
@comment{jabref-meta: databaseType:biblatex;}

@article{first,
  title = {One},
}
@Book  { second ,title={Two}}
@misc
  (third, title = "Three (draft)", note = {a ) b})
% @article{commented, title = {not loaded}}
text outside entries @online{fourth}
@article{fünf-2023:x, title = {Five}}
"""


@pytest.mark.parametrize("full", [False, True])
def test_keys_spans_and_slices(tmp_path: Path, full: bool) -> None:
    entries, issues = load(tmp_path, HEADERS, full=full)
    assert issues == []
    assert [(e.key, e.span) for e in entries] == [
        ("first", Span(6, 10, 6, 15)),
        ("second", Span(9, 10, 9, 16)),
        ("third", Span(11, 4, 11, 9)),
        ("fourth", Span(13, 30, 13, 36)),
        ("fünf-2023:x", Span(14, 10, 14, 21)),
    ]
    for entry in entries:
        assert sliced(tmp_path, entry.span) == entry.key
        assert entry.source == "refs.bib"
    assert [e.entry_type for e in entries] == ["article", "book", "misc", "online", "article"]


def test_bom_and_crlf_spans(tmp_path: Path) -> None:
    text = "\ufeff@article{a,\r\n  title = {A}\r\n}\r\n\r\n@book{b, title={B}}\r\n"
    entries, issues = load(tmp_path, text)
    assert issues == []
    assert [e.span for e in entries] == [Span(1, 10, 1, 11), Span(5, 7, 5, 8)]
    assert [sliced(tmp_path, e.span) for e in entries] == ["a", "b"]


def test_entry_without_fields_and_at_signs_in_values(tmp_path: Path) -> None:
    text = "@misc{bare}\n@misc{mail, note = {write to a@b.org or LeQua @ {CLEF}}}\n"
    entries, issues = load(tmp_path, text)
    assert issues == []
    assert [e.key for e in entries] == ["bare", "mail"]


# -- field normalisation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Attention {{Is All You Need}}", "Attention Is All You Need"),
        ('{\\"U}ber {\\"u}ber \\"{u}ber M\\"uller', "Über über über Müller"),
        ("R\\&D -- the {{Story}} --- so far", "R&D – the Story — so far"),
        (
            "Fran{\\c c}ois, Erd{\\H{o}}s, \\v{S}koda, Dvo\\v r\\'ak, {\\'\\i}",
            "François, Erdős, Škoda, Dvořák, í",
        ),
        ("Stra{\\ss}e, {\\o}re, \\AA{}ngstr\\\"om", "Straße, øre, Ångström"),
        ("\\emph{Deep} {\\bf bold} \\LaTeX\\ and 50\\%", "Deep bold LaTeX and 50%"),
        ("spread over\n    two lines", "spread over two lines"),
        ("Fig.~1 and \\{literal\\} braces", "Fig. 1 and {literal} braces"),
    ],
)
def test_title_normalisation(tmp_path: Path, written: str, expected: str) -> None:
    entries, _ = load(tmp_path, f"@article{{k, title = {{{written}}}}}\n")
    assert entries[0].title == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("one paragraph\n    wrapped", "one paragraph wrapped"),
        ("First\n    one.\n\n    Second.\n  \t\n\n  Third.", "First one.\n\nSecond.\n\nThird."),
        ("First.\\par Second.\\par\nThird \\emph{x}.", "First.\n\nSecond.\n\nThird x."),
        ("\\paragraph-like \\parbox words", "paragraph-like parbox words"),  # \par as a word only
    ],
)
def test_abstract_keeps_its_paragraphs(tmp_path: Path, written: str, expected: str) -> None:
    entries, _ = load(tmp_path, f"@article{{k, abstract = {{{written}}}}}\n")
    assert entries[0].abstract == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Vaswani, Ashish and Noam Shazeer", ("Vaswani, Ashish", "Shazeer, Noam")),
        ("van der Berg, Jan and Jan van der Berg", ("van der Berg, Jan", "van der Berg, Jan")),
        ("King, Jr, Martin Luther", ("King, Martin Luther, Jr",)),
        ("{Barnes and Noble} and Aristotle", ("Barnes and Noble", "Aristotle")),
        ('M{\\"u}ller, J{\\"o}rg and {\\\'E}mile Zola', ("Müller, Jörg", "Zola, Émile")),
        ("A, B and\n    C D", ("A, B", "D, C")),
    ],
)
def test_author_normalisation(tmp_path: Path, written: str, expected: tuple[str, ...]) -> None:
    entries, _ = load(tmp_path, f"@article{{k, author = {{{written}}}}}\n")
    assert entries[0].authors == expected


@pytest.mark.parametrize(
    ("fields", "year"),
    [
        ("year = {2023}", "2023"),
        ("year = 2023", "2023"),
        ('year = "2019"', "2019"),
        ("date = {2023-03-01}", "2023"),
        ("date = {2021-05/2022-01}", "2021"),
        ("year = {forthcoming}", "forthcoming"),
        ("year = {2020}, date = {2023-03-01}", "2020"),
        ("title = {No date}", None),
    ],
)
def test_year(tmp_path: Path, fields: str, year: str | None) -> None:
    entries, _ = load(tmp_path, f"@article{{k, {fields}}}\n")
    assert entries[0].year == year


def test_string_macros_and_concatenation(tmp_path: Path) -> None:
    text = (
        "@string{ai = {Artificial}}\n"
        '@STRING{AIX = ai # " Intelligence"}\n'
        '@article{k, title = aix # { {{Today}}}, author = "Doe, Jane", year = 2024}\n'
    )
    entries, issues = load(tmp_path, text)
    assert issues == []
    assert entries[0].title == "Artificial Intelligence Today"
    assert entries[0].authors == ("Doe, Jane",)


def test_fast_path_leaves_fields_empty(tmp_path: Path) -> None:
    entries, _ = load(tmp_path, "@article{k, title = {T}, author = {A, B}, year = 1}\n", full=False)
    assert (entries[0].title, entries[0].authors, entries[0].year) == (None, (), None)
    assert entries[0].entry_type == "article"


# -- broken entries ---------------------------------------------------------------------

BROKEN = """\
@article{ok1, title = {Fine}}
@article{,
  title = {Empty key}
}
@article{title = {Missing key}}
@article{unclosed,
  title = {Never {closed}
@book{ok2, title = {Still loads}}
@misc{my key, title = {Space in key}}
@misc{ok3}
@misc{atend, title = {open
"""


@pytest.mark.parametrize("full", [False, True])
def test_broken_entries_are_reported_and_the_rest_loads(tmp_path: Path, full: bool) -> None:
    entries, issues = load(tmp_path, BROKEN, full=full)
    assert [e.key for e in entries] == ["ok1", "ok2", "ok3"]
    assert [(i.code, i.span.line) for i in issues] == [
        ("VK210", 2), ("VK210", 5), ("VK210", 6), ("VK210", 9), ("VK210", 11),
    ]
    assert issues[0].span == Span(2, 1, 2, 10)  # '@article{'
    assert "no citekey" in issues[0].message
    assert "'title =' starts a field" in issues[1].message
    assert "'unclosed' is not closed" in issues[2].message
    assert "next entry on line 8" in issues[2].message
    assert "malformed citekey" in issues[3].message
    assert "end of the file" in issues[4].message


def test_unbalanced_paren_entry_and_string(tmp_path: Path) -> None:
    text = '@misc(p1, title = "a (b"\n@string{s = {x}\n@misc{ok}\n'
    entries, issues = load(tmp_path, text)
    assert [e.key for e in entries] == ["ok"]
    assert [i.span.line for i in issues] == [1, 2]
    assert "@string block is not closed" in issues[1].message


def test_unreadable_fields_keep_the_key(tmp_path: Path) -> None:
    """A field syntax error only bibtexparser sees: the key stays, the full parse says why."""
    text = "@misc{nofieldeq, title {x}}\n@misc{ok, title = {Ok}}\n"
    fast, fast_issues = load(tmp_path, text, full=False)
    full, full_issues = load(tmp_path, text)
    assert [e.key for e in fast] == [e.key for e in full] == ["nofieldeq", "ok"]
    assert fast_issues == []
    assert [(i.code, i.span) for i in full_issues] == [("VK210", Span(1, 7, 1, 16))]
    assert "cannot read the fields of 'nofieldeq'" in full_issues[0].message
    assert full[1].title == "Ok"


def test_duplicate_keys_in_one_file(tmp_path: Path) -> None:
    text = "@article{a, title = {First}}\n\n@book{a, title = {Second}}\n@misc{b}\n@misc{a}\n"
    entries, issues = load(tmp_path, text, name="references.bib")
    assert [(e.key, e.title) for e in entries] == [("a", "First"), ("b", None)]
    # once per key, at the second definition, naming every line (BibTeX and biber warn
    # about a repeated key in one file even when the entries are identical)
    assert [(i.code, i.span) for i in issues] == [("VK208", Span(3, 7, 3, 8))]
    assert issues[0].message == (
        "citekey 'a' is defined 3 times in references.bib (lines 1, 3 and 5); the first is used"
    )


# -- fast and full agree ----------------------------------------------------------------


def test_fast_and_full_agree_on_keys_and_spans(tmp_path: Path) -> None:
    text = varied_bibtex_text(350)
    fast, fast_issues = load(tmp_path, text, full=False)
    full, full_issues = load(tmp_path, text, full=True)
    assert fast_issues == full_issues == []
    assert len(fast) == 350
    assert [(e.key, e.span, e.entry_type) for e in fast] == [
        (e.key, e.span, e.entry_type) for e in full
    ]
    for entry in fast:
        assert sliced(tmp_path, entry.span) == entry.key
    titles = by_key(full)
    assert titles["k0-é"].title == "Tütle 0"
    assert titles["k3-é"].title == "Tütle 3 (draft)"
    assert titles["k5-é"].title == "Nested deeply braced {escaped}"
    assert titles["k1-é"].authors == ("A, B", "D, C")


def test_ten_thousand_entries(tmp_path: Path) -> None:
    """Counts only: timings are recorded by running ``python tests/bib/bibgen.py``."""
    text = bibtex_text(10_000)
    fast, fast_issues = load(tmp_path, text, full=False)
    full, full_issues = load(tmp_path, text, full=True)
    assert len(fast) == len(full) == 10_000
    assert fast_issues == full_issues == []
    assert full[-1].authors[:2] == ("Vaswani, Ashish", "Shazeer, Noam")


def test_field_written_twice_keeps_the_first(tmp_path: Path) -> None:
    entries, issues = load(tmp_path, "@misc{k, title = {One}, Title = {Two}, year = 1}\n")
    assert issues == []
    assert (entries[0].title, entries[0].year) == ("One", "1")
