"""CSL JSON and CSL YAML loading: ids and their spans, fields, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bibgen import csl_json_text

from vaultkit.bib import BibEntry, BibIssue, load_file
from vaultkit.model import Span
from vaultkit.positions import SourceText


def load(
    tmp_path: Path, name: str, text: str, *, full: bool = True
) -> tuple[list[BibEntry], list[BibIssue]]:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return load_file(path, name, full=full)


def sliced(tmp_path: Path, name: str, span: Span) -> str:
    return SourceText.from_str((tmp_path / name).read_bytes().decode("utf-8")).slice(span)


# -- CSL JSON ---------------------------------------------------------------------------

CSL_JSON = """\
[
  {
    "id": "smith2020",
    "type": "article-journal",
    "title": "A  Study\\nof Things",
    "custom": {"id": "nested-not-a-key"},
    "note": "\\"id\\": \\"fake\\"",
    "author": [
      {"family": "Smith", "given": "Jane"},
      {"literal": "World Health Organization"},
      {"family": "Berg", "non-dropping-particle": "van der", "given": "Jan"},
      {"family": "King", "given": "Martin", "suffix": "Jr."}
    ],
    "issued": {"date-parts": [[2020, 3, 1]]}
  },
  {"id":"müller2019","type":"book","issued":{"raw":"2019-05-01"}},
  {"id": "lit", "issued": {"literal": "forthcoming"}},
  {"type": "book", "title": "no id"},
  {"id": 42, "type": "report"},
  {"id": ["not", "a", "key"]}
]
"""


@pytest.mark.parametrize("full", [False, True])
def test_csl_json_keys_and_spans(tmp_path: Path, full: bool) -> None:
    entries, issues = load(tmp_path, "refs.json", CSL_JSON, full=full)
    assert [(e.key, e.span, e.entry_type) for e in entries] == [
        ("smith2020", Span(3, 12, 3, 21), "article-journal"),
        ("müller2019", Span(16, 10, 16, 20), "book"),
        ("lit", Span(17, 11, 17, 14), ""),
        ("42", Span(19, 10, 19, 12), "report"),
    ]
    for entry in entries:
        assert sliced(tmp_path, "refs.json", entry.span) == entry.key
    assert [(i.code, i.span.line) for i in issues] == [("VK210", 18), ("VK210", 20)]
    assert "has no 'id'" in issues[0].message
    assert issues[0].span == Span(18, 3, 18, 4)  # the item's '{'
    assert "'id' that is a list" in issues[1].message


def test_csl_json_fields(tmp_path: Path) -> None:
    entries, _ = load(tmp_path, "refs.json", CSL_JSON)
    smith, muller, lit, _numeric = entries
    assert smith.title == "A Study of Things"
    assert smith.authors == (
        "Smith, Jane", "World Health Organization", "van der Berg, Jan", "King, Martin, Jr.",
    )
    assert (smith.year, muller.year, lit.year) == ("2020", "2019", "forthcoming")
    assert muller.title is None and muller.authors == ()


def test_csl_json_fast_path_skips_fields(tmp_path: Path) -> None:
    entries, _ = load(tmp_path, "refs.json", CSL_JSON, full=False)
    assert (entries[0].title, entries[0].authors, entries[0].year) == (None, (), None)


def test_csl_json_syntax_error_position(tmp_path: Path) -> None:
    text = '[\n  {"id": "a"},\n  {"id": "b",}\n]\n'
    entries, issues = load(tmp_path, "refs.json", text)
    assert entries == []
    assert [(i.code, i.span) for i in issues] == [("VK210", Span(3, 14, 3, 15))]
    assert issues[0].message.startswith("invalid CSL JSON: ")


@pytest.mark.parametrize("text", ['{"id": "a"}', '"text"', "3"])
def test_csl_json_must_be_a_list(tmp_path: Path, text: str) -> None:
    entries, issues = load(tmp_path, "refs.json", text)
    assert entries == []
    assert [(i.code, i.span.line) for i in issues] == [("VK210", 1)]
    assert "must be a list" in issues[0].message


def test_csl_json_duplicates_and_non_objects(tmp_path: Path) -> None:
    text = '[{"id": "a"}, 7, {"id": "a", "title": "again"}]'
    entries, issues = load(tmp_path, "refs.json", text)
    assert [e.key for e in entries] == ["a"]
    assert [(i.code, i.span) for i in issues] == [
        ("VK210", Span(1, 15, 1, 16)),  # the element itself
        ("VK208", Span(1, 26, 1, 27)),
    ]
    assert "item 2 is a number" in issues[0].message


def test_csl_json_escaped_and_nested_ids(tmp_path: Path) -> None:
    text = (
        '[{"custom": {"id": "x"}, "note": "\\"id\\": \\"a\\"", "id": "a"},\n'
        ' {"id": "caf\\u00e9"}, {"id": "b", "ID": "c"}]'
    )
    entries, issues = load(tmp_path, "refs.json", text)
    assert issues == []
    written = [(e.key, e.span.line, sliced(tmp_path, "refs.json", e.span)) for e in entries]
    assert written == [("a", 1, "a"), ("café", 2, "caf\\u00e9"), ("b", 2, "b")]
    assert entries[0].span.column > text.index('"id": "a"}')  # not the nested or quoted one


def test_csl_json_compact_export(tmp_path: Path) -> None:
    text = json.dumps(json.loads(csl_json_text(300)), separators=(",", ":"))
    entries, issues = load(tmp_path, "refs.json", text, full=False)
    assert issues == [] and len(entries) == 300
    assert all(sliced(tmp_path, "refs.json", e.span) == e.key for e in entries)


# -- CSL YAML ---------------------------------------------------------------------------

CSL_YAML = """\
---
references:
- id: plain-key
  type: paper-conference
  title: >-
    Folded
    title
  author:
  - family: Müller
    given: Jörg
  - literal: OpenAI
  issued:
    date-parts:
    - - 2017
      - 6
- id: "quoted key"
  type: book
  issued:
  - year: 2023
- {id: 'flow', title: Flow, issued: 2021-02-03}
- title: no id here
  type: book
- id: 1999
  issued:
    raw: circa 1999
...
"""


@pytest.mark.parametrize("full", [False, True])
def test_csl_yaml_keys_and_spans(tmp_path: Path, full: bool) -> None:
    entries, issues = load(tmp_path, "refs.yaml", CSL_YAML, full=full)
    assert [(e.key, e.span) for e in entries] == [
        ("plain-key", Span(3, 7, 3, 16)),
        ("quoted key", Span(16, 8, 16, 18)),
        ("flow", Span(20, 9, 20, 13)),
        ("1999", Span(23, 7, 23, 11)),
    ]
    for entry in entries:
        assert sliced(tmp_path, "refs.yaml", entry.span) == entry.key
    assert [(i.code, i.span) for i in issues] == [("VK210", Span(21, 3, 21, 4))]


def test_csl_yaml_fields(tmp_path: Path) -> None:
    entries, _ = load(tmp_path, "refs.yaml", CSL_YAML)
    assert [(e.title, e.authors, e.year, e.entry_type) for e in entries] == [
        ("Folded title", ("Müller, Jörg", "OpenAI"), "2017", "paper-conference"),
        (None, (), "2023", "book"),
        ("Flow", (), "2021", ""),
        (None, (), "1999", ""),
    ]


def test_csl_yaml_top_level_list(tmp_path: Path) -> None:
    entries, issues = load(tmp_path, "refs.yml", "- id: a\n- id: b\n")
    assert issues == []
    assert [(e.key, e.span) for e in entries] == [("a", Span(1, 7, 1, 8)), ("b", Span(2, 7, 2, 8))]


def test_csl_yaml_syntax_error_position(tmp_path: Path) -> None:
    text = "references:\n- id: a\n  title: [unclosed\n- id: b\n"
    entries, issues = load(tmp_path, "refs.yaml", text)
    assert entries == []
    assert len(issues) == 1 and issues[0].code == "VK210"
    assert issues[0].span.line == 4
    assert issues[0].message.startswith("invalid CSL YAML: ")


@pytest.mark.parametrize("text", ["title: x\n", "references: 3\n", "just text\n"])
def test_csl_yaml_wrong_shape(tmp_path: Path, text: str) -> None:
    entries, issues = load(tmp_path, "refs.yaml", text)
    assert entries == []
    assert [(i.code, i.span.line) for i in issues] == [("VK210", 1)]
    assert "references:" in issues[0].message


def test_csl_yaml_duplicate_id(tmp_path: Path) -> None:
    entries, issues = load(tmp_path, "refs.yaml", "- id: a\n- id: b\n- id: a\n")
    assert [e.key for e in entries] == ["a", "b"]
    assert [(i.code, i.span, i.message) for i in issues] == [
        ("VK208", Span(3, 7, 3, 8), "citekey 'a' is defined twice in refs.yaml (lines 1 and 3); the first is used"),
    ]


def test_csl_abstract_keeps_zotero_paragraphs(tmp_path: Path) -> None:
    text = json.dumps([{"id": "k", "abstract": "First  one.\nSecond.\n\n  Third.  "}])
    entries, _ = load(tmp_path, "refs.json", text)
    assert entries[0].abstract == "First one.\n\nSecond.\n\nThird."
