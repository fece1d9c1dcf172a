"""Schemas through the whole pipeline: config -> Vault.load -> lint, and the CLI's exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from vaultkit.config import Config
from vaultkit.vault import Vault

REPO = Path(__file__).resolve().parents[2]

SESSION = "## tl;dr\n\n## Context\n## Done\n## Learned\n## Next?\n## Log\n- [skim(@a)]\n"
OVERRIDE = """\
name: session
applies-to:
  paths: ["journal/**"]
sections:
  - title: Summary
    required: true
"""


def findings(root: Path, config: Config | None = None) -> list[tuple[str, int, int, str]]:
    vault = Vault.load(root, config or Config(select=("VK1",)), use_cache=False)
    return [(f.path, f.span.line, f.span.column, f.code) for f in vault.lint()]


def test_builtin_session_schema_in_a_vault(make_vault) -> None:
    root = make_vault({"sessions/2023-03-14.md": SESSION, "notes/free.md": "- [solilquy -> x]\n"})
    assert findings(root) == [("sessions/2023-03-14.md", 1, 1, "VK105")]


def test_vault_schema_replaces_the_builtin(make_vault) -> None:
    root = make_vault({
        "schemas/session.yaml": OVERRIDE,
        "sessions/2023-03-14.md": SESSION,
        "journal/2023-03-14.md": "## Notes\n",
    })
    config = Config(select=("VK1",), schemas="schemas")
    assert findings(root, config) == [("journal/2023-03-14.md", 1, 1, "VK101")]


def test_invalid_schema_exits_2_with_file_and_line(make_vault) -> None:
    root = make_vault({
        ".vaultkit.yaml": "schemas: schemas\n",
        "schemas/session.yaml": OVERRIDE.replace("    required: true", "    requried: true"),
        "sessions/2023-03-14.md": SESSION,
    })
    result = subprocess.run(
        [sys.executable, "-m", "vaultkit", "lint", str(root), "--no-cache"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "schemas/session.yaml:6:5: unknown key 'requried' in schema (did you mean 'required'?)" \
        in result.stderr
