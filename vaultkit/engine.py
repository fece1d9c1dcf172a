"""The rule engine: which rules run, at what severity, and what is suppressed.

Selection follows ruff: ``select`` replaces the default set (every rule whose default
severity is not ``off``), ``extend-select`` adds to it, ``ignore`` removes; each entry is
a code (``VK201``), a prefix (``VK2``), a rule name (``dangling-citekey``) or ``ALL``.
An off-by-default rule runs only when named by its exact code or name (or ``ALL``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from functools import cached_property, lru_cache, partial
from pathlib import Path

from msgspec import Struct, structs

from vaultkit.digest import content as content_hash, key as digest_key
from vaultkit import memo
from vaultkit.checks import Rule, all_rules
from vaultkit.checks.base import Hit, NoteContext, VaultContext, cap_repeats
from vaultkit.config import Config
from vaultkit.didyoumean import close_matches, suggest_rule
from vaultkit.globs import matcher
from vaultkit.errors import UsageError
from vaultkit.bib import Bibliography
from vaultkit.facts import IGNORE_KEY, Directive, NoteFacts, NoteSummary, VaultFacts
from vaultkit.files import DOCUMENT_SUFFIXES, DOUBT_NS, VaultFiles
from vaultkit.model import Finding, Note, Problem, Span
from vaultkit.packed import Sharer
from vaultkit.parse.note import parse_note
from vaultkit.safe_read import read_regular
from vaultkit.schema import Schema, applicable, builtin_rules_dir, lookalikes
from vaultkit.schema.log import action_links
from vaultkit.store import NoteRow, Stat, Store, decode_findings, encode, version_key
from vaultkit.workers import process_pool

__all__ = [
    "IGNORE_KEY", "ActiveRule", "Checker", "Suppressions", "VaultRun", "active_rules",
    "computed_rules", "lint", "run_note_rules", "shown_codes",
]


def _matches(rule: Rule, selector: str) -> bool:
    s = selector.strip()
    return s.upper() == "ALL" or rule.code.startswith(s.upper()) or rule.name == s.lower()


def _exact(rule: Rule, selector: str) -> bool:
    s = selector.strip()
    return s.upper() in ("ALL", rule.code) or rule.name == s.lower()


class ActiveRule(Struct, frozen=True):
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


def stored_per_note(rule: Rule) -> bool:
    """Whether a rule's findings are cached in each note's row: the per-note rules, and
    the vault-scoped ones that check one note from its facts.  A whole-vault rule
    (``check_vault`` only) runs on each run that shows it and stores nothing."""
    return rule.scope == "note" or (rule.scope == "vault" and hasattr(rule.module, "check"))


def computed_rules(config: Config) -> tuple[ActiveRule, ...]:
    """The rules whose findings are computed and cached: those of the config file, the
    off-by-default ones cached per note (VK204: cheap beside the rules it shares its
    link resolution with), and any the command line adds.  The command line's
    ``--select``/``--ignore`` then filters what is shown (:func:`shown_codes`): a
    selection is a view of one cached result, as a user expects, not a cold run of its
    own; so is ``--extend-select VK204`` (or VK207, VK301: whole-vault rules, which
    run only when shown and are not part of the cache key, :func:`config_key`)."""
    base = config.for_cache()
    off = tuple(r.code for r in all_rules() if r.severity == "off" and stored_per_note(r))
    codes = {a.rule.code for a in (*active_rules(config),
                                   *active_rules(structs.replace(base, extend_select=base.extend_select + off)))}
    return tuple(ActiveRule(r, s) for r in all_rules() if r.code in codes
                 and (s := _severity(r, config)) != "off")


def shown_codes(config: Config) -> frozenset[str]:
    """The codes reported under ``config`` (VK000, vaultkit's own failure, always is)."""
    return frozenset({"VK000", *(a.rule.code for a in active_rules(config))})


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
                hint = close_matches(key, list(rule.options), n=1)
                extra = f" (did you mean '{hint[0]}'?)" if hint else ""
                raise UsageError(f"{config.source}: rules.{code}: unknown option '{key}'{extra}")


def rule_options(rule: Rule, config: Config) -> dict[str, object]:
    return {**rule.options, **config.options_for(rule.code), **config.options_for(rule.name)}


# -- suppression ------------------------------------------------------------------------
class Suppressions(Struct, frozen=True):
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
        return [_finding(path, active, hit) for hit in cap_repeats(hits())]
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


class VaultRun(Struct, frozen=True, dict=True):
    """What vault-scoped rules are handed: the facts, and what only the caller knows."""

    config: Config
    rules: tuple[ActiveRule, ...]
    facts: VaultFacts
    schemas: tuple[Schema, ...] = ()
    stale_index: tuple[str, ...] = ()
    targets: frozenset[str] | None = None
    """The notes reported on, when a whole-vault rule may skip the rest (a few paths)."""
    shown: frozenset[str] | None = None
    """The codes reported (``None``: every rule's): whole-vault rules outside it, whose
    findings are not cached, do not run."""

    def context(self, active: ActiveRule, schemas: tuple[Schema, ...] = ()) -> VaultContext:
        return VaultContext(self.config, rule_options(active.rule, self.config), schemas,
                            facts=self.facts, stale_index=self.stale_index, targets=self.targets)

    def schemas_of(self, facts: NoteFacts) -> tuple[Schema, ...]:
        names = set(facts.schemas)
        return tuple(s for s in self.schemas if s.name in names)

    @cached_property
    def _checks(self) -> tuple[tuple[ActiveRule, Callable[..., Iterable[Hit]]], ...]:
        return tuple((a, check) for a in self.rules if a.rule.scope == "vault"
                     and (check := getattr(a.rule.module, "check", None)) is not None)

    @cached_property
    def _contexts(self) -> dict[tuple[str, ...], tuple[VaultContext, ...]]:
        """Each vault-scoped rule's context, by the names of the schemas a note has."""
        return {}

    def note_findings(self, facts: NoteFacts) -> list[Finding]:
        """The vault-scoped rules' findings on one note, from its facts (no parsing).

        The contexts are made once per set of schemas, not per rule and note: in a
        cold lint this runs on every note after the workers are done, alone."""
        contexts = self._contexts.get(facts.schemas)
        if contexts is None:
            schemas = self.schemas_of(facts)
            contexts = self._contexts[facts.schemas] = tuple(
                self.context(active, schemas) for active, _ in self._checks)
        out: list[Finding] = []
        for (active, check), ctx in zip(self._checks, contexts):
            out.extend(_guarded(facts.path, active, partial(check, facts, ctx)))
        return out

    def vault_findings(self) -> list[Finding]:
        """The whole-vault rules (``check_vault``: orphans, bibliography, stale index)."""
        out: list[Finding] = []
        for active in self.rules:
            whole = getattr(active.rule.module, "check_vault", None)
            if whole is not None and (self.shown is None or active.rule.code in self.shown):
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
    per_path = [(matcher([glob]), codes)
                for glob, codes in config.per_path_ignores]
    cache: dict[str, tuple[Suppressions | None, range]] = {}
    for finding in findings:
        rule = by_code[finding.code]
        if rule.scope == "engine":
            yield finding  # vaultkit's own failure: never suppressed
            continue
        if any(spec(finding.path) and any(_matches(rule, c) for c in codes)
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


# -- the incremental run: stored facts and findings, parsing only what changed ----------


def config_key(config: Config, schemas: tuple[Schema, ...]) -> str:
    """Everything besides a note's bytes that its stored findings depend on: the settings
    (but the command line's selection, a filter) and the rules whose findings a row
    holds (a whole-vault rule a command line adds changes nothing stored)."""
    active = [(a.rule.code, a.severity, sorted(rule_options(a.rule, config).items(), key=str))
              for a in computed_rules(config) if stored_per_note(a.rule)]
    blob = "\n".join([version_key(), code_stamp(), config.for_cache().fingerprint(), repr(schemas),
                      repr(active)])
    return digest_key(blob, 20)


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """The size and mtime of vaultkit's own modules and schemas: an edited rule (a
    development install) never meets findings cached by its older self."""
    here = Path(__file__).resolve().parent
    folders = (here, here / "checks", here / "parse", here / "schema", here / "bib", builtin_rules_dir())
    return memo.folders_stamp(folders, (".py", ".yaml"))


class NoteResult(Struct, frozen=True):
    """What a worker sends back for one note: never the note itself."""

    path: str
    stat: Stat | None
    """None when the file could not be read (nothing is stored for it)."""
    hash: str
    same: bool
    """The bytes are those the store already has: nothing was parsed."""
    findings: tuple[Finding, ...] = ()
    """The per-note rules' findings, suppressions applied."""
    facts: NoteFacts | None = None
    verdicts: str = ""
    """The costly checks' verdicts on the note (:mod:`vaultkit.memo`), for its row."""
    derived: bytes | None = None
    """What the checker's ``derive`` made of the parsed note (``None``: not parsed, or
    no ``derive``)."""


Derive = Callable[[Note, tuple[Schema, ...]], bytes]
"""A consumer's own product of a parsed note and the schemas that apply to it (the
index's part of a session): made in the worker that parsed the note, so a note is
parsed once for its findings, facts and that product.  A module-level function (it
is sent to the workers by name)."""

_WORKER: tuple[Config, tuple[Schema, ...], tuple[ActiveRule, ...]] | None = None
_DERIVE: Derive | None = None


def _init_worker(config: Config, schemas: tuple[Schema, ...], derive: Derive | None = None) -> None:
    global _WORKER, _DERIVE
    _WORKER = (config, schemas, computed_rules(config))
    _DERIVE = derive


def check_note(item: tuple[str, str, str | None] | tuple[str, str, str | None, str]) -> NoteResult:
    """Read one note, and unless its bytes are the stored ones (``known`` hash): parse
    it, run the per-note rules, take its facts, drop the note.  A fourth item is the
    verdicts of its last check (:mod:`vaultkit.memo`)."""
    assert _WORKER is not None
    config, schemas, rules = _WORKER
    path, absolute, known = item[:3]
    verdicts = item[3] if len(item) > 3 else ""
    try:
        info = os.stat(absolute)
        data = read_regular(absolute)
    except OSError as error:
        reason = ("this .md path is a folder, not a note" if isinstance(error, IsADirectoryError)
                  else f"cannot read note: {error.strerror or type(error).__name__}")
        note = Note(path=path, lines=(), readable=False,
                    problems=(Problem("VK002", Span(1, 1, 1, 1), reason),))
        facts = NoteFacts(path, "", readable=False)
        return NoteResult(path, None, "", False, tuple(run_note_rules(note, config, rules)), facts)
    digest = content_hash(data)
    stat = (info.st_size, info.st_mtime_ns,
            -1 if info.st_mtime_ns > time.time_ns() - DOUBT_NS else info.st_ino)
    if digest == known:
        return NoteResult(path, stat, digest, True)
    return _checked(parse_note(path, data), digest, stat, config, schemas, rules, verdicts)


def _checked(note: Note, digest: str, stat: Stat | None, config: Config,
             schemas: tuple[Schema, ...], rules: tuple[ActiveRule, ...],
             verdicts: str = "") -> NoteResult:
    # an unreadable note has no structure to hold against a schema: only its VK0xx
    applying = applicable(schemas, note) if note.readable else ()
    sources = tuple(link for s in applying for link in action_links(note, s))
    lookalike = lookalikes(schemas, tuple(h.text for h in note.headings)) if (
        note.readable and not applying) else ()
    facts = NoteFacts.of(note, digest, tuple(s.name for s in applying), link_sources=sources,
                         lookalike=lookalike)
    memo.begin(verdicts)
    try:
        found = run_note_rules(note, config, rules, applying)
    finally:
        verdicts = memo.end()
    kept = tuple(keep(found, config, lambda p: facts if p == note.path else None))
    derived = _DERIVE(note, applying) if _DERIVE is not None and stat is not None else None
    return NoteResult(note.path, stat, digest, False, kept, facts, verdicts, derived)


def _shared(facts: NoteFacts, sharer: Sharer) -> NoteFacts:
    """``facts`` with the parts other notes repeat held once: this process keeps every
    note's facts until the vault-wide rules have run."""
    each = sharer.each
    return structs.replace(facts, headings=each(facts.headings), block_ids=each(facts.block_ids),
                   links=sharer.table(facts.links), citations=sharer.table(facts.citations),
                   code_spans=each(facts.code_spans), key_words=each(facts.key_words),
                   tags=each(facts.tags), schemas=each(facts.schemas),
                   directives=each(facts.directives), lookalike=each(facts.lookalike),
                   link_sources=each(facts.link_sources))


def _encoded(findings: Collection[Finding]) -> bytes:
    """Findings in their stored form; no findings (most notes) one shared ``b"[]"``."""
    return encode(list(findings)) if findings else b"[]"


def _lines(text: str) -> frozenset[str]:
    return frozenset(text.split("\n")) if text else frozenset()


def _silent(done: int, total: int) -> None:
    pass


def _own(found: list[Finding] | None, path: str) -> list[Finding] | None:
    """Stored findings of ``path`` only if every one is on ``path`` (a row moved to
    another key is not that note's)."""
    return found if found is not None and all(f.path == path for f in found) else None


def _stat(absolute: str) -> Stat | None:
    try:
        info = os.stat(absolute)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


class Checker:
    """One vault's facts and findings, kept in the store between runs.

    :meth:`refresh` brings the facts up to date (stat every note; read, hash and parse
    only what changed, in worker processes when there are many); :meth:`findings`
    then serves cached findings and recomputes only those whose inputs changed.
    """

    PARALLEL_THRESHOLD = 400
    """Below this many notes to read, worker start-up costs more than it saves."""

    def __init__(self, config: Config, schemas: tuple[Schema, ...], files: VaultFiles,
                 bibliography: Bibliography, store: Store,
                 full_bibliography: Callable[[], Bibliography] | None = None,
                 complete: bool = True, cfg: str | None = None) -> None:
        self.config = config
        self.schemas = schemas
        self.store = store
        self.rules = computed_rules(config)
        self.shown = shown_codes(config)
        """What is reported of what :attr:`rules` find (the command line's selection)."""
        self.cfg = cfg if cfg is not None else config_key(config, schemas)
        """:func:`config_key` of ``config`` and ``schemas`` (``cfg``: the caller has it)."""
        self._complete = complete
        """Every row is read (and, once refreshed, checked against its file).  A checker
        for a few paths (what pre-commit runs) reads only the rows it needs, each checked
        against its file's stat when first read; it becomes complete on a full refresh."""
        self.rows = store.note_rows() if complete else {}
        self._checked: set[str] = set()
        self.facts = VaultFacts(files, config, bibliography, load=self._stored_facts,
                                full_bibliography=full_bibliography, summary=self._summary,
                                prefetch=self._check_rows, every_note=self._every_note)
        self._results: dict[str, NoteResult] = {}
        self._sharer = Sharer()
        """Equal parts of many notes' facts held once (:class:`vaultkit.packed.Sharer`)."""
        self._dirty: dict[str, NoteRow] = {}
        self._fresh_facts: dict[str, NoteFacts] = {}
        self._gone: set[str] = set()
        self._live: dict[str, NoteResult] = {}
        self._refreshed = False
        self.derive: Derive | None = None
        """Set by a consumer (the index) before :meth:`refresh`: every note parsed is
        also handed to it; its products are in :attr:`derived`."""
        self.derived: dict[str, tuple[str, bytes]] = {}
        """Path -> (content hash, product) of the notes parsed since ``derive`` was set."""

    @property
    def refreshed(self) -> bool:
        """Whether :meth:`refresh` ran on every note (the facts are those of the files)."""
        return self._refreshed and self._complete

    # -- facts ----------------------------------------------------------------------------
    def _stored_facts(self, path: str) -> NoteFacts | None:
        if not path.lower().endswith(DOCUMENT_SUFFIXES):
            return None  # a PDF or an image has no facts
        row = self._row(path)
        found = self.store.facts(path, row.hash, self.cfg) if row is not None else None
        if found is None and self.facts.files.has(path):
            result = self._check_now(path)  # not stored (or damaged): compute it now
            found = result.facts
        return found

    def _row(self, path: str) -> NoteRow | None:
        """The stored row of ``path`` if it is that of the file as it is now."""
        if self._complete or path in self._checked or not self.facts.files.has(path):
            return self.rows.get(path)
        self._check_row(path, self.rows.get(path) or self.store.note_row(path))
        return self.rows.get(path)

    def _check_row(self, path: str, row: NoteRow | None) -> None:
        """Keep ``row`` for ``path`` only if its file's stat is still the stored one (a
        few-path checker trusts no row it did not check: the note may have been edited
        since, outside vaultkit)."""
        self._checked.add(path)
        if row is not None and row.cfg == self.cfg and row.stat == _stat(self._absolute(path)):
            self.rows[path] = row
        else:
            self.rows.pop(path, None)

    def _check_rows(self, paths: Iterable[str]) -> None:
        """:meth:`_row` for many paths, read in one query (the paper notes of a vault)."""
        if self._complete:
            return
        has = self.facts.files.has
        todo = [p for p in paths if p not in self._checked and has(p)]
        stored = self.store.note_rows_of(todo) if todo else {}
        for path in todo:
            self._check_row(path, self.rows.get(path) or stored.get(path))

    def _every_note(self) -> None:
        """A question about every note: a few-path checker becomes complete (every note's
        stat checked, what changed read again), so the answer is that of the files."""
        if not self._complete:
            self.refresh()

    def _absolute(self, path: str) -> str:
        files = self.facts.files
        return os.path.join(str(files.root), files.real.get(path, path))

    def _summary(self, path: str) -> NoteSummary | None:
        # a few paths: the row is read, and checked against the file, on first use; a
        # note changed since it was stored has no summary here (its facts are read again)
        row = self._row(path)
        if row is None or row.cfg != self.cfg:
            return None
        return NoteSummary(_lines(row.cites), row.generated_only, _lines(row.lookalike))

    def _check_now(self, path: str) -> NoteResult:
        global _WORKER, _DERIVE
        if _WORKER is None or _WORKER[0] is not self.config:
            _WORKER = (self.config, self.schemas, self.rules)
        _DERIVE = self.derive
        result = check_note((path, str(self.facts.files.absolute(path)), None))
        self._take(result)
        return result

    def _take(self, result: NoteResult) -> None:
        # a result is kept only when no row stands for it (an unreadable note's VK002):
        # a row holds the findings, the facts map the facts
        if result.stat is None:
            self._results[result.path] = result
        else:
            self._results.pop(result.path, None)
        if result.derived is not None:
            self.derived[result.path] = (result.hash, result.derived)
        if result.facts is not None and result.path not in self._live:  # unsaved text wins
            facts = _shared(result.facts, self._sharer)
            self.facts.notes.set(facts)
            if result.stat is not None:
                self._fresh_facts[result.path] = facts
        if result.stat is None:  # unreadable now: whatever was stored is not its state
            if self.rows.pop(result.path, None) is not None:
                self._gone.add(result.path)
            self._dirty.pop(result.path, None)
            return
        self._gone.discard(result.path)
        row = self.rows.get(result.path)
        if result.same and row is not None:
            row = structs.replace(row, stat=result.stat)
        else:
            assert result.facts is not None
            facts = result.facts
            row = NoteRow(result.path, result.stat, result.hash, self._sharer.one(facts.anchors),
                          facts.cites, facts.generated_only, "\n".join(facts.lookalike),
                          result.verdicts, self.cfg, _encoded(result.findings), "", b"[]")
        self.rows[result.path] = self._dirty[result.path] = row

    def refresh(self, jobs: int | None = None,
                progress: Callable[[int, int], None] | None = None,
                also: Collection[str] = (), targets: Iterable[str] | None = None,
                written: Collection[str] | None = None) -> None:
        """Bring every note's row and facts up to date with the files on disk (only
        those of ``targets`` when the checker was made for a few paths).

        ``progress(done, total)`` hears of every note: unchanged ones at once, the
        others as they are read.  The ``also`` notes are parsed even when unchanged
        (a consumer's :attr:`derive` has no product of them yet).  ``written``: after
        a full refresh, only these notes are looked at again (the ones a consumer
        just wrote -- the index -- not every note's stat once more).
        """
        files = self.facts.files
        todo: list[tuple[str, str, str | None]] = []
        if written is not None and self.refreshed:
            documents = tuple(p for p in files.documents if p in written)
        elif self._complete or targets is None:
            if not self._complete:  # a full run after a few paths: every row now
                self.rows = {**self.store.note_rows(), **self._dirty}
                self._complete = True
            documents = files.documents
        else:
            # the targets that are documents, in the documents' order, not listing them
            documents = tuple(sorted(p for p in set(targets)
                                     if files.is_document(p) and p not in self._checked))
            for path in documents:
                self._checked.add(path)
                row = self.rows.get(path) or self.store.note_row(path)
                if row is not None:
                    self.rows[path] = row
        for path in documents:
            absolute = self._absolute(path)
            row = self.rows.get(path)
            if path in also:
                todo.append((path, absolute, None, row.verdicts if row is not None else ""))
                continue
            if row is not None and row.cfg == self.cfg and _stat(absolute) == row.stat:
                continue  # unchanged: not even read
            known = row.hash if row is not None and row.cfg == self.cfg else None
            todo.append((path, absolute, known, row.verdicts if row is not None else ""))
        total = len(documents)
        done = total - len(todo)
        tell = progress or _silent
        tell(done, total)
        workers = jobs if jobs is not None else (os.cpu_count() or 1)
        if workers > 1 and len(todo) >= self.PARALLEL_THRESHOLD:
            with process_pool(workers, initializer=_init_worker,
                              initargs=(self.config, self.schemas, self.derive)) as pool:
                for result in pool.map(check_note, todo, chunksize=32):
                    self._take(result)
                    done += 1
                    tell(done, total)
        else:
            _init_worker(self.config, self.schemas, self.derive)
            for item in todo:
                self._take(check_note(item))
                done += 1
                tell(done, total)
        self._refreshed = True

    # -- findings -------------------------------------------------------------------------
    def vault_key(self) -> str:
        """What vault-scoped findings on a note read besides the note: known keys, file
        names, every note's headings and block ids."""
        anchors = {p: r.anchors for p, r in self.rows.items()}
        blob = "\n".join([self.cfg, self.facts.keys_fingerprint,
                          self.facts.links_fingerprint(anchors)])
        return digest_key(blob, 20)

    def findings(self, targets: Iterable[str], stale_index: Callable[[], tuple[str, ...]] = tuple
                 ) -> list[Finding]:
        """Findings for ``targets`` (vault paths), knowing the whole vault."""
        target_set = set(targets)
        if not self._refreshed:
            self.refresh(targets=target_set)
        stale = stale_index() if needs_index_plan(self._shown_rules) else ()
        run = VaultRun(self.config, self.rules, self.facts, self.schemas, stale,
                       None if self._complete else frozenset(target_set), self.shown)
        # a few paths: the vault's fingerprint is not known (it reads every row), so
        # their vault-scoped findings are computed now, and not stored
        vfp = self.vault_key() if self._complete else None
        out: list[Finding] = []
        for path in sorted(p for p in target_set if self.facts.files.is_document(p)):
            live = self._live.get(path)
            if live is not None and live.facts is not None:  # unsaved text: nothing cached
                out.extend(live.findings)
                out.extend(keep(run.note_findings(live.facts), self.config, self.facts.note))
                continue
            row = self.rows.get(path)
            result = self._results.get(path)
            if row is None:  # unreadable: nothing stored
                out.extend(result.findings if result is not None else ())
                continue
            note_findings = _own(decode_findings(row.note_findings), path)
            cached = (_own(decode_findings(row.vault_findings), path)
                      if vfp is not None and row.vfp == vfp else None)
            if note_findings is None:
                result = self._check_now(path)
                note_findings = list(result.findings)
                row = self.rows[path]
            if cached is None:
                facts = self.facts.note(path)
                cached = [] if facts is None else list(
                    keep(run.note_findings(facts), self.config, self.facts.note))
                if vfp is not None:
                    row = structs.replace(row, vfp=vfp, vault_findings=_encoded(cached))
                    self.rows[path] = self._dirty[path] = row
            out.extend(note_findings)
            out.extend(cached)
        whole = [f for f in run.vault_findings() if f.path in target_set or f.code == "VK000"]
        out.extend(keep(whole, self.config, self.facts.note))
        return sorted(self._shown(out), key=lambda f: f.sort_key)

    @property
    def _shown_rules(self) -> tuple[ActiveRule, ...]:
        return tuple(a for a in self.rules if a.rule.code in self.shown)

    def _shown(self, found: Iterable[Finding]) -> list[Finding]:
        return [f for f in found if f.code in self.shown]

    # -- one note at a time (the live vault) ----------------------------------------------
    def update(self, note: Note, digest: str) -> NoteFacts:
        """New text for one note (unsaved or from disk): its facts now, nothing stored.
        The verdicts of its last check (this buffer's, else the stored row's) are handed
        on: a keystroke below the frontmatter validates nothing again (nor imports
        jsonschema for an editor's first note)."""
        last = self._live.get(note.path)
        row = self._row(note.path) if last is None else None
        verdicts = last.verdicts if last is not None else (row.verdicts if row is not None else "")
        result = _checked(note, digest, None, self.config, self.schemas, self.rules, verdicts)
        assert result.facts is not None
        self._live[note.path] = result
        self.facts.set_note(result.facts)
        return result.facts

    def add_file(self, path: str) -> None:
        if not self.facts.files.has(path):
            self.facts.set_files(self.facts.files.with_paths(add=(path,)))

    def remove(self, path: str) -> None:
        self._live.pop(path, None)
        self._results.pop(path, None)
        self.facts.remove(path)

    def note_findings(self, note: Note) -> list[Finding]:
        """Every finding on one note as it is now (per-note and vault-scoped rules).  The
        whole-vault rules are not run, so the index is not planned (VK301's stale notes
        are :meth:`findings`' question): with an editor's unsaved text in the vault that
        would be a full plan on every keystroke."""
        live = self._live.get(note.path)
        if live is None:  # not updated since it was read from disk
            stored = self.rows.get(note.path)
            self.update(note, stored.hash if stored is not None else "")
            live = self._live[note.path]
        assert live.facts is not None
        run = VaultRun(self.config, self.rules, self.facts, self.schemas, shown=self.shown)
        out = list(live.findings)
        out.extend(keep(run.note_findings(live.facts), self.config, self.facts.note))
        return sorted(self._shown(out), key=lambda f: f.sort_key)

    def save(self) -> None:
        """Write what changed, and forget notes no longer in the vault."""
        listed = self.facts.files.is_document  # a few paths: not a set of every note
        gone = [p for p in self.rows if not listed(p)] if self._complete else []
        for path in gone:
            del self.rows[path]
        gone.extend(self._gone)
        self._gone.clear()
        self.store.write([r for p, r in self._dirty.items() if listed(p)],
                         [f for p, f in self._fresh_facts.items() if listed(p)], self.cfg, gone)
        self._dirty.clear()
        self._fresh_facts.clear()
