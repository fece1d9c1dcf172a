"""What ``vaultkit index`` writes: the generated region of every index note.

:func:`build` takes the vault's reading (:mod:`collect`), adds what the bibliography knows
(source links, abstract) and renders each region through its layout (:mod:`templates`).
Planning and writing the files is :mod:`vaultkit.index`'s business.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Callable, Iterable, Iterator
from urllib.parse import quote

from vaultkit.index import render
from vaultkit.index.collect import Harvest, PaperFacts, Reading, SessionSpec
from vaultkit.index.company import Company, company
from vaultkit.index.templates import load_layouts
from vaultkit.markers import find_region
from vaultkit.model import Note
from vaultkit.files import sanitize_key
from vaultkit.fsutil import NameClash, UnsafeWrite, check_inside, name_clashes, read_existing
from vaultkit.yamlfile import UsageError

if TYPE_CHECKING:
    from vaultkit.bib.model import BibEntry
    from vaultkit.schema import Schema
    from vaultkit.index.source import IndexedVault


@dataclass(frozen=True)
class Page:
    path: str
    region: str
    """The region's name: ``index``, ``overview`` or ``questions``."""
    body: str | Callable[[bytes | None], str]
    """The region, markers included; or a function of the note's current bytes, for a
    region that keeps what the user did in it (the ticks of Questions.md): it is then
    computed from exactly the bytes the compare-and-swap write checks."""
    create: Callable[[str], str]
    """The whole note to write when it does not exist yet, from the region."""


@dataclass
class Built:
    pages: Iterable[Page] = ()
    """In order; from :func:`build`, made one at a time as they are taken."""
    indexed: set[str] = field(default_factory=set)
    """The citekeys that have an index note."""
    clashes: list[NameClash] = field(default_factory=list)
    """Keys that would share a file name: the losers have no index note."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(session path, error): sessions the collector failed on (``Reading.failed``)."""


def session_schema(vault: "IndexedVault", note: Note) -> "Schema | None":
    """The first applicable schema with a Log grammar: the note is a session."""
    return next((s for s in vault.schemas_for(note) if s.session_spec is not None), None)


def verbs(vault: "IndexedVault") -> tuple[str, ...]:
    spec = next((s.session_spec for s in vault.schemas if s.session_spec is not None), None)
    return spec.verbs if spec is not None else SessionSpec().verbs


class Renderer:
    """What every region of the vault is rendered with (layouts, bibliography, links),
    and the rendering of each: a full run renders every page, an incremental one only
    the pages whose inputs changed (:mod:`vaultkit.index.ledger`)."""

    def __init__(self, vault: "IndexedVault", paper_path: Callable[[str], str]) -> None:
        self.vault, self.paper_path = vault, paper_path
        self.config = vault.config.index
        self.layouts = load_layouts(vault.root, _templates_folder(vault))
        self.bibliography = vault.full_bibliography
        self.linker = render.Linker(self.config.link_style, lambda name: vault.files.by_name_lower.get(name, []),
                                    vault.config.link_format)
        self.options = render.PaperOptions(verbs(vault), self.config.log, self.config.compact_above)
        self._metas: dict[str, render.PaperMeta] = {}
        self.asked: dict[str, list[Group]] = {}
        """The questions each page of :meth:`questions` shows, by page."""

    def indexed(self, keys: Iterable[str]) -> tuple[set[str], list[NameClash]]:
        """The papers that get an index note, and the keys that would share one file."""
        vault = self.vault
        indexed = {k for k in keys if k in self.bibliography or sanitize_key(k) in vault.paper_notes}
        # keys sharing one file name (sanitised, or on a case-insensitive file system): one
        # gets the note, or every run would overwrite the other's (VK303 says so)
        clashes = name_clashes(indexed, sanitize_key)
        indexed -= {k for clash in clashes for k in clash.losers}
        return indexed, clashes

    def meta(self, key: str) -> render.PaperMeta:
        if key not in self._metas:
            self._metas[key] = meta(self.vault, key)
        return self._metas[key]

    def company(self, log_keys: Iterable[tuple[str, ...]], indexed: set[str],
                papers: dict[str, PaperFacts], only: "set[str] | None" = None) -> None:
        """Fill in each paper's co-readers (only of papers that have an index note: a
        dangling key is the linter's to report); ``only``: just these papers'."""
        seat(self.companions(log_keys, indexed), papers, only)

    def companions(self, log_keys: Iterable[tuple[str, ...]], indexed: set[str]) -> dict[str, Company]:
        """Every indexed paper's co-readers, from what each session's Log read."""
        return company(log_keys, indexed.__contains__, self.config.max_read_with)

    def paper(self, key: str, facts: PaperFacts) -> Page:
        path = self.paper_path(key)
        paper = self.meta(key)
        body = render.paper_region(paper, facts, self.options, path, self.linker, self.paper_path,
                                   self.layouts["paper"])
        return Page(path, "index", body, partial(render.new_note, paper))

    def overview(self, keys: list[str], reading: Reading) -> Page:
        rows = [(self.meta(k), reading.papers[k]) for k in keys]
        body = render.overview_region(rows, reading, self.options.verbs, self.config.overview, self.paper_path,
                                      self.linker, self.layouts["overview"])
        return Page(self.config.overview, "overview", body, render.new_overview("Papers"))

    def wants_questions(self, keys: list[str], reading: Reading) -> bool:
        return bool(self.config.questions and (keys or reading.loose))

    def questions(self, keys: list[str], reading: Reading,
                  known: "dict[str, dict[str, str]] | None" = None) -> list[Page]:
        """Questions.md: one note, or -- when the questions would make it large -- a list
        of pages, ``Questions/<year>.md``, each holding the papers whose latest question
        is of that year (``<year>-2.md`` and on when one year is too large itself)."""
        path = self.config.questions
        assert path is not None
        groups: list[Group] = []
        for key in keys:
            items = [h for h in reading.papers[key].harvest if h.kind in render.QUESTION_KINDS]
            if items:
                groups.append((self.meta(key), items))
        loose: dict[str, list[Harvest]] = {}
        for item in reading.loose:
            if item.kind in render.QUESTION_KINDS:
                loose.setdefault(item.about or "Not about one paper", []).append(item)
        groups += sorted(loose.items())
        ticks = _Ticks(self.vault, path, known if known is not None else {})
        spread = paginate(groups)
        self.asked = {}
        if spread is None:
            pages = [self._questions_page(path, "Questions", groups, ticks)]
            wanted = {path}
        else:
            listed = [(label, questions_page(path, label), sum(len(items) for _, items in part))
                      for label, part in spread]
            body = render.questions_pages_region(listed, path, self.linker, self.layouts["questions"])
            pages = [Page(path, "questions", body, render.new_overview("Questions"))]
            pages += [self._questions_page(questions_page(path, label), f"Questions {label}", part, ticks)
                      for label, part in spread]
            wanted = {page.path for page in pages}
        # a page no longer needed says so (its questions are on another page now)
        for old in ticks.pages():
            if old not in wanted and ticks.generated(old):
                gone = render.questions_gone_region(path, old, self.linker)
                pages.append(Page(old, "questions", gone, render.new_overview("Questions")))
        return pages

    def ticks_of(self, path: str) -> dict[str, str]:
        """The ticks in a page of questions as it is now."""
        return _read_ticks(self.vault, path)[1]

    def _questions_page(self, path: str, title: str, groups: list["Group"], ticks: "_Ticks") -> Page:
        paper_path, linker, layout = self.paper_path, self.linker, self.layouts["questions"]
        self.asked[path] = groups

        def body(data: bytes | None) -> str:
            text = None if data is None else data.decode("utf-8", errors="replace")
            # a tick is kept wherever it was made: the question may have moved to another page
            ticked = {**ticks.elsewhere(path), **render.ticks(text, region_finder("questions"))}
            return render.questions_region(groups, ticked, path, paper_path, linker, layout)

        return Page(path, "questions", body, render.new_overview(title))


def seat(found: dict[str, Company], papers: dict[str, PaperFacts], only: "set[str] | None" = None) -> None:
    """Give ``papers`` (``only`` these of them) their co-readers (:meth:`Renderer.companions`)."""
    for key, paper in papers.items():
        got = found.get(key)
        if got is not None and (only is None or key in only):
            paper.read_with, paper.read_with_more = list(got.shown), got.more


Group = tuple["render.PaperMeta | str", list[Harvest]]
QUESTIONS_BUDGET = 400_000
"""About how many bytes of questions one note holds: more, and Questions.md lists pages
(every generated note stays well under a megabyte, which editors and git handle well)."""
_PAGE_NAME = re.compile(r"^(?:\d{4}|undated)(?:-\d+)?\.md$")


def questions_page(path: str, label: str) -> str:
    """The vault path of a page of questions: ``Questions.md`` -> ``Questions/<label>.md``."""
    folder = path[:-3] if path.lower().endswith(".md") else path
    return f"{folder}/{label}.md"


def _size(item: Harvest) -> int:
    """About the bytes of a question's line (its link names the session)."""
    return len(item.kind) + len(item.text.encode("utf-8")) + 2 * len(item.session.path) + 48


def paginate(groups: list[Group]) -> list[tuple[str, list[Group]]] | None:
    """The pages of questions, newest year first, or ``None`` when one note holds them.

    A function of the questions only -- never of the ticks -- so ticking one rewrites its
    page alone, and the pages are the same on every run."""
    sizes = [sum(_size(h) for h in items) + 100 for _, items in groups]
    if sum(sizes) <= QUESTIONS_BUDGET:
        return None
    years: dict[str, list[tuple[Group, int]]] = {}
    for group, size in zip(groups, sizes):
        latest = max((h.session.date for h in group[1]), default="")
        years.setdefault(latest[:4] if latest else "undated", []).append((group, size))
    out: list[tuple[str, list[Group]]] = []
    for year in sorted(years, key=lambda y: (y == "undated", [-ord(c) for c in y])):
        chunks: list[list[Group]] = [[]]
        used = 0
        for group, size in years[year]:
            if chunks[-1] and used + size > QUESTIONS_BUDGET:
                chunks.append([])
                used = 0
            chunks[-1].append(group)
            used += size
        out += [(year if n == 1 else f"{year}-{n}", part) for n, part in enumerate(chunks, 1)]
    return out


def _read_ticks(vault: "IndexedVault", path: str) -> tuple[bytes | None, dict[str, str]]:
    """A page of questions' bytes (``None``: none, or unreadable) and the ticks in them."""
    try:
        data = read_existing(check_inside(vault.root, Path(path)))
    except (UnsafeWrite, OSError):
        data = None
    text = None if data is None else data.decode("utf-8", errors="replace")
    return data, render.ticks(text, region_finder("questions"))


def is_questions_page(questions: str | None, path: str) -> bool:
    """Whether ``path`` is Questions.md (``questions``) or one of its pages."""
    if questions is None:
        return False
    if path == questions:
        return True
    folder = _pages_folder(questions)  # asked of every file of the vault: made once
    return path.startswith(folder) and bool(_PAGE_NAME.match(path[len(folder):]))


@lru_cache(maxsize=8)
def _pages_folder(questions: str) -> str:
    return questions_page(questions, "x")[: -len("x.md")]


def asks(groups: list[Group], keys: set[str]) -> bool:
    """Whether a page of ``groups`` shows a question whose line is one of ``keys``
    (:func:`render.tick_key`), whatever its link: the line without it is compared."""
    heads = {key.rsplit(" · ", 1)[0] for key in keys}
    return any(render.tick_key(f"**{h.kind}** {h.text} · {h.session.date or 'undated'}") in heads
               for _, items in groups for h in items)


class _Ticks:
    """The ticks of every page of questions there is (read once, when first asked for;
    ``known``: pages known to hold what was written, and the ticks written in them)."""

    def __init__(self, vault: "IndexedVault", path: str, known: dict[str, dict[str, str]]) -> None:
        self.vault, self.path, self.known = vault, path, known
        self._read: dict[str, tuple[bytes | None, dict[str, str]]] | None = None

    def pages(self) -> list[str]:
        """Questions.md and every page of it in the vault."""
        return [self.path] + [p for p in self.vault.files.paths if p != self.path and is_questions_page(self.path, p)]

    def _all(self) -> dict[str, tuple[bytes | None, dict[str, str]]]:
        if self._read is None:
            self._read = {}
            for path in self.pages():
                if path in self.known:
                    self._read[path] = (None, self.known[path])
                    continue
                self._read[path] = _read_ticks(self.vault, path)
        return self._read

    def elsewhere(self, path: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for other, (_, ticked) in self._all().items():
            if other != path:
                out.update(ticked)
        return out

    def generated(self, path: str) -> bool:
        if path in self.known:
            return True
        data = self._all().get(path, (None, {}))[0]
        return data is not None and render.BEGIN.format(name="questions").encode() in data


def region_finder(name: str) -> Callable[[list[str]], tuple[int, int] | None]:
    def find(lines: list[str]) -> tuple[int, int] | None:
        found = find_region(lines, name)
        return found if isinstance(found, tuple) else None
    return find


def _templates_folder(vault: "IndexedVault") -> str | None:
    folder = vault.config.index.templates
    if folder is None:
        return None
    where = vault.config.source or ".vaultkit.yaml"
    resolved = (vault.root / folder).resolve()
    if not resolved.is_relative_to(vault.root.resolve()):
        raise UsageError(f"{where}: index.templates: {folder!r} is outside the vault")
    if not resolved.is_dir():
        raise UsageError(f"{where}: index.templates: {folder!r} is not a folder of the vault")
    return folder


# -- what the bibliography says about a paper ---------------------------------------------


def meta(vault: "IndexedVault", key: str) -> render.PaperMeta:
    entry = vault.full_bibliography.get(key)
    if entry is None:
        return render.PaperMeta(key)
    url = entry.url
    return render.PaperMeta(
        key, entry.title, tuple(entry.authors), entry.year, in_bibliography=True,
        venue=entry.venue, doi=entry.doi, arxiv=entry.eprint,
        url=url if url and re.match(r"https?://", url, re.IGNORECASE) else None,
        files=source_files(vault, entry), abstract=entry.abstract,
    )


_JABREF = re.compile(r"(?P<desc>[^:]*):(?P<path>.+):(?P<type>[^:]*)")
"""JabRef/Mendeley's ``description:path:type``; Zotero writes bare paths."""
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def source_files(vault: "IndexedVault", entry: "BibEntry") -> tuple[render.SourceFile, ...]:
    """The entry's attachments: a vault link when the file is in the vault, else ``file://``."""
    written = entry.file
    if not written:
        return ()
    out: list[render.SourceFile] = []
    labels: dict[str, int] = {}
    for part in re.split(r"(?<!\\);", written):
        part = part.strip()
        m = None if _DRIVE.match(part) else _JABREF.fullmatch(part)
        path = (m.group("path") if m else part).replace("\\:", ":").replace("\\;", ";").strip()
        if not path:
            continue
        suffix = PurePosixPath(path.replace("\\", "/")).suffix.lower().lstrip(".")
        kind = (suffix or "file").upper() if suffix in ("pdf", "epub", "djvu", "") else suffix.upper()
        labels[kind] = labels.get(kind, 0) + 1
        label = kind if labels[kind] == 1 else f"{kind} {labels[kind]}"
        inside = _in_vault(vault, entry.source, path)
        if inside is not None:
            out.append(render.SourceFile(label, inside, True))
        elif _DRIVE.match(path):
            out.append(render.SourceFile(label, "file:///" + quote(PureWindowsPath(path).as_posix(), safe="/:"), False))
        elif path.startswith("/"):
            out.append(render.SourceFile(label, "file://" + quote(path), False))
        else:
            folder = vault.root / PurePosixPath(entry.source).parent
            out.append(render.SourceFile(label, "file://" + quote(os.path.normpath(folder / path)), False))
    return tuple(out)


def _in_vault(vault: "IndexedVault", bib_source: str, path: str) -> str | None:
    """The vault path of an attachment written absolute or relative to its .bib, if any."""
    if _DRIVE.match(path):
        return None
    candidate = Path(path) if path.startswith("/") else vault.root / PurePosixPath(bib_source).parent / path
    try:
        rel = Path(os.path.normpath(candidate)).relative_to(vault.root).as_posix()
    except ValueError:
        return None
    return rel if rel in vault.files.path_set else None
