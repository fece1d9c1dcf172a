"""Wikilinks, embeds, Markdown links and images, and session tags, as tables.

Positions are ``(line, column, end_line, end_column)``: 1-based, end exclusive, code points.
"""

from __future__ import annotations

import pytest

from spancheck import check_note
from vaultkit.parse import parse_text

# (kind, target, fragment, label, is_url, (line, column, end_line, end_column))
LinkRow = tuple[str, str, "str | None", "str | None", bool, tuple[int, int, int, int]]

LINK_CASES: list[tuple[str, str, list[LinkRow]]] = [
    # -- wikilinks and embeds ------------------------------------------------------------
    ("wikilink", "[[target]]", [("wikilink", "target", None, None, False, (1, 1, 1, 11))]),
    ("alias", "[[target|alias]]", [("wikilink", "target", None, "alias", False, (1, 1, 1, 17))]),
    ("heading", "[[target#Heading]]", [("wikilink", "target", "Heading", None, False, (1, 1, 1, 19))]),
    ("block", "[[target#^block]]", [("wikilink", "target", "^block", None, False, (1, 1, 1, 18))]),
    ("heading and alias", "[[Multi word#Sub head|Shown text]]",
     [("wikilink", "Multi word", "Sub head", "Shown text", False, (1, 1, 1, 35))]),
    ("embed", "![[file.png]]", [("embed", "file.png", None, None, False, (1, 1, 1, 14))]),
    ("embed size", "![[file.png|300]]", [("embed", "file.png", None, "300", False, (1, 1, 1, 18))]),
    ("embed page", "![[doc.pdf#page=3]]", [("embed", "doc.pdf", "page=3", None, False, (1, 1, 1, 20))]),
    ("same-note heading", "[[#Heading]]", [("wikilink", "", "Heading", None, False, (1, 1, 1, 13))]),
    ("folder", "[[folder/note]]", [("wikilink", "folder/note", None, None, False, (1, 1, 1, 16))]),
    ("citekey note", "[[@doe2020]]", [("wikilink", "@doe2020", None, None, False, (1, 1, 1, 13))]),
    ("several on a line", "see [[a]] and ![[b|c]]",
     [("wikilink", "a", None, None, False, (1, 5, 1, 10)),
      ("embed", "b", None, "c", False, (1, 15, 1, 23))]),
    ("CJK", "读 [[日本語ノート]]", [("wikilink", "日本語ノート", None, None, False, (1, 3, 1, 13))]),
    ("in a list item", "- x\n  - [[deep]]", [("wikilink", "deep", None, None, False, (2, 5, 2, 13))]),
    ("unclosed", "[[target", []),
    ("across lines", "[[tar\nget]]", []),
    # -- Markdown links and images -------------------------------------------------------
    ("markdown", "[t](dest.md)", [("markdown", "dest.md", None, "t", False, (1, 1, 1, 13))]),
    ("image", "![](asset/x.png)", [("image", "asset/x.png", None, "", False, (1, 1, 1, 17))]),
    ("image with alt", "![a plot](asset/x.png)", [("image", "asset/x.png", None, "a plot", False, (1, 1, 1, 23))]),
    ("angle destination", "[t](<dest with spaces.md>)",
     [("markdown", "dest with spaces.md", None, "t", False, (1, 1, 1, 27))]),
    ("percent-encoded", "[t](my%20note.md)", [("markdown", "my note.md", None, "t", False, (1, 1, 1, 18))]),
    ("percent-encoded fragment", "[t](n.md#Some%20Heading)",
     [("markdown", "n.md", "Some Heading", "t", False, (1, 1, 1, 25))]),
    ("nested parentheses", "[t](wiki/Foo_(bar).md)",
     [("markdown", "wiki/Foo_(bar).md", None, "t", False, (1, 1, 1, 23))]),
    ("blanks inside the parentheses", "[t]( x.md )", [("markdown", "x.md", None, "t", False, (1, 1, 1, 12))]),
    ("http", "[web](https://example.org/x?y=1#frag)",
     [("markdown", "https://example.org/x?y=1#frag", None, "web", True, (1, 1, 1, 38))]),
    ("mailto", "[m](mailto:me@example.org)", [("markdown", "mailto:me@example.org", None, "m", True, (1, 1, 1, 27))]),
    ("obsidian", "[o](obsidian://open?vault=v)", [("markdown", "obsidian://open?vault=v", None, "o", True, (1, 1, 1, 29))]),
    ("zotero", "[z](zotero://select/items/@key)",
     [("markdown", "zotero://select/items/@key", None, "z", True, (1, 1, 1, 32))]),
    ("image inside a link", "[![a](x.png)](https://example.org/big.png)",
     [("markdown", "https://example.org/big.png", None, "![a](x.png)", True, (1, 1, 1, 43)),
      ("image", "x.png", None, "a", False, (1, 2, 1, 13))]),
    ("link text over two lines", "[multi\nline](x.md)",
     [("markdown", "x.md", None, "multi\nline", False, (1, 1, 2, 12))]),
    ("autolink", "<https://example.org/a>",
     [("autolink", "https://example.org/a", None, None, True, (1, 1, 1, 24))]),
    ("CJK link", "[链接](笔记/文件%20名.md)", [("markdown", "笔记/文件 名.md", None, "链接", False, (1, 1, 1, 19))]),
    ("space in destination", "[t](a b.md)", []),
    ("unbalanced parenthesis", "[t](a(b.md)", []),
    ("escaped bracket", r"\[t](x.md)", []),
    ("reference link", "[text][ref]", []),
    ("blank line inside the text", "[a\n\nb](x.md)", []),
    # -- places where nothing counts -----------------------------------------------------
    ("inline code", "`[[x]] [t](y.md)`", []),
    ("fenced code", "```\n[[x]]\n```", []),
    ("math", "$[[x]]$", []),
    ("obsidian comment", "%% [[x]] ![](y.png) %%", []),
    ("html comment", "<!-- [[x]] -->", []),
]


def _links(source: str) -> list[LinkRow]:
    note = parse_text("t.md", source)
    assert check_note(source, note) == []
    return [
        (link.kind, link.target, link.fragment, link.label, link.is_url,
         (link.span.line, link.span.column, link.span.end_line, link.span.end_column))
        for link in note.links
    ]


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in LINK_CASES], ids=[c[0] for c in LINK_CASES])
def test_link(source: str, expected: list[LinkRow]) -> None:
    assert _links(source) == expected


@pytest.mark.parametrize(
    ("source", "title"),
    [('[t](a.md "T x")', "T x"), ("[t](a.md 'T x')", "T x"), ("[t](a.md (T x))", "T x"),
     ('![i](a.png "标题 ✨")', "标题 ✨"), ("[t](a.md)", None)],
)
def test_link_title(source: str, title: str | None) -> None:
    (link,) = parse_text("t.md", source).links
    assert link.target in ("a.md", "a.png")
    assert link.title == title
    assert link.raw == source


def test_target_span_covers_the_target_as_written() -> None:
    source = "[[ note #h|a]] [t](<my file.md>) [u](x%20y.md#f)"
    note = parse_text("t.md", source)
    written = [source[l.target_span.column - 1 : l.target_span.end_column - 1] for l in note.links]
    assert written == [" note ", "<my file.md>", "x%20y.md#f"]
    assert [l.target for l in note.links] == ["note", "my file.md", "x y.md"]


def test_is_embed() -> None:
    note = parse_text("t.md", "![[a.png]] [[b]] ![](c.png) [d](d.md)")
    assert [l.is_embed for l in note.links] == [True, False, True, False]


# -- session tags -----------------------------------------------------------------------
# (name, argument, arrow, payload, (line, column, end_line, end_column))
TagRow = tuple[str, "str | None", bool, "str | None", tuple[int, int, int, int]]

TAG_CASES: list[tuple[str, str, list[TagRow]]] = [
    ("bare", "[skim]", [("skim", None, False, None, (1, 1, 1, 7))]),
    ("arrow", "[question -> why?]", [("question", None, True, "why?", (1, 1, 1, 19))]),
    ("empty arrow", "[soliloquy ->]", [("soliloquy", None, True, "", (1, 1, 1, 15))]),
    ("arrow and a blank", "[soliloquy -> ]", [("soliloquy", None, True, "", (1, 1, 1, 16))]),
    ("citekey argument", "[skim(@key)]", [("skim", "@key", False, None, (1, 1, 1, 13))]),
    ("link argument", "[read([Title](https://x.org/a))]",
     [("read", "[Title](https://x.org/a)", False, None, (1, 1, 1, 33))]),
    ("argument and arrow", "[read(@a) -> notes]", [("read", "@a", True, "notes", (1, 1, 1, 20))]),
    ("empty argument", "[skim()]", [("skim", "", False, None, (1, 1, 1, 9))]),
    ("underscore name", "[lesson_learned -> x]", [("lesson_learned", None, True, "x", (1, 1, 1, 22))]),
    ("hyphen name", "[follow-up]", [("follow-up", None, False, None, (1, 1, 1, 12))]),
    ("mid-sentence", "So [eureka -> idea] and [question -> q] too",
     [("eureka", None, True, "idea", (1, 4, 1, 20)), ("question", None, True, "q", (1, 25, 1, 40))]),
    ("brackets in the payload", "[note -> a [nested] b]", [("note", None, True, "a [nested] b", (1, 1, 1, 23))]),
    ("a tag in the payload is text", "[eureka -> see [skim(@a)] again] [skim]",
     [("eureka", None, True, "see [skim(@a)] again", (1, 1, 1, 33)), ("skim", None, False, None, (1, 34, 1, 40))]),
    ("in a list item", "- [skim(@a)]", [("skim", "@a", False, None, (1, 3, 1, 13))]),
    ("after a task box", "- [ ] [skim(@a)]", [("skim", "@a", False, None, (1, 7, 1, 17))]),
    ("CJK payload", "[question -> 为什么 🤔?]", [("question", None, True, "为什么 🤔?", (1, 1, 1, 21))]),
    ("payload over two lines", "- [eureka -> a\n  b]", [("eureka", None, True, "a\n  b", (1, 3, 2, 5))]),
    # -- not tags ----------------------------------------------------------------------
    ("task box", "- [ ] task", []),
    ("done task box", "- [x] done", []),
    ("upper-case done box", "- [X] Done", []),
    ("bracketed prose", "[QA() -> Steel City]", []),
    ("capitalised", "[Skim]", []),
    ("markdown link text", "[text](https://x.org)", []),
    ("image alt", "![alt](x.png)", []),
    ("link definition", "[ref]: https://x.org", []),
    ("reference link", "[text][ref]", []),
    ("escaped", r"\[skim]", []),
    ("wikilink", "[[skim]]", []),
    ("unclosed argument", "[skim(@a]", []),
    ("unclosed", "[skim", []),
    ("inline code", "`[skim]`", []),
    ("comment", "%% [skim] %%", []),
    ("math", "$[skim]$", []),
    ("fenced code", "```\n[skim(@a)]\n```", []),
]


def _tags(source: str) -> list[TagRow]:
    note = parse_text("t.md", source)
    assert check_note(source, note) == []
    return [
        (t.name, t.argument, t.arrow, t.payload,
         (t.span.line, t.span.column, t.span.end_line, t.span.end_column))
        for t in note.tags
    ]


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in TAG_CASES], ids=[c[0] for c in TAG_CASES])
def test_tag(source: str, expected: list[TagRow]) -> None:
    assert _tags(source) == expected


@pytest.mark.parametrize(
    ("source", "task", "text"),
    [("- [ ] task", " ", "task"), ("- [x] done", "x", "done"), ("- [X] Done", "X", "Done"),
     ("1. [ ] numbered", " ", "numbered"), ("- [ ]", " ", ""), ("- plain", None, "plain"),
     ("- [skim]", None, "[skim]"), ("- [x]done", None, "[x]done")],
)
def test_task_state_is_on_the_list_item(source: str, task: str | None, text: str) -> None:
    note = parse_text("t.md", source)
    (item,) = note.list_items
    assert (item.task, item.text) == (task, text)
    assert check_note(source, note) == []


def test_tag_name_and_argument_spans() -> None:
    note = parse_text("t.md", "- [read([T](https://x.org)) -> ok]")
    (tag,) = note.tags
    assert (tag.name_span.column, tag.name_span.end_column) == (4, 8)
    assert tag.argument == "[T](https://x.org)"
    assert tag.argument_span is not None
    assert (tag.argument_span.column, tag.argument_span.end_column) == (9, 27)
    assert note.tags_on_line(1) == (tag,)
    # the link inside the argument is a link of its own, and carries no citation
    assert [l.target for l in note.links] == ["https://x.org"]
