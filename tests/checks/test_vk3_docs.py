"""The VK3xx (index) rules are documented in ruff's shape and `vaultkit explain` shows them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from vaultkit.checks import all_rules
from vaultkit.cli import main

RULES = [r for r in all_rules() if r.code.startswith("VK3")]


def test_the_index_rules() -> None:
    assert {r.code: (r.name, r.severity, r.scope) for r in RULES} == {
        "VK301": ("stale-index", "off", "vault"),
        "VK302": ("index-region-invalid", "error", "vault"),
        "VK303": ("index-note-collision", "warning", "vault"),
        "VK304": ("index-write-failed", "error", "engine"),
    }


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_docstring_shape_and_explain(rule) -> None:
    assert rule.doc.splitlines()[0] == f"{rule.code} {rule.name}"
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Fix safety"):
        assert heading in rule.doc
    assert rule.summary.startswith("Reports ")
    out = CliRunner().invoke(main, ["explain", rule.code]).stdout
    assert out.startswith(f"{rule.code} {rule.name}\n")
    assert "## Why is this bad?" in out
