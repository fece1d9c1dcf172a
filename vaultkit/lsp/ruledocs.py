"""The rules' documentation pages, and where a diagnostic's ``codeDescription`` points.

Each rule's documentation is its module docstring (what ``vaultkit explain CODE``
prints).  ``docs/rules/<CODE>.md`` holds the same text as one Markdown page per rule, as
ruff's rule pages do, generated from the docstrings and kept in step by a test:

    python -m vaultkit.lsp.ruledocs docs/rules     # rewrite the pages

A diagnostic links to a page that exists on this machine: the rule's page in the source
checkout when vaultkit runs from one, else the rule's module in the installed package
(its docstring is the documentation).  ``initializationOptions.rulesDocsUrl`` points
them at a hosted copy instead.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from pygls.uris import from_fs_path

from vaultkit.checks import Rule, all_rules, rule_by_code

PAGES = Path(__file__).resolve().parents[2] / "docs" / "rules"
"""The pages in a source checkout (absent from an installed wheel)."""


def page(rule: Rule) -> str:
    """One rule's page: its name, severity and scope, options and docstring body."""
    out = [f"# {rule.code} {rule.name}", ""]
    severity = f"Default severity: **{rule.severity}**"
    if rule.severity == "off":
        severity += f" (runs at `{rule.enabled_severity}` when selected)"
    out += [severity + ".  ", f"Scope: {rule.scope_text}.", ""]
    if rule.options:
        out.append(f"Options (under `rules.{rule.code}` in `.vaultkit.yaml`):")
        out += [f"- `{key}`: default `{value!r}`" for key, value in rule.options.items()]
        out.append("")
    body = rule.doc.split("\n", 1)[1].strip() if "\n" in rule.doc else ""
    if body:
        out += [body, ""]
    out.append(f"`vaultkit explain {rule.code}` prints this page in a terminal.")
    return "\n".join(out) + "\n"


def index() -> str:
    """``docs/rules/README.md``: every rule with a link to its page."""
    rows = [f"| [{r.code}]({r.code}.md) | {r.name} | {r.severity} | {r.summary} |" for r in all_rules()]
    return "\n".join(["# The rules", "", "Generated from the rules' docstrings by "
                      "`python -m vaultkit.lsp.ruledocs docs/rules`; do not edit by hand.", "",
                      "| code | name | default | what it does |", "|---|---|---|---|", *rows, ""])


def pages() -> dict[str, str]:
    """File name -> text of every page (what ``docs/rules`` must hold)."""
    return {"README.md": index(), **{f"{r.code}.md": page(r) for r in all_rules()}}


@lru_cache(maxsize=None)
def href(code: str, template: str | None = None) -> str | None:
    """The documentation of a rule code as a URI, or ``None`` for an unknown code."""
    rule = rule_by_code(code)
    if rule is None:
        return None
    if template:
        module = rule.module.__name__.rpartition(".")[2]
        return template.format(code=rule.code, code_lower=rule.code.lower(), rule=rule.name, module=module)
    checkout = PAGES / f"{rule.code}.md"
    target = checkout if checkout.is_file() else Path(rule.module.__file__ or "")
    return from_fs_path(str(target)) if target.is_file() else None


def write(folder: Path) -> list[str]:
    """Write the pages that differ; the names written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in pages().items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(name)
    return written


if __name__ == "__main__":
    for name in write(Path(sys.argv[1] if len(sys.argv) > 1 else PAGES)):
        print("wrote", name)
