"""Regular expressions compiled the first time they are used.

A module-level ``re.compile`` runs on every start-up, and most of vaultkit's patterns
serve notes that a run may never meet (fences, math, bare URLs, index markers, action
logs): compiling them all was a tenth of a one-note lint's instructions.  :func:`lazy`
gives a stand-in that compiles on first use and then keeps the compiled pattern's bound
methods in its slots (the idea of bzr's ``lazy_regex``): a call then costs a slot read
more than a compiled pattern's own method (about 90 instructions beside the 2,200 of a
short ``match``).  A pattern every run uses is compiled with ``re.compile`` as before.
"""

from __future__ import annotations

import re
from typing import cast

# everything a compiled pattern offers that vaultkit's code reads
_ATTRIBUTES = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer",
               "scanner", "pattern", "flags", "groups", "groupindex")


class _Compiled:
    """A stand-in once compiled: its attributes are the pattern's, in slots."""

    __slots__ = ("_source", *_ATTRIBUTES)
    _source: tuple[str, int]

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r}, {self._source[1]!r})"


class _LazyPattern(_Compiled):
    __slots__ = ()

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> object:
        # the first use: compile, copy the pattern's attributes in, and become a class
        # without __getattr__ (whose mere presence slows every attribute lookup)
        compiled = re.compile(*self._source)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        self.__class__ = _Compiled
        return getattr(compiled, name)


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, done when the pattern is first used."""
    # not a Pattern (isinstance is false, re's functions do not take it), but it answers
    # every attribute of _ATTRIBUTES as one would
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))
