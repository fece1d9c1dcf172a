"""Frontmatter: fences, YAML errors at their line in the note, the loader's choices."""

from __future__ import annotations

import pickle
import time

import pytest

from spancheck import cut, original_lines
from vaultkit.model import Span
from vaultkit.parse import parse_note, parse_text


def codes(note) -> list[tuple[str, int, int]]:
    return [(p.code, p.span.line, p.span.column) for p in note.problems]


def test_valid_frontmatter() -> None:
    src = "---\ntype: session\ntags: [reading, llm]\nn: 3\n---\n## tl;dr\n"
    note = parse_text("t.md", src)
    fm = note.frontmatter
    assert fm is not None
    assert fm.data == {"type": "session", "tags": ["reading", "llm"], "n": 3}
    assert note.meta == fm.data
    assert fm.raw == "type: session\ntags: [reading, llm]\nn: 3\n"
    assert fm.span == Span(1, 1, 5, 4)
    assert note.body_line == 6
    assert note.problems == ()
    assert [h.span.line for h in note.headings] == [6]


def test_no_frontmatter() -> None:
    note = parse_text("t.md", "# Title\n---\na: 1\n---\n")
    assert note.frontmatter is None and note.body_line == 1 and note.meta == {}


def test_fence_must_be_on_line_one() -> None:
    note = parse_text("t.md", "\n---\na: 1\n---\n")
    assert note.frontmatter is None and note.problems == ()


def test_fences_may_carry_trailing_blanks() -> None:
    note = parse_text("t.md", "--- \na: 1\n---\t\nbody")
    assert note.meta == {"a": 1} and note.body_line == 4


def test_dots_close_the_frontmatter() -> None:
    note = parse_text("t.md", "---\na: 1\n...\nbody @k\n")
    assert note.meta == {"a": 1}
    assert note.body_line == 4
    assert [c.key for c in note.citations] == ["k"]


def test_yaml_error_is_reported_at_its_line_and_column_in_the_note() -> None:
    src = "---\ntitle: ok\nkey: value: other\n---\nbody\n"
    note = parse_text("t.md", src)
    assert codes(note) == [("VK001", 3, 11)]  # the second ":" on note line 3
    assert note.frontmatter is not None and note.frontmatter.data is None
    assert note.meta == {}
    assert note.body_line == 5
    assert "mapping values" in note.problems[0].message


def test_yaml_error_with_tab_indentation() -> None:
    note = parse_text("t.md", "---\ntitle:\tx\n  bad indent: 1\n---\n")
    assert codes(note) == [("VK001", 3, 13)]


def test_yaml_error_at_the_end_of_the_block() -> None:
    # an unclosed flow sequence is noticed where the YAML ends: the closing fence line
    note = parse_text("t.md", "---\ntitle: ok\nbad: [unclosed\n---\nbody\n")
    assert [(p.code, p.span.line) for p in note.problems] == [("VK001", 4)]


def test_yaml_error_line_with_bom_and_crlf() -> None:
    data = "\ufeff---\r\ntitle: x\r\nbad: a: b\r\n---\r\nbody".encode()
    note = parse_note("t.md", data)
    assert note.has_bom and note.newline == "\r\n"
    assert codes(note) == [("VK001", 3, 7)]
    (problem,) = note.problems
    assert cut(original_lines(data), problem.span) == ": b"


@pytest.mark.parametrize("src", ["---\ntitle: x\n", "---\n", "---", "---\ntitle: x\n--\nbody\n"])
def test_unclosed_frontmatter(src: str) -> None:
    note = parse_text("t.md", src)
    assert codes(note) == [("VK001", 1, 1)]
    assert "not closed" in note.problems[0].message
    assert note.frontmatter is None and note.body_line == 1


@pytest.mark.parametrize(
    ("src", "kind"),
    [("---\n- a\n- b\n---\n", "list"), ("---\njust text\n---\n", "str"), ("---\n42\n---\n", "int")],
)
def test_frontmatter_that_is_not_a_mapping(src: str, kind: str) -> None:
    note = parse_text("t.md", src)
    assert [p.code for p in note.problems] == ["VK001"]
    assert kind in note.problems[0].message
    assert note.problems[0].span.line == 1
    assert note.meta == {}


@pytest.mark.parametrize("src", ["---\n---\nbody\n", "---\n\n---\nbody\n", "---\n# only a comment\n---\n"])
def test_empty_frontmatter(src: str) -> None:
    note = parse_text("t.md", src)
    assert note.problems == ()
    assert note.frontmatter is not None and note.frontmatter.data is None
    assert note.meta == {}


def test_dates_stay_as_written() -> None:
    src = "---\ndate: 2023-03-14\nwhen: 2023-03-14T10:00:00Z\nn: 3\nok: true\nv: 1.5\n---\n"
    meta = parse_text("t.md", src).meta
    assert meta == {"date": "2023-03-14", "when": "2023-03-14T10:00:00Z", "n": 3, "ok": True, "v": 1.5}


def test_duplicate_keys_are_reported_at_the_second_key() -> None:
    note = parse_text("t.md", "---\ntitle: a\ntags: [x]\ntitle: b\n---\n")
    assert codes(note) == [("VK003", 4, 1)]
    assert "line 2" in note.problems[0].message
    assert note.meta == {"title": "b", "tags": ["x"]}


def test_nested_duplicate_keys() -> None:
    note = parse_text("t.md", "---\nmeta:\n  a: 1\n  b: 0\n  a: 2\n---\n")
    assert codes(note) == [("VK003", 5, 3)]
    assert note.meta == {"meta": {"a": 2, "b": 0}}


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        name, prev = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    src = "---\n" + "\n".join(lines) + "\n---\nbody\n"
    start = time.perf_counter()
    note = parse_text("t.md", src)
    assert time.perf_counter() - start < 2
    assert [p.code for p in note.problems] == ["VK001"]
    assert "aliases" in note.problems[0].message
    assert 2 <= note.problems[0].span.line <= 10
    assert note.meta == {}


def test_a_few_aliases_are_fine() -> None:
    note = parse_text("t.md", "---\nbase: &b {x: 1}\nother: *b\n---\n")
    assert note.problems == () and note.meta == {"base": {"x": 1}, "other": {"x": 1}}


def test_recursive_alias_is_refused() -> None:
    note = parse_text("t.md", "---\na: &a [*a]\n---\n")
    assert [p.code for p in note.problems] == ["VK001"]


def test_key_spans_for_nested_keys() -> None:
    src = (
        "---\nauthors:\n  - name: X\n    affiliation: Y\nmeta:\n  inner:\n    deep: 1\n"
        "tags: [a, b]\n---\n"
    )
    fm = parse_text("t.md", src).frontmatter
    assert fm is not None
    assert fm.key_span(("meta", "inner", "deep")) == Span(7, 5, 7, 9)
    assert fm.key_span(("meta", "inner", "missing")) == Span(6, 3, 6, 8)  # the deepest written
    assert fm.key_span(("authors", "0", "affiliation")) == Span(4, 5, 4, 16)
    assert fm.key_span(("tags",)) == Span(8, 1, 8, 5)
    assert fm.key_span(("nowhere",)) is None
    lines = original_lines(src)
    for path, span in fm.key_spans:
        assert cut(lines, span) == path[-1]


def test_bom_before_the_fence_still_finds_the_frontmatter() -> None:
    note = parse_note("t.md", "\ufeff---\ntitle: x\n---\n# H\n".encode())
    assert note.has_bom
    assert note.meta == {"title": "x"}
    assert note.body_line == 4
    assert note.frontmatter is not None and note.frontmatter.span == Span(1, 1, 3, 4)


def test_crlf_frontmatter() -> None:
    note = parse_note("t.md", b"---\r\ntitle: x\r\nlist:\r\n  - a\r\n---\r\nbody\r\n")
    assert note.meta == {"title": "x", "list": ["a"]}
    assert note.frontmatter is not None and note.frontmatter.raw == "title: x\nlist:\n  - a\n"
    assert note.body_line == 6


def test_nothing_in_the_frontmatter_counts_as_inline() -> None:
    note = parse_text("t.md", "---\nsee: '[[x]] @k [skim] `c` %% c %%'\n---\n")
    assert (note.citations, note.tags, note.code_spans, note.comments) == ((),) * 4
    # ... except a wikilink in a property value, which Obsidian follows (#10 item 14)
    assert [(link.target, link.span) for link in note.links] == [("x", Span(2, 7, 2, 12))]


def test_frontmatter_pickles() -> None:
    note = parse_text("t.md", "---\na: [1, {b: c}]\n---\n")
    assert pickle.loads(pickle.dumps(note)) == note
