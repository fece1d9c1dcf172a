"""Inline elements found on the original text: links, embeds, citations, tags.

The scanner never re-parses a fragment: it works on offsets into the note's normalized
text, so every span is exact by construction.  Regions where nothing counts (code blocks,
code spans, math, ``%% … %%`` and ``<!-- … -->`` comments, link destinations and URLs)
are *masked* -- replaced by a filler of the same length that no grammar matches, newlines
kept -- before the element grammars run.  Masking keeps offsets, so nothing is shifted.

Grammars (see ``tests/parse/test_citations.py`` and ``test_links.py`` for the tables):

* wikilinks and embeds ``[[target#frag|alias]]``, ``![[file.png|300]]``;
* Markdown links and images ``[text](dest "title")``, ``<dest with spaces>``, ``%20``;
* Pandoc citations ``@key``, ``[@a; @b, p. 33]``, ``[-@a]``, ``@{key.with.dots.}``;
* session tags ``[name]``, ``[name -> text]``, ``[name(arg)]`` with balanced brackets.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from array import array
from typing import Any, Callable, Iterable, Iterator, Sequence
from urllib.parse import unquote

from msgspec import Struct

from vaultkit.lazyre import lazy
from vaultkit.model import Citation, CodeSpan, Comment, Link, LinkKind, Span, Tag, Word
from vaultkit.packed import Packed, Packer, link_shape, merge

FILL = "\x00"
"""Stands in for masked characters: matched by no grammar, not a word character."""

URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,31}:")
_URL_PREFIXES = ("http://", "https://", "mailto:", "obsidian://", "zotero://", "file://",
                 "ftp://", "www.", "data:", "doi:", "tel:")
_BARE_URL = lazy(r"(?:https?|obsidian|zotero|ftp|file)://[^\s<>\x00]*|www\.[^\s<>\x00]+|mailto:[^\s<>\x00]+")
_OPENERS = re.compile(r"\\.|`+|%%|<!--|\$\$|\$")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_INLINE_MATH = lazy(r"\$(?![\s$])(?:\\.|[^\\$\n])*?(?<![\s\\])\$(?!\d)")
_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n\x00]+?)\]\]")
_PLACEHOLDER = lazy(r"<%|\{\{")
"""A Templater (``[[<% tp.date.now() %>]]``) or core Templates (``[[{{date}}]]``)
placeholder: filled in when the template is used, not a link yet."""
_AUTOLINK = lazy(r"<((?:https?|mailto|obsidian|zotero|ftp|file):[^\s<>\x00]*)>")
_TAG_NAME = re.compile(r"[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*")
_CITATION = re.compile(
    r"@(?:\{(?P<curly>[^{}\n\x00]+)\}|(?P<key>\w(?:\w|[:.#$%&\-+?<>~/](?=\w))*))"
)
_HANDLE = lazy(r"@[\w.-]+")
"""A social handle as the whole text of a link to a web address: not a citation."""
_CITATION_CONTEXT = re.compile(r"[\[\]]")
_TITLE = lazy(r"""[ \t\n]+("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|\((?:\\.|[^()\\])*\))[ \t]*\)""")
MAX_LINK_TEXT = 2000
"""Longest link text, destination or tag argument the scanner follows."""
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


class InlineResult(Struct, frozen=True):
    # a Struct, not a dataclass: no methods compiled at every start-up
    links: Packed[Link]
    citations: Packed[Citation]
    tags: tuple[Tag, ...]
    code_spans: tuple[CodeSpan, ...]
    comments: tuple[Comment, ...]
    visible: str
    key_words: tuple[Word, ...] = ()
    """The text with comments blanked out (same length): what a reader sees."""


def scan_inline(
    text: str,
    opaque: Iterable[tuple[int, int]],
    span_of: Callable[[int, int], Span],
    skip: frozenset[int] = frozenset(),
    original: Callable[[Span], str] | None = None,
    line_starts: Sequence[int] | None = None,
) -> InlineResult:
    """Find the inline elements of ``text``.

    ``opaque`` holds offset ranges where nothing counts (frontmatter, code and math
    blocks).  ``skip`` holds offsets of ``[`` that are task boxes, not tags.
    ``original`` slices a span from the file as written; given when ``text`` had its
    ``\r\n``/``\r`` line endings normalized, so that an element spanning lines keeps
    the line endings of the file in its ``raw`` text.  ``line_starts``: where each
    line of ``text`` starts, given when offsets in ``text`` are columns within a line (a
    note's text; not a canvas string, where an escape is several characters of the file).
    """
    base = _mask(text, opaque)
    code_spans, comments, regions, comment_ranges = _scan_opaque(base, text, span_of)
    masked = _mask(base, regions)
    visible = _mask(text, comment_ranges, fill=" ")

    # Elements found on a line of a million links are packed as they are found (never
    # a list of objects), and what they cover is masked by ``sub`` (never a list of
    # ranges): wikilinks and autolinks never span lines, so their filler is one run.
    wikilinks, hidden = _wikilinks(masked, text, span_of, line_starts)
    masked = _mask(masked, hidden, presorted=True, one_line=True)
    autolinks: Packer[Link] = Packer("link")
    if "<" in masked:
        masked = _mask(masked, (_autolink(autolinks, span_of, m) for m in _AUTOLINK.finditer(masked)),
                       presorted=True, one_line=True)

    md_links, destinations = _markdown_links(masked, text, span_of) if "](" in masked else ([], [])
    masked = _mask(masked, destinations)
    if "://" in masked or "www." in masked or "mailto:" in masked:
        masked = _mask(masked, (m.span() for m in _BARE_URL.finditer(masked)), presorted=True,
                       one_line=True)

    tags = _tags(masked, text, span_of, skip)
    citations = _citations(masked, text, span_of, line_starts)
    key_words = _key_words(masked, text, span_of)
    md_links.sort(key=lambda link: (link.span.line, link.span.column))
    rest = (md_links, tags, code_spans, comments)
    if original is not None:  # only these may span lines (a citation never does)
        rest = tuple(
            [e._replace(raw=original(e.span)) if "\n" in e.raw else e for e in elements]
            for elements in rest
        )  # type: ignore[assignment]
    markdown = Packer("link")
    for link in rest[0]:
        markdown.add_element(link)
    links = merge("link", [wikilinks, autolinks.done(), markdown.done()])
    return InlineResult(links, citations, tuple(rest[1]), tuple(rest[2]), tuple(rest[3]),
                        visible, key_words)


def _wikilinks(masked: str, text: str, span_of: Callable[[int, int], Span],
               line_starts: Sequence[int] | None) -> tuple[Packed[Link], Iterator[tuple[int, int]]]:
    """The wikilinks and embeds, and the ranges they cover (placeholders included).

    With ``line_starts`` offsets are columns within a line, and since a wikilink never
    spans a line its shape depends on its text alone: a line of one link repeated a
    million times reads the link once and builds no span.
    """
    packer: Packer[Link] = Packer("link")
    shapes: dict[str, int] = {}  # raw text -> shape id (-1: a placeholder, no link)
    starts, ends = array("I"), array("I")
    add_shape, add_offset, add_length = packer.rows()
    for m in _WIKILINK.finditer(masked):
        start, end = m.span()
        starts.append(start)
        ends.append(end)
        if line_starts is None:
            if not _PLACEHOLDER.search(m.group(2)):
                span = span_of(start, end)
                packer.add(link_shape(_wikilink(m, text, span_of), span), span)
            continue
        raw = m.group()
        shape = shapes.get(raw)
        if shape is None:
            shape = shapes[raw] = -1 if _PLACEHOLDER.search(m.group(2)) else packer.shape_id(
                link_shape(_wikilink(m, text, span_of), span_of(start, end)))
        if shape >= 0:
            add_shape(shape)
            add_offset(start)
            add_length(end - start)
    return packer.done(line_starts or (0,)), zip(starts, ends)


def _autolink(packer: Packer[Link], span_of: Callable[[int, int], Span], m: re.Match[str]) -> tuple[int, int]:
    span = span_of(m.start(), m.end())
    link = Link("autolink", m.group(), span, m.group(1), is_url=True,
                target_span=span_of(m.start(1), m.end(1)))
    packer.add(link_shape(link, span), span)
    return m.span()


# -- masking ----------------------------------------------------------------------------
_FILL_BYTES = {c: bytes(ord(c) if b != 10 else 10 for b in range(256)) for c in (FILL, " ")}
"""Translation tables for ASCII text: every byte becomes the filler, line breaks stay."""


def _mask(text: str, ranges: Iterable[tuple[int, int]], fill: str = FILL, presorted: bool = False,
          one_line: bool = False) -> str:
    """``text`` with ``ranges`` replaced by ``fill`` (line breaks kept).

    ASCII text (most notes) is masked in place in a byte buffer, so that a million
    ranges cost no million string pieces; other text is joined from pieces.
    ``presorted``: the ranges come in order and do not overlap; ``one_line``: and
    none holds a line break (a grammar's matches that never span lines).
    """
    ordered = ranges if presorted else sorted(ranges)
    if text.isascii():
        if one_line:
            return _mask_runs(text, ordered, _FILL_BYTES[fill][0:1])
        return _mask_ascii(text, ordered, _FILL_BYTES[fill])
    parts: list[str] = []
    last = 0
    for start, end in ordered:
        if end <= last:
            continue
        start = max(start, last)
        parts.append(text[last:start])
        chunk = text[start:end]
        parts.append(re.sub(r"[^\n]", fill, chunk) if "\n" in chunk else fill * len(chunk))
        last = end
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def _mask_runs(text: str, ordered: Iterable[tuple[int, int]], filler: bytes) -> str:
    buffer: bytearray | None = None
    fillers: dict[int, bytes] = {}  # a run of filler per length
    for start, end in ordered:
        if buffer is None:
            buffer = bytearray(text, "ascii")
        run = fillers.get(end - start)
        if run is None:
            run = fillers[end - start] = filler * (end - start)
        buffer[start:end] = run
    return text if buffer is None else buffer.decode("ascii")


def _mask_ascii(text: str, ordered: Iterable[tuple[int, int]], table: bytes) -> str:
    buffer: bytearray | None = None
    fillers: dict[int, bytes] = {}  # a run of filler per length, for ranges on one line
    filler = table[0:1]
    last = 0
    for start, end in ordered:
        if end <= last:
            continue
        if buffer is None:
            buffer = bytearray(text, "ascii")
        start = max(start, last)
        if buffer.find(b"\n", start, end) == -1:
            run = fillers.get(end - start)
            if run is None:
                run = fillers[end - start] = filler * (end - start)
            buffer[start:end] = run
        else:
            buffer[start:end] = buffer[start:end].translate(table)
        last = end
    return text if buffer is None else buffer.decode("ascii")


def _scan_opaque(
    masked: str, text: str, span_of: Callable[[int, int], Span]
) -> tuple[list[CodeSpan], list[Comment], list[tuple[int, int]], list[tuple[int, int]]]:
    """Code spans, comments and math, left to right, the first opener winning.

    Returns the code spans, the comments, every opaque range, and the comment ranges.
    """
    runs: dict[int, list[int]] = {}
    for run in re.finditer(r"`+", masked):
        runs.setdefault(run.end() - run.start(), []).append(run.start())
    code_spans: list[CodeSpan] = []
    comments: list[Comment] = []
    regions: list[tuple[int, int]] = []
    comment_ranges: list[tuple[int, int]] = []
    unclosed_html = unclosed_math = False
    pos = 0
    while True:
        m = _OPENERS.search(masked, pos)
        if m is None:
            break
        token = m.group()
        start = m.start()
        if token.startswith("\\"):
            pos = m.end()
            continue
        if token.startswith("`"):
            end = _close_code_span(masked, start, len(token), runs)
            if end is None:
                pos = m.end()
                continue
            n = len(token)
            inner = text[start + n : end - n]
            if inner.startswith(" ") and inner.endswith(" ") and inner.strip(" "):
                inner = inner[1:-1]
            code_spans.append(CodeSpan(inner, text[start:end], span_of(start, end)))
        elif token == "%%":
            close = masked.find("%%", start + 2)
            # Obsidian hides everything after an unclosed %%: mirror what the reader sees.
            end = len(masked) if close == -1 else close + 2
            comments.append(_comment(text, start, end, 2, 2, "obsidian", span_of))
            comment_ranges.append((start, end))
        elif token == "<!--":
            # once a search fails, no later opener can close either: do not search again
            close = -1 if unclosed_html else masked.find("-->", start + 4)
            if close == -1:
                unclosed_html = True
                pos = m.end()
                continue
            end = close + 3
            comments.append(_comment(text, start, end, 4, 3, "html", span_of))
            comment_ranges.append((start, end))
        elif token == "$$":
            close = -1 if unclosed_math else masked.find("$$", start + 2)
            if close == -1:
                unclosed_math = True
                pos = m.end()
                continue
            if _BLANK_LINE.search(masked, start, close):
                # "$$a = b" opening a line is not a math block (those have "$$" alone on
                # their line, and the block parser masks them): as in Obsidian, inline
                # math ends with its paragraph, so an unmatched "$$" is text and does
                # not hide the rest of the note.
                pos = m.end()
                continue
            end = close + 2
        else:
            math = _INLINE_MATH.match(masked, start)
            if math is None:
                pos = m.end()
                continue
            end = math.end()
        regions.append((start, end))
        pos = end
    return code_spans, comments, regions, comment_ranges


def _close_code_span(masked: str, start: int, n: int, runs: dict[int, list[int]]) -> int | None:
    candidates = runs.get(n, [])
    index = bisect_right(candidates, start)
    if index >= len(candidates):
        return None
    close = candidates[index]
    if _BLANK_LINE.search(masked, start, close):
        return None  # a code span never crosses a paragraph break
    return close + n


def _comment(
    text: str, start: int, end: int, open_len: int, close_len: int, style: str,
    span_of: Callable[[int, int], Span],
) -> Comment:
    closed = end - close_len >= start + open_len and text[end - close_len : end] in ("%%", "-->")
    inner_end = end - close_len if closed else end
    return Comment(text[start + open_len : inner_end].strip(), text[start:end], span_of(start, end),
                   "html" if style == "html" else "obsidian")


# -- links ------------------------------------------------------------------------------
def is_url(target: str) -> bool:
    lowered = target.lower()
    if lowered.startswith(_URL_PREFIXES):
        return True
    m = URL_SCHEME.match(target)
    if m is None:
        return False
    # "C:" style drive letters are one letter; real schemes are longer
    return len(m.group()) > 2 and not target[m.end() :].startswith("\\")


def _wikilink(m: re.Match[str], text: str, span_of: Callable[[int, int], Span]) -> Link:
    inner = m.group(2)
    target_part, pipe, label = inner.partition("|")
    if pipe and target_part.endswith("\\"):
        # Inside a table the alias pipe is escaped, [[Note\|alias]] and ![[a.png\|200]]
        # (help: "Use tables"): the backslash belongs to the pipe, not to the name.
        target_part = target_part[:-1]
    target, hash_, fragment = target_part.partition("#")
    start_inner = m.start(2)
    target_end = start_inner + len(target)
    kind: LinkKind = "embed" if m.group(1) else "wikilink"
    return Link(
        kind,
        text[m.start() : m.end()],
        span_of(m.start(), m.end()),
        target.strip(),
        fragment=fragment.strip() if hash_ else None,
        label=label if pipe else None,
        is_url=is_url(target.strip()),
        target_span=span_of(start_inner, target_end),
    )


def _markdown_links(
    masked: str, text: str, span_of: Callable[[int, int], Span]
) -> tuple[list[Link], list[tuple[int, int]]]:
    links: list[Link] = []
    destinations: list[tuple[int, int]] = []
    brackets = _bracket_pairs(masked)
    parens = _paren_pairs(masked)
    for open_, close in brackets.items():
        if open_ > 0 and masked[open_ - 1] == "\\":
            continue
        if close + 1 >= len(masked) or masked[close + 1] != "(":
            continue
        parsed = _destination(masked, close + 2, parens)
        if parsed is None:
            continue
        dest_start, dest_end, end, title = parsed
        image = open_ > 0 and masked[open_ - 1] == "!"
        start = open_ - 1 if image else open_
        raw_dest = text[dest_start:dest_end]
        angle = raw_dest.startswith("<")
        dest = raw_dest[1:-1] if angle else raw_dest
        path, hash_, fragment = dest.partition("#")
        url = is_url(dest)
        links.append(
            Link(
                "image" if image else "markdown",
                text[start:end],
                span_of(start, end),
                dest if url else unquote(path),
                fragment=None if url or not hash_ else unquote(fragment),
                label=text[open_ + 1 : close],
                title=title,
                is_url=url,
                target_span=span_of(dest_start, dest_end),
            )
        )
        destinations.append((close + 1, end))
        if url and _is_profile_link(text[open_ + 1 : close], dest):
            destinations.append((open_ + 1, close))  # [@obsdmd](https://…/obsdmd): a handle
    return links, destinations


def _is_profile_link(label: str, dest: str) -> bool:
    """``[@obsdmd](https://twitter.com/obsdmd)``, ``[@kepano](https://mastodon.social/@kepano)``:
    the link text is a handle that the address names as one of its path segments.  A
    citekey linked to its paper (``[@vaswani2017](https://doi.org/…)``) stays a citation."""
    handle = label.strip()
    if not _HANDLE.fullmatch(handle):
        return False
    path = dest.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    segments = {segment.lower().lstrip("@") for segment in path.split("/")[1:]}
    return handle[1:].lower() in segments


# Matching brackets is done once per text, left to right with a stack: scanning forward
# from every "[" instead is quadratic on a line of thousands of unclosed brackets.
_ESCAPE = r"\\[!-/:-@\[-`{-~]"
"""A backslash escape: a backslash before ASCII punctuation."""
_BRACKET_TOKENS = re.compile(_ESCAPE + r"|[\[\]]|\n(?=[ \t]*(?:\n|\Z))")
_PAREN_TOKENS = re.compile(_ESCAPE + r"|[()]")
_BLANK = re.compile(r"[ \t\n\x00]")  # the blanks _destination stops at
_ARGUMENT_TOKENS = re.compile(_ESCAPE + r"|[()\[\]]")


def _bracket_pairs(s: str) -> dict[int, int]:
    """Each ``[`` mapped to the ``]`` closing it in the same paragraph (text at most
    :data:`MAX_LINK_TEXT` long)."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for m in _BRACKET_TOKENS.finditer(s):
        token = m.group()
        if token == "[":
            stack.append(m.start())
        elif token == "]":
            if stack:
                open_ = stack.pop()
                if m.start() - open_ < MAX_LINK_TEXT:
                    pairs[open_] = m.start()
        elif token == "\n":  # a blank line ends the paragraph and every open bracket
            stack.clear()
    return pairs


def _paren_pairs(s: str) -> dict[int, int]:
    """Each ``(`` mapped to its ``)`` when no blank (space, line break, mask) separates
    them: the balanced parentheses a link destination may contain."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    blank = _BLANK.search
    last = 0  # where the previous token ended: a blank since then empties the stack
    for m in _PAREN_TOKENS.finditer(s):
        start = m.start()
        if stack and blank(s, last, start):
            stack.clear()
        last = m.end()
        if last - start == 2:  # an escape
            continue
        if s[start] == "(":
            stack.append(start)
        elif stack:
            pairs[stack.pop()] = start
    return pairs


def _destination(
    s: str, pos: int, parens: dict[int, int]
) -> tuple[int, int, int, str | None] | None:
    """Parse ``dest "title")`` starting after ``(``: (dest start, dest end, end, title)."""
    n = len(s)
    while pos < n and s[pos] in " \t":
        pos += 1
    start = pos
    if pos < n and s[pos] == "<":
        close = s.find(">", pos + 1, pos + MAX_LINK_TEXT)
        if close == -1 or "\n" in s[pos:close]:
            return None
        end_dest = close + 1
    else:
        # Up to a blank or an unmatched ")"; balanced groups are stepped over whole, an
        # unbalanced "(" makes it no destination (CommonMark).
        limit = min(n, pos + MAX_LINK_TEXT)
        i = pos
        while i < limit:
            c = s[i]
            if c == "\\" and i + 1 < n and s[i + 1] in _PUNCTUATION:
                i += 2
            elif c in " \t\n" or c == FILL or c == ")":
                break
            elif c == "(":
                group_end = parens.get(i)
                if group_end is None:
                    return None
                i = group_end + 1
            else:
                i += 1
        if i >= limit and i < n:
            return None  # longer than any destination we follow
        end_dest = i
    if end_dest < n and s[end_dest] == ")":
        return start, end_dest, end_dest + 1, None
    title = _TITLE.match(s, end_dest)
    if title:
        return start, end_dest, title.end(), title.group(1)[1:-1]
    rest = end_dest
    while rest < n and s[rest] in " \t":
        rest += 1
    if rest < n and s[rest] == ")" and end_dest > start:
        return start, end_dest, rest + 1, None
    return None


# -- tags -------------------------------------------------------------------------------
def _tags(
    masked: str, text: str, span_of: Callable[[int, int], Span], skip: frozenset[int]
) -> tuple[Tag, ...]:
    tags: list[Tag] = []
    brackets: dict[int, int] | None = None
    arguments: dict[int, int] | None = None
    covered = 0  # brackets inside a tag (its argument or payload) are its text
    for m in re.finditer(r"\[(?=[a-z])", masked):
        open_ = m.start()
        # "\[x]" is escaped; "[text][ref]" is a reference link, on both sides
        if open_ < covered or open_ in skip or (open_ > 0 and masked[open_ - 1] in "\\[]"):
            continue
        if brackets is None or arguments is None:
            brackets, arguments = _bracket_pairs(masked), _argument_pairs(masked)
        found = _tag_at(masked, text, open_, span_of, brackets, arguments)
        if found is not None:
            tags.append(found[0])
            covered = found[1]
    return tuple(tags)


def _tag_at(
    masked: str, text: str, open_: int, span_of: Callable[[int, int], Span],
    brackets: dict[int, int], arguments: dict[int, int],
) -> tuple[Tag, int] | None:
    """The tag opening at ``open_`` and the offset just past it."""
    name_m = _TAG_NAME.match(masked, open_ + 1)
    if name_m is None:
        return None
    pos = name_m.end()
    argument = argument_span = None
    if masked.startswith("(", pos):
        close = arguments.get(pos)
        if close is None:
            return None
        argument = text[pos + 1 : close]
        argument_span = span_of(pos + 1, close)
        pos = close + 1
    arrow = False
    payload: str | None = None
    after_name = pos
    while pos < len(masked) and masked[pos] in " \t":
        pos += 1
    if masked.startswith("->", pos):
        arrow = True
        close = brackets.get(open_)
        if close is None:
            return None
        payload = text[pos + 2 : close].strip()
        end = close + 1
    elif masked.startswith("]", after_name):
        end = after_name + 1
    else:
        return None
    # "[text](url)", "[text][ref]" and "[label]:" are link syntax, not tags.  Read the
    # text itself: a Markdown link's destination is already masked in ``masked``.
    if end < len(text) and text[end] in "([" or (
        argument is None and not arrow and text.startswith(":", end)
    ):
        return None
    tag = Tag(
        name=name_m.group(),
        raw=text[open_:end],
        span=span_of(open_, end),
        name_span=span_of(name_m.start(), name_m.end()),
        argument=argument,
        argument_span=argument_span,
        arrow=arrow,
        payload=payload,
    )
    return tag, end


def _argument_pairs(s: str) -> dict[int, int]:
    """Each ``(`` mapped to the ``)`` closing it on the same line, with ``()`` and ``[]``
    nested strictly inside (``[name([Title](url))]``).  A mismatched closer or a line
    break fails every bracket still open, as scanning forward from each would.  A line
    break empties the stack, so only the lines with a ``(`` are read."""
    pairs: dict[int, int] = {}
    tokens = _ARGUMENT_TOKENS.finditer
    at = s.find("(")
    while at != -1:
        start = s.rfind("\n", 0, at) + 1
        stop = s.find("\n", at)
        stop = len(s) if stop < 0 else stop
        stack: list[tuple[str, int]] = []
        for m in tokens(s, start, stop):
            token = m.group()
            if token in "([":
                stack.append((token, m.start()))
            elif token in ")]":
                want = "(" if token == ")" else "["
                if stack and stack[-1][0] == want:
                    kind, open_ = stack.pop()
                    if kind == "(" and m.start() - open_ < MAX_LINK_TEXT:
                        pairs[open_] = m.start()
                else:
                    stack.clear()
        at = s.find("(", stop)
    return pairs


# -- citations --------------------------------------------------------------------------
def _citations(
    masked: str, text: str, span_of: Callable[[int, int], Span], line_starts: Sequence[int] | None
) -> Packed[Citation]:
    out: Packer[Citation] = Packer("citation")
    # with line starts no span is built: shape ids by text, plain / bracketed / suppressed
    shapes: tuple[dict[str, int], ...] = ({}, {}, {})
    add_shape, add_offset, add_length = out.rows()
    # The last "[" and "]" before each citation, found walking forward once (searching
    # backwards from every "@" is quadratic on a long line without "]"), and the line
    # break before it, looked for once per line that has a citation.
    last = {"[": -1, "]": -1}
    marks = _CITATION_CONTEXT.finditer(masked)
    mark = next(marks, None)
    mark_at = mark.start() if mark is not None else len(masked)
    line_start = line_end = -1  # the line of the last citation: (its "\n", the next one]
    for m in _CITATION.finditer(masked):
        start = m.start()
        while mark_at < start:
            last[mark.group()] = mark_at  # type: ignore[union-attr]
            mark = next(marks, None)
            mark_at = mark.start() if mark is not None else len(masked)
        if start > line_end:
            line_start = masked.rfind("\n", max(line_end, 0), start)
            line_end = masked.find("\n", start)
            if line_end < 0:
                line_end = len(masked)
        before = masked[start - 1] if start else ""
        if before.isalnum() or before == ".":
            continue  # an e-mail address or a handle glued to a word
        if before == "\\" and _escaped(masked, start):
            continue  # "\@key" is a literal at sign
        raw = m.group()  # a citation holds no masked character: this is the text
        bracketed = last["["] > line_start and last["["] > last["]"]
        suppress = bracketed and before == "-"
        if line_starts is None:
            out.add((_key(raw), raw, bracketed, suppress), span_of(start, m.end()))
            continue
        known = shapes[bracketed + suppress]
        shape = known.get(raw)
        if shape is None:
            shape = known[raw] = out.shape_id((_key(raw), raw, bracketed, suppress))
        add_shape(shape)
        add_offset(start)
        add_length(len(raw))
    return out.done(line_starts or (0,))


def _key(raw: str) -> str:
    """The key of a citation's text: ``@key`` or ``@{key}``."""
    return raw[2:-1] if raw.startswith("@{") else raw[1:]


def _escaped(s: str, index: int) -> bool:
    """Whether ``s[index]`` follows an odd run of backslashes."""
    run = 0
    while index - run - 1 >= 0 and s[index - run - 1] == "\\":
        run += 1
    return run % 2 == 1


# -- frontmatter links -------------------------------------------------------------------
def frontmatter_links(
    text: str, start: int, end: int, data: object, span_of: Callable[[int, int], Span]
) -> tuple[Link, ...]:
    """Wikilinks and embeds written in frontmatter property values, where Obsidian reads
    them as links (``related: "[[Paper X]]"``, ``banner: "![[x.webp]]"``, a list of them).

    YAML decides what is a value: a ``[[…]]`` counts only when a string value of the
    parsed properties holds it, so an unquoted ``[[x]]`` (a nested YAML list, which
    Obsidian does not read as a link either) or a comment is no link.  Positions are in
    the note's text, inside the frontmatter.
    """
    values: list[str] = []
    _strings(data, values, depth=0)
    if not any("[[" in v for v in values):
        return ()
    links: list[Link] = []
    for m in _WIKILINK.finditer(text, start, end):
        if _PLACEHOLDER.search(m.group(2)) or not any(m.group() in v for v in values):
            continue
        links.append(_wikilink(m, text, span_of))
    return tuple(links)


def _strings(value: object, out: list[str], depth: int) -> None:
    if len(out) > 10_000 or depth > 50:
        return
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out, depth + 1)


# -- bare citekeys ------------------------------------------------------------------------
_KEY_WORD = re.compile(r"(?<![\w@\\:.#$%&\-+?<>~/])\w(?:\w|[:.#$%&\-+?<>~/](?=\w))*(?![\w@])")
"""A word read with Pandoc's citekey grammar, so that ``@`` + the word cites exactly it."""
_KEY_CHARS = r"[\w:.#$%&\-+?<>~/]"
_RUN_WITH_YEAR = re.compile(rf"(?<!{_KEY_CHARS}){_KEY_CHARS}*\d{{4}}{_KEY_CHARS}*")
"""A run of the characters a key word may hold, with four digits in it.  Tried only
where a run starts (the lookbehind), so a long run without a year costs its length once."""
_FOUR_DIGITS = re.compile(r"\d\d\d\d")  # not \d{4}: a third of the time to find
_YEARISH = lazy(r"[A-Za-z].*\d{4}|\d{4}.*[A-Za-z]")
_IN_ACTION = lazy(r"\[[a-z][a-z0-9_-]*\($")


def _key_words(masked: str, text: str, span_of: Callable[[int, int], Span]) -> tuple[Word, ...]:
    """Prose words that could be a citekey written without ``@``: a letter and a year, as
    Better BibTeX keys have (``kohGroundingLanguageModels2023``, ``vaswani2017``).

    Only these are kept (a note has thousands of words); a key without a year is still
    found in backticks.  A word that is an action's argument (``[skim(key2021)]``) is
    VK106's, not one of these.
    """
    out: list[Word] = []
    end = len(masked)
    at = 0
    # Only the lines with four digits in a row are scanned for runs: finding the digits
    # is a fraction of the runs' scan, which tries every place of a line (a pasted line
    # of 20 MB without a year costs the digit search alone).  A run never spans lines.
    while (digits := _FOUR_DIGITS.search(masked, at)) is not None:
        start = masked.rfind("\n", 0, digits.start()) + 1
        stop = masked.find("\n", digits.end())
        stop = end if stop < 0 else stop
        for run in _RUN_WITH_YEAR.finditer(masked, start, stop):
            # a key word lies inside one run of citekey characters, and one with a year
            # in a run that has one: the prose's other words are never looked at one by
            # one.  The scan of the run sees one character past it, as the lookahead of a
            # scan of the whole text would (the lookbehind sees before ``pos`` anyway).
            for m in _KEY_WORD.finditer(masked, run.start(), min(run.end() + 1, end)):
                _key_word(masked, m, span_of, out)
        at = stop + 1
    return tuple(out)


def _key_word(masked: str, m: re.Match[str], span_of: Callable[[int, int], Span],
              out: list[Word]) -> None:
    word = m.group()
    if len(word) >= 6 and _YEARISH.search(word) and not _IN_ACTION.search(
            masked, max(0, m.start() - 40), m.start()):
        out.append(Word(word, span_of(m.start(), m.end())))

