"""VK109 heading-level: a schema section at another heading level."""

from __future__ import annotations

import pytest

BASE = "## tl;dr\nx\n## Context\n## Done\n## Learned\n## Next?\n## Log\n- [skim(@a)]\n"

CASES = [
    pytest.param(BASE, [], id="all-level-2"),
    pytest.param(BASE.replace("## Log", "### Log"), [(7, 1)], id="log-level-3"),
    pytest.param(BASE.replace("## tl;dr", "# tl;dr"), [(1, 1)], id="tldr-level-1"),
    pytest.param(BASE.replace("## Done", "#### Done").replace("## Next?", "### Next?"),
                 [(4, 1), (6, 1)], id="two"),
    pytest.param("tl;dr\n=====\nx\n" + BASE.split("\n", 2)[2], [(1, 1)], id="setext-level-1"),
    # unknown headings at any level are not this rule's business
    pytest.param(BASE + "### Notes\n# Title\n", [], id="unknown-headings"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_vk109(vk1, source: str, expected: list[tuple[int, int]]) -> None:
    assert vk1(source, select=("VK109",)) == [(line, col, "VK109") for line, col in expected]


def test_message(vk1) -> None:
    [finding] = vk1.findings(BASE.replace("## Log", "### Log"), select=("VK109",))
    assert finding.message == "section '### Log' should be a level-2 heading: '## Log'"
    assert finding.suggestion == "## Log"
