"""The Pandoc citation grammar, as a table.

Each case is a source text and the citations expected in it, in document order, as
``(key, line, column, end_column, bracketed, suppress_author)`` -- columns 1-based, end
exclusive, counted in code points; the span covers ``@key`` / ``@{key}`` (a leading ``-``
of suppress-author is not part of it).
"""

from __future__ import annotations

import pytest

from spancheck import check_note
from vaultkit.parse import parse_text

Cite = tuple[str, int, int, int, bool, bool]

CASES: list[tuple[str, str, list[Cite]]] = [
    # -- plain in-text citations -----------------------------------------------------
    ("plain", "see @doe2020 here", [("doe2020", 1, 5, 13, False, False)]),
    ("at line start", "@doe2020 says", [("doe2020", 1, 1, 9, False, False)]),
    ("two on a line", "(see @a and @b)", [("a", 1, 6, 8, False, False), ("b", 1, 13, 15, False, False)]),
    ("in a heading", "## On @key", [("key", 1, 7, 11, False, False)]),
    ("in emphasis", "**@bold2020**", [("bold2020", 1, 3, 12, False, False)]),
    ("after a code span", "`code` @after", [("after", 1, 8, 14, False, False)]),
    ("after a comment", "%% x %% @key", [("key", 1, 9, 13, False, False)]),
    ("second line", "first line\n  @second", [("second", 2, 3, 10, False, False)]),
    # -- what an @ glued to a word is: e-mail addresses and handles ----------------------
    ("email", "mail jane.doe@example.org now", []),
    ("email then citation", "a@b.co, @real", [("real", 1, 9, 14, False, False)]),
    ("after a digit", "room 9@key", []),
    ("after a dot", "x.@key", []),
    ("after a letter", "@key@other", [("key", 1, 1, 5, False, False)]),
    ("unicode letter before", "é@key", []),
    ("escaped at", r"\@key is literal", []),
    # -- bracketed groups and suppress-author ------------------------------------------
    ("bracketed list", "[@a; @b, p. 33]", [("a", 1, 2, 4, True, False), ("b", 1, 6, 8, True, False)]),
    ("prefix and locator", "[see @a, pp. 1-2]", [("a", 1, 6, 8, True, False)]),
    ("suppress author", "[-@a]", [("a", 1, 3, 5, True, True)]),
    ("suppress author in a list", "[see -@a; @b]",
     [("a", 1, 7, 9, True, True), ("b", 1, 11, 13, True, False)]),
    ("bracketed then in-text", "[@a] and @b", [("a", 1, 2, 4, True, False), ("b", 1, 10, 12, False, False)]),
    ("hyphen outside brackets", "text -@a", [("a", 1, 7, 9, False, False)]),
    # -- key grammar -----------------------------------------------------------------
    ("curly key", "@{key with.trailing.}", [("key with.trailing.", 1, 1, 22, False, False)]),
    ("curly key bracketed", "[@{a b}, p. 1]", [("a b", 1, 2, 8, True, False)]),
    ("empty curly", "@{} nothing", []),
    ("trailing punctuation", "@Foo_bar.baz.", [("Foo_bar.baz", 1, 1, 13, False, False)]),
    ("comma after", "@key, then", [("key", 1, 1, 5, False, False)]),
    ("semicolon after", "@key; then", [("key", 1, 1, 5, False, False)]),
    ("paren after", "@key) then", [("key", 1, 1, 5, False, False)]),
    ("in parentheses", "(@key)", [("key", 1, 2, 6, False, False)]),
    ("colon after", "@key: then", [("key", 1, 1, 5, False, False)]),
    ("hyphen after", "@key- then", [("key", 1, 1, 5, False, False)]),
    ("apostrophe after", "@key's idea", [("key", 1, 1, 5, False, False)]),
    ("internal punctuation", "@a:b-c/d", [("a:b-c/d", 1, 1, 9, False, False)]),
    ("internal dots", "@a.b.c", [("a.b.c", 1, 1, 7, False, False)]),
    ("internal hash and plus", "@a#b+c", [("a#b+c", 1, 1, 7, False, False)]),
    ("double punctuation ends the key", "@a..b", [("a", 1, 1, 3, False, False)]),
    ("hyphenated year", "@key-2020", [("key-2020", 1, 1, 10, False, False)]),
    ("unicode key", "@müller2020", [("müller2020", 1, 1, 12, False, False)]),
    ("CJK key", "读 @李2021。", [("李2021", 1, 3, 9, False, False)]),
    ("emoji before", "🧪 @wang2022", [("wang2022", 1, 3, 12, False, False)]),
    ("underscore start", "@_key", [("_key", 1, 1, 6, False, False)]),
    ("digit start", "@2020key", [("2020key", 1, 1, 9, False, False)]),
    ("hyphen start", "@-key", []),
    ("lone at", "a lone @ here", []),
    ("only an at", "@", []),
    ("at then punctuation", "@. @, @;", []),
    # -- places where nothing counts ---------------------------------------------------
    ("inline code", "`@key`", []),
    ("double-backtick code", "``a ` @key``", []),
    ("fenced code", "```\n@key\n```", []),
    ("tilde fence", "~~~md\n[@a; @b]\n~~~", []),
    ("indented code", "    @key", []),
    ("fenced code in a list", "- item\n  ```\n  @key\n  ```\n- @after", [("after", 5, 3, 9, False, False)]),
    ("inline math", "$@key$", []),
    ("inline math with text", "where $x = @key$ holds", []),
    ("display math inline", "$$@key$$", []),
    ("block math", "$$\n@key\n$$", []),
    ("obsidian comment", "%% @key %%", []),
    ("obsidian comment over lines", "%% a\n@key\nb %% @real",
     [("real", 3, 6, 11, False, False)]),
    ("unclosed obsidian comment hides the rest", "%% @a\n\n@b", []),
    ("html comment", "<!-- @key -->", []),
    ("html comment over lines", "<!--\n@key\n-->", []),
    ("url", "https://x.com/@user", []),
    ("url in text", "see https://mastodon.social/@user and @real",
     [("real", 1, 39, 44, False, False)]),
    ("autolink", "<https://x.com/@user>", []),
    ("markdown link destination", "[profile](https://x.com/@user)", []),
    ("wikilink target", "[[@key]]", []),
    ("embed target", "![[@key.pdf#page=2]]", []),
    ("frontmatter", "---\nby: '@key'\n---\ntext", []),
    # -- places where it does count ------------------------------------------------------
    ("tag argument", "[skim(@key)]", [("key", 1, 7, 11, True, False)]),
    ("tag payload", "[question -> as @key says]", [("key", 1, 17, 21, True, False)]),
    ("markdown link text", "[@key](https://doi.org/10/x)", [("key", 1, 2, 6, True, False)]),
    ("list item", "- [skim(@a)]\n  - cf. @b", [("a", 1, 9, 11, True, False), ("b", 2, 9, 11, False, False)]),
    ("block quote", "> as @a put it", [("a", 1, 6, 8, False, False)]),
    ("escaped dollar is not math", r"\$5 and @key \$", [("key", 1, 9, 13, False, False)]),
    ("currency is not math", "costs $5 and $10 @key", [("key", 1, 18, 22, False, False)]),
]


def _cites(source: str) -> list[Cite]:
    note = parse_text("t.md", source)
    assert check_note(source, note) == []
    return [
        (c.key, c.span.line, c.span.column, c.span.end_column, c.bracketed, c.suppress_author)
        for c in note.citations
    ]


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 30
    assert len({name for name, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_citation(source: str, expected: list[Cite]) -> None:
    assert _cites(source) == expected


def test_raw_is_what_was_written() -> None:
    note = parse_text("t.md", "[-@a] @{b c.} @d.")
    assert [c.raw for c in note.citations] == ["@a", "@{b c.}", "@d"]


def test_citation_columns_count_code_points_after_astral_characters() -> None:
    # 𝔸 and 🧠 are one code point each (two UTF-16 units, four UTF-8 bytes)
    note = parse_text("t.md", "𝔸🧠 @k")
    (cite,) = note.citations
    assert (cite.span.column, cite.span.end_column) == (4, 6)


def test_citation_positions_with_crlf_and_bom() -> None:
    from vaultkit.parse import parse_note

    note = parse_note("t.md", "\ufeff---\r\na: 1\r\n---\r\nx @k\r\n\r@m".encode())
    assert [(c.key, c.span.line, c.span.column) for c in note.citations] == [("k", 4, 3), ("m", 6, 1)]
