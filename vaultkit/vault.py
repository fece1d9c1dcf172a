"""The facade: a loaded vault and the jobs on it (lint, index), the Python API.

The layers below it, bottom up: the core model and positions, the parser, the
bibliography/config/schema loaders, the vault's files and facts, the rules, the engine,
the index and reports.  Only this module (and the cli) ties them together.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from vaultkit.bib import Bibliography, load_bibliography
from vaultkit.bib.locate import BibliographyFiles, locate as locate_bibliography
from vaultkit.config import Config, load_config
from vaultkit.engine import VaultRun, active_rules, lint as run_lint, needs_index_plan
from vaultkit.errors import UsageError
from vaultkit.facts import NoteFacts, VaultFacts
from vaultkit.files import (
    ALWAYS_SKIPPED, NOTE_SUFFIX, VaultFiles, discover, find_root, looks_like_csl, nfc,
    paper_note_pattern, sanitize_key, select_targets,
)
from vaultkit.index import IndexPlan, plan as plan_index
from vaultkit.model import Finding, Note
from vaultkit.obsidian import excluded_matcher
from vaultkit.notes import NoteCache, load_notes, read_note
from vaultkit.references import Resolver
from vaultkit.schema import Schema, applicable, check_index_targets, load_schemas
from vaultkit.schema.log import action_links

__all__ = [
    "ALWAYS_SKIPPED", "NOTE_SUFFIX", "Vault", "VaultFiles", "discover", "find_root", "nfc",
    "paper_note_pattern", "sanitize_key", "select_targets",
]


class Vault:
    """A loaded vault: files, notes, facts, bibliography, schemas.  The Python API.

    >>> vault = Vault.load("example-vault")
    >>> findings = vault.lint()
    """

    def __init__(self, root: Path, config: Config, files: VaultFiles,
                 notes: dict[str, Note], schemas: tuple[Schema, ...] = ()) -> None:
        self.root = root
        self.config = config
        self.files = files
        self.notes = notes
        self.schemas = schemas
        self._schemas_for: dict[str, tuple[Schema, ...]] = {}

    @classmethod
    def load(cls, root: str | Path, config: Config | None = None, *,
             config_file: Path | None = None, jobs: int | None = None,
             use_cache: bool = True, parse: Callable[[str], bool] | None = None,
             progress: Callable[[int, int], None] | None = None) -> Vault:
        """Discover and parse the vault.

        ``parse`` limits which notes are parsed up front (all by default); the others
        are parsed on demand by :meth:`note`.  ``vaultkit index`` uses it to skip the
        index notes it is about to regenerate.  ``progress(done, total)`` hears of each
        note loaded (the CLI's progress line, :mod:`vaultkit.report.progress`).
        """
        root = Path(root).resolve()
        if not root.is_dir():
            raise UsageError(f"{root}: not a directory")
        if config is None:
            config = load_config(config_file, root)
        schemas = load_schemas(config, root)  # a bad schema file fails before any parsing
        check_index_targets(config, schemas, root, written_only=True)
        files = discover(root, config)
        cache = NoteCache(root, enabled=use_cache)
        wanted = [p for p in files.notes + files.canvases if parse is None or parse(p)]
        notes = load_notes({p: files.absolute(p) for p in wanted}, cache, jobs, progress)
        vault = cls(root, config, files, notes, schemas)
        vault.bibliography_sources  # a configured bibliography that matches nothing: exit 2 now
        return vault

    def note(self, path: str) -> Note | None:
        """A note by vault path, parsing it now if it was not parsed up front."""
        if path not in self.notes and path in self.files.path_set and path.lower().endswith(
                (NOTE_SUFFIX, ".canvas")):
            self.notes[path] = read_note(path, self.files.absolute(path))
        return self.notes.get(path)

    # -- facts ------------------------------------------------------------------------
    @cached_property
    def facts(self) -> VaultFacts:
        """What rules, the index and an editor ask about the whole vault."""
        return VaultFacts(self.files, self.config, self.bibliography, load=self._note_facts,
                          full_bibliography=lambda: self.full_bibliography)

    def _note_facts(self, path: str) -> NoteFacts | None:
        note = self.note(path)
        if note is None:
            return None
        schemas = self.schemas_for(note)
        sources = tuple(link for s in schemas for link in action_links(note, s)) if note.readable else ()
        return NoteFacts.of(note, "", tuple(s.name for s in schemas), link_sources=sources)

    @cached_property
    def bibliography(self) -> Bibliography:
        return load_bibliography(self._bibliography_paths, full=False)

    @cached_property
    def full_bibliography(self) -> Bibliography:
        """With titles, authors and years: what the index generator needs."""
        return load_bibliography(self._bibliography_paths, full=True)

    @cached_property
    def bibliography_sources(self) -> BibliographyFiles:
        """The bibliography files (:mod:`vaultkit.bib.locate`): in the vault or, when
        configured so, outside it; a configured entry matching nothing is exit 2."""
        return locate_bibliography(
            self.root, self.files.paths, self.config.bibliography,
            self.config.bibliography_explicit,
            lambda p: looks_like_csl(self.files.absolute(p)), self.config.source)

    @property
    def _bibliography_paths(self) -> list[tuple[Path, str]]:
        return [(self.files.absolute(d) if d in self.files.path_set else a, d)
                for a, d in self.bibliography_sources.files]

    @cached_property
    def bibliography_files(self) -> tuple[str, ...]:
        """Explicit ``bibliography`` entries (in the vault or outside it); by default,
        the ``.bib`` and CSL files at the root."""
        return tuple(display for _, display in self.bibliography_sources.files)

    @cached_property
    def paper_notes(self) -> dict[str, str]:
        """Sanitized citekey -> path of its paper note (not the wholly generated ones)."""
        return self.facts.paper_notes

    def knows_key(self, key: str) -> bool:
        return self.facts.knows_key(key)

    @property
    def known_keys(self) -> tuple[str, ...]:
        return tuple(sorted(self.facts.known_keys))

    def suggest_keys(self, key: str, n: int = 3) -> list[str]:
        """The known keys closest to ``key`` (did-you-mean)."""
        return self.facts.suggest_keys(key, n)

    @property
    def resolver(self) -> Resolver:
        return self.facts.resolver

    def schemas_for(self, note: Note) -> tuple[Schema, ...]:
        """The schemas that apply to ``note`` (asked once per rule: memoized per path)."""
        if note.path not in self._schemas_for:
            self._schemas_for[note.path] = applicable(self.schemas, note)
        return self._schemas_for[note.path]

    @cached_property
    def index_plan(self) -> IndexPlan:
        """What ``vaultkit index`` would write now (computed once, written never)."""
        return plan_index(self)

    def generated_lines(self, path: str) -> range:
        """Lines of ``path`` inside a vaultkit-generated region (1-based), or empty."""
        facts = self.facts.note(path)
        return facts.generated_lines() if facts is not None else range(0)

    # -- the jobs ---------------------------------------------------------------------
    def targets(self, paths: list[Path] | None = None) -> tuple[str, ...]:
        """Vault paths to report on: every file under the given files and folders."""
        chosen = self.files.paths if not paths else select_targets(self.root, self.files, paths)
        excluded = excluded_matcher(self.config.excluded_files)
        if excluded is None:
            return chosen
        # Obsidian's "Excluded files": not reported on (they still resolve as link targets)
        return tuple(p for p in chosen if not excluded.match(p))

    def lint(self, paths: list[Path] | None = None) -> list[Finding]:
        """Findings for the given files and folders (default: the whole vault)."""
        return self.lint_targets(self.targets(paths))

    def lint_targets(self, targets: tuple[str, ...]) -> list[Finding]:
        """Findings for vault paths (as :meth:`targets` gives them)."""
        rules = active_rules(self.config)
        stale: tuple[str, ...] = ()
        if needs_index_plan(rules):
            stale = tuple(c.path for c in self.index_plan.stale if c.outcome != "create")
        run = VaultRun(self.config, rules, self.facts, self.schemas, stale)
        return run_lint(run, targets, self.notes)


