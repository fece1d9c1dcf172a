"""The generated-region markers, shared by the index writer, the parser, VK301/VK302.

Obsidian hides ``%% … %%`` comments in reading view, so the markers are invisible.

A marker delimits a region only where it is a line of the note's top level: not inside
the YAML frontmatter, not inside a fenced code block (where it is an example someone
wrote down), not indented four spaces or more (an indented code block), so indented at
most three spaces.  Fences follow CommonMark: an opening run of three or more backticks
or tildes indented at most three spaces, closed by a run of the same character at least
as long with nothing after it but spaces; a fence that is never closed runs to the end
of the note.  A fence may also open in a list item (a bullet followed by a fence) or a block quote
(``>`` followed by a fence): it then holds the item's indented lines (the quote's ``>`` lines) up to its
closing fence, or until the item (the quote) ends -- a line indented less than the item's
text, a line without ``>`` -- as CommonMark closes a fence with its container.  Nested
containers are read as their outermost one.  One pass over the lines, so the cost is
linear in the note.
"""

from __future__ import annotations

from typing import Sequence

from msgspec import Struct

from vaultkit.lazyre import lazy

BEGIN = "%% vaultkit:begin {name} %%"
END = "%% vaultkit:end {name} %%"
MARKER_LINE = lazy(r"^ {0,3}%% vaultkit:(?P<edge>begin|end) (?P<name>[\w-]+) %%[ \t]*$")

# The frontmatter rule of vaultkit.parse.frontmatter: '---' on line 1 up to '---' or '...'.
_FRONTMATTER_OPEN = lazy(r"---[ \t]*\Z")
_FRONTMATTER_CLOSE = lazy(r"(?:---|\.\.\.)[ \t]*\Z")
_FENCE_OPEN = lazy(r" {0,3}(?P<run>`{3,}|~{3,})(?P<info>.*)\Z")
_FENCE_CLOSE = lazy(r" {0,3}(?P<run>`{3,}|~{3,})[ \t]*\Z")
_QUOTE_MARK = r" {0,3}>[ ]?"
_QUOTE = lazy(_QUOTE_MARK)
_CONTAINER = lazy(rf"(?P<quote>{_QUOTE_MARK})|(?P<item> {{0,3}}(?:[-*+]|\d{{1,9}}[.)])[ ]{{1,4}})")
"""A block quote's ``>`` or a list item's marker with the spaces after it, at a line start."""
_FENCE_AFTER_MARKER = lazy(r"(?P<run>`{3,}|~{3,})(?P<info>.*)\Z")
"""A fence right after a container's marker (its indentation is the container's)."""


class _Fence(Struct, frozen=True):
    line: int
    char: str
    run: int
    quote: bool = False
    """Opened in a block quote: its lines start with ``>``."""
    indent: int = 0
    """Opened in a list item: the column its text starts at (its lines are indented so)."""

    def inner(self, line: str) -> str | None:
        """The line as the fence sees it, or None when the fence's container ended."""
        if self.quote:
            m = _QUOTE.match(line)
            return line[m.end():] if m else None
        if self.indent:
            if not line.strip():
                return ""
            width = len(line) - len(line.lstrip(" "))
            return line[self.indent:] if width >= self.indent else None
        return line


def _opening(index: int, line: str) -> _Fence | None:
    """The fence ``line`` opens, at the top level or right after a container's marker."""
    container = _CONTAINER.match(line)
    rest, quote, indent = line, False, 0
    if container is not None:
        rest = line[container.end():]
        quote = container.group("quote") is not None
        indent = 0 if quote else container.end()
    opening = (_FENCE_OPEN if container is None else _FENCE_AFTER_MARKER).match(rest)
    if opening is None:
        return None
    run = opening.group("run")
    if run[0] == "`" and "`" in opening.group("info"):
        return None  # not a fence: an inline code span
    return _Fence(index, run[0], len(run), quote, indent)


class RegionError(Struct, frozen=True):
    line: int
    """1-based line of the first marker of the broken region."""
    message: str


class MarkerScan(Struct, frozen=True):
    """The marker lines of a note that delimit regions, found in one pass."""

    markers: tuple[tuple[int, str, str], ...] = ()
    """(0-based line, "begin" | "end", region name) of every top-level marker line."""
    open_fence: int | None = None
    """0-based line of a code fence that is never closed (it runs to the end)."""
    fenced_names: frozenset[str] = frozenset()
    """Names of marker lines inside that unclosed fence."""

    @property
    def names(self) -> set[str]:
        return {name for _, _, name in self.markers}


def frontmatter_end(lines: Sequence[str]) -> int:
    """0-based index of the first line after the frontmatter (0 when there is none)."""
    if not lines or not _FRONTMATTER_OPEN.match(lines[0]):
        return 0
    for index in range(1, len(lines)):
        if _FRONTMATTER_CLOSE.match(lines[index]):
            return index + 1
    return 0  # never closed: not frontmatter (VK001 says so)


def scan(lines: Sequence[str]) -> MarkerScan:
    """Every top-level marker line of ``lines`` (the note's lines, without line breaks)."""
    markers: list[tuple[int, str, str]] = []
    fence: _Fence | None = None
    fenced: set[str] = set()
    for index in range(frontmatter_end(lines), len(lines)):
        line = lines[index]
        if fence is not None:
            inner = fence.inner(line)
            if inner is not None:
                close = _FENCE_CLOSE.match(inner)
                if close and close.group("run")[0] == fence.char and len(close.group("run")) >= fence.run:
                    fence = None
                    fenced.clear()
                elif m := MARKER_LINE.match(inner) or MARKER_LINE.match(line):
                    fenced.add(m.group("name"))
                continue
            fence = None  # its list item or quote ended, and the fence with it
            fenced.clear()
        if m := MARKER_LINE.match(line):
            markers.append((index, m.group("edge"), m.group("name")))
            continue
        fence = _opening(index, line)
    return MarkerScan(tuple(markers), fence.line if fence else None, frozenset(fenced))


def find_region(lines: Sequence[str], name: str,
                found: MarkerScan | None = None) -> tuple[int, int] | RegionError | None:
    """The 0-based (begin, end) marker lines of region ``name``; None if absent.

    Anything but exactly one begin followed by one end is an error: vaultkit never
    guesses which bytes are the user's.  So is a region whose markers sit only inside a
    code fence that is never closed (a deleted closing fence above the region): writing
    a second region after it would only land inside the same fence, run after run.
    Pass ``found`` (from :func:`scan`) to look up several names in one pass.
    """
    found = scan(lines) if found is None else found
    begins = [i for i, edge, n in found.markers if n == name and edge == "begin"]
    ends = [i for i, edge, n in found.markers if n == name and edge == "end"]
    begin, end = BEGIN.format(name=name), END.format(name=name)
    if not begins and not ends:
        if name in found.fenced_names and found.open_fence is not None:
            return RegionError(
                found.open_fence + 1,
                f"the '{begin}' region is inside a code block that opens here and is never "
                "closed; close the code block so vaultkit can find the region",
            )
        return None
    if len(begins) == 1 and len(ends) == 1 and begins[0] < ends[0]:
        return begins[0], ends[0]
    return RegionError(
        min(begins + ends) + 1,
        f"expected exactly one '{begin}' followed by one '{end}', found {len(begins)} begin "
        f"and {len(ends)} end marker(s); the note is left alone",
    )
