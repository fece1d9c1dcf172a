"""VK207 orphan-asset: an attachment no note links to (off by default)."""

from __future__ import annotations

PNG = b"\x89PNG"


def test_linked_in_every_way_or_orphaned(vk2) -> None:
    files: dict[str, str | bytes] = {
        "sessions/x.md": ("![[a.png]] ![](../asset/b.png) [paper](../docs/paper.pdf)\n"
                          "![[c.png|300]] [[asset/d.png]]\n"
                          "```\n![[e.png]]\n```\n"
                          "`![[f.png]]`\n"),
        **{f"asset/{name}.png": PNG for name in "abcdef"},
        "docs/paper.pdf": b"%PDF", "docs/old.pdf": b"%PDF", "docs/notes.txt": "not an asset",
        "asset/Scan.JPG": b"\xff\xd8",
    }
    # a link in code does not count; the extension is matched without regard to case
    assert vk2(files, select=("VK207",)) == [
        ("asset/Scan.JPG", 1, 1, "VK207"),
        ("asset/e.png", 1, 1, "VK207"),
        ("asset/f.png", 1, 1, "VK207"),
        ("docs/old.pdf", 1, 1, "VK207"),
    ]


def test_message_and_severity_when_selected(vk2) -> None:
    found = vk2.findings({"n.md": "nothing", "asset/a.png": PNG}, select=("VK207",))
    assert [(f.message, f.severity) for f in found] == [
        ("no note links to 'asset/a.png'", "warning")]


def test_off_by_default(vk2) -> None:
    files: dict[str, str | bytes] = {"n.md": "nothing", "asset/a.png": PNG}
    assert vk2(files, select=("VK2",)) == []  # a prefix does not turn it on
    assert vk2(files, select=("VK207",)) == [("asset/a.png", 1, 1, "VK207")]


def test_extensions_option(vk2) -> None:
    files: dict[str, str | bytes] = {"n.md": "x", "asset/a.png": PNG, "data/t.csv": "a,b"}
    options = (("VK207", (("extensions", ["csv"]),)),)
    assert vk2(files, select=("VK207",), rule_options=options) == [("data/t.csv", 1, 1, "VK207")]


def test_a_canvas_link_counts(vk2) -> None:
    card = '{"id": "%s", "x": 0, "y": 0, "width": 1, "height": 1, %s}'
    canvas = ('{"nodes": [' + card % ("a", '"type": "file", "file": "asset/a.png"') + ", "
              + card % ("b", '"type": "text", "text": "see ![[b.png]]"') + '], "edges": []}')
    files: dict[str, str | bytes] = {"board.canvas": canvas, "n.md": "nothing",
                                     **{f"asset/{name}.png": PNG for name in "abc"}}
    assert vk2(files, select=("VK207",)) == [("asset/c.png", 1, 1, "VK207")]
