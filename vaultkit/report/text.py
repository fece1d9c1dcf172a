"""Text: ``path:line:col: CODE message``, one line per finding; on a terminal, ruff's layout.

In a pipe (and whenever source is not shown) each finding is exactly
``path:line:col: CODE message`` -- a contract (README "Text output"): editors' problem
matchers and grep rely on it, nothing is appended.  With source shown (the default on a
terminal, ``--show-source`` elsewhere) each finding is a block as ruff prints it::

    VK201 [*] unknown citekey @x (did you mean @y?)
      --> sessions/2023-03-14.md:12:9
       |
    12 | - [skim(@x)]
       |         ^^
       |
    help: Replace with @y

``[*]`` marks a finding ``--fix`` would mend (an unsafe one only with ``--unsafe-fixes``).
"""

from __future__ import annotations

import unicodedata

import click

from vaultkit.model import Finding
from vaultkit.report import ReportContext, will_fix

_COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}
_WINDOW = 160
"""Characters of a long line shown around the finding."""


def render(findings: list[Finding], ctx: ReportContext) -> str:
    if ctx.show_source:
        blocks = [_block(f, ctx) for f in findings]
        return "".join(block + "\n\n" for block in blocks)
    out: list[str] = []
    for f in findings:
        location = f"{f.path}:{f.span.line}:{f.span.column}:"
        code = f.code
        if ctx.color:
            location = click.style(location, bold=True)
            code = click.style(code, fg=_COLORS.get(f.severity), bold=True)
        # exactly `path:line:col: CODE message`: editors' problem matchers parse it;
        # the severity shows as the code's colour on a terminal and in the summary
        out.append(f"{location} {code} {_one_line(f.message)}")
    return "\n".join(out) + ("\n" if out else "")


def _one_line(message: str) -> str:
    """One finding, one line: grep and editors rely on it."""
    return " ".join(message.split("\n"))


def _style(text: str, ctx: ReportContext, **kw: object) -> str:
    return click.style(text, **kw) if ctx.color else text  # type: ignore[arg-type]


def _block(f: Finding, ctx: ReportContext) -> str:
    colour = _COLORS.get(f.severity)
    head = _style(f.code, ctx, fg=colour, bold=True)
    if will_fix(f, ctx.unsafe_fixes):
        head += " " + _style("[*]", ctx, fg="cyan")
    lines = [f"{head} {_style(_one_line(f.message), ctx, bold=True)}"]
    snippet = _snippet(f, ctx)
    width = max(len(str(f.span.line)), 1)
    arrow = _style("-->", ctx, fg="blue", bold=True)
    lines.append(f"{' ' * width}{arrow} {f.path}:{f.span.line}:{f.span.column}")
    if snippet is not None:
        text, start, end = snippet
        bar = _style("|", ctx, fg="blue", bold=True)
        number = _style(str(f.span.line).rjust(width), ctx, fg="blue", bold=True)
        marker = _style("^" * max(1, end - start), ctx, fg=colour, bold=True)
        lines += [
            f"{' ' * width} {bar}",
            f"{number} {bar} {text}",
            f"{' ' * width} {bar} {' ' * start}{marker}",
            f"{' ' * width} {bar}",
        ]
    help_text = _help(f)
    if help_text:
        lines.append(f"{_style('help', ctx, bold=True)}: {help_text}")
    return "\n".join(lines)


def _help(f: Finding) -> str | None:
    if f.fix is not None:
        unsafe = " (unsafe: --unsafe-fixes)" if f.fix.applicability == "unsafe" else ""
        return f.fix.title + unsafe
    if f.suggestion:
        return f"did you mean {f.suggestion}?"
    return None


def _snippet(f: Finding, ctx: ReportContext) -> tuple[str, int, int] | None:
    """The finding's first line (a window of a long one), with the display columns where
    the underline starts and ends (wide characters count two, tabs one)."""
    if ctx.lines is None:
        return None
    source = ctx.lines(f.path)
    if not source or not 1 <= f.span.line <= len(source):
        return None
    text = source[f.span.line - 1]
    start = f.span.column - 1
    end = f.span.end_column - 1 if f.span.end_line == f.span.line else len(text)
    if len(text) > _WINDOW:  # keep long lines readable: a window around the finding
        left = max(0, start - 60)
        text, start, end = text[left : left + _WINDOW], start - left, min(end, left + _WINDOW) - left
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    shown = text.replace("\t", " ")
    return shown, _width(shown[:start]), _width(shown[:start]) + max(1, _width(shown[start:end]))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
