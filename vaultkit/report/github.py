"""GitHub Actions workflow commands: one annotation per finding.

``::error file=notes/x.md,line=7,col=69,endLine=7,endColumn=95,title=VK201 dangling-citekey::…``

GitHub places an annotation only when ``file`` is relative to the *repository* root,
while vaultkit's paths are relative to the vault root.  When the vault is a folder
inside a git work tree, the vault's path inside the work tree is put in front (the work
tree is found by walking up to a ``.git`` folder or file -- no subprocess).  Outside
git the vault-relative path is used as it is.

Escaping follows the workflow-command rules of ``@actions/core``: in the message ``%``,
``\\r`` and ``\\n``; in property values also ``:`` and ``,``.  GitHub accepts ``col`` and
``endColumn`` only when the annotation starts and ends on the same line, so a multi-line
span is given by its lines alone.  ``endColumn`` is vaultkit's exclusive end column, as
ruff and the SARIF report give it.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from vaultkit.model import Finding
from vaultkit.report import ReportContext

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow command's message (the text after ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (``file=…,title=…``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def find_git_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``.git`` (a folder, or the file
    a worktree or submodule has); ``None`` outside git."""
    here = start.resolve()
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def repo_prefix(vault_root: str) -> str:
    """The vault's POSIX path inside its git work tree, ``""`` for the top level or
    when the vault is not in git."""
    root = Path(vault_root).resolve()
    top = find_git_root(root)
    if top is None or top == root:
        return ""
    return root.relative_to(top).as_posix()


def repo_path(path: str, prefix: str) -> str:
    """A vault-relative path as a path relative to the repository root, given the
    vault's :func:`repo_prefix`."""
    return str(PurePosixPath(prefix, path)) if prefix else path


def annotation(f: Finding, prefix: str = "") -> str:
    """One workflow command; ``prefix`` is the vault's :func:`repo_prefix`."""
    span = f.span
    props = [f"file={escape_property(repo_path(f.path, prefix))}", f"line={span.line}"]
    if span.end_line == span.line:
        props.append(f"col={span.column}")
        props.append(f"endLine={span.end_line}")
        props.append(f"endColumn={max(span.end_column, span.column)}")
    else:
        props.append(f"endLine={span.end_line}")
    props.append(f"title={escape_property(f'{f.code} {f.rule}')}")
    command = COMMANDS.get(f.severity, "warning")
    return f"::{command} {','.join(props)}::{escape_data(f.message)}"


def render(findings: list[Finding], ctx: ReportContext) -> str:
    prefix = repo_prefix(ctx.vault_root)
    return "".join(annotation(f, prefix) + "\n" for f in findings)
