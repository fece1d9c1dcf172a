"""Reading schema files: strict validation, then plain data.

A schema file is checked twice.  Its shape is a JSON Schema (:data:`META_SCHEMA`), so a
misspelt key, a wrong type or a bad enum value is reported by :func:`vaultkit.yamlfile.validate`
with its line and a did-you-mean.  Then :func:`_semantics` checks what JSON Schema cannot:
regular expressions compile, the date pattern has its fields, names that refer to other
names (``log.section``, ``log.harvest``) exist, the frontmatter JSON Schema is itself valid.
Every problem is a :class:`~vaultkit.yamlfile.UsageError` naming ``file:line:col`` (exit 2).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from vaultkit import memo
from vaultkit.jsontext import dumps_sorted

from vaultkit.config import Config
from vaultkit.didyoumean import close_matches
from vaultkit.globs import check as check_glob
from vaultkit.schema.model import (
    SOURCE_KINDS, AppliesTo, DateSpec, LogGrammar, Schema, SectionSpec,
)
from vaultkit.yamlfile import UsageError, YamlDocument, json_schema, load_yaml, validate

TAG_NAME = r"^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$"
"""The parser's tag grammar (``vaultkit.parse.inline``): verbs and tags must be writable."""
_SCALAR = {"type": ["string", "number", "boolean"]}
_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}

META_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["applies-to"],
    "properties": {
        "extends": {"type": "string"},
        "name": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"},
        "description": {"type": "string"},
        "applies-to": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "paths": _STRINGS,
                "frontmatter": {
                    "type": "object",
                    "additionalProperties": {
                        "anyOf": [_SCALAR, {"type": "array", "items": _SCALAR, "minItems": 1}]
                    },
                },
                "from-config": {"enum": ["sessions", "paper-notes"]},
            },
        },
        "heading-level": {"type": "integer", "minimum": 1, "maximum": 6},
        "section-order": {"enum": ["strict", "any"]},
        "unknown-sections": {"enum": ["allowed", "report"]},
        "sections": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["title"],
                "properties": {
                    "title": {"type": "string", "minLength": 1},
                    "level": {"type": "integer", "minimum": 1, "maximum": 6},
                    "required": {"type": "boolean"},
                    "empty": {"enum": ["allowed", "report"]},
                    "aliases": _STRINGS,
                    "match": {"type": "string", "minLength": 1},
                    "description": {"type": "string"},
                },
            },
        },
        "date": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "filename": {"type": "string", "minLength": 1},
                "frontmatter": {"type": "string", "minLength": 1},
            },
        },
        "log": {
            "type": "object",
            "additionalProperties": False,
            "required": ["section", "verbs"],
            "properties": {
                "section": {"type": "string", "minLength": 1},
                "verbs": {
                    "type": "array", "minItems": 1,
                    "items": {"type": "string", "pattern": TAG_NAME},
                },
                "sources": {
                    "type": "array", "minItems": 1, "items": {"enum": list(SOURCE_KINDS)},
                },
                "harvest": {"type": "array", "items": {"type": "string"}},
            },
        },
        "tags": {
            "type": "object",
            "propertyNames": {"pattern": TAG_NAME},
            "additionalProperties": {"type": ["string", "null"]},
        },
        "frontmatter": {"type": "object"},
    },
}

_DATE_FIELDS = {"YYYY": r"(?P<year>\d{4})", "MM": r"(?P<month>\d{2})", "DD": r"(?P<day>\d{2})"}


def load_schema_file(path: Path, display: str, config: Config,
                     bases: dict[str, dict[str, Any]] | None = None) -> Schema:
    """One schema file, validated strictly; the config's globs merged into ``applies-to``.

    ``bases``: the built-in schemas' data by name, for a file that says ``extends:``.
    """
    doc = load_yaml(path, display)
    if isinstance(doc.data, dict) and "extends" in doc.data:
        doc = _extended(doc, bases or {})
    validate(doc, META_SCHEMA, "schema")
    data: dict[str, Any] = doc.data
    _semantics(doc, data)
    level = data.get("heading-level", 2)
    sections = tuple(
        SectionSpec(
            title=s["title"].strip(),
            level=s.get("level", level),
            required=s.get("required", False),
            empty=s.get("empty", "allowed"),
            aliases=tuple(a.strip() for a in s.get("aliases", ())),
            match=s.get("match"),
            description=s.get("description", ""),
        )
        for s in data.get("sections", ())
    )
    log = data.get("log")
    date = data.get("date")
    frontmatter = data.get("frontmatter")
    return Schema(
        name=data.get("name", path.stem),
        source=display,
        applies_to=_applies_to(data["applies-to"], config),
        description=" ".join(data.get("description", "").split()),
        sections=sections,
        section_order=data.get("section-order", "strict"),
        unknown_sections=data.get("unknown-sections", "allowed"),
        date=DateSpec(
            filename=date.get("filename"),
            regex=date_regex(date["filename"]) if "filename" in date else None,
            frontmatter=date.get("frontmatter"),
        ) if date is not None else None,
        log=LogGrammar(
            section=log["section"].strip(),
            verbs=tuple(log["verbs"]),
            sources=tuple(log.get("sources", ("citekey", "link"))),
            harvest=tuple(log.get("harvest", ())),
        ) if log is not None else None,
        tags=tuple((name, " ".join((text or "").split())) for name, text in data.get("tags", {}).items()),
        frontmatter_json=dumps_sorted(frontmatter) if frontmatter is not None else None,
    )


def _extended(doc: YamlDocument, bases: dict[str, dict[str, Any]]) -> YamlDocument:
    """``extends: session`` plus additions: the built-in schema with the file merged in.

    Adding one verb or tag should not mean copying the whole schema.  Mappings merge key
    by key, lists of names gain the new ones (``log.verbs: [revisit]`` adds a verb),
    ``sections`` replace a section of the same title or are added, anything else is
    replaced.  Without a ``name`` the result takes the base's name, so it replaces the
    built-in schema instead of applying beside it.
    """
    base_name = doc.data["extends"]
    if not isinstance(base_name, str) or base_name not in bases:
        raise _fail(doc, ("extends",), f"extends: no built-in schema '{base_name}'"
                    f"{_hint(str(base_name), sorted(bases))}")
    own = {k: v for k, v in doc.data.items() if k != "extends"}
    merged = _merge(copy.deepcopy(bases[base_name]), own)
    if "name" not in own:
        merged["name"] = base_name
    return YamlDocument(doc.path, merged, doc.key_spans)


def _merge(base: Any, extra: Any, key: str = "") -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        for name, value in extra.items():
            base[name] = _merge(base[name], value, name) if name in base else value
        return base
    if key == "sections" and isinstance(base, list) and isinstance(extra, list):
        titles = {str(s.get("title", "")).strip().casefold(): i for i, s in enumerate(base)
                  if isinstance(s, dict)}
        for section in extra:
            title = str(section.get("title", "")).strip().casefold() if isinstance(section, dict) else ""
            if title in titles:
                base[titles[title]] = section
            else:
                base.append(section)
        return base
    if isinstance(base, list) and isinstance(extra, list) and all(
            isinstance(v, (str, int, float)) for v in base + extra):
        return base + [v for v in extra if v not in base]
    return extra


def date_regex(pattern: str) -> str:
    """``YYYY-MM-DD`` -> ``(?P<date>(?P<year>\\d{4})-(?P<month>…)…)``; the rest is literal.

    The year/month/day groups let the index write every date as ``YYYY-MM-DD``,
    whatever order the file names use, so dates sort correctly.
    """
    parts = re.split(r"(YYYY|MM|DD)", pattern)
    body = "".join(
        _DATE_FIELDS.get(part) or (part if re.fullmatch(r"[\w -]*", part) else re.escape(part))
        for part in parts
    )
    return f"(?P<date>{body})"


def _applies_to(data: dict[str, Any], config: Config) -> AppliesTo:
    paths = list(data.get("paths", ()))
    source = data.get("from-config")
    if source == "sessions":
        paths += [g for g in config.sessions if g not in paths]
    elif source == "paper-notes":
        glob = config.paper_notes.replace("{key}", "*")
        if glob not in paths:
            paths.append(glob)
    frontmatter = tuple(
        (key, tuple(value) if isinstance(value, list) else (value,))
        for key, value in data.get("frontmatter", {}).items()
    )
    return AppliesTo(tuple(paths), frontmatter)


# -- checks JSON Schema cannot express ---------------------------------------------------
def _fail(doc: YamlDocument, key_path: tuple[str, ...], message: str) -> UsageError:
    return UsageError(f"{doc.where(key_path)}: {message}")


def _hint(word: str, choices: list[str]) -> str:
    best = close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{best[0]}'?)" if best else f" (known: {', '.join(choices) or 'none'})"


def _semantics(doc: YamlDocument, data: dict[str, Any]) -> None:
    _check_paths(doc, data["applies-to"].get("paths", ()))
    titles = _check_sections(doc, data.get("sections", ()))
    date = data.get("date")
    if date is not None:
        if not date:
            raise _fail(doc, ("date",), "schema: 'date' needs 'filename' or 'frontmatter'")
        pattern = date.get("filename")
        if pattern is not None and any(pattern.count(f) != 1 for f in _DATE_FIELDS):
            raise _fail(doc, ("date", "filename"),
                        f"schema: date.filename {pattern!r} must contain YYYY, MM and DD once each")
    tags = list(data.get("tags", {}))
    log = data.get("log")
    if log is not None:
        _check_log(doc, log, titles, tags)
    frontmatter = data.get("frontmatter")
    if frontmatter is not None:
        key = memo.digest("check_schema", frontmatter)
        if memo.passed(key):
            return
        jsonschema = json_schema()
        try:
            jsonschema.Draft202012Validator.check_schema(frontmatter)
        except jsonschema.SchemaError as error:
            where = ("frontmatter",) + tuple(str(p) for p in error.absolute_path)
            raise _fail(doc, where, f"schema: 'frontmatter' is not a valid JSON Schema: {error.message}")
        memo.mark_passed(key)


def _check_paths(doc: YamlDocument, paths: list[str]) -> None:
    for index, glob in enumerate(paths):
        try:
            check_glob(glob)
        except (ValueError, TypeError) as error:
            raise _fail(doc, ("applies-to", "paths", str(index)),
                        f"schema: bad glob {glob!r} in applies-to.paths: {error}")


def _check_sections(doc: YamlDocument, sections: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, int] = {}
    for index, section in enumerate(sections):
        where = ("sections", str(index))
        names = [(("title",), section["title"])] + [
            (("aliases", str(i)), alias) for i, alias in enumerate(section.get("aliases", ()))
        ]
        for key_path, name in names:
            key = " ".join(name.split()).casefold()
            if key in seen:
                raise _fail(doc, where + key_path,
                            f"schema: section name {name!r} is used twice (also in section "
                            f"#{seen[key] + 1})")
            seen[key] = index
        pattern = section.get("match")
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as error:
                raise _fail(doc, where + ("match",),
                            f"schema: bad regular expression {pattern!r}: {error}")
    return [s["title"].strip() for s in sections]


def _check_log(doc: YamlDocument, log: dict[str, Any], titles: list[str], tags: list[str]) -> None:
    if titles and not any(t.casefold() == log["section"].strip().casefold() for t in titles):
        raise _fail(doc, ("log", "section"),
                    f"schema: log.section '{log['section']}' is not one of the sections"
                    f"{_hint(log['section'], titles)}")
    for field in ("verbs", "sources", "harvest"):
        values = log.get(field, ())
        for index, value in enumerate(values):
            if value in values[:index]:
                raise _fail(doc, ("log", field, str(index)), f"schema: log.{field} lists '{value}' twice")
    for index, verb in enumerate(log["verbs"]):
        if verb in tags:
            raise _fail(doc, ("log", "verbs", str(index)),
                        f"schema: '{verb}' is both a verb and a tag; a name can only be one")
    for index, name in enumerate(log.get("harvest", ())):
        if name not in tags:
            raise _fail(doc, ("log", "harvest", str(index)),
                        f"schema: log.harvest names '{name}', which is not in 'tags'{_hint(name, tags)}")
