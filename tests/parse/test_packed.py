"""A note's citations and links as tables (vaultkit.packed): the same elements, far less.

The table is a read-only sequence equal to the elements it holds; its per-shape and
per-line lookups agree with the plain loops over a tuple (the reference: what a Note
built by hand falls back on); it survives pickling (worker processes) and the store's
data form, which rejects anything that is not a table.
"""

from __future__ import annotations

import pickle
import sys

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from test_span_invariant import documents
from vaultkit.facts import NoteFacts
from vaultkit.model import Citation, Link, Span
from vaultkit.packed import EMPTY_CITATIONS, EMPTY_LINKS, Packed, between, decode_hook, distinct, encode_hook, occurrences, pack, starting_in
from vaultkit.parse import parse_note

LINE = "- [skim(@k)] [[x]] @k [[x|a]] [@k, p. 3] [[x]] [-@k] @k\n"


def tables(data: bytes) -> list[Packed]:
    note = parse_note("sessions/2023-03-14.md", data)
    return [t for t in (note.links, note.citations) if isinstance(t, Packed)]


@given(documents())
def test_a_table_is_the_sequence_of_its_elements(data: bytes) -> None:
    for table in tables(data):
        elements = tuple(table)
        assert table == elements and len(table) == len(elements)
        assert [table[i] for i in range(len(table))] == list(elements)
        assert table[1:-1] == elements[1:-1] and (not elements or table[-1] == elements[-1])
        assert [e.span[:2] for e in elements] == sorted(e.span[:2] for e in elements)  # document order
        assert pickle.loads(pickle.dumps(table)) == elements
        assert pack(table.kind, elements) == table


@given(documents())
def test_lookups_agree_with_the_plain_loops(data: bytes) -> None:
    for table in tables(data):
        elements = tuple(table)
        assert distinct(table) == distinct(elements)
        for first in distinct(elements):
            for limit in (1, 2, sys.maxsize):
                assert list(occurrences(table, first, limit)) == list(occurrences(elements, first, limit))
        assert distinct(table) == distinct(elements)  # again, from the index occurrences built
        lines = {e.span.line for e in elements} | {1}
        for line in lines:
            assert between(table, line, line + 1) == between(elements, line, line + 1)
        for e in elements:
            where = Span(e.span.line, max(1, e.span.column - 3), e.span.end_line, e.span.end_column + 3)
            assert starting_in(table, where) == starting_in(elements, where)


def test_occurrences_counts_past_the_limit_per_line() -> None:
    note = parse_note("n.md", (("[[x]] " * 7 + "\n") * 2 + "[[x]]\n").encode())
    (x,) = distinct(note.links)
    assert [(link.span.line, link.span.column, more) for link, more in occurrences(note.links, x, 3)] == [
        (1, 1, 0), (1, 7, 0), (1, 13, 4), (2, 1, 0), (2, 7, 0), (2, 13, 4), (3, 1, 0)]


def test_a_table_keeps_each_distinct_element_once() -> None:
    note = parse_note("n.md", (LINE * 1000).encode())
    assert len(note.citations) == 5000 and len(note.links) == 3000
    # @k inside brackets (the action's, [@k, p. 3]), in the text, and [-@k
    assert len(note.citations._shapes) == 3 and len(note.links._shapes) == 2
    assert [(c.bracketed, c.suppress_author) for c in distinct(note.citations)] == [
        (True, False), (False, False), (True, True)]
    assert note.citations[-1] == Citation("k", "@k", Span(1000, 54, 1000, 56))


def test_the_store_form_round_trips_and_rejects_anything_else() -> None:
    note = parse_note("n.md", (("x\r\n" + LINE) * 3).encode())
    facts = NoteFacts.of(note, "h")
    data = msgspec.json.Encoder(enc_hook=encode_hook).encode(facts)
    back = msgspec.json.decode(data, type=NoteFacts, dec_hook=decode_hook)
    assert back == facts and back.links == tuple(note.links) and back.citations == tuple(note.citations)
    good = facts.links.to_data()
    assert Packed.from_data(good) == facts.links
    bad = [
        [], {"kind": "link"}, {**good, "kind": "citation"}, {**good, "rows": good["rows"][:4]},
        {**good, "rows": [r[:1] for r in good["rows"][:4]] + [good["rows"][4]]},
        {**good, "rows": [[9] + r[1:] for r in good["rows"][:1]] + good["rows"][1:]},  # no such shape
        {**good, "rows": [[-1] + r[1:] for r in good["rows"][:1]] + good["rows"][1:]},
        {**good, "rows": [[0.5] + r[1:] for r in good["rows"][:1]] + good["rows"][1:]},
        {**good, "shapes": [s[:-1] for s in good["shapes"]]},
        {**good, "shapes": [[1, *s[1:]] for s in good["shapes"]]},
        {**good, "shapes": [[*s[:-1], [0, 1]] for s in good["shapes"]]},
    ]
    for wrong in bad:
        with pytest.raises(ValueError):
            Packed.from_data(wrong)
    # as the store reads it: the wrong kind of table for the field is refused too
    swapped = msgspec.json.Encoder().encode({"path": "n.md", "hash": "h", "links": facts.citations.to_data()})
    with pytest.raises((msgspec.ValidationError, ValueError)):
        msgspec.json.decode(swapped, type=NoteFacts, dec_hook=decode_hook)


def test_facts_built_from_tuples_hold_tables() -> None:
    link = Link("wikilink", "[[x]]", Span(1, 1, 1, 6), "x", target_span=Span(1, 3, 1, 4))
    facts = NoteFacts("n.md", "h", links=(link,))
    assert isinstance(facts.links, Packed) and list(facts.links) == [link]
    assert isinstance(facts.citations, Packed) and not facts.citations


def test_a_table_come_back_is_small_and_equal() -> None:
    # what the linter's main process holds for every note: tables from the workers
    # (pickle) and from the store (msgspec) share their strings, the empty table and,
    # when every element is on one line, the start and end line arrays
    a = parse_note("a.md", ("see @" + "vaswaniAttentionAllYou2017 and [x](y.md)\n").encode())
    b = parse_note("b.md", ("and @" + "vaswaniAttentionAllYou2017 and [x](y.md)\n").encode())
    empty = parse_note("c.md", b"nothing cited\n")
    for back in (lambda t: pickle.loads(pickle.dumps(t)), lambda t: Packed.from_data(t.to_data())):
        ca, cb, la, lb = back(a.citations), back(b.citations), back(a.links), back(b.links)
        assert (ca, cb, la, lb) == (a.citations, b.citations, a.links, b.links)
        assert ca._shapes[0][0] is cb._shapes[0][0]  # the key, once
        assert la._shapes[0][2] is lb._shapes[0][2]  # the target, once
        assert la._end_line is la._line
        assert back(empty.citations) is back(empty.citations) is EMPTY_CITATIONS
        assert back(empty.links) is EMPTY_LINKS


def test_distinct_keeps_no_index() -> None:
    # the vault-wide rules ask every note's tables for their distinct elements: in a
    # process holding every note's facts, a per-shape index kept per table adds up
    table = parse_note("n.md", LINE.encode()).links
    assert [link.target for link in distinct(table)] == ["x", "x"]  # [[x]] and [[x|a]]
    assert table._index is None


def test_a_sharer_hands_out_one_copy_of_equal_values() -> None:
    from vaultkit.model import Word
    from vaultkit.packed import Sharer

    sharer = Sharer()
    a = parse_note("a.md", ("## Log\nsee @" + "vaswaniAttentionAllYou2017\n").encode())
    b = parse_note("b.md", ("## Log\nand @" + "vaswaniAttentionAllYou2017\n").encode())
    ha, hb = sharer.each(pickle.loads(pickle.dumps(a.headings))), sharer.each(pickle.loads(pickle.dumps(b.headings)))
    assert ha == a.headings and ha is hb and ha[0] is hb[0]
    ca, cb = (sharer.table(pickle.loads(pickle.dumps(n.citations))) for n in (a, b))
    assert (ca, cb) == (a.citations, b.citations)  # positions are each table's own
    assert ca._shapes[0] is cb._shapes[0]
    # equal but of another type is never handed out: a block id is a plain tuple
    word = Word("x", Span(1, 1, 1, 2))
    assert type(sharer.one(("x", Span(1, 1, 1, 2)))) is tuple
    assert type(sharer.one(word)) is Word and sharer.each(()) == ()
