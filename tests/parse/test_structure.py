"""Headings, sections, the list tree and blocks: the structure the position layer recovers."""

from __future__ import annotations

from pathlib import Path

import pytest

from spancheck import check_note
from vaultkit.model import Span
from vaultkit.parse import parse_note, parse_text

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SEED = SHARED / "seed" / "reading-session.md"
TOOLFORMER = SHARED / "corpus" / "real-sessions" / "toolformer-session.md"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notes"


def parse(src: str):
    note = parse_text("t.md", src)
    assert check_note(src, note) == []
    return note


def read(path: Path):
    if not path.exists():
        pytest.skip(f"{path} is not available")
    data = path.read_bytes()
    note = parse_note(path.name, data)
    assert check_note(data, note) == []
    return note


# -- headings ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("# Title", [(1, "Title", "atx")]),
        ("## Log ##", [(2, "Log", "atx")]),
        ("# H #####   ", [(1, "H", "atx")]),
        ("#### Trailing hash#", [(4, "Trailing hash#", "atx")]),
        ("### C# notes ###", [(3, "C# notes", "atx")]),
        ("   ### three spaces", [(3, "three spaces", "atx")]),
        ("#\ttab", [(1, "tab", "atx")]),
        ("## 今日の要約 🧠", [(2, "今日の要約 🧠", "atx")]),
        ("#", [(1, "", "atx")]),
        ("#NoSpace", []),
        ("####### seven", []),
        ("    # four spaces is code", []),
        ("Title\n=====", [(1, "Title", "setext")]),
        ("Sub title\n---", [(2, "Sub title", "setext")]),
        ("```\n# not a heading\n```", []),
        ("~~~\n## not either\n~~~", []),
        ("%% # not a heading %%", []),
        ("%%\n## hidden\n%%", []),
        ("<!--\n# hidden\n-->", []),
        ("- # in a list item", []),
        ("> # in a quote", []),
    ],
)
def test_headings(src: str, expected: list[tuple[int, str, str]]) -> None:
    note = parse(src)
    assert [(h.level, h.text, h.style) for h in note.headings] == expected


def test_heading_spans() -> None:
    note = parse("## Log ##\n\nTitle\n=====\n")
    atx, setext = note.headings
    assert atx.span == Span(1, 1, 1, 10) and atx.text_span == Span(1, 4, 1, 7)
    assert setext.span == Span(3, 1, 4, 6) and setext.text_span == Span(3, 1, 3, 6)


# -- sections ---------------------------------------------------------------------------
SECTIONED = """intro line

# A
a text
## A1
%% only a comment %%
## A2

# B
b text
"""


def test_sections() -> None:
    note = parse(SECTIONED)
    got = [(s.title, s.level, s.start_line, s.end_line, s.direct_end_line, s.has_content)
           for s in note.sections]
    assert got == [
        ("", 0, 1, 2, 2, True),  # the preamble
        ("A", 1, 4, 8, 4, True),
        ("A1", 2, 6, 6, 6, False),  # only a comment: no content
        ("A2", 2, 8, 8, 8, False),
        ("B", 1, 10, 10, 10, True),
    ]
    assert note.section("a1") is note.sections[2]
    assert note.section("missing") is None


def test_empty_sections() -> None:
    note = parse("## Done\n\n\n## Learned\n")
    done, learned = note.sections
    assert (done.start_line, done.end_line, done.has_content) == (2, 3, False)
    assert learned.end_line < learned.start_line and not learned.has_content


def test_section_with_only_an_html_comment_has_no_content() -> None:
    note = parse("## A\n<!-- nothing -->\n## B\ntext\n")
    assert [s.has_content for s in note.sections] == [False, True]


def test_sections_after_frontmatter() -> None:
    note = parse("---\na: 1\n---\n## tl;dr\ntext\n")
    (section,) = note.sections  # the frontmatter is no preamble
    assert (section.title, section.start_line, section.end_line) == ("tl;dr", 5, 5)


def test_seed_sections() -> None:
    note = read(SEED)
    assert [s.title for s in note.sections] == ["tl;dr", "Context", "Done", "Learned", "Next?", "Log"]
    assert [s.has_content for s in note.sections] == [True, True, False, False, False, True]
    log = note.section("Log")
    assert log is not None and (log.start_line, log.end_line) == (16, 36)


# -- the list tree ----------------------------------------------------------------------
def tree(note) -> list[tuple[int, int | None, int, int, int]]:
    """(line, parent line, depth, indent, end_line) per item."""
    items = note.list_items
    return [
        (i.line, items[i.parent].line if i.parent is not None else None, i.depth, i.indent, i.end_line)
        for i in items
    ]


def test_seed_list_tree() -> None:
    note = read(SEED)
    log = note.section("Log")
    assert log is not None
    entries = [i for i in note.items_in(log) if i.depth == 0]
    assert [i.text for i in entries] == [
        "[skim(@pfeifferModularDeepLearning2023)]", "[skim(@liTrainLargeThen2020)]",
        "[skim(@merulloLinearlyMappingImage2022)]", "[skim(@huangComposerCreativeControllable2023)]",
    ]
    assert [(i.line, i.end_line) for i in entries] == [(16, 20), (21, 24), (25, 33), (34, 36)]
    assert [len(note.children(i)) for i in entries] == [4, 3, 4, 2]
    soliloquy = next(i for i in note.list_items if i.text == "[soliloquy ->]")
    assert (soliloquy.line, soliloquy.depth, soliloquy.indent, soliloquy.end_line) == (29, 1, 2, 33)
    assert note.list_items[soliloquy.parent].line == 25
    assert [c.line for c in note.children(soliloquy)] == [30, 31, 32, 33]
    assert all(c.depth == 2 and c.indent == 4 for c in note.children(soliloquy))
    assert len(note.descendants(entries[2])) == 8
    context = note.section("Context")
    assert context is not None and [i.line for i in note.items_in(context)] == [5, 6]


def test_toolformer_list_tree() -> None:
    note = read(TOOLFORMER)
    context = note.section("Context")
    assert context is not None
    tasks = note.items_in(context)
    assert [i.task for i in tasks] == [" "] * 5
    assert tasks[0].text.startswith("`aoSpeechT5")
    log = note.section("Log")
    assert log is not None
    top = [i for i in note.items_in(log) if i.depth == 0]
    # the entry opened with "- " at column 1, then entries written with a 1-space indent
    assert [(i.line, i.indent) for i in top] == [
        (18, 0), (41, 1), (45, 1), (48, 1), (51, 1), (55, 1), (60, 1), (63, 1)
    ]
    assert top[0].end_line == 40
    assert top[0].text.startswith("[read([Toolformer")
    first_children = note.children(top[0])
    assert [i.line for i in first_children] == [19, 24, 25, 29, 32, 33, 34, 35]
    image = first_children[0]
    assert [i.line for i in note.children(image)] == [20, 21, 22, 23]
    assert all(i.indent == 4 and i.depth == 2 for i in note.children(image))
    # 1-space entries own 3-space children
    lama = top[1]
    assert lama.text == "Eval on `LAMA`"
    assert [(i.line, i.indent, i.depth) for i in note.children(lama)] == [(42, 3, 1), (43, 3, 1), (44, 3, 1)]
    # the deepest items, indented by 6, sit three levels down
    deep = [i for i in note.list_items if i.depth == 3]
    assert [i.line for i in deep] == [38, 39, 40]


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        # one-space and four-space indents (CommonMark: a 1-space item under "- " is a sibling)
        ("- a\n - b\n  - c\n    - d", [(1, None, 0, 0, 1), (2, None, 0, 1, 2), (3, None, 0, 2, 4), (4, 3, 1, 4, 4)]),
        ("- a\n    - b\n        - c", [(1, None, 0, 0, 3), (2, 1, 1, 4, 3), (3, 2, 2, 8, 3)]),
        ("- a\n\t- b\n\t\t- c", [(1, None, 0, 0, 3), (2, 1, 1, 1, 3), (3, 2, 2, 2, 3)]),
        ("1. a\n   - b\n2) c", [(1, None, 0, 0, 2), (2, 1, 1, 3, 2), (3, None, 0, 0, 3)]),
        ("- - nested", [(1, None, 0, 0, 1), (1, 1, 1, 2, 1)]),
        ("- a\n\n  para\n- b", [(1, None, 0, 0, 3), (4, None, 0, 0, 4)]),
        ("- a\nlazy\n- b", [(1, None, 0, 0, 2), (3, None, 0, 0, 3)]),
        ("- a\n\n\n- b\n\n", [(1, None, 0, 0, 1), (4, None, 0, 0, 4)]),
        # items inside block quotes, and quotes inside items
        ("> - a\n>   - b\n> - c", [(1, None, 0, 2, 2), (2, 1, 1, 4, 2), (3, None, 0, 2, 3)]),
        ("> > - deep", [(1, None, 0, 4, 1)]),
        ("- a\n  > q\n  > - b\n- c", [(1, None, 0, 0, 3), (3, 1, 1, 4, 3), (4, None, 0, 0, 4)]),
        # items hidden in comments are no items
        ("%%\n- [skim(@a)]\n%%\n- b", [(4, None, 0, 0, 4)]),
    ],
)
def test_list_tree(src: str, expected: list[tuple[int, int | None, int, int, int]]) -> None:
    assert tree(parse(src)) == expected


def test_marker_and_text_spans() -> None:
    note = parse("- a\n10. ten\n> 2) q\n- [x] done\n-\n  later")
    got = [(i.marker, i.marker_span, i.text, i.text_span, i.task) for i in note.list_items]
    assert got == [
        ("-", Span(1, 1, 1, 2), "a", Span(1, 3, 1, 4), None),
        ("10.", Span(2, 1, 2, 4), "ten", Span(2, 5, 2, 8), None),
        ("2)", Span(3, 3, 3, 5), "q", Span(3, 6, 3, 7), None),
        ("-", Span(4, 1, 4, 2), "done", Span(4, 7, 4, 11), "x"),
        ("-", Span(5, 1, 5, 2), "", Span(5, 2, 5, 2), None),
    ]
    assert note.list_items[-1].end_line == 6


def test_items_stay_in_document_order_when_a_list_ends_a_quote() -> None:
    # mistune's prepend_token put the quote after the list that ended it (found by hypothesis)
    note = parse("> - a\n- b\n> c\n")
    assert tree(note) == [(1, None, 0, 2, 1), (2, None, 0, 0, 2)]
    assert [(b.kind, b.start_line) for b in note.blocks if b.depth == 0] == [
        ("block_quote", 1), ("list", 2), ("block_quote", 3)
    ]


def test_repeated_item_text_keeps_its_own_line() -> None:
    # identical lines used to confuse a placement that searched for the text
    note = parse("- x\n  - x\n- x\n  - x\n    - x\n")
    assert tree(note) == [(1, None, 0, 0, 2), (2, 1, 1, 2, 2), (3, None, 0, 0, 5), (4, 3, 1, 2, 5), (5, 4, 2, 4, 5)]


def test_fixture_nested_lists_and_quotes() -> None:
    note = read(FIXTURES / "nested-lists-quotes.md")
    by_line = {i.line: i for i in note.list_items}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 19, 21, 22, 25, 26, 28]
    assert by_line[11].depth == 3 and note.list_items[by_line[11].parent].line == 10
    assert by_line[15].depth == 1 and by_line[15].indent == 4
    assert by_line[21].depth == 1 and note.list_items[by_line[21].parent].line == 19
    assert by_line[22].end_line == 23  # the lazy continuation line
    assert [i.marker for i in note.list_items if i.line in (25, 28)] == ["1.", "10."]


# -- blocks -----------------------------------------------------------------------------
def kinds(note) -> list[tuple[str, int, int, int]]:
    return [(b.kind, b.start_line, b.end_line, b.depth) for b in note.blocks]


def test_block_kinds_and_lines() -> None:
    src = (
        "# H\n"            # 1
        "para @a\n"        # 2
        "\n"               # 3
        "```python\n"      # 4
        "x = 1\n"          # 5
        "```\n"            # 6
        "$$\n"             # 7
        "e = mc^2\n"       # 8
        "$$\n"             # 9
        "> quote\n"        # 10
        "---\n"            # 11
        "<div>\n"          # 12
        "</div>\n"         # 13
        "\n"               # 14
        "    code\n"       # 15
        "\n"               # 16
        "- item\n"         # 17
    )
    note = parse(src)
    assert kinds(note) == [
        ("heading", 1, 1, 0), ("paragraph", 2, 2, 0), ("code", 4, 6, 0), ("math", 7, 9, 0),
        ("block_quote", 10, 10, 0), ("paragraph", 10, 10, 1), ("thematic_break", 11, 11, 0),
        ("html", 12, 13, 0), ("code", 15, 15, 0), ("list", 17, 17, 0), ("paragraph", 17, 17, 1),
    ]
    assert note.blocks[2].info == "python"


def test_list_block_ends_before_the_heading_that_closes_it() -> None:
    note = parse("- a\n- b\n\n## Next\ntext\n")
    assert kinds(note)[0] == ("list", 1, 2, 0)


def test_code_fence_inside_a_list_item_masks_its_content() -> None:
    src = "- item\n  ```bash\n  echo @nope [[nope]] [skim]\n  ```\n  - child @yes\n- next\n"
    note = parse(src)
    code = [b for b in note.blocks if b.kind == "code"]
    assert [(b.start_line, b.end_line, b.depth, b.info) for b in code] == [(2, 4, 1, "bash")]
    assert [c.key for c in note.citations] == ["yes"]
    assert note.links == () and note.tags == ()
    assert tree(note) == [(1, None, 0, 0, 5), (5, 1, 1, 2, 5), (6, None, 0, 0, 6)]


def test_indented_code_inside_a_list_item() -> None:
    note = parse("- item\n\n      code @nope\n- next @yes\n")
    assert [(b.kind, b.start_line, b.depth) for b in note.blocks if b.kind == "code"] == [("code", 3, 1)]
    assert [c.key for c in note.citations] == ["yes"]


def test_fence_in_a_quote_masks_its_content() -> None:
    note = parse("> ```\n> @nope\n> ```\n> @yes\n")
    assert [c.key for c in note.citations] == ["yes"]
    assert [(b.kind, b.start_line, b.end_line) for b in note.blocks if b.kind == "code"] == [("code", 1, 3)]


def test_unclosed_fence_runs_to_the_end() -> None:
    note = parse("text @a\n```\n@nope\n\n## not a heading\n")
    assert [c.key for c in note.citations] == ["a"]
    assert note.headings == ()


def test_fixture_code_blocks() -> None:
    note = read(FIXTURES / "code-blocks.md")
    assert [c.key for c in note.citations] == ["yes2020", "after2020", "quoted2021", "counted2022"]
    assert note.links == () and note.tags == ()
    code = [(b.start_line, b.end_line, b.depth) for b in note.blocks if b.kind == "code"]
    assert code == [(4, 7, 0), (9, 11, 0), (13, 13, 0), (16, 18, 1), (20, 22, 2), (26, 26, 1), (28, 30, 1)]
