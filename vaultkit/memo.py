"""Verdicts of costly pure checks, kept so that a run whose input did not change skips them.

JSON Schema validation (of ``.vaultkit.yaml``, of schema files, of a note's frontmatter
by VK108) is a pure function of two JSON documents, and importing ``jsonschema`` alone
costs more than the rest of a one-note pre-commit run.  Two kinds of memory serve it,
both keyed by :func:`digest` of everything the check reads:

- **passes** of the few config and schema files: an empty marker file per key in the
  cache folder (data only: its name is all it says);
- **verdicts per note** (VK108's findings for one frontmatter): recorded while a note is
  checked (:func:`begin` / :func:`end`), stored in the note's row by the engine, and
  handed back (:func:`begin` with ``known``) when the note is checked again -- an edit
  below the frontmatter re-validates nothing.

Nothing here changes a result: a key covers every input, and a miss means "compute".
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import msgspec

from vaultkit.digest import key as digest_of
from vaultkit.jsontext import canonical
from vaultkit.prune import mark_used

_files = True
_known: dict[str, str] = {}
_recorded: dict[str, str] = {}
_VERDICTS = msgspec.json.Decoder()
_SORTED = msgspec.json.Encoder(order="sorted")


def cache_dir() -> Path:
    """Where vaultkit keeps what it stores (never inside a vault): ``$VAULTKIT_CACHE_DIR``,
    else ``$XDG_CACHE_HOME/vaultkit``, else ``~/.cache/vaultkit``."""
    explicit = os.environ.get("VAULTKIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "vaultkit"


def source_files(folders: Iterable[Path], suffixes: tuple[str, ...]) -> list[Path]:
    """The files of ``folders`` whose names end in ``suffixes``, in name order (a folder
    that cannot be read has none)."""
    out: list[Path] = []
    for folder in folders:
        try:
            out.extend(Path(e.path) for e in sorted(os.scandir(folder), key=lambda e: e.name)
                       if e.name.endswith(suffixes))
        except OSError:
            continue
    return out


def source_stamp(files: Iterable[Path]) -> str:
    """The size and mtime of the code and data a stored result was made by: a development
    install that edits them in place never meets the results of their older selves."""
    parts = []
    for path in files:
        try:
            info = os.stat(path)
            parts.append(f"{path.parent.name}/{path.name}:{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            parts.append(f"{path.parent.name}/{path.name}:?")
    return digest_of("\n".join(parts), 16)


def folders_stamp(folders: Iterable[Path], suffixes: tuple[str, ...]) -> str:
    """:func:`source_stamp` of :func:`source_files`, from the folders' listings alone: the
    same names, sizes and mtimes, without a path object per file (vaultkit's own ~110
    modules and schemas were 5 M instructions of every lint as paths, 1 M as names)."""
    parts = []
    for folder in folders:
        try:
            with os.scandir(folder) as listing:
                entries = sorted((e.name, e) for e in listing if e.name.endswith(suffixes))
        except OSError:
            continue
        name = os.path.basename(folder)
        for file, entry in entries:
            try:
                info = entry.stat()
                parts.append(f"{name}/{file}:{info.st_size}:{info.st_mtime_ns}")
            except OSError:
                parts.append(f"{name}/{file}:?")
    return digest_of("\n".join(parts), 16)


def digest(*parts: object) -> str:
    """A key for a check of ``parts`` (JSON-like data; other values -- a date YAML gave,
    a set -- by type and repr: :func:`vaultkit.jsontext.canonical`)."""
    return digest_of(canonical(list(parts)))


# -- passes of config and schema files ---------------------------------------------------
def use_files(flag: bool) -> None:
    """Whether markers are read and written in the cache folder (not with ``--no-cache``;
    set by each run of the command line)."""
    global _files
    _files = flag


def _marker(key: str) -> Path:
    return cache_dir() / "passed" / key


def passed(key: str) -> bool:
    """Whether the check with ``key`` passed before."""
    if not _files:
        return False
    path = _marker(key)
    try:
        mark_used(path, os.stat(path).st_mtime)
    except OSError:
        return False
    return True


def mark_passed(key: str) -> None:
    """Remember that the check with ``key`` passed (failures are never remembered)."""
    if not _files:
        return
    path = _marker(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # an empty file: its name is all it says, so creating it is the whole write
        # (nothing to replace atomically; and no tempfile, whose import costs a
        # one-note lint more than the write)
        path.touch()
    except OSError:
        pass  # a cache that cannot be written costs time, never a result


# -- results of pure functions of a file's bytes -----------------------------------------
def _result_path(key: str) -> Path:
    return cache_dir() / "results" / key


def result(key: str) -> bytes | None:
    """What :func:`keep_result` kept under ``key`` (a digest of every input), or ``None``."""
    if not _files:
        return None
    path = _result_path(key)
    try:
        with open(path, "rb") as handle:
            mark_used(path, os.fstat(handle.fileno()).st_mtime)
            return handle.read()
    except OSError:
        return None


def keep_result(key: str, data: bytes) -> None:
    """Keep ``data`` (plain data, never code) under ``key``: written to a temporary name
    and renamed, so a reader sees all of it or nothing."""
    if not _files:
        return
    path = _result_path(key)
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)  # a cache that cannot be written costs time, never a result


# -- verdicts recorded per note ----------------------------------------------------------
def begin(known: str = "") -> None:
    """Start checking one note; ``known`` is what :func:`end` gave for its last check."""
    _recorded.clear()
    _known.clear()
    if known:
        try:
            pairs = _VERDICTS.decode(known)
        except (msgspec.DecodeError, RecursionError):
            return
        if isinstance(pairs, dict):
            _known.update((k, v) for k, v in pairs.items() if isinstance(v, str))


def end() -> str:
    """The verdicts the note's check used or made (JSON), to hand to the next check."""
    out = _SORTED.encode(_recorded).decode() if _recorded else ""
    _recorded.clear()
    _known.clear()
    return out


def verdict(key: str) -> str | None:
    """A verdict known for ``key`` (recorded again, so the next check has it too)."""
    found = _known.get(key)
    if found is not None:
        _recorded[key] = found
    return found


def record(key: str, value: str) -> None:
    _recorded[key] = value
