"""The sessions' parts of the index, kept in the store so unchanged sessions are not parsed.

A session's :class:`~vaultkit.index.collect.SessionPart` is a function of its bytes, the
configuration and schemas (the checker's key), vaultkit's index code, and the keys its
link sources name in the bibliography (recorded in the part and checked on use).  It is
made in the worker that parses the note for the linter (:attr:`Checker.derive`), stored
per content hash, and read back on the next run: a run parses only the sessions whose
bytes changed.  A note with unsaved text (an editor's) is read from that text and its
part is not stored.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

import msgspec
from msgspec.structs import replace

from vaultkit.digest import content as content_hash, key as digest_key
from vaultkit import memo
from vaultkit.engine import code_stamp as engine_code_stamp
from vaultkit.index.collect import SessionPart, read_session
from vaultkit.model import Link, Note
from vaultkit.parse.note import parse_note
from vaultkit.safe_read import read_regular
from vaultkit.store import version_key

if TYPE_CHECKING:
    from vaultkit.engine import Checker
    from vaultkit.schema import Schema
    from vaultkit.index.source import IndexedVault

KIND = "index-session"
"""The store's name for these parts."""
_NOT_A_SESSION = b"null"
_DECODE = msgspec.json.Decoder(SessionPart)
_ENCODE = msgspec.json.Encoder()


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """Size and mtime of the index's own modules and built-in layouts: a part made by an
    older index is never used (a development install edits them in place)."""
    here = Path(__file__).resolve().parent
    folders = [here, here.parent / "rules" / "index", here.parent.parent / "rules" / "index"]
    return memo.folders_stamp(folders, (".py", ".md")) + version_key()


def session_schema_of(schemas: tuple["Schema", ...]) -> "Schema | None":
    """The first applicable schema with a Log grammar: the note is a session."""
    return next((s for s in schemas if s.session_spec is not None), None)


def derive(note: Note, applying: tuple["Schema", ...]) -> bytes:
    """The part of a parsed note, encoded (made in the linter's workers).

    The worker has no bibliography: a link source is recorded as naming no key, and the
    part is made again where the bibliography says otherwise (:func:`gather`)."""
    schema = session_schema_of(applying) if note.readable else None
    if schema is None or schema.session_spec is None:
        return _NOT_A_SESSION
    return _ENCODE.encode(read_session(note, schema, schema.session_spec))


def _decode(data: bytes, path: str) -> SessionPart | None:
    try:
        part = _DECODE.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError, TypeError, ValueError):
        return None
    return part if part.session.path == path else None


class Gathered:
    """Every session's part: known by its content hash, read from the store (and
    checked against the bibliography) only when asked for, so a run that needs a few
    sessions' parts reads and decodes only those."""

    def __init__(self, vault: "IndexedVault", cfg: str, hashes: dict[str, str], held: dict[str, bytes],
                 unsaved: dict[str, SessionPart], exact: bool) -> None:
        self.vault, self._cfg = vault, cfg
        self.hashes = hashes
        """Path -> the content hash of the part of every session not open with unsaved text."""
        self._held = held
        """Path -> encoded part, of the parts made in this run (the others are in the store)."""
        self.unsaved = unsaved
        """Path -> part of the sessions read from an editor's unsaved text."""
        self.exact = exact
        """Every part is of the bytes the checker's rows hold (nothing unsaved, nothing
        changed on disk meanwhile): the plan made from them describes the stored state."""
        self._url_key = _url_key(vault)
        self._fresh: list[tuple[str, str, bytes]] = []

    @property
    def paths(self) -> list[str]:
        """Every session, in path order."""
        return sorted({*self.hashes, *self.unsaved})

    def part(self, path: str, data: bytes | None = None) -> SessionPart | None:
        """The part of one session (its encoded ``data`` when read already), made again
        here when the stored one does not hold."""
        if path in self.unsaved:
            return self.unsaved[path]
        if path not in self.hashes:
            return None
        if data is None:
            data = self._held.get(path)
        if data is None:
            got = self.vault.store.parts_of(KIND, self._cfg, [path]).get(path)
            data = got[1] if got is not None and got[0] == self.hashes[path] else None
        part = _decode(data, path) if data is not None else None
        url_key = self._url_key
        if part is None or any(url_key(target) != named for target, named in part.sources):
            def source_key(link: Link) -> str | None:
                return url_key(link.target) if link.is_url else None
            part, again, data = _read_again(self.vault, path, source_key)
            if part is None:
                self.hashes.pop(path, None)
                self._held.pop(path, None)
                return None
            self._fresh.append((path, again, data))
            self._held[path] = data
            self.hashes[path] = again
            row = self.vault.checker.rows.get(path)
            if row is None or again != row.hash:
                self.exact = False
        return part

    def parts(self, paths: "Iterable[str] | None" = None, *, drop: bool = False) -> Iterator[SessionPart]:
        """The parts of ``paths`` (default: every session), in the order given, read
        from the store a few hundred at a time; ``drop``: forget the encoded parts of
        this run as they are taken (each is wanted once)."""
        wanted = self.paths if paths is None else list(paths)
        drop = drop and self.vault.store.enabled  # (else this run's are the only copies)
        for start in range(0, len(wanted), _BATCH):
            batch = wanted[start:start + _BATCH]
            stored = self.vault.store.parts_of(
                KIND, self._cfg, [p for p in batch if p not in self._held and p in self.hashes])
            for path in batch:
                got = stored.get(path)
                data = self._held.pop(path, None) if drop else None
                part = self.part(path, data if data is not None else (
                    got[1] if got is not None and got[0] == self.hashes.get(path) else None))
                if drop:
                    self._held.pop(path, None)
                if part is not None:
                    yield part
        self.keep()

    def keep(self) -> None:
        """Store the parts made again (checked the same way on every use)."""
        if self._fresh:
            self.vault.store.put_parts(KIND, self._cfg, self._fresh)
            self._fresh = []


_BATCH = 256


def key(vault: "IndexedVault") -> str:
    """What a part (and the index plan) depends on besides the notes' bytes and the link
    sources' keys: the configuration but for which rules run and how loud (a lint with
    ``--select VK301`` reads the parts an index stored), the schemas, vaultkit's code."""
    config = replace(vault.config, select=None, extend_select=(), ignore=(), severity=(),
                     per_path_ignores=(), rule_options=())
    blob = "\n".join([version_key(), engine_code_stamp(), code_stamp(), config.fingerprint(),
                      repr(vault.schemas)])
    return digest_key(blob, 20)


def prepare(vault: "IndexedVault") -> "Checker":
    """The vault's checker with its facts up to date, every note parsed on the way
    handing its part to the index (:func:`derive`)."""
    checker = vault.checker
    checker.derive = derive
    if not checker.refreshed:
        checker.refresh(vault.jobs, vault.progress)
    return checker


def gather(vault: "IndexedVault") -> Gathered:
    """The part of every session of the vault: stored ones where the bytes are the same,
    the rest parsed now (in the linter's workers, which store their findings too)."""
    checker = prepare(vault)
    cfg = key(vault)
    stored = vault.store.part_hashes(KIND, cfg, _NOT_A_SESSION)  # path -> (hash, not a session)
    unsaved = vault.unsaved
    documents = [p for p in checker.facts.files.documents if p.lower().endswith(".md")]
    missing = []
    known_not: list[tuple[str, str, bytes]] = []
    for path in documents:
        row = checker.rows.get(path)
        if row is None or path in unsaved or path in checker.derived:
            continue
        got = stored.get(path)
        if got is None or got[0] != row.hash:
            facts = checker.facts.note(path)
            if facts is not None and facts.readable and _is_session(vault, facts.schemas):
                missing.append(path)
            else:
                stored[path] = (row.hash, True)
                known_not.append((path, row.hash, _NOT_A_SESSION))
    if missing:  # stored by a lint (which makes no parts): parse them again, in workers
        checker.refresh(vault.jobs, vault.progress, also=set(missing))

    url_key = _url_key(vault)

    def source_key(link: Link) -> str | None:
        return url_key(link.target) if link.is_url else None

    hashes: dict[str, str] = {}
    held: dict[str, bytes] = {}
    read_unsaved: dict[str, SessionPart] = {}
    fresh = known_not
    exact = True
    for path in documents:
        if path in unsaved:
            exact = False
            note = vault.note(path)
            schema = _schema(vault, note) if note is not None and note.readable else None
            if note is not None and schema is not None and schema.session_spec is not None:
                read_unsaved[path] = read_session(note, schema, schema.session_spec, source_key)
            continue
        row = checker.rows.get(path)
        if row is None:  # unreadable: not a session the index can read
            continue
        made = checker.derived.get(path)
        if made is not None:
            digest, data = made
            fresh.append((path, digest, data))
            empty = data == _NOT_A_SESSION
            if not empty:
                held[path] = data
        else:
            got = stored.get(path)
            if got is None or got[0] != row.hash:
                continue  # not a session (no part was missing above)
            digest, empty = got
        if digest != row.hash:
            exact = False
        if not empty:
            hashes[path] = digest
    gone = [p for p in stored if p not in checker.rows]
    vault.store.put_parts(KIND, cfg, fresh, gone)
    checker.derived.clear()
    checker.save()  # the notes parsed for their parts: their findings and facts too
    return Gathered(vault, cfg, hashes, held, read_unsaved, exact)


def keep_derived(vault: "IndexedVault") -> None:
    """Store the parts of the notes parsed since :func:`gather` (the index notes the run
    wrote, parsed again for the linter): the next run knows them from their hashes and
    need not read their facts to learn they are not sessions."""
    checker = vault.checker
    if checker.derived:
        vault.store.put_parts(KIND, key(vault), [(p, h, d) for p, (h, d) in checker.derived.items()])
        checker.derived.clear()


def _is_session(vault: "IndexedVault", names: tuple[str, ...]) -> bool:
    wanted = set(names)
    return session_schema_of(tuple(s for s in vault.schemas if s.name in wanted)) is not None


def _schema(vault: "IndexedVault", note: Note) -> "Schema | None":
    return session_schema_of(vault.schemas_for(note))


def _read_again(vault: "IndexedVault", path: str, source_key: Callable[[Link], str | None]
                ) -> tuple[SessionPart | None, str, bytes]:
    """The part of a session whose link sources the bibliography answers otherwise than
    the part says (a worker has no bibliography; or the bibliography changed), made
    here with the bibliography.  Stored: it is checked the same way on every use."""
    try:
        data = read_regular(vault.files.absolute(path), vault.root)
    except OSError:
        return None, "", b""
    digest = content_hash(data)
    note = parse_note(path, data)
    schema = _schema(vault, note) if note.readable else None
    if schema is None or schema.session_spec is None:
        return None, digest, _NOT_A_SESSION
    part = read_session(note, schema, schema.session_spec, source_key)
    return part, digest, _ENCODE.encode(part)


def _url_key(vault: "IndexedVault") -> Callable[[str], str | None]:
    """The key of the bibliography entry a web address names (DOI, arXiv id, URL)."""
    memo: dict[str, str | None] = {}

    def url_key(url: str) -> str | None:
        if url not in memo:
            entry = vault.full_bibliography.entry_for_url(url)
            memo[url] = entry.key if entry is not None else None
        return memo[url]
    return url_key
