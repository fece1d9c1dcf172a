"""What the bibliography loaders produce: plain frozen data, like :mod:`vaultkit.model`.

The loaders never raise on bad input; everything wrong with a file becomes a
:class:`BibIssue` with a position, so the linter can report it next to note findings.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property

from msgspec import Struct

from vaultkit.bib.ids import arxiv_id, normalize_doi, url_key
from vaultkit.model import Span

DUPLICATE_KEY = "VK208"
"""A citekey defined a second (third, ...) time; the first definition is kept."""
BROKEN_ENTRY = "VK210"
"""An entry or a whole file that could not be read."""


class BibEntry(Struct, frozen=True):
    key: str
    source: str
    """Vault-relative POSIX path of the file the entry came from."""
    span: Span
    """Where the key text is written in that file."""
    entry_type: str
    """``article``, ``inproceedings``… (CSL: its ``type``, e.g. ``article-journal``)."""
    title: str | None
    """Plain text: braces and simple LaTeX removed (``None`` on the fast path)."""
    authors: tuple[str, ...]
    """``Family, Given`` each (``Family, Given, Suffix`` / ``Family`` / a literal name)."""
    year: str | None
    # The fields below are read by the full load only (``None`` on the linter's fast path).
    doi: str | None = None
    """Normalized: lower case, no ``https://doi.org/`` or ``doi:`` prefix (``10.1000/x``)."""
    url: str | None = None
    """As written, LaTeX escapes (``\\_``, ``\\%``) undone."""
    eprint: str | None = None
    """The arXiv id without version (``2302.04761``, ``hep-th/9901001``), from ``eprint`` with
    an arXiv ``eprinttype``/``archiveprefix``, else from an arXiv DOI, URL or ``number``."""
    file: str | None = None
    """Zotero's attachment field as written (paths separated by ``;``)."""
    abstract: str | None = None
    venue: str | None = None
    """Where it appeared: ``journaltitle``/``journal``/``booktitle``/``publisher`` (BibTeX) or
    ``container-title``/``publisher`` (CSL), plain text."""

    def identity(self) -> tuple[object, ...]:
        """What two definitions of one key must share to be the same entry (VK208).

        Two exports of one Zotero library (``.bib`` and CSL ``.json``) spell types and
        markup differently, so only what both formats carry is compared, loosely: title
        and first author's family name by their letters and digits, year, DOI.
        """
        first = self.authors[0].split(",")[0] if self.authors else None
        return (_loose(self.title), _loose(first), self.year, self.doi)


def _loose(text: str | None) -> str | None:
    if text is None:
        return None
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


class BibIssue(Struct, frozen=True):
    source: str
    span: Span
    code: str
    message: str


class LazyEntries(Mapping[str, "BibEntry"]):
    """Entries by citekey whose keys are known now and whose fields are read on first
    use (:meth:`vaultkit.store.Store.bibliography`): a lint asks which keys exist, and
    decoding 10,000 stored entries for that was most of a one-note lint's own work."""

    __slots__ = ("_keys", "_load", "_entries")

    def __init__(self, keys: Iterable[str], load: Callable[[], dict[str, BibEntry]]) -> None:
        self._keys = dict.fromkeys(keys)  # in definition order, as the entries are
        self._load: Callable[[], dict[str, BibEntry]] | None = load
        self._entries: dict[str, BibEntry] | None = None

    def _loaded(self) -> dict[str, BibEntry]:
        if self._entries is None:
            assert self._load is not None
            self._entries, self._load = self._load(), None
        return self._entries

    def __getitem__(self, key: str) -> BibEntry:
        if key not in self._keys:
            raise KeyError(key)
        return self._loaded()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return repr(self._loaded())

    def __reduce__(self) -> tuple[object, ...]:
        return (dict, (self._loaded(),))  # a process handed it gets the entries themselves


class Bibliography(Struct, frozen=True, dict=True):
    entries: Mapping[str, BibEntry]
    """By citekey; the first definition wins (a dict, or stored :class:`LazyEntries`)."""
    issues: tuple[BibIssue, ...]
    files: tuple[str, ...]
    counts: tuple[int, ...] = ()
    """How many citekeys each file defines, parallel to :attr:`files` (the summary line)."""

    @cached_property
    def _keys(self) -> frozenset[str]:
        # Citation checks ask "is this key known?" for every citation in the vault.
        # Kept beside the fields (dict=True), not one of them: equality and the repr
        # are the entries'.
        return frozenset(self.entries)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def get(self, key: str) -> BibEntry | None:
        return self.entries.get(key)

    def keys(self) -> frozenset[str]:
        return self._keys

    def entry_for_url(self, url: str) -> BibEntry | None:
        """The entry a web address names: by DOI (``https://doi.org/…``), by arXiv id
        (``arxiv.org/abs/2302.04761v1``, ``/pdf/…``, the arXiv DOI), else by the entry's
        ``url`` compared without scheme, ``www.``, fragment or trailing slash.

        Only a full load carries these fields: ask the vault's ``full_bibliography``.
        """
        by_doi, by_arxiv, by_url = self._url_index()
        doi = normalize_doi(url)
        if doi is not None and doi in by_doi:
            return by_doi[doi]
        arxiv = arxiv_id(url)
        if arxiv is not None and arxiv in by_arxiv:
            return by_arxiv[arxiv]
        return by_url.get(url_key(url))

    def _url_index(self) -> tuple[dict[str, BibEntry], dict[str, BibEntry], dict[str, BibEntry]]:
        index: tuple[dict[str, BibEntry], dict[str, BibEntry], dict[str, BibEntry]] | None
        index = self.__dict__.get("_by_identifier")
        if index is None:
            by_doi: dict[str, BibEntry] = {}
            by_arxiv: dict[str, BibEntry] = {}
            by_url: dict[str, BibEntry] = {}
            for entry in self.entries.values():  # the first entry with an identifier wins
                if entry.doi:
                    by_doi.setdefault(entry.doi, entry)
                if entry.eprint:
                    by_arxiv.setdefault(entry.eprint, entry)
                if entry.url:
                    by_url.setdefault(url_key(entry.url), entry)
            index = (by_doi, by_arxiv, by_url)
            self.__dict__["_by_identifier"] = index
        return index


def merge_definitions(
    definitions: Iterable[BibEntry], detailed: dict[tuple[str, Span], BibEntry] | None = None
) -> tuple[dict[str, BibEntry], list[BibIssue]]:
    """One entry per key (the first definition) and a VK208 issue per key that needs one.

    Zotero users often export one library twice (``My Library.bib`` and ``My
    Library.json``) or keep two copies of a file: a key defined again *with the same
    content* in another file is the same entry and says nothing.  Reported, once per
    key, at the first definition that disagrees and naming both places:

    * definitions in different files that differ (title, first author, year or DOI):
      which one a citation means depends on load order;
    * two definitions in one file, identical or not: BibTeX, biber and Pandoc all warn
      about a repeated key, and Better BibTeX never writes one, so it is a hand edit.

    ``detailed`` holds, by (source, span), fully read definitions to compare when
    ``definitions`` came from the fast path (which reads keys only).
    """
    first: dict[str, BibEntry] = {}
    again: dict[str, list[BibEntry]] = {}
    for entry in definitions:
        if entry.key in first:
            again.setdefault(entry.key, []).append(entry)
        else:
            first[entry.key] = entry
    issues: list[BibIssue] = []
    for key, later in again.items():
        message = _clash(first[key], later, detailed or {})
        if message is not None:
            entry, text = message
            issues.append(BibIssue(entry.source, entry.span, DUPLICATE_KEY, text))
    return first, issues


_COMPARED = ("title", "first author", "year", "DOI")


def _clash(
    kept: BibEntry, later: list[BibEntry], detailed: dict[tuple[str, Span], BibEntry]
) -> tuple[BibEntry, str] | None:
    """Where and how the definitions of one key disagree, or ``None`` when they are one."""
    key = kept.key
    lines: dict[str, list[BibEntry]] = {}
    for entry in (kept, *later):
        lines.setdefault(entry.source, []).append(entry)
    for source, defined in lines.items():
        if len(defined) > 1:
            numbers = [str(e.span.line) for e in defined]
            times = "twice" if len(defined) == 2 else f"{len(defined)} times"
            listed = ", ".join(numbers[:-1]) + " and " + numbers[-1]
            used = "the first" if source == kept.source else f"{kept.source}:{kept.span.line}"
            return defined[1], (f"citekey '{key}' is defined {times} in {source} (lines "
                                f"{listed}); {used} is used")
    ours = detailed.get((kept.source, kept.span), kept)
    for entry in later:
        theirs = detailed.get((entry.source, entry.span), entry)
        differ = [name for name, a, b in zip(_COMPARED, ours.identity(), theirs.identity())
                  if a != b]
        if differ:
            return entry, (f"citekey '{key}' is defined differently in "
                           f"{kept.source}:{kept.span.line} and {entry.source}:{entry.span.line} "
                           f"({', '.join(differ)} {'differs' if len(differ) == 1 else 'differ'}); the first is used")
    return None
