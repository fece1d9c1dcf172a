"""Did-you-mean for citekeys: the known keys closest to a typo.

rapidfuzz (C++, well kept) scores one key against a whole library in well under a
millisecond; the scorer is the same similarity ``difflib.get_close_matches`` uses
(``2 * matches / total length``), so suggestions read as before, without difflib's
quadratic cost on a large library.
"""

from __future__ import annotations

from collections.abc import Sequence

CUTOFF = 60.0
"""Percent similarity below which a key is not worth suggesting (difflib's 0.6)."""


def closest(query: str, choices: Sequence[str], cutoff: float, limit: int) -> list[tuple[str, float, int]]:
    """The ``choices`` most like ``query`` by rapidfuzz's ``fuzz.ratio`` (percent), at
    least ``cutoff``, best first: (choice, score, index) as ``process.extract`` gives."""
    # Imported on first use, as jsonschema is (vaultkit.yamlfile.json_schema): a lint
    # with nothing misspelt -- every pre-commit run on a clean note -- never needs it,
    # and its import is a tenth of that run's start-up.
    from rapidfuzz import fuzz, process

    return process.extract(query, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)


class KeySuggester:
    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        self._memo: dict[tuple[str, int], list[str]] = {}

    def suggest(self, key: str, n: int = 3) -> list[str]:
        memo = self._memo.get((key, n))
        if memo is None:
            found = closest(key, self.keys, CUTOFF, max(n * 4, 12))
            # best first; among equal scores, the same order difflib gives (larger key first)
            ranked = sorted(found, key=lambda hit: (hit[1], hit[0]), reverse=True)
            memo = self._memo[(key, n)] = [hit[0] for hit in ranked[:n]]
        return memo
