"""VK205 ambiguous-link: a bare name that matches several files, none in the note's folder."""

from __future__ import annotations

import pytest

# two notes and two images share a name in different folders; sessions/ has its own notes.md
FILES: dict[str, str | bytes] = {
    "a/notes.md": "a", "b/notes.md": "b", "sessions/notes.md": "near",
    "asset/figure.png": b"\x89PNG", "old/figure.png": b"\x89PNG", "asset/unique.png": b"\x89PNG",
}

CASES = [
    pytest.param("papers/y.md", "See [[notes]] today.\n", [(1, 5)], id="wikilink"),
    pytest.param("papers/y.md", "x\n  - ![[figure.png]]\n", [(2, 5)], id="embed-in-a-list"),
    pytest.param("papers/y.md", "[[notes|my notes]] and [[notes#Heading]]\n", [(1, 1), (1, 24)],
                 id="alias-and-heading"),
    pytest.param("papers/y.md", "Café — ![[figure.png|300]]\n", [(1, 8)], id="after-non-ascii"),
    # what is not ambiguous
    pytest.param("sessions/x.md", "[[notes]]\n", [], id="same-folder-wins"),
    pytest.param("papers/y.md", "[[a/notes]] ![[asset/figure.png]]\n", [], id="a-path-names-one"),
    pytest.param("papers/y.md", "![[unique.png]] [[nowhere]]\n", [], id="one-match-or-none"),
    pytest.param("papers/y.md", "`[[notes]]`\n\n```\n![[figure.png]]\n```\n", [], id="code"),
]


@pytest.mark.parametrize(("path", "source", "expected"), CASES)
def test_vk205(vk2, path: str, source: str, expected: list[tuple[int, int]]) -> None:
    assert vk2({**FILES, path: source}, select=("VK205",)) == [
        (path, line, col, "VK205") for line, col in expected]


def test_message_lists_the_candidates(vk2) -> None:
    assert vk2.messages({**FILES, "papers/y.md": "![[figure.png]]\n"}, select=("VK205",)) == [
        "'figure.png' matches 2 files: asset/figure.png, old/figure.png"]
