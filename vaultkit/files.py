"""The files of a vault: discovery, and the two ways Obsidian names a file.

Discovery honours every ``.gitignore`` (each for its own folder, as git does) and the
configured ``exclude`` globs, both gitignore-style (:mod:`vaultkit.globs`), and never enters ``.obsidian/``,
``.trash/`` or ``.git/``.  Directory symlinks are not followed, so a symlink loop cannot
trap the walk.  Every file -- notes and attachments -- is indexed by vault path and by
lower-cased file name, the two ways Obsidian resolves a link.
"""

from __future__ import annotations

import bisect
import os
import re
import time
import unicodedata
from functools import cached_property
from pathlib import Path
from collections.abc import Iterable

from msgspec import Struct

from vaultkit.config import CONFIG_NAME, Config
from vaultkit.errors import UsageError
from vaultkit.globs import Matcher, matcher
from vaultkit.lazyre import lazy
from vaultkit.safe_read import read_regular

ALWAYS_SKIPPED = (".obsidian", ".trash", ".git")
NOTE_SUFFIX = ".md"
CANVAS_SUFFIX = ".canvas"
DOCUMENT_SUFFIXES = (NOTE_SUFFIX, CANVAS_SUFFIX)
"""What is parsed: notes, and canvases for their links."""
_UNSAFE_IN_NAMES = lazy(r'[*"\\/<>:|?]')
_UNSAFE_CHARS = frozenset('*"\\/<>:|?')


def find_root(paths: list[Path], vault: Path | None) -> Path:
    """``--vault``; else the nearest ancestor of the first path (or cwd) holding
    ``.vaultkit.yaml`` or ``.obsidian/``; else a directory given as the path."""
    if vault is not None:
        if not vault.is_dir():
            raise UsageError(f"--vault {vault}: not a directory")
        return vault.resolve()
    start = paths[0] if paths else Path.cwd()
    if not start.exists():
        raise UsageError(f"{start}: no such file or directory")
    start = start.resolve()
    here = start if start.is_dir() else start.parent
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_NAME).is_file() or (candidate / ".obsidian").is_dir():
            return candidate
    if start.is_dir():
        return start
    raise UsageError(
        f"{paths[0]}: no vault found (no {CONFIG_NAME} or .obsidian/ above it); use --vault DIR"
    )


def sanitize_key(key: str) -> str:
    """The file-name form of a citekey, as the Zotero citation plugins write it."""
    # most keys need nothing: a set test is a tenth of a regex substitution, and a
    # vault-wide question sanitizes every key of the bibliography
    return key if _UNSAFE_CHARS.isdisjoint(key) else _UNSAFE_IN_NAMES.sub("_", key)


def sanitize_names(text: str) -> str:
    """:func:`sanitize_key` of a long text (many names joined): whether it holds an
    unsafe character is a substring search each, not a set test per character (2.4 ms
    for a bibliography's keys joined: most of what asking about one key cost)."""
    return _UNSAFE_IN_NAMES.sub("_", text) if any(c in text for c in _UNSAFE_CHARS) else text


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


Stamp = tuple[str, int, int, int]
"""(vault-relative path, mtime_ns, inode, size) of a folder or a ``.gitignore``."""

DOUBT_NS = 2_000_000_000
"""A file or folder modified this recently may change again within its mtime's
granularity: its stat says nothing for sure (git's racy rule)."""


class VaultFiles(Struct, dict=True):
    """Every file of the vault by POSIX path relative to the root (NFC-normalized).

    A msgspec Struct (see :mod:`vaultkit.model`); its lookup dictionaries and the count
    of lookups asked are kept beside the fields (``dict=True``), outside equality."""

    root: Path
    paths: tuple[str, ...]
    real: dict[str, str] = {}
    """NFC path -> path as stored on disk (macOS keeps NFD names)."""
    stamps: tuple[Stamp, ...] = ()
    """What says the walk would list the same files again (:func:`still_listed`): every
    folder it entered and every ``.gitignore`` it read; empty when one was in doubt."""

    @cached_property
    def by_path_lower(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for path in self.paths:
            out.setdefault(path.lower(), []).append(path)
        return out

    @cached_property
    def by_name_lower(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for path in self.paths:
            # a plain split: a PurePosixPath per file was a tenth of a second at 12,000 files
            out.setdefault(path.rpartition("/")[2].lower(), []).append(path)
        return out

    FEW_LOOKUPS = 32
    """Lookups :meth:`named` and :meth:`cased` answer by searching :attr:`lowered`
    before they build the dictionaries: a lint of one note asks a handful (building
    either dictionary of 13,000 files cost more than the rest of its link checks), a
    lint of the vault asks thousands."""

    def named(self, name: str) -> list[str]:
        """The paths whose file name, lower-cased, is ``name`` (lower-cased): what
        Obsidian's shortest-path links match (``by_name_lower[name]``, in path order)."""
        if "by_name_lower" in self.__dict__ or self._many_lookups():
            return self.by_name_lower.get(name, [])
        if not name or "/" in name or "\0" in name:
            return []
        # in a folder (the "/" before the name is in its path) or at the root
        found = self._search("/" + name + "\0", 1) + self._search("\0" + name + "\0", 0)
        return [self.paths[i] for i in sorted(found)]

    def cased(self, path: str) -> list[str]:
        """The paths that, lower-cased, are ``path`` (lower-cased): a link whose case
        differs from the file's (``by_path_lower[path]``, in path order)."""
        if "by_path_lower" in self.__dict__ or self._many_lookups():
            return self.by_path_lower.get(path, [])
        if not path or "\0" in path:
            return []
        return [self.paths[i] for i in self._search("\0" + path + "\0", 0)]

    def _many_lookups(self) -> bool:
        asked = self.__dict__["_lookups"] = self.__dict__.get("_lookups", 0) + 1
        return asked > self.FEW_LOOKUPS

    @cached_property
    def lowered(self) -> str:
        """Every path lower-cased, each after a NUL (no file name holds one): one C
        pass over the list, where a dictionary is a Python step per file.  Lower-casing
        the joined text is lower-casing each path: a NUL is neither cased nor
        case-ignorable, so a final sigma sees it as the end of a name."""
        return ("\0" + "\0".join(self.paths) + "\0").lower()

    def ending_with(self, endings: tuple[str, ...]) -> list[str]:
        """The paths whose lower-cased form ends with one of ``endings`` (lower-cased),
        in path order: a substring search of :attr:`lowered` for each (the bibliography's
        candidates in a vault of 13,000 files, where a Python step per file was the
        cost, and a regular expression without a literal start tried every position)."""
        return self.holding(tuple(e + "\0" for e in endings if e))

    def holding(self, parts: tuple[str, ...]) -> list[str]:
        """The paths whose lower-cased form, a NUL after it, holds one of ``parts``
        (lower-cased; a part may end with the NUL, not start with it), in path order."""
        found = {i for part in parts if part and not part.startswith("\0")
                 and "\0" not in part[:-1] for i in self._search(part, 1)}
        return [self.paths[i] for i in sorted(found)]

    def _search(self, needle: str, inside: int) -> list[int]:
        """The indexes of the paths where ``needle`` occurs in :attr:`lowered`."""
        return find_joined(self.lowered, needle, inside)

    @cached_property
    def notes(self) -> tuple[str, ...]:
        """The ``.md`` files, sorted."""
        return self._by_kind[0]

    @cached_property
    def documents(self) -> tuple[str, ...]:
        """Notes and canvases, sorted: the files parsed for their facts."""
        return self._by_kind[2]

    @cached_property
    def canvases(self) -> tuple[str, ...]:
        """JSON Canvas files: parsed like notes for their links (no sections, no schema)."""
        return self._by_kind[1]

    @cached_property
    def _by_kind(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        # one pass over the paths for all three (every run asks for them; a lint of one
        # note in a big vault spent more on three passes than on its note)
        notes: list[str] = []
        canvases: list[str] = []
        for path in sorted(self.paths):  # sorted already but for a hand-made list
            if _is_note(path):
                notes.append(path)
            elif _is_canvas(path):
                canvases.append(path)
        documents = notes if not canvases else sorted(notes + canvases)
        return tuple(notes), tuple(canvases), tuple(documents)

    def is_note(self, path: str) -> bool:
        """Whether ``path`` is one of :attr:`notes` (asked without listing them)."""
        return self.has(path) and _is_note(path)

    def is_document(self, path: str) -> bool:
        """Whether ``path`` is one of :attr:`documents`, asked without listing them (a
        lint of one note asks it of its note, not of the vault)."""
        return self.has(path) and (_is_note(path) or _is_canvas(path))

    @property
    def document_count(self) -> int:
        """``len(documents)``, counted in :attr:`lowered` while they are not listed: a
        path is a note or a canvas by its lower-cased ending."""
        if "_by_kind" in self.__dict__:
            return len(self.documents)
        text = self.lowered
        return text.count(NOTE_SUFFIX + "\0") + text.count(CANVAS_SUFFIX + "\0")

    def paper_notes(self, template: str) -> dict[str, str]:
        """Sanitized citekey -> path of its paper note, for a template such as
        ``papers/@{key}.md`` (asked several times a run: kept per template)."""
        found = self._paper_notes.get(template)
        if found is None:
            pattern = paper_note_pattern(template)
            before, _, after = template.partition("{key}")
            notes = self.notes
            found = {}
            # the notes are sorted: those starting with ``before`` are one run of them
            for index in range(bisect.bisect_left(notes, before), len(notes)):
                path = notes[index]
                if not path.startswith(before):
                    break
                m = pattern.match(path) if path.endswith(after) else None
                if m:
                    found[m.group("key")] = path
            self._paper_notes[template] = found
        return found

    @cached_property
    def _paper_notes(self) -> dict[str, dict[str, str]]:
        return {}

    @cached_property
    def path_set(self) -> frozenset[str]:
        return frozenset(self.paths)

    MANY_MEMBERSHIPS = 1_000
    """Questions :meth:`has` answers by a binary search before it builds :attr:`path_set`:
    hashing 13,000 paths into the set cost 5 M instructions, what some 3,000 searches
    cost; a lint of one note asks a few dozen."""

    def has(self, path: str) -> bool:
        """Whether ``path`` is one of :attr:`paths` (``path in path_set``)."""
        if "path_set" not in self.__dict__:
            asked = self.__dict__["_memberships"] = self.__dict__.get("_memberships", 0) + 1
            if asked <= self.MANY_MEMBERSHIPS and self._sorted:
                paths = self.paths
                at = bisect.bisect_left(paths, path)
                return at < len(paths) and paths[at] == path
        return path in self.path_set

    def at_top(self, endings: tuple[str, ...]) -> list[str]:
        """The files whose name at the vault's root -- their own, or their top folder's --
        lower-cased, ends with one of ``endings`` (lower-cased), in path order: a binary
        search past each other top folder's files, not a pass over every path (what a
        root-anchored glob such as the default bibliography's ``/*.bib`` can match)."""
        paths = self.paths
        if not self._sorted:
            return [p for p in paths if p.partition("/")[0].lower().endswith(endings)]
        out: list[str] = []
        at, count = 0, len(paths)
        while at < count:
            top, slash, _ = paths[at].partition("/")
            if not slash:
                if top.lower().endswith(endings):
                    out.append(top)
                at += 1
                continue
            end = bisect.bisect_left(paths, top + "0", at)  # "0" follows "/": past top/...
            if top.lower().endswith(endings):
                out.extend(paths[at:end])
            at = end
        return out

    @cached_property
    def _sorted(self) -> bool:
        """The paths in order (a walk's are; a hand-made list may not be)."""
        paths = self.paths
        return list(paths) == sorted(paths)

    def absolute(self, path: str) -> Path:
        return self.root / self.real.get(path, path)

    def with_paths(self, add: tuple[str, ...] = (), remove: tuple[str, ...] = ()) -> VaultFiles:
        """A copy with paths added or removed (a file created, deleted or renamed)."""
        gone = set(remove)
        paths = sorted({*(p for p in self.paths if p not in gone), *add})
        real = {k: v for k, v in self.real.items() if k not in gone}
        return VaultFiles(self.root, tuple(paths), real)  # not a walk's: no stamps


def _is_note(path: str) -> bool:
    return path.endswith(NOTE_SUFFIX) or path[-3:].lower() == NOTE_SUFFIX


def _is_canvas(path: str) -> bool:
    return path[-7:].lower() == CANVAS_SUFFIX


def join_names(names: Iterable[str]) -> str | None:
    """``names``, each after a NUL, and a NUL at the end: a list searched by
    :func:`find_joined` in C, not walked in Python.  ``None`` if a name holds a NUL."""
    names = list(names)
    text = "\0" + "\0".join(names) + "\0"
    return text if text.count("\0") == len(names) + 1 else None


def find_joined(text: str, needle: str, inside: int = 0) -> list[int]:
    """The indexes of the names of ``text`` (:func:`join_names`) where ``needle`` occurs:
    the NULs before a hit are the names before it, and one more when the hit starts
    inside its name (``inside`` = 1: the ``/`` before a file name).  Linear in ``text``
    however many hits."""
    out: list[int] = []
    index, counted = -inside, 0
    at = text.find(needle)
    while at >= 0:
        index += text.count("\0", counted, at)
        counted = at
        out.append(index)
        at = text.find(needle, at + 1)
    return out


def discover(root: Path, config: Config) -> VaultFiles:
    """Walk the vault once: all files, ignoring what git and the config ignore.

    Every ``.gitignore`` counts for its own folder and below, as in git; ``exclude``
    globs count from the vault root.
    """
    # (folder prefix, spec): a pattern in a/.gitignore matches paths relative to a/
    specs: list[tuple[str, Matcher]] = []
    if config.exclude:
        specs.append(("", matcher(config.exclude)))

    def ignored(rel: str) -> bool:
        return any(rel.startswith(prefix) and spec(rel[len(prefix):]) for prefix, spec in specs)

    paths: list[str] = []
    real: dict[str, str] = {}
    stamps: list[Stamp] = []
    recent = time.time_ns() - DOUBT_NS
    # os.walk's order and choices (symlinked folders neither entered nor listed), on
    # os.scandir's entries: whether a file is a symlink comes with the listing, not from
    # one lstat per file (a tenth of a walk of 13,000 files)
    todo = [("", str(root))]
    while todo:
        rel_dir, dirpath = todo.pop()
        try:
            with os.scandir(dirpath) as listing:
                entries = list(listing)
        except OSError:
            continue
        # stated just after it was listed: a folder untouched for two seconds was not
        # changed while it was listed (an entry added or removed changes its mtime)
        stamps.append(_stamp(rel_dir, dirpath))
        if any(e.name == ".gitignore" for e in entries):
            gitignore = _read_gitignore(Path(dirpath) / ".gitignore")
            stamps.append(_stamp(rel_dir + ".gitignore", os.path.join(dirpath, ".gitignore")))
            if gitignore is not None:
                specs.append((rel_dir, gitignore))
        folders = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()  # through a symlink, as os.walk decides
            except OSError:
                is_dir = False
            if is_dir:
                if (not entry.is_symlink() and entry.name not in ALWAYS_SKIPPED
                        and not ignored(rel_dir + entry.name + "/")):
                    folders.append(entry.name)
                continue
            rel = rel_dir + entry.name
            if ignored(rel):
                continue
            if entry.is_symlink() and not _inside(root, entry.path):
                continue  # never read through a link that leaves the vault
            key = nfc(rel)
            paths.append(key)
            if key != rel:
                real[key] = rel
        todo.extend((rel_dir + name + "/", os.path.join(dirpath, name))
                    for name in sorted(folders, reverse=True))
    paths.sort()
    sure = all(mtime < recent for _, mtime, _, _ in stamps)
    return VaultFiles(root, tuple(paths), real, tuple(stamps) if sure else ())


def _stamp(rel: str, absolute: str) -> Stamp:
    try:
        info = os.stat(absolute)
    except OSError:
        return (rel, -1, -1, -1)
    return (rel, info.st_mtime_ns, info.st_ino, info.st_size)


def still_listed(root: Path, stamps: tuple[Stamp, ...]) -> bool:
    """Whether a walk of ``root`` would list what the walk that took ``stamps`` did: no
    folder it entered gained, lost or renamed an entry, no ``.gitignore`` changed (stats
    only, like git's untracked cache; a folder in doubt means walk again)."""
    if not stamps:
        return False
    recent = time.time_ns() - DOUBT_NS
    base = str(root)
    for rel, mtime, ino, size in stamps:
        now = _stamp(rel, os.path.join(base, rel) if rel else base)
        if now != (rel, mtime, ino, size) or mtime >= recent:
            return False
    return True


def _read_gitignore(path: Path) -> Matcher | None:
    try:
        lines = read_regular(path).decode("utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return matcher(lines)


def _inside(root: Path, path: str) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(root.resolve())
        return True
    except (ValueError, OSError):
        return False


def select_targets(root: Path, files: VaultFiles, given: list[Path]) -> tuple[str, ...]:
    """The files to report on under the given files and folders."""
    wanted: list[str] = []
    for path in given:
        resolved = path.resolve() if path.exists() else (Path.cwd() / path)
        try:
            rel = resolved.relative_to(root).as_posix()
        except ValueError as error:
            raise UsageError(f"{path}: outside the vault {root}") from error
        rel = nfc("" if rel == "." else rel)
        if resolved.is_dir():
            prefix = rel + "/" if rel else ""
            wanted.extend(p for p in files.paths if p.startswith(prefix))
        elif files.has(rel):
            wanted.append(rel)
        elif not resolved.exists():
            raise UsageError(f"{path}: no such file or directory")
        # a file git or the config ignores is skipped, as pre-commit expects
    return tuple(dict.fromkeys(wanted))


def paper_note_pattern(template: str) -> re.Pattern[str]:
    """A regex with group ``key`` for a template such as ``papers/@{key}.md``."""
    before, _, after = template.partition("{key}")
    return re.compile(re.escape(before) + r"(?P<key>[^/]+)" + re.escape(after) + r"\Z")


def paper_notes(files: VaultFiles, config: Config) -> dict[str, str]:
    """Sanitized citekey -> path of its paper note (``papers/@{key}.md``)."""
    return files.paper_notes(config.paper_notes)


def looks_like_csl(path: Path) -> bool:
    """A root .json/.yaml is a bibliography only if it looks like CSL (has ids)."""
    try:
        head = read_regular(path, limit=4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    return '"id"' in head or "\n- id:" in head or "\n  id:" in head or "references:" in head
