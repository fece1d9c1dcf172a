"""Reading and parsing every note: cached by content, in parallel when it pays.

Per-note work is a pure function of (bytes, vaultkit version), so a parsed
:class:`~vaultkit.model.Note` is cached under the SHA-256 of its bytes.  The cache lives
outside the vault (``$VAULTKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/vaultkit``, else
``~/.cache/vaultkit``): vaultkit writes into a vault only when asked to.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable

from vaultkit import __version__
from vaultkit.model import Note, Problem, Span
from vaultkit.parse.note import parse_note
from vaultkit.safe_read import read_regular

PARALLEL_THRESHOLD = 400
"""Below this many notes to parse, worker start-up costs more than it saves."""


def cache_dir() -> Path:
    explicit = os.environ.get("VAULTKIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "vaultkit"


class NoteCache:
    """Parsed notes by content hash, in 256 shard files per vault.

    A commit usually changes a few notes: only the shards holding their old and new
    entries are rewritten, not the whole cache.  A rewritten shard also drops the entries
    no note used in this run (renamed or edited notes).
    """

    SHARD_CHARS = 2  # the first two hex digits of the key: 256 shards

    def __init__(self, vault_root: Path, enabled: bool = True) -> None:
        self.enabled = enabled
        digest = hashlib.sha256(str(vault_root.resolve()).encode()).hexdigest()[:16]
        self.folder = cache_dir() / f"notes-{__version__}-{digest}"
        self.shards: dict[str, dict[str, Note]] = {}
        self.used: set[str] = set()
        self.dirty: set[str] = set()
        if enabled:
            self._load()

    def _load(self) -> None:
        try:
            files = sorted(self.folder.glob("*.pickle"))
        except OSError:
            return
        for file in files:
            try:
                with open(file, "rb") as handle:
                    loaded = pickle.load(handle)
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
                    TypeError, ValueError, IndexError):
                continue  # a damaged shard only costs a re-parse
            if isinstance(loaded, dict):
                self.shards[file.stem] = loaded

    def _shard(self, key: str) -> str:
        return key[: self.SHARD_CHARS]

    def get(self, key: str) -> Note | None:
        note = self.shards.get(self._shard(key), {}).get(key)
        if note is not None:
            self.used.add(key)
        return note

    def put(self, key: str, note: Note) -> None:
        shard = self._shard(key)
        self.shards.setdefault(shard, {})[key] = note
        self.used.add(key)
        self.dirty.add(shard)

    def save(self) -> None:
        if not self.enabled or not self.dirty:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for shard in sorted(self.dirty):
                kept = {k: v for k, v in self.shards[shard].items() if k in self.used}
                fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".shard-")
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump(kept, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.folder / f"{shard}.pickle")
        except OSError:
            pass  # a cache that cannot be written only costs time


def _read(path: Path) -> bytes | Problem:
    try:
        return read_regular(path)
    except IsADirectoryError:
        return Problem("VK002", Span(1, 1, 1, 1), "this .md path is a folder, not a note")
    except OSError as error:
        reason = error.strerror or error.__class__.__name__
        return Problem("VK002", Span(1, 1, 1, 1), f"cannot read note: {reason}")


def _unreadable(rel: str, problem: Problem) -> Note:
    return Note(path=rel, lines=(), problems=(problem,), readable=False)


def read_note(rel: str, absolute: Path) -> Note:
    """Read and parse one note, uncached (a note asked for on demand)."""
    data = _read(absolute)
    return _unreadable(rel, data) if isinstance(data, Problem) else parse_note(rel, data)


def _key(rel: str, data: bytes) -> str:
    # the path is part of the key: Note.path is stored in the note
    return hashlib.sha256(rel.encode() + b"\0" + data).hexdigest()


def _parse_pair(item: tuple[str, bytes]) -> Note:
    return parse_note(*item)


def load_notes(
    paths: dict[str, Path], cache: NoteCache, jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Note]:
    """Parse the notes at ``paths`` (vault path -> absolute path).

    ``progress(done, total)`` is told of every note read from the cache or parsed.
    """
    notes: dict[str, Note] = {}
    todo: list[tuple[str, str, bytes]] = []
    total = len(paths)
    tell = progress or _silent
    for rel, absolute in paths.items():
        data = _read(absolute)
        if isinstance(data, Problem):
            notes[rel] = _unreadable(rel, data)
        else:
            key = _key(rel, data)
            cached = cache.get(key)
            if cached is not None:
                notes[rel] = cached
            else:
                todo.append((key, rel, data))
        tell(len(notes), total)
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers > 1 and len(todo) >= PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parsed = pool.map(_parse_pair, [(rel, data) for _, rel, data in todo], chunksize=64)
            for (key, rel, _), note in zip(todo, parsed):
                _keep(notes, cache, key, rel, note)
                tell(len(notes), total)
    else:
        for key, rel, data in todo:
            _keep(notes, cache, key, rel, parse_note(rel, data))
            tell(len(notes), total)
    cache.save()
    tell(total, total)
    return notes


def _keep(notes: dict[str, Note], cache: NoteCache, key: str, rel: str, note: Note) -> None:
    cache.put(key, note)
    notes[rel] = note


def _silent(done: int, total: int) -> None:
    pass
