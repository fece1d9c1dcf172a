"""``vaultkit index``: plan the index notes, then (only when asked) write them safely.

Planning is pure: it reads the vault and returns, per file, the bytes it has and the
bytes it should have.  ``--check`` and ``--diff`` stop there.  Writing goes through
:func:`vaultkit.fsutil.safe_write` as a compare-and-swap: a note is written only if it
still holds the bytes the plan was computed from.  A note saved while vaultkit was
planning is planned again from its new bytes (the region comes from the sessions, so
only the splice is redone) a bounded number of times, and otherwise left alone with a
finding; it is never overwritten.  The region is spliced into the note's *bytes*
(:func:`vaultkit.edits.splice`): everything outside it is copied as it was.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Literal

from vaultkit.digest import content as content_hash
from vaultkit.checks import vk303_index_note_collision as vk303
from vaultkit.edits import BOM_BYTES, dominant_newline, line_starts, splice
from vaultkit.fsutil import (
    LateWrites, UnsafeWrite, WriteConflict, check_inside, read_existing, remove_stale_temps,
    safe_delete, safe_write,
)
from vaultkit.index import ledger, pages, parts, render, state
from vaultkit.index.collect import assemble
from vaultkit.index.parts import prepare  # noqa: F401 - the CLI's first step
from vaultkit.index.pages import session_schema  # noqa: F401 - re-exported
from vaultkit.markers import RegionError, find_region, scan
from vaultkit.model import Edit, Span
from vaultkit.files import paper_note_pattern, sanitize_key
from vaultkit.safe_read import read_regular

if TYPE_CHECKING:
    from vaultkit.config import Config
    from vaultkit.schema import Schema
    from vaultkit.index.source import IndexedVault

Outcome = Literal["create", "update", "unchanged", "prune", "skip"]
Done = Literal["created", "updated", "unchanged", "pruned", "skipped", "failed", "conflict"]
"""What happened to a file when the plan was applied."""

ATTEMPTS = 3
"""How often a note saved during the run is re-planned before vaultkit gives up on it."""
CHANGED_WHILE_INDEXING = "changed while indexing and was left as it is; run 'vaultkit index' again"


@dataclass(frozen=True)
class IndexProblem:
    path: str
    span: Span
    code: str
    message: str


@dataclass(frozen=True)
class Change:
    path: str
    outcome: Outcome
    old: bytes | None
    """The bytes the plan was computed from (None: no file)."""
    new: bytes | None
    redo: Callable[[bytes | None], bytes | RegionError] | None = field(
        default=None, compare=False, repr=False)
    """The same plan for other bytes of the file: how a note saved meanwhile is re-planned."""
    digest: str | None = field(default=None, compare=False, repr=False)
    """For a note known unchanged without being read (:mod:`ledger`): its content hash."""

    def holds(self) -> str | None:
        """The content hash of the note as planned (``None``: none, or not known)."""
        if self.digest is not None:
            return self.digest
        data = self.new if self.outcome in ("create", "update") else self.old
        return content_hash(data) if data is not None else None

    def diff(self) -> str:
        old = (self.old or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
        new = (self.new or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
        return "".join(difflib.unified_diff(
            old, new, fromfile=f"a/{self.path}" if self.old is not None else "/dev/null",
            tofile=f"b/{self.path}" if self.new is not None else "/dev/null"))


@dataclass
class IndexPlan:
    changes: list[Change] = field(default_factory=list)
    problems: list[IndexProblem] = field(default_factory=list)
    refused_prune: str | None = None
    done: dict[str, Done] = field(default_factory=dict)
    """Per path, what :func:`apply` did (empty until it ran)."""
    removed_temps: list[str] = field(default_factory=list)
    """Stale temp files of a killed run that :func:`apply` removed."""
    fingerprint: str | None = field(default=None, repr=False)
    """What the plan was made from (:func:`state.fingerprint`); ``None``: not known."""
    prune: bool = False
    draft: "ledger.Draft | None" = field(default=None, repr=False)
    """The sessions' entries of the ledger this plan leaves (:mod:`ledger`)."""
    replanned: set[str] | None = field(default=None, repr=False)
    """The index notes planned again after a change (``None``: a full plan, every one)."""

    @property
    def stale(self) -> list[Change]:
        return [c for c in self.changes if c.outcome in ("create", "update", "prune")]

    def counts(self) -> dict[str, int]:
        """Files per outcome: what would happen, or once applied, what did."""
        out = {"created": 0, "updated": 0, "unchanged": 0, "pruned": 0, "failed": 0, "conflict": 0}
        if self.done:
            for done in self.done.values():
                if done in out:
                    out[done] += 1
            return out
        names = {"create": "created", "update": "updated", "unchanged": "unchanged", "prune": "pruned"}
        for change in self.changes:
            if change.outcome in names:
                out[names[change.outcome]] += 1
        return out


def is_index_note(vault_config: "Config") -> "Callable[[str], bool]":
    """Whether a vault path is an index note (named by the index path template)."""
    pattern = paper_note_pattern(vault_config.index.path)
    overview = {vault_config.index.overview, vault_config.index.questions}
    return lambda path: path in overview or bool(pattern.match(path))


def splice_region(data: bytes, name: str, region: str) -> bytes | RegionError:
    """``data`` with its region ``name`` replaced by ``region`` (or appended).

    Byte-level: every byte outside the region -- BOM, each line ending, a lone CR,
    bytes that are not UTF-8 -- is copied as it was; the region takes the file's
    dominant line ending.  Only top-level marker lines count (:mod:`vaultkit.markers`).
    """
    body = len(BOM_BYTES) if data.startswith(BOM_BYTES) else 0
    starts = line_starts(data, body)
    ends = starts[1:] + [len(data)]
    # markers are ASCII: decoding with replacement cannot make or hide one
    lines = [data[a:b].rstrip(b"\r\n").decode("utf-8", errors="replace") for a, b in zip(starts, ends)]
    markers = scan(lines)
    found = find_region(lines, name, markers)
    if isinstance(found, RegionError):
        return found
    if found is not None:
        first, last = found
        span = Span(first + 1, 1, last + 1, len(lines[last]) + 1)
        return splice(data, [Edit(span, region.rstrip("\n"))])
    if markers.open_fence is not None:
        return RegionError(markers.open_fence + 1,
                           "the note ends inside a code block that opens here and is never closed; "
                           "vaultkit would append its region inside it: close the code block")
    eol = dominant_newline(data)
    out = data
    if len(data) > body:
        if not data.endswith((b"\n", b"\r")):
            out += eol
        if not _ends_with_blank_line(out):
            out += eol
    return out + region.replace("\n", eol.decode("ascii")).encode("utf-8")


_BREAK = re.compile(rb"\r\n|\r|\n")


def _ends_with_blank_line(data: bytes) -> bool:
    """Whether the last two line breaks of ``data`` are adjacent and end it."""
    tail = data[-4:]
    breaks = list(_BREAK.finditer(tail))
    return len(breaks) >= 2 and breaks[-1].end() == len(tail) and breaks[-2].end() == breaks[-1].start()


def plan(vault: "IndexedVault", prune: bool = False, *, reuse: bool = False, write: bool = False,
         attempts: int = ATTEMPTS) -> IndexPlan:
    """What ``vaultkit index`` would write: per index note, the bytes it has and should have.

    Sessions are read from their stored parts (:mod:`parts`), parsed only when their
    bytes changed.  With ``reuse``, a plan saved under the same fingerprint
    (:mod:`state`) that wrote nothing is returned as it is, at the cost of a few store
    reads.  An unchanged note carries no bytes (``old`` and ``new`` are ``None``; its
    content hash is ``digest`` when known): only what is to be written is held.

    With ``write``, the plan is applied as it is made (what :func:`apply` does, one
    note at a time): each note is written as soon as it is planned, and its bytes are
    let go -- a first index never holds every note it writes.
    """
    before = state.fingerprint(vault, prune)
    if reuse:
        saved = state.load(vault, prune, before)
        if saved is not None and all(o in ("unchanged", "skip") for _, o in saved.outcomes):
            vault.checker.save()  # the stat pass may have settled rows in doubt
            return _replayed(saved)
    if write:
        result = IndexPlan()
        with _Writer(vault, result, attempts) as writer:
            exact = _plan(vault, prune, result, writer)
    else:
        result = IndexPlan()
        exact = _plan(vault, prune, result)
    result.fingerprint = before
    result.prune = prune
    if (before is not None and exact and state.fingerprint(vault, prune) == before
            and all(_as_read(vault, c) for c in result.changes)):
        state.save(vault, prune, before, ((c.path, c.outcome) for c in result.changes), result)
        if not result.stale:
            _save_ledger(vault, result, [c for c in result.changes if c.outcome == "unchanged"], lambda c: c.old)
    if write:
        _settle(vault, result)
    return result


def _as_read(vault: "IndexedVault", change: Change) -> bool:
    """Whether the store's row of the note is of the bytes the plan read."""
    if change.digest is not None:
        row = vault.checker.rows.get(change.path)
        return row is not None and row.hash == change.digest
    return state.holds(vault, change.path, change.old)


def _save_ledger(vault: "IndexedVault", result: IndexPlan, kept: list[Change],
                 held: Callable[[Change], bytes | None]) -> None:
    """Store the ledger: the notes ``kept`` (each holding ``held(change)`` or, when
    ``None``, what its hash says) are every index note there is."""
    hashes = {c.path: c.holds() for c in kept}
    if result.draft is None or any(h is None for h in hashes.values()):
        return
    questions = vault.config.index.questions
    ledger.save(vault, result.draft, hashes,  # type: ignore[arg-type]
                {c.path: held(c) for c in kept if pages.is_questions_page(questions, c.path)})


def stale_index(vault: "IndexedVault") -> tuple[str, ...]:
    """Index notes that exist and whose region is not what ``vaultkit index`` would write
    (VK301): from the saved plan when nothing changed since, else planned now."""
    fingerprint = state.fingerprint(vault, False)
    saved = state.load(vault, False, fingerprint)
    if saved is not None:
        return tuple(sorted(p for p, o in saved.outcomes if o in ("update", "prune")))
    return tuple(c.path for c in plan(vault).stale if c.outcome != "create")


def _replayed(saved: "state.SavedPlan") -> IndexPlan:
    result = IndexPlan(refused_prune=saved.refused_prune)
    result.changes = [Change(path, "skip" if o == "skip" else "unchanged", None, None)
                      for path, o in saved.outcomes]
    result.problems = [IndexProblem(*p) for p in state.problems_of(saved)]
    return result


def _plan(vault: "IndexedVault", prune: bool, result: IndexPlan, writer: "_Writer | None" = None) -> bool:
    """Plan every index note into ``result`` (each written at once by ``writer``, if
    any); whether the plan is of the stored state (:attr:`parts.Gathered.exact`)."""
    config = vault.config.index
    template = config.path
    take = result.changes.append if writer is None else (lambda c: result.changes.append(writer.write(c)))

    def paper_path(key: str) -> str:
        return template.replace("{key}", sanitize_key(key))

    gathered = parts.gather(vault)
    # after a change, only the pages it touches
    since = ledger.incremental(vault, gathered, paper_path)
    if since is not None:
        built, result.draft, result.replanned = since.built, since.draft, since.replanned
        planned: Iterable[ledger.Planned] = since.pages
    else:
        built, result.draft = _build(vault, gathered, paper_path)
        planned = built.pages
    # Keys that would share one file (after sanitising, or on a case-insensitive file
    # system): pages.build gave the file to one of them; one finding per group says so.
    for clash in built.clashes:
        where = vk303.first_citation(vault.facts.notes, clash.losers)
        path, span = where if where else (paper_path(clash.winner), Span(1, 1, 1, 1))
        result.problems.append(IndexProblem(path, span, vk303.CODE, vk303.message(clash, paper_path(clash.winner))))
    for path, error in built.failed:
        result.problems.append(IndexProblem(path, Span(1, 1, 1, 1), "VK000", (
            f"vaultkit could not index this session ({error}); the other notes were indexed. "
            "Please report this with the note.")))
    for page in planned:
        if isinstance(page, tuple):
            take(Change(page[0], "unchanged", None, None, digest=page[1]))
        else:
            take(_plan_file(vault, page.path, page.region, page.body, page.create, result))
    if prune and built.failed:
        # a session that could not be read may be the only one citing a paper
        result.refused_prune = (f"refusing to prune: {len(built.failed)} session(s) could not "
                                "be indexed (VK000 above)")
    elif prune:
        _plan_prune(vault, built.indexed, result, take)
    return gathered.exact


def _build(vault: "IndexedVault", gathered: parts.Gathered, paper_path: Callable[[str], str]
           ) -> tuple[pages.Built, ledger.Draft]:
    """Every index note's region, made one page at a time as the plan takes them, and
    the sessions' entries of the ledger.

    The vault's whole reading is never held: a first pass over the sessions' parts
    makes each session's entry (what Papers.md and the questions are rendered from,
    :func:`ledger.lite`); each paper's page is then made from the parts of the sessions
    that touch it, read again a few hundred sessions at a time (:data:`CHUNK`)."""
    found: dict[str, ledger.Entry] = {}
    for part in gathered.parts(drop=True):  # each read once: the encoded ones are let go
        path = part.session.path
        one = assemble([part], _no_link, paper_path)
        found.update(ledger.entries(one, {path: gathered.hashes.get(path, "")}, {path: ledger.link_names(part)}))
    entries = dict(sorted(found.items()))
    renderer = pages.Renderer(vault, paper_path)
    indexed, clashes = renderer.indexed({k for e in entries.values() for k in e.touched})
    failed = [(p, e.failed) for p, e in entries.items() if e.failed is not None]
    draft = ledger.Draft(entries, sorted(indexed))
    return pages.Built(_pages(vault, gathered, paper_path, renderer, entries, indexed), indexed, clashes,
                       failed), draft


CHUNK = 4000
"""About how many (paper, session) facts are held at once: each page's share of the
sessions touching it (the parts of a chunk's sessions are read one batch at a time)."""


def _no_link(link: object, source: str) -> None:
    return None  # an entry has no copied bullets: their links need not be followed


def _pages(vault: "IndexedVault", gathered: parts.Gathered, paper_path: Callable[[str], str],
           renderer: pages.Renderer, entries: dict[str, ledger.Entry], indexed: set[str]) -> Iterator[pages.Page]:
    """The pages in the full plan's order -- every paper's, Papers.md, Questions.md."""
    keys = sorted(indexed)
    touching: dict[str, list[str]] = {}
    for path, entry in entries.items():
        for key in entry.touched:
            if key in indexed:
                touching.setdefault(key, []).append(path)
    companions = renderer.companions((e.credited for e in entries.values() if e.failed is None), indexed)
    resolve = lambda link, source: vault.facts.resolve(link, source).path  # noqa: E731
    at = 0
    while at < len(keys):
        chunk: list[str] = []
        paths: set[str] = set()
        held = 0
        while at < len(keys) and (not chunk or held + len(touching[keys[at]]) <= CHUNK):
            chunk.append(keys[at])
            paths.update(touching[keys[at]])
            held += len(touching[keys[at]])
            at += 1
        reading = assemble(gathered.parts(sorted(paths)), resolve, paper_path, only=set(chunk))
        pages.seat(companions, reading.papers)
        for key in chunk:
            yield renderer.paper(key, reading.papers.pop(key))
    summary = ledger.lite(entries)
    if keys:
        yield renderer.overview(keys, summary)
    if renderer.wants_questions(keys, summary):
        yield from renderer.questions(keys, summary)


def _plan_file(vault: "IndexedVault", path: str, name: str, body: "str | Callable[[bytes | None], str]",
               create: Callable[[str], str], result: IndexPlan) -> Change:
    try:
        absolute = check_inside(vault.root, Path(path))  # never read or write through a link
        old = read_existing(absolute)
    except UnsafeWrite as error:
        result.problems.append(IndexProblem(path, Span(1, 1, 1, 1), "VK302", str(error)))
        return Change(path, "skip", None, None)
    except OSError as error:
        result.problems.append(IndexProblem(path, Span(1, 1, 1, 1), "VK302",
                                            f"cannot read: {error.strerror or error}"))
        return Change(path, "skip", None, None)

    def redo(data: bytes | None) -> bytes | RegionError:
        region = body(data) if callable(body) else body
        return create(region).encode("utf-8") if data is None else splice_region(data, name, region)

    new = redo(old)
    if isinstance(new, RegionError):
        result.problems.append(IndexProblem(path, Span(new.line, 1, new.line, 1), "VK302", new.message))
        return Change(path, "skip", old, None)
    if new == old and name != "questions":  # nothing to write: only what the bytes hash to is kept
        return Change(path, "unchanged", None, None,
                      digest=content_hash(old) if old is not None else None)
    if new == old:  # (a page of questions keeps them: the ledger records its ticks)
        return Change(path, "unchanged", old, old)
    if old is None and isinstance(body, str):
        prefix = create("")
        if create(body) == prefix + body:  # the new note ends with the region: keep it once
            return Change(path, "create", old, new, _redo_from(new, len(prefix.encode("utf-8")), name))
    return Change(path, "create" if old is None else "update", old, new, redo)


def _redo_from(new: bytes, start: int, name: str) -> Callable[[bytes | None], bytes | RegionError]:
    """The redo of a note to create whose region is ``new[start:]``: the same splice as
    :func:`_plan_file`'s, without holding the region a second time."""
    def redo(data: bytes | None) -> bytes | RegionError:
        return new if data is None else splice_region(data, name, new[start:].decode("utf-8"))
    return redo


def _plan_prune(vault: "IndexedVault", keep: set[str], result: IndexPlan,
                take: Callable[[Change], None]) -> None:
    pattern = paper_note_pattern(vault.config.index.path)
    keep_paths = {vault.config.index.path.replace("{key}", sanitize_key(k)) for k in keep}
    generated = []  # the share's denominator: notes vaultkit wrote, not hand-written ones
    doomed = []
    unsaved = vault.unsaved
    for path in (p for p in vault.files.notes if pattern.match(p)):
        # The store's facts say which notes vaultkit wrote whole: only those of papers no
        # longer cited are parsed (a run that prunes nothing parses no index note).
        summary = None if path in unsaved else vault.facts.summary(path)
        if path in keep_paths or (summary is not None and not summary.generated_only):
            if path in unsaved:
                note = vault.note(path)
                says = note is not None and note.meta.get(render.GENERATED_KEY) == render.GENERATED_VALUE
            else:
                says = _says_generated(vault, path)
            if says:
                generated.append(path)
            continue
        note = vault.note(path)
        if note is None or note.meta.get(render.GENERATED_KEY) != render.GENERATED_VALUE:
            continue
        generated.append(path)
        key = pattern.match(path).group("key")  # type: ignore[union-attr]
        found = find_region(note.lines, "index")
        if not isinstance(found, tuple):
            continue
        outside = "\n".join(note.lines[: found[0]] + note.lines[found[1] + 1 :])
        expected = render.new_note(pages.meta(vault, key), "").rstrip("\n")
        if outside.rstrip("\n") != expected:
            continue  # someone wrote in it: not wholly generated, keep it
        doomed.append(path)
    share = vault.config.index.max_prune_share
    if generated and len(doomed) / len(generated) > share:
        result.refused_prune = (
            f"refusing to prune {len(doomed)} of {len(generated)} generated index notes "
            f"(more than index.max-prune-share = {share:g}); check the bibliography and sessions"
        )
        return
    for path in doomed:
        try:
            old = read_existing(check_inside(vault.root, Path(path)))
        except (UnsafeWrite, OSError) as error:
            result.problems.append(IndexProblem(path, Span(1, 1, 1, 1), "VK302", f"cannot read: {error}"))
            continue
        if old is not None:
            take(Change(path, "prune", old, None))


_GENERATED_LINE = re.compile(rb"^generated-by:[ \t]*(?P<q>[\"']?)vaultkit(?P=q)[ \t]*(?:#.*)?\r?$", re.MULTILINE)
_FRONTMATTER_END = re.compile(rb"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


def _says_generated(vault: "IndexedVault", path: str) -> bool:
    """Whether a note's frontmatter says ``generated-by: vaultkit``, from its first bytes
    (what vaultkit writes there; the YAML is not loaded for it)."""
    try:
        head = read_regular(vault.files.absolute(path), vault.root, limit=8192)
    except OSError:
        return False
    if head.startswith(BOM_BYTES):
        head = head[len(BOM_BYTES):]
    if not re.match(rb"---[ \t]*\r?\n", head):
        return False
    body = head[head.index(b"\n") + 1:]
    end = _FRONTMATTER_END.search(body)
    found = _GENERATED_LINE.search(body, 0, end.start() if end else len(body))
    return found is not None


def apply(vault: "IndexedVault", result: IndexPlan, *, attempts: int = ATTEMPTS) -> None:
    """Write what the plan says: atomic, inside the vault, and only over the bytes the
    plan read (compare-and-swap).  ``result.done`` records what happened to each file;
    every file not written as planned also gets a problem."""
    folders = {str(PurePosixPath(c.path).parent) for c in result.changes}
    folders.add(str(PurePosixPath(vault.config.index.path).parent))
    with _Writer(vault, result, attempts) as writer:
        for folder in sorted(folders):
            writer.sweep(folder)
        for change in result.changes:
            writer.write(change)
    _settle(vault, result)


class _Writer:
    """The writes of one run: each folder's stale temp files removed before its first
    write, each change applied (:func:`_apply_one`), and when the run ends, the late
    saves swept (:class:`LateWrites`)."""

    def __init__(self, vault: "IndexedVault", result: IndexPlan, attempts: int) -> None:
        self.vault, self.result, self.attempts = vault, result, attempts
        self.late = LateWrites()
        self._swept: set[str] = set()
        self._questions = vault.config.index.questions

    def __enter__(self) -> "_Writer":
        self.late.__enter__()
        return self

    def sweep(self, folder: str) -> None:
        if folder in self._swept:
            return
        self._swept.add(folder)
        for removed in remove_stale_temps(self.vault.root, Path(folder)):
            self.result.removed_temps.append(removed.relative_to(self.vault.root.resolve()).as_posix())

    def write(self, change: Change) -> Change:
        """Apply one change; what is left of it: its bytes let go once written (their
        hash kept), but for a page of questions (the ledger reads its ticks)."""
        self.sweep(str(PurePosixPath(change.path).parent))
        done = self.result.done[change.path] = _apply_one(self.vault.root, change, self.result, self.attempts,
                                                          self.late)
        if done not in ("created", "updated") or pages.is_questions_page(self._questions, change.path):
            return change
        assert change.new is not None
        return Change(change.path, change.outcome, None, None, digest=content_hash(change.new))

    def __exit__(self, *exc: object) -> None:
        try:
            if exc[0] is None:
                # a save that opened a note just before its replacement and wrote after it (a
                # loaded machine): put back by the sweep, and the note left for the next run
                root = self.vault.root.resolve()
                for path, _ in self.late.sweep():
                    rel = path.relative_to(root).as_posix()
                    self.result.done[rel] = "conflict"
                    self.result.problems.append(IndexProblem(rel, Span(1, 1, 1, 1), "VK301", CHANGED_WHILE_INDEXING))
        finally:
            self.late.__exit__(*exc)


def _settle(vault: "IndexedVault", result: IndexPlan) -> None:
    """After writing: the store learns the notes written (so the next run need not parse
    them), and the plan of the new state -- every note as it should be -- is saved when
    the files hold exactly what was written."""
    done = result.done
    if result.fingerprint is None or not any(d in ("created", "updated", "pruned") for d in done.values()):
        return
    if any(d in ("failed", "conflict") for d in done.values()):
        return
    checker = vault.checker
    for change in result.changes:
        if done.get(change.path) == "created":
            checker.add_file(change.path)
        elif done.get(change.path) == "pruned":
            checker.remove(change.path)
    checker.refresh(vault.jobs, written={p for p, d in done.items() if d in ("created", "updated")})
    checker.save()
    parts.keep_derived(vault)
    for change in result.changes:
        if change.digest is not None:  # unchanged, its bytes not kept: the row says it still is
            if not _as_read(vault, change):
                return
            continue
        data = change.new if done[change.path] in ("created", "updated") else (
            None if done[change.path] == "pruned" else change.old)
        if not state.holds(vault, change.path, data):
            return
    after = state.fingerprint(vault, result.prune)
    if after is not None:
        outcomes = [(c.path, "skip" if done[c.path] == "skipped" else "unchanged")
                    for c in result.changes if done[c.path] != "pruned"]
        state.save(vault, result.prune, after, outcomes, result)
        _save_ledger(vault, result, [c for c in result.changes if done[c.path] in ("created", "updated", "unchanged")],
                     lambda c: c.new if done[c.path] in ("created", "updated") else c.old)


def _apply_one(root: Path, change: Change, result: IndexPlan, attempts: int,
               late: LateWrites | None = None) -> Done:
    def problem(code: str, message: str, line: int = 1) -> None:
        result.problems.append(IndexProblem(change.path, Span(line, 1, line, 1), code, message))

    if change.outcome == "skip":
        return "skipped"
    if change.outcome == "unchanged" or change.new is None and change.outcome != "prune":
        return "unchanged"
    expected, new = change.old, change.new
    for _ in range(attempts):
        try:
            if change.outcome == "prune":
                assert expected is not None
                safe_delete(root, Path(change.path), expected=expected)
                return "pruned"
            assert new is not None
            return safe_write(root, Path(change.path), new, expected=expected, late=late)
        except WriteConflict as conflict:
            if change.redo is None:  # a prune: the note was edited, so it stays
                break
            expected = conflict.current
            redone = change.redo(expected)
            if isinstance(redone, RegionError):  # the edit broke the markers
                problem("VK302", redone.message, redone.line)
                return "conflict"
            if redone == expected:
                return "unchanged"
            new = redone
        except (UnsafeWrite, OSError) as error:
            reason = str(error) if isinstance(error, UnsafeWrite) else error.strerror or str(error)
            problem("VK304", f"not written: {reason}")
            return "failed"
    problem("VK301", CHANGED_WHILE_INDEXING)
    return "conflict"
