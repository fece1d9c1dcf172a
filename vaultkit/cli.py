"""The ``vaultkit`` command: lint, index, rules, explain.

Exit codes (a contract for pre-commit and scripts): 0 no error-level findings (no
warnings either with ``--strict``), 1 findings, 2 usage or configuration error -- and an
error vaultkit did not foresee (a bug), so that a hook never reads a crash as findings.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

# A command is a short-lived process that allocates a great deal (modules, the stored
# facts and bibliography) and frees little: the collector's default first threshold
# (700) ran it over and over for nothing -- 5 % of a one-note lint's instructions
# (measured with callgrind).  Cycles are still collected, only less often (mypy raises
# it too); the older generations keep their default ratios.
gc.set_threshold(100_000, 10, 10)

import click  # noqa: E402 - after the threshold: its import allocates too

from vaultkit import __version__
from vaultkit.errors import UsageError

# Each command imports what it needs when it runs: `vaultkit --version` and `--help` load
# click and nothing of the parser, the schemas or the bibliography (jsonschema, PyYAML,
# mistune and bibtexparser cost most of a start-up).

if TYPE_CHECKING:
    from vaultkit.locate import Located

FORMATS = ("text", "json", "github", "sarif")


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--select VK1,VK2 --select VK3`` -> (VK1, VK2, VK3)."""
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def _severity_pairs(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for value in _split(values):
        code, sep, level = value.partition("=")
        if not sep or level not in ("error", "warning", "info", "off"):
            raise click.BadParameter(f"'{value}': expected CODE=error|warning|info|off",
                                     param_hint="--severity")
        pairs.append((code.strip(), level))
    return tuple(pairs)


def _fail(error: UsageError) -> None:
    click.echo(f"vaultkit: {error}", err=True)
    sys.exit(2)


def _located(located: "Located") -> "Located":
    """Say on stderr which given files were skipped as not the vault's."""
    note = located.note()
    if note:
        click.echo(note, err=True)
    return located


TRACEBACK_VARIABLE = "VAULTKIT_TRACEBACK"
"""Set to 1 to see the whole traceback of an internal error."""


class _Guarded(click.Group):
    """A command that fails in a way vaultkit did not foresee ends with exit 2 and a
    short report (what failed, where, what to do), not a bare traceback and exit 1."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:  # noqa: BLE001 - the last line of defence
            _crash(error)


def _crash(error: Exception) -> NoReturn:
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if f"{os.sep}vaultkit{os.sep}" in f.filename] or frames
    where = f" at {Path(ours[-1].filename).name}:{ours[-1].lineno} in {ours[-1].name}" if ours else ""
    if os.environ.get(TRACEBACK_VARIABLE) == "1":
        traceback.print_exception(error, file=sys.stderr)
    click.echo(f"vaultkit: internal error: {type(error).__name__}: {error}{where}\n"
               f"This is a bug in vaultkit, not in your vault. Please report it (run again with {TRACEBACK_VARIABLE}=1 for the traceback).",
               err=True)
    sys.exit(2)


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vaultkit")
def main() -> None:
    """Lint, validate and index an Obsidian vault of paper-reading sessions."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--vault", "vault_dir", type=click.Path(path_type=Path), help="The vault root (default: found from PATHS or the current folder).")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Config file (default: <vault>/.vaultkit.yaml).")
@click.option("--format", "--output-format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Report format (--output-format is the same option, as in ruff).")
@click.option("--select", multiple=True, help="Rules to run instead of the default set (codes, prefixes, names; comma-separated).")
@click.option("--extend-select", multiple=True, help="Rules to run in addition to the default set.")
@click.option("--ignore", multiple=True, help="Rules not to run.")
@click.option("--severity", multiple=True, help="Override a severity: CODE=error|warning|info|off.")
@click.option("--strict", is_flag=True, help="Warnings also make the exit code 1.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule.")
@click.option("--output-file", type=click.Path(path_type=Path), help="Write the report to this file; the summary still prints.")
@click.option("--show-source/--no-show-source", default=None, help="Show each finding as a block with its source line underlined (default: on a terminal).")
@click.option("--color/--no-color", default=None, help="Colour the output, even into a pipe (default: on a terminal, unless NO_COLOR is set or FORCE_COLOR is).")
@click.option("--no-cache", is_flag=True, help="Parse every note again instead of using the cache.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes for parsing (default: CPU count).")
@click.option("--fix", is_flag=True, help="Apply the safe fixes, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, apply the unsafe fixes too.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the unified diff of what --fix would change; write nothing; exit 1 when there is something to fix.")
@click.option("--fix-only", is_flag=True, help="Apply the fixes but do not report what is left (exit 0 unless vaultkit fails).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the findings: no summary, no progress line.")
@click.option("--show-files", is_flag=True, help="List the files that would be linted (and the schemas of each note), then stop.")
@click.option("--stdin-filename", help="With '-' as the path: where the text read from standard input lives in the vault.")
@click.option("--watch", is_flag=True, help="Lint, then lint again on every change in the vault (Ctrl-C stops).")
@click.option("--show-settings", is_flag=True, help="Print the effective settings and where each came from (.vaultkit.yaml, .obsidian/, default), then stop.")
def lint(paths: tuple[Path, ...], vault_dir: Path | None, config_file: Path | None, fmt: str,
         select: tuple[str, ...], extend_select: tuple[str, ...], ignore: tuple[str, ...],
         severity: tuple[str, ...], strict: bool, statistics: bool, output_file: Path | None,
         show_source: bool | None, color: bool | None, no_cache: bool, jobs: int | None,
         fix: bool, unsafe_fixes: bool, show_diff: bool, fix_only: bool, exit_zero: bool,
         quiet: bool, show_files: bool, stdin_filename: str | None, watch: bool,
         show_settings: bool) -> None:
    """Check notes for broken frontmatter, schema violations, dangling citekeys and links.

    PATHS are notes or folders inside the vault (default: the whole vault); '-' reads one
    note from standard input (with --stdin-filename).  vaultkit always reads the whole
    vault -- bibliography, paper notes, link targets -- but reports only on PATHS, so
    results do not depend on how pre-commit batches files.  Files outside the vault (a
    repository's README when the vault is a subfolder) are skipped with a note on stderr.
    """
    from vaultkit import cli_lint

    opts = cli_lint.LintOptions(
        paths=paths, vault_dir=vault_dir, config_file=config_file, fmt=fmt,
        select=_split(select), extend_select=_split(extend_select), ignore=_split(ignore),
        severity=_severity_pairs(severity), strict=strict, statistics=statistics,
        output_file=output_file, show_source=show_source, color=color, no_cache=no_cache,
        jobs=jobs, fix=fix or fix_only, unsafe_fixes=unsafe_fixes, diff=show_diff,
        fix_only=fix_only, exit_zero=exit_zero, quiet=quiet, show_files=show_files,
        show_settings=show_settings,
        stdin_filename=stdin_filename,
    )
    if Path("-") in paths and paths != (Path("-"),):
        raise click.UsageError("'-' (standard input) cannot be mixed with other paths")
    try:
        code = cli_lint.watch(opts) if watch else cli_lint.run(opts)
    except UsageError as error:
        _fail(error)
        return
    # Everything left is freed with the process: frozen, the collection the interpreter
    # runs at exit need not walk it (6 % of a one-note lint's instructions, callgrind).
    gc.freeze()
    sys.exit(code)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
def rules_cmd(fmt: str) -> None:
    """List every rule: code, name, default severity and summary."""
    import json

    from vaultkit.checks import all_rules

    rules = all_rules()
    if fmt == "json":
        click.echo(json.dumps([
            {"code": r.code, "name": r.name, "severity": r.severity, "scope": r.scope,
             "summary": r.summary, "options": r.options} for r in rules
        ], indent=2, default=str))
        return
    width = max(len(r.name) for r in rules)
    for r in rules:
        click.echo(f"{r.code}  {r.name:<{width}}  {r.severity:<7}  {r.summary}")


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Show a rule's documentation: what it does, why, an example, its options."""
    from vaultkit.checks import all_rules, rule_by_code
    from vaultkit.didyoumean import suggest_rule

    rule = rule_by_code(code)
    if rule is None:
        hint = suggest_rule(code, [r.code for r in all_rules()], [r.name for r in all_rules()])
        _fail(UsageError(f"no rule '{code}'" + (f" (did you mean {hint}?)" if hint else "")))
        return
    click.echo(f"{rule.code} {rule.name}")
    click.echo(f"Default severity: {rule.severity}" + (
        f" (runs at '{rule.enabled_severity}' when selected)" if rule.severity == "off" else ""))
    click.echo(f"Scope: {rule.scope_text}")
    if rule.options:
        click.echo("Options (set under rules.%s in .vaultkit.yaml):" % rule.code)
        for key, value in rule.options.items():
            click.echo(f"  {key}: {value!r}")
    body = rule.doc.split("\n", 1)[1] if "\n" in rule.doc else ""
    click.echo(body.rstrip())


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--vault", "vault_dir", type=click.Path(path_type=Path), help="The vault root (default: found from PATHS or the current folder).")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Config file (default: <vault>/.vaultkit.yaml).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 and list the index notes that are stale.")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff of what would change; exit 1 if anything would.")
@click.option("--prune", is_flag=True, help="Delete wholly generated index notes of papers no longer cited.")
@click.option("--no-cache", is_flag=True, help="Parse every note again instead of using the cache.")
@click.option("--exit-non-zero-on-change", is_flag=True, help="Exit 1 when a note was written (pre-commit's convention for a hook that fixes: git add them, commit again).")
def index(paths: tuple[Path, ...], vault_dir: Path | None, config_file: Path | None, check: bool,
          show_diff: bool, prune: bool, no_cache: bool, exit_non_zero_on_change: bool) -> None:
    """Write one backlink index note per cited paper, and the overview note.

    Only the region between '%% vaultkit:begin index %%' and '%% vaultkit:end index %%'
    is vaultkit's; every other byte of a note is left as it was.  A run with nothing new
    writes no file.  A note saved while vaultkit runs is never overwritten: it is planned
    again from its new bytes, or left as it is and reported (exit 1).

    PATHS (what pre-commit passes: the staged files) only say which vault to index; the
    index always covers the whole vault.  Without PATHS or --vault the current folder
    must be in a vault (it holds .vaultkit.yaml or .obsidian/, or a folder above does).
    """
    from vaultkit.config import load_config
    from vaultkit.index import plan, prepare
    from vaultkit.locate import locate
    from vaultkit.report.progress import progress_for
    from vaultkit.schema import check_index_note, check_index_targets
    from vaultkit.vault import Vault

    try:
        located = _located(locate(list(paths), vault_dir, folder_fallback=False))
        if located.root is None or located.nothing_to_do:
            click.echo("Index: none of the files given is in the vault; nothing to check.", err=True)
            sys.exit(0)
        root = located.root
        config = load_config(config_file, root)
        # sessions are parsed only when their bytes changed (their parts are stored)
        vault = Vault.load(root, config, use_cache=not no_cache, progress=progress_for())
        check_index_targets(config, vault.schemas, root)  # the defaults too: index writes
        prepare(vault)  # the stat pass: notes changed since the last run are parsed now
        check_index_note(config, vault.schemas, root, vault.facts.schemas_of)
        dry = check or show_diff
        # each note written as soon as it is planned (none held until the end)
        result = plan(vault, prune=prune, reuse=True, write=not dry)
    except UsageError as error:
        _fail(error)
        return

    if show_diff:
        for change in result.stale:
            click.echo(change.diff(), nl=False)
    if check:
        for change in result.stale:
            click.echo(f"{change.path}: would be {_past(change.outcome)}")
    if dry and result.stale:
        click.echo("Index notes are stale: run 'vaultkit index' to regenerate them.", err=True)
    # after writing: a refused or failed write is a problem too
    for problem in result.problems:
        click.echo(f"{problem.path}:{problem.span.line}:{problem.span.column}: "
                   f"{problem.code} {problem.message}", err=True)
    if result.refused_prune:
        click.echo(f"vaultkit: {result.refused_prune}", err=True)
    if result.removed_temps:
        n = len(result.removed_temps)
        click.echo(f"Removed {n} stale temp file{'s' if n != 1 else ''} left by an interrupted run.", err=True)
    counts = result.counts()
    verb = "would be " if dry else ""
    line = (f"Index: {counts['created']} {verb}created, {counts['updated']} {verb}updated, "
            f"{counts['unchanged']} unchanged, {counts['pruned']} {verb}pruned")
    if counts["failed"]:
        line += f", {counts['failed']} failed"
    if counts["conflict"]:
        line += f", {counts['conflict']} changed while indexing (left as they are)"
    click.echo(line + ".", err=show_diff and not check)
    # --diff, like --check, exits 1 when notes would change
    failed = bool(result.problems) or bool(result.refused_prune) or (dry and bool(result.stale))
    written = counts["created"] + counts["updated"] + counts["pruned"]
    if exit_non_zero_on_change and written and not dry:
        click.echo("Index notes regenerated: 'git add' them and commit again.", err=True)
        failed = True
    sys.exit(1 if failed else 0)


def _past(outcome: str) -> str:
    return {"create": "created", "update": "updated", "prune": "pruned"}.get(outcome, outcome)


@main.command()
@click.option("--stdio", is_flag=True, help="Talk LSP over stdin/stdout (the default and only transport).")
def lsp(stdio: bool) -> None:
    """Run the language server (LSP over stdio) for editors and the Obsidian plugin."""
    from vaultkit.lsp.server import serve

    serve()


@main.command()
@click.argument("folder", required=False, type=click.Path(path_type=Path, file_okay=False))
def init(folder: Path | None) -> None:
    """Write a commented .vaultkit.yaml for the vault in FOLDER (default: the current one),
    from what it holds: bibliography files, Obsidian's settings, where date-named session
    notes and @citekey paper notes live.  Never overwrites an existing file."""
    from vaultkit.config import CONFIG_NAME, load_config
    from vaultkit.scaffold import render_config, survey, write_new

    root = (folder or Path.cwd()).resolve()
    try:
        if not root.is_dir():
            raise UsageError(f"{root}: not a folder")
        text = render_config(survey(root))
        write_new(root, root / CONFIG_NAME, text)
        load_config(None, root)  # what init writes must load: a bug here is exit 2, not a silent bad file
    except UsageError as error:
        _fail(error)
        return
    click.echo(f"Wrote {root / CONFIG_NAME}; 'vaultkit lint --show-settings' shows what is in effect.")


@main.group()
def new() -> None:
    """Create a note from a schema (never overwriting one)."""


@new.command("session")
@click.option("--date", "date_text", help="The session's date, YYYY-MM-DD (default: today).")
@click.option("--paper", "paper", help="A citekey: the Log opens with an action on it.")
@click.option("--vault", "vault_dir", type=click.Path(path_type=Path), help="The vault root (default: found from the current folder).")
def new_session(date_text: str | None, paper: str | None, vault_dir: Path | None) -> None:
    """Write a session note rendered from the session schema: its sections in order, at
    their levels, each with the schema's description as a comment, and a Log action for
    --paper.  Prints the path; refuses to overwrite a note that exists."""
    from vaultkit.locate import locate
    from vaultkit.scaffold import parse_date, render_session, session_path, session_schema, write_new
    from vaultkit.vault import Vault

    try:
        located = locate([], vault_dir, folder_fallback=False)
        if located.root is None:
            raise UsageError("no vault here: run it inside a vault or give --vault")
        vault = Vault.load(located.root, parse=lambda path: False)
        schema = session_schema(vault.schemas)
        path = session_path(schema, vault.config, parse_date(date_text))
        if paper is not None:
            paper = paper.lstrip("@")
            if not vault.knows_key(paper):
                click.echo(f"vaultkit: @{paper} is not in the bibliography (yet): VK201 will say so",
                           err=True)
        write_new(vault.root, vault.root / path, render_session(schema, paper))
    except UsageError as error:
        _fail(error)
        return
    click.echo(path)
