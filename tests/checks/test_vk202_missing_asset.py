"""VK202 missing-asset: an image, embed or attachment link to a file that does not exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_vault
from vaultkit.config import load_config
from vaultkit.vault import Vault

PNG = b"\x89PNG"
FILES: dict[str, str | bytes] = {"asset/here.png": PNG, "docs/paper.pdf": b"%PDF"}

CASES = [
    pytest.param("sessions/x.md", "![](../asset/gone.png)\n", [(1, 1)], id="markdown-image"),
    pytest.param("sessions/x.md", "x\n  - ![[gone.png|300]]\n", [(2, 5)], id="embed-with-size"),
    pytest.param("sessions/x.md", "Café — ![[doc.pdf#page=3]]\n", [(1, 8)], id="pdf-page-after-non-ascii"),
    pytest.param("sessions/x.md", "[paper](../docs/gone.pdf)\n", [(1, 1)], id="attachment-link"),
    # what is not missing
    pytest.param("sessions/x.md", "![[here.png]] ![](../asset/here.png) [p](../docs/paper.pdf)\n", [],
                 id="present"),
    pytest.param("sessions/x.md", "`![[gone.png]]`\n\n```\n![[gone.png]]\n```\n", [], id="code"),
    pytest.param("sessions/x.md", "![](https://example.org/gone.png)\n", [], id="url"),
    pytest.param("sessions/x.md", "[[Gone note]]\n", [], id="a-note-is-VK203"),
]


@pytest.mark.parametrize(("path", "source", "expected"), CASES)
def test_vk202(vk2, path: str, source: str, expected: list[tuple[int, int]]) -> None:
    assert vk2({**FILES, path: source}, select=("VK202",)) == [
        (path, line, col, "VK202") for line, col in expected]


def test_a_file_of_that_name_elsewhere_is_named(vk2) -> None:
    files = {**FILES, "old/fig.png": PNG, "sessions/x.md": "![](../asset/fig.png) ![[asset/here2.png]]\n"}
    assert vk2.messages(files, select=("VK202",)) == [
        "missing file '../asset/fig.png': no such file in the vault; 'old/fig.png' has that name (moved?)",
        "missing file 'asset/here2.png': no such file in the vault",
    ]


def test_several_namesakes_are_listed_up_to_three(vk2) -> None:
    files = {**FILES, **{f"{d}/fig.png": PNG for d in "abcd"}, "sessions/x.md": "![](../asset/fig.png)\n"}
    assert vk2.messages(files, select=("VK202",)) == [
        "missing file '../asset/fig.png': no such file in the vault; 'a/fig.png', 'b/fig.png', 'c/fig.png' … "
        "have that name (moved?)"]


@pytest.mark.parametrize(("folder", "said"), [
    ("asset", "in 'asset/'"),
    ("/", "in the vault's root folder"),
    ("./", "beside the note"),
    ("./figures", "in 'figures/' beside the note"),
])
def test_the_attachment_folder_is_named(vk2, folder: str, said: str) -> None:
    files = {**FILES, "sessions/x.md": "![[gone.png]]\n"}
    assert vk2.messages(files, select=("VK202",), attachments=folder) == [
        f"missing file 'gone.png': no such file in the vault (Obsidian saves new attachments {said})"]


def test_the_attachment_folder_comes_from_obsidian(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {**FILES, ".obsidian/app.json": '{"attachmentFolderPath": "asset"}',
                                        "sessions/x.md": "![[gone.png]]\n"})
    found = Vault.load(root, load_config(None, root), use_cache=False).lint()
    assert [f.message for f in found if f.code == "VK202"] == [
        "missing file 'gone.png': no such file in the vault (Obsidian saves new attachments in 'asset/')"]
