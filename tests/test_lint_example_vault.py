"""The example vault: its planted problems are found, and nothing else (a snapshot)."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from tests.conftest import EXAMPLE_VAULT
from vaultkit.cli import main


def test_lint_json_snapshot(data_regression) -> None:
    result = CliRunner().invoke(main, ["lint", "--format", "json", "--no-cache", str(EXAMPLE_VAULT)])
    assert result.exit_code == 1, result.stderr
    findings = json.loads(result.stdout)
    data_regression.check(findings)


def planted_rows() -> list[tuple[str, int, int, str]]:
    """The table of example-vault/README.md: (file, line, col, code) per row, in order."""
    readme = (EXAMPLE_VAULT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \d+ \| `([^`]+)` \| (\d+) \| (\d+) \| .* \| (VK\d{3}) [a-z-]+ \|$",
                      readme, flags=re.MULTILINE)
    return [(path, int(line), int(col), code) for path, line, col, code in rows]


def lint_positions(*args: str) -> tuple[int, list[tuple[str, int, int, str]], list[str]]:
    result = CliRunner().invoke(main, ["lint", "--format", "json", "--no-cache", *args,
                                       str(EXAMPLE_VAULT)])
    found = json.loads(result.stdout)
    return (result.exit_code, sorted((f["path"], f["line"], f["column"], f["code"]) for f in found),
            [f["severity"] for f in found])


def test_planted_problems_match_the_vault_readme() -> None:
    rows = planted_rows()
    assert len(rows) == 10  # the table parsed: rows 1-10
    off_by_default = [row for row in rows if row[3] == "VK207"]
    assert len(off_by_default) == 1
    code, found, severities = lint_positions()
    assert code == 1
    assert found == sorted(set(rows) - set(off_by_default))  # rows 1-8 and 10, exactly these positions
    # "reports rows 1-8 and 10 (5 errors, 3 warnings, 1 info)"
    assert (severities.count("error"), severities.count("warning"), severities.count("info")) == (5, 3, 1)
    code, found, _ = lint_positions("--extend-select", "VK207")
    assert code == 1 and found == sorted(rows)  # row 9 as well
