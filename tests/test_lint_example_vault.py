"""The example vault: its planted problems are found, and nothing else (a snapshot)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.conftest import EXAMPLE_VAULT
from vaultkit.cli import main


def test_lint_json_snapshot(data_regression) -> None:
    result = CliRunner().invoke(main, ["lint", "--format", "json", "--no-cache", str(EXAMPLE_VAULT)])
    assert result.exit_code == 1, result.stderr
    findings = json.loads(result.stdout)
    data_regression.check(findings)


def test_planted_problems_match_the_vault_readme() -> None:
    result = CliRunner().invoke(main, ["lint", "--format", "json", "--no-cache", str(EXAMPLE_VAULT)])
    found = {(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)}
    readme = (EXAMPLE_VAULT / "README.md").read_text(encoding="utf-8")
    for path, line, code in found:
        assert code in readme and path in readme, (path, line, code)
    assert {code for _, _, code in found} == {
        "VK101", "VK105", "VK106", "VK107", "VK201", "VK202", "VK203"}
