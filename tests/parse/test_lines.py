"""A parsed note's lines are one string (``positions.Lines``), equal to the tuple of lines."""

from __future__ import annotations

import pickle
import sys

from hypothesis import given, strategies as st

from vaultkit.parse import parse_note
from vaultkit.positions import Lines


@given(st.text(alphabet="ab \n\r\t#-é", max_size=60), st.integers(-8, 8), st.integers(-8, 8))
def test_lines_are_the_tuple_of_lines(text: str, a: int, b: int) -> None:
    want = tuple(text.split("\n"))
    lines = Lines(text)
    assert len(lines) == len(want)
    assert lines == want and want == lines and tuple(lines) == want and list(lines) == list(want)
    assert [lines[i] for i in range(-len(want), len(want))] == [want[i] for i in range(-len(want), len(want))]
    assert lines[a:b] == want[a:b] and lines[::-1] == want[::-1]
    assert lines[:a] + lines[b:] == want[:a] + want[b:]
    assert hash(lines) == hash(want)
    assert pickle.loads(pickle.dumps(lines)) == want
    for wrong in (len(want), -len(want) - 1):
        try:
            lines[wrong]
        except IndexError:
            continue
        raise AssertionError(f"line {wrong} of {len(want)}")


def test_a_parsed_note_keeps_one_string() -> None:
    text = "".join(f"- line {n} with some words\n" for n in range(200))
    note = parse_note("n.md", ("# T\r\n" + text).encode())
    assert isinstance(note.lines, Lines)
    assert note.lines == tuple(("# T\n" + text).split("\n"))  # normalized: no line endings
    assert note.lines[0] == "# T" and note.lines[-1] == "" and len(note.lines) == 202
    as_tuple = tuple(note.lines)
    size = sys.getsizeof(as_tuple) + sum(sys.getsizeof(line) for line in as_tuple)
    assert sys.getsizeof(note.lines.text) < size / 2
    assert parse_note("n.md", ("# T\r\n" + text).encode()) == note  # equal notes, as before


def test_heading_texts_are_shared() -> None:
    # every session has "## Log", "## Context": one string for all of them
    a, b = (parse_note(f"{n}.md", b"## Context\n\ntext\n\n## Log\n") for n in "ab")
    assert [h.text for h in a.headings] == ["Context", "Log"]
    assert all(x.text is y.text for x, y in zip(a.headings, b.headings))
