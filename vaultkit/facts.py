"""Vault facts: what other notes need to know about a note, as small plain data.

A note's :class:`NoteFacts` (headings, block ids, links, citations, suppression
directives, the generated region…) change only when its bytes change, so they are
computed once per content, kept in the store, and updated one note at a time.
:class:`VaultFacts` holds them for the whole vault beside the file list and the
bibliography, and answers the questions vault-scoped rules, the index and an editor ask:
is this key known, where is it defined, what links here, where does this link lead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Literal

from msgspec import Struct
from msgspec.structs import force_setattr

from vaultkit.digest import key as digest_key
from vaultkit.bib import Bibliography, BibEntry
from vaultkit.config import Config
from vaultkit.files import (
    NOTE_SUFFIX, VaultFiles, find_joined, join_names, paper_note_pattern, paper_notes, sanitize_key,
    sanitize_names,
)
from vaultkit.fsutil import fold_name
from vaultkit.lazyre import lazy
from vaultkit.markers import RegionError, find_region
from vaultkit.model import Citation, CodeSpan, Heading, Link, Note, Span, Word
from vaultkit.packed import EMPTY_CITATIONS, EMPTY_LINKS, Packed, as_packed, distinct
from vaultkit.references import Resolution, Resolver, find_block_id, wholly_generated
from vaultkit.suggest import KeySuggester

_DIRECTIVE = lazy(
    r"^vaultkit-(?P<verb>disable-next-line|disable-line|disable|enable)\b(?P<codes>[^\n]*)$"
)
IGNORE_KEY = "vaultkit-ignore"
REGIONS = ("index", "overview", "questions")

Directive = tuple[int, str, tuple[str, ...]]
"""(line, "disable" | "enable" | "line", codes); no codes means every rule."""


class NoteFacts(Struct, frozen=True):
    """What the rest of the vault needs to know about one note (no text is kept).

    A frozen msgspec Struct (see :mod:`vaultkit.model`): copy it with
    ``msgspec.structs.replace``."""

    path: str
    hash: str
    """The content hash of the note's bytes (vaultkit.digest.content): the facts are a function of it."""
    readable: bool = True
    headings: tuple[Heading, ...] = ()
    block_ids: tuple[tuple[str, Span], ...] = ()
    """``^id`` block references (id without the caret, span of ``^id``)."""
    links: Packed[Link] = EMPTY_LINKS
    """Stored as a table (:mod:`vaultkit.packed`): a note may hold millions."""
    citations: Packed[Citation] = EMPTY_CITATIONS
    code_spans: tuple[CodeSpan, ...] = ()
    """Inline code that could be a citekey (one word): what VK209 reads."""
    key_words: tuple[Word, ...] = ()
    """Bare prose words shaped like a citekey: VK209 reads them too."""
    tags: tuple[str, ...] = ()
    schemas: tuple[str, ...] = ()
    """Names of the schemas that apply."""
    ignore: tuple[str, ...] = ()
    """The ``vaultkit-ignore`` property: rules off for the whole note."""
    directives: tuple[Directive, ...] = ()
    generated: tuple[int, int] | None = None
    """1-based first and last line of the generated region (markers included)."""
    region_errors: tuple[tuple[int, int, str], ...] = ()
    """Broken region markers: (line, end column, message), what VK302 reports."""
    generated_only: bool = False
    """vaultkit wrote every word of it (:func:`vaultkit.references.wholly_generated`): as
    a paper note it makes no citekey known."""
    lookalike: tuple[str, ...] = ()
    """Schemas the note almost is while none applies (:func:`vaultkit.schema.lookalikes`)."""
    link_sources: tuple[Link, ...] = ()
    """Links that are the source of a Log action (``[read([Title](https://…))]``): a paper
    named by its address, matched to the bibliography by VK211 and the index."""

    def __post_init__(self) -> None:
        # a note built by hand (or an old caller) may hand tuples: the facts hold tables
        force_setattr(self, "links", as_packed("link", self.links))
        force_setattr(self, "citations", as_packed("citation", self.citations))

    @classmethod
    def of(cls, note: Note, hash: str, schemas: tuple[str, ...] = (),
           link_sources: tuple[Link, ...] = (), lookalike: tuple[str, ...] = ()) -> NoteFacts:
        if not note.readable:
            return cls(note.path, hash, readable=False)
        generated: tuple[int, int] | None = None
        errors: list[tuple[int, int, str]] = []
        if any("vaultkit:" in line for line in note.lines):
            for name in REGIONS:
                found = find_region(note.lines, name)
                if isinstance(found, RegionError):
                    errors.append((found.line, len(note.lines[found.line - 1]) + 1, found.message))
                elif found is not None and generated is None:
                    generated = (found[0] + 1, found[1] + 1)
        ignore = note.meta.get(IGNORE_KEY, ())
        if isinstance(ignore, str):
            ignore = [ignore]
        tags = [t.name for t in note.tags]
        meta_tags = note.meta.get("tags")
        if isinstance(meta_tags, list):
            tags.extend(str(t) for t in meta_tags if isinstance(t, (str, int)))
        elif isinstance(meta_tags, str):
            tags.append(meta_tags)
        return cls(
            path=note.path, hash=hash, readable=True, headings=note.headings,
            block_ids=block_ids(note.lines), links=note.links, citations=note.citations,
            code_spans=tuple(c for c in note.code_spans if c.text.strip() and
                             not any(ch.isspace() for ch in c.text.strip())),
            key_words=note.key_words,
            tags=tuple(dict.fromkeys(tags)), schemas=schemas,
            ignore=tuple(str(c) for c in ignore) if isinstance(ignore, (list, tuple)) else (),
            directives=directives(note), generated=generated, region_errors=tuple(errors),
            generated_only=generated is not None and wholly_generated(note),
            link_sources=link_sources, lookalike=lookalike,
        )

    @property
    def anchors(self) -> str:
        """A digest of what links into this note can point at (headings, block ids)."""
        blob = "\0".join([*(h.text for h in self.headings), "\1", *(b for b, _ in self.block_ids)])
        return digest_key(blob, 16)

    @property
    def cites(self) -> str:
        """The distinct citekeys cited, one a line (sorted): what the store keeps beside
        the facts for vault-wide citation rules."""
        return "\n".join(sorted({c.key for c in distinct(self.citations)}))

    def generated_lines(self) -> range:
        return range(self.generated[0], self.generated[1] + 1) if self.generated else range(0)


def block_ids(lines: tuple[str, ...]) -> tuple[tuple[str, Span], ...]:
    out = []
    for number, line in enumerate(lines, start=1):
        found = find_block_id(line)
        if found is not None:
            name, start, end = found
            out.append((name, Span(number, start + 1, number, end + 1)))
    return tuple(out)


def directives(note: Note) -> tuple[Directive, ...]:
    """The ``%% vaultkit-disable… %%`` comments, in line order."""
    events: list[Directive] = []
    for comment in note.comments:
        m = _DIRECTIVE.match(comment.text)
        if not m:
            continue
        codes = tuple(c for c in re.split(r"[\s,]+", m.group("codes").strip()) if c)
        verb = m.group("verb")
        if verb == "disable-next-line":
            events.append((comment.span.end_line + 1, "line", codes))
        elif verb == "disable-line":
            events.append((comment.span.line, "line", codes))
        else:
            events.append((comment.span.line, verb, codes))
    events.sort(key=lambda e: e[0])
    return tuple(events)


class NoteSummary(Struct, frozen=True):
    """The two facts of a note that vault-wide questions read of *every* note, kept
    apart so they are answered without decoding every note's facts.  (The records here
    are Structs: a NamedTuple compiles its string annotations and ``__new__`` at import.)"""

    cites: frozenset[str]
    generated_only: bool
    lookalike: frozenset[str] = frozenset()
    """Schemas the note almost is though none applies (:func:`vaultkit.schema.lookalikes`)."""


class KeyDefinition(Struct, frozen=True):
    key: str
    kind: Literal["bib", "paper-note"]
    path: str
    span: Span


class FactsMap(Mapping[str, NoteFacts]):
    """Note facts by path: those computed in this run, else loaded on first use."""

    def __init__(self, paths: Callable[[], tuple[str, ...]],
                 load: Callable[[str], NoteFacts | None] | None = None) -> None:
        self._paths = paths
        self._load = load
        self._known: dict[str, NoteFacts] = {}
        self._absent: set[str] = set()

    def __getitem__(self, path: str) -> NoteFacts:
        found = self._known.get(path)
        if found is None and self._load is not None and path not in self._absent:
            found = self._load(path)
            if found is None:
                self._absent.add(path)
            else:
                self._known[path] = found
        if found is None:
            raise KeyError(path)
        return found

    def __iter__(self) -> Iterator[str]:
        return (p for p in self._paths() if p in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        try:
            self[path]
        except KeyError:
            return False
        return True

    def known(self, path: str) -> NoteFacts | None:
        """The facts already at hand (computed or loaded in this run), loading nothing."""
        return self._known.get(path)

    def set(self, facts: NoteFacts) -> None:
        self._known[facts.path] = facts
        self._absent.discard(facts.path)

    def drop(self, path: str) -> None:
        self._known.pop(path, None)
        self._absent.add(path)


class VaultFacts:
    """The facts of the whole vault: files, bibliography, paper notes, note facts."""

    def __init__(self, files: VaultFiles, config: Config, bibliography: Bibliography,
                 load: Callable[[str], NoteFacts | None] | None = None,
                 full_bibliography: Callable[[], Bibliography] | None = None,
                 summary: Callable[[str], NoteSummary | None] | None = None,
                 prefetch: Callable[[Iterable[str]], None] | None = None,
                 every_note: Callable[[], None] | None = None) -> None:
        self.config = config
        self.bibliography = bibliography
        self._full = full_bibliography
        self._stored_summary = summary
        self._prefetch = prefetch
        """Told which notes' summaries are about to be asked, to read them in one go."""
        self._every_note = every_note
        """Brings every note's facts up to date with its file before a question about
        every note (a checker made for a few paths reads only the rows it needs)."""
        self.notes = FactsMap(lambda: self.files.documents, load)
        self.set_files(files)

    def set_files(self, files: VaultFiles) -> None:
        """A new file list (a file was created, deleted or renamed)."""
        self.files = files
        self._keys: tuple[dict[str, str], frozenset[str]] | None = None
        self._key_known: dict[str, bool] = {}
        self._folds: tuple[list[str], str | None] | None = None
        self._unsafe_papers: bool | None = None
        self.resolver = Resolver(files, self.notes)
        self._suggester: KeySuggester | None = None

    @property
    def paper_notes(self) -> dict[str, str]:
        """Sanitized citekey -> path of its paper note."""
        return self._known()[0]

    @property
    def known_keys(self) -> frozenset[str]:
        """Bibliography keys and paper-note keys."""
        return self._known()[1]

    def _known(self) -> tuple[dict[str, str], frozenset[str]]:
        # Computed on first use: a wholly generated paper note is told apart by its facts,
        # which may have to be read first.
        if self._keys is None:
            # A paper note vaultkit wholly generated repeats the bibliography: it must not
            # keep a deleted or renamed key alive (#10 item 10).
            found = paper_notes(self.files, self.config)
            if self._prefetch is not None:
                self._prefetch(found.values())
            papers = {key: path for key, path in found.items() if not self._generated_only(path)}
            self._keys = (papers, frozenset(self.bibliography.keys()) | frozenset(papers))
        return self._keys

    def _generated_only(self, path: str) -> bool:
        found = self.summary(path)
        return found is not None and found.generated_only

    def summary(self, path: str) -> NoteSummary | None:
        """What a note cites and whether vaultkit wrote all of it: from facts at hand (this
        run's, or an editor's unsaved text), else the store's summary row, else the facts."""
        facts = self.notes.known(path)
        if facts is None and self._stored_summary is not None:
            found = self._stored_summary(path)
            if found is not None:
                return found
        if facts is None:
            facts = self.notes.get(path)
        if facts is None:
            return None
        return NoteSummary(frozenset(c.key for c in distinct(facts.citations)), facts.generated_only,
                           frozenset(facts.lookalike))

    def cited_keys(self) -> dict[str, frozenset[str]]:
        """Every note's distinct citekeys, by path (notes citing nothing left out): of the
        files as they are now (every note's facts are brought up to date first)."""
        if self._every_note is not None:
            self._every_note()
        out = {}
        for path in self.files.documents:
            found = self.summary(path)
            if found is not None and found.cites:
                out[path] = found.cites
        return out

    # -- citekeys ---------------------------------------------------------------------
    def knows_key(self, key: str) -> bool:
        if key in self.bibliography:
            return True
        if self._keys is not None:
            return sanitize_key(key) in self._keys[0]
        # one key alone: its paper note's path, and that note's summary only (a lint of
        # one note asks a few keys; every paper note's summary is read for known_keys)
        known = self._key_known.get(key)
        if known is None:
            path = self.paper_note_path(key)
            known = self._key_known[key] = path is not None and not self._generated_only(path)
        return known

    def paper_note_path(self, key: str) -> str | None:
        """The paper note ``key`` would have (``papers/@{key}.md``, sanitized), if it exists;
        a wholly generated one included."""
        before, _, after = self.config.paper_notes.partition("{key}")
        name = sanitize_key(key)
        path = before + name + after
        # (a sanitized key holds no "/": the template's one file, as paper_notes finds it)
        if name and self.files.has(path) and path.lower().endswith(NOTE_SUFFIX):
            return path
        return None

    def may_share_a_file_name(self, key: str) -> bool:
        """Whether another known key could share ``key``'s index-note file name (the
        same fold once sanitized, :func:`vaultkit.fsutil.name_clashes`), judged from the
        bibliography's keys and the paper notes' names alone: ``False`` means no citation
        anywhere can clash with a citation of ``key``.  Asked of the few keys a lint of
        a few notes cites: each is looked up, nothing of the vault is listed."""
        wanted = _fold(sanitize_key(key))
        keys = self._bib_keys_folding_to(wanted)
        papers = self._paper_keys_folding_to(wanted)
        # two keys of the bibliography or paper notes, or a key known through a paper note
        # of another name (`x:y2020` through `@x_y2020.md`) that another spelling may cite
        return len(keys | papers) > 1 or any(p != key for p in papers)

    def _bib_keys_folding_to(self, wanted: str) -> set[str]:
        if self._folds is None:
            # every key sanitized and folded at once: joined, the NULs between them are
            # left alone by all three steps (no unsafe character, a starter for NFC,
            # neither cased nor case-ignorable)
            keys = list(self.bibliography.keys())
            joined = join_names(keys)
            self._folds = (keys, None if joined is None else _fold(sanitize_names(joined)))
        keys, folded = self._folds
        if folded is None:  # a key holding a NUL: one at a time
            return {k for k in keys if _fold(sanitize_key(k)) == wanted}
        return {keys[i] for i in find_joined(folded, "\0" + wanted + "\0")}

    def _paper_keys_folding_to(self, wanted: str) -> set[str]:
        template = self.config.paper_notes
        pattern = paper_note_pattern(template)
        before, _, after = template.partition("{key}")
        if wanted.isascii() and (before + after).isascii() and not self._unsafe_paper_names():
            # a paper note's name, lower-cased, is the key's fold (the paths are NFC, and
            # no name under the template's folder needs sanitizing): one lookup
            found = (pattern.match(p) for p in self.files.cased((before + wanted + after).lower())
                     if self.files.is_note(p))
            names = {m.group("key") for m in found if m is not None}
        else:
            names = set(paper_notes(self.files, self.config))
        return {n for n in names if _fold(sanitize_key(n)) == wanted}

    def _unsafe_paper_names(self) -> bool:
        """Whether a file under the paper notes' folder has a character a citekey's file
        name would not (``papers/@x:y2020.md``, kept by a system that allows it)."""
        if self._unsafe_papers is None:
            before = self.config.paper_notes.partition("{key}")[0].lower()
            text = self.files.lowered
            # most vaults have no such character anywhere: a substring search each;
            # else the names under the folder (no backtracking: the run before holds none)
            self._unsafe_papers = any(c in text for c in '*"\\<>:|?') and re.search(
                "\0" + re.escape(before) + r'[^\0/*"\\<>:|?]*[*"\\<>:|?]', text) is not None
        return self._unsafe_papers

    def suggest_keys(self, key: str, n: int = 3) -> list[str]:
        """The known keys closest to ``key`` (did-you-mean)."""
        if self._suggester is None:
            self._suggester = KeySuggester(sorted(self.known_keys))
        return self._suggester.suggest(key, n)

    def definitions(self, key: str) -> tuple[KeyDefinition, ...]:
        out = []
        entry = self.bibliography.get(key)
        if entry is not None:
            out.append(KeyDefinition(key, "bib", entry.source, entry.span))
        paper = self.paper_notes.get(sanitize_key(key))
        if paper is not None:
            out.append(KeyDefinition(key, "paper-note", paper, Span(1, 1, 1, 1)))
        return tuple(out)

    def entry(self, key: str) -> BibEntry | None:
        """The full entry (title, authors, year) for hover and completion."""
        bib = self._full() if self._full is not None else self.bibliography
        return bib.get(key)

    def entry_for_url(self, url: str) -> BibEntry | None:
        """The entry a web address names (by DOI, arXiv id or URL; full load only)."""
        bib = self._full() if self._full is not None else self.bibliography
        return bib.entry_for_url(url)

    @property
    def keys_fingerprint(self) -> str:
        return _digest(sorted(self.known_keys))

    def links_fingerprint(self, anchors: Mapping[str, str]) -> str:
        """What link rules read: every file path and each note's anchors digest."""
        return _digest([*self.files.paths, "\0", *(f"{p}\1{anchors.get(p, '')}" for p in self.files.notes)])

    # -- notes --------------------------------------------------------------------------
    def note(self, path: str) -> NoteFacts | None:
        return self.notes.get(path)

    def resolve(self, link: Link, source: str) -> Resolution:
        return self.resolver.resolve(link, source)

    def schemas_of(self, path: str) -> tuple[str, ...]:
        facts = self.notes.get(path)
        return facts.schemas if facts is not None else ()

    def citing(self, key: str) -> list[tuple[str, Citation]]:
        """Every citation of ``key``: (note path, citation)."""
        return [(f.path, c) for f in self.notes.values() for c in f.citations if c.key == key]

    def linking_to(self, path: str) -> list[tuple[str, Link]]:
        """Backlinks: every link (and embed) that leads to ``path``."""
        out = []
        for facts in self.notes.values():
            for link in facts.links:
                if not link.is_url and self.resolver.resolve(link, facts.path).path == path:
                    out.append((facts.path, link))
        return out

    # -- updates ------------------------------------------------------------------------
    def set_note(self, facts: NoteFacts) -> None:
        """New facts for one note; a new path joins the file list."""
        if not self.files.has(facts.path):
            self.notes.set(facts)
            self.set_files(self.files.with_paths(add=(facts.path,)))
        self.notes.set(facts)
        if paper_note_pattern(self.config.paper_notes).match(facts.path):
            self.set_files(self.files)  # its text may now make its key known, or not
        self.resolver.forget()

    def remove(self, path: str) -> None:
        self.notes.drop(path)
        if self.files.has(path):
            self.set_files(self.files.with_paths(remove=(path,)))
        self.resolver.forget()

    def set_bibliography(self, bibliography: Bibliography) -> None:
        self.bibliography = bibliography
        self.set_files(self.files)


def _fold(name: str) -> str:
    """:func:`vaultkit.fsutil.fold_name`, without normalizing what is ASCII already."""
    return name.lower() if name.isascii() else fold_name(name)


def _digest(parts: list[str]) -> str:
    return digest_key("\n".join(parts), 16)

