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

import importlib.util
from pathlib import Path
from typing import Any, Callable

from vaultkit.config import Config, IndexConfig, index_targets
from vaultkit.globs import Matcher, matcher
from vaultkit.model import Note
from vaultkit.schema.load import load_schema_file
from vaultkit.schema.model import AppliesTo, DateSpec, LogGrammar, Schema, SectionSpec
from vaultkit.yamlfile import UsageError, load_yaml

__all__ = [
    "AppliesTo", "DateSpec", "LogGrammar", "Schema", "SectionSpec",
    "applicable", "builtin_rules_dir", "check_index_targets", "load_schemas", "lookalikes",
]

SCHEMA_SUFFIXES = (".yaml", ".yml")


def builtin_rules_dir() -> Path:
    """The folder of built-in schemas: ``vaultkit.rules`` when installed, else ``<repo>/rules``."""
    # the package's folder from its import spec: what importlib.resources.files gives for
    # a package on disk, without importing importlib.resources (and tempfile, zipfile…)
    try:
        spec = importlib.util.find_spec("vaultkit.rules")
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or ()) if spec is not None else ():
        folder = Path(location)
        if folder.is_dir():
            return folder
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
        bases = _raw_schemas(builtin)  # what `extends:` starts from: read only when needed
        folder = vault_root / config.schemas
        if not folder.is_dir():
            where = f"{config.source}: " if config.source else ""
            raise UsageError(f"{where}schemas: folder '{config.schemas}' not found in the vault")
        for schema in _load_folder(folder, config, display_root=vault_root, bases=bases):
            schemas[schema.name] = schema  # dict order keeps a replaced built-in in place
    return tuple(schemas.values())


def _schema_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in SCHEMA_SUFFIXES and p.is_file())


def _raw_schemas(folder: Path) -> dict[str, dict]:
    """The built-in schemas' data by name: what ``extends:`` starts from."""
    out: dict[str, dict] = {}
    if folder.is_dir():
        for path in _schema_files(folder):
            data = load_yaml(path).data
            if isinstance(data, dict):
                out[str(data.get("name", path.stem))] = data
    return out


def _load_folder(folder: Path, config: Config, display_root: Path,
                 bases: dict[str, dict] | None = None) -> list[Schema]:
    out: list[Schema] = []
    seen: dict[str, str] = {}
    if not folder.is_dir():
        return out
    for path in _schema_files(folder):
        schema = load_schema_file(path, _display(path, display_root), config, bases)
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
    if not note.path.lower().endswith(".md"):
        return ()  # a canvas has links, not sections
    return tuple(s for s in schemas if _selects(s.applies_to, note))


def lookalikes(schemas: tuple[Schema, ...], headings: tuple[str, ...]) -> tuple[str, ...]:
    """Schemas a note *almost* is: it has most of their sections (at least three, and 60 %
    of the required ones) by its headings' texts.  For a note no schema applies to, that
    is a schema whose ``applies-to`` probably misses it (``vaultkit lint``'s closing hint)."""
    out = []
    for schema in schemas:
        wanted = [spec for spec in schema.sections if spec.required] or list(schema.sections)
        if len(wanted) < 3:
            continue
        need = max(3, -(-len(wanted) * 3 // 5))
        if sum(1 for spec in wanted if any(spec.matches(h) for h in headings)) >= need:
            out.append(schema.name)
    return tuple(out)


def _selects(rule: AppliesTo, note: Note) -> bool:
    if rule.paths and _spec(rule.paths)(note.path):
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


def _spec(paths: tuple[str, ...]) -> Matcher:
    """The globs' matcher (:func:`vaultkit.globs.matcher` keeps it per globs)."""
    return matcher(paths)


def check_index_targets(config: Config, schemas: tuple[Schema, ...], vault_root: Path,
                        written_only: bool = False) -> None:
    """Refuse index targets another schema claims by path (exit 2, naming the config key).

    An index note named like a session (``index.path: sessions/{key}.md``) would be read
    and checked as one; an overview or questions note matched by any schema's paths (a
    session note named as the overview) would get a generated region appended to a note
    the researcher writes.  Index notes may be what a non-session schema describes: the
    built-in ``paper`` schema applies to ``papers/**``, where they live by default.

    ``written_only`` (what ``lint`` asks): only keys set to something other than the
    default, so a vault that never indexes is not stopped by a default it never chose.
    """
    for key, rel in index_targets(config.index):
        if written_only and getattr(config.index, key) == getattr(IndexConfig(), key):
            continue
        for schema in schemas:
            paths = schema.applies_to.paths
            if not paths or not _spec(paths)(rel):
                continue
            if key == "path" and schema.log is None:
                continue
            kind = "session notes" if schema.log is not None else f"'{schema.name}' notes"
            shown = config.index.path if key == "path" else rel
            raise UsageError(
                f"{_where(config, vault_root, key)}index.{key}: '{shown}' is where {kind} live "
                f"(schema '{schema.name}' applies to {', '.join(paths)}): vaultkit would write "
                "its index into notes you write; choose another path")


def check_index_note(config: Config, schemas: tuple[Schema, ...], vault_root: Path,
                     schemas_of: Callable[[str], tuple[str, ...]]) -> None:
    """Refuse an existing overview or questions note that a schema selects by its
    frontmatter (``type: session``), checked when ``vaultkit index`` runs.
    ``schemas_of(path)`` names the schemas that apply to a note (none: no such note)."""
    for key, rel in index_targets(config.index)[1:]:
        claimed = schemas_of(rel)
        if claimed:
            raise UsageError(
                f"{_where(config, vault_root, key)}index.{key}: '{rel}' is a note you write "
                f"(schema '{claimed[0]}' applies to it): vaultkit would append its generated "
                "region to it; choose another path")


def _where(config: Config, vault_root: Path, key: str) -> str:
    """``file:line:col: `` of ``index.<key>`` in the config file, or the defaults' name."""
    if config.source is None:
        return "(default) "
    try:
        doc = load_yaml(vault_root / config.source, config.source)
    except UsageError:
        return f"{config.source}: "
    if not any(path == ("index", key) for path, _ in doc.key_spans):
        return f"{config.source}: (default) "
    return doc.where(("index", key)) + ": "
