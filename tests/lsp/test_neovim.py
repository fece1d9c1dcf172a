"""A real editor as the client: headless Neovim's built-in LSP client against ``vaultkit lsp``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lsp.support import CROSS_VAULT_NOTE, copy_vault, two_vaults

NVIM = shutil.which("nvim")
CLIENT = Path(__file__).parent / "nvim" / "client.lua"


@pytest.mark.skipif(NVIM is None, reason="nvim is not installed (.ci/run installs Debian's neovim)")
def test_neovim_gets_diagnostics_completion_and_definition(tmp_path: Path) -> None:
    root = copy_vault(tmp_path)
    out = tmp_path / "nvim.json"
    # 2023-02-24.md: a typo'd key on line 26 (VK201); @pfeiffer… on line 7 has no paper note
    note = root / "sessions/2023-02-24.md"
    key = "pfeifferModularDeepLearning2023"
    lines = note.read_text(encoding="utf-8").split("\n")
    def_line = next(i for i, line in enumerate(lines) if f"@{key}" in line)
    def_col = lines[def_line].index(f"@{key}") + 3
    bib = (root / "references.bib").read_text(encoding="utf-8").split("\n")
    entry_line = next(i for i, line in enumerate(bib) if line.endswith("{" + key + ","))
    env = {**os.environ, "VK_ROOT": str(root), "VK_FILE": str(note), "VK_OUT": str(out),
           "VK_PYTHON": sys.executable, "VK_DEF_LINE": str(def_line), "VK_DEF_COL": str(def_col)}
    run = subprocess.run([NVIM, "--headless", "--clean", "-n", "-u", "NONE", "-c", f"luafile {CLIENT}"],
                         env=env, capture_output=True, text=True, timeout=180, cwd=root)
    assert out.is_file(), f"nvim wrote nothing: {run.stdout}\n{run.stderr}"
    got = json.loads(out.read_text(encoding="utf-8"))
    assert got["errors"] == []

    vk201 = [d for d in got["diagnostics"] if d["code"] == "VK201"]
    assert [(d["lnum"], d["col"], d["severity"], d["source"]) for d in vk201] == [(25, 8, 1, "vaultkit")]
    assert "huLoRALowRankAdaption2021" in vk201[0]["message"]

    assert got["completion"][0]["label"] == "huLoRALowRankAdaptation2021"
    assert got["completion"][0]["detail"].startswith("Hu et al. 2021 — LoRA")

    assert [(Path(d["uri"].removeprefix("file://")).name, d["line"]) for d in got["definition"]] == [
        ("references.bib", entry_line)]


FOLDERS = Path(__file__).parent / "nvim" / "folders.lua"


@pytest.mark.skipif(NVIM is None, reason="nvim is not installed (.ci/run installs Debian's neovim)")
def test_neovim_with_two_workspace_folders_checks_each_note_in_its_own_vault(tmp_path: Path) -> None:
    """One Neovim client, two workspace folders: a note is checked against the vault
    holding it (only the second vault's .bib knows the key; only the first has the note
    the link names)."""
    first, second = two_vaults(tmp_path)
    note = "sessions/2024-06-01.md"
    text = CROSS_VAULT_NOTE
    for root in (first, second):  # on disk, nothing to find; the buffers hold ``text``
        (root / note).write_text(text.replace("See @onlyInSecondVault2024 and [[only-here]].", "Plain."),
                                 encoding="utf-8")
    out = tmp_path / "nvim.json"
    env = {**os.environ, "VK_ROOT": str(first), "VK_ROOT2": str(second), "VK_NOTE": note,
           "VK_OUT": str(out), "VK_PYTHON": sys.executable, "VK_TEXT": text.rstrip("\n")}
    run = subprocess.run([NVIM, "--headless", "--clean", "-n", "-u", "NONE", "-c", f"luafile {FOLDERS}"],
                         env=env, capture_output=True, text=True, timeout=180, cwd=first)
    assert out.is_file(), f"nvim wrote nothing: {run.stdout}\n{run.stderr}"
    got = json.loads(out.read_text(encoding="utf-8"))
    assert got["errors"] == []
    seen = {root: sorted((d["code"], d["lnum"]) for d in found) for root, found in got["diagnostics"].items()}
    assert seen == {str(first): [("VK201", 1)], str(second): [("VK203", 1)]}
    assert "onlyInSecondVault2024" in got["diagnostics"][str(first)][0]["message"]
    assert "only-here" in got["diagnostics"][str(second)][0]["message"]
