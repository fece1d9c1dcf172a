"""``.vaultkit.yaml``: loading, strict validation and defaults.

Without a config file the defaults serve the example-vault layout: the bibliography is
every ``*.bib`` and CSL ``*.json``/``*.yaml`` at the vault root, session notes are
``sessions/**`` plus any note whose frontmatter says ``type: session``, paper notes are
``papers/@{key}.md``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from msgspec import Struct, field
from msgspec.structs import asdict, replace

from vaultkit.digest import key as digest_key
from vaultkit.jsontext import canonical
from vaultkit.globs import matcher
from vaultkit.lazyre import lazy
from vaultkit.obsidian import LINK_FORMATS, ObsidianSettings, read_settings
from vaultkit.yamlfile import UsageError, load_yaml, validate

CONFIG_NAME = ".vaultkit.yaml"
_SEVERITY = {"enum": ["error", "warning", "info", "off"]}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_STRING_OR_STRINGS = {"anyOf": [{"type": "string"}, _STRINGS]}

CONFIG_SCHEMA: dict[str, Any] = {
    "type": ["object", "null"],
    "additionalProperties": False,
    "properties": {
        "select": _STRINGS,
        "extend-select": _STRINGS,
        "ignore": _STRINGS,
        "severity": {"type": "object", "additionalProperties": _SEVERITY},
        "per-path-ignores": {"type": "object", "additionalProperties": _STRINGS},
        "exclude": _STRINGS,
        "bibliography": _STRING_OR_STRINGS,
        "sessions": _STRINGS,
        "paper-notes": {"type": "string", "pattern": r"\{key\}"},
        "schemas": {"type": "string"},
        "attachments": {"type": "string"},
        "link-format": {"enum": list(LINK_FORMATS)},
        "excluded-files": _STRINGS,
        "template-folders": _STRING_OR_STRINGS,
        "citekeys": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"ignore": _STRINGS, "ignore-patterns": _STRINGS},
        },
        "index": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "path": {"type": "string", "pattern": r"\{key\}"},
                "overview": {"type": "string"},
                "link-style": {"enum": ["wikilink", "markdown"]},
                "max-prune-share": {"type": "number", "minimum": 0, "maximum": 1},
                "questions": {"type": ["string", "null"]},
                "log": {"enum": ["auto", "full", "compact"]},
                "compact-above": {"type": "integer", "minimum": 0},
                "max-read-with": {"type": "integer", "minimum": 0},
                "templates": {"type": "string"},
            },
        },
        "rules": {"type": "object", "additionalProperties": {"type": "object"}},
    },
}


class IndexConfig(Struct, frozen=True):
    path: str = "papers/@{key}.md"
    overview: str = "Papers.md"
    link_style: str = "wikilink"
    max_prune_share: float = 0.5
    questions: str | None = "Questions.md"
    """The note of open questions; ``None`` (``questions: null``) writes none."""
    log: str = "auto"
    """How a paper's reading log shows a session: ``full`` copies the bullets, ``compact``
    shows the first line of each, ``auto`` is compact above ``compact_above`` lines."""
    compact_above: int = 40
    max_read_with: int = 10
    templates: str | None = None
    """A vault folder whose ``paper.md`` / ``overview.md`` / ``questions.md`` replace the
    built-in layouts in ``rules/index/``."""


class Config(Struct, frozen=True):
    """Everything that changes what vaultkit reports; hashed into cache keys.

    A msgspec Struct (frozen, compared and hashed by its fields; copy it with
    ``msgspec.structs.replace``), not a dataclass: see :mod:`vaultkit.model`."""

    select: tuple[str, ...] | None = None
    """``None``: every rule that is on by default."""
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    bibliography: tuple[str, ...] = ("*.bib", "*.json", "*.yaml", "*.yml")
    bibliography_explicit: bool = False
    sessions: tuple[str, ...] = ("sessions/**",)
    paper_notes: str = "papers/@{key}.md"
    schemas: str | None = None
    citekey_ignore: tuple[str, ...] = ()
    citekey_ignore_patterns: tuple[str, ...] = ()
    index: IndexConfig = field(default_factory=IndexConfig)
    rule_options: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    source: str | None = None
    """The config file this came from, for messages."""
    attachments: str | None = None
    """Where new attachments go (Obsidian's ``attachmentFolderPath``): named in VK202."""
    link_format: str = "shortest"
    """How generated links are written: Obsidian's "New link format"."""
    excluded_files: tuple[str, ...] = ()
    """Obsidian's "Excluded files" filters: not linted, still link targets."""
    template_folders: tuple[str, ...] = ()
    """Template folders (core Templates, Templater): no link or schema checks there."""
    origins: tuple[tuple[str, str], ...] = ()
    """Where each setting that is not a default came from (``lint --show-settings``)."""
    settings_problems: tuple[str, ...] = ()
    """Obsidian settings files that exist but could not be read."""
    cli_selection: tuple[tuple[str, ...] | None, tuple[str, ...], tuple[str, ...]] | None = None
    """The config file's own (select, extend-select, ignore) when the command line changed
    them: findings are computed (and cached) for the rules the file turns on, and the
    command line's choice filters them, so ``lint --select VK201`` after a plain lint
    reads the plain lint's cache (:meth:`for_cache`)."""

    def origin(self, name: str) -> str:
        return dict(self.origins).get(name, "default")

    def options_for(self, code: str) -> dict[str, Any]:
        for rule, options in self.rule_options:
            if rule == code:
                return dict(options)
        return {}

    def fingerprint(self) -> str:
        """A stable hash of every setting: part of the cache key."""
        # the command line's selection is a filter (cli_selection records where it came
        # from): what it selects is in select/extend_select/ignore already
        settings = asdict(self)
        del settings["cli_selection"]
        settings["index"] = asdict(self.index)
        return digest_key(canonical(settings), 16)

    def with_cli(
        self,
        select: tuple[str, ...] = (),
        extend_select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        severity: tuple[tuple[str, str], ...] = (),
    ) -> Config:
        chosen = self.cli_selection
        if chosen is None and (select or extend_select or ignore):
            chosen = (self.select, self.extend_select, self.ignore)
        return replace(
            self,
            select=tuple(select) if select else self.select,
            extend_select=self.extend_select + tuple(extend_select),
            ignore=self.ignore + tuple(ignore),
            severity=self.severity + tuple(severity),
            cli_selection=chosen,
        )

    def for_cache(self) -> Config:
        """The config whose rules' findings are computed and cached: this one without the
        command line's ``--select``/``--extend-select``/``--ignore`` (which filter them)."""
        if self.cli_selection is None:
            return self
        select, extend_select, ignore = self.cli_selection
        return replace(self, select=select, extend_select=extend_select, ignore=ignore,
                       cli_selection=None)


_DEFAULT = Config()
"""Each setting's default, read where a file leaves it out (a Struct's class attribute
is its field's descriptor, not the default)."""

NEVER_WRITTEN = (".obsidian", ".git", ".trash")
"""Folders vaultkit never writes into (Obsidian's settings, git's objects and hooks, trash)."""
SAMPLE_KEY = "key2020"
"""A citekey to instantiate ``index.path`` with when checking where it points."""
_OUTSIDE = lazy(r"\A(?:[A-Za-z]:|~)")


def index_targets(index: IndexConfig) -> list[tuple[str, str]]:
    """``(config key, vault path)`` of every note ``vaultkit index`` writes; the index
    path with :data:`SAMPLE_KEY` for ``{key}``."""
    out = [("path", index.path.replace("{key}", SAMPLE_KEY)), ("overview", index.overview)]
    if index.questions:
        out.append(("questions", index.questions))
    return out


def write_target_problem(rel: str, exclude: tuple[str, ...] = ()) -> str | None:
    """Why vaultkit must not write a note at vault path ``rel``, or ``None``.

    It writes Markdown notes only (never the bibliography or ``.obsidian/app.json``),
    inside the vault, never in ``.obsidian/``, ``.git/`` or ``.trash/``, and never where
    ``exclude`` hides the note from every later run.
    """
    if not rel.lower().endswith(".md") or rel.endswith("/"):
        return "must name a Markdown note (a path ending in .md)"
    if rel.startswith("/") or "\\" in rel or _OUTSIDE.match(rel):
        return "must be a path inside the vault, relative to its root, with '/'"
    parts = rel.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "must be a plain path inside the vault (no '..', '.' or empty parts)"
    for part in parts[:-1]:
        if part in NEVER_WRITTEN:
            return f"must not be inside {part}/ (vaultkit never writes there)"
    if exclude:
        if matcher(exclude)(rel):
            return "is excluded by 'exclude': vaultkit would write a note it never reads back"
    return None


def _check_index_targets(doc: Any, data: dict[str, Any], config: Config) -> None:
    index = data.get("index", {})
    if index.get("path", "{key}").count("{key}") != 1:
        raise UsageError(f"{doc.where(('index', 'path'))}: index.path: "
                         f"'{index['path']}' must hold '{{key}}' exactly once")
    for key, rel in index_targets(config.index):
        problem = write_target_problem(rel, config.exclude)
        if problem:
            shown = config.index.path if key == "path" else rel
            raise UsageError(f"{doc.where(('index', key))}: index.{key}: '{shown}' {problem}")


TEMPLATE_IGNORES = ("VK001", "VK003", "VK1", "VK2", "VK3")
"""What is not checked in a template folder: its placeholders are not links, its
frontmatter (``date: {{date}}``) is not YAML yet, and it is no session."""


def load_config(path: Path | None, vault_root: Path) -> Config:
    """Read ``path`` (or ``<vault>/.vaultkit.yaml`` when it exists), else defaults; the
    vault's Obsidian settings fill in what the file does not set."""
    obsidian = read_settings(vault_root)
    if path is None:
        candidate = vault_root / CONFIG_NAME
        if not os.path.lexists(candidate):
            return _with_obsidian(Config(), {}, obsidian, None)
        path = candidate  # a folder or FIFO named .vaultkit.yaml is an error, not "no config"
    if not os.path.lexists(path):
        raise UsageError(f"{path}: config file not found")
    display = _display(path, vault_root)
    doc = load_yaml(path, display)
    validate(doc, CONFIG_SCHEMA, "config")
    data: dict[str, Any] = doc.data or {}
    _check_patterns(doc, data)
    index = data.get("index", {})
    citekeys = data.get("citekeys", {})
    bibliography = data.get("bibliography")
    if isinstance(bibliography, str):
        bibliography = [bibliography]
    config = Config(
        select=tuple(data["select"]) if "select" in data else None,
        extend_select=tuple(data.get("extend-select", ())),
        ignore=tuple(data.get("ignore", ())),
        severity=tuple(sorted(data.get("severity", {}).items())),
        per_path_ignores=tuple(
            (glob, tuple(codes)) for glob, codes in sorted(data.get("per-path-ignores", {}).items())
        ),
        exclude=tuple(data.get("exclude", ())),
        bibliography=tuple(bibliography) if bibliography is not None else _DEFAULT.bibliography,
        bibliography_explicit=bibliography is not None,
        sessions=tuple(data.get("sessions", _DEFAULT.sessions)),
        paper_notes=data.get("paper-notes", _DEFAULT.paper_notes),
        schemas=data.get("schemas"),
        citekey_ignore=tuple(citekeys.get("ignore", ())),
        citekey_ignore_patterns=tuple(citekeys.get("ignore-patterns", ())),
        index=IndexConfig(
            path=index.get("path", _DEFAULT.index.path),
            overview=index.get("overview", _DEFAULT.index.overview),
            link_style=index.get("link-style", _DEFAULT.index.link_style),
            max_prune_share=float(index.get("max-prune-share", _DEFAULT.index.max_prune_share)),
            questions=index.get("questions", _DEFAULT.index.questions),
            log=index.get("log", _DEFAULT.index.log),
            compact_above=index.get("compact-above", _DEFAULT.index.compact_above),
            max_read_with=index.get("max-read-with", _DEFAULT.index.max_read_with),
            templates=index.get("templates"),
        ),
        rule_options=tuple(
            (code, tuple(sorted(options.items())))
            for code, options in sorted(data.get("rules", {}).items())
        ),
        source=display,
        attachments=data.get("attachments"),
        link_format=data.get("link-format", _DEFAULT.link_format),
        excluded_files=tuple(data.get("excluded-files", ())),
        template_folders=tuple(_folders(data["template-folders"])) if "template-folders" in data else (),
    )
    _check_index_targets(doc, data, config)
    return _with_obsidian(config, data, obsidian, display)


_SHOWN = ("bibliography", "sessions", "paper-notes", "exclude", "schemas", "attachments",
          "link-format", "excluded-files", "template-folders")


def _with_obsidian(config: Config, data: dict[str, Any], obsidian: ObsidianSettings,
                   display: str | None) -> Config:
    """Fill what ``.vaultkit.yaml`` leaves unset from Obsidian's settings, and record where
    every setting came from."""
    origins: dict[str, str] = {name: display for name in _SHOWN if name in data and display}
    if display and "link-style" in data.get("index", {}):
        origins["index.link-style"] = display
    changes: dict[str, Any] = {}
    if "link-format" not in data and obsidian.link_format:
        changes["link_format"], origins["link-format"] = obsidian.link_format
    if "link-style" not in data.get("index", {}) and obsidian.use_markdown_links:
        markdown, where = obsidian.use_markdown_links
        changes["index"] = replace(config.index, link_style="markdown" if markdown else "wikilink")
        origins["index.link-style"] = where
    if "attachments" not in data and obsidian.attachment_folder:
        changes["attachments"], origins["attachments"] = obsidian.attachment_folder
    if "excluded-files" not in data and obsidian.excluded:
        changes["excluded_files"], origins["excluded-files"] = obsidian.excluded
    templates = config.template_folders
    if "template-folders" not in data and obsidian.templates:
        templates = tuple(folder for folder, _ in obsidian.templates)
        changes["template_folders"] = templates
        origins["template-folders"] = ", ".join(where for _, where in obsidian.templates)
    if templates:
        changes["per_path_ignores"] = config.per_path_ignores + tuple(
            (f"/{_glob_escape(folder)}/**", TEMPLATE_IGNORES) for folder in templates
        )
    return replace(config, **changes, origins=tuple(sorted(origins.items())),
                   settings_problems=obsidian.problems)


def _folders(value: str | list[str]) -> list[str]:
    return [v.strip().strip("/") for v in ([value] if isinstance(value, str) else value)
            if v.strip().strip("/")]


def _glob_escape(text: str) -> str:
    """A literal path inside a gitignore-style glob."""
    return "".join("\\" + c if c in "*?[]!#\\" else c for c in text)


def _check_patterns(doc: Any, data: dict[str, Any]) -> None:
    for index, pattern in enumerate(data.get("citekeys", {}).get("ignore-patterns", ())):
        try:
            re.compile(pattern)
        except re.error as error:
            where = doc.where(("citekeys", "ignore-patterns"))
            raise UsageError(f"{where}: bad regular expression #{index + 1} {pattern!r}: {error}")


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
