"""Did-you-mean for rule selectors, like for like: a code is compared with codes, a name
with names.

``--select VK2O1`` means ``VK201`` (one character off, an O for a zero), not ``VK210``
(which difflib ranks the same: both share four characters); ``dangling-citekeys`` means
``dangling-citekey``, suggested as it is spelt, not upper-cased.

Every did-you-mean of a word among a few (rule options, schema keys, section titles,
tags) is :func:`close_matches`: difflib's, imported when a suggestion is first
computed -- a run with nothing misspelt, every pre-commit run on a clean note, never
needs it.  Citekeys, among thousands, are :mod:`vaultkit.suggest`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CODE_LIKE = re.compile(r"^[A-Za-z]{1,3}[0-9OoIl]+$")
_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1"})


def suggest_rule(selector: str, codes: list[str], names: list[str]) -> str | None:
    """The rule code or name ``selector`` most likely meant, or ``None``."""
    s = selector.strip()
    if _CODE_LIKE.match(s):
        return _closest_code(s, codes)
    close = close_matches(s.lower(), names, n=1, cutoff=0.6)
    return close[0] if close else None


def _closest_code(selector: str, codes: list[str]) -> str | None:
    letters = re.match(r"[A-Za-z]+", selector)
    head = letters.group().upper() if letters else ""
    wanted = head + selector[len(head):].translate(_LOOKALIKE)
    if wanted in codes:
        return wanted
    best: tuple[int, str] | None = None
    for code in codes:
        if len(code) != len(wanted):
            continue
        distance = sum(a != b for a, b in zip(code, wanted))  # same place, same meaning
        if distance <= 1 and (best is None or distance < best[0]):
            best = (distance, code)
    if best is not None:
        return best[1]
    prefixes = sorted({c[: len(wanted)] for c in codes if len(c) > len(wanted)})
    close = close_matches(wanted, prefixes, n=1, cutoff=0.75)
    return close[0] if close else None


def close_matches(word: str, possibilities: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """``difflib.get_close_matches``: the best ``n`` of ``possibilities`` at least
    ``cutoff`` alike, best first."""
    import difflib  # an edge: only a run that suggests something needs it

    return difflib.get_close_matches(word, possibilities, n=n, cutoff=cutoff)
