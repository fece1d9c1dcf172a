"""What a rule module sees and returns.

A rule is a module with ``CODE``, ``NAME``, ``SEVERITY``, ``SCOPE`` (``"note"`` or
``"vault"``), ``OPTIONS`` (name -> default) and a ``check`` function; its docstring, in
ruff's shape (What it does / Why / Example), is its documentation (``vaultkit explain``).
Rules return :class:`Hit` objects built from spans the parser already computed: a rule
never computes a position.
"""

# No ``from __future__ import annotations``: see vaultkit.model (a NamedTuple's string
# annotations are compiled one by one at import).
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Iterable, NamedTuple, Protocol

from msgspec import Struct

from vaultkit.bib import Bibliography
from vaultkit.config import Config
from vaultkit.facts import NoteFacts, VaultFacts
from vaultkit.files import VaultFiles
from vaultkit.model import Fix, Note, Span
from vaultkit.packed import E, occurrences
from vaultkit.references import Resolver
from vaultkit.schema import Schema


class Hit(NamedTuple):
    """A rule's finding before the engine names its rule, severity and note.

    A NamedTuple, not a frozen dataclass: the six methods a dataclass generates were
    compiled on every start-up."""

    span: Span
    message: str
    fixable: bool = False
    suggestion: str | None = None
    path: str | None = None
    """Set by vault-wide checks that report on another file (a .bib, an asset)."""
    fix: Fix | None = None
    """The edits that mend it; ``fixable`` is then true as well."""
    more: int = 0
    """How many more identical findings on its line this one stands for (see
    :func:`each`): they are counted, never built."""


REPEATS_PER_LINE = 10
"""Identical findings (same message) one rule reports on one line, at most: a line of
200,000 ``[[x]]`` is one problem written many times, not 200,000 things to read."""


def cap_repeats(hits: Iterable[Hit], limit: int = REPEATS_PER_LINE) -> list[Hit]:
    """``hits`` with at most ``limit`` of the same message per line and file; the last
    one kept says how many more there are ("and N more on this line").

    Only findings are capped: the facts they came from (citations, links) stay whole.
    The fixes of the findings left out are not offered in this run; ``--fix`` mends the
    ones kept, and the next pass sees the rest.
    """
    out: list[Hit] = []
    groups: dict[tuple[str | None, int, str], list[int]] = {}  # -> [last kept, kept, more]
    for hit in hits:
        key = (hit.path, hit.span.line, hit.message)
        group = groups.get(key)
        if group is None:
            groups[key] = group = [len(out), 0, 0]
        if group[1] >= limit:
            group[2] += 1 + hit.more
            continue
        group[0] = len(out)
        group[1] += 1
        group[2] += hit.more
        out.append(hit)
    for at, _, more in groups.values():
        if more:
            out[at] = out[at]._replace(message=f"{out[at].message} (and {more:,} more on this line)",
                                       more=0)
    return out


def each(elements: Sequence[E], element: E, hit: Callable[[E], Hit]) -> Iterator[Hit]:
    """``hit`` for every element equal to ``element`` but for its place (one of
    :func:`vaultkit.packed.distinct`): a rule decides once per distinct citation or link,
    and reports each place.  Past :data:`REPEATS_PER_LINE` on a line they are counted
    (:attr:`Hit.more`), not built."""
    for found, more in occurrences(elements, element, REPEATS_PER_LINE):
        made = hit(found)
        yield made._replace(more=more) if more else made


class NoteContext(Struct, frozen=True):
    """Everything a per-note rule may use: a pure function of (note, config)."""

    config: Config
    options: dict[str, Any]
    schemas: tuple["Schema", ...] = ()


class VaultContext(NoteContext, frozen=True, kw_only=True):
    """A vault-scoped rule also sees the facts of the whole vault.

    Its ``check(note, ctx)`` is given the note's :class:`~vaultkit.facts.NoteFacts`
    (links, citations, one-word code spans, headings…), not the full note: vault-scoped
    findings are recomputed from stored facts without parsing.
    """

    facts: VaultFacts
    stale_index: tuple[str, ...] = ()
    """Index notes whose generated region differs from what ``vaultkit index`` would
    write (computed by the caller, only when VK301 runs)."""
    targets: frozenset[str] | None = None
    """The notes findings are reported on when not every note (a pre-commit hook's
    staged notes): a whole-vault rule may skip what cannot land on them."""

    @property
    def files(self) -> VaultFiles:
        return self.facts.files

    @property
    def notes(self) -> Mapping[str, NoteFacts]:
        return self.facts.notes

    @property
    def bibliography(self) -> Bibliography:
        return self.facts.bibliography

    @property
    def resolver(self) -> Resolver:
        return self.facts.resolver


class RuleModule(Protocol):
    CODE: str
    NAME: str
    SEVERITY: str
    SCOPE: str
    OPTIONS: dict[str, Any]
    __doc__: str | None

    def check(self, note: Any, ctx: Any) -> Iterable[Hit]: ...


def parse_problems(note: Note, code: str) -> Iterable[Hit]:
    """The problems the parser recorded under ``code`` (the VK0xx rules)."""
    return (Hit(p.span, p.message) for p in note.problems if p.code == code)


def bibliography_issues(ctx: VaultContext, code: str) -> Iterable[Hit]:
    """The bibliography loader's issues under ``code``, on the bibliography file."""
    return (Hit(i.span, i.message, path=i.source) for i in ctx.bibliography.issues if i.code == code)
