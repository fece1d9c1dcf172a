"""Collect what the vault says about each paper: actions, mentions, harvest, company.

Input is the parsed vault; output is plain sorted data that :mod:`render` turns into
text.  Only session notes (those a schema with a Log grammar applies to) are read.

Every step is linear in the size of a note: elements are looked up by line (bisect),
never by scanning the note once per action or per citation, and no line is copied once
per citation on it (a mention keeps a bounded excerpt of its line).
"""

from __future__ import annotations

import posixpath
import re
import sys
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Callable, Container, Generic, Iterable, NamedTuple, TypeVar

from vaultkit.model import Citation, Link, ListItem, Note, Tag
from vaultkit.packed import between, distinct, occurrences, starting_in
from vaultkit.schema.log import log_entries, log_section
from vaultkit.schema.model import SessionSpec  # re-exported: its old home

if TYPE_CHECKING:
    from vaultkit.schema import Schema
    from vaultkit.index.source import IndexedVault


_LINE_MARKUP = re.compile(r"^[\s>]*(?:(?:[-*+]|\d{1,9}[.)])\s+)?(?:\[[ xX]\]\s+)?")
"""A line's quote and list markers and task box: not part of what it says."""
_BLOCK_ID = re.compile(r"\s\^(?P<id>[A-Za-z0-9-]+)\s*$")
"""An Obsidian block id the user wrote at the end of a line (vaultkit never writes one)."""
EXCERPT = 240
"""A mention longer than this many characters shows the part around the citation."""
HARVEST_TEXT = 1000
"""Harvested text is cut after this many characters (a question is a sentence or two)."""


@dataclass(frozen=True)
class Session:
    path: str
    date: str
    """``YYYY-MM-DD`` or ``""`` when the note has no date."""
    log_heading: str | None = None
    """The Log heading's text as written (a link target), ``None`` when it cannot be one."""


@dataclass(frozen=True)
class Action:
    session: Session
    verb: str
    line: int
    bullets: tuple[str, ...]
    """The nested lines under the action, dedented, image links rewritten."""
    heads: tuple[int, ...] = ()
    """Indexes into ``bullets`` of the first line of each directly nested bullet."""
    anchor: str | None = None
    """Where a link to this action points: ``^block-id`` (written by the user), the Log
    heading, or ``None`` (the session note itself)."""


@dataclass(frozen=True)
class Mention:
    session: Session
    line: int
    context: str
    section: str = ""
    """The heading the mention was written under (a link target)."""


@dataclass(frozen=True)
class Harvest:
    session: Session
    kind: str
    text: str
    line: int
    section: str = ""
    """The section the tag was written in (``Log``, ``Learned``)."""
    under_action: bool = True
    """Written under one of the paper's actions (else elsewhere in the session)."""
    about: str = ""
    """For a thought under an action whose source is a link to no known paper: the link."""


@dataclass
class PaperFacts:
    key: str
    actions: list[Action] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    harvest: list[Harvest] = field(default_factory=list)
    read_with: list[tuple[str, int]] = field(default_factory=list)
    """The most frequent co-readers: (other paper key, sessions shared), most first."""
    read_with_more: int = 0
    """How many more papers were read with this one than ``read_with`` lists."""

    @property
    def sessions(self) -> set[str]:
        return {a.session.path for a in self.actions} | {m.session.path for m in self.mentions}

    @property
    def dates(self) -> list[str]:
        """Every dated activity (action or mention), sorted."""
        return sorted(({a.session.date for a in self.actions} | {m.session.date for m in self.mentions}) - {""})


@dataclass
class Reading:
    """Everything the index knows about the vault's reading."""

    papers: dict[str, PaperFacts]
    sessions: list[Session]
    """Every session note, in path order."""
    log_keys: dict[str, tuple[str, ...]]
    """Session path -> the papers its Log credits (sorted, distinct)."""
    loose: list[Harvest] = field(default_factory=list)
    """Harvested tags that belong to no one paper (a session of several papers)."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(session path, error) of sessions the collector failed on: a bug in vaultkit,
    reported as VK000 on the note while every other session is indexed."""


def session_date(note: Note, spec: SessionSpec) -> str:
    m = re.search(spec.date_pattern, PurePosixPath(note.path).stem)
    if m:
        fields = m.groupdict()
        if fields.get("year") and fields.get("month") and fields.get("day"):
            return f"{fields['year']}-{fields['month']}-{fields['day']}"
        return m.group("date")
    if spec.date_key:
        value = note.meta.get(spec.date_key)
        if value is not None:
            m = re.search(r"\d{4}-\d{2}-\d{2}", str(value))
            if m:
                return m.group()
    return ""


_E = TypeVar("_E")


class _ByLine(Generic[_E]):
    """Elements of a note sorted by line, for range lookups without a full scan."""

    def __init__(self, items: Iterable[_E], line: Callable[[_E], int]) -> None:
        self.items = sorted(items, key=line)
        self.lines = [line(i) for i in self.items]

    def between(self, first: int, last: int) -> list[_E]:
        return self.items[bisect_left(self.lines, first) : bisect_right(self.lines, last)]


class Rewrite(NamedTuple):
    """A relative link target in an action's bullets, rewritten when the part is
    assembled: where it leads depends on the vault's files, not on this note."""

    row: int
    """Index into the action's bullets."""
    start: int
    end: int
    """Code point columns of the target in that bullet line (0-based, end exclusive)."""
    link: Link


class PartAction(NamedTuple):
    key: str
    verb: str
    line: int
    bullets: tuple[str, ...]
    """Dedented, links not yet rewritten (``rewrites``)."""
    heads: tuple[int, ...]
    anchor: str | None
    rewrites: tuple[Rewrite, ...]
    harvest: tuple[Harvest, ...]


class PartMention(NamedTuple):
    key: str
    line: int
    context: str
    section: str


class SessionPart(NamedTuple):
    """What one session note contributes to the index: plain data, a function of the
    note's bytes, its schema and the link sources' keys (``sources``), so it is stored
    per content hash and the index is planned without parsing unchanged sessions."""

    session: Session
    actions: tuple[PartAction, ...] = ()
    mentions: tuple[PartMention, ...] = ()
    thoughts: tuple[tuple[str | None, Harvest], ...] = ()
    """Harvest outside the actions: (paper key or ``None`` for loose, the thought)."""
    credited: tuple[str, ...] = ()
    """The papers the Log credits, sorted."""
    sources: tuple[tuple[str, str | None], ...] = ()
    """(web address, key) of every action source that is a URL link, as ``source_key``
    answered: the part holds only while the bibliography answers the same."""
    failed: str | None = None
    """The collector failed on this session (a bug in vaultkit): the error."""


def read_session(note: Note, schema: "Schema", spec: SessionSpec,
                 source_key: Callable[[Link], str | None] = lambda link: None) -> SessionPart:
    """One session note's part of the index (a failure is recorded, never raised)."""
    try:  # read the whole session before anything of it is kept
        reader = _SessionReader(note, schema, spec, source_key)
        actions, mentions = tuple(reader.actions()), tuple(reader.mentions())
        thoughts = tuple(reader.thoughts())
    except Exception as error:  # noqa: BLE001 - one odd note must not stop the index
        return SessionPart(Session(note.path, ""), failed=f"{type(error).__name__}: {str(error)[:200]}")
    return SessionPart(reader.session, actions, mentions, thoughts, tuple(sorted(reader.credited)),
                       tuple(reader.consulted.items()))


def collect(vault: "IndexedVault", index_path_of: Callable[[str], str],
            schema_of: Callable[[Note], "Schema | None"],
            source_key: Callable[[Link], str | None] = lambda link: None) -> Reading:
    """Facts per citekey over every session note of ``vault.notes``.

    ``index_path_of(key)`` gives the index note's vault path (to rewrite image links);
    ``schema_of(note)`` gives the session schema of a note, or None when it is not a
    session; ``source_key(link)`` credits an action whose source is a link (the
    bibliography entry with that DOI, arXiv id or URL).  What counts as an action is the
    schema's Log grammar (``log_entries``), the same one VK106 and VK110 apply.
    """
    parts = []
    for path in sorted(vault.notes):
        note = vault.notes[path]
        schema = schema_of(note) if note.readable else None
        spec = schema.session_spec if schema is not None else None
        if schema is not None and spec is not None:
            parts.append(read_session(note, schema, spec, source_key))
    return assemble(parts, lambda link, source: vault.resolver.resolve(link, source).path, index_path_of)


def assemble(parts: Iterable[SessionPart], resolve: Callable[[Link, str], str | None],
             index_path_of: Callable[[str], str], only: "Container[str] | None" = None) -> Reading:
    """The vault's reading from its sessions' parts, given in path order.

    ``resolve(link, source)`` gives the vault path a link leads to (or ``None``): the
    only thing about other notes the parts need, for the links in copied bullets.
    ``only``: the papers wanted (their facts as the whole vault's reading has them, when
    ``parts`` hold every session touching them); the others' and the loose harvest are
    left out.
    """
    papers: dict[str, PaperFacts] = {}
    sessions: list[Session] = []
    log_keys: dict[str, tuple[str, ...]] = {}
    loose: list[Harvest] = []
    failed: list[tuple[str, str]] = []

    def facts(key: str) -> PaperFacts:
        if key not in papers:
            papers[key] = PaperFacts(key)
        return papers[key]

    last = ""
    for part in parts:  # one at a time: the parts are dropped as they are folded in
        session = part.session
        if session.path < last:
            raise ValueError(f"assemble: the parts are not in path order ({session.path} after {last})")
        last = session.path
        if part.failed is not None:
            failed.append((session.path, part.failed))
            continue
        sessions.append(session)
        for a in part.actions:
            if only is not None and a.key not in only:
                continue
            bullets = _rewritten(a, session.path, resolve, index_path_of(a.key))
            facts(a.key).actions.append(Action(session, a.verb, a.line, bullets, a.heads, a.anchor))
            facts(a.key).harvest.extend(a.harvest)
        for m in part.mentions:
            if only is None or m.key in only:
                facts(m.key).mentions.append(Mention(session, m.line, m.context, m.section))
        for owner, item in part.thoughts:
            if owner is None:
                if only is None:
                    loose.append(item)
            elif only is None or owner in only:
                facts(owner).harvest.append(item)
        log_keys[session.path] = part.credited

    for paper in papers.values():
        paper.actions.sort(key=lambda a: (a.session.date, a.session.path, a.line))
        # one mention per line: a line citing the key twice is one mention
        unique = {(m.session.path, m.line): m for m in paper.mentions}
        paper.mentions = sorted(unique.values(), key=lambda m: (m.session.date, m.session.path, m.line))
        paper.harvest = _sorted_harvest(paper.harvest)
    return Reading(papers, sessions, log_keys, _sorted_harvest(loose), failed)


def _rewritten(action: PartAction, source: str, resolve: Callable[[Link, str], str | None],
               index_path: str) -> tuple[str, ...]:
    """The action's bullets with relative links rewritten to lead there from the index note."""
    if not action.rewrites:
        return action.bullets
    lines = list(action.bullets)
    for r in sorted(action.rewrites, key=lambda r: (r.row, r.start, r.end), reverse=True):
        target = resolve(r.link, source)
        if target is None:
            continue
        new = posixpath.relpath(target, posixpath.dirname(index_path) or ".").replace(" ", "%20")
        if r.link.fragment:
            new += "#" + r.link.fragment.replace(" ", "%20")
        lines[r.row] = lines[r.row][: r.start] + new + lines[r.row][r.end :]
    return tuple(lines)


def _sorted_harvest(items: list[Harvest]) -> list[Harvest]:
    unique = {(h.session.path, h.line, h.kind, h.text): h for h in items}
    return sorted(unique.values(), key=lambda h: (h.session.date, h.session.path, h.line, h.kind))


class _SessionReader:
    """One session note, read once: its actions, mentions and loose thoughts."""

    def __init__(self, note: Note, schema: "Schema", spec: SessionSpec,
                 source_key: Callable[[Link], str | None]) -> None:
        self.note, self.spec = note, spec
        self.consulted: dict[str, str | None] = {}
        """Link target -> the key ``source_key`` gave it (what the part depends on)."""
        section = log_section(note, schema)
        heading = section.heading.text if section is not None and section.heading else None
        self.log_range = (section.start_line, section.end_line) if section is not None else (0, -1)
        self.session = Session(note.path, session_date(note, spec), linkable(heading))
        self.citations = note.citations  # a table: looked up by bisection, never copied
        self.tags = _ByLine(note.tags, lambda t: t.span.line)
        self.item_at = {item.line: item for item in note.list_items}
        self.children: dict[int, list[ListItem]] = {}
        for item in note.list_items:
            if item.parent is not None:
                self.children.setdefault(item.parent, []).append(item)
        self.owned: list[tuple[int, int, str | None]] = []
        """(first line, last line, key) of each action, in line order; the key is ``None``
        for a link source that names no bibliography entry."""
        self.credited: set[str] = set()
        self._entries = []
        self._unmatched: list = []
        self._heading_lines = [h.span.line for h in note.headings]
        self._links = _ByLine((at for l in distinct(note.links) if l.kind in ("image", "markdown")
                               and not l.is_url and l.target_span is not None
                               for at, _ in occurrences(note.links, l, sys.maxsize)), _target_line)
        for entry in log_entries(note, schema):
            if entry.kind != "action" or entry.tag is None or entry.tag.argument_span is None:
                continue
            key, link = self._source(entry.tag, source_key)
            if key is None and link is None:
                continue
            if key is None:
                self._unmatched.append((entry, link))
            else:
                self._entries.append((key, entry))
                self.credited.add(key)
            self.owned.append((entry.item.line, entry.item.end_line, key))
        self.owned.sort()
        self._owned_starts = [first for first, _, _ in self.owned]

    def _source(self, tag: Tag, source_key: Callable[[Link], str | None]) -> tuple[str | None, Link | None]:
        """The key an action credits, or the link source that names no known paper."""
        where = tag.argument_span
        assert where is not None

        def inside(span) -> bool:
            return (where.line, where.column) <= (span.line, span.column) and (
                (span.end_line, span.end_column) <= (where.end_line, where.end_column))

        cite: Citation
        for cite in starting_in(self.citations, where):
            if inside(cite.span):
                return cite.key, None
        link: Link
        for link in starting_in(self.note.links, where):
            if link.kind == "markdown" and inside(link.span) and link.raw == (tag.argument or "").strip():
                key = source_key(link)
                if link.is_url:
                    self.consulted[link.target] = key
                return key, (None if key is not None else link)
        return None, None

    def owner(self, line: int) -> tuple[int, int, str | None] | None:
        """The credited action whose bullet holds ``line``."""
        at = bisect_right(self._owned_starts, line) - 1
        if at >= 0 and self.owned[at][0] <= line <= self.owned[at][1]:
            return self.owned[at]
        return None

    def actions(self) -> Iterable[PartAction]:
        for key, entry in self._entries:
            item, tag = entry.item, entry.tag
            assert tag is not None
            bullets, heads, rewrites = self._bullets(item)
            harvest = tuple(h for t in self.tags.between(item.line, item.end_line)
                            if (h := self._harvest(t, "Log", True)) is not None)
            yield PartAction(key, tag.name, item.line, bullets, heads, self._anchor(item), rewrites, harvest)

    def mentions(self) -> Iterable[PartMention]:
        contexts: dict[int, tuple[str, int]] = {}  # line -> (text without markup, its offset)
        first: dict[tuple[str, int], Citation] = {}  # one mention per key and line: its first
        for shape in distinct(self.citations):
            for cite, _ in occurrences(self.citations, shape, 1):
                at = (cite.key, cite.span.line)
                if at not in first or cite.span.column < first[at].span.column:
                    first[at] = cite
        for cite in sorted(first.values(), key=lambda c: (c.span.line, c.span.column)):
            line = cite.span.line
            owner = self.owner(line)
            if owner is not None and owner[2] == cite.key:
                continue  # the action's own bullets
            if line not in contexts:
                raw = self.note.lines[line - 1]
                start = _LINE_MARKUP.match(raw).end()  # type: ignore[union-attr]
                contexts[line] = (raw[start:].strip(), start + len(raw[start:]) - len(raw[start:].lstrip()))
            text, offset = contexts[line]
            excerpt = _excerpt(text, cite.span.column - 1 - offset, len(cite.raw))
            yield PartMention(cite.key, line, excerpt, self._section_of(line))

    def thoughts(self) -> Iterable[tuple[str | None, Harvest]]:
        """Harvest tags outside the paper's actions: credited to the papers they cite,
        or to the one paper of a session whose Log read only that paper."""
        for entry, link in self._unmatched:  # thoughts on a paper with no citekey yet
            for tag in self.tags.between(entry.item.line, entry.item.end_line):
                item = self._harvest(tag, self._section_of(tag.span.line), True)
                if item is not None:
                    yield None, replace(item, about=link.raw)
        only = next(iter(self.credited)) if len(self.credited) == 1 else None
        for tag in self.tags.items:
            if tag.name not in self.spec.harvest or self.owner(tag.span.line) is not None:
                continue
            item = self._harvest(tag, self._section_of(tag.span.line), False)
            if item is None:
                continue
            keys = self._cited_by(tag)
            if not keys and only is not None:
                keys = {only}
            if not keys:
                yield None, item
            for key in sorted(keys):
                yield key, item

    def _cited_by(self, tag: Tag) -> set[str]:
        first = last = tag.span.line
        owner = self.item_at.get(tag.span.line)
        if owner is not None and not tag.payload:  # the thought is in the nested bullets
            last = owner.end_line
        return {c.key for c in between(self.citations, first, last)}

    def _section_of(self, line: int) -> str:
        # the last heading above a line owns it (a sub-heading is a section of its own)
        at = bisect_left(self._heading_lines, line) - 1
        return self.note.headings[at].text if at >= 0 else ""

    def _harvest(self, tag: Tag, section: str, under_action: bool) -> Harvest | None:
        if tag.name not in self.spec.harvest:
            return None
        text = tag.payload or ""
        if not text:  # "[question ->]" with the question in the nested bullets
            owner = self.item_at.get(tag.span.line)
            text = " ".join(c.text for c in self.children.get(owner.index, ())) if owner else ""
        text = " ".join(text.split())
        if not text:
            return None
        if len(text) > HARVEST_TEXT:
            text = text[:HARVEST_TEXT].rsplit(" ", 1)[0] + " …"
        return Harvest(self.session, tag.name, text, tag.span.line, section, under_action)

    def _anchor(self, item: ListItem) -> str | None:
        m = _BLOCK_ID.search(self.note.lines[item.line - 1])
        if m is not None:
            return "^" + m.group("id")
        return self.session.log_heading

    def _bullets(self, item: ListItem) -> tuple[tuple[str, ...], tuple[int, ...], tuple[Rewrite, ...]]:
        """The action's nested lines as written, dedented, and where their relative
        links are (rewritten when the part is assembled, :func:`_rewritten`)."""
        first, last = item.line + 1, item.end_line
        if first > last:
            return (), (), ()
        targets: dict[int, list[tuple[int, int, Link]]] = {}
        link: Link
        for link in self._links.between(first, last):
            span = link.target_span
            assert span is not None
            if span.line != span.end_line:
                continue
            targets.setdefault(span.line, []).append((span.column - 1, span.end_column - 1, link))
        lines = [self.note.lines[number - 1].rstrip() for number in range(first, last + 1)]
        while lines and not lines[-1].strip():
            lines.pop()
        indents = [len(l) - len(l.lstrip()) for l in lines if l.strip()]
        cut = min(indents) if indents else 0
        heads = tuple(child.line - first for child in self.children.get(item.index, ())
                      if child.line - first < len(lines))
        # a link target is never in a line's indent nor its trailing blanks: the columns
        # only move by the cut
        rewrites = tuple(Rewrite(number - first, start - cut, end - cut, link)
                         for number in sorted(targets) if number - first < len(lines)
                         for start, end, link in targets[number])
        return tuple(l[cut:] if l.strip() else "" for l in lines), heads, rewrites


def _target_line(link: Link) -> int:
    return link.target_span.line if link.target_span is not None else link.span.line


def linkable(heading: str | None) -> str | None:
    """A heading text Obsidian can link to (``[[note#heading]]``), or ``None``."""
    if not heading or any(c in heading for c in "#|^[]%"):
        return None
    return heading


def _excerpt(text: str, at: int, width: int) -> str:
    """``text`` whole when short, else the words around ``text[at:at + width]``."""
    if len(text) <= EXCERPT:
        return text
    start = max(0, at - EXCERPT // 2)
    end = min(len(text), at + width + EXCERPT // 2)
    if start > 0:
        space = text.find(" ", start, at)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", at + width, end)
        end = space if space != -1 else end
    return ("… " if start > 0 else "") + text[start:end].strip() + (" …" if end < len(text) else "")
