"""VK206 link-outside-vault: a relative path that climbs above the vault root."""

from __future__ import annotations

import pytest

FILES: dict[str, str | bytes] = {"asset/fig.png": b"\x89PNG", "papers/p.md": "p"}

CASES = [
    pytest.param("![](../../Downloads/figure.png)\n", [(1, 1)], id="image"),
    pytest.param("Notes: [the draft](../../private/draft.md)\n", [(1, 8)], id="markdown-link"),
    pytest.param("- x\n  - ![](../../../etc/fig.png)\n", [(2, 5)], id="nested-bullet"),
    pytest.param("naïve ![](../../x.png) ![](../asset/fig.png)\n", [(1, 7)], id="one-of-two"),
    # inside the vault, a URL, or code: not reported
    pytest.param("![](../asset/fig.png) [p](../papers/p.md)\n", [], id="inside"),
    pytest.param("[site](https://example.com/../../x)\n", [], id="url"),
    pytest.param("`![](../../x.png)`\n\n    ![](../../y.png)\n", [], id="code"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_vk206(vk2, source: str, expected: list[tuple[int, int]]) -> None:
    path = "sessions/2023-03-14.md"
    assert vk2({**FILES, path: source}, select=("VK206",)) == [
        (path, line, col, "VK206") for line, col in expected]


def test_message(vk2) -> None:
    files = {**FILES, "sessions/x.md": "![](../../Downloads/figure.png)\n"}
    assert vk2.messages(files, select=("VK206",)) == [
        "'../../Downloads/figure.png' points outside the vault"]


def test_error_by_default(vk2) -> None:
    found = vk2.findings({**FILES, "sessions/x.md": "![](../../x.png)\n"}, select=("VK206",))
    assert [f.severity for f in found] == ["error"]
