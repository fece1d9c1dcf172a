"""The rule engine: which rules run, at what severity, and what is suppressed.

Selection follows ruff: ``select`` replaces the default set (every rule whose default
severity is not ``off``), ``extend-select`` adds to it, ``ignore`` removes; each entry is
a code (``VK201``), a prefix (``VK2``), a rule name (``dangling-citekey``) or ``ALL``.
An off-by-default rule runs only when named by its exact code or name (or ``ALL``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial

import pathspec

from vaultkit.checks import Rule, all_rules
from vaultkit.checks.base import Hit, NoteContext, VaultContext
from vaultkit.config import Config
from vaultkit.didyoumean import suggest_rule
from vaultkit.errors import UsageError
from vaultkit.facts import IGNORE_KEY, Directive, NoteFacts, VaultFacts
from vaultkit.model import Finding, Note, Span
from vaultkit.schema import Schema

__all__ = ["IGNORE_KEY", "ActiveRule", "Suppressions", "active_rules", "lint", "run_note_rules"]


def _matches(rule: Rule, selector: str) -> bool:
    s = selector.strip()
    return s.upper() == "ALL" or rule.code.startswith(s.upper()) or rule.name == s.lower()


def _exact(rule: Rule, selector: str) -> bool:
    s = selector.strip()
    return s.upper() in ("ALL", rule.code) or rule.name == s.lower()


@dataclass(frozen=True)
class ActiveRule:
    rule: Rule
    severity: str


def active_rules(config: Config) -> tuple[ActiveRule, ...]:
    """The rules that run under ``config`` with their effective severity."""
    rules = all_rules()
    _check_selectors(config, rules)
    out = []
    for rule in rules:
        if config.select is None:
            on = rule.severity != "off"
        else:
            on = any(_matches(rule, s) and (rule.severity != "off" or _exact(rule, s))
                     for s in config.select)
        on = on or any(_matches(rule, s) and (rule.severity != "off" or _exact(rule, s))
                       for s in config.extend_select)
        if on and any(_matches(rule, s) for s in config.ignore):
            on = False
        severity = _severity(rule, config)
        if on and severity != "off":
            out.append(ActiveRule(rule, severity))
    return tuple(out)


def _severity(rule: Rule, config: Config) -> str:
    best, best_len = rule.enabled_severity, -1
    for selector, level in config.severity:
        if _matches(rule, selector):
            length = 99 if _exact(rule, selector) else len(selector)
            if length > best_len:
                best, best_len = level, length
    return best


def _check_selectors(config: Config, rules: tuple[Rule, ...]) -> None:
    selectors = list(config.select or ()) + list(config.extend_select) + list(config.ignore)
    selectors += [s for s, _ in config.severity]
    selectors += [s for _, codes in config.per_path_ignores for s in codes]
    for selector in selectors:
        if not any(_matches(rule, selector) for rule in rules):
            hint = [h for h in [suggest_rule(selector, [r.code for r in rules],
                                             [r.name for r in rules])] if h]
            extra = f" (did you mean {hint[0]}?)" if hint else ""
            raise UsageError(f"unknown rule code or name '{selector}'{extra}; see 'vaultkit rules'")
    for code, options in config.rule_options:
        rule = next((r for r in rules if _exact(r, code)), None)
        if rule is None:
            raise UsageError(f"{config.source}: rules: unknown rule '{code}'")
        for key, _ in options:
            if key not in rule.options:
                hint = difflib.get_close_matches(key, list(rule.options), n=1)
                extra = f" (did you mean '{hint[0]}'?)" if hint else ""
                raise UsageError(f"{config.source}: rules.{code}: unknown option '{key}'{extra}")


def rule_options(rule: Rule, config: Config) -> dict[str, object]:
    return {**rule.options, **config.options_for(rule.code), **config.options_for(rule.name)}


# -- suppression ------------------------------------------------------------------------
@dataclass(frozen=True)
class Suppressions:
    """Inline ``%% vaultkit-disable … %%`` comments and the ``vaultkit-ignore`` property."""

    whole_note: tuple[str, ...]
    events: tuple[Directive, ...]
    """(line, "disable"|"enable"|"line", codes) sorted by line; no codes means all."""

    @classmethod
    def of(cls, facts: NoteFacts) -> Suppressions:
        return cls(facts.ignore, facts.directives)

    def suppressed(self, rule: Rule, line: int) -> bool:
        if any(_matches(rule, c) for c in self.whole_note):
            return True
        # The last disable/enable that names this rule (by code, prefix, name, or none =
        # every rule) decides: `disable` then `enable VK201` turns VK201 back on alone.
        off = False
        for at, verb, codes in self.events:
            if at > line:
                break
            hit = not codes or any(_matches(rule, c) for c in codes)
            if verb == "line":
                if at == line and hit:
                    return True
            elif hit:
                off = verb == "disable"
        return off


# -- running ----------------------------------------------------------------------------
def _finding(path: str, active: ActiveRule, hit: Hit) -> Finding:
    return Finding(
        path=hit.path or path,
        span=hit.span,
        code=active.rule.code,
        rule=active.rule.name,
        severity=active.severity,  # type: ignore[arg-type]
        message=hit.message,
        fixable=hit.fixable or hit.fix is not None,
        suggestion=hit.suggestion,
        fix=hit.fix,
    )


def _guarded(path: str, active: ActiveRule, hits: Callable[[], Iterable[Hit]]) -> list[Finding]:
    """Run one rule; a crash in it becomes a VK000 finding instead of ending the run."""
    try:
        return [_finding(path, active, hit) for hit in hits()]
    except Exception as error:  # noqa: BLE001 - any bug in a rule, reported, not raised
        message = (f"rule {active.rule.code} failed on this note ({type(error).__name__}: "
                   f"{error}); the other rules ran. Please report this with the note.")
        return [Finding(path, Span(1, 1, 1, 1), "VK000", "internal-error", "error", message)]


def run_note_rules(note: Note, config: Config, rules: Iterable[ActiveRule],
                   schemas: tuple[Schema, ...] = ()) -> list[Finding]:
    """Per-note rules only: a pure function of (note, config, schemas), safe to cache.

    A note the parser failed on carries a VK000 problem: reported as an engine
    finding (never deselected or suppressed), like a rule that crashed.
    """
    out = [Finding(note.path, p.span, "VK000", "internal-error", "error", p.message)
           for p in note.problems if p.code == "VK000"]
    for active in rules:
        if active.rule.scope != "note":
            continue
        ctx = NoteContext(config, rule_options(active.rule, config), schemas)
        out.extend(_guarded(note.path, active, partial(active.rule.module.check, note, ctx)))
    return out


def needs_index_plan(rules: Iterable[ActiveRule]) -> bool:
    """Whether a rule that runs reads the index plan (VK301): only then is it computed."""
    return any(getattr(a.rule.module, "NEEDS_INDEX_PLAN", False) for a in rules)


@dataclass(frozen=True)
class VaultRun:
    """What vault-scoped rules are handed: the facts, and what only the caller knows."""

    config: Config
    rules: tuple[ActiveRule, ...]
    facts: VaultFacts
    schemas: tuple[Schema, ...] = ()
    stale_index: tuple[str, ...] = ()

    def context(self, active: ActiveRule, schemas: tuple[Schema, ...] = ()) -> VaultContext:
        return VaultContext(self.config, rule_options(active.rule, self.config), schemas,
                            facts=self.facts, stale_index=self.stale_index)

    def schemas_of(self, facts: NoteFacts) -> tuple[Schema, ...]:
        names = set(facts.schemas)
        return tuple(s for s in self.schemas if s.name in names)

    def note_findings(self, facts: NoteFacts) -> list[Finding]:
        """The vault-scoped rules' findings on one note, from its facts (no parsing)."""
        out: list[Finding] = []
        schemas = self.schemas_of(facts)
        for active in self.rules:
            check = getattr(active.rule.module, "check", None)
            if active.rule.scope != "vault" or check is None:
                continue
            out.extend(_guarded(facts.path, active, partial(check, facts, self.context(active, schemas))))
        return out

    def vault_findings(self) -> list[Finding]:
        """The whole-vault rules (``check_vault``: orphans, bibliography, stale index)."""
        out: list[Finding] = []
        for active in self.rules:
            whole = getattr(active.rule.module, "check_vault", None)
            if whole is not None:
                # a vault-wide rule that fails is reported on the vault root, "."
                out.extend(_guarded(".", active, partial(whole, self.context(active))))
        return out


def lint(run: VaultRun, targets: Iterable[str],
         notes: Mapping[str, Note]) -> list[Finding]:
    """Findings for ``targets`` (vault paths), knowing the whole vault."""
    target_set = set(targets)
    findings: list[Finding] = []
    for path in sorted(target_set):
        note = notes.get(path)
        facts = run.facts.note(path)
        if note is None or facts is None:
            continue
        findings.extend(run_note_rules(note, run.config, run.rules, run.schemas_of(facts)))
        findings.extend(run.note_findings(facts))
    findings.extend(f for f in run.vault_findings() if f.path in target_set or f.code == "VK000")
    return sorted(keep(findings, run.config, run.facts.note), key=lambda f: f.sort_key)


def keep(findings: Iterable[Finding], config: Config,
         facts_of: Callable[[str], NoteFacts | None]) -> Iterable[Finding]:
    """The findings no suppression hides: per-path ignores, generated text, comments."""
    by_code = {r.code: r for r in all_rules()}
    per_path = [(pathspec.GitIgnoreSpec.from_lines([glob]), codes)
                for glob, codes in config.per_path_ignores]
    cache: dict[str, tuple[Suppressions | None, range]] = {}
    for finding in findings:
        rule = by_code[finding.code]
        if rule.scope == "engine":
            yield finding  # vaultkit's own failure: never suppressed
            continue
        if any(spec.match_file(finding.path) and any(_matches(rule, c) for c in codes)
               for spec, codes in per_path):
            continue
        if finding.path not in cache:
            facts = facts_of(finding.path)
            cache[finding.path] = ((None, range(0)) if facts is None
                                   else (Suppressions.of(facts), facts.generated_lines()))
        suppressions, generated = cache[finding.path]
        # Generated text repeats what sessions say: findings there belong to the
        # session they came from; only the index rules (VK3xx) speak about it.
        if not finding.code.startswith("VK3") and finding.span.line in generated:
            continue
        if suppressions is not None and suppressions.suppressed(rule, finding.span.line):
            continue
        yield finding
