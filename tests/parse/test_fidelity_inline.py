"""Issue #10, parser side: what Obsidian does not read as a link, citation or math."""

from __future__ import annotations

from vaultkit.parse.note import parse_text


def positions(source: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    note = parse_text("n.md", source)
    return ([(c.span.line, c.span.column, c.key) for c in note.citations],
            [(link.span.line, link.span.column, link.target) for link in note.links])


# -- item 5: a handle as the whole text of a link to a profile ----------------------------
def test_a_handle_linking_to_a_profile_is_not_a_citation() -> None:
    source = (
        "Follow [@obsdmd](https://twitter.com/obsdmd) or [ @kepano ](https://mastodon.social/@kepano).\n"
        "But [see @vaswani2017](https://arxiv.org/abs/1706.03762) cites, and so does\n"
        "[@vaswani2017](papers/@vaswani2017.md), a link to a paper note, and\n"
        "[@vaswani2017](https://doi.org/10.48550/arXiv.1706.03762), a link to the paper.\n"
    )
    cites, links = positions(source)
    assert cites == [(2, 10, "vaswani2017"), (3, 2, "vaswani2017"), (4, 2, "vaswani2017")]
    assert [target for *_, target in links] == [
        "https://twitter.com/obsdmd", "https://mastodon.social/@kepano",
        "https://arxiv.org/abs/1706.03762", "papers/@vaswani2017.md",
        "https://doi.org/10.48550/arXiv.1706.03762",
    ]


# -- item 15: "$$a = b" opening a line --------------------------------------------------------
def test_an_unmatched_display_math_opener_does_not_hide_the_note() -> None:
    source = (
        "$$a = b\n"           # content after $$: Obsidian renders text, not math
        "\n"
        "See [[Later]] and @cited2023.\n"
        "\n"
        "$$x\n"
        "y$$ [[After]]\n"     # closed within the paragraph: math, and it ends there
        "\n"
        "$$\n"
        "[[Inside]] @notacite\n"  # a real math block ($$ alone on its lines)
        "$$\n"
    )
    cites, links = positions(source)
    assert links == [(3, 5, "Later"), (6, 5, "After")]
    assert cites == [(3, 19, "cited2023")]
