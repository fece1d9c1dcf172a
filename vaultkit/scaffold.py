"""Starting things: ``vaultkit init`` (a commented ``.vaultkit.yaml`` from what the vault
holds) and ``vaultkit new session`` (a note rendered from the session schema).

Both only ever create a file: the one safe write is called with ``expected=None``, so an
existing file -- even one created a moment earlier by an editor -- is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from vaultkit.config import CONFIG_NAME, Config
from vaultkit.errors import UsageError
from vaultkit.files import VaultFiles, discover
from vaultkit.obsidian import read_settings
from vaultkit.schema.model import Schema

_DATED = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_PAPER = re.compile(r"^@[^/]+\.md$")
_BIB_SUFFIXES = (".bib", ".json", ".yaml", ".yml")


# -- init -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Found:
    """What ``vaultkit init`` saw in a vault."""

    bibliography: tuple[str, ...]
    session_folders: tuple[tuple[str, int], ...]
    """(folder, number of date-named notes in it), most first."""
    paper_folder: tuple[str, int] | None
    obsidian: tuple[str, ...]
    """Lines describing Obsidian's settings, for comments."""


def survey(root: Path) -> Found:
    files = discover(root, Config())
    return Found(_bibliographies(root, files), _session_folders(files), _paper_folder(files),
                 _obsidian_lines(root))


def _bibliographies(root: Path, files: VaultFiles) -> tuple[str, ...]:
    from vaultkit.safe_read import read_regular

    out = []
    for path in files.paths:
        suffix = PurePosixPath(path).suffix.lower()
        if path == CONFIG_NAME or suffix not in _BIB_SUFFIXES or path.startswith(".obsidian/"):
            continue
        if suffix == ".bib":
            out.append(path)
            continue
        try:  # a CSL export is a list of items with ids; settings files are not
            head = read_regular(files.absolute(path), root, limit=4096).decode("utf-8", "replace")
        except OSError:
            continue
        if '"id"' in head and '"type"' in head or re.search(r"^- id:", head, re.M):
            out.append(path)
    return tuple(out)


def _session_folders(files: VaultFiles) -> tuple[tuple[str, int], ...]:
    counts: Counter[str] = Counter()
    for path in files.notes:
        if _DATED.search(PurePosixPath(path).stem):
            counts[posixpath.dirname(path)] += 1
    return tuple(counts.most_common())


def _paper_folder(files: VaultFiles) -> tuple[str, int] | None:
    counts: Counter[str] = Counter(posixpath.dirname(p) for p in files.notes
                                   if _PAPER.match(PurePosixPath(p).name))
    return counts.most_common(1)[0] if counts else None


def _obsidian_lines(root: Path) -> tuple[str, ...]:
    settings = read_settings(root)
    lines = []
    if settings.link_format:
        lines.append(f"new links are written '{settings.link_format[0]}' ({settings.link_format[1]})")
    if settings.use_markdown_links:
        style = "Markdown links" if settings.use_markdown_links[0] else "wikilinks"
        lines.append(f"links are {style} ({settings.use_markdown_links[1]})")
    if settings.attachment_folder:
        lines.append(f"attachments go to '{settings.attachment_folder[0]}' ({settings.attachment_folder[1]})")
    if settings.excluded:
        lines.append(f"excluded files: {', '.join(settings.excluded[0])} ({settings.excluded[1]})")
    for folder, where in settings.templates:
        lines.append(f"templates in '{folder}/' ({where}): not linted")
    return tuple(lines)


def render_config(found: Found) -> str:
    """The commented ``.vaultkit.yaml`` for what was found: every value is a default made
    explicit or a discovery, every line says which."""
    out = [
        "# vaultkit configuration, written by 'vaultkit init' from what this vault holds.",
        "# Every key is optional; 'vaultkit lint --show-settings' shows what is in effect and",
        "# where each value comes from.  Documentation: README \"Configuration\".",
        "",
    ]
    if found.obsidian:
        out.append("# Obsidian's settings (.obsidian/), which vaultkit reads as its defaults:")
        out += [f"#   {line}" for line in found.obsidian]
        out.append("")
    if found.bibliography:
        out.append("# Bibliography files found in the vault (BibTeX and CSL JSON/YAML):")
        out.append("bibliography:")
        out += [f"  - {_quote(p)}" for p in found.bibliography]
    else:
        out.append("# No bibliography found: export one from Zotero (Better BibTeX) and list it:")
        out.append("# bibliography: [references.bib]")
    out.append("")
    dated = [(folder, n) for folder, n in found.session_folders if n >= 2 or len(found.session_folders) == 1]
    if dated:
        counted = ", ".join(f"{folder or '.'}: {n}" for folder, n in dated[:5])
        out.append(f"# Session notes: the folders holding date-named notes ({counted}).")
        out.append("# A note whose frontmatter says 'type: session' is one too, wherever it is.")
        out.append("sessions:")
        out += [f"  - {_quote((folder + '/**') if folder else '*.md')}" for folder, _ in dated[:5]]
    else:
        out.append("# Session notes: none found by name (YYYY-MM-DD.md); the default is sessions/**.")
        out.append('# sessions: ["sessions/**"]')
    out.append("")
    if found.paper_folder:
        folder, n = found.paper_folder
        template = posixpath.join(folder, "@{key}.md") if folder else "@{key}.md"
        out.append(f"# Paper notes ({n} found): a note named @citekey.md makes its key known.")
        out.append(f"paper-notes: {_quote(template)}")
        out.append("index:")
        out.append(f"  path: {_quote(template)}      # where 'vaultkit index' writes each paper's note")
    else:
        out.append("# Paper notes: none found; 'vaultkit index' writes them to papers/@{key}.md.")
        out.append('# paper-notes: "papers/@{key}.md"')
    out += [
        "",
        "# Rules: ruff's selection (see 'vaultkit rules' and 'vaultkit explain CODE').",
        "# select: [VK]",
        "# extend-select: [VK207]      # off by default: attachments nothing links to",
        "# ignore: []",
        "# severity: {VK105: error}",
        "",
    ]
    return "\n".join(out)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_new(root: Path, target: Path, text: str) -> None:
    """Create ``target`` with ``text``; refuse (UsageError) when it exists."""
    from vaultkit.fsutil import UnsafeWrite, WriteConflict, safe_write

    if target.exists() or target.is_symlink():
        raise UsageError(f"{target} exists; vaultkit never overwrites it")
    try:
        safe_write(root, target, text.encode("utf-8"), expected=None)
    except WriteConflict:
        raise UsageError(f"{target} was created meanwhile; vaultkit never overwrites it") from None
    except UnsafeWrite as error:
        raise UsageError(str(error)) from None


# -- new session ----------------------------------------------------------------------------
def session_schema(schemas: tuple[Schema, ...]) -> Schema:
    for schema in schemas:
        if schema.name == "session":
            return schema
    raise UsageError("no 'session' schema: nothing to render a session note from")


def session_path(schema: Schema, config: Config, date: dt.date) -> str:
    """Where a session of ``date`` goes: the first folder the session globs name, named
    by the schema's date pattern (``YYYY-MM-DD``)."""
    pattern = (schema.date.filename if schema.date and schema.date.filename else "YYYY-MM-DD")
    name = (pattern.replace("YYYY", f"{date.year:04d}").replace("MM", f"{date.month:02d}")
            .replace("DD", f"{date.day:02d}"))
    folder = "sessions"
    for glob in (*schema.applies_to.paths, *config.sessions):
        head = glob.lstrip("/").split("*", 1)[0].rstrip("/")
        if head and not glob.startswith("!"):
            folder = head
            break
    return f"{folder}/{name}.md"


def render_session(schema: Schema, paper: str | None = None) -> str:
    """Every section of the schema, in order, at its level, empty but for the schema's
    description (an Obsidian comment, so the section still counts as empty), and a Log
    action for ``paper``."""
    parts = []
    for spec in schema.sections:
        parts.append(spec.display)
        if spec.description:
            parts.append(f"%% {spec.description} %%")
        if schema.log is not None and spec.matches(schema.log.section) and paper:
            verb = schema.log.verbs[0] if schema.log.verbs else "read"
            parts.append(f"- [{verb}(@{paper})]")
        parts.append("")
    return "\n".join(parts).rstrip("\n") + "\n"


def parse_date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--date {text!r}: expected YYYY-MM-DD") from None
