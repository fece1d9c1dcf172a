"""Compiled regular expressions kept between runs, as the interpreter keeps compiled modules.

CPython compiles a regular expression with a parser and a compiler written in Python
(``re._parser``, ``re._compiler``): a one-note lint compiles some 120 patterns -- the
module-level ones of the parser and the rules, mistune's block and inline scanners on its
first parse -- for about 60 M instructions, more than the lint's own work on its note.
What a pattern compiles to depends only on its text, its flags and the interpreter build,
so a run keeps those programs: :func:`seed` puts the last runs' patterns into ``re``'s
own cache before anything asks for them (``re.compile`` then finds them there),
:meth:`Seeds.save` adds the patterns compiled since.  A run with nothing new writes
nothing.

The file holds data only -- the pattern, its flags, the program (integers), its group
names -- in ``marshal``'s format, as the interpreter's own ``__pycache__`` does, with a
CRC-32 of it and the exact interpreter build it came from.  Every field is checked for
its type, and ``_sre`` validates each program it is handed; a file damaged, of another
build, or a program refused means those patterns are compiled as usual, never a
different answer.  Where ``re`` keeps no such cache (another implementation), nothing
is done.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
from pathlib import Path
from typing import Any
from zlib import crc32

try:
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - not CPython: nothing is kept
    _sre = None

MAGIC = b"vaultkit-regex-1\n"
"""The file's first bytes: bumped whenever its layout changes."""

LIMIT = 400
"""Patterns kept at most (the newest): a run compiles about 120, and a pattern made
from a vault's settings (its globs) is one more per vault."""

Key = tuple[type, "str | bytes", int]
Entry = tuple[Any, ...]
"""(pattern, flags, flags as compiled, program, groups, group index, index group)."""


def _build() -> tuple[object, ...]:
    """What the programs are valid for: the interpreter build and its regex engine."""
    return (sys.version, sys.hexversion, getattr(_sre, "MAGIC", None),
            getattr(_sre, "CODESIZE", None), sys.maxunicode)


def _cache() -> dict[Any, Any] | None:
    found = getattr(re, "_cache", None)
    return found if type(found) is dict and _sre is not None else None


def file_in(folder: Path) -> Path | None:
    """The file of this interpreter's programs in the cache folder."""
    tag = sys.implementation.cache_tag
    return folder / f"regex-{tag}.bin" if tag else None


def _entries(data: bytes) -> list[Entry]:
    """The entries of a file's bytes; none when anything about it is in doubt."""
    head = len(MAGIC) + 4
    if not data.startswith(MAGIC) or len(data) < head:
        return []
    body = data[head:]
    if int.from_bytes(data[len(MAGIC):head], "big") != crc32(body):
        return []
    try:
        build, entries = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return []
    if build != _build() or type(entries) is not list:
        return []
    return [e for e in entries if _well_typed(e)]


def _well_typed(entry: object) -> bool:
    if type(entry) is not tuple or len(entry) != 7:
        return False
    pattern, flags, compiled, code, groups, groupindex, indexgroup = entry
    return (type(pattern) in (str, bytes) and type(flags) is int and type(compiled) is int
            and type(code) is list  # its items: _sre takes integers only
            and type(groups) is int and type(groupindex) is dict
            and all(type(k) is str and type(v) is int for k, v in groupindex.items())
            and type(indexgroup) is tuple
            and all(g is None or type(g) is str for g in indexgroup))


def entry(pattern: str | bytes, flags: int) -> Entry:
    """What ``re`` compiles ``pattern`` with ``flags`` to (as ``re._compiler.compile``
    hands it to ``_sre.compile``), as plain data."""
    parsed = _parser.parse(pattern, flags)
    code = [int(c) for c in _compiler._code(parsed, flags)]
    groupindex = {str(k): int(v) for k, v in parsed.state.groupdict.items()}
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (pattern, int(flags), int(flags | parsed.state.flags), code,
            parsed.state.groups - 1, groupindex, tuple(indexgroup))


def _compiled(item: Entry) -> re.Pattern[Any] | None:
    pattern, _, compiled, code, groups, groupindex, indexgroup = item
    try:
        return _sre.compile(pattern, compiled, code, groups, groupindex, indexgroup)
    except (RuntimeError, TypeError, ValueError, OverflowError):  # a program _sre refuses
        return None


class Seeds:
    """The patterns one run put into ``re``'s cache, and what it held before."""

    def __init__(self, path: Path | None, entries: list[Entry], before: frozenset[Key]) -> None:
        self.path = path
        self.entries = entries
        self._before = before

    def new_keys(self) -> list[Key]:
        """The patterns compiled since :func:`seed` (not seeded, not cached before)."""
        cache = _cache()
        if cache is None:
            return []
        known = self._before | {(type(e[0]), e[0], e[1]) for e in self.entries}
        return [k for k in list(cache) if k not in known and type(k) is tuple and len(k) == 3
                and k[0] in (str, bytes) and type(k[2]) is int and not k[2] & re.DEBUG]

    def save(self) -> None:
        """Add the patterns compiled since :func:`seed` to the file; nothing new, no write."""
        new = self.new_keys()
        if self.path is None or not new:
            return
        added = []
        for _, pattern, flags in new:
            try:
                added.append(entry(pattern, flags))
            except Exception:  # noqa: BLE001 - a pattern this module cannot take: left out
                continue
        self.save_entries(added)
        self._before = self._before | frozenset(new)

    def save_entries(self, added: list[Entry]) -> None:
        """Write the file: the entries read, then ``added`` (the newest :data:`LIMIT`)."""
        if self.path is None:
            return
        kept = (self.entries + added)[-LIMIT:]
        body = marshal.dumps((_build(), kept))
        data = MAGIC + crc32(body).to_bytes(4, "big") + body
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
            os.replace(temporary, self.path)  # whole or not at all, for a concurrent run
        except OSError:
            try:
                temporary.unlink()
            except OSError:
                pass
            return
        self.entries = kept


def seed(folder: Path) -> Seeds:
    """Put the stored programs into ``re``'s cache (those it does not hold already)."""
    cache = _cache()
    path = file_in(folder) if cache is not None else None
    if cache is None or path is None:
        return Seeds(None, [], frozenset())
    before = frozenset(cache)
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    entries = _entries(data)
    kept = []
    for item in entries:
        key = (type(item[0]), item[0], item[1])
        if key in cache:
            kept.append(item)
            continue
        compiled = _compiled(item)
        if compiled is not None and compiled.pattern == item[0] and compiled.flags == item[2]:
            cache[key] = compiled
            kept.append(item)
    return Seeds(path, kept, before)
