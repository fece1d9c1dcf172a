"""VK108 frontmatter-schema: JSON Schema violations at the offending key (paper notes)."""

from __future__ import annotations

import pytest

PAPER = "papers/@vaswaniAttentionAllYou2017.md"

CASES = [
    pytest.param("---\ncitekey: vaswaniAttentionAllYou2017\ntitle: Attention\nyear: 2017\n---\n# A\n",
                 [], id="valid"),
    pytest.param("---\ncitekey: v2017\ntitle: A\nauthors: [A. Vaswani, N. Shazeer]\nyear: '2017'\n---\n",
                 [], id="valid-list-and-string-year"),
    pytest.param("---\ntitle: Attention\n---\n", [(1, 1)], id="missing-citekey-at-fence"),
    pytest.param("---\nyear: 2017\n---\n", [(1, 1), (1, 1)], id="missing-both"),
    pytest.param("# Attention\n\nNo properties.\n", [(1, 1), (1, 1)], id="no-frontmatter"),
    pytest.param("---\ncitekey: v2017\ntitle: A\nyear: twenty\n---\n", [(4, 1)], id="bad-year"),
    pytest.param("---\ncitekey: '@v2017'\ntitle: A\n---\n", [(2, 1)], id="citekey-with-at"),
    pytest.param("---\ncitekey: v2017\ntitle: A\nauthors:\n  - A. Vaswani\n  - 3\n---\n", [(4, 1)],
                 id="nested-value-points-at-its-key"),
    pytest.param("---\ncitekey: v2017\n  title: A\n---\n", [], id="invalid-yaml-is-vk001"),
    pytest.param("---\n- a list\n---\n", [], id="not-a-mapping-is-vk001"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_vk108(vk1, source: str, expected: list[tuple[int, int]]) -> None:
    assert vk1(source, path=PAPER, select=("VK108",)) == [(line, col, "VK108") for line, col in expected]


def test_messages(vk1) -> None:
    assert vk1.messages("---\ntitle: A\n---\n", path=PAPER, select=("VK108",)) == [
        "paper frontmatter: missing required property 'citekey'"
    ]
    [message] = vk1.messages("---\ncitekey: v\ntitle: A\nyear: twenty\n---\n", path=PAPER,
                             select=("VK108",))
    assert message.startswith("paper frontmatter: property 'year': 'twenty' is not valid")


def test_session_date_property(vk1) -> None:
    body = "## tl;dr\nx\n## Context\n## Done\n## Learned\n## Next?\n## Log\n- [skim(@a)]\n"
    assert vk1("---\ndate: 2023-03-14\n---\n" + body, select=("VK108",)) == []
    assert vk1("---\ndate: 14/03/2023\n---\n" + body, select=("VK108",)) == [(2, 1, "VK108")]
    assert vk1(body, select=("VK108",)) == []  # session notes need no properties


def test_other_notes_are_not_validated(vk1) -> None:
    assert vk1("---\ntitle: 3\n---\n", path="notes/free.md", select=("VK108",)) == []
