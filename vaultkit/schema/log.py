"""The Log grammar: which top-level Log bullets are actions (shared by VK106 and VK110).

An action is a top-level bullet of the Log section that *opens* with a tag whose name is
a verb and whose argument is exactly one source: a citekey (``@key``), a Markdown link
(``[Title](https://…)``) or, when the schema allows it, a wikilink.  The source is
recognised by the parser's own citation and link grammars (``note.citations``,
``note.links``), so an action's key is the same key VK201 and the index see.

A bullet that *tries* to be an action but is not one is ``malformed``: the verb is there
but the source is missing, not a source (``[skim(rombach2022)]``), not in parentheses
(``[skim @key]``), or the brackets do not balance (``[skim(@key]``).  Only the bullet's
opening is considered, and only when the word is one of the schema's verbs followed by
what an action would have next, so prose such as ``[read the appendix] first`` or
``[question -> …]`` is never mistaken for an action.
"""

from __future__ import annotations

from typing import Iterable, Iterator, Literal, TypeVar

from msgspec import Struct

from vaultkit.lazyre import lazy
from vaultkit.model import Link, ListItem, Note, Section, Span, Tag
from vaultkit.packed import starting_in
from vaultkit.schema.model import LogGrammar, Schema
from vaultkit.schema.sections import first_placed

_ATTEMPT = lazy(r"(?P<open>\[?)[ \t]*(?P<verb>[A-Za-z][A-Za-z0-9_-]*)(?P<rest>.*)\Z")
_BARE_KEY = lazy(r"[A-Za-z][\w:.#$%&\-+?<>~/]*\Z")
_SPACED_KEY = lazy(r"[ \t]+(?P<key>@[^\s\[\]()]+)[ \t]*\]")

_T = TypeVar("_T")
_KIND_TEXT = {"citekey": "a citekey (@key)", "link": "a Markdown link ([Title](https://…))",
              "wikilink": "a wikilink ([[note]])"}


class LogEntry(Struct, frozen=True):
    item: ListItem
    kind: Literal["action", "malformed", "other"]
    span: Span
    """The action tag, or the bullet's text when no tag parsed."""
    message: str = ""
    suggestion: str | None = None
    tag: Tag | None = None


def log_section(note: Note, schema: Schema) -> Section | None:
    """The note's Log section: by the schema's section spec (aliases count) or by title."""
    if schema.log is None:
        return None
    for order, placed in sorted(first_placed(note, schema).items()):
        if placed.spec.matches(schema.log.section) and placed.section is not None:
            return placed.section
    return note.section(schema.log.section)


class _OnLine:
    """A note's tags, citations and links by the line they start on.

    Each Log bullet looks at its own line: scanning every tag and citation of the note
    per bullet made a session of 20,000 actions quadratic (minutes).
    """

    def __init__(self, note: Note) -> None:
        self.tags = _by_line(note.tags)
        self.citations = note.citations  # tables: looked up by bisection
        self.links = note.links


def _by_line(elements: Iterable[_T]) -> dict[int, list[_T]]:
    out: dict[int, list[_T]] = {}
    for element in elements:
        out.setdefault(element.span.line, []).append(element)  # type: ignore[attr-defined]
    return out


_LAST: list[tuple[Note, Schema, tuple[LogEntry, ...]]] = []
"""The last note's entries: VK106, VK110 and the engine's action links each ask for them,
one after the other (a session of 20,000 actions classified three times)."""


def log_entries(note: Note, schema: Schema) -> tuple[LogEntry, ...]:
    """Every top-level bullet of the Log, classified (linear in the note)."""
    last = next(iter(_LAST), None)  # one read: another thread (the language server) may swap it
    if last is not None and last[0] is note and last[1] is schema:  # both frozen: same answer
        return last[2]
    section = log_section(note, schema)
    if section is None or schema.log is None:
        return ()
    on_line = _OnLine(note)
    entries = tuple(
        _classify(on_line, item, schema.log)
        for item in note.items_in(section) if item.parent is None
    )
    _LAST[:] = [(note, schema, entries)]  # one assignment: readers see the old or the new
    return entries


def _classify(on_line: _OnLine, item: ListItem, grammar: LogGrammar) -> LogEntry:
    lead = next((t for t in on_line.tags.get(item.text_span.line, ())
                 if t.span.column == item.text_span.column), None)
    if lead is not None:
        if lead.name not in grammar.verbs:
            return LogEntry(item, "other", lead.span, tag=lead)
        problem = _source_problem(on_line, lead, grammar)
        if problem is None:
            return LogEntry(item, "action", lead.span, tag=lead)
        message, suggestion = problem
        return LogEntry(item, "malformed", lead.span, message, suggestion, lead)
    return _attempt(item, grammar)


def _source_problem(on_line: _OnLine, tag: Tag, grammar: LogGrammar) -> tuple[str, str | None] | None:
    """Why the action tag's argument is not a source, or ``None`` when it is one."""
    verb = tag.name
    wanted = " or ".join(_KIND_TEXT[k] for k in grammar.sources)
    if tag.argument is None or tag.argument_span is None:
        return f"action '[{verb}]' has no source: write [{verb}(@citekey)]", None
    source = tag.argument.strip()
    if not source:
        return f"action '{tag.raw}' has an empty source: put {wanted} in the parentheses", None
    if _is_source(on_line, tag.argument_span, source, grammar):
        return None
    if "citekey" in grammar.sources and _BARE_KEY.match(source):
        fixed = f"[{verb}(@{source})]"
        return f"action source '{source}' is not a citekey: write @{source}", fixed
    if source.count("@") > 1 or ";" in source:
        return f"action '{tag.raw}' names more than one source: write one action per paper", None
    return f"action source '{source}' is not {wanted}", None


def _is_source(on_line: _OnLine, where: Span, source: str, grammar: LogGrammar) -> bool:
    def inside(span: Span) -> bool:
        return (where.line, where.column) <= (span.line, span.column) and (
            (span.end_line, span.end_column) <= (where.end_line, where.end_column))

    if "citekey" in grammar.sources and any(
        c.raw == source and inside(c.span) for c in starting_in(on_line.citations, where)
    ):
        return True
    kinds = {"link": "markdown", "wikilink": "wikilink"}
    allowed = {kinds[k] for k in grammar.sources if k in kinds}
    return any(link.kind in allowed and link.raw == source and inside(link.span)
               for link in starting_in(on_line.links, where))


def _attempt(item: ListItem, grammar: LogGrammar) -> LogEntry:
    """A bullet whose opening looks like an action the tag grammar could not read."""
    m = _ATTEMPT.match(item.text)
    if m is None:
        return LogEntry(item, "other", item.text_span)
    word, rest, bracket = m.group("verb"), m.group("rest"), bool(m.group("open"))
    verb = word.lower()
    if verb not in grammar.verbs:
        return LogEntry(item, "other", item.text_span)
    follows = rest[:1]
    if bracket and word != verb and (follows in "(]" or rest.lstrip()[:1] in ("@", "[")):
        message = f"action verb '{word}' must be written in lowercase: '{verb}'"
    elif not bracket and follows == "(" and rest[1:].lstrip()[:1] in ("@", "["):
        message = f"action '{verb}(…)' is missing its opening '[': write [{verb}(…)]"
    elif bracket and follows == "(":
        message = f"action '[{verb}(…' does not parse: its brackets or parentheses are unbalanced"
    elif bracket and rest.lstrip()[:1] in ("@", "["):
        spaced = _SPACED_KEY.match(rest)
        fixed = f"[{verb}({spaced.group('key')})]" if spaced else None
        message = f"action source must be in parentheses: write [{verb}(source)]"
        return LogEntry(item, "malformed", item.text_span, message, fixed)
    elif bracket and rest.strip() == "]":
        message = f"action '[{verb}]' has no source: write [{verb}(@citekey)]"
    else:
        return LogEntry(item, "other", item.text_span)
    return LogEntry(item, "malformed", item.text_span, message)


def action_citekey(note: Note, entry: LogEntry) -> str | None:
    """The citekey an action credits, or ``None`` (a link source, or not an action).

    Taken from the parser's own citation inside the tag's argument, so the index, VK201
    and the schema rules agree on the key.
    """
    if entry.kind != "action" or entry.tag is None or entry.tag.argument_span is None:
        return None
    where = entry.tag.argument_span
    for cite in starting_in(note.citations, where):
        if (where.line, where.column) <= (cite.span.line, cite.span.column) and (
                (cite.span.end_line, cite.span.end_column) <= (where.end_line, where.end_column)):
            return cite.key
    return None


def action_links(note: Note, schema: Schema) -> tuple[Link, ...]:
    """The Markdown links that are the source of a Log action (``[read([T](https://…))]``).

    Such an action names its paper by address; the index and VK211 match the address to
    a bibliography entry (DOI, arXiv id, URL).  Links are looked up by line, so the cost
    is linear in the note.
    """
    if schema.log is None or "link" not in schema.log.sources:
        return ()
    out = []
    for entry in log_entries(note, schema):
        tag = entry.tag
        if entry.kind != "action" or tag is None or tag.argument_span is None:
            continue
        where = tag.argument_span
        source = (tag.argument or "").strip()
        found = next((l for l in starting_in(note.links, where)
                      if l.kind == "markdown" and l.raw == source and _within(l.span, where)), None)
        if found is not None:
            out.append(found)
    return tuple(out)


def _within(span: Span, where: Span) -> bool:
    return (where.line, where.column) <= (span.line, span.column) and (
        (span.end_line, span.end_column) <= (where.end_line, where.end_column))
