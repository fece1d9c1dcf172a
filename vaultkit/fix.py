"""Apply fixes: the one loop behind ``lint --fix``, ``--diff``, the pre-commit fixer and the
language server's "fix all".

A fix is a titled set of edits (:class:`vaultkit.model.Fix`).  One *pass* splices every
applicable fix of a note into its bytes at once, skipping a fix whose edits overlap one
already taken (it is computed again, on the new text, in the next pass); the note is then
linted again and the loop goes on until no fix is left or nothing changes, at most
:data:`MAX_PASSES` times.  Everything here is pure except :func:`fix_vault` with
``write=True``, which writes through :func:`vaultkit.fsutil.safe_write` with the bytes it
read as the compare-and-swap guard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from vaultkit.edits import EditError, splice, unified_diff
from vaultkit.model import Edit, Finding, Fix

if TYPE_CHECKING:
    from vaultkit.vault import Vault

MAX_PASSES = 10
"""ruff stops at 100; a note converges in two or three passes, so ten is plenty."""


def applicable(findings: Iterable[Finding], unsafe: bool = False) -> list[Finding]:
    """Findings whose fix may be applied, in order, each fix once.

    A rule may attach one fix to several findings (VK102 reorders every section in one
    go): it is applied once.
    """
    out: list[Finding] = []
    seen: set[Fix] = set()
    for finding in findings:
        fix = finding.fix
        if fix is None or not fix.edits or (fix.applicability == "unsafe" and not unsafe):
            continue
        if fix in seen:
            continue
        seen.add(fix)
        out.append(finding)
    return out


def _overlaps(a: Edit, b: Edit) -> bool:
    """Whether two edits conflict.

    Replacements conflict when they share a character.  An insertion conflicts with a
    replacement it falls inside *or at either end of* (does the new text go before or
    inside the replaced one? the next pass knows); insertions at one point do not
    conflict and go in the order given (the sections VK101 inserts, in schema order).
    """
    a0, a1 = a.span[:2], a.span[2:]
    b0, b1 = b.span[:2], b.span[2:]
    if a0 == a1 and b0 == b1:
        return False
    if a0 == a1 or b0 == b1:
        point, other = (a0, b) if a0 == a1 else (b0, a)
        return other.span[:2] <= point <= other.span[2:]
    return a0 < b1 and b0 < a1


def apply_once(data: bytes, fixes: Sequence[Fix]) -> tuple[bytes, list[Fix]]:
    """``data`` with every fix applied that does not overlap an earlier one.

    Returns the new bytes and the fixes applied.  A fix whose edits cannot be placed (a
    span past the end: the note changed under the finding) is skipped, never half-applied.
    """
    taken: list[Edit] = []
    applied: list[Fix] = []
    for fix in fixes:
        if any(_overlaps(e, t) for e in fix.edits for t in taken):
            continue
        if any(_overlaps(e, f) for i, e in enumerate(fix.edits) for f in fix.edits[i + 1 :]):
            continue  # a fix that contradicts itself is a bug in its rule: leave the note be
        try:
            splice(data, [*taken, *fix.edits])
        except EditError:
            continue
        taken.extend(fix.edits)
        applied.append(fix)
    if not applied:
        return data, []
    return splice(data, taken), applied


@dataclass
class FixOutcome:
    """What fixing one note did (nothing is written here)."""

    path: str
    before: bytes
    after: bytes
    applied: list[Fix] = field(default_factory=list)
    passes: int = 0
    remaining: list[Finding] = field(default_factory=list)
    """The findings of ``after`` (all of them, fixable or not)."""
    converged: bool = True
    """False when :data:`MAX_PASSES` ran out while fixes still changed the note."""
    rejected: list[Fix] = field(default_factory=list)
    """Safe fixes dropped because they added a finding (a bug in the rule that made them)."""

    @property
    def changed(self) -> bool:
        return self.after != self.before

    def diff(self) -> str:
        return unified_diff(self.path, self.before, self.after)


def fix_bytes(path: str, data: bytes, findings_of: Callable[[bytes], list[Finding]], *,
              unsafe: bool = False, max_passes: int = MAX_PASSES,
              initial: list[Finding] | None = None) -> FixOutcome:
    """Apply fixes to ``data`` until none is left or nothing changes.

    ``findings_of(bytes)`` lints the note as if it held those bytes (the CLI re-parses it
    inside the loaded vault; the language server lints its unsaved text).  ``initial``,
    when given, are the findings of ``data`` already at hand.

    A safe fix must not bring a new finding: when a pass does, its fixes are tried one at
    a time and a safe one that adds a finding is dropped (and not offered again), as ruff
    drops a fix that breaks the syntax.  Unsafe fixes may add findings (an empty tl;dr
    inserted by VK101 is then VK105's business).
    """
    outcome = FixOutcome(path, data, data)
    current = data
    findings = initial if initial is not None else findings_of(current)
    linted = current
    rejected: set[Fix] = set()
    for _ in range(max_passes):
        fixes = [f.fix for f in applicable(_own(findings, path), unsafe)
                 if f.fix is not None and f.fix not in rejected]
        if not fixes:
            break
        new, applied = apply_once(current, fixes)
        if new == current:
            break
        new_findings = findings_of(new)
        linted = new
        if _adds_findings(findings, new_findings) and any(f.applicability == "safe" for f in applied):
            new, applied, new_findings = _one_at_a_time(current, findings, applied, findings_of,
                                                        rejected)
            linted = None  # the last lint may have been of a rejected trial
            if new == current:
                continue
        outcome.passes += 1
        outcome.applied.extend(applied)
        current, findings = new, new_findings
    else:
        left = [f.fix for f in applicable(_own(findings, path), unsafe)
                if f.fix is not None and f.fix not in rejected]
        outcome.converged = not left or apply_once(current, left)[0] == current
    if linted != current:
        findings = findings_of(current)  # leave the caller's vault holding the result
    outcome.after = current
    outcome.remaining = findings
    outcome.rejected = sorted(rejected, key=lambda f: f.title)
    return outcome


def _adds_findings(before: list[Finding], after: list[Finding]) -> bool:
    """Whether some rule reports more often than before (messages may name lines that
    moved, so findings are counted per code, not compared one by one)."""
    count: dict[str, int] = {}
    for f in before:
        count[f.code] = count.get(f.code, 0) + 1
    for f in after:
        count[f.code] = count.get(f.code, 0) - 1
    return any(n < 0 for n in count.values())


def _one_at_a_time(base: bytes, findings: list[Finding], fixes: list[Fix],
                   findings_of: Callable[[bytes], list[Finding]],
                   rejected: set[Fix]) -> tuple[bytes, list[Fix], list[Finding]]:
    """The fixes of one pass applied one by one, dropping each safe one that adds a finding.

    They were chosen not to overlap, so any subset applies to ``base`` as it is.
    """
    kept: list[Fix] = []
    current, current_findings = base, findings
    for fix in fixes:
        trial, _ = apply_once(base, [*kept, fix])
        trial_findings = findings_of(trial)
        if fix.applicability == "safe" and _adds_findings(current_findings, trial_findings):
            rejected.add(fix)
            continue
        kept.append(fix)
        current, current_findings = trial, trial_findings
    return current, kept, current_findings


def _own(findings: Iterable[Finding], path: str) -> list[Finding]:
    """A vault rule may report on another file (a .bib): only this note's fixes apply."""
    return [f for f in findings if f.path == path]


# -- a vault on disk ------------------------------------------------------------------------
@dataclass
class FixReport:
    outcomes: list[FixOutcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    """Every finding of the targets after fixing (what ``lint`` would print now)."""
    conflicts: list[str] = field(default_factory=list)
    """Notes left alone because they changed on disk while vaultkit worked."""

    @property
    def changed(self) -> list[FixOutcome]:
        return [o for o in self.outcomes if o.changed]

    @property
    def fixed_count(self) -> int:
        return sum(len(o.applied) for o in self.changed)


def fix_vault(vault: "Vault", targets: Iterable[str], findings: list[Finding], *,
              unsafe: bool = False, write: bool = True) -> FixReport:
    """Fix the target notes of a loaded vault, given the findings ``lint`` returned.

    With ``write=False`` (``--diff``) nothing is written; otherwise every changed note is
    written through the one safe write, which refuses when the file no longer holds the
    bytes the fixes were computed from.
    """
    from vaultkit.fsutil import LateWrites, UnsafeWrite, WriteConflict, check_inside, safe_write
    from vaultkit.parse.note import parse_note
    from vaultkit.safe_read import read_regular

    report = FixReport()
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    others: list[Finding] = []
    written: dict[Path, tuple[str, FixOutcome]] = {}
    with LateWrites() as late:
        for path in sorted(set(targets)):
            found = by_path.pop(path, [])
            note = vault.notes.get(path)
            if note is None or not applicable(found, unsafe):
                others.extend(found)
                continue
            absolute = vault.files.absolute(path)
            try:
                data = read_regular(absolute, vault.root)
            except OSError:
                others.extend(found)
                continue
            relint = relinter(vault, path)
            # the findings at hand were computed from these bytes unless the note changed since
            initial = found if parse_note(path, data).lines == note.lines else None
            outcome = fix_bytes(path, data, relint, unsafe=unsafe, initial=initial)
            report.outcomes.append(outcome)
            if outcome.changed and write:
                try:
                    safe_write(vault.root, absolute, outcome.after, expected=outcome.before, late=late)
                    # keyed as safe_write names the file it holds, so the sweep finds it
                    written[check_inside(vault.root, absolute)] = (path, outcome)
                except (WriteConflict, UnsafeWrite):
                    _conflict(report, path, outcome, relint(outcome.before))
                    continue
            report.findings.extend(outcome.remaining)
        # a save written into a note just replaced (a writer descheduled past the write's
        # own look): put back by the sweep, so the note is as the user saved it, unfixed
        for absolute, current in late.sweep():
            path, outcome = written[absolute]
            report.findings[:] = [f for f in report.findings if f.path != path]
            _conflict(report, path, outcome, relinter(vault, path)(current))
    for rest in by_path.values():
        others.extend(rest)
    report.findings.extend(others)
    report.findings.sort(key=lambda f: f.sort_key)
    return report


def _conflict(report: "FixReport", path: str, outcome: "FixOutcome", remaining: list[Finding]) -> None:
    """``path`` changed under the fix: nothing of it was applied; what is left is what
    its current bytes have."""
    report.conflicts.append(path)
    outcome.after = outcome.before
    outcome.applied = []
    outcome.remaining = remaining
    report.findings.extend(remaining)


def relinter(vault: "Vault", path: str) -> Callable[[bytes], list[Finding]]:
    """Lint ``path`` as if it held some bytes, inside the loaded vault."""

    def findings_of(data: bytes) -> list[Finding]:
        replace_note(vault, path, data)
        return vault.findings(path)

    return findings_of


def replace_note(vault: "Vault", path: str, data: bytes) -> None:
    """Make the loaded vault see ``data`` as the text of ``path`` (nothing is written)."""
    vault.update(path, data)
