"""JSON Canvas 1.0 (``.canvas``): the links a canvas holds, at their place in the file.

A canvas is a JSON object with ``nodes`` and ``edges`` (https://jsoncanvas.org/spec/1.0/).
A ``text`` node holds Markdown: its wikilinks, embeds and Markdown links are found by the
same inline scanner as a note's.  A ``file`` node names a vault file (``"file":
"papers/x.md"``, optionally ``"subpath": "#Heading"``): it is an embed of that file.

Positions are in the ``.canvas`` file itself: a text node's string is decoded with a map
from each character back to the JSON source, so ``\\n`` and ``\\u00e9`` escapes keep
every column exact.  (A link's ``raw`` is its decoded text, which differs from the file's
bytes only where the JSON escapes characters.)
"""

from __future__ import annotations

import re

from vaultkit.jsontext import loads
from vaultkit.lazyre import lazy
from vaultkit.model import Link, Note, Problem, Span
from vaultkit.parse.inline import scan_inline
from vaultkit.positions import SourceText

CANVAS_SUFFIX = ".canvas"
_MEMBER = lazy(r'"(text|file|subpath)"\s*:\s*"')
_STRING_BODY = lazy(r'(?:[^"\\]|\\.)*"', re.DOTALL)
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def parse_canvas(path: str, decoded: str) -> Note:
    """The links of a canvas; a file that is not JSON Canvas is a VK002 problem."""
    source = SourceText.from_str(decoded)
    text = source.text
    try:
        data = loads(text)
    except (ValueError, RecursionError) as error:  # json's own error, with its position
        where = source.span(getattr(error, "pos", 0), min(getattr(error, "pos", 0) + 1, len(text)))
        return Note(path, source.lines(), problems=(
            Problem("VK002", where, f"not a JSON Canvas file: {getattr(error, 'msg', error)}"),))
    if not isinstance(data, dict) or not isinstance(data.get("nodes", []), list):
        return Note(path, source.lines(), problems=(
            Problem("VK002", Span(1, 1, 1, 2), "not a JSON Canvas file: no 'nodes' list"),))
    links: list[Link] = []
    last_file: Link | None = None
    for m in _MEMBER.finditer(text):
        body = _STRING_BODY.match(text, m.end())
        if body is None:
            continue
        start, end = m.end(), body.end() - 1  # the string's characters, quotes excluded
        value, offsets = _decode_string(text, start, end)
        name = m.group(1)
        if name == "text":
            links.extend(_text_links(source, value, offsets))
            last_file = None
        elif name == "file":
            last_file = Link("embed", text[m.start():body.end()], source.span(start, end), value,
                             target_span=source.span(start, end))
            links.append(last_file)
        elif name == "subpath" and last_file is not None and value.startswith("#"):
            links[links.index(last_file)] = last_file._replace(fragment=value[1:] or None)
            last_file = None
    links.sort(key=lambda link: (link.span.line, link.span.column))
    return Note(path, source.lines(), links=tuple(links), newline=source.newline,
                has_bom=source.has_bom)


def _text_links(source: SourceText, value: str, offsets: list[int]) -> list[Link]:
    def span_of(a: int, b: int) -> Span:
        return source.span(offsets[a], offsets[b])

    return list(scan_inline(value, (), span_of).links)


def _decode_string(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """The JSON string ``text[start:end]`` decoded, and the source offset of each decoded
    character (plus one for the end)."""
    chars: list[str] = []
    offsets: list[int] = []
    i = start
    while i < end:
        c = text[i]
        offsets.append(i)
        if c != "\\" or i + 1 >= end:
            chars.append(c)
            i += 1
            continue
        kind = text[i + 1]
        if kind == "u" and i + 6 <= end:
            code = int(text[i + 2 : i + 6], 16)
            step = 6
            if 0xD800 <= code < 0xDC00 and text.startswith("\\u", i + 6) and i + 12 <= end:
                low = int(text[i + 8 : i + 12], 16)
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                step = 12
            chars.append(chr(code))
            i += step
        else:
            chars.append(_ESCAPES.get(kind, kind))
            i += 2
    offsets.append(end)
    return "".join(chars), offsets
