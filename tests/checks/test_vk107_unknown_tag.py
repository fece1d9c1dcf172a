"""VK107 unknown-tag: tags outside the vocabulary, with a did-you-mean."""

from __future__ import annotations

import pytest

HEAD = "## tl;dr\nx\n## Context\n"  # the line under test is line 4

REPORTED = [
    pytest.param("- [solilquy -> the same pattern in pixels and words]", (4, 3), id="typo-with-payload"),
    pytest.param("Thinking [eurika -> idea] aloud.", (4, 10), id="mid-sentence"),
    pytest.param("  - [lesson_learnt -> x]", (4, 5), id="nested-bullet"),
    pytest.param("- [skimm(@rombach2022)]", (4, 3), id="misspelt-verb"),
    pytest.param("- [todo -> ask Priya]", (4, 3), id="unknown-with-payload"),
    pytest.param("- [cite(@rombach2022)]", (4, 3), id="unknown-with-argument"),
    pytest.param("- [soliloqy]", (4, 3), id="bare-but-close"),
    pytest.param("> [questoin -> in a quote]", (4, 3), id="in-block-quote"),
]

QUIET = [
    pytest.param("- [soliloquy]\n- [soliloquy -> ]\n- [soliloquy ->]", id="known-all-shapes"),
    pytest.param("- [interrupt(@dosovitskiyImageWorth16x162021)] looked up ViT", id="interrupt"),
    pytest.param("- [question -> a]\n- [eureka -> b]\n- [hypothesize -> c]\n- [lesson_learned -> d]",
                 id="harvest-tags"),
    pytest.param("- [read(@rombach2022)] outside the Log is still a known name", id="verb"),
    pytest.param("- Pittsburgh, [QA() -> Steel City] is API syntax", id="uppercase"),
    pytest.param("- the [sic] and [citation needed] brackets", id="bracketed-prose"),
    pytest.param("- [x] done\n- [ ] to do", id="task-boxes"),
    pytest.param("- [a link](https://example.org) and [[a wikilink]]", id="links"),
    pytest.param("- `[solilquy -> in code]`", id="code-span"),
    pytest.param("```\n[solilquy -> in a code block]\n```", id="code-block"),
    pytest.param("%% [solilquy -> in a comment] %%", id="comment"),
]


@pytest.mark.parametrize(("line", "where"), REPORTED)
def test_reported(vk1, line: str, where: tuple[int, int]) -> None:
    assert vk1(HEAD + line + "\n", select=("VK107",)) == [(*where, "VK107")]


@pytest.mark.parametrize("text", QUIET)
def test_quiet(vk1, text: str) -> None:
    assert vk1(HEAD + text + "\n", select=("VK107",)) == []


@pytest.mark.parametrize(("line", "message", "suggestion"), [
    ("- [solilquy -> x]", "unknown tag 'solilquy' (did you mean 'soliloquy'?)", "soliloquy"),
    ("- [skimm(@a)]", "unknown tag 'skimm' (did you mean 'skim'?)", "skim"),
    ("- [todo -> x]", "unknown tag 'todo'; known tags: soliloquy, question, eureka, hypothesize, "
                      "lesson_learned, interrupt, skim, read, deep-read; to add it, write a schema "
                      "with 'extends: session' and 'tags: {todo: …}' (rules/README.md)", None),
    ("- [revisit(@a)]", "unknown tag 'revisit'; known tags: soliloquy, question, eureka, "
                        "hypothesize, lesson_learned, interrupt, skim, read, deep-read; to add it, "
                        "write a schema with 'extends: session' and 'log: {verbs: [revisit]}' "
                        "(rules/README.md)", None),
])
def test_messages(vk1, line: str, message: str, suggestion: str | None) -> None:
    [finding] = vk1.findings(HEAD + line + "\n", select=("VK107",))
    assert (finding.message, finding.suggestion) == (message, suggestion)


def test_no_vocabulary_no_finding(vk1) -> None:
    paper = "---\ncitekey: a\ntitle: A\n---\n- [solilquy -> x]\n"
    assert vk1(paper, path="papers/@a.md", select=("VK107",)) == []
    assert vk1("- [solilquy -> x]\n", path="notes/free.md", select=("VK107",)) == []
