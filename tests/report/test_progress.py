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

