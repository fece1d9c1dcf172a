"""Issue #10: links Obsidian resolves are not findings; the right code for what it does not.

Each case is a vault (inline files) and the exact findings ``(path, line, col, code)``.
"""

from __future__ import annotations

from typing import Callable

Lint = Callable[..., list[tuple[str, int, int, str]]]
PNG = b"\x89PNG"


# -- item 2: case-insensitive names are Obsidian's own ------------------------------------
def test_case_mismatch_is_off_by_default_and_on_when_asked(lint: Lint) -> None:
    files = {"Internal links.md": "# Internal links\n", "a.md": "See [[internal links]].\n"}
    assert lint(files) == []
    assert lint(files, extend=("VK204",)) == [("a.md", 1, 5, "VK204")]


# -- item 3: escaped pipes in tables ----------------------------------------------------
def test_escaped_pipes_in_a_table_are_alias_and_size(lint: Lint) -> None:
    files = {
        "Note.md": "# Note\n",
        "Attachments/image.png": PNG,
        "t.md": (
            "| link | picture |\n"
            "| --- | --- |\n"
            "| [[Note\\|alias]] | ![[image.png\\|200]] |\n"
            "| [[Nope\\|alias]] | ![[gone.png\\|200]] |\n"
        ),
    }
    # the broken ones keep their kind: a note is VK203, an image VK202 (not 'Nope\')
    assert lint(files) == [("t.md", 4, 3, "VK203"), ("t.md", 4, 21, "VK202")]


# -- item 4: heading anchors and block ids ------------------------------------------------
def test_heading_anchors_ignore_punctuation_and_case(lint: Lint) -> None:
    files = {
        "FAQ.md": "# FAQ\n\n### How large can each remote vault be?\n\n## C++ & Rust: notes\n",
        "prolog.md": "# DCG (Definite Clause Grammas)\n\nSee [[#DCG Definite Clause Grammas]].\n",
        "a.md": (
            "[[FAQ#How large can each remote vault be]]\n"
            "[[FAQ#how large can each REMOTE vault be?]]\n"
            "[[FAQ#C Rust notes]]\n"
            "[faq](FAQ.md#how-large-can-each-remote-vault-be)\n"
            "[[FAQ#How small]]\n"
        ),
    }
    assert lint(files) == [("a.md", 5, 1, "VK203")]


def test_block_id_right_after_an_embed(lint: Lint) -> None:
    files = {
        "fig.png": PNG,
        "paper.md": "![[fig.png]]^fig-id\n\nA claim. ^claim-1\n\n- item\n\n^list-id\n",
        "a.md": "[[paper#^fig-id]] [[paper#^claim-1]] [[paper#^list-id]] [[paper#^none]]\n",
    }
    assert lint(files) == [("a.md", 1, 57, "VK203")]


# -- item 6: relative links ----------------------------------------------------------------
def test_relative_wikilinks_resolve_from_the_note_folder(lint: Lint) -> None:
    files = {
        ".obsidian/app.json": '{"newLinkFormat": "relative"}',
        "projects/x.md": "# x\n",
        "projects/sub/y.md": "# y\n",
        "other/sub/y.md": "# other y\n",
        "notes/deep/a.md": (
            "[[../../projects/x]] [[./b]] [[../../projects/sub/y.md|y]]\n"
            "[[../../../outside]] [[../missing]]\n"
        ),
        "notes/deep/b.md": "# b\n",
        "projects/p.md": "[[sub/y]]\n",  # relative format from projects/: not ambiguous
    }
    assert lint(files) == [
        ("notes/deep/a.md", 2, 1, "VK206"),
        ("notes/deep/a.md", 2, 22, "VK203"),
    ]


# -- item 7: Markdown links and images by bare file name ----------------------------------
def test_markdown_links_by_shortest_path(lint: Lint) -> None:
    files = {
        "Attachments/bases.png": PNG,
        "Help/Bases syntax.md": "# Bases syntax\n\n## Interface\n",
        "docs/a.md": (
            "![x](bases.png#interface)\n"
            "[syntax](Bases%20syntax.md#Interface)\n"
            "[syntax](<Bases syntax.md#Nope>)\n"
            "![y](nowhere.png)\n"
        ),
    }
    assert lint(files) == [("docs/a.md", 3, 1, "VK203"), ("docs/a.md", 4, 1, "VK202")]


# -- item 9: a dot in a note name ------------------------------------------------------------
def test_a_missing_note_with_a_dot_is_an_unresolved_link(lint: Lint) -> None:
    files = {
        "winbase.h": "int x;\n",  # an existing file of any kind still resolves
        "TLS 1.3.md": "# TLS 1.3\n",
        "a.md": "[[TLS 1.0]] [[TLS 1.3]] [[winbase.h]] [[ws2def.h]] ![[gone.pdf]] [[v2.canvas]]\n",
    }
    assert lint(files) == [
        ("a.md", 1, 1, "VK203"),   # TLS 1.0: a note, a warning
        ("a.md", 1, 39, "VK203"),  # ws2def.h: .h is no format Obsidian opens
        ("a.md", 1, 52, "VK202"),  # a PDF is an attachment
        ("a.md", 1, 66, "VK202"),  # so is a canvas
    ]


# -- item 14: frontmatter links --------------------------------------------------------------
def test_frontmatter_links_are_checked_at_their_place(lint: Lint) -> None:
    files = {
        "Paper X.md": "# X\n",
        "banner.webp": PNG,
        "a.md": (
            "---\n"
            'related: "[[Paper X]]"\n'
            "banner: \"![[x.webp]]\"\n"       # missing image: VK202
            "see:\n"
            '  - "[[Paper Y|why]]"\n'          # missing note: VK203
            "  - '![[banner.webp]]'\n"
            "nested: [[not a link]]\n"        # unquoted: a YAML list, not a link
            "# comment [[nor this]]\n"
            'template: "[[{{date}}]]"\n'
            "---\n"
            "Body [[Paper X]].\n"
        ),
    }
    assert lint(files) == [("a.md", 3, 10, "VK202"), ("a.md", 5, 6, "VK203")]


# -- item 14: JSON Canvas files ------------------------------------------------------------------
CANVAS = (
    '{\n'
    '  "nodes": [\n'
    '    {"id": "a", "type": "text", "x": 0, "y": 0, "width": 10, "height": 10,\n'
    '     "text": "# Plan\\n\\nRead [[Paper X]] and [[Nope]], caf\\u00e9 [[Gone]]\\n![[fig.png]]"},\n'
    '    {"id": "b", "type": "file", "file": "Paper X.md", "subpath": "#Method", "x": 0, "y": 0, "width": 1, "height": 1},\n'
    '    {"id": "c", "type": "file", "file": "missing.pdf", "x": 0, "y": 0, "width": 1, "height": 1},\n'
    '    {"id": "d", "type": "link", "url": "https://example.org/[[x]]", "x": 0, "y": 0, "width": 1, "height": 1}\n'
    '  ],\n'
    '  "edges": [{"id": "e", "fromNode": "a", "toNode": "b", "label": "[[not checked]]"}]\n'
    '}\n'
)


def test_canvas_links_are_checked_with_positions_in_the_file(lint: Lint) -> None:
    files = {"Paper X.md": "# Paper X\n\n## Method\n", "fig.png": PNG, "boards/plan.canvas": CANVAS,
             "a.md": "See ![[plan.canvas]].\n"}
    assert lint(files) == [
        ("boards/plan.canvas", 4, 46, "VK203"),  # [[Nope]] after the \n\n escapes
        ("boards/plan.canvas", 4, 66, "VK203"),  # [[Gone]] after the \u00e9 escape
        ("boards/plan.canvas", 6, 42, "VK202"),  # the file node's path
    ]


def test_a_broken_canvas_is_a_finding(lint: Lint) -> None:
    assert lint({"b.canvas": '{"nodes": [}'}, select=("VK0", "VK2")) == [("b.canvas", 1, 12, "VK002")]
