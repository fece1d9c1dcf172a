"""The one splice: edits land on the right bytes and nothing else moves."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from vaultkit.edits import EditError, dominant_newline, splice
from vaultkit.model import Edit, Span
from vaultkit.positions import column_from_utf16, utf16_column


def test_replaces_only_the_span() -> None:
    data = "a @k b\nzweite Zeile\n".encode()
    out = splice(data, [Edit(Span(1, 3, 1, 5), "@key")])
    assert out == "a @key b\nzweite Zeile\n".encode()


def test_keeps_bom_crlf_and_non_utf8_bytes_elsewhere() -> None:
    data = b"\xef\xbb\xbfcaf\xe9\r\nold\rlast\n"
    out = splice(data, [Edit(Span(2, 1, 2, 4), "new")])
    assert out == b"\xef\xbb\xbfcaf\xe9\r\nnew\rlast\n"


def test_inserted_line_breaks_follow_the_file() -> None:
    data = b"one\r\ntwo\r\n"
    out = splice(data, [Edit(Span(2, 1, 2, 1), "## Log\n\n")])
    assert out == b"one\r\n## Log\r\n\r\ntwo\r\n"


def test_columns_count_code_points() -> None:
    data = "数据 @x 😀 @y\n".encode()
    out = splice(data, [Edit(Span(1, 4, 1, 6), "@xx"), Edit(Span(1, 9, 1, 11), "@yy")])
    assert out.decode() == "数据 @xx 😀 @yy\n"


def test_overlapping_edits_are_refused() -> None:
    with pytest.raises(EditError):
        splice(b"abcdef\n", [Edit(Span(1, 1, 1, 4), "x"), Edit(Span(1, 3, 1, 5), "y")])


def test_out_of_range_is_refused() -> None:
    with pytest.raises(EditError):
        splice(b"abc\n", [Edit(Span(1, 9, 1, 9), "x")])
    with pytest.raises(EditError):
        splice(b"abc\n", [Edit(Span(5, 1, 5, 1), "x")])


def test_dominant_newline() -> None:
    assert dominant_newline(b"a\r\nb\r\nc\n") == b"\r\n"
    assert dominant_newline(b"a") == b"\n"
    assert dominant_newline(b"a\rb\r") == b"\r"


@settings(max_examples=200, derandomize=True)
@given(prefix=st.binary(max_size=40).filter(lambda b: b"\n" not in b and b"\r" not in b),
       suffix=st.binary(max_size=40), middle=st.text(max_size=10).filter(lambda t: "\r" not in t))
def test_bytes_outside_the_edit_are_identical(prefix: bytes, suffix: bytes, middle: str) -> None:
    data = prefix + b"\nREPLACE ME\n" + suffix
    out = splice(data, [Edit(Span(2, 1, 3, 1), middle)])
    assert out.startswith(prefix + b"\n")
    assert out.endswith(suffix)


def test_utf16_columns_round_trip() -> None:
    line = "a😀b数"
    assert [utf16_column(line, c) for c in range(1, 6)] == [1, 2, 4, 5, 6]
    assert [column_from_utf16(line, u) for u in (1, 2, 4, 5, 6)] == [1, 2, 3, 4, 5]
    assert column_from_utf16(line, 3) == 2  # inside the surrogate pair: the emoji's start
