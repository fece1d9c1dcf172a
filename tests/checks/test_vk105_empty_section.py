"""VK105 empty-section: the tl;dr must not stay empty; Done, Learned and Next? may."""

from __future__ import annotations

import pytest

TAIL = "## Context\n## Done\n\n## Learned\n## Next?\n\n## Log\n- [skim(@a)]\n"

CASES = [
    pytest.param("## tl;dr\nRead LoRA.\n\n" + TAIL, [], id="tldr-written"),
    pytest.param("## tl;dr\n\n" + TAIL, [(1, 1)], id="tldr-blank"),
    pytest.param("## tl;dr\n" + TAIL, [(1, 1)], id="tldr-nothing"),
    pytest.param("## tl;dr\n%% to do %%\n<!-- later -->\n\n" + TAIL, [(1, 1)], id="comments-only"),
    pytest.param("---\ntype: session\n---\n## tl;dr\n\n" + TAIL, [(4, 1)], id="after-frontmatter"),
    pytest.param("# Title\n\n## tl;dr\n\n" + TAIL, [(3, 1)], id="under-a-title"),
    # a sub-heading is not the tl;dr's own text
    pytest.param("## tl;dr\n### Short\nx\n" + TAIL, [(1, 1)], id="only-a-sub-heading"),
    pytest.param("## tl;dr\n- one bullet\n" + TAIL, [], id="a-bullet-is-content"),
    # empty Done, Learned, Next? (and an empty last section) are allowed
    pytest.param("## tl;dr\nx\n## Context\n## Done\n## Learned\n## Next?\n## Log\n", [],
                 id="others-may-be-empty"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_vk105(vk1, source: str, expected: list[tuple[int, int]]) -> None:
    assert vk1(source, select=("VK105",)) == [(line, col, "VK105") for line, col in expected]


def test_message(vk1) -> None:
    assert vk1.messages("## tl;dr\n" + TAIL, select=("VK105",)) == ["section '## tl;dr' is empty"]
