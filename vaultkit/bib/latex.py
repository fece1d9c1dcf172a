"""Turn the LaTeX of BibTeX field values into plain text for titles and names.

Better BibTeX protects capitals with braces and writes non-ASCII letters as accent
commands; the index wants ``Attention Is All You Need`` and ``Müller``.  This covers the
accents, letters and escapes BibTeX exports use, in one regex pass; anything else keeps
its text (``\\emph{deep}`` → ``deep``, ``\\LaTeX`` → ``LaTeX``).  It is not a LaTeX
renderer: math stays as written.
"""

from __future__ import annotations

import re
import unicodedata

_COMBINING = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    "u": "\u0306", ".": "\u0307", '"': "\u0308", "r": "\u030a", "H": "\u030b",
    "v": "\u030c", "d": "\u0323", "c": "\u0327", "k": "\u0328", "b": "\u0331",
}
_WORDS = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
    "textendash": "–", "textemdash": "—", "dots": "…", "ldots": "…", "textellipsis": "…",
    "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“",
    "textquotedblright": "”", "guillemotleft": "«", "guillemotright": "»",
    "textasciitilde": "~", "textbackslash": "\\", "textunderscore": "_", "S": "§",
    "P": "¶", "copyright": "©", "textregistered": "®", "texttrademark": "™",
}
_SWITCHES = frozenset(
    {"bf", "it", "em", "sc", "rm", "tt", "sf", "sl", "up", "md", "relax", "protect"}
)
"""Declarations with no text of their own (``{\\bf x}``, ``\\protect\\foo``)."""
_ESCAPES = {"\\": " ", " ": " ", "~": "~", "^": "^"}
_LIGATURES = {"---": "—", "--": "–", "~": " "}
_TOKEN = re.compile(
    r"""
    \\(?P<sym>[`'^"~=.])\s*(?:\{\s*(?P<sym_in>\\?[A-Za-z])\s*\}|(?P<sym_bare>\\?[A-Za-z]))
    | \\(?P<let>[uvHckrdb])(?:\s*\{\s*(?P<let_in>\\?[A-Za-z])\s*\}|\s+(?P<let_bare>\\?[A-Za-z]))
    | \\(?P<esc>[&%$\#_{}~^\\\ ])
    | \\(?P<word>[A-Za-z]+)(?P<space>\s*)
    | (?P<ligature>---|--|~)
    | [{}]
    """,
    re.VERBOSE,
)
_SPECIAL = re.compile(r"[\\{}~]|--")


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*|\\par(?![A-Za-z])\s*")
"""A blank line or ``\\par``: where LaTeX (and a Better BibTeX export) ends a paragraph."""


def latex_paragraphs(value: str) -> str:
    """Plain text of a long field (an abstract): paragraphs kept, separated by one blank
    line; inside each, whitespace collapsed (a single newline is only wrapping)."""
    paragraphs = (latex_to_text(p) for p in _PARAGRAPH_BREAK.split(value))
    return "\n\n".join(p for p in paragraphs if p)


def latex_to_text(value: str) -> str:
    """Plain text of a field value, whitespace collapsed to single spaces."""
    if _SPECIAL.search(value):
        value = _TOKEN.sub(_replace, value)
    return " ".join(value.split())


def _replace(match: re.Match[str]) -> str:
    groups = match.groupdict()
    accent = groups["sym"] or groups["let"]
    if accent:
        base = groups["sym_in"] or groups["sym_bare"] or groups["let_in"] or groups["let_bare"]
        return unicodedata.normalize("NFC", base.lstrip("\\") + _COMBINING[accent])
    if groups["esc"]:
        return _ESCAPES.get(groups["esc"], groups["esc"])
    if groups["word"]:
        return _word(groups["word"], groups["space"], match)
    if groups["ligature"]:
        return _LIGATURES[groups["ligature"]]
    return ""  # a protecting brace


def _word(name: str, space: str, match: re.Match[str]) -> str:
    """A control word: a known letter, or dropped before its argument, or kept as text."""
    if name in _WORDS:
        return _WORDS[name]  # LaTeX swallows the space after a control word
    if name in _SWITCHES:
        return ""
    following = match.string[match.end() : match.end() + 1]
    if following == "{":
        return ""  # \emph{x}, \textsc{x}: keep the argument only
    return name + space
