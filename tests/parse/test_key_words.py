"""Bare words shaped like a citekey (VK209's input): found without looking at every word.

``_key_words`` scans only the runs of citekey characters that hold four digits; the
reference here is the scan of every word the parser did before, kept as the test's
oracle: the two must agree on every text, and the table pins what they find.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, strategies as st

from vaultkit.model import Span
from vaultkit.parse import parse_text
from vaultkit.parse.inline import _IN_ACTION, _KEY_WORD, _YEARISH, _key_words


def every_word(masked: str) -> list[tuple[str, int, int]]:
    """The old scan: every word of the text tried against the key-word test."""
    out = []
    for m in _KEY_WORD.finditer(masked):
        word = m.group()
        if len(word) < 6 or not _YEARISH.search(word):
            continue
        if _IN_ACTION.search(masked, max(0, m.start() - 40), m.start()):
            continue
        out.append((word, m.start(), m.end()))
    return out


def offsets(start: int, end: int) -> Span:
    return Span(1, start, 1, end)  # offsets smuggled through the span: compared as such


def found(masked: str) -> list[tuple[str, int, int]]:
    return [(w.text, w.span.column, w.span.end_column) for w in _key_words(masked, masked, offsets)]


CASES = [
    ("a key in prose", "as vaswani2017 shows", [("vaswani2017", 3, 14)]),
    ("Better BibTeX key", "see kohGroundingLanguageModels2023.", [("kohGroundingLanguageModels2023", 4, 34)]),
    ("a year alone is no key", "in 2017 they", []),
    ("too short", "ab2017 x", [("ab2017", 0, 6)]),
    ("five characters", "a2017 x", []),
    ("after an at sign: a citation, not a bare word", "@vaswani2017", []),
    ("before an at sign", "vaswani2017@x", []),
    ("inside an action's argument", "[skim(vaswani2017)]", []),
    ("punctuation inside a run", "x.y:vaswani2017/z", [("x.y:vaswani2017/z", 0, 17)]),
    ("two runs, one with a year", "plain words and lee2020b here", [("lee2020b", 16, 24)]),
    ("a date is no key", "on 2024-01-05 we", []),
    ("at the very end", "cites smith2019", [("smith2019", 6, 15)]),
    ("trailing punctuation left out", "(smith2019).", [("smith2019", 1, 10)]),
    ("after punctuation no word starts", "abc..smith2019", []),
    ("a key on a later line only", "no year here\nbut lee2020b here", [("lee2020b", 17, 25)]),
    ("keys on two lines", "smith2019\nx lee2020b\n", [("smith2019", 0, 9), ("lee2020b", 12, 20)]),
    ("two keys on one line", "smith2019 and lee2020b", [("smith2019", 0, 9), ("lee2020b", 14, 22)]),
]


@pytest.mark.parametrize("name,text,want", CASES, ids=[c[0] for c in CASES])
def test_key_words_table(name: str, text: str, want: list[tuple[str, int, int]]) -> None:
    assert found(text) == want
    assert every_word(text) == want


ALPHABET = "ab2019 .:-/@#[(x]\n_é٣"  # letters, digits (one not ASCII), key punctuation, @, brackets


@given(st.text(alphabet=ALPHABET, max_size=80))
def test_key_words_equal_a_scan_of_every_word(text: str) -> None:
    assert found(text) == every_word(text)


def test_a_long_run_without_a_year_is_read_once() -> None:
    # the run pattern is tried where a run starts only: 200,000 letters cost their length
    text = "a" * 200_000 + " smith2019"
    assert found(text) == [("smith2019", 200_001, 200_010)]


def test_note_key_words_positions() -> None:
    note = parse_text("n.md", "# T\n\nread vaswani2017 today, @devlin2019 too\n")
    assert [(w.text, tuple(w.span)) for w in note.key_words] == [("vaswani2017", (3, 6, 3, 17))]
