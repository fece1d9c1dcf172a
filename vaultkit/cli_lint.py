"""What ``vaultkit lint`` does once click has read its options.

Kept apart from :mod:`vaultkit.cli` (which only declares the options) so that the fixing,
watching and standard-input paths live in small functions of their own.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TextIO

import click
from msgspec import Struct

from vaultkit.errors import UsageError

if TYPE_CHECKING:
    from vaultkit.config import Config
    from vaultkit.fix import FixReport
    from vaultkit.model import Finding
    from vaultkit.vault import Vault


class LintOptions(Struct, frozen=True):
    """What ``vaultkit lint`` was asked, as click read it (immutable).

    A msgspec Struct, built in C: a frozen dataclass compiled its 24 fields' generated
    methods on every start-up, and a NamedTuple compiled each of its string annotations
    and its ``__new__`` (about 3 M instructions of every one-note lint)."""

    paths: tuple[Path, ...]
    vault_dir: Path | None = None
    config_file: Path | None = None
    fmt: str = "text"
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    strict: bool = False
    statistics: bool = False
    output_file: Path | None = None
    show_source: bool | None = None
    color: bool | None = None
    no_cache: bool = False
    jobs: int | None = None
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    fix_only: bool = False
    exit_zero: bool = False
    quiet: bool = False
    show_files: bool = False
    show_settings: bool = False
    stdin_filename: str | None = None

    @property
    def from_stdin(self) -> bool:
        return self.paths == (Path("-"),)

    @property
    def fixing(self) -> bool:
        return self.fix or self.fix_only or self.diff


def color_enabled(flag: bool | None, stream: TextIO) -> bool:
    """``--color``/``--no-color`` first, then ``NO_COLOR`` and ``FORCE_COLOR``
    (https://no-color.org, https://force-color.org), then whether ``stream`` is a terminal."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


# -- loading --------------------------------------------------------------------------------
def _load(opts: LintOptions) -> tuple["Vault | None", tuple[str, ...], bytes | None]:
    """The vault, the paths to report on and, for ``-``, the bytes of standard input.

    ``None`` for the vault when files were given and none of them is in a vault (a
    pre-commit batch of the repository's own Markdown): nothing to lint, exit 0.
    """
    from vaultkit import memo
    from vaultkit.config import load_config
    from vaultkit.engine import active_rules
    from vaultkit.locate import locate
    from vaultkit.report.progress import progress_for
    from vaultkit.vault import Vault

    if opts.from_stdin:  # the note may not exist yet: its folder says which vault
        named = Path(opts.stdin_filename) if opts.stdin_filename else None
        where = [] if named is None else [named if named.exists() else named.parent]
    else:
        where = list(opts.paths)
    memo.use_files(not opts.no_cache)  # --no-cache: nothing read or written in the cache folder
    located = locate(where, opts.vault_dir)
    note = located.note()
    if note and not opts.from_stdin:
        click.echo(note, err=True)
    if located.root is None or (located.nothing_to_do and not opts.from_stdin):
        return None, (), None
    config: Config = load_config(opts.config_file, located.root).with_cli(
        opts.select, opts.extend_select, opts.ignore, opts.severity)
    active_rules(config)  # validate selectors before any work
    # a progress line on a terminal's stderr: never with --quiet or a machine format
    progress = progress_for(enabled=opts.fmt == "text" and not opts.quiet)
    vault = Vault.load(located.root, config, jobs=opts.jobs, use_cache=not opts.no_cache,
                       progress=progress)
    if opts.from_stdin:
        path, data = _stdin_note(vault, opts)
        return vault, (path,), data
    return vault, vault.targets(located.paths), None


def _stdin_note(vault: "Vault", opts: LintOptions) -> tuple[str, bytes]:
    """Put standard input in the vault as the note ``--stdin-filename`` names."""
    from vaultkit.fix import replace_note

    if not opts.stdin_filename:
        raise UsageError("linting standard input ('-') needs --stdin-filename PATH "
                         "(where the text would live in the vault)")
    given = Path(opts.stdin_filename)
    absolute = given if given.is_absolute() else Path.cwd() / given
    try:
        path = absolute.resolve().relative_to(vault.root).as_posix()
    except ValueError:
        raise UsageError(f"--stdin-filename {opts.stdin_filename}: not inside the vault "
                         f"{vault.root}") from None
    data = sys.stdin.buffer.read()
    replace_note(vault, path, data)
    return path, data


# -- running --------------------------------------------------------------------------------
def run(opts: LintOptions) -> int:
    """Lint (and fix) once; the exit code."""
    if opts.show_files:
        return show_files(opts)
    if opts.show_settings:
        return show_settings(opts)
    vault, targets, stdin = _load(opts)
    if vault is None:
        if not opts.quiet and not opts.fix_only:
            click.echo("All clear: 0 notes checked, no findings.",
                       err=opts.fmt != "text" and opts.output_file is None)
        if opts.fmt == "json":
            click.echo("[]")
        return 0
    try:
        return _run(opts, vault, targets, stdin)
    finally:
        vault.close()  # what the report read is stored too, and no connection outlives the run


def _run(opts: LintOptions, vault: "Vault", targets: tuple[str, ...], stdin: bytes | None) -> int:
    # text from stdin is not the file's: it is checked as unsaved text, like an editor's
    findings = vault.findings(targets[0]) if stdin is not None else vault.lint_targets(targets)
    if stdin is not None and opts.fixing:
        return _fix_stdin(opts, vault, targets[0], stdin, findings)
    fix_report = None
    if opts.fixing:
        from vaultkit.fix import fix_vault

        fix_report = fix_vault(vault, targets, findings, unsafe=opts.unsafe_fixes,
                               write=not opts.diff)
        findings = fix_report.findings
    if opts.diff:
        assert fix_report is not None
        return _print_diff(fix_report)
    _report(opts, vault, targets, findings, fix_report)
    if opts.exit_zero:
        return 0
    if opts.fix_only:
        return 0
    failing = {"error", "warning"} if opts.strict else {"error"}
    return 1 if any(f.severity in failing for f in findings) else 0


def _print_diff(report: "FixReport") -> int:
    """``--diff``: the unified diff of every note a fix would change; exit 1 when any."""
    for outcome in report.changed:
        click.echo(outcome.diff(), nl=False)
    changed = report.changed
    if changed:
        fixes = report.fixed_count
        click.echo(f"Would fix {fixes} finding{'s' if fixes != 1 else ''} in {len(changed)} "
                   f"note{'s' if len(changed) != 1 else ''}.", err=True)
    else:
        click.echo("No fix to apply.", err=True)
    return 1 if changed else 0


def _fix_stdin(opts: LintOptions, vault: "Vault", path: str, data: bytes,
               findings: list["Finding"]) -> int:
    """``--fix -``: the fixed text on stdout, the findings left on stderr (as ruff does)."""
    from vaultkit.fix import fix_bytes, relinter

    outcome = fix_bytes(path, data, relinter(vault, path), unsafe=opts.unsafe_fixes,
                        initial=findings)
    if opts.diff:
        click.echo(outcome.diff(), nl=False)
        return 1 if outcome.changed else 0
    sys.stdout.buffer.write(outcome.after)
    sys.stdout.flush()
    left = outcome.remaining
    if left and not opts.fix_only:
        from vaultkit.report import ReportContext, get_reporter

        ctx = ReportContext(vault_root=str(vault.root), notes_checked=1)
        click.echo(get_reporter("text")(left, ctx), nl=False, err=True)
    if opts.exit_zero or opts.fix_only:
        return 0
    failing = {"error", "warning"} if opts.strict else {"error"}
    return 1 if any(f.severity in failing for f in left) else 0


def _report(opts: LintOptions, vault: "Vault", targets: tuple[str, ...],
            findings: list["Finding"], fix_report: "FixReport | None") -> None:
    from vaultkit.report import ReportContext, fix_summary, get_reporter, statistics, summary

    out_stream = sys.stdout
    tty = out_stream.isatty() and opts.output_file is None
    color = color_enabled(opts.color, out_stream) and opts.output_file is None
    ctx = ReportContext(
        vault_root=str(vault.root),
        notes_checked=sum(1 for t in targets if vault.files.is_document(t)),  # not listing them
        color=color,
        show_source=tty if opts.show_source is None else opts.show_source,
        lines=vault.lines,
        unsafe_fixes=opts.unsafe_fixes,
    )
    shown = [] if opts.fix_only else findings
    report = get_reporter(opts.fmt)(shown, ctx)
    if opts.output_file is not None:
        try:
            opts.output_file.write_text(report, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"--output-file {opts.output_file}: {error.strerror}") from None
    else:
        click.echo(report, nl=False, color=color)
    if opts.quiet:
        return
    # stdout carries the report; with a machine format the rest goes to stderr
    to_stderr = opts.output_file is None and opts.fmt != "text"
    if opts.statistics and shown:
        click.echo(statistics(shown), err=to_stderr)
    if fix_report is not None:
        for path in fix_report.conflicts:
            click.echo(f"vaultkit: {path} changed while it was being fixed; left as it was",
                       err=True)
        fixed, notes = fix_report.fixed_count, len(fix_report.changed)
        click.echo(f"Fixed {fixed} finding{'s' if fixed != 1 else ''} in {notes} "
                   f"note{'s' if notes != 1 else ''}.", err=to_stderr)
    if not opts.fix_only:
        # the closing line: the summary, then how many of the findings --fix would mend
        from vaultkit.settings import bibliography_summary, schema_hint

        hint = fix_summary(shown, opts.unsafe_fixes)
        stray = schema_hint(vault, targets)
        click.echo(f"{summary(shown, ctx.notes_checked)} {bibliography_summary(vault)}"
                   + (f" {stray}" if stray else "") + (f" {hint}" if hint else ""),
                   err=to_stderr)


def show_settings(opts: LintOptions) -> int:
    """``--show-settings``: every setting in effect and where it came from."""
    from vaultkit.settings import show_settings as settings_text

    vault, _, _ = _load(opts)
    if vault is None:
        click.echo("no vault (none of the given paths is in a vault)", err=True)
        return 0
    click.echo(settings_text(vault), nl=False)
    return 0


def show_files(opts: LintOptions) -> int:
    """``--show-files``: what would be linted, and which schemas apply to each note."""
    vault, targets, _ = _load(opts)
    if vault is None:
        click.echo("0 files (none of the given paths is in a vault)", err=True)
        return 0
    sessions = 0
    for path in targets:
        note = vault.notes.get(path)
        if note is None:
            click.echo(path)
            continue
        names = [s.name for s in vault.schemas_for(note)]
        sessions += "session" in names
        click.echo(f"{path}  ({', '.join(names)})" if names else path)
    notes = sum(1 for t in targets if t in vault.notes)
    click.echo(f"{len(targets)} files, {notes} notes, {sessions} sessions "
               f"(vault: {vault.root})", err=True)
    return 0


# -- watching -------------------------------------------------------------------------------
def watch(opts: LintOptions) -> int:
    """``--watch``: lint, then lint again whenever a file of the vault changes.

    The watcher starts before the first lint, so a note saved while a lint runs is
    linted again right after it, never missed.  Ctrl-C stops (exit 0).
    """
    from vaultkit.vault import find_root

    try:
        from watchfiles import watch as watch_changes
    except ImportError:  # pragma: no cover - a dependency; only a broken install lacks it
        raise UsageError("--watch needs the 'watchfiles' package") from None
    root = find_root(list(opts.paths), opts.vault_dir)
    changed: queue.Queue[object] = queue.Queue()
    stop = threading.Event()

    def pump() -> None:
        try:
            for changes in watch_changes(root, watch_filter=_interesting, debounce=200,
                                         stop_event=stop):
                changed.put(changes)
        except Exception as error:  # noqa: BLE001 - the watcher died: say so and end
            changed.put(error)
        changed.put(None)

    def once() -> None:
        click.clear()
        try:
            run(opts)
        except UsageError as error:
            click.echo(f"vaultkit: {error}", err=True)
        click.echo("Watching for changes (Ctrl-C to stop)...", err=True)
        sys.stdout.flush()  # a pipe (a terminal multiplexer, a test) sees each run whole
        sys.stderr.flush()

    threading.Thread(target=pump, name="vaultkit-watch", daemon=True).start()
    try:
        once()
        while (item := changed.get()) is not None:
            if isinstance(item, Exception):
                raise UsageError(f"--watch: watching {root} failed: {item}")
            while not changed.empty():  # several batches while linting: one run
                if (more := changed.get_nowait()) is None or isinstance(more, Exception):
                    changed.put(more)
                    break
            once()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
    return 0


def _interesting(change: object, path: str) -> bool:
    """Changes that can alter a finding: not git's or the editor's own files."""
    parts = Path(path).parts
    if ".git" in parts or path.endswith((".vaultkit-tmp", "~", ".swp")):
        return False
    return True
