"""Fixtures for the reporter and CLI tests: hand-made findings, copies of example-vault."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from vaultkit.model import Finding

from report_helpers import SARIF_SCHEMA, copy_example_vault, finding, repair


@pytest.fixture
def example_vault(tmp_path: Path) -> Path:
    """A throw-away copy of example-vault, planted problems and all."""
    return copy_example_vault(tmp_path / "example-vault")


@pytest.fixture
def clean_vault(tmp_path: Path) -> Path:
    """A copy of example-vault with every planted problem fixed."""
    return repair(copy_example_vault(tmp_path / "clean-vault"))


@pytest.fixture
def runner() -> CliRunner:
    """A CliRunner that keeps stdout and stderr apart (click 8.1 and 8.2+)."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click >= 8.2: always separate
        return CliRunner()


@pytest.fixture(scope="session")
def sarif_validator():
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture
def findings() -> list[Finding]:
    """A hand-made report: one finding of each severity, a multi-line span, non-ASCII."""
    return [
        finding("sessions/2023-02-08.md", 5, 28, end_column=42, code="VK203",
                rule="unresolved-link", severity="warning",
                message="unresolved link '2023-01-01': no such note"),
        finding("sessions/2023-02-24.md", 26, 9, end_column=35,
                message="unknown citekey @huLoRALowRankAdaption2021 "
                        "(did you mean @huLoRALowRankAdaptation2021?)",
                suggestion="@huLoRALowRankAdaptation2021"),
        finding("papers/@vaswani 注意.md", 3, 2, end_line=5, end_column=4, code="VK204",
                rule="link-case-mismatch", severity="info", message="case differs: 50% off,\nsee\r"),
        finding("references.bib", 1, 1, end_column=1, code="VK210", rule="bibliography-invalid",
                message="cannot read: unbalanced braces", fixable=True),
    ]
