"""VK101 missing-section: inline notes and the (line, column) of each finding."""

from __future__ import annotations

import pytest

FULL = """\
## tl;dr
Read LoRA.

## Context

## Done

## Learned

## Next?

## Log
- [read(@huLoRALowRankAdaptation2021)]
"""

CASES = [
    pytest.param(FULL, [], id="every-section"),
    pytest.param(FULL.replace("## Learned\n\n", ""), [(8, 1)], id="missing-learned-before-next"),
    pytest.param(FULL.replace("## tl;dr\nRead LoRA.\n\n", ""), [(1, 1)], id="missing-first"),
    pytest.param(FULL.split("## Log")[0], [(10, 1)], id="missing-last-points-at-previous-heading"),
    pytest.param("Just a line.\n", [(1, 1)] * 6, id="no-section-at-all"),
    pytest.param(FULL.replace("## Context\n\n## Done\n\n", ""), [(4, 1), (4, 1)], id="two-missing"),
    # aliases and case: TL;DR and "Next" name the sections
    pytest.param(FULL.replace("## tl;dr", "## TL;DR").replace("## Next?", "## Next"), [], id="aliases"),
    # present at the wrong level: VK109's finding, not a missing section
    pytest.param(FULL.replace("## Log", "### Log"), [], id="wrong-level-is-present"),
    # out of order is VK102's business
    pytest.param(FULL.replace("## Context\n\n", "") + "\n## Context\n", [], id="out-of-order-is-present"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_vk101(vk1, source: str, expected: list[tuple[int, int]]) -> None:
    assert vk1(source, select=("VK101",)) == [(line, col, "VK101") for line, col in expected]


def test_message_says_where(vk1) -> None:
    [message] = vk1.messages(FULL.replace("## Learned\n\n", ""), select=("VK101",))
    assert message == "missing required section '## Learned' (it belongs before '## Next?')"
    [message] = vk1.messages(FULL.split("## Log")[0], select=("VK101",))
    assert message == "missing required section '## Log' (it belongs after '## Next?')"


def test_only_where_the_schema_applies(vk1) -> None:
    assert vk1("Just a line.\n", path="notes/free.md", select=("VK101",)) == []
    by_type = "---\ntype: session\n---\nJust a line.\n"
    assert vk1(by_type, path="notes/free.md", select=("VK101",)) == [(4, 1, "VK101")] * 6
