"""The generated-region markers, shared by the index writer and the parser.

Obsidian hides ``%% … %%`` comments in reading view, so the markers are invisible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

BEGIN = "%% vaultkit:begin {name} %%"
END = "%% vaultkit:end {name} %%"
MARKER_LINE = re.compile(r"^[ \t]*%% vaultkit:(?P<edge>begin|end) (?P<name>[\w-]+) %%[ \t]*$")


@dataclass(frozen=True, slots=True)
class RegionError:
    line: int
    """1-based line of the first marker of the broken region."""
    message: str


def find_region(lines: Sequence[str], name: str) -> tuple[int, int] | RegionError | None:
    """The 0-based (begin, end) marker lines of region ``name``; None if absent.

    Anything but exactly one begin followed by one end is an error: vaultkit never
    guesses which bytes are the user's.
    """
    begins: list[int] = []
    ends: list[int] = []
    for index, line in enumerate(lines):
        m = MARKER_LINE.match(line)
        if m and m.group("name") == name:
            (begins if m.group("edge") == "begin" else ends).append(index)
    if not begins and not ends:
        return None
    if len(begins) == 1 and len(ends) == 1 and begins[0] < ends[0]:
        return begins[0], ends[0]
    begin, end = BEGIN.format(name=name), END.format(name=name)
    return RegionError(
        min(begins + ends) + 1,
        f"expected exactly one '{begin}' followed by one '{end}', found {len(begins)} begin "
        f"and {len(ends)} end marker(s); the note is left alone",
    )
