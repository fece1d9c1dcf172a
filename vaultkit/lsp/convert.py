"""vaultkit's spans <-> LSP positions, findings -> diagnostics, edits -> text edits.

vaultkit counts 1-based lines and code-point columns; LSP counts 0-based lines and
columns in the negotiated unit (UTF-16 code units unless the client offered UTF-8 or
UTF-32).  The arithmetic lives in :mod:`vaultkit.positions`; this module only picks the
unit and shifts to 0-based.
"""

from __future__ import annotations

from typing import Sequence

from lsprotocol import types

from vaultkit.lsp import ruledocs
from vaultkit.model import Edit, Finding, Span
from vaultkit.positions import column_from_utf16, column_from_utf8, utf16_column, utf8_column


SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


class Codec:
    """Columns in the client's unit for one negotiated position encoding."""

    def __init__(self, encoding: str | None = None) -> None:
        self.encoding = encoding or types.PositionEncodingKind.Utf16

    def units(self, line_text: str, column: int) -> int:
        """0-based client column of a 1-based code-point column."""
        column = max(1, min(column, len(line_text) + 1))
        if self.encoding == types.PositionEncodingKind.Utf32:
            return column - 1
        if self.encoding == types.PositionEncodingKind.Utf8:
            return utf8_column(line_text, column) - 1
        return utf16_column(line_text, column) - 1

    def column(self, line_text: str, units: int) -> int:
        """1-based code-point column of a 0-based client column (clamped to the line)."""
        if self.encoding == types.PositionEncodingKind.Utf32:
            column = units + 1
        elif self.encoding == types.PositionEncodingKind.Utf8:
            column = column_from_utf8(line_text, units + 1)
        else:
            column = column_from_utf16(line_text, units + 1)
        return max(1, min(column, len(line_text) + 1))

    # -- positions and ranges ----------------------------------------------------------
    def position(self, lines: Sequence[str], line: int, column: int) -> types.Position:
        if line > len(lines) >= 1:  # past the end: the end of the last line
            return types.Position(len(lines) - 1, self.units(lines[-1], len(lines[-1]) + 1))
        text = lines[line - 1] if 1 <= line <= len(lines) else ""
        return types.Position(max(line - 1, 0), self.units(text, column))

    def range(self, lines: Sequence[str], span: Span) -> types.Range:
        return types.Range(self.position(lines, span.line, span.column),
                           self.position(lines, span.end_line, span.end_column))

    def line_column(self, lines: Sequence[str], position: types.Position) -> tuple[int, int]:
        """1-based (line, code-point column) of an LSP position."""
        line = position.line + 1
        text = lines[position.line] if 0 <= position.line < len(lines) else ""
        return line, self.column(text, position.character)

    # -- findings and edits ----------------------------------------------------------
    def diagnostic(self, finding: Finding, lines: Sequence[str],
                   docs_url: str | None = None) -> types.Diagnostic:
        """``docs_url``: a template of the rule's documentation address
        (:func:`vaultkit.lsp.ruledocs.href`); by default its page on this machine."""
        data = {"rule": finding.rule, "fixable": finding.fixable}
        if finding.suggestion:
            data["suggestion"] = finding.suggestion
        href = ruledocs.href(finding.code, docs_url)
        return types.Diagnostic(
            range=self.range(lines, finding.span),
            message=finding.message,
            severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
            code=finding.code,
            code_description=types.CodeDescription(href=href) if href else None,
            source="vaultkit",
            data=data,
        )

    def text_edits(self, lines: Sequence[str], edits: Sequence[Edit]) -> list[types.TextEdit]:
        return [types.TextEdit(self.range(lines, e.span), e.text) for e in edits]

