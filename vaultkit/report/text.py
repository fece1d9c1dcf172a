"""Text: ``path:line:col: CODE message``, with a source snippet and colour on a TTY.

The line format is a contract (README "Text output"); nothing is appended to it.
"""

from __future__ import annotations

import click

from vaultkit.model import Finding
from vaultkit.report import ReportContext

_COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}


def render(findings: list[Finding], ctx: ReportContext) -> str:
    out: list[str] = []
    for f in findings:
        location = f"{f.path}:{f.span.line}:{f.span.column}:"
        code = f.code
        if ctx.color:
            location = click.style(location, bold=True)
            code = click.style(code, fg=_COLORS.get(f.severity), bold=True)
        message = " ".join(f.message.split("\n"))  # one finding, one line: grep and editors rely on it
        # exactly `path:line:col: CODE message`: editors' problem matchers parse it;
        # the severity shows as the code's colour on a terminal and in the summary
        out.append(f"{location} {code} {message}")
        if ctx.show_source and ctx.lines is not None:
            out.extend(_snippet(f, ctx))
    return "\n".join(out) + ("\n" if out else "")


def _snippet(f: Finding, ctx: ReportContext) -> list[str]:
    assert ctx.lines is not None
    lines = ctx.lines(f.path)
    if not lines or f.span.line > len(lines):
        return []
    text = lines[f.span.line - 1]
    gutter = f"{f.span.line:>5} | "
    start = f.span.column - 1
    end = f.span.end_column - 1 if f.span.end_line == f.span.line else len(text)
    # Keep long lines readable: show a window around the finding.
    if len(text) > 160:
        left = max(0, start - 60)
        text, start, end = text[left : left + 160], start - left, min(end, left + 160) - left
    shown = text.replace("\t", " ")
    marker = " " * len(gutter) + " " * start + "^" * max(1, end - start)
    if ctx.color:
        marker = click.style(marker, fg=_COLORS.get(f.severity))
    return [gutter + shown, marker]
