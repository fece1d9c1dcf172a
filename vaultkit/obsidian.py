"""Obsidian's own settings, read from ``.obsidian/``: the defaults vaultkit starts from.

A researcher has already told Obsidian how the vault works; vaultkit reads it rather than
asking again (help: "Settings > Files and links", "Templates"):

* ``app.json``: ``newLinkFormat`` (shortest / relative / absolute: how generated links
  are written), ``useMarkdownLinks`` (the link style of generated index notes),
  ``attachmentFolderPath`` (where new attachments go), ``userIgnoreFilters`` ("Excluded
  files": not linted, but still link targets, as in Obsidian);
* ``templates.json`` ``folder`` (core Templates plugin) and
  ``plugins/templater-obsidian/data.json`` ``templates_folder`` (Templater): notes there
  are templates, full of placeholders (``[[<% tp.date.now() %>]]``), so neither links nor
  schemas are checked in them.

A value in ``.vaultkit.yaml`` overrides; ``vaultkit lint --show-settings`` prints what is
in effect and where each value came from.  An unreadable or malformed file is skipped
(Obsidian rewrites it on the next start) and named in ``--show-settings``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from msgspec import Struct

from vaultkit.jsontext import loads
from vaultkit.safe_read import read_regular

SETTINGS_DIR = ".obsidian"
_MAX_BYTES = 1 << 20
"""Settings files are small; anything larger is not one."""
LINK_FORMATS = ("shortest", "relative", "absolute")


class ObsidianSettings(Struct, frozen=True):
    """What ``.obsidian/`` says, each value with the file (and key) it came from."""

    link_format: tuple[str, str] | None = None
    use_markdown_links: tuple[bool, str] | None = None
    attachment_folder: tuple[str, str] | None = None
    excluded: tuple[tuple[str, ...], str] | None = None
    templates: tuple[tuple[str, str], ...] = ()
    """(folder, where) for the core Templates plugin and Templater."""
    problems: tuple[str, ...] = ()
    """Files that exist but could not be read, for ``--show-settings``."""


def read_settings(root: Path) -> ObsidianSettings:
    """Read the settings of the vault at ``root`` (all absent without ``.obsidian/``)."""
    folder = root / SETTINGS_DIR
    if not folder.is_dir():
        return ObsidianSettings()
    problems: list[str] = []
    app = _json(root, "app.json", problems)
    where = f"{SETTINGS_DIR}/app.json"
    link_format = app.get("newLinkFormat")
    markdown = app.get("useMarkdownLinks")
    attachments = app.get("attachmentFolderPath")
    filters = app.get("userIgnoreFilters")
    templates: list[tuple[str, str]] = []
    core = _json(root, "templates.json", problems).get("folder")
    if isinstance(core, str) and _folder(core):
        templates.append((_folder(core), f"{SETTINGS_DIR}/templates.json folder"))
    templater = _json(root, "plugins/templater-obsidian/data.json", problems).get("templates_folder")
    if isinstance(templater, str) and _folder(templater):
        path = f"{SETTINGS_DIR}/plugins/templater-obsidian/data.json templates_folder"
        if _folder(templater) not in (t for t, _ in templates):
            templates.append((_folder(templater), path))
    return ObsidianSettings(
        link_format=(link_format, f"{where} newLinkFormat")
        if link_format in LINK_FORMATS else None,
        use_markdown_links=(markdown, f"{where} useMarkdownLinks")
        if isinstance(markdown, bool) else None,
        attachment_folder=(attachments, f"{where} attachmentFolderPath")
        if isinstance(attachments, str) and attachments.strip() else None,
        excluded=(tuple(f for f in filters if isinstance(f, str) and f.strip()),
                  f"{where} userIgnoreFilters")
        if isinstance(filters, list) and any(isinstance(f, str) and f.strip() for f in filters)
        else None,
        templates=tuple(templates),
        problems=tuple(problems),
    )


def _json(root: Path, name: str, problems: list[str]) -> dict[str, Any]:
    """A settings file's object, or ``{}`` (absent, unreadable, not a JSON object)."""
    path = root / SETTINGS_DIR / name
    try:
        if not os.path.lexists(path):
            return {}
        data = read_regular(path, root, limit=_MAX_BYTES + 1)
    except OSError as error:
        problems.append(f"{SETTINGS_DIR}/{name}: {error.strerror or error}")
        return {}
    try:
        loaded = loads(data.decode("utf-8-sig")) if len(data) <= _MAX_BYTES else None
    except (ValueError, RecursionError) as error:  # not UTF-8, not JSON (json's own error)
        problems.append(f"{SETTINGS_DIR}/{name}: not valid JSON ({error})")
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _folder(value: str) -> str:
    """A vault folder as Obsidian stores it (``Templates``, ``/Meta/Templates/``) → POSIX
    path relative to the root without slashes at either end."""
    return value.strip().strip("/")


# -- "Excluded files" --------------------------------------------------------------------
def excluded_matcher(filters: tuple[str, ...]) -> "re.Pattern[str] | None":
    """One pattern for Obsidian's "Excluded files" filters.

    Obsidian keeps two kinds: a path prefix (``Archive/``, ``Daily``) and, between
    slashes, a regular expression searched in the path (``/\\.excalidraw\\.md$/``).  An
    invalid expression is skipped, as Obsidian does.
    """
    parts: list[str] = []
    for value in filters:
        value = value.strip()
        if len(value) > 2 and value.startswith("/") and value.endswith("/"):
            try:
                re.compile(value[1:-1])
            except re.error:
                continue
            parts.append(f"(?:.*?(?:{value[1:-1]}))")
        elif value:
            parts.append(re.escape(value.lstrip("/")))
    return re.compile("|".join(parts)) if parts else None
