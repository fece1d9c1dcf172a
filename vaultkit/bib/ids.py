"""Identifiers that name a paper on the web: DOI, arXiv id, URL.

Matching a link in a note (``[read([Toolformer](https://arxiv.org/abs/2302.04761v1))]``)
to a bibliography entry needs each spelled one way: a DOI without its resolver prefix
and in lower case, an arXiv id without its version, a URL without scheme or ``www.``.
"""

from __future__ import annotations

import re
from functools import cache

_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z.-]+/\d{7}"


class _Patterns:
    """Compiled on first use: only a bibliography read from its files, or a link matched
    to an entry, needs them; compiling these case-blind patterns at import was a few
    milliseconds of every one-note lint."""

    def __init__(self) -> None:
        self.doi = re.compile(r"\b(10\.\d{4,9}/\S+)", re.IGNORECASE)
        self.doi_prefix = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
        self.arxiv_id = re.compile(rf"^(?:arxiv:\s*)?({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?$", re.IGNORECASE)
        self.arxiv_in_text = re.compile(rf"arxiv[:.]\s*({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?", re.IGNORECASE)
        self.arxiv_url = re.compile(
            rf"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/({_ARXIV_NEW}|{_ARXIV_OLD})"
            r"(?:v\d+)?(?:\.pdf)?/?(?:[?#].*)?$",
            re.IGNORECASE,
        )
        self.arxiv_doi = re.compile(rf"^10\.48550/arxiv\.({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?$", re.IGNORECASE)
        self.latex_escape = re.compile(r"\\([_%&#$~])")


_patterns = cache(_Patterns)


def normalize_doi(value: str | None) -> str | None:
    """``https://doi.org/10.1000/X`` / ``doi:10.1000/x`` → ``10.1000/x`` (DOIs ignore case)."""
    if not value:
        return None
    patterns = _patterns()
    value = patterns.doi_prefix.sub("", value.strip())
    match = patterns.doi.match(value)
    return match.group(1).rstrip(".,;").lower() if match else None


def arxiv_id(value: str | None) -> str | None:
    """The arXiv id (no version) in an id, ``arXiv:`` reference, arXiv URL or arXiv DOI."""
    if not value:
        return None
    value = value.strip()
    patterns = _patterns()
    for pattern in (patterns.arxiv_id, patterns.arxiv_url, patterns.arxiv_doi):
        match = pattern.match(value)
        if match:
            return match.group(1).lower()
    match = patterns.arxiv_in_text.search(value)
    return match.group(1).lower() if match else None


def clean_url(value: str | None) -> str | None:
    """A URL field as text: whitespace trimmed, BibTeX escapes (``\\_``, ``\\%``) undone."""
    if not value:
        return None
    return _patterns().latex_escape.sub(r"\1", value.strip()) or None


def url_key(url: str) -> str:
    """How two spellings of one web address compare: no scheme, ``www.``, fragment or
    trailing slash, host in lower case."""
    url = url.strip()
    url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url, flags=re.IGNORECASE)
    url = url.split("#", 1)[0].rstrip("/")
    host, slash, rest = url.partition("/")
    host = host.lower().removeprefix("www.")
    return host + slash + rest
