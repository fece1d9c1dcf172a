"""Bad and hostile input: every case returns a Note -- never an exception -- and fast.

The wall-clock bounds below are deliberately generous (tens of seconds where the parser
takes one or two): they are there to catch a scanner that turned quadratic, which takes
hours on these inputs, not to benchmark.
"""

from __future__ import annotations

import pickle
import time

import pytest

from spancheck import check_note
from vaultkit.model import Note, Span
from vaultkit.parse import parse_note

GENEROUS_SECONDS = 60.0


def parse_timed(data: bytes, limit: float = GENEROUS_SECONDS) -> Note:
    start = time.perf_counter()
    note = parse_note("bad.md", data)
    elapsed = time.perf_counter() - start
    assert isinstance(note, Note)
    assert elapsed < limit, f"parsing {len(data):,} bytes took {elapsed:.1f}s"
    return note


def assert_spans_hold(data: bytes, note: Note) -> None:
    assert check_note(data, note) == []


# -- encodings and line endings ---------------------------------------------------------
def test_utf8_bom_keeps_frontmatter_and_columns() -> None:
    data = "\ufeff---\ntitle: x\n---\n# Title @k\n".encode()
    note = parse_timed(data)
    assert note.has_bom and note.meta == {"title": "x"} and note.problems == ()
    (cite,) = note.citations
    assert cite.span == Span(4, 9, 4, 11)  # the BOM is not a column
    assert_spans_hold(data, note)


def test_only_a_bom() -> None:
    note = parse_timed(b"\xef\xbb\xbf")
    assert note.has_bom and note.problems == () and note.readable


def test_crlf() -> None:
    data = b"---\r\na: 1\r\n---\r\n## Log\r\n- [skim(@k)]\r\n  - %% a\r\n  b %% [[x]]\r\n"
    note = parse_timed(data)
    assert note.newline == "\r\n"
    assert note.meta == {"a": 1}
    assert [h.text for h in note.headings] == ["Log"]
    assert [(i.line, i.depth) for i in note.list_items] == [(5, 0), (6, 1)]
    assert note.comments[0].raw == "%% a\r\n  b %%"  # the file's own line ending
    assert note.comments[0].text == "a\n  b"
    assert "\r" not in "".join(note.lines)
    assert_spans_hold(data, note)


def test_lone_cr() -> None:
    data = b"# Old Mac\r- a @k\r  - b [[x]]\r"
    note = parse_timed(data)
    assert note.newline == "\r"
    assert note.lines[:3] == ("# Old Mac", "- a @k", "  - b [[x]]")
    assert [(i.line, i.parent) for i in note.list_items] == [(2, None), (3, 0)]
    assert note.citations[0].span == Span(2, 5, 2, 7)
    assert_spans_hold(data, note)


def test_mixed_line_endings() -> None:
    data = b"a @one\r\nb @two\rc @three\n"
    note = parse_timed(data)
    assert [(c.key, c.span.line) for c in note.citations] == [("one", 1), ("two", 2), ("three", 3)]
    assert_spans_hold(data, note)


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [
        (b"---\ntitle: caf\xe9\n---\n", 2, 11),
        ("é".encode() + b"\xe9 text", 1, 2),  # columns count code points, not bytes
        (b"line one\r\nline \xff two", 2, 6),
        (b"\xed\xa0\x80 a surrogate", 1, 1),
    ],
)
def test_latin1_and_invalid_utf8(data: bytes, line: int, column: int) -> None:
    note = parse_timed(data)
    assert not note.readable
    assert [(p.code, p.span.line, p.span.column) for p in note.problems] == [("VK002", line, column)]
    assert "UTF-8" in note.problems[0].message


def test_nul_bytes() -> None:
    note = parse_timed(b"# ok\nbinary\x00junk\n")
    assert not note.readable
    assert [(p.code, p.span.line, p.span.column) for p in note.problems] == [("VK002", 2, 7)]


@pytest.mark.parametrize("data", [b"", b"\n", b"\r\n\r\n", b"   ", b"\t\n\t"])
def test_empty_and_blank_files(data: bytes) -> None:
    note = parse_timed(data)
    assert note.problems == () and note.readable
    assert (note.headings, note.list_items, note.links, note.citations, note.tags) == ((),) * 5
    assert_spans_hold(data, note)


@pytest.mark.parametrize("data", [b"---", b"---\n", b"---\r\n", b"\xef\xbb\xbf---"])
def test_only_a_fence(data: bytes) -> None:
    note = parse_timed(data)
    assert [(p.code, p.span.line) for p in note.problems] == [("VK001", 1)]
    assert note.frontmatter is None


# -- hostile sizes and nesting ----------------------------------------------------------
def _hostile_line(size: int) -> bytes:
    unit = (
        "word [x @key `code` $m$ [[l]] [skim(@a)] [t](u.md) ![i](x.png) "
        "[ @ ` $ [[ ]] ( ) %% <!-- \\[ [a( [b -> "
    )
    return (unit * (size // len(unit) + 1))[:size].encode()


def test_a_five_megabyte_single_line() -> None:
    data = _hostile_line(5_000_000)
    note = parse_timed(data)
    assert len(note.lines) == 1
    assert note.citations and note.code_spans and note.links


@pytest.mark.parametrize(
    "unit",
    ["[", "[x", "[[a", "[a(", "[a -> ", "[t](", "[t](<", "](", "@", "@a.", "`", "`` ` ", "$", "$a ",
     "$$", "%%", "<!--", "<", "(", "\\", "\\[", "![", "[@a; ", "@{", "a@b "],
)
def test_half_a_megabyte_of_a_single_opener(unit: str) -> None:
    # a scanner that searches forward from every opener took 40s on 200 KB of "["
    data = (unit * (500_000 // len(unit))).encode()
    note = parse_timed(data, limit=GENEROUS_SECONDS / 2)
    assert len(note.lines) == 1


def test_lists_nested_two_thousand_deep() -> None:
    data = "".join("  " * i + "- x @k\n" for i in range(2000)).encode()
    note = parse_timed(data)
    # mistune stops nesting containers at 20 levels; the deeper lines continue the
    # innermost item's paragraph
    items = note.list_items
    assert len(items) >= 20
    assert all(item.parent == item.index - 1 and item.depth == item.index for item in items[1:])
    assert len(note.citations) == 2000
    assert_spans_hold(data, note)


def test_block_quotes_nested_two_thousand_deep() -> None:
    data = ("> " * 2000 + "x @k [[n]]\n").encode()
    note = parse_timed(data)
    assert [c.key for c in note.citations] == ["k"]
    assert_spans_hold(data, note)


def test_block_quotes_nested_deeper_line_by_line() -> None:
    data = "".join("> " * i + "- x\n" for i in range(1, 2001)).encode()
    note = parse_timed(data)
    assert_spans_hold(data, note)


def test_quotes_and_lists_interleaved_two_thousand_deep() -> None:
    data = ("> - " * 2000 + "x @k\n").encode()
    note = parse_timed(data)
    assert [c.key for c in note.citations] == ["k"]
    assert_spans_hold(data, note)


@pytest.mark.parametrize(
    "text",
    ["[" * 2000 + "x" + "]" * 2000, "[" * 2000, "]" * 2000 + "[" * 2000, "[a(" * 2000 + ")" * 2000,
     "(" * 2000 + "[t](" + "(" * 2000, "[[" * 2000 + "x" + "]]" * 2000],
)
def test_nested_brackets(text: str) -> None:
    data = text.encode()
    note = parse_timed(data)
    assert_spans_hold(data, note)


def test_deeply_nested_yaml() -> None:
    data = ("---\na: " + "[" * 5000 + "]" * 5000 + "\n---\nbody\n").encode()
    note = parse_timed(data)
    assert note.body_line == 4  # either loaded or a VK001, never a crash


def test_many_lines() -> None:
    data = ("- [skim(@k)] [[n]] `c`\n" * 20_000).encode()
    note = parse_timed(data)
    assert len(note.list_items) == 20_000 and len(note.tags) == 20_000


def test_notes_pickle() -> None:
    data = "---\na: 1\n---\n## Log\n- [skim(@k)] [[n]] `c` %% x %%\n".encode()
    note = parse_note("t.md", data)
    assert pickle.loads(pickle.dumps(note)) == note
    bad = parse_note("b.md", b"\xff")
    assert pickle.loads(pickle.dumps(bad)) == bad
