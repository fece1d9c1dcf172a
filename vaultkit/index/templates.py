"""The layout of each generated region: a template in ``rules/index/``, overridable.

A template is plain text with ``$name`` (or ``${name}``) placeholders, read with Python's
:class:`string.Template`: substitution only, no expressions, no attribute access, no code.
Each placeholder is one block of the region (``$reading_log`` is the whole "Reading log"
section, heading included, or nothing when the paper has none); everything else in the
template is copied as written.  ``$$`` is a literal ``$``.  After substitution, runs of
blank lines left by empty blocks shrink to one.

A vault overrides a template by putting a file of the same name (``paper.md``,
``overview.md``, ``questions.md``) in the folder named by ``index.templates`` in
``.vaultkit.yaml``.  A template naming an unknown placeholder, using ``$`` wrongly or
containing a region marker line is a configuration error (exit 2) naming the file and line.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template

from vaultkit.markers import MARKER_LINE
from vaultkit.yamlfile import UsageError

PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "paper": ("status", "sources", "abstract", "reading_log", "harvest", "mentions", "read_with"),
    "overview": ("table", "chart", "statistics"),
    "questions": ("intro", "open", "closed"),
}
"""Every template and the blocks it may place (documented in rules/README.md)."""
_BLANK_RUNS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Layout:
    name: str
    source: str
    """Where the template came from, for messages (``rules/index/paper.md``)."""
    template: Template

    def fill(self, blocks: dict[str, str]) -> str:
        """The region's body: the template with every block in place, blank runs shrunk."""
        text = self.template.substitute({k: blocks.get(k, "").strip("\n") for k in PLACEHOLDERS[self.name]})
        return _BLANK_RUNS.sub("\n\n", text).strip("\n")


def load_layouts(root: Path, folder: str | None) -> dict[str, Layout]:
    """The built-in layouts, each replaced by ``<folder>/<name>.md`` where that exists."""
    layouts = {}
    builtin = resources.files("vaultkit.rules") / "index"
    for name in PLACEHOLDERS:
        text, source = builtin.joinpath(f"{name}.md").read_text(encoding="utf-8"), f"rules/index/{name}.md"
        if folder is not None:
            override = root / folder / f"{name}.md"
            if override.is_file():
                source = f"{folder.rstrip('/')}/{name}.md"
                try:
                    text = override.read_text(encoding="utf-8-sig")
                except (OSError, UnicodeDecodeError) as error:
                    raise UsageError(f"{source}: cannot read the template: {error}") from error
        layouts[name] = parse_layout(name, text, source)
    return layouts


def parse_layout(name: str, text: str, source: str) -> Layout:
    allowed = PLACEHOLDERS[name]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for number, line in enumerate(text.split("\n"), 1):
        if MARKER_LINE.match(line):
            raise UsageError(f"{source}:{number}:1: a template cannot contain a region marker line "
                             "(vaultkit writes the markers around it)")
    template = Template(text)
    for match in template.pattern.finditer(text):
        number = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        where = f"{source}:{number}:{column}"
        if match.group("invalid") is not None:
            raise UsageError(f"{where}: '$' must start a placeholder ($name or ${{name}}); "
                             "write $$ for a dollar sign")
        placeholder = match.group("named") or match.group("braced")
        if placeholder is not None and placeholder not in allowed:
            close = difflib.get_close_matches(placeholder, allowed, n=1)
            hint = f" (did you mean '${close[0]}'?)" if close else ""
            raise UsageError(f"{where}: unknown placeholder '${placeholder}' in the {name} template{hint}; "
                             f"known: {', '.join('$' + a for a in allowed)}")
    return Layout(name, source, template)
