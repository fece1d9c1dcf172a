"""Turn collected facts into Markdown: deterministic, sorted, no timestamps.

A nightly run with nothing new must produce byte-identical text, so nothing here reads
the clock, the environment or dict order that is not sorted first.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Callable
from urllib.parse import quote

from vaultkit.index.collect import PaperFacts
from vaultkit.markers import BEGIN, END

GENERATED_KEY = "generated-by"
GENERATED_VALUE = "vaultkit"
MAX_CHART_PAPERS = 40


@dataclass(frozen=True)
class PaperMeta:
    key: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    year: str | None = None


class Linker:
    """Links in the vault's style that resolve from the note they are written in."""

    def __init__(self, style: str, same_name: Callable[[str], list[str]]) -> None:
        self.style = style
        self.same_name = same_name
        """Vault paths of the files with a given (lower-cased) file name."""

    def to(self, target: str, source: str, label: str | None = None) -> str:
        stem = target[:-3] if target.lower().endswith(".md") else target
        if self.style == "markdown":
            rel = posixpath.relpath(target, posixpath.dirname(source) or ".")
            text = label or PurePosixPath(stem).name
            return f"[{_escape_brackets(text)}]({quote(rel)})"
        name = PurePosixPath(stem).name
        # Unique means no *other* file has the name: whether the target exists yet (a
        # note this run creates) must not change the link, or runs would not converge.
        others = [p for p in self.same_name((name + ".md").lower()) if p != target]
        ref = stem if others else name
        return f"[[{ref}|{label}]]" if label and label != ref else f"[[{ref}]]"


def status(facts: PaperFacts, verbs: tuple[str, ...]) -> str:
    done = [a.verb for a in facts.actions if a.verb in verbs]
    if not done:
        return "mentioned"
    return max(done, key=verbs.index)


def region(facts: PaperFacts, verbs: tuple[str, ...], index_path: str, link: Linker,
           paper_path: Callable[[str], str]) -> str:
    """The generated region of one paper's index note, markers included."""
    out = [BEGIN.format(name="index")]
    dates = sorted({a.session.date for a in facts.actions} | {m.session.date for m in facts.mentions} - {""})
    last = facts.actions[-1] if facts.actions else None
    parts = [f"**Status:** {status(facts, verbs)}"]
    if dates:
        parts.append(f"first seen {dates[0]}")
    if last is not None:
        parts.append(f"last action {last.verb} on {last.session.date or 'an undated session'}")
    count = len(facts.sessions)
    parts.append(f"{count} session{'s' if count != 1 else ''}")
    out += ["", " · ".join(parts)]

    if facts.actions:
        out += ["", "## Reading log"]
        for action in facts.actions:
            where = link.to(action.session.path, index_path)
            out += ["", f"### {action.session.date or 'undated'} · {action.verb} · {where}"]
            if action.bullets:
                out += [""] + list(action.bullets)
    if facts.mentions:
        out += ["", "## Mentions", ""]
        for mention in facts.mentions:
            where = link.to(mention.session.path, index_path)
            out.append(f"- {mention.session.date or 'undated'} · {where}: {_one_line(mention.context)}")
    if facts.harvest:
        out += ["", "## Harvest", ""]
        for item in facts.harvest:
            where = link.to(item.session.path, index_path)
            out.append(f"- **{item.kind}** ({item.session.date or 'undated'} · {where}): "
                       f"{_one_line(item.text)}")
    if facts.read_with:
        out += ["", "## Read with", ""]
        for other, shared in sorted(facts.read_with.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f"- {link.to(paper_path(other), index_path, '@' + other)}"
                       f" · {shared} session{'s' if shared != 1 else ''}")
    out += ["", END.format(name="index")]
    return "\n".join(out) + "\n"


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


def overview(rows: list[tuple[PaperMeta, PaperFacts]], verbs: tuple[str, ...],
             path: str, paper_path: Callable[[str], str], link: Linker) -> str:
    """The region of the vault overview note: a table and a reading chart."""
    def last_date(facts: PaperFacts) -> str:
        dates = [a.session.date for a in facts.actions] + [m.session.date for m in facts.mentions]
        return max((d for d in dates if d), default="")

    ordered = sorted(rows, key=lambda r: (_neg(last_date(r[1])), r[0].key))
    out = [BEGIN.format(name="overview"), "",
           "| Paper | Title | Year | Sessions | Last action | Status |",
           "| --- | --- | --- | --- | --- | --- |"]
    for meta, facts in ordered:
        last = facts.actions[-1] if facts.actions else None
        last_text = f"{last.session.date} {last.verb}" if last else "—"
        cells = [link.to(paper_path(meta.key), path, "@" + meta.key), meta.title or "",
                 meta.year or "", str(len(facts.sessions)), last_text, status(facts, verbs)]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    charted = [(m, f) for m, f in ordered if any(a.session.date for a in f.actions)][:MAX_CHART_PAPERS]
    if charted:
        out += ["", "```mermaid", "gantt", "    title Reading over time",
                "    dateFormat YYYY-MM-DD", "    axisFormat %Y-%m-%d"]
        for meta, facts in sorted(charted, key=lambda r: r[0].key):
            out.append(f"    section {_mermaid(meta.key)}")
            for action in facts.actions:
                if action.session.date:
                    out.append(f"    {action.verb} : {action.session.date}, 1d")
        out.append("```")
    out += ["", END.format(name="overview")]
    return "\n".join(out) + "\n"


def new_overview(body_region: str) -> str:
    return (f"---\n{GENERATED_KEY}: {GENERATED_VALUE}\n---\n\n# Papers\n\n" + body_region)


def _neg(date: str) -> tuple[int, ...]:
    """Sort key putting later dates first (dates are YYYY-MM-DD strings)."""
    return tuple(-ord(c) for c in date) if date else (1,)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _one_line(text).replace("|", "\\|")


def _escape_brackets(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def _mermaid(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


def _yaml_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)
