"""What the bibliography loaders produce: plain frozen data, like :mod:`vaultkit.model`.

The loaders never raise on bad input; everything wrong with a file becomes a
:class:`BibIssue` with a position, so the linter can report it next to note findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from vaultkit.model import Span

DUPLICATE_KEY = "VK208"
"""A citekey defined a second (third, ...) time; the first definition is kept."""
BROKEN_ENTRY = "VK210"
"""An entry or a whole file that could not be read."""


@dataclass(frozen=True, slots=True)
class BibEntry:
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


@dataclass(frozen=True, slots=True)
class BibIssue:
    source: str
    span: Span
    code: str
    message: str


@dataclass(frozen=True)
class Bibliography:
    entries: dict[str, BibEntry]
    """By citekey; the first definition wins."""
    issues: tuple[BibIssue, ...]
    files: tuple[str, ...]
    _keys: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Citation checks ask "is this key known?" for every citation in the vault.
        object.__setattr__(self, "_keys", frozenset(self.entries))

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def get(self, key: str) -> BibEntry | None:
        return self.entries.get(key)

    def keys(self) -> frozenset[str]:
        return self._keys


def keep_first(
    entries: Iterable[BibEntry], seen: dict[str, BibEntry], issues: list[BibIssue]
) -> list[BibEntry]:
    """The entries whose key is not in ``seen`` yet; a VK208 issue for each other one.

    ``seen`` is updated, so one dict carried across files reports duplicates between
    files with the same message as duplicates within a file.
    """
    kept: list[BibEntry] = []
    for entry in entries:
        first = seen.get(entry.key)
        if first is None:
            seen[entry.key] = entry
            kept.append(entry)
            continue
        message = (
            f"citekey '{entry.key}' is defined twice "
            f"(first at {first.source}:{first.span.line})"
        )
        issues.append(BibIssue(entry.source, entry.span, DUPLICATE_KEY, message))
    return kept
