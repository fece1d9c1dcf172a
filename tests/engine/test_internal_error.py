"""A bug in one rule becomes a VK000 finding; the other rules still report."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.conftest import write_vault
from vaultkit.checks import rule_by_code
from vaultkit.cli import main


def boom(*args: object) -> None:
    raise KeyError("boom")


def test_failing_rules_become_findings(tmp_path, monkeypatch) -> None:
    # a bibliography, so that VK201 has something to check against (#10 item 5)
    root = write_vault(tmp_path / "v", {"sessions/2023-03-14.md": "## tl;dr\n\n@missing2020\n",
                                        "references.bib": "@misc{known2020}\n"})
    monkeypatch.setattr(rule_by_code("VK105").module, "check", boom)        # a note rule
    monkeypatch.setattr(rule_by_code("VK208").module, "check_vault", boom)  # a vault-wide rule
    result = CliRunner().invoke(main, ["lint", "--format", "json", "--no-cache", str(root)])
    # exit 1 (findings), and not through an uncaught exception (CliRunner reports that as 1 too)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    found = json.loads(result.stdout)
    errors = [(f["path"], f["code"], f["message"].split(" (")[0]) for f in found if f["code"] == "VK000"]
    assert ("sessions/2023-03-14.md", "VK000", "rule VK105 failed on this note") in errors
    assert (".", "VK000", "rule VK208 failed on this note") in errors
    assert any(f["code"] == "VK201" for f in found)  # the other rules still ran
