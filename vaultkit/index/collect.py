"""Collect what the vault says about each paper: actions, mentions, harvest, company.

Input is the parsed vault; output is plain sorted data that :mod:`render` turns into
text.  Only session notes (those a schema with a Log grammar applies to) are read.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Callable

from vaultkit.model import ListItem, Note
from vaultkit.schema.log import action_citekey, log_entries
from vaultkit.schema.model import SessionSpec  # re-exported: its old home

if TYPE_CHECKING:
    from vaultkit.schema import Schema
    from vaultkit.vault import Vault


_LINE_MARKUP = re.compile(r"^[\s>]*(?:(?:[-*+]|\d{1,9}[.)])\s+)?(?:\[[ xX]\]\s+)?")
"""A line's quote and list markers and task box: not part of what it says."""


@dataclass(frozen=True)
class Session:
    path: str
    date: str
    """``YYYY-MM-DD`` or ``""`` when the note has no date."""


@dataclass(frozen=True)
class Action:
    session: Session
    verb: str
    line: int
    bullets: tuple[str, ...]
    """The nested bullets under the action, dedented, image links rewritten."""


@dataclass(frozen=True)
class Mention:
    session: Session
    line: int
    context: str


@dataclass(frozen=True)
class Harvest:
    session: Session
    kind: str
    text: str
    line: int


@dataclass
class PaperFacts:
    key: str
    actions: list[Action] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    harvest: list[Harvest] = field(default_factory=list)
    read_with: dict[str, int] = field(default_factory=dict)
    """Other paper key -> number of sessions shared."""

    @property
    def sessions(self) -> set[str]:
        return {a.session.path for a in self.actions} | {m.session.path for m in self.mentions}


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


def collect(vault: "Vault", index_path_of: Callable[[str], str],
            schema_of: Callable[[Note], "Schema | None"]) -> dict[str, PaperFacts]:
    """Facts per citekey over every session note of the vault.

    ``index_path_of(key)`` gives the index note's vault path (to rewrite image links);
    ``schema_of(note)`` gives the session schema of a note, or None when it is not a
    session.  What counts as an action is the schema's Log grammar (``log_entries``),
    the same one VK106 and VK110 apply.
    """
    papers: dict[str, PaperFacts] = {}

    def facts(key: str) -> PaperFacts:
        if key not in papers:
            papers[key] = PaperFacts(key)
        return papers[key]

    for path in sorted(vault.notes):
        note = vault.notes[path]
        schema = schema_of(note) if note.readable else None
        spec = schema.session_spec if schema is not None else None
        if schema is None or spec is None:
            continue
        session = Session(path, session_date(note, spec))
        owned: list[tuple[int, int, str]] = []  # (first line, last line, key) of actions
        cited_here: set[str] = set()
        for entry in log_entries(note, schema):
            key = action_citekey(note, entry)
            if key is None or entry.tag is None:
                continue
            item = entry.item
            bullets = _bullets(vault, note, item, index_path_of(key))
            facts(key).actions.append(Action(session, entry.tag.name, item.line, bullets))
            owned.append((item.line, item.end_line, key))
            cited_here.add(key)
            facts(key).harvest.extend(_harvest(note, item, spec, session))
        for cite in note.citations:
            line = cite.span.line
            if any(first <= line <= last and key == cite.key for first, last, key in owned):
                continue
            cited_here.add(cite.key)
            context = _LINE_MARKUP.sub("", note.lines[line - 1]).strip()
            facts(cite.key).mentions.append(Mention(session, line, context))
        for key in cited_here:
            for other in cited_here - {key}:
                company = facts(key).read_with
                company[other] = company.get(other, 0) + 1

    for paper in papers.values():
        paper.actions.sort(key=lambda a: (a.session.date, a.session.path, a.line))
        # one mention per line: a line citing the key twice is one mention
        unique = {(m.session.path, m.line): m for m in paper.mentions}
        paper.mentions = sorted(unique.values(), key=lambda m: (m.session.date, m.session.path, m.line))
        paper.harvest.sort(key=lambda h: (h.session.date, h.session.path, h.line))
    return papers


def _harvest(note: Note, item: ListItem, spec: SessionSpec, session: Session) -> list[Harvest]:
    out = []
    for tag in note.tags:
        if item.line <= tag.span.line <= item.end_line and tag.name in spec.harvest:
            text = tag.payload or ""
            if not text:  # "[question ->]" with the question in the nested bullets
                owner = next((i for i in note.list_items if i.line == tag.span.line), None)
                text = " ".join(c.text for c in note.children(owner)) if owner else ""
            if text:
                out.append(Harvest(session, tag.name, text, tag.span.line))
    return out


def _bullets(vault: "Vault", note: Note, item: ListItem, index_path: str) -> tuple[str, ...]:
    """The action's nested lines as written, dedented, with relative links rewritten."""
    first, last = item.line + 1, item.end_line
    if first > last:
        return ()
    rewrites: dict[int, list[tuple[int, int, str]]] = {}
    for link in note.links:
        if link.kind not in ("image", "markdown") or link.is_url or link.target_span is None:
            continue
        span = link.target_span
        if not first <= span.line <= last or span.line != span.end_line:
            continue
        res = vault.resolver.resolve(link, note.path)
        if res.path is None:
            continue
        new = posixpath.relpath(res.path, posixpath.dirname(index_path) or ".")
        new = new.replace(" ", "%20")
        if link.fragment:
            new += "#" + link.fragment.replace(" ", "%20")
        rewrites.setdefault(span.line, []).append((span.column - 1, span.end_column - 1, new))
    lines = []
    for number in range(first, last + 1):
        text = note.lines[number - 1]
        for start, end, new in sorted(rewrites.get(number, ()), reverse=True):
            text = text[:start] + new + text[end:]
        lines.append(text.rstrip())
    while lines and not lines[-1].strip():
        lines.pop()
    indents = [len(l) - len(l.lstrip()) for l in lines if l.strip()]
    cut = min(indents) if indents else 0
    return tuple(l[cut:] if l.strip() else "" for l in lines)
