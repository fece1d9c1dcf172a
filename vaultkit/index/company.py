"""'Read with': the papers read in the same sessions as a paper, most shared first.

Only a session's Log counts (a paper merely mentioned was not read with it).  The list
is capped (the rest is "and N more"), and so is the work: counting co-readers pair by
pair is quadratic in the papers of one session (2,000 actions in one session are four
million pairs), so a *large* session is never expanded per paper.  Its members are ranked
once, shared by every paper of the session, and merged with the counts from the paper's
small sessions; the result is the same as counting every pair.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

LARGE = 64
"""A session with more papers than this is ranked once instead of per paper."""


@dataclass(frozen=True)
class Company:
    shown: tuple[tuple[str, int], ...]
    """(other key, sessions shared), most shared first, then by key."""
    more: int
    """How many further papers were read with it."""


@dataclass(frozen=True)
class _Ranked:
    counts: dict[str, int]
    order: tuple[str, ...]
    """Every member, by (-count, key)."""


def company(sessions: Iterable[tuple[str, ...]], keep: Callable[[str], bool], limit: int) -> dict[str, Company]:
    """Per paper kept, its co-readers over ``sessions`` (each the sorted keys a Log read)."""
    members = [tuple(k for k in keys if keep(k)) for keys in sessions]
    of_paper: dict[str, list[int]] = {}
    for index, keys in enumerate(members):
        for key in keys:
            of_paper.setdefault(key, []).append(index)
    ranked: dict[tuple[int, ...], _Ranked] = {}

    def rank(large: tuple[int, ...]) -> _Ranked:
        if large not in ranked:
            counts = Counter(k for i in large for k in members[i])
            ranked[large] = _Ranked(dict(counts), tuple(sorted(counts, key=lambda k: (-counts[k], k))))
        return ranked[large]

    out: dict[str, Company] = {}
    for key, indexes in of_paper.items():
        small: Counter[str] = Counter()
        large = tuple(i for i in indexes if len(members[i]) > LARGE)
        for i in indexes:
            if len(members[i]) <= LARGE:
                small.update(members[i])
        small.pop(key, None)
        if not large:
            order = sorted(small.items(), key=lambda kv: (-kv[1], kv[0]))
            out[key] = Company(tuple(order[:limit]), max(0, len(order) - limit))
            continue
        big = rank(large)
        candidates = {k: n + big.counts.get(k, 0) for k, n in small.items()}
        taken = 0
        for other in big.order:  # the best of the large sessions not counted above
            if taken >= limit:
                break
            if other != key and other not in candidates:
                candidates[other] = big.counts[other]
                taken += 1
        order = sorted(candidates.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        total = len(big.counts) - (key in big.counts) + sum(1 for k in small if k not in big.counts)
        out[key] = Company(tuple(order), total - len(order))
    return out
