"""Progress on a terminal: drawn only after a second, throttled, cleared; never in a pipe."""

from __future__ import annotations

import io
import os
import pty

import pytest

from vaultkit.report.progress import TerminalProgress, progress_for


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def drawn(stream: io.StringIO) -> list[str]:
    """The lines drawn in place, in order ('' for a clearing)."""
    return [part.removesuffix("\x1b[K") for part in stream.getvalue().split("\r")[1:]]


def test_nothing_for_a_run_under_a_second() -> None:
    out, clock = io.StringIO(), Clock()
    bar = TerminalProgress(out, clock=clock)
    for done in range(0, 1001, 10):
        clock.now += 0.009  # 0.9 s in all
        bar(done, 1000)
    assert out.getvalue() == ""


def test_counts_percent_and_time_left_then_cleared() -> None:
    out, clock = io.StringIO(), Clock()
    bar = TerminalProgress(out, clock=clock)
    bar(0, 4000)
    clock.now += 1.5
    bar(1000, 4000)  # 1000 notes in 1.5 s: 3000 more take 4.5 s
    clock.now += 0.05
    bar(1100, 4000)  # within 0.1 s of the last drawing: not redrawn
    clock.now += 0.1
    bar(1200, 4000)
    clock.now += 100
    bar(3990, 4000)
    bar(4000, 4000)  # the end clears the line
    assert drawn(out) == [
        "notes 1,000/4,000 (25 %), about 4 s left",
        "notes 1,200/4,000 (30 %), about 4 s left",
        "notes 3,990/4,000 (99 %), about 1 s left",
        "",
    ]


def test_long_estimates_in_minutes_and_no_estimate_without_progress() -> None:
    out, clock = io.StringIO(), Clock()
    bar = TerminalProgress(out, label="files", clock=clock)
    bar(5, 100_000)
    clock.now += 2
    bar(5, 100_000)  # nothing done since the first call: no estimate yet
    clock.now += 1
    bar(105, 100_000)  # 100 in 3 s: 99,895 more take 2,997 s
    bar.clear()
    assert drawn(out) == ["files 5/100,000 (0 %)", "files 105/100,000 (0 %), about 49 min 57 s left", ""]


def test_broken_terminal_is_ignored() -> None:
    out = io.StringIO()
    bar = TerminalProgress(out, delay=0, interval=0)
    out.close()
    bar(1, 2)  # ValueError from the closed stream is swallowed
    bar(2, 2)


def test_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    leader, follower = pty.openpty()
    try:
        with open(follower, "w", closefd=False) as tty:
            assert isinstance(progress_for(stream=tty), TerminalProgress)
            assert progress_for(enabled=False, stream=tty) is None  # --quiet, machine formats
            monkeypatch.setenv("TERM", "dumb")
            assert progress_for(stream=tty) is None
    finally:
        os.close(leader)
        os.close(follower)
    monkeypatch.setenv("TERM", "xterm")
    read, write = os.pipe()
    with open(write, "w") as piped:
        assert progress_for(stream=piped) is None
    os.close(read)
    assert progress_for(stream=io.StringIO()) is None



def test_a_lint_reports_every_note(tmp_path) -> None:
    """``progress(done, total)`` through the Python API: whichever step loads and checks
    the notes (the loader, the workers) tells of each one."""
    from tests.conftest import write_vault
    from vaultkit.vault import Vault

    root = write_vault(tmp_path / "v", {f"sessions/{i}.md": f"## tl;dr\nnote {i}\n" for i in range(7)})
    calls: list[tuple[int, int]] = []
    Vault.load(root, progress=lambda done, total: calls.append((done, total))).lint()
    assert calls[-1] == (7, 7)
    assert {total for _, total in calls} == {7}
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)  # never backwards
    assert {done for done, _ in calls} >= set(range(1, 8))  # cold: every note told
    calls.clear()
    Vault.load(root, progress=lambda done, total: calls.append((done, total))).lint()
    assert calls and calls[-1] == (7, 7)  # warm: told too, and ends at the total


# -- the command on a pseudo-terminal --------------------------------------------------
PROBE = """
import sys
import vaultkit.report.progress as progress
progress.DELAY = progress.INTERVAL = 0  # draw at once: the vault is small
from vaultkit.cli import main
sys.argv = ["vaultkit", *sys.argv[1:]]
main()
"""


def run_on_terminal(args: list[str], env: dict[str, str], stderr_tty: bool = True) -> tuple[int, str, str]:
    """Run vaultkit with stderr on a pseudo-terminal (or a pipe); (exit code, stdout, stderr)."""
    import subprocess
    import sys

    import tempfile

    leader, follower = pty.openpty()
    stdout = tempfile.TemporaryFile()  # not a pipe: a large report must not block the child
    try:
        proc = subprocess.Popen([sys.executable, "-c", PROBE, *args], stdin=subprocess.DEVNULL,
                                stdout=stdout,
                                stderr=follower if stderr_tty else subprocess.PIPE,
                                env={**env, "TERM": "xterm"})
        os.close(follower)
        follower = -1
        chunks = []
        while stderr_tty:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal (EIO on Linux)
                break
            if not chunk:
                break
            chunks.append(chunk)
        _, err = proc.communicate(timeout=120)
        text = b"".join(chunks).decode() if stderr_tty else err.decode()
        stdout.seek(0)
        return proc.returncode, stdout.read().decode(), text.replace("\r\n", "\n")
    finally:
        stdout.close()
        os.close(leader)
        if follower >= 0:
            os.close(follower)


@pytest.fixture
def small_vault(tmp_path):
    from tests.conftest import write_vault

    # five clean notes: no schema applies outside sessions/, nothing is cited
    return write_vault(tmp_path / "v", {f"notes/n{i}.md": f"# Note {i}\n\nText.\n" for i in range(5)})


def test_index_shows_progress_on_a_terminal_only(small_vault) -> None:
    env = dict(os.environ)
    code, out, err = run_on_terminal(["index", "--vault", str(small_vault), "--check"], env)
    assert code == 0, err
    assert "\rnotes 1/5 (20 %)" in err and "\rnotes 4/5 (80 %)" in err
    before_summary = err.split("Index:")[0]
    assert before_summary.endswith("\r\x1b[K")  # cleared before anything else is printed
    code, out, err = run_on_terminal(["index", "--vault", str(small_vault), "--check"], env,
                                     stderr_tty=False)
    assert code == 0 and "\r" not in err and "notes 1/5" not in err


def test_lint_shows_progress_on_a_terminal_unless_quiet_or_a_machine_format(small_vault) -> None:
    env = dict(os.environ)
    base = ["lint", "--vault", str(small_vault)]
    code, out, err = run_on_terminal(base, env)
    assert code == 0, err
    assert "\rnotes 1/5 (20 %)" in err and err.rstrip("\n").endswith("\r\x1b[K")
    assert "\r" not in out  # the report itself is untouched
    for extra in (["--quiet"], ["--format", "json"], ["--format", "sarif"], ["--format", "github"]):
        code, out, err = run_on_terminal(base + extra, env)
        assert code == 0 and "\r" not in err, extra
    code, out, err = run_on_terminal(base, env, stderr_tty=False)
    assert code == 0 and "\r" not in err
