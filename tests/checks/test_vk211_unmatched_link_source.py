"""VK211 unmatched-link-source, and the index crediting a link source that matches."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.index.test_index_notes import load, note_text, section

BIB = r"""@misc{schickToolformer2023,
  title = {Toolformer},
  year = {2023},
  eprint = {2302.04761},
  archiveprefix = {arXiv}
}
@article{doiPaper2020,
  title = {By DOI},
  year = {2020},
  doi = {10.1145/3580305.3599000}
}
@online{blogPost2023,
  title = {A post},
  year = {2023},
  url = {https://www.example.org/posts/lora/}
}
"""
LOG = "## Log\n"
PATH = "sessions/2023-03-14.md"

CASES = [
    pytest.param("- [read([Toolformer](https://arxiv.org/abs/2302.04761v1))]\n", [], id="arxiv-versioned"),
    pytest.param("- [read([pdf](https://arxiv.org/pdf/2302.04761.pdf))]\n", [], id="arxiv-pdf"),
    pytest.param("- [skim([x](https://doi.org/10.1145/3580305.3599000))]\n", [], id="doi"),
    pytest.param("- [skim([x](http://example.org/posts/lora))]\n", [], id="url-loosely"),
    pytest.param("- [read([Unknown](https://example.com/paper))]\n", [(2, 9)], id="unmatched"),
    pytest.param("- x\n- [skim([Other](https://arxiv.org/abs/9999.99999))]\n", [(3, 9)], id="unknown-arxiv"),
    # not an action source: a link in prose, in a nested bullet, or outside the Log
    pytest.param("- I read [this](https://example.com/a) today\n", [], id="prose"),
    pytest.param("- [read(@schickToolformer2023)]\n  - [read([n](https://example.com/b))]\n", [], id="nested"),
]


@pytest.mark.parametrize(("log", "expected"), CASES)
def test_vk211(vk2, log: str, expected: list[tuple[int, int]]) -> None:
    found = vk2({"references.bib": BIB, PATH: LOG + log}, select=("VK211",))
    assert found == [(PATH, line, col, "VK211") for line, col in expected]


def test_message_and_severity(vk2) -> None:
    found = vk2.findings({"references.bib": BIB, PATH: LOG + "- [read([U](https://example.com/p))]\n"},
                         select=("VK211",))
    assert [(f.severity, f.message) for f in found] == [(
        "info", "action source https://example.com/p matches no bibliography entry (by DOI, arXiv id or URL): "
        "the paper is credited nowhere; add it to the bibliography or cite its key")]


def test_outside_the_log_is_not_an_action(vk2) -> None:
    text = "## Context\n- [read([U](https://example.com/p))]\n" + LOG + "- [read(@schickToolformer2023)]\n"
    assert vk2({"references.bib": BIB, PATH: text}, select=("VK211",)) == []


SESSION = ("## tl;dr\nx\n\n## Context\n\n## Done\n\n## Learned\n\n## Next?\n\n## Log\n"
           "- [read([Toolformer: Language Models Can Teach Themselves](https://arxiv.org/abs/2302.04761v1))]\n"
           "  - [question -> Why did they use GPT-J?]\n")


def test_the_index_credits_the_matching_entry(tmp_path: Path) -> None:
    vault = load(tmp_path, {"references.bib": BIB, PATH: SESSION})
    text = note_text(vault, "papers/@schickToolformer2023.md")
    assert "### 2023-03-14 · read · [[2023-03-14#Log]]" in text
    assert "Why did they use GPT-J?" in section(text, "Harvest")
    questions = note_text(vault, "Questions.md")
    assert "### [[@schickToolformer2023]] · Toolformer" in questions
