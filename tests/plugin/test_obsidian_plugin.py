"""The Obsidian plugin's own checks, run from pytest so the README's one test command runs
everything: `npm ci`, the type check and bundle (`npm run build`), the Obsidian ESLint rules
(`npm run lint`), and `npm test` (node's test runner: the client against the real
`vaultkit lsp`, the glue against a fake Obsidian API, the CodeMirror extension in headless
Chromium).  Skips when Node.js and npm are not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parents[2] / "obsidian-plugin"

pytestmark = [
    pytest.mark.skipif(shutil.which("npm") is None or shutil.which("node") is None,
                       reason="Node.js and npm are needed for the Obsidian plugin's tests"),
    pytest.mark.integration,
]


def _npm(*args: str, timeout: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VAULTKIT_PYTHON": sys.executable}
    return subprocess.run(["npm", *args], cwd=PLUGIN, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def installed() -> None:
    if not (PLUGIN / "node_modules" / ".package-lock.json").exists() or os.environ.get("CI"):
        done = _npm("ci", "--no-audit", "--no-fund", timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr


def test_build_type_checks_and_bundles(installed: None) -> None:
    done = _npm("run", "build", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    bundle = (PLUGIN / "main.js").read_text(encoding="utf-8")
    assert "vaultkit" in bundle and "require(\"obsidian\")" in bundle


def test_obsidian_lint_rules_pass(installed: None) -> None:
    done = _npm("run", "lint", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_plugin_tests_pass(installed: None) -> None:
    done = _npm("test", timeout=900)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    # node's runner prints "ℹ fail 0"; make sure tests really ran against the real server
    assert "ℹ fail 0" in output, output
    # a suite node skips is printed as "﹣ <name> (… ms) # <reason>"
    assert "﹣ VaultkitClient with the real server" not in output, output
    assert "﹣ the plugin in a fake Obsidian with the real server" not in output, output
    if shutil.which("chromium") or os.path.exists("/usr/bin/chromium"):
        assert "﹣ lint marks in a real CodeMirror editor" not in output, output
