"""Apply edits to a file's bytes: the one splice behind fixes, code actions and the index.

Spans name characters of the decoded text (1-based line and code-point column, end
exclusive).  :func:`splice` maps them onto the original *bytes* and replaces only those
bytes: everything outside the edits -- BOM, every line ending, bytes that are not even
UTF-8 -- is copied as it was.  Line breaks are found at the byte level (``\\r\\n``, lone
``\\r``, ``\\n``, the same rule as :mod:`vaultkit.positions`); a line is decoded only when
an edit starts or ends inside it, not at column 1.
"""

from __future__ import annotations

import difflib
import re
from typing import Iterable

from vaultkit.model import Edit

BOM_BYTES = b"\xef\xbb\xbf"
_BREAK = re.compile(rb"\r\n?|\n")


class EditError(ValueError):
    """Edits that cannot be applied: overlapping, or outside the text."""


def dominant_newline(data: bytes) -> bytes:
    """The line ending a file uses most (``\\n`` for a file without any)."""
    crlf = data.count(b"\r\n")
    cr = data.count(b"\r") - crlf
    lf = data.count(b"\n") - crlf
    counts = {b"\n": lf, b"\r\n": crlf, b"\r": cr}
    return max(counts, key=lambda k: (counts[k], k == b"\n"))


def line_starts(data: bytes, start: int = 0) -> list[int]:
    """Byte offsets where each line starts (index 0 is line 1), counting from ``start``."""
    return [start] + [m.end() for m in _BREAK.finditer(data, start)]


def splice(data: bytes, edits: Iterable[Edit], newline: bytes | None = None) -> bytes:
    """``data`` with each edit's span replaced by its text, all other bytes kept.

    Edits may come in any order; overlapping edits raise :class:`EditError` (two edits
    may touch at one point, and then apply in the order given).  The replacement text's
    ``\\n`` become ``newline`` (default: the file's dominant line ending).
    """
    body = len(BOM_BYTES) if data.startswith(BOM_BYTES) else 0
    starts = line_starts(data, body)
    eol = dominant_newline(data) if newline is None else newline
    located = sorted(
        ((_offset(data, starts, e.span.line, e.span.column),
          _offset(data, starts, e.span.end_line, e.span.end_column), order, e.text)
         for order, e in enumerate(edits)),
        key=lambda t: (t[0], t[1], t[2]),
    )
    out: list[bytes] = []
    cursor = 0
    for begin, end, _, text in located:
        if end < begin:
            raise EditError(f"edit ends before it starts at byte {begin}")
        if begin < cursor:
            raise EditError(f"overlapping edits at byte {begin}")
        out.append(data[cursor:begin])
        out.append(text.replace("\n", eol.decode("ascii")).encode("utf-8"))
        cursor = end
    out.append(data[cursor:])
    return b"".join(out)


def _offset(data: bytes, starts: list[int], line: int, column: int) -> int:
    """Byte offset of (line, column); column counts code points of the decoded line."""
    if not 1 <= line <= len(starts) or column < 1:
        raise EditError(f"position {line}:{column} is outside the text")
    start = starts[line - 1]
    if column == 1:
        return start
    end = starts[line] if line < len(starts) else len(data)
    raw = data[start:end].rstrip(b"\r\n")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise EditError(f"line {line} is not UTF-8: cannot place column {column}") from error
    if column - 1 > len(text):
        raise EditError(f"position {line}:{column} is past the end of the line")
    return start + len(text[: column - 1].encode("utf-8"))



def unified_diff(path: str, old: bytes | None, new: bytes | None) -> str:
    """A unified diff of two versions of a vault file (``None``: the file does not exist)."""
    before = (old or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
    after = (new or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(
        before, after, fromfile=f"a/{path}" if old is not None else "/dev/null",
        tofile=f"b/{path}" if new is not None else "/dev/null"))
