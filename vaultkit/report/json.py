"""JSON: the contract other tools build on.

A list of objects with exactly ``path, line, column, end_line, end_column, code, rule,
severity, message, fixable`` (see README "JSON output").  Fields may be added, never
renamed or removed.
"""

from __future__ import annotations

from vaultkit.jsontext import dumps_indented
from vaultkit.model import Finding
from vaultkit.report import ReportContext


def render(findings: list[Finding], ctx: ReportContext) -> str:
    return dumps_indented([f.to_json() for f in findings]) + "\n"
