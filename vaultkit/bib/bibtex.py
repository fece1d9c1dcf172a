"""BibTeX/BibLaTeX loading: a hand-written header scanner, plus bibtexparser for fields.

bibtexparser v2 needs about 0.9 s to split a 10,000-entry Better BibTeX export, far too
slow for a linter that only needs the citekeys.  So entries are found by a scanner of
``@type{key,`` headers that balances braces to find where each entry ends; it is the
single source of keys, spans and structural issues, and the full parse only hands each
entry it found to bibtexparser to read the fields.  Both paths therefore agree on keys
and spans by construction.

Recovery follows bibtexparser and biber: an entry whose braces do not balance before the
next line starting with ``@type{`` is reported (VK210) and skipped up to that line.
Outside entries, ``%`` starts a comment line (biber's reading), so a commented-out entry
is not loaded.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Callable

from bibtexparser.entrypoint import parse_string
from bibtexparser.exceptions import BlockAbortedException
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import Block, DuplicateFieldKeyBlock, Entry, ParsingFailedBlock
from msgspec.structs import replace

from vaultkit.bib.common import person, year_of
from vaultkit.bib.ids import arxiv_id, clean_url, normalize_doi
from vaultkit.bib.latex import latex_paragraphs, latex_to_text
from vaultkit.bib.model import BROKEN_ENTRY, BibEntry, BibIssue
from vaultkit.positions import SourceText

# bibtexparser logs what vaultkit reports as VK210 findings.  Silenced here, where it is
# imported, not by the command line at start-up: a lint served by the stored
# bibliography imports neither bibtexparser nor logging.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
logging.getLogger("bibtexparser").propagate = False

_TYPE = r"@[ \t]*([A-Za-z_][\w:.+-]*)\s*([{(])"
_HEADER = re.compile(_TYPE)
_LINE_HEADER = re.compile(r"\n[ \t]*(?=" + _TYPE + ")")
"""A block start at the beginning of a line: where an unclosed entry is cut off.

(Starting with the literal newline lets the regex engine skip ahead quickly.)"""
_NO_BRACE = r"[^{}\\]*(?:\\.[^{}\\]*)*"


def _nested_braces(depth: int) -> str:
    group = rf"\{{{_NO_BRACE}\}}"
    for _ in range(depth):
        group = rf"\{{{_NO_BRACE}(?:{group}{_NO_BRACE})*\}}"
    return group


_BODY = re.compile(rf"{_NO_BRACE}(?:{_nested_braces(4)}{_NO_BRACE})*\}}", re.DOTALL)
"""The rest of a ``{...}`` block with braces nested up to five deep inside it.

Matching in C is about twice as fast as counting braces in Python; deeper nesting (or
an unbalanced block) falls back to counting.  The pattern is unambiguous (each run of
non-brace text has one way to match), so a failing match does not backtrack badly.
"""
_BRACES = re.compile(r"\\.|[{}]", re.DOTALL)
_PAREN_MARKS = re.compile(r'\\.|[{}")]', re.DOTALL)
_KEY = re.compile(r"\s*([^\s,{}()\"=#%]*)\s*")
"""The citekey after ``@type{`` (possibly empty: the pattern always matches)."""
_NOT_ENTRIES = frozenset({"comment", "preamble", "string"})


@dataclass(frozen=True, slots=True)
class _Header:
    """An entry the scanner found intact: its type, key and extent (offsets)."""

    entry_type: str
    key: str
    key_start: int
    key_end: int
    opener: str
    end: int
    """Just after the closing delimiter."""


@dataclass(slots=True)
class _Scan:
    headers: list[_Header]
    strings: list[str]
    """The raw text of the ``@string`` blocks, for resolving macros in full mode."""
    issues: list[BibIssue]


def load_bibtex(
    text: SourceText, source: str, *, full: bool = True, detail: frozenset[str] = frozenset()
) -> tuple[list[BibEntry], list[BibIssue]]:
    """Every entry of a ``.bib`` file in file order (duplicates included) and its issues.

    ``detail``: on the fast path, the keys whose fields are read all the same (to tell a
    repeated entry from a conflicting one); what reading them finds is not reported.
    """
    scan = _scan(text, source)
    if not full:
        strings = _string_macros(scan.strings) if detail else {}
        entries = [
            _full_entry(text, source, h, strings, []) if h.key in detail
            else _entry(text, source, h, None, (), None)
            for h in scan.headers
        ]
        return entries, scan.issues
    strings = _string_macros(scan.strings)
    entries = [_full_entry(text, source, h, strings, scan.issues) for h in scan.headers]
    return entries, scan.issues


# -- scanning ---------------------------------------------------------------------------


def _scan(text: SourceText, source: str) -> _Scan:
    """Find every block; ``str.find`` jumps between ``@`` signs, the only place one starts."""
    result = _Scan([], [], [])
    body = text.text
    pos = 0
    limit = -1  # where the next line-start block begins; reused while blocks share a line
    while (at := body.find("@", pos)) != -1:
        if body.find("%", max(pos, body.rfind("\n", pos, at) + 1), at) != -1:
            newline = body.find("\n", at)  # a '%' comment line outside any entry
            pos = len(body) if newline == -1 else newline
            continue
        header = _HEADER.match(body, at)
        if header is None:
            pos = at + 1
            continue
        if limit < header.end():
            cut = _LINE_HEADER.search(body, header.end())
            limit = cut.end() if cut else len(body)
        pos = _scan_block(text, source, header, limit, result)
    return result


def _scan_block(
    text: SourceText, source: str, header: re.Match[str], limit: int, result: _Scan
) -> int:
    """Record the block starting at ``header``; return the offset to scan on from.

    The block must close before ``limit``, the next block start at the beginning of a
    line (or the end of the text).
    """
    body = text.text
    end = _block_end(body, header.end(), limit, header.group(2))
    kind = header.group(1).lower()
    if end is None:
        result.issues.append(_unclosed(text, source, header, kind, limit))
        return limit
    if kind == "string":
        result.strings.append(body[header.start() : end])
    elif kind not in _NOT_ENTRIES:
        _entry_header(text, source, header, end, result)
    return end


def _block_end(body: str, start: int, limit: int, opener: str) -> int | None:
    """Offset after the delimiter closing a block opened just before ``start``.

    ``None`` when it is not closed before ``limit``.  A backslash escapes the next
    character, so ``\\{`` does not count (as in bibtexparser); in a ``(...)`` block a
    ``)`` inside a quoted value does not close it.
    """
    if opener == "{":
        match = _BODY.match(body, start, limit)
        if match is not None:
            return match.end()
        depth = 1
        for mark in _BRACES.finditer(body, start, limit):
            char = mark.group()
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return mark.end()
        return None
    depth, quoted = 0, False
    for mark in _PAREN_MARKS.finditer(body, start, limit):
        char = mark.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return None
        elif depth == 0 and char == '"':
            quoted = not quoted
        elif depth == 0 and char == ")" and not quoted:
            return mark.end()
    return None


def _entry_header(
    text: SourceText, source: str, header: re.Match[str], end: int, result: _Scan
) -> None:
    """Read the citekey after ``@type{``, or report why there is none."""
    key_match = _key_match(text.text, header.end())
    key = key_match.group(1)
    after = text.text[key_match.end()]  # the closing delimiter at the latest
    closer = "}" if header.group(2) == "{" else ")"
    if key and after in (",", closer):
        result.headers.append(
            _Header(
                header.group(1).lower(), key, key_match.start(1), key_match.end(1),
                header.group(2), end,
            )
        )
        return
    if not key:
        problem = "has no citekey"
    elif after == "=":
        problem = f"has no citekey ('{key} =' starts a field)"
    else:
        problem = f"has a malformed citekey ('{key}' is followed by '{after}', not a comma)"
    message = f"@{header.group(1)} entry {problem}; it is skipped"
    result.issues.append(_header_issue(text, source, header, message))


def _key_match(body: str, start: int) -> re.Match[str]:
    match = _KEY.match(body, start)
    assert match is not None  # every part of the pattern is optional
    return match


def _unclosed(
    text: SourceText, source: str, header: re.Match[str], kind: str, limit: int
) -> BibIssue:
    key = _key_match(text.text, header.end()).group(1)
    what = f"entry '{key}'" if key and kind not in _NOT_ENTRIES else f"@{header.group(1)} block"
    if limit < len(text.text):
        until = f"before the next entry on line {text.position(limit)[0]}"
    else:
        until = "before the end of the file"
    message = f"{what} is not closed: its braces do not balance {until}; it is skipped"
    return _header_issue(text, source, header, message)


def _header_issue(text: SourceText, source: str, header: re.Match[str], message: str) -> BibIssue:
    """An issue underlining ``@type{``, on the entry's first line."""
    return BibIssue(source, text.span(header.start(), header.end()), BROKEN_ENTRY, message)


# -- fields -----------------------------------------------------------------------------


def _entry(
    text: SourceText,
    source: str,
    header: _Header,
    title: str | None,
    authors: tuple[str, ...],
    year: str | None,
) -> BibEntry:
    span = text.span(header.key_start, header.key_end)
    return BibEntry(header.key, source, span, header.entry_type, title, authors, year)


def _full_entry(
    text: SourceText,
    source: str,
    header: _Header,
    strings: Mapping[str, str],
    issues: list[BibIssue],
) -> BibEntry:
    """The entry with its title, authors and year read by bibtexparser.

    Fields bibtexparser cannot read (a missing comma between two fields…) give a VK210
    issue, but the key stays defined: the scanner found a complete entry, and the fast
    path used by the linter must see the same keys.
    """
    rest = text.text[header.key_end : header.end]
    raw = f"@{header.entry_type}{header.opener}{header.key}{rest}"
    fields, error = _parse_fields(raw)
    if error is not None:
        message = f"cannot read the fields of '{header.key}': {error}"
        span = text.span(header.key_start, header.key_end)
        issues.append(BibIssue(source, span, BROKEN_ENTRY, message))
    title = _text_field(fields, "title", strings)
    year = _text_field(fields, "year", strings)
    if year is None:
        date = _text_field(fields, "date", strings)
        year = year_of(date) if date else None
    author = fields.get("author")
    authors = _authors(_value_text(author, strings)) if author is not None else ()
    entry = _entry(text, source, header, title, authors, year)
    raw_field = partial(_raw_field, fields, strings)
    doi = normalize_doi(raw_field("doi"))
    url = clean_url(raw_field("url"))
    return replace(
        entry,
        doi=doi,
        url=url,
        eprint=_arxiv(raw_field, doi, url),
        file=raw_field("file"),
        abstract=_text_field(fields, "abstract", strings, paragraphs=True),
        venue=next((v for name in _VENUE if (v := _text_field(fields, name, strings))), None),
    )


_VENUE = ("journaltitle", "journal", "booktitle", "eventtitle", "publisher", "institution",
          "school", "organization")
_ARXIV_TYPES = frozenset({"arxiv"})


def _raw_field(fields: Mapping[str, str], strings: Mapping[str, str], name: str) -> str | None:
    """A field's value without delimiters or LaTeX conversion (DOIs, URLs, paths)."""
    raw = fields.get(name)
    if raw is None:
        return None
    return " ".join(_value_text(raw, strings).split()) or None


def _arxiv(raw_field: Callable[[str], str | None], doi: str | None, url: str | None) -> str | None:
    """The arXiv id: biblatex ``eprint`` + ``eprinttype``, BibTeX ``eprint`` +
    ``archiveprefix``, else an arXiv DOI or URL, else ``arXiv:…`` where Better BibTeX's
    BibTeX export puts it (``number``, ``journal``)."""
    eprint = raw_field("eprint")
    kind = (raw_field("eprinttype") or raw_field("archiveprefix") or "").lower()
    if eprint and (kind in _ARXIV_TYPES or (not kind and arxiv_id(eprint))):
        found = arxiv_id(eprint)
        if found:
            return found
    for value in (doi, url, raw_field("number"), raw_field("journal"), raw_field("note")):
        found = arxiv_id(value)
        if found:
            return found
    return None


def _parse_fields(raw: str) -> tuple[dict[str, str], str | None]:
    """Raw field values by lower-cased name (first wins), or why they could not be read."""
    try:
        library = parse_string(raw, parse_stack=[])
    except Exception as crash:  # noqa: BLE001 - bibtexparser re-raises what it did not expect
        return {}, f"bibtexparser failed ({type(crash).__name__}: {crash})"
    for block in library.blocks:
        entry: Block | None = block
        if isinstance(block, DuplicateFieldKeyBlock):  # a field written twice: first wins
            entry = block.ignore_error_block
        if isinstance(entry, Entry):
            fields: dict[str, str] = {}
            for field in entry.fields:
                fields.setdefault(field.key.lower(), str(field.value))
            return fields, None
        if isinstance(block, ParsingFailedBlock):
            error = block.error
            reason = error.abort_reason if isinstance(error, BlockAbortedException) else error
            return {}, str(reason).strip()
    return {}, "bibtexparser found no entry"


def _string_macros(raws: list[str]) -> dict[str, str]:
    """``@string`` values by lower-cased name; each may use the ones defined before it."""
    macros: dict[str, str] = {}
    for raw in raws:
        try:
            strings = parse_string(raw, parse_stack=[]).strings
        except Exception:  # noqa: BLE001 - an unreadable macro only leaves its uses as written
            continue
        for string in strings:
            macros[string.key.lower()] = _value_text(str(string.value), macros)
    return macros


def _text_field(fields: Mapping[str, str], name: str, strings: Mapping[str, str],
                paragraphs: bool = False) -> str | None:
    raw = fields.get(name)
    if raw is None:
        return None
    text = _value_text(raw, strings)
    return (latex_paragraphs(text) if paragraphs else latex_to_text(text)) or None


def _value_text(raw: str, strings: Mapping[str, str]) -> str:
    """A field value without its delimiters: ``{x}``, ``"x"``, ``2023``, a macro, ``a # b``."""
    return "".join(_piece(piece.strip(), strings) for piece in _concatenated(raw))


def _piece(piece: str, strings: Mapping[str, str]) -> str:
    if len(piece) >= 2 and (piece[0], piece[-1]) in (("{", "}"), ('"', '"')):
        return piece[1:-1]
    return strings.get(piece.lower(), piece)


def _concatenated(raw: str) -> Iterator[str]:
    """The parts of ``a # {b} # "c"``, splitting only on ``#`` outside braces and quotes."""
    if "#" not in raw:
        yield raw
        return
    depth, quoted, start = 0, False, 0
    for index, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            yield raw[start:index]
            start = index + 1
    yield raw[start:]


def _authors(value: str) -> tuple[str, ...]:
    """``and``-separated BibTeX names as ``Family, Given`` (von part kept with the family)."""
    names: list[str] = []
    for written in split_multiple_persons_names(value):
        parts = parse_single_name_into_parts(written, strict=False)
        family = latex_to_text(" ".join(parts.von + parts.last))
        name = person(
            family, latex_to_text(" ".join(parts.first)), latex_to_text(" ".join(parts.jr))
        )
        if name:
            names.append(name)
    return tuple(names)
