"""The language server's view of the vault: the one module that knows how it is updated.

Every other module of :mod:`vaultkit.lsp` asks this adapter (:class:`LiveVault`) for
findings and facts and tells it what changed (unsaved text, files on disk); none of them
touches :class:`vaultkit.vault.Vault` internals.  So when the vault model changes shape,
only this file follows.

Unsaved text wins over the disk: an open note is parsed from the editor's buffer, and
the rest of the vault sees that version (its headings for links, its citations for
references) until the buffer is closed.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from collections.abc import Mapping
from typing import Callable, Iterable, Literal

from vaultkit.config import CONFIG_NAME, Config, load_config
from vaultkit.model import Finding, Note
from vaultkit.vault import NOTE_SUFFIX, Vault, nfc, sanitize_key

log = logging.getLogger(__name__)

LOAD_JOBS = 1
"""Parse in this process: worker processes forked from a server thread (the loader runs
off the event loop) can deadlock on a lock another thread held at the fork.  A cold load
of many notes parses in a separate process instead (:meth:`LiveVault._warm_store`)."""
COLD = 400
"""A first check with at least this many notes not in the store runs ``vaultkit lint``'s
parallel parse in a child process first (its workers fork from that process's main
thread), then reads the facts it stored."""
SLOW_CHECK_ENV = "VAULTKIT_LSP_SLOW_CHECK"
"""Seconds each vault-wide check is held before it hands its vault over: how the tests
see a keystroke answered while the check runs."""
ChangeKind = Literal["created", "changed", "deleted"]
FileKind = Literal["note", "bibliography", "config", "other"]



class _Collector:
    """The garbage collector while vault-wide checks run.

    A check builds a whole vault's rows and facts beside the live vault; a full collection
    triggered meanwhile -- on the event loop's thread by a keystroke's allocations as
    often as on the check's -- walks all of it with the GIL held, and the keystroke waits.
    So no collection runs while a check does; when the last one has handed its vault
    over, one collection (off the event loop) frees the vault it replaced, and what
    survives is frozen, so later collections do not walk it again.
    """

    def __init__(self) -> None:
        self._running = 0
        self._lock = threading.Lock()

    def begin(self) -> None:
        with self._lock:
            self._running += 1
            gc.disable()

    def end(self) -> None:
        with self._lock:
            self._running -= 1
            if self._running == 0:
                gc.enable()

    def settle(self) -> None:
        with self._lock:
            if self._running == 0:
                gc.unfreeze()
                gc.collect()
                gc.freeze()


_checks = _Collector()


@dataclass(frozen=True)
class Early:
    """What is known before the vault is loaded: the config and the schemas."""

    config: Config
    schemas: tuple


class LiveVault:
    """A vault kept current from the editor's buffers and from changes on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.vault: Vault | None = None
        self.error: str | None = None
        """Why the vault could not be loaded (a config or schema error), if it could not."""
        self.complete = False
        """Whether every note has been checked (:meth:`check_all`) since the vault loaded."""
        self.opening = False
        """:meth:`load` runs (a fraction of a second: files are listed, nothing parsed):
        an open note is checked once it is done, from the vault, not twice."""
        self.generation = 0
        """Bumped on every change: results computed at an older generation are stale."""
        self.checked_generation = -1
        """The generation the last :meth:`check_all`'s findings are those of."""
        self._open: dict[str, str] = {}
        self._early: Early | None = None
        self._loaded = threading.Event()
        self._lock = threading.RLock()
        """Held while the loader thread hands the new vault over, and by buffer updates."""
        self._epoch = 0
        """Bumped when the config changes: a vault-wide check begun before is dropped."""
        self._during: list[tuple[str, ChangeKind]] | None = None
        """Files changed on disk while a vault-wide check runs: handed to its vault too."""
        self._one_check = threading.Lock()

    # -- loading --------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self.vault is not None

    def load(self) -> None:
        """Open the vault: config, schemas and files, no note parsed (blocking: run it off
        the event loop).  Then :attr:`ready`; an open note's findings come from its buffer
        and the facts stored by earlier runs.  :meth:`check_all` checks every note."""
        self.opening = True
        try:
            self._open_vault()
        except Exception as error:  # noqa: BLE001 - a bad config is shown, not raised
            self.error = str(error)
            log.error("cannot load the vault at %s: %s", self.root, error)
            self._loaded.set()
            return
        finally:
            self.opening = False
        self.error = None

    def _open_vault(self) -> Vault:
        vault = Vault.load(self.root, jobs=LOAD_JOBS)
        vault.open_partial()  # the open notes read the rows they need, not every row
        with self._lock:
            for path, text in list(self._open.items()):  # buffers opened while it loaded
                vault.update(path, text.encode("utf-8"))
            self.vault = vault
            self.generation += 1
        return vault

    def check_all(self, progress: Callable[[str], None] | None = None) -> dict[str, list[Finding]] | None:
        """Every file's findings, as ``vaultkit lint`` gives them, unsaved text included
        (blocking: off the event loop).  Files unchanged since the store saw them are not
        read; the others are parsed, and their facts and findings stored.

        The check runs on a vault of its own (the files on disk and the buffers as they
        are when it starts), never holding the live one: a keystroke meanwhile is checked
        at once.  When it is done that vault, complete and up to date, becomes the live
        one, with what changed meanwhile (buffers, files on disk) handed to it first.
        One check at a time (a save during a ``vaultkit.lint`` waits for it).
        """
        with self._one_check:
            return self._check_all(progress)

    def _check_all(self, progress: Callable[[str], None] | None) -> dict[str, list[Finding]] | None:
        with self._lock:
            if self.vault is None:
                return None
            epoch, started = self._epoch, self.generation
            buffers = dict(self._open)
            self._during = []
        try:
            _checks.begin()
            vault = self._disk_vault(progress)
            stale = self._stale(vault)
            for path, text in buffers.items():
                vault.update(path, text.encode("utf-8"))
            found = vault.lint_targets(vault.targets(), stale_index=stale)
            for path in buffers:  # what a keystroke reads first, read here (off the loop)
                vault.findings(path)
            time.sleep(float(os.environ.get(SLOW_CHECK_ENV) or 0))
        except BaseException:
            with self._lock:
                self._during = None
            raise
        finally:
            _checks.end()
        with self._lock:  # one hold from the last disk change seen to the hand-over
            during, self._during = self._during, None
            if epoch != self._epoch:  # the config changed meanwhile: this vault is dropped
                return None
            for path, text in self._open.items():
                if buffers.get(path) != text:
                    vault.update(path, text.encode("utf-8"))
            for path in buffers.keys() - self._open.keys():
                vault.update(path)  # closed meanwhile: the file on disk again
            self._apply_disk(vault, during or [])
            current = self.generation == started  # nothing changed while it ran
            self.vault = vault
            self.generation += 1
            self.checked_generation = self.generation if current else started
            self.complete = True
        _checks.settle()
        self._loaded.set()
        results: dict[str, list[Finding]] = {}
        for finding in found:
            results.setdefault(finding.path, []).append(finding)
        return results

    def _disk_vault(self, progress: Callable[[str], None] | None) -> Vault:
        """A new vault on the files as they are now (the store filled first, in a child
        process, when the server starts on many notes it has not seen)."""
        vault = self._next_vault()
        if not self.complete:
            stale = _not_stored(vault)
            if stale >= COLD and self._warm_store(stale, progress):
                vault = self._next_vault()  # reads what the child stored
        if progress is not None:
            progress(f"checking {len(vault.files.documents)} notes")
        return vault

    def _next_vault(self) -> Vault:
        """A new vault of this folder, sharing the live one's bibliography while its files
        are the same (a 5,000-entry .bib is a second to read, and completion's index of it
        is kept)."""
        vault = Vault.load(self.root, jobs=LOAD_JOBS)
        live = self.vault
        if live is not None:
            vault.share_bibliography(live)
        return vault

    @staticmethod
    def _stale(vault: Vault) -> tuple[str, ...] | None:
        """VK301's stale index notes, from the files on disk (what ``vaultkit index`` would
        write: it reads no buffer), by the saved plan when nothing changed since it was
        made; ``None`` when VK301 does not run.  Asked before any buffer is in ``vault``:
        with unsaved text in it, the index would be planned again from every session."""
        from vaultkit.engine import active_rules, needs_index_plan

        if not needs_index_plan(active_rules(vault.config)):
            return None
        from vaultkit.index import stale_index

        return stale_index(vault)

    def _warm_store(self, stale: int, progress: Callable[[str], None] | None) -> bool:
        """Parse the notes in a child process (``vaultkit lint``'s parallel parse, which
        stores every note's facts and findings); whether it succeeded."""
        if progress is not None:
            progress(f"reading {stale} notes not seen before")
        script = "import sys; from vaultkit.vault import Vault; Vault.load(sys.argv[1]).lint()"
        try:
            done = subprocess.run([sys.executable, "-c", script, str(self.root)], check=False,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        except OSError as error:
            log.warning("cannot start the parse process: %s", error)
            return False
        if done.returncode != 0:
            log.warning("the parse process exited %s: parsing in the server", done.returncode)
        return done.returncode == 0

    def wait_loaded(self, timeout: float | None = None) -> bool:
        return self._loaded.wait(timeout)

    def early(self) -> Early | None:
        """Config and schemas, read without parsing any note (for requests before ready)."""
        if self._early is None:
            try:
                from vaultkit.schema import load_schemas

                config = load_config(None, self.root)
                self._early = Early(config, load_schemas(config, self.root))
            except Exception as error:  # noqa: BLE001
                self.error = str(error)
                return None
        return self._early

    @property
    def config(self) -> Config | None:
        if self.vault is not None:
            return self.vault.config
        early = self.early()
        return early.config if early else None

    # -- paths ------------------------------------------------------------------------
    def rel(self, fs_path: str | Path) -> str | None:
        """The vault path of a file, or ``None`` when it is outside the vault."""
        try:
            rel = Path(fs_path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None
        return nfc(rel) if rel != "." else None

    def absolute(self, path: str) -> Path:
        if self.vault is not None:
            return self.vault.files.absolute(path)
        return self.root / path

    def kind(self, path: str) -> FileKind:
        if path == CONFIG_NAME or self._is_schema(path):
            return "config"
        if path.lower().endswith(NOTE_SUFFIX):
            return "note"
        if self.vault is not None and path in self.vault.bibliography_files:
            return "bibliography"
        if self.vault is None or path not in self.vault.files.path_set:
            from vaultkit.bib import SUFFIXES

            if PurePosixPath(path).suffix.lower() in SUFFIXES and "/" not in path:
                return "bibliography"  # a new file at the root that may be one
        return "other"

    def _is_schema(self, path: str) -> bool:
        config = self.config
        folder = config.schemas if config is not None else None
        if not folder:
            return False
        prefix = folder.rstrip("/") + "/"
        return path.startswith(prefix) and path.endswith((".yaml", ".yml"))

    # -- unsaved text -----------------------------------------------------------------
    def set_text(self, path: str, text: str) -> None:
        """The editor's buffer for ``path`` (open or changed): the vault parses it once."""
        with self._lock:
            self._open[path] = text
            if self.vault is not None:
                self.vault.update(path, text.encode("utf-8"))
            self.generation += 1

    def close(self, path: str) -> None:
        """The buffer is closed: the file on disk counts again."""
        with self._lock:
            if self._open.pop(path, None) is None:
                return
            if self.vault is not None:
                self.vault.update(path)  # the file on disk again (or gone)
            self.generation += 1

    def is_open(self, path: str) -> bool:
        return path in self._open

    def text(self, path: str) -> str | None:
        """The buffer when open, else the file's text (``None`` if unreadable)."""
        if path in self._open:
            return self._open[path]
        try:
            return self.absolute(path).read_bytes().decode("utf-8", errors="replace")
        except OSError:
            return None

    def lines(self, path: str) -> tuple[str, ...]:
        """The lines positions are counted on (the buffer's, else the file's): read, not
        parsed."""
        if self.vault is not None:
            return self.vault.lines(path)
        text = self.text(path)
        if text is None:
            return ()
        from vaultkit.positions import SourceText

        return SourceText.from_str(text).lines()

    @staticmethod
    def _parse(path: str, text: str) -> Note:
        from vaultkit.parse import parse_text

        return parse_text(path, text)

    # -- disk -------------------------------------------------------------------------
    def disk_changed(self, changes: Iterable[tuple[str, ChangeKind]]) -> set[FileKind]:
        """Files changed on disk (``workspace/didChangeWatchedFiles`` or a save).

        Returns the kinds of files that changed, so the caller knows what to re-check: a
        note changes its own findings and its backlinks', a bibliography every citing
        note's, the config or a schema everything -- then the vault is dropped and the
        caller runs :meth:`load` again (off the event loop).
        """
        vault = self.vault
        kinds: set[FileKind] = set()
        changes = [(p, k) for p, k in changes if not _ignored(p)]
        if vault is None or not changes:
            return kinds
        for path, _ in changes:
            kinds.add(self.kind(path))
        if "config" in kinds:  # everything depends on it: the caller loads the vault again
            with self._lock:
                self._early = None
                self.vault = None
                self.complete = False
                self._loaded.clear()
                self._epoch += 1
                self.generation += 1
            return kinds
        with self._lock:
            self._apply_disk(vault, changes)
            if self._during is not None:
                self._during.extend(changes)
            self.generation += 1
        return kinds

    def _apply_disk(self, vault: Vault, changes: Iterable[tuple[str, ChangeKind]]) -> None:
        for path, change in changes:
            if path in self._open and path.lower().endswith(NOTE_SUFFIX):
                continue  # the buffer wins until it is closed
            if change == "deleted":
                vault.remove(path)
            else:
                vault.update(path)  # created or changed: read again (a new file joins)

    # -- findings ---------------------------------------------------------------------
    WHOLE_VAULT_CODES = frozenset({"VK207", "VK208", "VK210", "VK301"})
    """Rules that look at the whole vault at once (``check_vault``) and report on assets,
    bibliographies and index notes: :meth:`note_findings` leaves them to :meth:`findings`."""

    def note_findings(self, path: str) -> list[Finding]:
        """One note's findings as you type: milliseconds, whatever the size of the vault.

        The per-note and the vault-scoped rules on that note, with every suppression
        applied as the engine applies it; the whole-vault rules (:data:`WHOLE_VAULT_CODES`)
        are left to the vault-wide pass.
        """
        vault = self.vault
        if vault is None:  # what is known before the vault is: the per-note rules
            return self._early_findings(path) if path in self._open else []
        with self._lock:
            return vault.findings(path)

    def fixed_text(self, path: str) -> tuple[str, int] | None:
        """The note with every safe fix applied (lint, fix, lint again… as ``lint --fix``),
        and how many fixes went in; ``None`` when there is nothing to fix.  The buffer is
        linted as the text changes; the vault is left seeing the buffer as it was."""
        from vaultkit.fix import fix_bytes

        # The vault, the text and every pass of the loop under one hold of the lock: a
        # vault-wide check handing its vault over in between would have each pass update
        # one vault and read the findings of another (the same fix applied again and again).
        with self._lock:
            vault = self.vault
            text = self.text(path)
            if vault is None or text is None or not path.lower().endswith(NOTE_SUFFIX):
                return None

            def findings_of(data: bytes) -> list[Finding]:
                vault.update(path, data)
                return vault.findings(path)

            try:
                outcome = fix_bytes(path, text.encode("utf-8"), findings_of, initial=vault.findings(path))
            finally:  # the vault sees the buffer (or the file) as it was
                vault.update(path, text.encode("utf-8") if path in self._open else None)
        if not outcome.changed:
            return None
        return outcome.after.decode("utf-8"), len(outcome.applied)

    def _early_findings(self, path: str) -> list[Finding]:
        from vaultkit.engine import active_rules, keep, run_note_rules
        from vaultkit.facts import NoteFacts
        from vaultkit.schema import applicable

        early = self.early()
        if early is None:
            return []
        note = self._parse(path, self._open[path])
        schemas = applicable(early.schemas, note)
        facts = NoteFacts.of(note, "", tuple(s.name for s in schemas))
        found = run_note_rules(note, early.config, active_rules(early.config), schemas)
        return sorted(keep(found, early.config, {path: facts}.get), key=lambda f: f.sort_key)

    # -- facts ------------------------------------------------------------------------
    def note(self, path: str) -> Note | None:
        if self.vault is not None:
            return self.vault.note(path)
        if path in self._open:
            return self._parse(path, self._open[path])
        return None

    def notes(self) -> dict[str, Note]:
        return self.vault.notes if self.vault is not None else {}

    def files(self) -> tuple[str, ...]:
        return self.vault.files.paths if self.vault is not None else ()

    def schemas_for(self, note: Note) -> tuple:
        if self.vault is not None:
            return self.vault.schemas_for(note)
        early = self.early()
        if early is None:
            return ()
        from vaultkit.schema import applicable

        return applicable(early.schemas, note)

    def bibliography(self):  # -> vaultkit.bib.Bibliography | None
        """The full bibliography (titles, authors, years)."""
        return self.vault.full_bibliography if self.vault is not None else None

    def bibliography_files(self) -> tuple[str, ...]:
        return self.vault.bibliography_files if self.vault is not None else ()

    def bibliography_file(self, source: str) -> Path:
        """The file on disk of a bibliography (``source``: as an entry names it)."""
        if self.vault is not None:
            for absolute, display in self.vault.bibliography_sources.files:
                if display == source:
                    return absolute
        return self.root / source

    def paper_note(self, key: str) -> str | None:
        if self.vault is None:
            return None
        return self.vault.facts.paper_notes.get(sanitize_key(key))

    def paper_note_path(self, key: str) -> str:
        """Where the paper note of ``key`` is, or would be."""
        existing = self.paper_note(key)
        if existing is not None:
            return existing
        config = self.config or Config()
        return config.paper_notes.replace("{key}", sanitize_key(key))

    def paper_keys(self) -> Mapping[str, str]:
        """Sanitized key -> paper note path (a new mapping when one is added or removed)."""
        return self.vault.facts.paper_notes if self.vault is not None else {}

    def known_keys(self) -> tuple[str, ...]:
        return self.vault.known_keys if self.vault is not None else ()

    def resolve(self, link, source: str):  # -> vaultkit.references.Resolution | None
        if self.vault is None:
            return None
        return self.vault.facts.resolve(link, source)

    def backlinks(self, target: str) -> list[tuple[str, object]]:
        """(source path, link) for every link or embed in the vault that reaches ``target``."""
        return self.vault.facts.linking_to(target) if self.vault is not None else []

    def citations(self, key: str) -> list[tuple[str, object]]:
        """(note path, citation) for every ``@key`` in the vault."""
        return self.vault.facts.citing(key) if self.vault is not None else []

    def source_key(self, link) -> str | None:
        """The citekey a Log action's link source names (``[read([Title](https://…))]``):
        the bibliography entry with that DOI, arXiv id or URL, as the index credits it."""
        if self.vault is None or not link.is_url:
            return None
        entry = self.vault.facts.entry_for_url(link.target)
        return entry.key if entry is not None else None

    def sourcing(self, key: str) -> list[str]:
        """The notes with a Log action whose link source names ``key`` (see :meth:`source_key`)."""
        if self.vault is None:
            return []
        return [facts.path for facts in self.vault.facts.notes.values()
                if any(self.source_key(link) == key for link in facts.link_sources)]

    def subset(self, paths: Iterable[str]) -> "_Subset":
        """A vault-shaped view of some notes (for the index's collector)."""
        assert self.vault is not None
        return _Subset(self.vault, {p: self.vault.notes[p] for p in paths if p in self.vault.notes})


class _Subset:
    """What :func:`vaultkit.index.collect.collect` reads of a vault, for a few notes."""

    def __init__(self, vault: Vault, notes: dict[str, Note]) -> None:
        self.notes = notes
        self.resolver = vault.resolver
        self._vault = vault

    def schemas_for(self, note: Note) -> tuple:
        return self._vault.schemas_for(note)


_BLOCK_ID = re.compile(r"(?:^|\s)\^([A-Za-z0-9-]+)\s*$")


def block_ids(note: Note) -> list[tuple[int, str]]:
    """(1-based line, id) of every ``^block-id`` that ends a line, as Obsidian reads them."""
    return [(n, m.group(1)) for n, line in enumerate(note.lines, 1)
            if "^" in line and (m := _BLOCK_ID.search(line))]


def _anchors(note: Note) -> tuple:
    """What links into a note can point at: its headings and its block ids."""
    return (tuple(h.text for h in note.headings), tuple(i for _, i in block_ids(note)))


def _not_stored(vault: Vault) -> int:
    """How many notes the store has no row for, or a row of other bytes (by their stat).
    The rows are the checker's: the lint that follows reads them once, not twice."""
    rows = vault.checker.rows
    files = vault.files
    stale = 0
    for path in files.documents:
        row = rows.get(path)
        try:
            info = os.stat(files.absolute(path))
        except OSError:
            continue
        if row is None or row.stat != (info.st_size, info.st_mtime_ns, info.st_ino):
            stale += 1
    return stale


def _ignored(path: str) -> bool:
    parts = path.split("/")
    return any(p in (".git", ".obsidian", ".trash") for p in parts) or parts[-1].endswith(".vaultkit-tmp")
