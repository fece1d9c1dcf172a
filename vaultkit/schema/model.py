"""What a schema file says, as plain frozen data (msgspec Structs: see :mod:`vaultkit.model`).

A :class:`Schema` travels with every note it applies to (``NoteContext.schemas``) and is
part of per-note work that may be cached or sent to a worker process, so everything here
is hashable and picklable: tuples and strings, never dicts or compiled objects.  The
frontmatter JSON Schema is kept as canonical JSON text for the same reason.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any, Literal

from msgspec import Struct

from vaultkit.jsontext import loads

SourceKind = Literal["citekey", "link", "wikilink"]
SOURCE_KINDS: tuple[str, ...] = ("citekey", "link", "wikilink")
NEVER = r"(?P<date>(?!))"
"""A date pattern that matches no file name (the schema takes the date elsewhere)."""


class SessionSpec(Struct, frozen=True):
    """The parts of a session schema the paper index needs (``Schema.session_spec``)."""

    log_section: str = "Log"
    verbs: tuple[str, ...] = ("skim", "read", "deep-read")
    """In order of depth."""
    harvest: tuple[str, ...] = ("question", "eureka", "hypothesize", "lesson_learned")
    date_pattern: str = r"(?P<date>(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}))"
    """Searched in the file name; the ``date`` group is the session date."""
    date_key: str | None = "date"
    """Frontmatter property holding the date when the file name has none."""


class AppliesTo(Struct, frozen=True):
    """A note is selected when its path matches ``paths`` *or* its frontmatter matches."""

    paths: tuple[str, ...] = ()
    """Gitignore-style lines (``!`` negates), the config's globs already merged in."""
    frontmatter: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    """(property, accepted scalar values): ``(("type", ("session",)),)``."""


class SectionSpec(Struct, frozen=True, dict=True):
    title: str
    level: int
    required: bool = False
    empty: Literal["allowed", "report"] = "allowed"
    aliases: tuple[str, ...] = ()
    match: str | None = None
    """A regular expression the whole heading text may match instead (case-insensitive)."""
    description: str = ""

    def matches(self, text: str) -> bool:
        """Whether a heading's text names this section (case and outer space ignored)."""
        wanted = " ".join(text.split()).casefold()
        if wanted in self._names:
            return True
        return self._pattern is not None and self._pattern.fullmatch(wanted) is not None

    # asked for every heading of every note against every section of every schema:
    # the names folded and the pattern compiled once (kept beside the fields, dict=True,
    # not in them: equality, the repr and the cache key stay those of the schema as written)
    @cached_property
    def _names(self) -> frozenset[str]:
        return frozenset(name.casefold() for name in (self.title, *self.aliases))

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        return None if self.match is None else re.compile(self.match, re.IGNORECASE)

    @property
    def display(self) -> str:
        """``## Log``: how the section is written in a note."""
        return f"{'#' * self.level} {self.title}"


class DateSpec(Struct, frozen=True):
    filename: str | None = None
    """The pattern as written in the schema (``YYYY-MM-DD``)."""
    regex: str | None = None
    """``filename`` as a regular expression with a ``date`` group, searched in the file stem."""
    frontmatter: str | None = None
    """The property holding the date when the file name has none."""


class LogGrammar(Struct, frozen=True):
    section: str
    verbs: tuple[str, ...]
    """In order of depth: ``("skim", "read", "deep-read")``."""
    sources: tuple[str, ...] = ("citekey", "link")
    harvest: tuple[str, ...] = ()
    """Tags whose text the paper index collects."""


class Schema(Struct, frozen=True):
    name: str
    source: str
    """The file it was read from, as shown in messages."""
    applies_to: AppliesTo
    description: str = ""
    sections: tuple[SectionSpec, ...] = ()
    section_order: Literal["strict", "any"] = "strict"
    unknown_sections: Literal["allowed", "report"] = "allowed"
    date: DateSpec | None = None
    log: LogGrammar | None = None
    tags: tuple[tuple[str, str], ...] = ()
    """The tag vocabulary: (name, description) in the order written."""
    frontmatter_json: str | None = None
    """The frontmatter JSON Schema as canonical JSON text (see :attr:`frontmatter_schema`)."""

    @property
    def frontmatter_schema(self) -> dict[str, Any] | None:
        return loads(self.frontmatter_json) if self.frontmatter_json else None

    @property
    def tag_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.tags)

    @property
    def verbs(self) -> tuple[str, ...]:
        return self.log.verbs if self.log else ()

    @property
    def section_levels(self) -> frozenset[int]:
        return frozenset(spec.level for spec in self.sections)

    def section_spec(self, text: str) -> SectionSpec | None:
        return next((spec for spec in self.sections if spec.matches(text)), None)

    @property
    def session_spec(self) -> SessionSpec | None:
        """What the paper index needs from a schema with a Log grammar (else ``None``)."""
        if self.log is None:
            return None
        date = self.date or DateSpec()
        return SessionSpec(
            log_section=self.log.section,
            verbs=self.log.verbs,
            harvest=self.log.harvest,
            date_pattern=date.regex or NEVER,
            date_key=date.frontmatter,
        )
