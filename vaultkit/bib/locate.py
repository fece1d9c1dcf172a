"""Which bibliography files a vault uses, and what to say when there are none.

* No ``bibliography:`` in ``.vaultkit.yaml``: every ``*.bib`` and CSL ``*.json``/``*.yaml``
  at the vault root (a root ``.json``/``.yaml`` counts only if it looks like CSL).
* ``bibliography:`` given: each entry is a glob over the vault's files, or a path outside
  the vault -- absolute, ``~/…`` or ``../…`` -- read where it is (Zotero's auto-export to
  ``~/Zotero/My Library.bib``).  An entry that matches nothing is a usage error (exit 2),
  naming the entry and the bibliography-like files the vault does have: a typo must not
  turn into a wall of "unknown citekey".
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from msgspec import Struct

from vaultkit.bib import SUFFIXES
from vaultkit.didyoumean import close_matches
from vaultkit.errors import UsageError
from vaultkit.globs import matcher

DEFAULT_LOOKED = "*.bib and CSL *.json/*.yaml at the vault root"
_GLOB = frozenset("*?[")


class BibliographyFiles(Struct, frozen=True):
    files: tuple[tuple[Path, str], ...]
    """(absolute path, display): vault-relative POSIX inside the vault, as configured outside."""
    looked: str
    """Where vaultkit looked, in words (for the summary when nothing was found)."""
    elsewhere: tuple[str, ...] = ()
    """Bibliography-like files in the vault that were not loaded (``bib/references.bib``)."""


def locate(
    root: Path,
    paths: tuple[str, ...],
    patterns: tuple[str, ...],
    explicit: bool,
    looks_like_csl: Callable[[str], bool],
    source: str | None = None,
    *,
    holding: Callable[[tuple[str, ...]], Iterable[str]] | None = None,
    at_top: Callable[[tuple[str, ...]], Iterable[str]] | None = None,
) -> BibliographyFiles:
    """The bibliography files of the vault at ``root`` whose files are ``paths``.
    ``holding(parts)``: the paths whose lower-cased form, a NUL after it, holds one of
    the ``parts``, when the caller's file list finds them faster than a walk of ``paths``
    (:meth:`vaultkit.files.VaultFiles.holding`): then neither the candidates nor a
    configured glob's matches cost a test of every file.  ``at_top(endings)``: the
    paths whose root-level name ends with one of ``endings``
    (:meth:`~vaultkit.files.VaultFiles.at_top`), all that the default globs, anchored
    at the root, can match."""
    # a plain string split: PurePosixPath per path was most of a warm lint's locate step
    candidates = tuple(p for p in (holding(tuple(e + "\0" for e in _ENDINGS)) if holding is not None
                                   else (p for p in paths if p.lower().endswith(_ENDINGS)))
                       if _suffix(p) in SUFFIXES) if explicit or at_top is None or holding is None else ()
    if not explicit:
        spec = matcher(["/" + g for g in patterns])
        near = candidates if at_top is None or holding is None else tuple(
            p for p in at_top(_ENDINGS) if p.lower().endswith(_ENDINGS) and _suffix(p) in SUFFIXES)
        found = [p for p in near if spec(p) and p != ".vaultkit.yaml"
                 and (p.lower().endswith((".bib", ".bibtex")) or looks_like_csl(p))]
        bibs = candidates if at_top is None or holding is None else holding((".bib\0",))
        elsewhere = tuple(p for p in bibs if "/" in p and p.lower().endswith(".bib")
                          and _suffix(p) in SUFFIXES)
        return BibliographyFiles(tuple((root / p, p) for p in found), DEFAULT_LOOKED, elsewhere)
    files: list[tuple[Path, str]] = []
    seen: set[str] = set()
    for pattern in patterns:
        matched = _outside(root, pattern) if _is_outside(pattern) else [
            (root / p, p) for p in _could_match(pattern, paths, holding)
            if p != ".vaultkit.yaml" and matcher([pattern])(p)
        ]
        if not matched:
            raise UsageError(_no_match(pattern, candidates, source))
        for absolute, display in matched:
            if display not in seen:
                seen.add(display)
                files.append((absolute, display))
    return BibliographyFiles(tuple(files), "bibliography: " + ", ".join(patterns))


_ENDINGS = tuple(SUFFIXES)
_GLOB_OR_ESCAPE = frozenset("*?[]\\/!")


def _could_match(pattern: str, paths: tuple[str, ...],
                 holding: Callable[[tuple[str, ...]], Iterable[str]] | None) -> Iterable[str]:
    """The paths a gitignore-style ``pattern`` could match: those holding the literal end
    of its last name (``references.bib``, the ``.bib`` of ``*.bib``) at the end of a name
    of theirs -- a file's or a folder's: a match of a folder is a match of what is in
    it.  A superset (case aside), tested by the matcher; every path when the end is not
    plain ASCII text."""
    text = pattern.rstrip()  # (gitignore drops trailing spaces)
    tail = ""
    for char in reversed(text):
        if char in _GLOB_OR_ESCAPE:
            break
        tail = char + tail
    if holding is None or not tail or not tail.isascii() or text.endswith("/"):
        return paths
    low = tail.lower()
    return holding((low + "/", low + "\0"))


def _suffix(path: str) -> str:
    """The lower-cased suffix of a POSIX path's file name, as ``PurePosixPath.suffix``."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def _is_outside(pattern: str) -> bool:
    return (pattern.startswith("~") or os.path.isabs(pattern)
            or PurePosixPath(pattern).parts[:1] == ("..",))


def _outside(root: Path, pattern: str) -> list[tuple[Path, str]]:
    """Files outside the vault named by ``pattern`` (read only, never written)."""
    expanded = os.path.expanduser(pattern)
    if not os.path.isabs(expanded):
        expanded = str(root / expanded)
    if _GLOB & set(pattern):
        names = sorted(glob.glob(expanded))
        return [(Path(n), n if not pattern.startswith("~") else _tilde(n)) for n in names
                if os.path.isfile(n)]
    return [(Path(expanded), pattern)] if os.path.isfile(expanded) else []


def _tilde(path: str) -> str:
    home = os.path.expanduser("~")
    return "~" + path[len(home):] if path.startswith(home) else path


def _no_match(pattern: str, candidates: tuple[str, ...], source: str | None) -> str:
    where = f"{source}: " if source else ""
    hint = close_matches(pattern, list(candidates), n=1, cutoff=0.5)
    if hint:
        extra = f" (did you mean '{hint[0]}'?)"
    elif candidates:
        extra = " (bibliography files in the vault: " + ", ".join(candidates[:5]) + ")"
    else:
        extra = " (the vault holds no .bib, .json or .yaml file)"
    return f"{where}bibliography: '{pattern}' matches no file{extra}"
