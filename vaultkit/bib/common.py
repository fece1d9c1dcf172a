"""Reading a bibliography file and the normalisations shared by BibTeX and CSL."""

from __future__ import annotations

from pathlib import Path

from vaultkit.bib.model import BROKEN_ENTRY, BibIssue
from vaultkit.lazyre import lazy
from vaultkit.model import Span
from vaultkit.positions import SourceText
from vaultkit.safe_read import read_regular

_YEAR = lazy(r"(?<!\d)-?\d{4}(?!\d)")
_START = Span(1, 1, 1, 1)


def read_source(path: Path, source: str) -> tuple[SourceText | None, list[BibIssue]]:
    """Decode a file as UTF-8 (BOM allowed), falling back to Latin-1 with an issue.

    Zotero writes UTF-8, but a hand-edited or very old export may be Latin-1; reading
    it anyway keeps its citekeys (ASCII in practice) usable while the issue says why
    the accents may look wrong.  ``None`` is returned only when the file cannot be read.
    """
    try:
        data = read_regular(path)
    except OSError as error:
        reason = error.strerror or str(error)
        return None, [BibIssue(source, _START, BROKEN_ENTRY, f"cannot read {source}: {reason}")]
    try:
        return SourceText.from_str(data.decode("utf-8")), []
    except UnicodeDecodeError as error:
        text = SourceText.from_str(data.decode("latin-1"))
        message = (
            f"{source} is not valid UTF-8 (bad byte at offset {error.start}); "
            "read it as Latin-1: re-export it as UTF-8"
        )
        return text, [BibIssue(source, text.line_span(1), BROKEN_ENTRY, message)]


def offset_span(text: SourceText, start: int, end: int | None = None) -> Span:
    """A span from offsets in the normalized text; one character when ``end`` is omitted.

    The one-character default gives editors something visible to underline at an error
    position, without running past the end of the line or the file.
    """
    if end is None:
        at_char = start < len(text.text) and text.text[start] != "\n"
        end = start + 1 if at_char else start
    return text.span(start, end)


def year_of(value: str) -> str | None:
    """The year in a date (``2023-03-01`` → ``2023``), else the trimmed text or ``None``.

    Dates come as EDTF/ISO strings (BibLaTeX ``date``, CSL ``raw``) or free text
    (``forthcoming``); the index only needs the year, but free text is kept so that
    nothing the researcher wrote is silently dropped.
    """
    match = _YEAR.search(value)
    if match:
        return match.group()
    value = value.strip()
    return value or None


def person(family: str, given: str = "", suffix: str = "") -> str | None:
    """``Family, Given`` (``, Suffix`` appended when there is one); ``None`` when empty."""
    parts = [p for p in (family.strip(), given.strip(), suffix.strip()) if p]
    if not family.strip():
        return " ".join(parts) or None
    return ", ".join(parts)

