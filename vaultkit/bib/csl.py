"""CSL JSON and CSL YAML loading (Better BibTeX's other export formats).

Both formats hold a list of items whose ``id`` is the citekey.  The data comes from the
standard parsers; positions come from a second look at the text: for JSON (the ``json``
module keeps none) each array element is decoded again from where it starts, which
gives its extent, and the ``id`` member is searched inside it; for YAML the composed
node tree carries the marks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import yaml

from vaultkit.bib.common import offset_span, person, year_of
from vaultkit.bib.ids import arxiv_id, clean_url, normalize_doi
from vaultkit.bib.model import BROKEN_ENTRY, BibEntry, BibIssue
from vaultkit.model import Span
from vaultkit.positions import SourceText

try:  # libyaml is several times faster on a large export
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_JSON_BETWEEN = re.compile(r"[ \t\r\n,]*")
"""What separates array elements in valid JSON."""
_JSON_ID_VALUE = re.compile(r'[ \t\r\n]*:[ \t\r\n]*(?:"((?:[^"\\]|\\.)*)"|(-?\d+))', re.DOTALL)


class _CslLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """SafeLoader that keeps timestamps as the strings written (``issued: 2023-03-01``)."""


_CslLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


# -- CSL JSON ---------------------------------------------------------------------------


def load_csl_json(
    text: SourceText, source: str, *, full: bool = True, detail: frozenset[str] = frozenset()
) -> tuple[list[BibEntry], list[BibIssue]]:
    """Every item of a CSL JSON file in file order (duplicates included) and its issues."""
    if not text.text.strip():
        return [], []
    try:
        data = json.loads(text.text)
    except json.JSONDecodeError as error:
        return [], [_issue(text, source, error.pos, f"invalid CSL JSON: {error.msg}")]
    except RecursionError:
        return [], [_issue(text, source, 0, "invalid CSL JSON: nested too deeply")]
    if not isinstance(data, list):
        message = f"CSL JSON must be a list of items, not a {_kind(data)}"
        return [], [_issue(text, source, 0, message)]
    entries: list[BibEntry] = []
    issues: list[BibIssue] = []
    for index, (item, (start, end)) in enumerate(zip(data, _json_elements(text.text))):
        if not isinstance(item, dict):
            message = f"CSL item {index + 1} is a {_kind(item)}, not an object; it is skipped"
            issues.append(_issue(text, source, start, message))
            continue
        span = _json_id_span(text, start, end, item.get("id"))
        entry = _csl_entry(item, source, span, full or _wanted(item, detail), issues)
        if entry is not None:
            entries.append(entry)
    return entries, issues


def _json_elements(body: str) -> Iterator[tuple[int, int]]:
    """Start and end offsets of each element of the top-level array.

    Only called once ``json.loads`` accepted the text as an array, so every element
    decodes and the separators are whitespace and commas.
    """
    decoder = json.JSONDecoder()
    pos = _after_separators(body, body.index("[") + 1)
    while body[pos] != "]":
        _, end = decoder.raw_decode(body, pos)
        yield pos, end
        pos = _after_separators(body, end)


def _after_separators(body: str, pos: int) -> int:
    match = _JSON_BETWEEN.match(body, pos)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _json_id_span(text: SourceText, start: int, end: int, key: Any) -> Span:
    """The span of the ``id`` value's characters (quotes excluded), else the item's ``{``.

    The first ``"id":`` inside the object whose value is the loaded key is taken; a
    nested object with the same id would do as well, since it spells the same key.
    ``"id"`` cannot match inside a string value, where the quotes are escaped.
    """
    body = text.text
    at = body.find('"id"', start, end)
    while at != -1:
        value = _JSON_ID_VALUE.match(body, at + 4, end)
        if value is not None and _json_value(value) == key:
            group = 1 if value.group(1) is not None else 2
            return text.span(value.start(group), value.end(group))
        at = body.find('"id"', at + 4, end)
    return offset_span(text, start)


def _json_value(match: re.Match[str]) -> Any:
    written = match.group(1)
    if written is None:
        return int(match.group(2))
    return json.loads(f'"{written}"') if "\\" in written else written


# -- CSL YAML ---------------------------------------------------------------------------


def load_csl_yaml(
    text: SourceText, source: str, *, full: bool = True, detail: frozenset[str] = frozenset()
) -> tuple[list[BibEntry], list[BibIssue]]:
    """Every item of a CSL YAML file (a list, or ``references:`` holding one)."""
    loader = _CslLoader(text.text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = ", ".join(p for p in (error.context, error.problem) if p)
        offset = mark.index if mark is not None else 0
        return [], [_issue(text, source, offset, f"invalid CSL YAML: {problem}")]
    except (yaml.YAMLError, RecursionError) as error:
        return [], [_issue(text, source, 0, f"invalid CSL YAML: {error}")]
    finally:
        loader.dispose()
    if root is None:
        return [], []
    found = _yaml_items(root, data)
    if found is None:
        message = "CSL YAML must be a list of items or a mapping with a 'references:' list"
        return [], [_issue(text, source, root.start_mark.index, message)]
    entries: list[BibEntry] = []
    issues: list[BibIssue] = []
    for node, item in found:
        if not isinstance(item, dict):
            message = f"CSL item is a {_kind(item)}, not a mapping; it is skipped"
            issues.append(_issue(text, source, node.start_mark.index, message))
            continue
        span = _yaml_id_span(text, node)
        entry = _csl_entry(item, source, span, full or _wanted(item, detail), issues)
        if entry is not None:
            entries.append(entry)
    return entries, issues


def _yaml_items(root: yaml.Node, data: Any) -> list[tuple[yaml.Node, Any]] | None:
    """The item nodes paired with their constructed values, or ``None`` for a wrong shape."""
    if isinstance(root, yaml.MappingNode) and isinstance(data, dict):
        refs = [v for k, v in root.value if _is_scalar(k, "references")]
        if not refs or not isinstance(data.get("references"), list):
            return None
        root, data = refs[-1], data["references"]
    if not isinstance(root, yaml.SequenceNode) or not isinstance(data, list):
        return None
    return list(zip(root.value, data))


def _is_scalar(node: yaml.Node, value: str) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.value == value


def _yaml_id_span(text: SourceText, node: yaml.Node) -> Span:
    """The span of the ``id`` value's characters (quotes excluded), else the item start."""
    if isinstance(node, yaml.MappingNode):
        for key, value in reversed(node.value):  # the last 'id' is the one loaded
            if _is_scalar(key, "id") and isinstance(value, yaml.ScalarNode):
                start, end = value.start_mark.index, value.end_mark.index
                if value.style in ('"', "'"):
                    start, end = start + 1, end - 1
                return text.span(start, end)
    return offset_span(text, node.start_mark.index)


# -- shared -----------------------------------------------------------------------------


def _csl_entry(
    item: dict[str, Any], source: str, span: Span, full: bool, issues: list[BibIssue]
) -> BibEntry | None:
    """The entry for one CSL item, or ``None`` (and an issue) when it has no usable id."""
    key = item.get("id")
    if isinstance(key, int) and not isinstance(key, bool):
        key = str(key)
    if not isinstance(key, str) or not key.strip():
        problem = "has no 'id'" if key in (None, "") else f"has an 'id' that is a {_kind(key)}"
        issues.append(BibIssue(source, span, BROKEN_ENTRY, f"CSL item {problem}; it is skipped"))
        return None
    entry_type = item.get("type")
    entry_type = entry_type if isinstance(entry_type, str) else ""
    if not full:
        return BibEntry(key, source, span, entry_type, None, (), None)
    title = _str(item.get("title"))
    authors = _csl_authors(item.get("author"))
    year = _csl_year(item.get("issued"))
    # CSL variables are case-sensitive (DOI, URL), but pandoc's YAML and hand-written
    # files often spell them in lower case: accept either.
    field = {str(k).lower(): v for k, v in item.items()}
    doi = normalize_doi(_str(field.get("doi")))
    url = clean_url(_str(field.get("url")))
    eprint = next((found for value in (field.get("eprint"), doi, url, field.get("number"),
                                       field.get("archive_location"))
                   if (found := arxiv_id(_str(value)))), None)
    return BibEntry(
        key, source, span, entry_type, " ".join(title.split()) or None, authors, year,
        doi=doi, url=url, eprint=eprint, file=_str(field.get("file")) or None,
        abstract=_paragraphs(_str(field.get("abstract"))) or None,
        venue=next((" ".join(v.split()) for name in ("container-title", "event-title",
                    "collection-title", "publisher") if (v := _str(field.get(name)))), None),
    )


def _csl_authors(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    names: list[str] = []
    for name in value:
        if not isinstance(name, dict):
            continue
        literal = _str(name.get("literal"))
        if literal:
            names.append(literal)
            continue
        particle = _str(name.get("non-dropping-particle"))
        family = f"{particle} {_str(name.get('family'))}" if particle else _str(name.get("family"))
        given_parts = (_str(name.get("given")), _str(name.get("dropping-particle")))
        given = " ".join(p for p in given_parts if p)
        formatted = person(family, given, _str(name.get("suffix")))
        if formatted:
            names.append(formatted)
    return tuple(names)


def _csl_year(issued: Any) -> str | None:
    """The year of ``issued``: ``date-parts``, ``raw``/``literal``, or the shapes pandoc and
    older Better BibTeX YAML write (``issued: 2023-03-01``, ``issued: [{year: 2023}]``)."""
    if isinstance(issued, list) and issued:
        issued = issued[0]
    if isinstance(issued, (str, int)) and not isinstance(issued, bool):
        return year_of(str(issued))
    if not isinstance(issued, dict):
        return None
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = parts[0][0]
        if isinstance(first, (str, int)) and not isinstance(first, bool) and str(first).strip():
            return str(first).strip()
    for name in ("year", "raw", "literal"):
        value = issued.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return year_of(str(value))
    return None


def _wanted(item: dict[str, Any], detail: frozenset[str]) -> bool:
    key = item.get("id")
    return bool(detail) and isinstance(key, (str, int)) and str(key) in detail


def _issue(text: SourceText, source: str, offset: int, message: str) -> BibIssue:
    return BibIssue(source, offset_span(text, offset), BROKEN_ENTRY, message)


def _str(value: Any) -> str:
    """A name part as text; anything but a string or number counts as absent."""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value).strip()
    return ""


def _paragraphs(text: str) -> str:
    """An abstract's paragraphs, one blank line apart: Zotero keeps each paragraph on a
    line of its own (CSL JSON and YAML alike), so every newline ends one."""
    return "\n\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _kind(value: Any) -> str:
    """How a wrong value is named in messages (JSON and YAML words, not Python's)."""
    names = {dict: "mapping", list: "list", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number" if isinstance(value, (int, float)) else "value")
