"""Schemas: declarative descriptions of a kind of note, read from YAML files.

The built-in schemas live in the repository's ``rules/`` folder (``rules/session.yaml``,
``rules/paper.yaml``), which is shipped inside the wheel as the package ``vaultkit.rules``.
A vault may add schemas, or replace a built-in one by reusing its ``name``, in the folder
named by ``schemas:`` in ``.vaultkit.yaml``.  The language is documented in
``rules/README.md``; the VK1xx rules enforce it.

Nothing is cached here: :func:`load_schemas` reads the files each time it is called (once
per :class:`~vaultkit.vault.Vault`), and its result is plain data the caller may keep.
"""

from __future__ import annotations

import importlib.resources
from functools import lru_cache
from pathlib import Path
from typing import Any

import pathspec

from vaultkit.config import Config
from vaultkit.model import Note
from vaultkit.schema.load import load_schema_file
from vaultkit.schema.model import AppliesTo, DateSpec, LogGrammar, Schema, SectionSpec
from vaultkit.yamlfile import UsageError

__all__ = [
    "AppliesTo", "DateSpec", "LogGrammar", "Schema", "SectionSpec",
    "applicable", "builtin_rules_dir", "load_schemas",
]

SCHEMA_SUFFIXES = (".yaml", ".yml")


def builtin_rules_dir() -> Path:
    """The folder of built-in schemas: ``vaultkit.rules`` when installed, else ``<repo>/rules``."""
    try:
        files = importlib.resources.files("vaultkit.rules")
    except ModuleNotFoundError:
        files = None
    if isinstance(files, Path) and files.is_dir():
        return files
    return Path(__file__).resolve().parents[2] / "rules"


def load_schemas(config: Config, vault_root: Path) -> tuple[Schema, ...]:
    """The built-in schemas, then the vault's ``config.schemas`` folder adding or overriding.

    A vault schema whose ``name`` is a built-in one takes its place (same position in the
    result); any other is appended.  Two files with the same name in one folder, a missing
    folder or an invalid file raise :class:`UsageError` naming the file and line.
    """
    builtin = builtin_rules_dir()
    schemas: dict[str, Schema] = {}
    for schema in _load_folder(builtin, config, display_root=builtin.parent):
        schemas[schema.name] = schema
    if config.schemas:
        folder = vault_root / config.schemas
        if not folder.is_dir():
            where = f"{config.source}: " if config.source else ""
            raise UsageError(f"{where}schemas: folder '{config.schemas}' not found in the vault")
        for schema in _load_folder(folder, config, display_root=vault_root):
            schemas[schema.name] = schema  # dict order keeps a replaced built-in in place
    return tuple(schemas.values())


def _load_folder(folder: Path, config: Config, display_root: Path) -> list[Schema]:
    out: list[Schema] = []
    seen: dict[str, str] = {}
    if not folder.is_dir():
        return out
    for path in sorted(p for p in folder.iterdir() if p.suffix in SCHEMA_SUFFIXES and p.is_file()):
        schema = load_schema_file(path, _display(path, display_root), config)
        if schema.name in seen:
            raise UsageError(
                f"{schema.source}:1:1: schema name '{schema.name}' is already used by {seen[schema.name]}"
            )
        seen[schema.name] = schema.source
        out.append(schema)
    return out


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def applicable(schemas: tuple[Schema, ...], note: Note) -> tuple[Schema, ...]:
    """The schemas whose ``applies-to`` selects ``note``: by path *or* by frontmatter."""
    return tuple(s for s in schemas if _selects(s.applies_to, note))


def _selects(rule: AppliesTo, note: Note) -> bool:
    if rule.paths and _spec(rule.paths).match_file(note.path):
        return True
    meta = note.meta
    return any(key in meta and _value_matches(meta[key], accepted)
               for key, accepted in rule.frontmatter)


def _value_matches(value: Any, accepted: tuple[Any, ...]) -> bool:
    """``type: session`` or ``type: [note, session]`` against the accepted values."""
    values = value if isinstance(value, list) else [value]
    return any(_same(v, a) for v in values for a in accepted)


def _same(value: Any, accepted: Any) -> bool:
    if isinstance(value, str) and isinstance(accepted, str):
        return value.strip().casefold() == accepted.strip().casefold()
    return type(value) is type(accepted) and value == accepted


@lru_cache(maxsize=64)
def _spec(paths: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    """Compiled globs; keyed by the globs themselves, so it is a pure memo, not state."""
    return pathspec.GitIgnoreSpec.from_lines(paths)
