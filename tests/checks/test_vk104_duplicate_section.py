"""VK104 duplicate-section: the second heading naming the same section."""

from __future__ import annotations

import pytest

BASE = "## tl;dr\nx\n## Context\n## Done\n## Learned\n## Next?\n## Log\n- [skim(@a)]\n"

CASES = [
    pytest.param(BASE, [], id="no-duplicate"),
    pytest.param(BASE + "## Log\n- [read(@b)]\n", [(9, 1)], id="log-twice"),
    pytest.param(BASE + "## Log\n## log\n", [(9, 1), (10, 1)], id="three-times-any-case"),
    # an alias names the same section
    pytest.param(BASE + "## Next\n", [(9, 1)], id="alias"),
    # at another level it is still the same section (VK109 also reports the level)
    pytest.param(BASE.replace("## Learned\n", "## Learned\n### Context\n"), [(6, 1)], id="deeper"),
    # unknown sections may repeat: VK104 only knows schema sections
    pytest.param(BASE + "## Ideas\n## Ideas\n", [], id="unknown-repeated"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_vk104(vk1, source: str, expected: list[tuple[int, int]]) -> None:
    assert vk1(source, select=("VK104",)) == [(line, col, "VK104") for line, col in expected]


def test_message_names_the_first(vk1) -> None:
    assert vk1.messages(BASE + "## Log\n", select=("VK104",)) == [
        "duplicate section '## Log' (first on line 7)"
    ]
