"""VK102 section-order: only the fewest sections that need moving are reported."""

from __future__ import annotations

import pytest

ORDERED = "## tl;dr\nx\n## Context\n## Done\n## Learned\n## Next?\n## Log\n- [skim(@a)]\n"

CASES = [
    pytest.param(ORDERED, [], id="in-order"),
    # the Log moved up: only the Log is out of place
    pytest.param("## tl;dr\nx\n## Log\n- [skim(@a)]\n## Context\n## Done\n## Learned\n## Next?\n",
                 [(3, 1)], id="log-moved-up"),
    # the tl;dr moved down to the end
    pytest.param("## Context\n## Done\n## Learned\n## Next?\n## Log\n- [skim(@a)]\n## tl;dr\nx\n",
                 [(7, 1)], id="tldr-at-the-end"),
    # two swapped neighbours: one of them is reported
    pytest.param("## tl;dr\nx\n## Done\n## Context\n## Learned\n## Next?\n## Log\n- [skim(@a)]\n",
                 [(4, 1)], id="swapped-pair"),
    # unknown and missing sections do not disturb the order
    pytest.param("## tl;dr\nx\n## Ideas\n## Log\n- [skim(@a)]\n", [], id="unknown-and-missing"),
    # a duplicate is VK104's business: only first occurrences are ordered
    pytest.param(ORDERED + "## Context\n", [], id="duplicate-ignored"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_vk102(vk1, source: str, expected: list[tuple[int, int]]) -> None:
    assert vk1(source, select=("VK102",)) == [(line, col, "VK102") for line, col in expected]


def test_messages(vk1) -> None:
    source = "## tl;dr\nx\n## Log\n- [skim(@a)]\n## Context\n## Done\n## Learned\n## Next?\n"
    assert vk1.messages(source, select=("VK102",)) == [
        "section '## Log' is out of order: it belongs after '## Next?'"
    ]
    source = "## Context\n## Done\n## tl;dr\nx\n"
    assert vk1.messages(source, select=("VK102",)) == [
        "section '## tl;dr' is out of order: it belongs before '## Context'"
    ]
