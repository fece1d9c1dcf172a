"""Strictly validated YAML files (``.vaultkit.yaml``, schemas in ``rules/``).

A mistake in a config or schema file is a *usage error*: vaultkit stops with exit 2 and
names the file, the line and, for a misspelt key, the closest valid one.  Validation is
JSON Schema (the ``jsonschema`` library); this module maps its errors back to lines.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import msgspec
from msgspec import Struct

from vaultkit.digest import key as digest_key
from vaultkit import __version__, memo
from vaultkit.didyoumean import close_matches
from vaultkit.errors import UsageError as UsageError  # re-exported: its old home
from vaultkit.jsontext import is_plain
from vaultkit.model import Span, deepest_key_span
from vaultkit.safe_read import read_regular


class YamlDocument(Struct, frozen=True):
    path: str
    data: Any
    key_spans: tuple[tuple[tuple[str, ...], Span], ...]

    def where(self, key_path: tuple[str, ...]) -> str:
        """``file:line:col`` of the deepest written key on ``key_path``."""
        best = deepest_key_span(self.key_spans, key_path)
        if best is None:
            return f"{self.path}:1:1"
        return f"{self.path}:{best.line}:{best.column}"


def load_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Load a YAML file keeping where each key was written; errors become UsageError.

    A file read before is not parsed again: its data and key spans are kept in the
    cache folder by its bytes (:func:`vaultkit.memo.result`), when they are plain JSON
    data -- so a lint whose notes have no frontmatter never imports PyYAML."""
    name = display or str(path)
    try:
        raw = read_regular(path)
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{name}: cannot read: {error}") from error
    key = digest_key(b"%s\0%s" % (_loader_stamp().encode(), raw))
    kept = _kept_document(memo.result(key), name)
    if kept is not None:
        return kept
    doc = _parse(text, name)
    if is_plain(doc.data):
        spans = [[list(p), list(s)] for p, s in doc.key_spans]
        memo.keep_result(key, _KEEP.encode({"data": doc.data, "spans": spans}))
    return doc


@cache
def _loader_stamp() -> str:
    """The version and the loader's own source files' stats: a development install whose
    loader changed never meets documents its older self parsed."""
    here = Path(__file__)
    return f"yaml/{__version__}/" + memo.source_stamp([here, here.with_name("yamlload.py")])


def _kept_document(blob: bytes | None, name: str) -> YamlDocument | None:
    if blob is None:
        return None
    try:
        kept = _KEPT.decode(blob)
        spans = tuple((tuple(str(k) for k in p), Span(*map(int, s))) for p, s in kept["spans"])
        return YamlDocument(name, kept["data"], spans)
    except (msgspec.DecodeError, ValueError, TypeError, KeyError):
        return None  # not what keep_result wrote: parse the file


_KEEP = msgspec.json.Encoder()
_KEPT = msgspec.json.Decoder()
"""A kept document is plain JSON data (:func:`vaultkit.jsontext.is_plain`): msgspec
writes it and reads it back exactly, as json would."""


def _parse(text: str, name: str) -> YamlDocument:
    # PyYAML at its use: a file kept in the cache is not parsed again (an edge)
    import yaml

    from vaultkit.yamlload import MAX_EXPANDED_NODES, NoteLoader, expanded_size, key_spans

    loader = NoteLoader(text)
    loader.duplicates = []
    try:
        node = loader.get_single_node()
        if node is not None and expanded_size(node) > MAX_EXPANDED_NODES:
            raise UsageError(f"{name}: expands to more than {MAX_EXPANDED_NODES:,} values "
                             "through aliases; refusing to load it")
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise UsageError(f"{where}: invalid YAML: {error.problem or error}") from error
    except yaml.YAMLError as error:
        raise UsageError(f"{name}: invalid YAML: {error}") from error
    finally:
        loader.dispose()
    if loader.duplicates:
        first, dup = loader.duplicates[0]
        raise UsageError(
            f"{name}:{dup.start_mark.line + 1}:{dup.start_mark.column + 1}: duplicate key "
            f"'{dup.value}' (first on line {first.start_mark.line + 1})"
        )
    spans = tuple(key_spans(node, 1, text)) if node is not None else ()
    return YamlDocument(name, data, spans)


def json_schema() -> ModuleType:
    """The ``jsonschema`` library, imported when a check first needs it: importing it
    costs more than the rest of a one-note lint, whose checks mostly passed before
    (:mod:`vaultkit.memo`)."""
    import jsonschema

    return jsonschema


def validate(doc: YamlDocument, schema: dict[str, Any], what: str) -> None:
    """Raise UsageError for the first violation of ``schema``, pointing at its line."""
    key = memo.digest("validate", schema, doc.data)
    if memo.passed(key):
        return  # these very data passed this very schema before
    jsonschema = json_schema()
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path)))
    if not errors:
        memo.mark_passed(key)
        return
    error = jsonschema.exceptions.best_match(errors) or errors[0]
    path = tuple(str(p) for p in error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        key = str(extra[0]) if extra else "?"
        hint = close_matches(key, allowed, n=1, cutoff=0.5)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else f" (valid keys: {', '.join(allowed)})"
        raise UsageError(f"{doc.where(path + (key,))}: unknown key '{key}' in {what}{suggestion}")
    location = ".".join(path) or "top level"
    raise UsageError(f"{doc.where(path)}: {what}: '{location}': {error.message}")
