"""VK103 unknown-section: headings at a section level the schema does not name."""

from __future__ import annotations

import pytest

BASE = "## tl;dr\nx\n## Context\n## Done\n## Learned\n## Next?\n## Log\n- [skim(@a)]\n"

CASES = [
    pytest.param(BASE, [], id="known-only"),
    pytest.param(BASE + "## Ideas\n- more\n", [(9, 1)], id="extra-section"),
    pytest.param(BASE.replace("## Learned", "## Leanred"), [(5, 1)], id="misspelt"),
    # a note title and sub-headings are not sections
    pytest.param("# Session of 14 March\n" + BASE, [], id="h1-title"),
    pytest.param(BASE.replace("## Learned\n", "## Learned\n### Vision\n- a\n### Text\n- b\n"), [],
                 id="sub-headings"),
    # a setext level-2 heading is a section heading too
    pytest.param(BASE + "\nIdeas\n-----\n", [(10, 1)], id="setext"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_vk103(vk1, source: str, expected: list[tuple[int, int]]) -> None:
    assert vk1(source, select=("VK103",)) == [(line, col, "VK103") for line, col in expected]


def test_did_you_mean(vk1) -> None:
    assert vk1.messages(BASE.replace("## Learned", "## Leanred"), select=("VK103",)) == [
        "section '## Leanred' is not in the session schema (did you mean 'Learned'?)"
    ]


def test_paper_notes_allow_any_section(vk1) -> None:
    note = "---\ncitekey: a\ntitle: A\n---\n# A\n## Summary\n## Whatever\n"
    assert vk1(note, path="papers/@a.md", select=("VK103",)) == []
