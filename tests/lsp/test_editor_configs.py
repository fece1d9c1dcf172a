"""The editor configs README gives for ``vaultkit lsp`` are exactly right.

Each fenced block of README's editor section is parsed as its editor reads it (JSON for
VS Code and Zed, TOML for Helix, Lua for Neovim), held against the settings that editor
documents, and the command it names is started to answer ``initialize``.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import client_capabilities, make_test_lsp_client

REPO = Path(__file__).resolve().parents[2]
NVIM = shutil.which("nvim")
GLSPC_SETTINGS = {
    # the Generic LSP Client (v2) extension's settings (zsol.vscode-glspc, package.json)
    "glspc.server.command": str, "glspc.server.commandArguments": list,
    "glspc.server.languageId": list, "glspc.server.environmentVariables": dict,
    "glspc.server.initializationOptions": dict, "glspc.trace.server": str,
}


def editor_blocks() -> list[tuple[str, str, str]]:
    """(the editor named before the block, language, text) of every fenced block in the
    README section on editors."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Editors: `vaultkit lsp`", 1)[1].split("\n## ", 1)[0]
    out = []
    for found in re.finditer(r"\*\*(?P<editor>[^*]+)\*\*(?P<between>.*?)```(?P<lang>\w+)\n(?P<body>.*?)```",
                             section, re.S):
        out.append((found["editor"], found["lang"], found["body"]))
        # a second block under the same editor (Neovim 0.9 and 0.10)
        rest = section[found.end():].split("**", 1)[0]
        for more in re.finditer(r"```(?P<lang>\w+)\n(?P<body>.*?)```", rest, re.S):
            out.append((found["editor"], more["lang"], more["body"]))
    return out


def blocks_of(editor: str) -> list[tuple[str, str]]:
    return [(lang, body) for name, lang, body in editor_blocks() if name.startswith(editor)]


def test_every_editor_has_its_config() -> None:
    assert {name.split()[0] for name, _, _ in editor_blocks()} == {"Neovim", "VS", "Helix", "Zed"}


def test_vs_code_settings_are_the_extensions() -> None:
    [(lang, body)] = blocks_of("VS Code")
    assert lang == "json"
    settings = json.loads(body)
    for key, value in settings.items():
        assert key in GLSPC_SETTINGS, f"{key}: not a setting of the Generic LSP Client (v2)"
        assert isinstance(value, GLSPC_SETTINGS[key])
    assert (settings["glspc.server.command"], settings["glspc.server.commandArguments"]) == ("vaultkit", ["lsp"])
    assert settings["glspc.server.languageId"] == ["markdown"]


def test_helix_languages_toml() -> None:
    [(lang, body)] = blocks_of("Helix")
    assert lang == "toml"
    config = tomllib.loads(body)
    assert config["language-server"]["vaultkit"] == {"command": "vaultkit", "args": ["lsp"]}
    [markdown] = [lang for lang in config["language"] if lang["name"] == "markdown"]
    assert "vaultkit" in markdown["language-servers"]
    assert set(markdown) == {"name", "language-servers"}  # a language's other keys keep Helix's defaults


def test_zed_settings() -> None:
    [(lang, body)] = blocks_of("Zed")
    assert lang == "json"
    binary = json.loads(body)["lsp"]["marksman"]["binary"]
    assert binary == {"path": "vaultkit", "arguments": ["lsp"]}


@pytest.mark.skipif(NVIM is None, reason="nvim is not installed (.ci/run installs Debian's neovim)")
def test_neovim_configs_are_lua_that_loads(tmp_path: Path) -> None:
    blocks = blocks_of("Neovim")
    assert [lang for lang, _ in blocks] == ["lua", "lua"]
    for n, (_, body) in enumerate(blocks):
        assert "{ 'vaultkit', 'lsp' }" in body
        script = tmp_path / f"config{n}.lua"
        script.write_text(body, encoding="utf-8")
        check = tmp_path / "check.lua"
        check.write_text(f"local f = assert(io.open('{script}')):read('*a')\n"
                         "local ok, err = loadstring(f)\n"
                         "io.stdout:write(ok and 'ok' or ('error: ' .. err))\nvim.cmd('qa!')\n",
                         encoding="utf-8")
        run = subprocess.run([NVIM, "--headless", "--clean", "-n", "-u", "NONE", "-c", f"luafile {check}"],
                             capture_output=True, text=True, timeout=60)
        assert (run.stdout + run.stderr).strip().endswith("ok"), run.stdout + run.stderr


def test_the_documented_options_are_the_servers() -> None:
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Editors: `vaultkit lsp`", 1)[1]
    inline = re.search(r"`(\{\"debounceMs\".*?\})`", section, re.S)
    assert inline is not None
    options = json.loads(inline.group(1))
    table = (REPO / "docs" / "lsp.md").read_text(encoding="utf-8")
    server = (REPO / "vaultkit" / "lsp" / "server.py").read_text(encoding="utf-8")
    for name in options:
        assert f"| `{name}` |" in table, f"{name}: not in docs/lsp.md's options"
        assert f'"{name}"' in server, f"{name}: the server does not read it"


def commands() -> list[tuple[str | None, list[str] | None]]:
    """The command and arguments each config starts (``None`` where the config has none:
    the test says so, rather than the collection failing)."""
    vscode = json.loads(blocks_of("VS Code")[0][1])
    helix = tomllib.loads(blocks_of("Helix")[0][1]).get("language-server", {}).get("vaultkit", {})
    zed = json.loads(blocks_of("Zed")[0][1]).get("lsp", {}).get("marksman", {}).get("binary", {})
    return [(vscode.get("glspc.server.command"), vscode.get("glspc.server.commandArguments")),
            (helix.get("command"), helix.get("args")), (zed.get("path"), zed.get("arguments"))]


@pytest.mark.asyncio
@pytest.mark.parametrize("command, args", commands(), ids=["vscode", "helix", "zed"])
async def test_the_command_each_config_names_starts_the_server(command: str | None, args: list[str] | None) -> None:
    assert command is not None and args is not None, "the config names no command"
    installed = Path(sys.executable).parent / command  # `vaultkit` as pip installs it
    if not installed.exists():
        pytest.skip(f"no {command} script beside {sys.executable}")
    lsp = make_test_lsp_client()
    env = {**os.environ, "PATH": f"{installed.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    await lsp.start_io(shutil.which(command, path=env["PATH"]) or command, *args, env=env)
    try:
        result = await asyncio.wait_for(lsp.initialize_session(types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), root_uri=(REPO / "example-vault").as_uri())), 30)
        assert result.server_info is not None and result.server_info.name == "vaultkit"
    finally:
        await asyncio.wait_for(lsp.shutdown_session(), 30)
        await lsp.stop()
