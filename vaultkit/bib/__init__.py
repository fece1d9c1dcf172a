"""Bibliography loaders: the citekeys of a vault's Zotero (Better BibTeX) exports.

``load_bibliography`` reads BibTeX/BibLaTeX ``.bib``, CSL JSON and CSL YAML files and
merges them; ``full=False`` is the linter's fast path (keys and spans only).  Broken input
never raises: it becomes a :class:`BibIssue` (VK210).  A citekey defined again is one
entry when both definitions agree (the same library exported twice) and VK208 when they
disagree, once per key, naming both places; the first definition is the one kept.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from vaultkit.bib.common import read_source
from vaultkit.bib.model import (
    BROKEN_ENTRY,
    DUPLICATE_KEY,
    BibEntry,
    BibIssue,
    Bibliography,
    merge_definitions,
)
from vaultkit.model import Span
from vaultkit.positions import SourceText


class _Loader(Protocol):
    """A format's loader: every entry in file order (duplicates included) and issues."""

    def __call__(
        self, text: SourceText, source: str, *, full: bool = True,
        detail: frozenset[str] = frozenset(),
    ) -> tuple[list[BibEntry], list[BibIssue]]: ...


_LOADERS: dict[str, tuple[str, str]] = {
    ".bib": ("vaultkit.bib.bibtex", "load_bibtex"),
    ".bibtex": ("vaultkit.bib.bibtex", "load_bibtex"),
    ".json": ("vaultkit.bib.csl", "load_csl_json"),
    ".yaml": ("vaultkit.bib.csl", "load_csl_yaml"),
    ".yml": ("vaultkit.bib.csl", "load_csl_yaml"),
}
"""Each format's loader by module and name, imported when a file of it is first read: a
run served by the stored bibliography never imports bibtexparser (nor pylatexenc)."""
SUFFIXES = frozenset(_LOADERS)
"""The file suffixes :func:`load_file` understands (lower case)."""


def _read(
    path: Path, source: str, *, full: bool, detail: frozenset[str] = frozenset()
) -> tuple[list[BibEntry], list[BibIssue]]:
    """Every definition in one file, in file order, and the file's reading issues."""
    where = _LOADERS.get(path.suffix.lower())
    loader: _Loader | None = (getattr(importlib.import_module(where[0]), where[1])
                              if where is not None else None)
    if loader is None:
        message = f"{source} is not a bibliography (expected {', '.join(sorted(SUFFIXES))})"
        return [], [BibIssue(source, Span(1, 1, 1, 1), BROKEN_ENTRY, message)]
    text, issues = read_source(path, source)
    if text is None:
        return [], issues
    entries, found = loader(text, source, full=full, detail=detail)
    return entries, issues + found


def _merge(
    files: list[tuple[Path, str]], *, full: bool
) -> tuple[dict[str, BibEntry], list[BibIssue], tuple[int, ...]]:
    """The first definition of each key, every issue, and how many keys each file holds."""
    read = [(path, source, *_read(path, source, full=full)) for path, source in files]
    definitions = [entry for _, _, entries, _ in read for entry in entries]
    detailed: dict[tuple[str, Span], BibEntry] = {}
    if not full:
        # The fast path reads keys only; to tell a second export of the same entry from
        # a conflicting one, read just the repeated keys' fields (rare, so cheap).
        counts = Counter(entry.key for entry in definitions)
        repeated = frozenset(key for key, n in counts.items() if n > 1)
        for path, source, entries, _ in read:
            if repeated and any(entry.key in repeated for entry in entries):
                again, _ = _read(path, source, full=False, detail=repeated)
                detailed.update(((e.source, e.span), e) for e in again if e.key in repeated)
    entries, duplicates = merge_definitions(definitions, detailed)
    issues: list[BibIssue] = []
    for _, source, _, file_issues in read:
        issues.extend(file_issues)
        issues.extend(d for d in duplicates if d.source == source)
    by_source = {source: n for n, (_, source) in enumerate(files)}
    issues.sort(key=lambda issue: (by_source.get(issue.source, 0), issue.span, issue.code))
    counts = tuple(len({entry.key for entry in entries}) for _, _, entries, _ in read)
    return entries, issues, counts


def load_file(
    path: Path, source: str, *, full: bool = True
) -> tuple[list[BibEntry], list[BibIssue]]:
    """The entries of one file (first definition of each key) and its issues, by position.

    ``source`` is the vault-relative POSIX path named in entries and issues.
    """
    entries, issues, _ = _merge([(path, source)], full=full)
    return list(entries.values()), issues


def load_bibliography(
    files: Iterable[tuple[Path, str]], *, full: bool = True
) -> Bibliography:
    """Load and merge ``(absolute path, vault-relative source)`` files, in the given order.

    The first definition of a key is kept; a repeated key is reported (VK208) only when
    its definitions disagree or repeat inside one file (see :func:`merge_definitions`).
    """
    files = list(files)
    entries, issues, counts = _merge(files, full=full)
    return Bibliography(entries=entries, issues=tuple(issues),
                        files=tuple(source for _, source in files), counts=counts)


__all__ = [
    "BROKEN_ENTRY", "DUPLICATE_KEY", "SUFFIXES", "BibEntry", "BibIssue", "Bibliography",
    "load_bibliography", "load_file", "merge_definitions",
]
