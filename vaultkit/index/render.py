"""Turn collected facts into Markdown: deterministic, sorted, no timestamps.

A nightly run with nothing new must produce byte-identical text, so nothing here reads
the clock, the environment or dict order that is not sorted first.  Each function
renders one *block* of a region; the layout (which blocks, in which order, with what
text around them) is a template (:mod:`vaultkit.index.templates`).
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from datetime import date
from statistics import median
from typing import Callable, Iterable, Sequence
from urllib.parse import quote

from vaultkit.index.collect import Harvest, Mention, PaperFacts, Reading, Session, linkable
from vaultkit.index.templates import Layout
from vaultkit.markers import BEGIN, END, MARKER_LINE

GENERATED_KEY = "generated-by"
GENERATED_VALUE = "vaultkit"
MAX_CHART_PAPERS = 40
COMPACT_LINE = 200
"""In the compact reading log a bullet's first line is cut after this many characters."""
QUESTION_KINDS = ("question", "hypothesize", "eureka")
"""The harvested tags that are open until ticked in Questions.md."""
_TICK = re.compile(r"^\s*[-*+] \[(?P<box>[^\] ])\] (?P<rest>.*?)\s*$")


@dataclass(frozen=True)
class SourceFile:
    label: str
    target: str
    """A vault path (``inside``) or an absolute ``file://`` address."""
    inside: bool


@dataclass(frozen=True)
class PaperMeta:
    key: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    year: str | None = None
    in_bibliography: bool = False
    venue: str | None = None
    doi: str | None = None
    arxiv: str | None = None
    url: str | None = None
    files: tuple[SourceFile, ...] = ()
    abstract: str | None = None


class Linker:
    """Links in the vault's style that resolve from the note they are written in.

    ``style`` is wikilink or markdown (``useMarkdownLinks``); ``link_format`` is how
    Obsidian writes a new link's path (``newLinkFormat``): ``shortest`` (the bare name
    when no other file has it, else the path from the vault root), ``relative`` (from
    the note's folder) or ``absolute`` (from the vault root).
    """

    def __init__(self, style: str, same_name: Callable[[str], list[str]],
                 link_format: str = "shortest") -> None:
        self.style = style
        self.same_name = same_name
        """Vault paths of the files with a given (lower-cased) file name."""
        self.link_format = link_format

    def to(self, target: str, source: str, label: str | None = None, fragment: str | None = None) -> str:
        is_note = target.lower().endswith(".md")
        stem = target[:-3] if is_note else target
        name = posixpath.basename(stem)
        if self.style == "markdown":
            text = label or name + (f" › {fragment}" if fragment else "")
            anchor = "#" + quote(fragment, safe="^") if fragment else ""
            return f"[{_escape_brackets(text)}]({quote(self._path(target, source, posixpath.basename(target)))}{anchor})"
        ref = self._path(stem, source, name, lookup=(name + ".md") if is_note else name)
        ref += f"#{fragment}" if fragment else ""
        return f"[[{ref}|{label}]]" if label and label != ref else f"[[{ref}]]"

    def _path(self, path: str, source: str, name: str, lookup: str | None = None) -> str:
        """``path`` (a vault path) as ``link_format`` writes it in ``source``."""
        if self.link_format == "relative":
            return posixpath.relpath(path, posixpath.dirname(source) or ".")
        if self.link_format == "absolute":
            return path
        # Unique means no *other* file has the name: whether the target exists yet (a
        # note this run creates) must not change the link, or runs would not converge.
        target = path if lookup is None else path + lookup[len(name):]
        others = [p for p in self.same_name((lookup or name).lower()) if p != target]
        return path if others else name


def status(facts: PaperFacts, verbs: tuple[str, ...]) -> str:
    done = [a.verb for a in facts.actions if a.verb in verbs]
    if not done:
        return "mentioned"
    return max(done, key=verbs.index)


def verb_order(verbs: tuple[str, ...]) -> str:
    return " < ".join(verbs)


# -- a paper's index note ---------------------------------------------------------------


@dataclass(frozen=True)
class PaperOptions:
    verbs: tuple[str, ...]
    log: str = "auto"
    """``full`` (copy the bullets), ``compact`` (first lines) or ``auto``."""
    compact_above: int = 40
    """``auto`` is compact when the bullets would take more lines than this."""


def paper_region(meta: PaperMeta, facts: PaperFacts, options: PaperOptions, index_path: str,
                 link: Linker, paper_path: Callable[[str], str], layout: Layout) -> str:
    """The generated region of one paper's index note, markers included."""
    blocks = {
        "status": _status_line(facts, options.verbs),
        "sources": _sources(meta, index_path, link),
        "abstract": _abstract(meta),
        "reading_log": _reading_log(facts, options, index_path, link),
        "harvest": _harvest(facts.harvest, index_path, link),
        "mentions": _mentions(facts, index_path, link),
        "read_with": _read_with(facts, index_path, link, paper_path),
    }
    return _region("index", layout.fill(blocks))


def _status_line(facts: PaperFacts, verbs: tuple[str, ...]) -> str:
    state = status(facts, verbs)
    order = verb_order(verbs)
    if state == "mentioned":
        parts = [f"**Status:** mentioned (no {' / '.join(verbs) or 'Log'} action yet)"]
    else:
        parts = [f"**Status:** {state} (the deepest action; {order})"]
    dates = facts.dates
    if dates:
        parts.append(f"first seen {dates[0]}")
        parts.append(f"last activity {dates[-1]}")
    count = len(facts.sessions)
    parts.append(f"{count} session{'s' if count != 1 else ''}")
    return " · ".join(parts)


def _sources(meta: PaperMeta, index_path: str, link: Linker) -> str:
    links = []
    if meta.doi and not (meta.arxiv and meta.doi.lower().startswith("10.48550/arxiv.")):  # arXiv's own DOI
        links.append(f"[DOI {_escape_brackets(meta.doi)}](https://doi.org/{quote(meta.doi, safe='/:;._-')})")
    if meta.arxiv:
        links.append(f"[arXiv:{meta.arxiv}](https://arxiv.org/abs/{quote(meta.arxiv, safe='/.')})")
    if meta.url and not _same_place(meta.url, meta):
        links.append(f"[Web]({_destination(meta.url)})")
    for file in meta.files:
        if file.inside:
            links.append(link.to(file.target, index_path, file.label))
        else:
            links.append(f"[{_escape_brackets(file.label)}]({_destination(file.target)})")
    if meta.in_bibliography:
        links.append(f"[Zotero](zotero://select/items/@{quote(meta.key, safe='')})")
    if not links and not meta.venue:
        return ""
    head = f"**Source:** {_one_line(meta.venue)}" if meta.venue else "**Source:**"
    return head + (" · " if meta.venue and links else " ") + " · ".join(links)


def _destination(url: str) -> str:
    """A link destination Markdown reads whole: no spaces, parentheses or angle brackets."""
    return "".join(_ESCAPES.get(c, c) for c in url.strip())


_ESCAPES = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\n": "%0A"}


def _same_place(url: str, meta: PaperMeta) -> bool:
    """Whether ``url`` is the DOI or arXiv page already linked."""
    lowered = url.lower()
    return bool((meta.doi and meta.doi.lower() in lowered)
                or (meta.arxiv and "arxiv.org" in lowered and meta.arxiv.lower() in lowered))


def _abstract(meta: PaperMeta) -> str:
    if not meta.abstract or not meta.abstract.strip():
        return ""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", meta.abstract) if p.strip()]
    lines = ["> [!abstract]-"]
    for number, paragraph in enumerate(paragraphs):
        if number:
            lines.append(">")
        lines.append("> " + paragraph)
    return "\n".join(lines)


def _session_link(link: Linker, session: Session, index_path: str, anchor: str | None) -> str:
    return link.to(session.path, index_path, fragment=anchor)


def _reading_log(facts: PaperFacts, options: PaperOptions, index_path: str, link: Linker) -> str:
    if not facts.actions:
        return ""
    size = sum(len(a.bullets) for a in facts.actions)
    compact = options.log == "compact" or (options.log == "auto" and size > options.compact_above)
    out = ["## Reading log"]
    if compact:
        out += ["", "The first line of each note; the link opens the session at the action.", ""]
        for action in facts.actions:
            where = _session_link(link, action.session, index_path, action.anchor)
            out.append(f"- {action.session.date or 'undated'} · {action.verb} · {where}")
            for head in action.heads:
                out.append("  - " + _shorten(_LIST_MARKER.sub("", action.bullets[head].strip()), COMPACT_LINE))
        return "\n".join(out)
    for action in facts.actions:
        where = _session_link(link, action.session, index_path, action.anchor)
        out += ["", f"### {action.session.date or 'undated'} · {action.verb} · {where}"]
        if action.bullets:
            out += [""] + list(action.bullets)
    return "\n".join(out)


_LIST_MARKER = re.compile(r"^(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?")
"""A bullet's marker and task box: a copied box would be a checkbox that does nothing."""


def _harvest(items: Sequence[Harvest], index_path: str, link: Linker) -> str:
    if not items:
        return ""
    out = ["## Harvest", ""]
    for item in items:
        where = _session_link(link, item.session, index_path, _section_anchor(item))
        out.append(f"- **{item.kind}** ({item.session.date or 'undated'} · {where}): {_one_line(item.text)}")
    return "\n".join(out)


def _section_anchor(item: Harvest | Mention) -> str | None:
    return linkable(item.section) if item.section else None


def _mentions(facts: PaperFacts, index_path: str, link: Linker) -> str:
    if not facts.mentions:
        return ""
    out = ["## Mentions", ""]
    for mention in facts.mentions:
        where = _session_link(link, mention.session, index_path, _section_anchor(mention))
        out.append(f"- {mention.session.date or 'undated'} · {where}: {_one_line(mention.context)}")
    return "\n".join(out)


def _read_with(facts: PaperFacts, index_path: str, link: Linker, paper_path: Callable[[str], str]) -> str:
    if not facts.read_with:
        return ""
    out = ["## Read with", "", "Papers read in the same sessions' Logs, most shared first.", ""]
    for other, shared in facts.read_with:
        out.append(f"- {link.to(paper_path(other), index_path, '@' + other)}"
                   f" · {shared} session{'s' if shared != 1 else ''}")
    if facts.read_with_more:
        out.append(f"- … and {facts.read_with_more:,} more")
    return "\n".join(out)


def new_note(meta: PaperMeta, body_region: str) -> str:
    """A new index note: frontmatter from the bibliography, a title, the region."""
    # A title even without a bibliography entry: the paper schema requires one.
    lines = ["---", f"citekey: {_yaml_str(meta.key)}", f"title: {_yaml_str(meta.title or '@' + meta.key)}"]
    if meta.authors:
        lines.append("authors:")
        lines += [f"  - {_yaml_str(a)}" for a in meta.authors]
    if meta.year:
        lines.append(f"year: {_yaml_str(str(meta.year))}")
    lines += [f"{GENERATED_KEY}: {GENERATED_VALUE}", "---", "", f"# {meta.title or '@' + meta.key}", ""]
    return "\n".join(lines) + "\n" + body_region


# -- the vault overview -----------------------------------------------------------------


def last_activity(facts: PaperFacts) -> str:
    dates = facts.dates
    return dates[-1] if dates else ""


def by_last_activity(rows: Iterable[tuple[PaperMeta, PaperFacts]]) -> list[tuple[PaperMeta, PaperFacts]]:
    """Newest activity first; undated papers last; ties by citekey."""
    return sorted(rows, key=lambda r: (_neg(last_activity(r[1])), r[0].key))


def overview_region(rows: list[tuple[PaperMeta, PaperFacts]], reading: Reading, verbs: tuple[str, ...],
                    path: str, paper_path: Callable[[str], str], link: Linker, layout: Layout) -> str:
    """The region of the vault overview note: a table, a reading chart, statistics."""
    ordered = by_last_activity(rows)
    blocks = {
        "table": _table(ordered, verbs, path, paper_path, link),
        "chart": chart(ordered),
        "statistics": statistics(ordered, reading, verbs),
    }
    return _region("overview", layout.fill(blocks))


def _table(ordered: list[tuple[PaperMeta, PaperFacts]], verbs: tuple[str, ...], path: str,
           paper_path: Callable[[str], str], link: Linker) -> str:
    out = [f"Sorted by last activity, newest first: the latest session that read or mentioned the "
           f"paper. Status is the deepest action ({verb_order(verbs)}), or *mentioned*.", "",
           "| Paper | Title | Year | Status | Sessions | First seen | Last activity |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for meta, facts in ordered:
        dates = facts.dates
        cells = [link.to(paper_path(meta.key), path, "@" + meta.key), meta.title or "", meta.year or "",
                 status(facts, verbs), str(len(facts.sessions)), dates[0] if dates else "—",
                 dates[-1] if dates else "—"]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(out)


def chart(ordered: list[tuple[PaperMeta, PaperFacts]], limit: int = MAX_CHART_PAPERS) -> str:
    """A Mermaid gantt of the ``limit`` most recently active papers that have dated actions."""
    charted = [(m, f) for m, f in ordered if any(a.session.date for a in f.actions)][:limit]
    if not charted:
        return ""
    total = sum(1 for _, f in ordered if any(a.session.date for a in f.actions))
    title = (f"Reading over time: the {len(charted)} most recently active of {total} papers"
             if total > len(charted) else "Reading over time")
    out = ["```mermaid", "gantt", f"    title {title}", "    dateFormat YYYY-MM-DD", "    axisFormat %Y-%m-%d"]

    def first(row: tuple[PaperMeta, PaperFacts]) -> tuple[str, str]:
        return (min(a.session.date for a in row[1].actions if a.session.date), row[0].key)

    for meta, facts in sorted(charted, key=first):
        out.append(f"    section {_mermaid(meta.key)}")
        for verb, day in sorted({(a.verb, a.session.date) for a in facts.actions if a.session.date},
                                key=lambda vd: (vd[1], vd[0])):
            out.append(f"    {_mermaid(verb)} : {day}, 1d")
    out.append("```")
    return "\n".join(out)


def statistics(ordered: list[tuple[PaperMeta, PaperFacts]], reading: Reading, verbs: tuple[str, ...]) -> str:
    """Sessions and papers per month, papers by status, days from first skim to read."""
    months: dict[str, tuple[set[str], set[str], set[str]]] = {}  # sessions, papers read, new papers

    def month(day: str) -> tuple[set[str], set[str], set[str]]:
        return months.setdefault(day[:7], (set(), set(), set()))

    for session in reading.sessions:
        if session.date:
            month(session.date)[0].add(session.path)
    for meta, facts in ordered:
        for action in facts.actions:
            if action.session.date:
                month(action.session.date)[1].add(meta.key)
        if facts.dates:
            month(facts.dates[0])[2].add(meta.key)
    out = ["## Reading statistics"]
    if months:
        out += ["", "| Month | Sessions | Papers read | New papers |", "| --- | --- | --- | --- |"]
        for name in sorted(months, reverse=True):
            sessions, read, new = months[name]
            out.append(f"| {name} | {len(sessions)} | {len(read)} | {len(new)} |")
    counts: dict[str, int] = {}
    for _, facts in ordered:
        state = status(facts, verbs)
        counts[state] = counts.get(state, 0) + 1
    out += ["", "| Status | Papers |", "| --- | --- |"]
    for state in (*reversed(verbs), "mentioned"):
        out.append(f"| {state} | {counts.get(state, 0)} |")
    if len(verbs) >= 2:
        days = [d for _, f in ordered if (d := _days_to_read(f, verbs)) is not None]
        deeper = " / ".join(verbs[1:])
        if days:
            papers = f"{len(days)} paper{'s' if len(days) != 1 else ''}"
            out += ["", f"Median days from first {verbs[0]} to {deeper}: {_number(median(days))} ({papers})"]
        else:
            out += ["", f"Median days from first {verbs[0]} to {deeper}: no paper yet."]
    return "\n".join(out)


def _days_to_read(facts: PaperFacts, verbs: tuple[str, ...]) -> int | None:
    skims = [d for a in facts.actions if a.verb == verbs[0] and (d := _day(a.session.date))]
    if not skims:
        return None
    start = min(skims)
    reads = [d for a in facts.actions if a.verb in verbs[1:] and (d := _day(a.session.date)) and d >= start]
    return (min(reads) - start).days if reads else None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def new_overview(title: str) -> Callable[[str], str]:
    def create(body_region: str) -> str:
        return f"---\n{GENERATED_KEY}: {GENERATED_VALUE}\n---\n\n# {title}\n\n" + body_region
    return create


# -- Questions.md -----------------------------------------------------------------------


def ticks(text: str | None, region: Callable[[list[str]], tuple[int, int] | None]) -> dict[str, str]:
    """The items a user ticked in the existing questions region: line text -> box char."""
    if not text:
        return {}
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = region(lines)
    if found is None:
        return {}
    out = {}
    for line in lines[found[0] + 1 : found[1]]:
        m = _TICK.match(line)
        if m:
            out[tick_key(m.group("rest"))] = m.group("box")
    return out


_DESTINATION = re.compile(r"\]\((?P<to>[^)\s]*)\)")


def tick_key(text: str) -> str:
    """What identifies a question's line across runs and pages: its text with spaces
    collapsed and a Markdown link's destination cut to its file name (the relative path
    differs between Questions.md and a page of Questions/)."""
    text = " ".join(text.split())
    return _DESTINATION.sub(lambda m: "](" + posixpath.basename(m.group("to")) + ")", text) if "](" in text else text


def questions_region(groups: list[tuple[PaperMeta | str, list[Harvest]]], ticked: dict[str, str],
                     path: str, paper_path: Callable[[str], str], link: Linker, layout: Layout) -> str:
    """Open questions grouped by paper (newest first), ticked ones under Closed."""
    open_groups: list[tuple[str, list[tuple[str, str]]]] = []
    closed: dict[str, tuple[tuple[tuple[int, ...], str], str]] = {}
    for meta, items in groups:
        lines = []
        for item in sorted(items, key=lambda h: (_neg(h.session.date), h.session.path, h.line)):
            where = _session_link(link, item.session, path, _section_anchor(item))
            text = f"**{item.kind}** {_one_line(item.text)} · {item.session.date or 'undated'} · {where}"
            box = ticked.get(tick_key(text))
            if box is not None:
                closed.setdefault(text, ((_neg(item.session.date), text), box))
            else:
                lines.append((item.session.date, text))
        if lines:
            title = (link.to(paper_path(meta.key), path, "@" + meta.key) + (f" · {meta.title}" if meta.title else "")
                     if isinstance(meta, PaperMeta) else meta)
            open_groups.append((title, lines))
    open_groups.sort(key=lambda g: (_neg(max(d for d, _ in g[1])), g[0]))
    total = sum(len(lines) for _, lines in open_groups)
    intro = (f"{total} open {'question' if total == 1 else 'questions'} ({', '.join(QUESTION_KINDS)}) "
             "from the sessions, grouped by paper, newest first. Tick one when it is settled: "
             "it moves to Closed and stays ticked.")
    out_open = ["## Open"]
    for title, lines in open_groups:
        out_open += ["", f"### {_one_line(title)}", ""] + [f"- [ ] {text}" for _, text in lines]
    out_closed = []
    if closed:
        out_closed = ["## Closed", ""] + [f"- [{box}] {text}" for (_, text), box in sorted(closed.values())]
    blocks = {"intro": intro, "open": "\n".join(out_open), "closed": "\n".join(out_closed)}
    return _region("questions", layout.fill(blocks))


def questions_pages_region(pages: Sequence[tuple[str, str, int]], path: str, link: Linker, layout: Layout) -> str:
    """The region of Questions.md when the questions take several pages: one line per
    page (label, vault path, questions on it), newest first."""
    total = sum(count for _, _, count in pages)
    intro = (f"{total:,} questions ({', '.join(QUESTION_KINDS)}) from the sessions, too many for one note: "
             "one page per year of a paper's latest question, newest first. Tick a question on its page "
             "when it is settled: it moves to that page's Closed and stays ticked.")
    out = ["## Pages", ""]
    for label, target, count in pages:
        out.append(f"- {link.to(target, path, label)} · {count:,} question{'s' if count != 1 else ''}")
    return _region("questions", layout.fill({"intro": intro, "open": "\n".join(out), "closed": ""}))


def questions_gone_region(path: str, page: str, link: Linker) -> str:
    """The region of a page of questions no longer needed: where its questions are."""
    return _region("questions", f"No questions are on this page any more: they are in {link.to(path, page)}.")


# -- shared -----------------------------------------------------------------------------


def _region(name: str, body: str) -> str:
    lines = [_defuse(line) for line in body.split("\n")]
    return "\n".join([BEGIN.format(name=name), "", *lines, "", END.format(name=name)]) + "\n"


def _defuse(line: str) -> str:
    """A copied line that reads as a region marker would end the region early."""
    return "\\" + line if MARKER_LINE.match(line) else line


def _neg(day: str) -> tuple[int, ...]:
    """Sort key putting later dates first (dates are YYYY-MM-DD strings)."""
    return tuple(-ord(c) for c in day) if day else (1,)


def _shorten(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[: cut if cut > width // 2 else width].rstrip() + " …"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _one_line(text).replace("|", "\\|")


def _escape_brackets(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def _mermaid(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


def _yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


__all__ = ["GENERATED_KEY", "GENERATED_VALUE", "Linker", "PaperMeta", "PaperOptions", "SourceFile",
           "chart", "new_note", "new_overview", "overview_region", "paper_region", "questions_pages_region",
           "questions_gone_region", "questions_region", "tick_key",
           "statistics", "status", "ticks"]
