"""VK106 malformed-action: top-level Log bullets that try to be actions and fail."""

from __future__ import annotations

import pytest

HEAD = "## tl;dr\nx\n## Context\n## Done\n## Learned\n## Next?\n## Log\n"  # Log bullets from line 8

BAD = [
    pytest.param("- [skim(rombach2022)]", (8, 3), id="citekey-without-at"),
    pytest.param("- [skim @rombach2022]", (8, 3), id="no-parentheses"),
    pytest.param("- [skim(@rombach2022]", (8, 3), id="unbalanced-parenthesis"),
    pytest.param("- [skim(@rombach2022)", (8, 3), id="unclosed-bracket"),
    pytest.param("- [skim()]", (8, 3), id="empty-source"),
    pytest.param("- [skim( )]", (8, 3), id="blank-source"),
    pytest.param("- [skim]", (8, 3), id="verb-and-nothing"),
    pytest.param("- [skim ]", (8, 3), id="verb-space-nothing"),
    pytest.param("- [read -> good paper]", (8, 3), id="verb-with-payload-only"),
    pytest.param("- [Skim(@rombach2022)]", (8, 3), id="capitalised-verb"),
    pytest.param("- skim(@rombach2022)", (8, 3), id="no-opening-bracket"),
    pytest.param("- [skim(@a; @b)]", (8, 3), id="two-sources"),
    pytest.param("- [skim(https://arxiv.org/abs/2302.04761)]", (8, 3), id="bare-url"),
    pytest.param("- [skim([[@rombach2022]])]", (8, 3), id="wikilink-not-a-session-source"),
    pytest.param(" - [deep-read(rombach2022)]", (8, 4), id="one-space-indent"),
    pytest.param("* [read(key)] with a comment", (8, 3), id="star-marker-and-text"),
]

GOOD = [
    pytest.param("- [skim(@rombach2022)]", id="citekey"),
    pytest.param("- [deep-read(@{rombach.2022})]", id="curly-citekey"),
    pytest.param("- [read([Toolformer: Tools](https://arxiv.org/abs/2302.04761v1))]", id="link"),
    pytest.param("- [read(@rombach2022)] over lunch", id="text-after"),
    pytest.param("- [ ] [skim(@rombach2022)]", id="task-item"),
    pytest.param("- [question -> why?]", id="annotation-tag"),
    pytest.param("- [soliloquy ->]\n  - a thought", id="soliloquy"),
    pytest.param("- [QA() -> Steel City] is not a tag", id="uppercase-prose"),
    pytest.param("- [read the appendix] first", id="bracketed-prose"),
    pytest.param('- "We show that increasing model width…"', id="quote"),
    pytest.param("- plain bullet about @rombach2022", id="plain"),
    pytest.param("- [skimm(@rombach2022)]", id="misspelt-verb-is-vk107"),
    pytest.param("- [skim(@a)]\n  - [skim(rombach2022)]", id="nested-bullets-are-not-actions"),
]


@pytest.mark.parametrize(("bullet", "where"), BAD)
def test_malformed(vk1, bullet: str, where: tuple[int, int]) -> None:
    assert vk1(HEAD + bullet + "\n", select=("VK106",)) == [(*where, "VK106")]


@pytest.mark.parametrize("bullet", GOOD)
def test_not_malformed(vk1, bullet: str) -> None:
    assert vk1(HEAD + bullet + "\n", select=("VK106",)) == []


def test_only_in_the_log(vk1) -> None:
    source = "## tl;dr\nx\n## Context\n- [skim(rombach2022)]\n## Log\n- [skim(@a)]\n"
    assert vk1(source, select=("VK106",)) == []


def test_several_bullets(vk1) -> None:
    source = HEAD + "- [skim(@a)]\n  - fine\n- [skim(b)]\n- note\n- [read @c]\n"
    assert vk1(source, select=("VK106",)) == [(10, 3, "VK106"), (12, 3, "VK106")]


@pytest.mark.parametrize(("bullet", "message", "suggestion"), [
    ("- [skim(rombach2022)]",
     "action source 'rombach2022' is not a citekey: write @rombach2022", "[skim(@rombach2022)]"),
    ("- [skim @rombach2022]",
     "action source must be in parentheses: write [skim(source)]", "[skim(@rombach2022)]"),
    ("- [skim(@rombach2022]",
     "action '[skim(…' does not parse: its brackets or parentheses are unbalanced", None),
    ("- [skim()]",
     "action '[skim()]' has an empty source: put a citekey (@key) or a Markdown link "
     "([Title](https://…)) in the parentheses", None),
    ("- [skim]", "action '[skim]' has no source: write [skim(@citekey)]", None),
    ("- [Skim(@a)]", "action verb 'Skim' must be written in lowercase: 'skim'", None),
])
def test_messages(vk1, bullet: str, message: str, suggestion: str | None) -> None:
    [finding] = vk1.findings(HEAD + bullet + "\n", select=("VK106",))
    assert (finding.message, finding.suggestion) == (message, suggestion)
