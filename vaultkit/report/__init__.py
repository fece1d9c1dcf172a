"""Reporters: findings to text, JSON, GitHub annotations or SARIF.

Each reporter is a function ``render(findings, ctx) -> str``; the CLI picks one by
``--format`` and writes the result to stdout or ``--output-file``.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable, Iterable

from msgspec import Struct

from vaultkit.model import Finding


class ReportContext(Struct, frozen=True):
    vault_root: str
    notes_checked: int
    color: bool = False
    show_source: bool = False
    lines: Callable[[str], tuple[str, ...]] | None = None
    """Source lines of a vault path (for snippets), when available."""
    unsafe_fixes: bool = False
    """Whether ``--unsafe-fixes`` is on: unsafe fixes count as applicable (``[*]``)."""


def counts(findings: Iterable[Finding]) -> Counter[str]:
    return Counter(f.severity for f in findings)


def summary(findings: list[Finding], notes_checked: int) -> str:
    c = counts(findings)
    noun = "note" if notes_checked == 1 else "notes"
    if not findings:
        return f"All clear: {notes_checked} {noun} checked, no findings."
    parts = []
    for severity, word in (("error", "error"), ("warning", "warning"), ("info", "info")):
        if c[severity]:
            parts.append(f"{c[severity]} {word}{'s' if c[severity] != 1 and word != 'info' else ''}")
    files = len({f.path for f in findings})
    return f"Found {', '.join(parts)} in {files} file{'s' if files != 1 else ''} ({notes_checked} {noun} checked)."


def will_fix(finding: Finding, unsafe_fixes: bool = False) -> bool:
    """Whether ``--fix`` (with ``--unsafe-fixes`` when given) would apply this finding's fix."""
    fix = finding.fix
    return fix is not None and bool(fix.edits) and (unsafe_fixes or fix.applicability == "safe")


def fix_summary(findings: list[Finding], unsafe_fixes: bool = False) -> str:
    """``3 fixable with --fix (1 more with --unsafe-fixes).``, or ``""``."""
    safe = sum(1 for f in findings if will_fix(f, unsafe_fixes))
    hidden = 0 if unsafe_fixes else sum(
        1 for f in findings if f.fix is not None and f.fix.applicability == "unsafe")
    if not safe and not hidden:
        return ""
    flag = "--fix --unsafe-fixes" if unsafe_fixes else "--fix"
    if not safe:
        return f"No fix with --fix ({hidden} with --unsafe-fixes)."
    text = f"[*] {safe} fixable with {flag}"
    if hidden:
        text += f" ({hidden} more with --unsafe-fixes)"
    return text + "."


def statistics(findings: list[Finding]) -> str:
    """One line per rule: count, code, name, as ruff's --statistics."""
    per_rule = Counter((f.code, f.rule) for f in findings)
    width = max((len(str(n)) for n in per_rule.values()), default=1)
    return "\n".join(
        f"{count:>{width}}  {code}  {name}" for (code, name), count in sorted(per_rule.items())
    )


def get_reporter(name: str) -> Callable[[list[Finding], ReportContext], str]:
    if name == "json":
        from vaultkit.report.json import render
    elif name == "github":
        from vaultkit.report.github import render
    elif name == "sarif":
        from vaultkit.report.sarif import render
    else:
        from vaultkit.report.text import render
    return render
