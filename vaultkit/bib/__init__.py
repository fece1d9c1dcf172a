"""Bibliography loaders: the citekeys of a vault's Zotero (Better BibTeX) exports.

``load_bibliography`` reads BibTeX/BibLaTeX ``.bib``, CSL JSON and CSL YAML files and
merges them; ``full=False`` is the linter's fast path (keys and spans only).  Broken input
never raises: it becomes a :class:`BibIssue` (VK210), and a citekey defined again becomes
VK208 naming the first definition, which is the one kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from vaultkit.bib.bibtex import load_bibtex
from vaultkit.bib.common import read_source
from vaultkit.bib.csl import load_csl_json, load_csl_yaml
from vaultkit.bib.model import (
    BROKEN_ENTRY,
    DUPLICATE_KEY,
    BibEntry,
    BibIssue,
    Bibliography,
    keep_first,
)
from vaultkit.model import Span
from vaultkit.positions import SourceText


class _Loader(Protocol):
    """A format's loader: every entry in file order (duplicates included) and issues."""

    def __call__(
        self, text: SourceText, source: str, *, full: bool = True
    ) -> tuple[list[BibEntry], list[BibIssue]]: ...


_LOADERS: dict[str, _Loader] = {
    ".bib": load_bibtex,
    ".bibtex": load_bibtex,
    ".json": load_csl_json,
    ".yaml": load_csl_yaml,
    ".yml": load_csl_yaml,
}
SUFFIXES = frozenset(_LOADERS)
"""The file suffixes :func:`load_file` understands (lower case)."""


def load_file(
    path: Path, source: str, *, full: bool = True
) -> tuple[list[BibEntry], list[BibIssue]]:
    """The entries of one file (first definition of each key) and its issues, by position.

    ``source`` is the vault-relative POSIX path named in entries and issues.
    """
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        message = f"{source} is not a bibliography (expected {', '.join(sorted(SUFFIXES))})"
        return [], [BibIssue(source, Span(1, 1, 1, 1), BROKEN_ENTRY, message)]
    text, issues = read_source(path, source)
    if text is None:
        return [], issues
    entries, found = loader(text, source, full=full)
    issues.extend(found)
    kept = keep_first(entries, {}, issues)
    issues.sort(key=lambda issue: (issue.span, issue.code))
    return kept, issues


def load_bibliography(
    files: Iterable[tuple[Path, str]], *, full: bool = True
) -> Bibliography:
    """Load and merge ``(absolute path, vault-relative source)`` files, in the given order.

    A key already defined in an earlier file is reported (VK208) where it is redefined.
    """
    seen: dict[str, BibEntry] = {}
    issues: list[BibIssue] = []
    sources: list[str] = []
    for path, source in files:
        sources.append(source)
        entries, file_issues = load_file(path, source, full=full)
        keep_first(entries, seen, file_issues)
        issues.extend(sorted(file_issues, key=lambda issue: (issue.span, issue.code)))
    return Bibliography(entries=seen, issues=tuple(issues), files=tuple(sources))


__all__ = [
    "BROKEN_ENTRY", "DUPLICATE_KEY", "SUFFIXES", "BibEntry", "BibIssue", "Bibliography",
    "load_bibliography", "load_file",
]
