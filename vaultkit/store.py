"""The store: one vault's facts and cached findings, in one SQLite file outside the vault.

The file lives in the cache folder (``$VAULTKIT_CACHE_DIR``, else
``$XDG_CACHE_HOME/vaultkit``, else ``~/.cache/vaultkit``): vaultkit writes into a vault
only when asked to.  It holds **data only** -- rows of numbers and text, payloads as JSON
decoded by msgspec into the exact types expected -- so nothing in it can run code when
read.  Every row carries a seal (a hash of its fields and the format version): a row that
is damaged, from another version, of the wrong types, or moved to another key is ignored
and recomputed, never trusted.  A file that is not a database, or breaks while read, is
set aside and rebuilt.  SQLite's WAL journal and short transactions make two runs
sharing the file safe: each reads a consistent state and writes whole rows.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TypeVar

import msgspec

from vaultkit import __version__
from vaultkit.digest import key, seal
from vaultkit.memo import cache_dir
from vaultkit.prune import mark_used, prune_daily
from vaultkit.bib.model import BibEntry, BibIssue, Bibliography, LazyEntries
from vaultkit.facts import NoteFacts
from vaultkit.files import VaultFiles
from vaultkit.model import Finding
from vaultkit.packed import decode_hook, encode_hook

BUSY_TIMEOUT_S = 10.0
"""How long a run waits for another run's write before giving up its own."""
_BUSY = (5, 6)
"""SQLITE_BUSY and SQLITE_LOCKED: the file is fine, another run is writing."""
FORMAT = "vaultkit-store-9"
"""Bumped whenever a table or a payload type changes: an older file is rebuilt."""

_T = TypeVar("_T")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notes (
    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ino INTEGER, hash TEXT,
    anchors TEXT, cites TEXT, generated_only INTEGER, lookalike TEXT, verdicts TEXT,
    cfg TEXT, note_findings BLOB, vfp TEXT,
    vault_findings BLOB, seal TEXT);
CREATE INDEX IF NOT EXISTS notes_cfg ON notes (cfg);
CREATE TABLE IF NOT EXISTS facts (
    path TEXT PRIMARY KEY, hash TEXT, cfg TEXT, data BLOB, seal TEXT);
CREATE TABLE IF NOT EXISTS bib (kind TEXT PRIMARY KEY, stamp TEXT, data BLOB, seal TEXT);
CREATE TABLE IF NOT EXISTS listing (key TEXT PRIMARY KEY, data BLOB, seal TEXT);
CREATE TABLE IF NOT EXISTS parts (
    kind TEXT, path TEXT, hash TEXT, cfg TEXT, data BLOB, seal TEXT, PRIMARY KEY (kind, path));
CREATE TABLE IF NOT EXISTS states (name TEXT PRIMARY KEY, data BLOB, seal TEXT);
"""
_TABLES = ("notes", "facts", "bib", "parts", "states", "listing")




Stat = tuple[int, int, int]
"""(size, mtime_ns, inode): what says a file is unchanged without reading it."""


class NoteRow(msgspec.Struct, frozen=True):
    """What the store knows of one note, findings still encoded (decoded on demand)."""

    path: str
    stat: Stat
    hash: str
    anchors: str
    cites: str
    """The distinct citekeys the note cites, one a line: what vault-wide citation rules
    (VK303) read of every note without decoding its facts."""
    generated_only: bool
    """vaultkit wrote every word of it (a generated paper note makes no key known)."""
    lookalike: str
    """Schemas the note almost is though none applies, one a line."""
    verdicts: str
    """The costly checks' verdicts on the note's last content (:mod:`vaultkit.memo`)."""
    cfg: str
    note_findings: bytes
    vfp: str
    vault_findings: bytes


class StoredFiles(msgspec.Struct, frozen=True):
    """A walk of the vault (:class:`vaultkit.files.VaultFiles`) as data."""

    paths: list[str]
    real: dict[str, str]
    stamps: list[tuple[str, int, int, int]]

    def load(self, root: Path) -> VaultFiles:
        return VaultFiles(root, tuple(self.paths), dict(self.real), tuple(self.stamps))


class StoredBibliography(msgspec.Struct, frozen=True):
    """A loaded bibliography as data: its keys, issues, files and counts.  Its entries,
    in definition order, are a row of their own (:meth:`entries_of`), read and decoded
    when an entry's fields are first asked for: a lint asks only which keys exist, and
    reading a megabyte of entries it never decodes (SQLite's overflow pages, the seal's
    hash, msgspec's pass over it) was a tenth of a one-note lint's own work."""

    keys: list[str]
    issues: list[BibIssue]
    files: list[str]
    counts: list[int]

    @classmethod
    def of(cls, bib: Bibliography) -> StoredBibliography:
        return cls(list(bib.entries), list(bib.issues), list(bib.files), list(bib.counts))

    @staticmethod
    def entries_of(bib: Bibliography) -> bytes:
        return encode(list(bib.entries.values()))

    def load(self, read_entries: Callable[[], bytes | None],
             fallback: Callable[[], Bibliography]) -> Bibliography:
        keys = self.keys

        def entries() -> dict[str, BibEntry]:
            raw = read_entries()
            found = _decode(raw, list[BibEntry]) if raw is not None else None
            if found is None or [e.key for e in found] != keys:
                # gone, replaced by another run's, or not these keys': the files say
                return dict(fallback().entries)
            return {e.key: e for e in found}

        return Bibliography(LazyEntries(keys, entries), tuple(self.issues),
                            tuple(self.files), tuple(self.counts))


_ENTRIES = "/entries"
"""The bib row holding a stored bibliography's entries: ``fast/entries``, ``full/entries``."""


def _seal(*parts: bytes | str | int) -> str:
    # the format first: a row another format wrote never passes; blobs as they are
    # (checked, not decoded first)
    return seal(FORMAT, *parts)


def _decode(data: bytes, kind: type[_T]) -> _T | None:
    try:
        return msgspec.json.decode(data, type=kind, dec_hook=decode_hook)
    except (msgspec.DecodeError, msgspec.ValidationError, TypeError, ValueError):
        return None


_ENCODE = msgspec.json.Encoder(enc_hook=encode_hook)


def encode(value: object) -> bytes:
    return _ENCODE.encode(value)


def decode_findings(data: bytes) -> list[Finding] | None:
    """Findings from their stored form, or ``None`` when it is not exactly that."""
    if data == b"[]":
        return []
    try:
        return _findings_decoder().decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError, TypeError, ValueError):
        return None


@cache
def _findings_decoder() -> msgspec.json.Decoder[list[Finding]]:
    # built when first needed: a decoder of Finding reads the annotations of every type
    # a finding holds (a millisecond), and a one-note lint decodes no stored finding --
    # its note changed, and most other notes' findings are the shared b"[]"
    return msgspec.json.Decoder(list[Finding])


class Store:
    """The SQLite file of one vault.  Every method fails soft: a store that cannot be
    read or written only costs time, never a wrong result or a traceback."""

    def __init__(self, vault_root: Path, enabled: bool = True) -> None:
        digest = key(str(vault_root.resolve()), 16)
        self.path = cache_dir() / f"vault-{digest}.sqlite3"
        self._usable = enabled
        self._handle: sqlite3.Connection | None = None

    @property
    def enabled(self) -> bool:
        return self._usable

    @property
    def _db(self) -> sqlite3.Connection | None:
        """The connection, opened on first use after :meth:`close` (a run holds it only
        while it reads and writes: another process may replace the file meanwhile)."""
        if self._handle is None and self._usable:
            self._handle = self._open() or self._rebuild()
            if self._handle is None:
                self._usable = False
        return self._handle

    # -- opening ----------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                 check_same_thread=False)
        except (OSError, sqlite3.Error):
            return None
        try:
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            db.execute("PRAGMA journal_mode = WAL")
            # a cache: a write that a power cut loses is computed again, and a file it
            # damages is set aside and rebuilt (every row is sealed besides), so no fsync --
            # the commit and the checkpoint at close waited on the disk in every run
            db.execute("PRAGMA synchronous = OFF")
            db.executescript(_SCHEMA)
            row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
            if row is None:
                db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))
            elif row[0] != FORMAT:
                with db:
                    db.execute("BEGIN IMMEDIATE")
                    for table in _TABLES:  # another format: new tables
                        db.execute(f"DROP TABLE IF EXISTS {table}")  # noqa: S608 - fixed names
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute("UPDATE meta SET value = ? WHERE key = 'format'", (FORMAT,))
            db.execute("SELECT count(*) FROM notes").fetchone()  # a damaged file fails here
            mark_used(self.path)  # kept from vaultkit.prune
            return db
        except sqlite3.Error:
            db.close()
            return None

    def _rebuild(self) -> sqlite3.Connection | None:
        """The file is not a usable database: set it aside and start a new one."""
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except OSError:
                pass
        return self._open()

    def _failed(self, error: sqlite3.Error) -> None:
        """A read or write failed.  Busy (another run held the file past the timeout):
        this one's results go unstored, the file stays -- it holds the other run's.
        Anything else means a damaged file: :meth:`_broken`."""
        if getattr(error, "sqlite_errorcode", None) in _BUSY or "locked" in str(error):
            return
        self._broken()

    def _broken(self) -> None:
        """A read or write failed mid-run: stop using the store (and rebuild it at close)."""
        db, self._handle = self._handle, None
        self._usable = False
        if db is not None:
            db.close()
        self._rebuild_later = True

    _rebuild_later = False

    def close(self) -> None:
        """Close the connection; the next read or write opens it again."""
        db, self._handle = self._handle, None
        if db is not None:
            db.close()
            prune_daily(self.path.parent)  # a run that used the cache tidies it, once a day
        if self._rebuild_later:
            self._rebuild_later = False
            fresh = self._rebuild()
            if fresh is not None:
                fresh.close()

    # -- notes ------------------------------------------------------------------------
    def note_rows(self) -> dict[str, NoteRow]:
        """Every sealed, well-typed note row by path."""
        return self._rows("", ())

    def _rows(self, where: str, args: tuple[str, ...]) -> dict[str, NoteRow]:
        if self._db is None:
            return {}
        try:
            rows = self._db.execute(
                "SELECT path, size, mtime_ns, ino, hash, anchors, cites, generated_only, "
                "lookalike, verdicts, cfg, note_findings, vfp, vault_findings, seal FROM notes " + where,
                args).fetchall()
        except sqlite3.Error as error:
            self._failed(error)
            return {}
        out: dict[str, NoteRow] = {}
        for (path, size, mtime, ino, hash_, anchors, cites, gen, like, verdicts, cfg, nf, vfp, vf,
             seal) in rows:
            if not (isinstance(path, str) and type(size) is int and type(mtime) is int
                    and type(ino) is int and isinstance(hash_, str) and isinstance(anchors, str)
                    and isinstance(cites, str) and type(gen) is int and isinstance(like, str)
                    and isinstance(verdicts, str) and isinstance(cfg, str)
                    and isinstance(nf, bytes) and isinstance(vfp, str)
                    and isinstance(vf, bytes) and isinstance(seal, str)):
                continue
            if seal != _seal(path, size, mtime, ino, hash_, anchors, cites, gen, like, verdicts,
                             cfg, nf, vfp, vf):
                continue
            out[path] = NoteRow(path, (size, mtime, ino), hash_, anchors, cites, bool(gen), like,
                                verdicts, cfg, nf, vfp, vf)
        return out

    def note_row(self, path: str) -> NoteRow | None:
        """The sealed, well-typed row of one note, or ``None``."""
        return self._rows("WHERE path = ?", (path,)).get(path)

    def note_rows_of(self, paths: list[str]) -> dict[str, NoteRow]:
        """The sealed, well-typed rows of ``paths`` (keyed reads, a few hundred a query)."""
        out: dict[str, NoteRow] = {}
        for start in range(0, len(paths), 500):
            chunk = tuple(paths[start:start + 500])
            out.update(self._rows(f"WHERE path IN ({','.join('?' * len(chunk))})", chunk))
        return out

    def count(self, cfg: str) -> int:
        """How many note rows are stored under ``cfg``.  Most often every row is: then
        SQLite counts the rows from the pages of the ``notes_cfg`` index, and three seeks
        in it (before ``cfg``, after it, NULL) say no row is under another -- counting
        the index's entries for ``cfg`` one by one was 5 M instructions of a one-note
        lint at 10,000 sessions, this is a twentieth of it.  Else the entries are counted."""
        found = self._get(
            "SELECT (SELECT count(*) FROM notes), EXISTS (SELECT 1 FROM notes WHERE cfg < ?1) "
            "OR EXISTS (SELECT 1 FROM notes WHERE cfg > ?1) "
            "OR EXISTS (SELECT 1 FROM notes WHERE cfg IS NULL)", (cfg,))
        if found is not None and type(found[0]) is int and found[1] == 0:
            return found[0]
        found = self._get("SELECT count(*) FROM notes WHERE cfg = ?", (cfg,))
        return found[0] if found is not None and type(found[0]) is int else 0

    def facts(self, path: str, hash: str, cfg: str) -> NoteFacts | None:
        """The stored facts of ``path`` if they are those of content ``hash`` under the
        configuration ``cfg`` (which schemas apply depends on it)."""
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT hash, cfg, data, seal FROM facts WHERE path = ?",
                                   (path,)).fetchone()
        except sqlite3.Error as error:
            self._failed(error)
            return None
        if row is None or row[0] != hash or row[1] != cfg or not isinstance(row[2], bytes):
            return None
        if row[3] != _seal(path, row[0], row[1], row[2]):
            return None
        facts = _decode(row[2], NoteFacts)
        if facts is None or facts.path != path or facts.hash != hash:
            return None
        return facts

    def write(self, rows: Iterable[NoteRow], facts: Iterable[NoteFacts], cfg: str,
              gone: Iterable[str] = ()) -> None:
        """Write rows and facts, and drop paths no longer in the vault, in one transaction."""
        rows, facts, gone = list(rows), list(facts), list(gone)
        if not (rows or facts or gone) or self._db is None:
            return  # nothing to write opens nothing (a run's last save, after its lint's)
        # Encoded one at a time as SQLite takes them, never all at once: a cold run
        # writes every note's row and facts (the encoded list was the cold lint's
        # peak: 18 MB over the facts themselves at 10,000 sessions, linear in the vault).
        note_rows = ((r.path, *r.stat, r.hash, r.anchors, r.cites, int(r.generated_only),
                      r.lookalike, r.verdicts, r.cfg, r.note_findings, r.vfp, r.vault_findings,
                      _seal(r.path, *r.stat, r.hash, r.anchors, r.cites, int(r.generated_only),
                            r.lookalike, r.verdicts, r.cfg, r.note_findings, r.vfp,
                            r.vault_findings))
                     for r in rows)
        fact_rows = ((f.path, f.hash, cfg, data, _seal(f.path, f.hash, cfg, data))
                     for f in facts for data in (encode(f),))
        dropped = [(p,) for p in gone]
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(
                    "INSERT OR REPLACE INTO notes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", note_rows)
                self._db.executemany("INSERT OR REPLACE INTO facts VALUES (?,?,?,?,?)", fact_rows)
                self._db.executemany("DELETE FROM notes WHERE path = ?", dropped)
                self._db.executemany("DELETE FROM facts WHERE path = ?", dropped)
        except sqlite3.Error as error:
            self._failed(error)

    # -- what layers above derive from a note, and their saved states ------------------
    def parts(self, kind: str, cfg: str) -> dict[str, tuple[str, bytes]]:
        """Path -> (content hash, payload) of every sealed ``kind`` row computed under
        ``cfg``: what a consumer above the facts (the index) derived from each note's
        bytes.  The payload is the consumer's to decode (and to distrust)."""
        if self._db is None:
            return {}
        try:
            rows = self._db.execute("SELECT path, hash, data, seal FROM parts WHERE kind = ? AND cfg = ?",
                                    (kind, cfg)).fetchall()
        except sqlite3.Error as error:
            self._failed(error)
            return {}
        out: dict[str, tuple[str, bytes]] = {}
        for path, hash_, data, seal in rows:
            if (isinstance(path, str) and isinstance(hash_, str) and isinstance(data, bytes)
                    and seal == _seal(kind, path, hash_, cfg, data)):
                out[path] = (hash_, data)
        return out

    def part_hashes(self, kind: str, cfg: str, empty: bytes) -> dict[str, tuple[str, bool]]:
        """Path -> (content hash, whether the payload is ``empty``) of every ``kind`` row
        computed under ``cfg``, payloads not read: which notes have a part, and of what
        bytes.  Not sealed here: :meth:`parts_of` checks the seal of what it reads."""
        if self._db is None:
            return {}
        try:
            rows = self._db.execute("SELECT path, hash, data = ? FROM parts WHERE kind = ? AND cfg = ?",
                                    (empty, kind, cfg)).fetchall()
        except sqlite3.Error as error:
            self._failed(error)
            return {}
        return {path: (hash_, bool(is_empty)) for path, hash_, is_empty in rows
                if isinstance(path, str) and isinstance(hash_, str)}

    def parts_of(self, kind: str, cfg: str, paths: list[str]) -> dict[str, tuple[str, bytes]]:
        """:meth:`parts` of ``paths`` only (keyed reads, a few hundred a query)."""
        if self._db is None:
            return {}
        out: dict[str, tuple[str, bytes]] = {}
        for start in range(0, len(paths), 500):
            chunk = tuple(paths[start:start + 500])
            try:
                rows = self._db.execute(
                    f"SELECT path, hash, data, seal FROM parts WHERE kind = ? AND cfg = ? "
                    f"AND path IN ({','.join('?' * len(chunk))})", (kind, cfg, *chunk)).fetchall()
            except sqlite3.Error as error:
                self._failed(error)
                return out
            for path, hash_, data, seal in rows:
                if (isinstance(path, str) and isinstance(hash_, str) and isinstance(data, bytes)
                        and seal == _seal(kind, path, hash_, cfg, data)):
                    out[path] = (hash_, data)
        return out

    def put_parts(self, kind: str, cfg: str, rows: Iterable[tuple[str, str, bytes]],
                  gone: Iterable[str] = ()) -> None:
        """Store (path, content hash, payload) rows of ``kind``; drop the ``gone`` paths'."""
        if self._db is None:
            return
        values = [(kind, path, hash_, cfg, data, _seal(kind, path, hash_, cfg, data))
                  for path, hash_, data in rows]
        dropped = [(kind, p) for p in gone]
        if not (values or dropped):
            return
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany("INSERT OR REPLACE INTO parts VALUES (?,?,?,?,?,?)", values)
                self._db.executemany("DELETE FROM parts WHERE kind = ? AND path = ?", dropped)
        except sqlite3.Error as error:
            self._failed(error)

    def state(self, name: str) -> bytes | None:
        """A payload saved under ``name`` (the last index plan), if sealed."""
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT data, seal FROM states WHERE name = ?", (name,)).fetchone()
        except sqlite3.Error as error:
            self._failed(error)
            return None
        if row is None or not isinstance(row[0], bytes) or row[1] != _seal(name, row[0]):
            return None
        return row[0]

    def put_state(self, name: str, data: bytes) -> None:
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute("INSERT OR REPLACE INTO states VALUES (?,?,?)",
                                 (name, data, _seal(name, data)))
        except sqlite3.Error as error:
            self._failed(error)

    # -- the file list ----------------------------------------------------------------
    def files(self, key: str) -> StoredFiles | None:
        """The last walk of the vault under settings ``key`` (its stamps still to check)."""
        row = self._get("SELECT data, seal FROM listing WHERE key = ?", (key,))
        if row is None or not isinstance(row[0], bytes) or row[1] != _seal(key, row[0]):
            return None
        return _decode(row[0], StoredFiles)

    def put_files(self, key: str, files: VaultFiles) -> None:
        blob = encode(StoredFiles(list(files.paths), files.real, [list(s) for s in files.stamps]))
        self._put("INSERT OR REPLACE INTO listing VALUES (?,?,?)", (key, blob, _seal(key, blob)))

    def _get(self, sql: str, args: tuple[object, ...]) -> tuple[object, ...] | None:
        if self._db is None:
            return None
        try:
            return self._db.execute(sql, args).fetchone()
        except sqlite3.Error as error:
            self._failed(error)
            return None

    def _put(self, sql: str, args: tuple[object, ...]) -> None:
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute(sql, args)
        except sqlite3.Error as error:
            self._failed(error)

    # -- the bibliography -------------------------------------------------------------
    def bibliography(self, kind: str, stamp: str,
                     fallback: Callable[[], Bibliography]) -> Bibliography | None:
        """The bibliography loaded as ``kind`` (fast/full) from files whose stats give
        ``stamp``, if stored; its entries are read and decoded on first use (else
        ``fallback()`` loads them from the files)."""
        blob = self._bib_row(kind, stamp)
        found = _decode(blob, StoredBibliography) if blob is not None else None
        if found is None:
            return None
        return found.load(lambda: self._bib_row(kind + _ENTRIES, stamp), fallback)

    def _bib_row(self, kind: str, stamp: str) -> bytes | None:
        row = self._get("SELECT stamp, data, seal FROM bib WHERE kind = ?", (kind,))
        if row is None or row[0] != stamp or not isinstance(row[1], bytes):
            return None
        return row[1] if row[2] == _seal(kind, stamp, row[1]) else None

    def put_bibliography(self, kind: str, stamp: str, bib: Bibliography) -> None:
        if self._db is None:
            return
        rows = [(name, stamp, blob, _seal(name, stamp, blob)) for name, blob in (
            (kind, encode(StoredBibliography.of(bib))),
            (kind + _ENTRIES, StoredBibliography.entries_of(bib)))]
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany("INSERT OR REPLACE INTO bib VALUES (?,?,?,?)", rows)
        except sqlite3.Error as error:
            self._failed(error)


def version_key() -> str:
    """Part of every cache key: results of another vaultkit version are never reused."""
    return f"{FORMAT}/{__version__}"
