"""VK110 log-without-actions: a Log that credits no paper."""

from __future__ import annotations

import pytest

HEAD = "## tl;dr\nx\n## Context\n## Done\n## Learned\n## Next?\n## Log\n"  # Log heading on line 7

CASES = [
    pytest.param("- [skim(@a)]\n", [], id="one-action"),
    pytest.param("- note\n- [read([T](https://example.org))]\n", [], id="link-action-after-notes"),
    pytest.param("- plain\n  - [skim(@a)] nested does not count\n- [question -> q]\n", [(7, 1)],
                 id="no-top-level-action"),
    pytest.param("", [(7, 1)], id="empty-log"),
    pytest.param("Prose about @a, no bullet.\n", [(7, 1)], id="prose-only"),
    pytest.param("- Today [skim(@a)] mid-sentence\n", [(7, 1)], id="action-not-opening-the-bullet"),
    # a malformed action is VK106's finding; it is not reported twice
    pytest.param("- [skim(rombach2022)]\n", [], id="malformed-counts"),
    # a misspelt verb is VK107's, and credits nothing: the Log is reported too
    pytest.param("- [skimm(@a)]\n", [(7, 1)], id="unknown-verb"),
]


@pytest.mark.parametrize(("log", "expected"), CASES)
def test_vk110(vk1, log: str, expected: list[tuple[int, int]]) -> None:
    assert vk1(HEAD + log, select=("VK110",)) == [(line, col, "VK110") for line, col in expected]


def test_no_log_is_vk101s_business(vk1) -> None:
    assert vk1(HEAD.replace("## Log\n", ""), select=("VK110",)) == []


def test_log_at_wrong_level_is_still_the_log(vk1) -> None:
    assert vk1(HEAD.replace("## Log", "### Log") + "- note\n", select=("VK110",)) == [(7, 1, "VK110")]
    assert vk1(HEAD.replace("## Log", "### Log") + "- [skim(@a)]\n", select=("VK110",)) == []


def test_message(vk1) -> None:
    assert vk1.messages(HEAD + "- note\n", select=("VK110",)) == [
        "'## Log' has no action (skim, read, deep-read), so no paper is credited with this "
        "session: open a bullet with [skim(@citekey)]"
    ]
