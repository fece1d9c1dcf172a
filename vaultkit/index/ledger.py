"""What the last index run knew, per session and per index note: a run after a change
plans only the pages the change touches.

The saved plan (:mod:`state`) answers a run with *nothing* new.  After a change -- one
session edited, added or deleted, a question ticked, an index note edited by hand -- the
ledger answers which pages can be affected:

- per session: the content hash its part was made from, and what the part gives the
  index beyond a paper's own page: the papers it touches, its date and actions (the
  overview's table, chart and statistics), its open questions (Questions.md), the names
  its copied bullets' links lead to;
- per index note: the content hash of the bytes it held after the run (the store's row
  says what it holds now: a note edited or deleted by hand is planned again);
- the papers that have an index note, and a stamp of every other input (configuration,
  schemas, layouts, vaultkit's code, the bibliography, every file but the sessions).

A paper's page is planned again only when a changed session touches it (or its note is
not what was written); Papers.md and Questions.md only when a changed session changes
what they show.  Every other page is known unchanged without being rendered or read.
Anything else -- a stamp that differs, another paper gaining or losing its note, a new
session sharing a file name -- means a full plan.  The result is the full plan's, byte
for byte (tests/index/test_index_ledger.py).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Union
from urllib.parse import unquote

import msgspec

from vaultkit.digest import hasher
from vaultkit.index import parts, state
from vaultkit.index.collect import (
    Action, Harvest, Mention, PaperFacts, Reading, Session, SessionPart, _sorted_harvest, assemble,
)
from vaultkit.index import render
from vaultkit.index.pages import Built, Page, Renderer, asks, region_finder
from vaultkit.index.render import QUESTION_KINDS

if TYPE_CHECKING:
    from vaultkit.index.source import IndexedVault

_NAME = "index-ledger"


class Question(msgspec.Struct, array_like=True, frozen=True):
    """A harvested thought Questions.md shows: of a paper (``owner``) or loose (``None``)."""

    owner: str | None
    kind: str
    text: str
    line: int
    section: str
    under_action: bool
    about: str


class Entry(msgspec.Struct, array_like=True, frozen=True):
    """What one session gives the index besides its papers' pages."""

    hash: str
    date: str = ""
    log_heading: str | None = None
    credited: tuple[str, ...] = ()
    touched: tuple[str, ...] = ()
    """Every paper whose page the session adds to (actions, mentions, thoughts)."""
    actions: tuple[tuple[str, str], ...] = ()
    """(paper, verb) of each action."""
    mentioned: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()
    """Its open-question kinds by paper, and every loose thought."""
    names: tuple[str, ...] = ()
    """Lower-cased file names (and stems) the links in its copied bullets lead to."""
    failed: str | None = None

    def overview(self) -> tuple[object, ...] | None:
        """What Papers.md reads of the session."""
        return None if self.failed is not None else (self.date, self.actions, self.mentioned)

    def asked(self) -> tuple[object, ...] | None:
        """What Questions.md reads of the session."""
        return None if self.failed is not None else (self.date, self.log_heading, self.questions)


class Ledger(msgspec.Struct, frozen=True):
    stamp: str
    indexed: list[str]
    sessions: dict[str, Entry]
    pages: dict[str, str]
    """Index note path -> the content hash of the bytes it held after the run."""
    ticks: dict[str, dict[str, str]] = {}
    """Page of questions -> the ticks in the bytes it held after the run."""


_DECODE = msgspec.json.Decoder(Ledger)
_ENCODE = msgspec.json.Encoder()


@dataclass
class Draft:
    """A ledger before the index notes' hashes are known (they are once written)."""

    entries: dict[str, Entry]
    indexed: list[str]
    ticks: dict[str, dict[str, str]] = field(default_factory=dict)
    """The ticks of the pages of questions known to be as written (not read again)."""


Planned = Union[Page, tuple[str, str]]
"""A page to plan, or (path, content hash) of a note known to be as it should be."""


@dataclass
class Incremental:
    pages: list[Planned]
    """In the full plan's order: every paper's page by key, Papers.md, Questions.md."""
    built: Built
    """The indexed papers, clashes and failed sessions (its pages are in ``pages``)."""
    draft: Draft
    replanned: set[str] = field(default_factory=set)
    """The paths planned (for the tests and the benchmark's account)."""


# -- entries ------------------------------------------------------------------------------


def entries(reading: Reading, hashes: dict[str, str], names: dict[str, tuple[str, ...]]) -> dict[str, Entry]:
    """Every session's entry from the reading assembled from its parts."""
    acc: dict[str, dict[str, object]] = {}
    for session in reading.sessions:
        acc[session.path] = {"session": session, "touched": set(), "actions": [], "mentioned": set(),
                             "questions": []}
    for key in sorted(reading.papers):
        facts = reading.papers[key]
        for action in facts.actions:
            got = acc[action.session.path]
            got["actions"].append((key, action.verb))  # type: ignore[attr-defined]
            got["touched"].add(key)  # type: ignore[attr-defined]
        for mention in facts.mentions:
            got = acc[mention.session.path]
            got["mentioned"].add(key)  # type: ignore[attr-defined]
            got["touched"].add(key)  # type: ignore[attr-defined]
        for item in facts.harvest:
            got = acc[item.session.path]
            got["touched"].add(key)  # type: ignore[attr-defined]
            if item.kind in QUESTION_KINDS:
                got["questions"].append(_question(key, item))  # type: ignore[attr-defined]
    for item in reading.loose:
        acc[item.session.path]["questions"].append(_question(None, item))  # type: ignore[attr-defined]
    out: dict[str, Entry] = {}
    for path, got in acc.items():
        session: Session = got["session"]  # type: ignore[assignment]
        out[path] = Entry(hashes.get(path, ""), session.date, session.log_heading,
                          reading.log_keys.get(path, ()), tuple(sorted(got["touched"])),  # type: ignore[arg-type]
                          tuple(got["actions"]), tuple(sorted(got["mentioned"])),  # type: ignore[arg-type]
                          tuple(got["questions"]), names.get(path, ()))  # type: ignore[arg-type]
    for path, error in reading.failed:
        out[path] = Entry(hashes.get(path, ""), failed=error)
    return dict(sorted(out.items()))


def _question(owner: str | None, item: Harvest) -> Question:
    return Question(owner, item.kind, item.text, item.line, item.section, item.under_action, item.about)


def link_names(part: SessionPart) -> tuple[str, ...]:
    """The names the part's rewritten links lead to: a session of that name appearing or
    going away may change where they lead."""
    out: set[str] = set()
    for action in part.actions:
        for rewrite in action.rewrites:
            name = posixpath.basename(unquote(rewrite.link.target)).lower()
            out.add(name)
            out.add(name[:-3] if name.endswith(".md") else name + ".md")
    return tuple(sorted(out))


def lite(entries: dict[str, Entry], overview: bool = True) -> Reading:
    """The reading Papers.md and Questions.md are rendered from, made from the entries:
    each paper's actions (verb, session), mentions (session) and open questions;
    without ``overview``, the questions only (what a tick needs)."""
    papers: dict[str, PaperFacts] = {}
    sessions: list[Session] = []
    loose: list[Harvest] = []

    def facts(key: str) -> PaperFacts:
        if key not in papers:
            papers[key] = PaperFacts(key)
        return papers[key]

    for path, entry in entries.items():
        if entry.failed is not None:
            continue
        session = Session(path, entry.date, entry.log_heading)
        sessions.append(session)
        for key in entry.touched:  # every paper the full reading has, whatever it holds
            facts(key)
        for key, verb in entry.actions if overview else ():
            facts(key).actions.append(Action(session, verb, 0, ()))
        for key in entry.mentioned if overview else ():
            facts(key).mentions.append(Mention(session, 0, ""))
        for q in entry.questions:
            item = Harvest(session, q.kind, q.text, q.line, q.section, q.under_action, q.about)
            (loose if q.owner is None else facts(q.owner).harvest).append(item)
    for paper in papers.values():
        paper.harvest = _sorted_harvest(paper.harvest)
    return Reading(papers, sessions, {}, _sorted_harvest(loose))


# -- the stored ledger --------------------------------------------------------------------


def stamp(vault: "IndexedVault", sessions: Iterable[str]) -> str | None:
    """Every input of the plan but the sessions and the index notes' own bytes."""
    bib = vault.bibliography_stamp()
    layouts = state.layouts_stamp(vault)
    if bib is None or layouts is None:
        return None
    skip = set(sessions)
    digest = hasher()
    digest.update(f"{parts.key(vault)}\n{bib}\n{layouts}\n".encode())
    digest.update("\n".join(p for p in vault.checker.facts.files.paths if p not in skip)
                  .encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def load(vault: "IndexedVault") -> Ledger | None:
    data = vault.store.state(_NAME) if vault.store.enabled else None
    if data is None:
        return None
    try:
        return _DECODE.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError, TypeError, ValueError):
        return None


def save(vault: "IndexedVault", draft: Draft, pages: dict[str, str], held: dict[str, bytes | None]) -> None:
    """Store the ledger of a run whose every index note holds ``pages``' hashes;
    ``held``: the bytes of each page of questions (``None``: as the draft knows it)."""
    found = stamp(vault, draft.entries)
    if found is None:
        return
    ticks: dict[str, dict[str, str]] = {}
    for path, data in held.items():
        if data is not None:
            ticks[path] = render.ticks(data.decode("utf-8", errors="replace"), region_finder("questions"))
        elif path in draft.ticks:
            ticks[path] = draft.ticks[path]
    vault.store.put_state(_NAME, _ENCODE.encode(Ledger(found, draft.indexed, draft.entries, pages, ticks)))


# -- the incremental plan -----------------------------------------------------------------


def incremental(vault: "IndexedVault", gathered: parts.Gathered, paper_path: Callable[[str], str]) -> Incremental | None:
    """The pages to plan after a change, the others known unchanged; ``None`` when only
    a full plan can tell (no ledger, another input changed, unsaved text)."""
    if gathered.unsaved or not gathered.exact:
        return None
    ledger = load(vault)
    if ledger is None:
        return None
    old = ledger.sessions
    now = gathered.hashes
    changed = sorted({p for p, h in now.items() if (e := old.get(p)) is None or e.hash != h}
                     | {p for p in old if p not in now})
    if stamp(vault, now) != ledger.stamp:
        return None  # (a note that became or stopped being a session changes the stamp too)
    renewed = dict(old)
    resolve = _resolver(vault)
    for path in changed:
        if path not in now:
            del renewed[path]
            continue
        part = gathered.part(path)
        if part is None:
            return None
        one = assemble([part], resolve, paper_path)
        made = entries(one, {path: gathered.hashes[path]}, {path: link_names(part)})
        if path not in made:
            return None
        renewed[path] = made[path]
    if not gathered.exact:
        return None
    linked = {n for e in (*old.values(), *renewed.values()) for n in e.names}
    files = vault.files.by_name_lower
    for path in changed:
        if (path in now) == (path in old):
            continue
        name = posixpath.basename(path).lower()
        if name in linked or any(p != path for p in files.get(name, ())):
            return None  # a session appearing or going away may change where links lead
    renewed = dict(sorted(renewed.items()))

    renderer = Renderer(vault, paper_path)
    keys = {k for e in renewed.values() for k in e.touched}
    indexed, clashes = renderer.indexed(keys)
    ordered = sorted(indexed)
    if ordered != ledger.indexed:
        return None  # a paper gained or lost its note: other papers' co-readers may change
    rows = vault.checker.rows

    def known(path: str) -> str | None:
        row = rows.get(path)
        recorded = ledger.pages.get(path)
        return recorded if row is not None and row.hash == recorded else None

    dirty = {k for p in changed for e in (old.get(p), renewed.get(p)) if e is not None for k in e.touched}
    dirty &= indexed
    dirty |= {k for k in ordered if known(paper_path(k)) is None}
    result = Incremental([], Built(indexed=indexed, clashes=clashes,
                                   failed=[(p, e.failed) for p, e in renewed.items() if e.failed is not None]),
                         Draft(renewed, ordered))
    reading = _reading_of(gathered, renewed, dirty, resolve, paper_path)
    if reading is None:
        return None
    renderer.company(reading.log_keys.values(), indexed, reading.papers, only=dirty)
    summary: Reading | None = None
    asked_only: Reading | None = None

    def view() -> Reading:
        nonlocal summary
        if summary is None:
            summary = lite(renewed)
        return summary

    def asked_view() -> Reading:  # the questions' pages read no actions nor mentions
        nonlocal asked_only
        if summary is not None:
            return summary
        if asked_only is None:
            asked_only = lite(renewed, overview=False)
        return asked_only

    def moved(read: Callable[[Entry], object]) -> bool:
        return any((read(e) if (e := old.get(p)) is not None else None)
                   != (read(e) if (e := renewed.get(p)) is not None else None) for p in changed)

    def place(path: str, stale: bool, page: Callable[[], Page]) -> None:
        hash_ = known(path)
        if stale or hash_ is None:
            result.pages.append(page())
            result.replanned.add(path)
        else:
            result.pages.append((path, hash_))

    for key in ordered:
        place(paper_path(key), key in dirty, lambda: renderer.paper(key, reading.papers[key]))
    config = vault.config.index
    if ordered:
        place(config.overview, moved(Entry.overview), lambda: renderer.overview(ordered, view()))
    if config.questions and (ordered or any(q.owner is None for e in renewed.values()
                                            if e.failed is None for q in e.questions)):
        asked_moved = moved(Entry.asked)
        if not asked_moved and ledger.ticks and all(known(p) is not None for p in ledger.ticks):
            # the questions and every page of them are as written: the same pages, known
            for path, ticks in ledger.ticks.items():
                result.pages.append((path, ledger.pages[path]))
                result.draft.ticks[path] = ticks
        else:
            for page, stale in _asked(renderer, ordered, asked_view(), asked_moved, ledger, known, result.draft):
                place(page.path, stale, lambda: page)
    if not gathered.exact:
        return None
    return result


def _asked(renderer: Renderer, keys: list[str], reading: Reading, moved: bool, ledger: Ledger,
           known: Callable[[str], str | None], draft: Draft) -> list[tuple[Page, bool]]:
    """The pages of questions, each with whether to plan it again.  The pages are a
    function of the questions (and the questions moved: every page); a tick changes
    the page it is made on and any other showing the same question (one thought on
    two papers), found by comparing the ticks with those written last time."""
    asked = renderer.questions(keys, reading, draft.ticks)
    recorded = ledger.ticks
    for path, ticks in recorded.items():  # the pages as written: their ticks are known
        if known(path) is not None:
            draft.ticks[path] = ticks
    paths = [page.path for page in asked]
    if moved or any(p not in recorded for p in paths):
        return [(page, True) for page in asked]
    dirty = {p for p in paths if known(p) is None}
    changed: set[str] = set()
    for path in dirty:
        now = renderer.ticks_of(path)
        was = recorded[path]
        changed |= {k for k in {*now, *was} if now.get(k) != was.get(k)}
    return [(page, page.path in dirty or bool(changed) and asks(renderer.asked.get(page.path, []), changed))
            for page in asked]


def _reading_of(gathered: parts.Gathered, entries: dict[str, Entry], keys: set[str],
                resolve: Callable, paper_path: Callable[[str], str]) -> Reading | None:
    """The full reading of the papers ``keys``: from the parts of every session touching one."""
    paths = [p for p, e in entries.items() if not keys.isdisjoint(e.touched)]
    got = list(gathered.parts(paths))
    if len(got) != len(paths):
        return None
    reading = assemble(got, resolve, paper_path)
    if any(k not in reading.papers for k in keys):
        return None
    return reading


def _resolver(vault: "IndexedVault") -> Callable:
    return lambda link, source: vault.facts.resolve(link, source).path
