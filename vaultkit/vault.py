"""The facade: a loaded vault and the jobs on it (lint, index), the Python API.

The layers below it, bottom up: the core model and positions, the parser, the
bibliography/config/schema loaders, the vault's files and facts, the rules, the engine,
the index and reports.  Only this module (and the cli) ties them together.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from vaultkit.digest import content as content_hash, key as digest_key
from vaultkit.bib import Bibliography, load_bibliography
from vaultkit.bib.locate import BibliographyFiles, locate as locate_bibliography
from vaultkit.config import Config, load_config
from vaultkit.engine import Checker, code_stamp, config_key
from vaultkit.errors import UsageError
from vaultkit.facts import NoteFacts, VaultFacts
from vaultkit.files import (
    ALWAYS_SKIPPED, DOCUMENT_SUFFIXES, DOUBT_NS, NOTE_SUFFIX, VaultFiles, discover, find_root,
    looks_like_csl, nfc, paper_note_pattern, sanitize_key, select_targets, still_listed,
)
from vaultkit.model import Finding, Note
from vaultkit.obsidian import excluded_matcher
from vaultkit.notes import LazyNotes, read_note
from vaultkit.parse.note import parse_note
from vaultkit.positions import SourceText
from vaultkit.references import Resolver
from vaultkit.safe_read import read_regular
from vaultkit.schema import Schema, applicable, check_index_targets, load_schemas
from vaultkit.store import Store, version_key


__all__ = [
    "ALWAYS_SKIPPED", "NOTE_SUFFIX", "Vault", "VaultFiles", "discover", "find_root", "nfc",
    "paper_note_pattern", "sanitize_key", "select_targets",
]


class Vault:
    """A vault: its files, facts, bibliography and schemas, and the jobs on it.

    >>> vault = Vault.load("example-vault")
    >>> findings = vault.lint()

    It is also the live vault an editor keeps: :meth:`update`, :meth:`remove` and
    :meth:`rename` take one note at a time, :meth:`findings` answers for one note.
    """

    def __init__(self, root: Path, config: Config, files: VaultFiles,
                 schemas: tuple[Schema, ...] = (), *, store: Store | None = None,
                 jobs: int | None = None, note_paths: tuple[str, ...] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.root = root
        self.config = config
        self.schemas = schemas
        self.jobs = jobs
        self.progress = progress
        self.store = store if store is not None else Store(root, enabled=False)
        self._files = files
        self._note_paths = note_paths
        self._overlay: dict[str, bytes] = {}
        self._schemas_for: dict[str, tuple[Schema, ...]] = {}
        self._read_at: dict[str, str | None] = {}
        """The bibliography files' stamp when each kind was read (``fast``, ``full``)."""
        self.notes = LazyNotes(self._listed_notes, self._absolute, self._overlay)
        """Every note by path, parsed on first access (``vault.notes[p]``)."""

    @classmethod
    def load(cls, root: str | Path, config: Config | None = None, *,
             config_file: Path | None = None, jobs: int | None = None,
             use_cache: bool = True, parse: Callable[[str], bool] | None = None,
             progress: Callable[[int, int], None] | None = None) -> Vault:
        """Read the config and schemas and discover the files; parse nothing yet.

        ``parse`` selects notes to parse up front, in parallel (``vaultkit index`` reads
        every note but the index notes it regenerates); ``vault.notes`` then lists only
        those, and :meth:`note` still gives any other.  ``progress(done, total)`` hears of
        each note a lint reads or parses (the CLI's progress line).
        """
        root = Path(root).resolve()
        if not root.is_dir():
            raise UsageError(f"{root}: not a directory")
        if config is None:
            config = load_config(config_file, root)
        schemas = load_schemas(config, root)  # a bad schema file fails before any parsing
        check_index_targets(config, schemas, root, written_only=True)
        store = Store(root, enabled=use_cache)
        files = _discover(root, config, store)
        listed = None if parse is None else tuple(p for p in files.documents if parse(p))
        vault = cls(root, config, files, schemas, store=store,
                    jobs=jobs, note_paths=listed, progress=progress)
        if listed is not None:
            vault.notes.prefetch(list(listed), jobs, progress)
        vault.bibliography_sources  # a configured bibliography that matches nothing: exit 2 now
        return vault

    @property
    def files(self) -> VaultFiles:
        return self.checker.facts.files if "checker" in self.__dict__ else self._files

    def _listed_notes(self) -> tuple[str, ...]:
        return self._note_paths if self._note_paths is not None else self.files.documents

    def _absolute(self, path: str) -> Path:
        return self.files.absolute(path)

    def note(self, path: str) -> Note | None:
        """A note by vault path (parsed now if need be), or ``None``."""
        if path in self.notes:
            return self.notes[path]
        if self.files.has(path) and path.lower().endswith(DOCUMENT_SUFFIXES):
            note = self.notes[path] = (parse_note(path, self._overlay[path]) if path in self._overlay
                                       else read_note(path, self.files.absolute(path)))
            return note
        return None

    def lines(self, path: str) -> tuple[str, ...]:
        """The current lines of a file (an editor's unsaved text first), for a snippet or
        a fix: nothing kept holds a note's text."""
        data = self._overlay.get(path)
        if data is None:
            try:
                data = read_regular(self.files.absolute(path), self.root)
            except OSError:
                return ()
        text = data.decode("utf-8", errors="replace")
        return SourceText.from_str(text).lines()

    # -- facts ------------------------------------------------------------------------
    @cached_property
    def checker(self) -> Checker:
        """The facts and findings of the vault, kept in the store between runs."""
        return self._new_checker(complete=True)

    def _new_checker(self, complete: bool) -> Checker:
        return Checker(self.config, self.schemas, self._files, self.bibliography, self.store,
                       full_bibliography=lambda: self.full_bibliography, complete=complete,
                       cfg=self._config_key)

    @cached_property
    def _config_key(self) -> str:
        """:func:`~vaultkit.engine.config_key` of this vault's settings and schemas (asked
        before the checker is made, and by it: computed once)."""
        return config_key(self.config, self.schemas)

    FEW_PATHS = 10
    """A lint of fewer than a tenth of the notes (a pre-commit hook's staged files) reads
    only the rows it needs, not every note's (:class:`~vaultkit.engine.Checker`)."""

    @property
    def facts(self) -> VaultFacts:
        """What rules, the index and an editor ask about the whole vault."""
        return self.checker.facts

    @cached_property
    def bibliography(self) -> Bibliography:
        return self._bibliography("fast")

    @cached_property
    def full_bibliography(self) -> Bibliography:
        """With titles, authors and years: what the index generator needs."""
        return self._bibliography("full")

    def _bibliography(self, kind: str) -> Bibliography:
        files = self._bibliography_paths
        stamp = _stamp(files)
        def load() -> Bibliography:
            return load_bibliography(files, full=kind == "full")

        found = self.store.bibliography(kind, stamp, load) if stamp is not None else None
        if found is None:
            found = load()
            if stamp is not None:
                self.store.put_bibliography(kind, stamp, found)
        self._read_at[kind] = stamp
        return found

    def share_bibliography(self, other: Vault) -> None:
        """Take the bibliographies ``other`` has read when they are of the same files as
        this vault's (an editor's next vault of the same folder: nothing read, decoded or
        indexed again).  Before anything here reads the bibliography."""
        stamp = self.bibliography_stamp()
        if stamp is None or "checker" in self.__dict__:
            return
        for kind, name in (("fast", "bibliography"), ("full", "full_bibliography")):
            # read by ``other`` from the files as they are now (not as they were then)
            if name in other.__dict__ and name not in self.__dict__ and other._read_at.get(kind) == stamp:
                self.__dict__[name] = other.__dict__[name]
                self._read_at[kind] = stamp

    def bibliography_stamp(self) -> str | None:
        """The stats of the bibliography files, or ``None`` when one is in doubt or
        unreadable: what a result computed from the bibliography is keyed by."""
        return _stamp(self._bibliography_paths)

    @cached_property
    def bibliography_sources(self) -> BibliographyFiles:
        """The bibliography files (:mod:`vaultkit.bib.locate`): in the vault or, when
        configured so, outside it; a configured entry matching nothing is exit 2."""
        return locate_bibliography(
            self.root, self.files.paths, self.config.bibliography,
            self.config.bibliography_explicit,
            lambda p: looks_like_csl(self.files.absolute(p)), self.config.source,
            holding=self.files.holding, at_top=self.files.at_top)

    @property
    def _bibliography_paths(self) -> list[tuple[Path, str]]:
        return [(self.files.absolute(d) if self.files.has(d) else a, d)
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

    @property
    def unsaved(self) -> frozenset[str]:
        """Paths whose current text is an editor's unsaved buffer (:meth:`update`)."""
        return frozenset(self._overlay)

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

    def lint_targets(self, targets: tuple[str, ...], *,
                     stale_index: tuple[str, ...] | None = None) -> list[Finding]:
        """Findings for vault paths (as :meth:`targets` gives them).  ``stale_index``:
        VK301's stale index notes when the caller knows them (an editor asks the files on
        disk before its unsaved text is in the vault); else planned here when VK301 runs."""
        if "checker" not in self.__dict__ and self._few(targets):
            self.__dict__["checker"] = self._new_checker(complete=False)
            self.checker.refresh(self.jobs, self.progress, targets=targets)
        else:
            self.checker.refresh(self.jobs, self.progress)
        checker = self.checker
        findings = checker.findings(targets, self._stale_index if stale_index is None
                                    else lambda: stale_index)
        checker.save()
        self.store.close()  # reopened when next needed; not held between jobs
        return findings

    def open_partial(self) -> bool:
        """Let the next checks read only the stored rows they need (an editor's first note:
        its own row, the paper notes' summaries, the rows of the notes it links to, each
        checked against its file), as a lint of a few paths does, until a lint of the
        whole vault (or :meth:`Checker.refresh`) reads every row.  Only when most notes
        are stored (else the full run, in parallel, is the faster one); whether it did."""
        if "checker" in self.__dict__ or not self._mostly_stored():
            return False
        self.__dict__["checker"] = self._new_checker(complete=False)
        return True

    def _mostly_stored(self, documents: int | None = None) -> bool:
        if not self.store.enabled:
            return False
        if documents is None:
            documents = self._files.document_count
        return self.store.count(self._config_key) * 10 >= documents * 9

    def _few(self, targets: tuple[str, ...]) -> bool:
        documents = self._files.document_count  # counted in the paths' text: once
        if len(targets) * self.FEW_PATHS >= documents:
            return False
        return self._mostly_stored(documents)  # else the full run (in parallel) is the faster one

    def _stale_index(self) -> tuple[str, ...]:
        from vaultkit.index import stale_index  # only when VK301 runs

        return stale_index(self)

    # -- the live vault ---------------------------------------------------------------
    def update(self, path: str, data: bytes | None = None) -> NoteFacts | None:
        """Take a note's new bytes (``data``: an editor's unsaved text; ``None``: read the
        file again).  Costs one parse; returns the note's new facts."""
        path = nfc(path)
        if data is None:
            self._overlay.pop(path, None)
        else:
            self._overlay[path] = data
        self.notes.forget(path)
        self._schemas_for.pop(path, None)
        if path in self.bibliography_files:
            self._reload_bibliography()
        exists = data is not None or os.path.lexists(self.root / path)
        if not exists:
            self.remove(path)
            return None
        if not path.lower().endswith(DOCUMENT_SUFFIXES):
            self.checker.add_file(path)
            return None
        self.checker.add_file(path)
        if data is None:
            try:
                data = read_regular(self.files.absolute(path), self.root)
            except OSError:
                data = b""
        note = self.note(path)
        assert note is not None
        return self.checker.update(note, content_hash(data))

    def remove(self, path: str) -> None:
        """Forget a deleted file."""
        path = nfc(path)
        self._overlay.pop(path, None)
        self.notes.forget(path)
        self.checker.remove(path)
        if path in self.bibliography_files:
            self._reload_bibliography()

    def rename(self, old: str, new: str) -> NoteFacts | None:
        """A file moved: its text (unsaved or on disk) now lives at ``new``."""
        old, new = nfc(old), nfc(new)
        data = self._overlay.get(old)
        self.remove(old)
        return self.update(new, data)

    def findings(self, path: str) -> list[Finding]:
        """Every finding on one note, from its current text and the vault's facts."""
        path = nfc(path)
        note = self.note(path)
        if note is None:
            return []
        return self.checker.note_findings(note)

    def _reload_bibliography(self) -> None:
        for name in ("bibliography", "full_bibliography", "bibliography_files",
                     "bibliography_sources"):
            self.__dict__.pop(name, None)
        if "checker" in self.__dict__:
            self.checker.facts.set_bibliography(self.bibliography)

    def close(self) -> None:
        """Write what is pending to the store and close it."""
        if "checker" in self.__dict__:
            self.checker.save()
        self.store.close()


def _discover(root: Path, config: Config, store: Store) -> VaultFiles:
    """The vault's files: the stored walk while no folder it entered changed, else a new
    walk (stored when none of its folders is in doubt)."""
    key = digest_key("\0".join([version_key(), code_stamp(), *config.exclude]), 20)
    found = store.files(key) if store.enabled else None
    if found is not None and still_listed(root, tuple(found.stamps)):
        return found.load(root)
    files = discover(root, config)
    if files.stamps and store.enabled:
        store.put_files(key, files)
    return files


def _stamp(files: list[tuple[Path, str]]) -> str | None:
    """The stats of the bibliography files, or ``None`` when one is in doubt (changed in
    the last two seconds) or unreadable: then nothing is stored."""
    parts = []
    for absolute, source in files:
        try:
            info = os.stat(absolute)
        except OSError:
            return None
        if info.st_mtime_ns > time.time_ns() - DOUBT_NS:
            return None
        parts.append(f"{source}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}")
    parts.append(code_stamp())  # a bibliography read by an older loader is read again
    return digest_key("\n".join(parts), 20)
