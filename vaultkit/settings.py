"""What a lint run stood on, in words: the bibliography line of the summary and
``vaultkit lint --show-settings``.

A wall of "unknown citekey" findings because no bibliography was read is the worst kind
of noise: the summary therefore always names the bibliography files loaded (with their
entry counts) or says that none was found, where vaultkit looked, and what it saw
elsewhere.  That is a line of the summary, not a finding: it is about the run, not about
a place in a file, so it must not become an annotation on every pull request nor change
an exit code (it goes to stderr with the rest of the summary in machine formats).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from vaultkit.config import CONFIG_NAME

if TYPE_CHECKING:
    from vaultkit.vault import Vault


def bibliography_summary(vault: "Vault") -> str:
    """``Bibliography: references.bib (42 entries).`` or why none was read."""
    sources = vault.bibliography_sources
    if sources.files:
        counts = vault.bibliography.counts
        listed = ", ".join(f"{name} ({_entries(n)})" for name, n in zip(vault.bibliography.files, counts))
        return f"Bibliography: {listed}."
    text = f"No bibliography loaded (looked for {sources.looked}"
    if sources.elsewhere:
        shown = ", ".join(sources.elsewhere[:3])
        text += f"; found {shown}: list it under 'bibliography:' in {CONFIG_NAME}"
    text += ")"
    if not vault.paper_notes:
        text += f" and no paper notes ({vault.config.paper_notes}): citekeys were not checked (VK201)"
    return text + "."


def schema_hint(vault: "Vault", paths: Iterable[str] | None = None) -> str:
    """When notes carry most of a schema's sections but no schema applies to them (session
    notes in ``reading/2023/`` while ``sessions:`` says ``sessions/**``), how to configure
    it; ``""`` otherwise.  A summary sentence, not a finding, for the reason above.
    Only the linted ``paths`` are looked at (default: every note): a hook's run on one
    note speaks of that note, not of the vault."""
    # each note's summary (:func:`vaultkit.schema.lookalikes`, stored beside its facts):
    # reading every note's facts, or parsing every note, for this sentence made a warm lint
    # of 10,000 sessions take a second more
    notes = vault.files.notes if paths is None else sorted(p for p in set(paths) if vault.files.is_note(p))
    summaries = {path: vault.facts.summary(path) for path in notes}
    for schema in vault.schemas:
        strays = [path for path, found in summaries.items()
                  if found is not None and schema.name in found.lookalike]
        if strays:
            folders = sorted({p.split("/", 1)[0] + "/**" if "/" in p else p for p in strays})
            where = (f"'sessions:' in {CONFIG_NAME}" if schema.name == "session"
                     else f"'applies-to:' in {schema.source}")
            noun = "note" if len(strays) == 1 else "notes"
            return (f"{len(strays)} {noun} ({strays[0]}{', …' if len(strays) > 1 else ''}) "
                    f"{'has' if len(strays) == 1 else 'have'} most of the {schema.name} "
                    f"schema's sections but no schema applies: add {', '.join(folders[:3])} to "
                    f"{where}.")
    return ""


def _entries(n: int) -> str:
    return f"{n:,} {'entry' if n == 1 else 'entries'}"


def show_settings(vault: "Vault") -> str:
    """Every setting that decides what vaultkit reports, with where it came from."""
    config = vault.config
    rows: list[tuple[str, str, str]] = [
        ("vault", str(vault.root), ""),
        ("config file", config.source or f"none ({CONFIG_NAME} not found)", ""),
    ]

    def row(name: str, value: object, origin: str | None = None) -> None:
        if isinstance(value, (tuple, list)):
            value = ", ".join(str(v) for v in value) if value else "(none)"
        rows.append((name, str(value) if value not in (None, "") else "(none)",
                     origin or config.origin(name)))

    row("bibliography", config.bibliography)
    loaded = ", ".join(f"{name} ({_entries(n)})"
                       for name, n in zip(vault.bibliography.files, vault.bibliography.counts))
    rows.append(("  loaded", loaded or "(nothing)", ""))
    row("sessions", config.sessions)
    row("paper-notes", config.paper_notes)
    row("schemas", config.schemas)
    row("exclude", config.exclude)
    row("excluded-files", config.excluded_files)
    row("template-folders", config.template_folders)
    row("attachments", config.attachments)
    row("link-format", config.link_format)
    row("index.link-style", config.index.link_style)
    row("index.path", config.index.path, "")
    width = max(len(name) for name, _, _ in rows)
    lines = [f"{name:<{width}}  {value}" + (f"  [{origin}]" if origin else "")
             for name, value, origin in rows]
    lines += [f"warning: {problem} (ignored)" for problem in config.settings_problems]
    return "\n".join(lines) + "\n"
