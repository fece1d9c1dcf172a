"""Reading and parsing notes on demand (the store keeps facts and findings, not notes).

Nothing parsed is cached on disk: a lint reads findings from the store
(:mod:`vaultkit.store`) and parses only changed notes, in workers
(:class:`vaultkit.engine.Checker`); a consumer that needs whole notes (the index) parses
them here, in parallel when there are many.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from vaultkit.model import Note, Problem, Span
from vaultkit.workers import process_pool
from vaultkit.parse.note import parse_note
from vaultkit.safe_read import read_regular
from vaultkit.memo import cache_dir

__all__ = ["LazyNotes", "cache_dir", "read_bytes", "read_note"]

PARALLEL_THRESHOLD = 400
"""Below this many notes to parse, worker start-up costs more than it saves."""


def read_bytes(path: Path) -> bytes | Problem:
    try:
        return read_regular(path)
    except IsADirectoryError:
        return Problem("VK002", Span(1, 1, 1, 1), "this .md path is a folder, not a note")
    except OSError as error:
        reason = error.strerror or error.__class__.__name__
        return Problem("VK002", Span(1, 1, 1, 1), f"cannot read note: {reason}")


def unreadable(rel: str, problem: Problem) -> Note:
    return Note(path=rel, lines=(), problems=(problem,), readable=False)


def read_note(rel: str, absolute: Path) -> Note:
    """Read and parse one note."""
    data = read_bytes(absolute)
    return unreadable(rel, data) if isinstance(data, Problem) else parse_note(rel, data)


def _read_pair(item: tuple[str, str]) -> Note:
    return read_note(item[0], Path(item[1]))


class LazyNotes(Mapping[str, Note]):
    """Every note of the vault by path, parsed on first access.

    ``overlay`` gives unsaved text (an editor's buffer) that wins over the file.
    """

    def __init__(self, paths: Callable[[], tuple[str, ...]], absolute: Callable[[str], Path],
                 overlay: Mapping[str, bytes] | None = None) -> None:
        self._paths = paths
        self._absolute = absolute
        self._overlay = overlay if overlay is not None else {}
        self._parsed: dict[str, Note] = {}
        self._set: tuple[tuple[str, ...], frozenset[str]] = ((), frozenset())

    def __getitem__(self, path: str) -> Note:
        note = self._parsed.get(path)
        if note is None:
            if path not in self._path_set():
                raise KeyError(path)
            data = self._overlay.get(path)
            note = (parse_note(path, data) if data is not None
                    else read_note(path, self._absolute(path)))
            self._parsed[path] = note
        return note

    def _path_set(self) -> frozenset[str]:
        paths = self._paths()
        if self._set[0] is not paths:  # the file list is replaced, never mutated
            self._set = (paths, frozenset(paths))
        return self._set[1]

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and (path in self._parsed or path in self._path_set())

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths())

    def __len__(self) -> int:
        return len(self._paths())

    def __setitem__(self, path: str, note: Note) -> None:
        self._parsed[path] = note

    def forget(self, path: str) -> None:
        """Parse ``path`` again when next asked (its bytes changed)."""
        self._parsed.pop(path, None)

    def prefetch(self, paths: list[str], jobs: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        """Parse ``paths`` now, in worker processes when there are many;
        ``progress(done, total)`` hears of each one."""
        todo = [p for p in paths if p not in self._parsed and p not in self._overlay]
        total, done = len(paths), len(paths) - len(todo)
        tell = progress or (lambda done, total: None)
        tell(done, total)
        workers = jobs if jobs is not None else (os.cpu_count() or 1)
        if workers > 1 and len(todo) >= PARALLEL_THRESHOLD:
            with process_pool(workers) as pool:
                items = [(p, str(self._absolute(p))) for p in todo]
                for path, note in zip(todo, pool.map(_read_pair, items, chunksize=64)):
                    self._parsed[path] = note
                    done += 1
                    tell(done, total)
        else:
            for path in todo:
                self[path]
                done += 1
                tell(done, total)
