"""Gitignore-style globs (``exclude``, ``.gitignore``, ``applies-to.paths``, per-path
ignores, ``bibliography``): the one matcher of vault paths.

pathspec's ``GitIgnoreSpec`` is what they mean, and what matches them -- except the
plain shapes vaultkit's defaults and most configs use, matched here by string tests
that give pathspec's answer (a derandomized property test holds them to it):

- ``sessions/**``, ``/a/b/**``: everything under a folder of the vault root;
- ``/*.bib``: a file (or folder) at the root whose name ends so;
- ``*.bib``: any file or folder whose name ends so;
- ``papers/@*.md``: a file (or folder) in a folder of the root, by how its name starts
  and ends (what a ``paper-notes:`` template gives);
- ``references.bib``: a file (or folder) of that name anywhere; ``refs/main.bib`` and
  ``/main.bib``: that path from the root (what a ``bibliography:`` setting usually is).

Importing pathspec (all of its backends) was a twentieth of a one-note lint, which
matches a handful of such globs: it is imported only for a glob of another shape (an
edge: at its one use).  A core module: nothing of vaultkit's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from vaultkit.lazyre import lazy

Matcher = Callable[[str], bool]
"""True for a vault path (POSIX, relative; a folder with a trailing ``/``) the globs select."""

_SEGMENT = r"(?!\.\.?/)[A-Za-z0-9_.@+=~-]+"
"""A plain file or folder name: no glob character, escape, space, ``!`` or ``#``."""
_FOLDER_TREE = re.compile(rf"/?(?P<folder>{_SEGMENT}(?:/{_SEGMENT})*)/\*\*")
_ENDING = re.compile(r"(?P<root>/?)\*(?P<ending>[A-Za-z0-9_.@+=~-]+)")
_NAME_IN_FOLDER = re.compile(
    rf"/?(?P<folder>{_SEGMENT}(?:/{_SEGMENT})*)/(?P<start>[A-Za-z0-9_.@+=~-]*)\*(?P<end>[A-Za-z0-9_.@+=~-]*)")
_LITERAL = lazy(rf"(?P<root>/?)(?P<path>{_SEGMENT}(?:/{_SEGMENT})*)")


def matcher(globs: Iterable[str]) -> Matcher:
    """A matcher for gitignore-style ``globs`` (the last matching glob decides, ``!``
    re-includes, as in git).  Raises ``ValueError``/``TypeError`` for a glob pathspec
    refuses."""
    return _matcher(tuple(globs))


@lru_cache(maxsize=256)
def _matcher(globs: tuple[str, ...]) -> Matcher:
    # keyed by the globs themselves: a pure memo (a schema's globs are asked per note)
    tests = [_plain(glob) if isinstance(glob, str) else None for glob in globs
             if not isinstance(glob, str) or (glob.strip() and not glob.startswith("#"))]
    if all(test is not None for test in tests):  # (blank lines and comments say nothing)
        plain = tuple(t for t in tests if t is not None)
        return lambda path: any(test(_relative(path)) for test in plain)
    import pathspec  # a glob of another shape: pathspec itself

    return pathspec.GitIgnoreSpec.from_lines(globs).match_file


def _relative(path: str) -> str:
    """The path as pathspec reads it: one leading ``/`` or ``./`` dropped."""
    if path.startswith("/"):
        return path[1:]
    return path[2:] if path.startswith("./") else path


def _plain(glob: str) -> Matcher | None:
    """A string test giving pathspec's answer for one glob of a plain shape, else None."""
    tree = _FOLDER_TREE.fullmatch(glob)
    if tree is not None:
        prefix = tree.group("folder") + "/"
        return lambda path: path.startswith(prefix)
    ending = _ENDING.fullmatch(glob)
    if ending is not None:
        suffix = ending.group("ending")
        if ending.group("root"):  # the first name of the path
            return lambda path: path.partition("/")[0].endswith(suffix)
        return lambda path: any(name.endswith(suffix) for name in path.split("/"))
    named = _NAME_IN_FOLDER.fullmatch(glob)
    if named is not None:
        folder, start, end = named.group("folder") + "/", named.group("start"), named.group("end")
        shortest = len(start) + len(end) or 1  # a lone ``*`` is one name, never none

        def in_folder(path: str) -> bool:
            if not path.startswith(folder):
                return False
            name = path[len(folder):].partition("/")[0]
            return len(name) >= shortest and name.startswith(start) and name.endswith(end)

        return in_folder
    literal = _LITERAL.fullmatch(glob)
    if literal is not None and not any(part in (".", "..") for part in literal.group("path").split("/")):
        path_ = literal.group("path")
        if literal.group("root") or "/" in path_:  # a slash anchors it at the root
            below = path_ + "/"
            return lambda path: path == path_ or path.startswith(below)
        return lambda path: path_ in path.split("/")
    return None


def check(glob: str) -> None:
    """Raise ``ValueError``/``TypeError`` when pathspec would refuse ``glob``."""
    matcher([glob])
