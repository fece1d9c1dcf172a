"""``vaultkit lint --watch`` as a user runs it: a real process, real file events."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WAITING = "Watching for changes (Ctrl-C to stop)..."
TYPO = "@huLoRALowRankAdaptation2O21"


@contextmanager
def ctrl_c_reaches_children() -> Iterator[None]:
    """A child started here gets Ctrl-C as from a terminal.  A test run started as a
    shell's background job has SIGINT ignored, and an ignored signal stays ignored in
    every process it starts (Python then installs no handler): the watch could not be
    stopped, and the test would fail for how it was started."""
    before = signal.getsignal(signal.SIGINT)
    if before is signal.SIG_IGN:  # a handler is reset to the default by exec; SIG_IGN is not
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if before is signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


class Watcher:
    """``vaultkit lint --watch`` in a child process; its output read line by line."""

    def __init__(self, vault: Path, cache: Path) -> None:
        # faulthandler: a child that does not stop is made to say where it is (stop())
        env = dict(os.environ, PYTHONPATH=str(REPO), VAULTKIT_CACHE_DIR=str(cache),
                   NO_COLOR="1", PYTHONFAULTHANDLER="1")
        with ctrl_c_reaches_children():
            self.process = subprocess.Popen(
                [sys.executable, "-m", "vaultkit", "lint", "--watch", str(vault)],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_run(self, timeout: float = 90.0) -> list[str]:
        """The lines of one lint run, up to the "Watching" line that ends it."""
        deadline = time.monotonic() + timeout
        out: list[str] = []
        while True:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no complete run within {timeout} s; got {out}") from None
            if line == WAITING:
                return out
            out.append(line)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack
            self.process.wait(timeout=10)
            time.sleep(0.5)  # the reader thread drains the pipe
            said = []
            while not self.lines.empty():
                said.append(self.lines.get_nowait())
            raise AssertionError("Ctrl-C did not end the watch within 30 s; where it was:\n"
                                 + "\n".join(said[-80:])) from None
        finally:
            if self.process.poll() is None:
                self.process.kill()


@pytest.fixture
def watcher(vault: Path, tmp_path: Path):
    w = Watcher(vault, tmp_path / "cache")
    yield w
    if w.process.poll() is None:
        w.process.kill()


def findings(lines: list[str]) -> set[str]:
    return {line for line in lines if ": VK" in line}


def test_watch_lints_again_on_each_change_and_stops_cleanly(watcher: Watcher, vault: Path):
    first = watcher.next_run()
    assert findings(first), first  # example-vault's planted problems
    assert not any(TYPO in line for line in first)

    note = vault / "sessions" / "2023-02-13.md"
    clean = note.read_text(encoding="utf-8")
    assert "(@huLoRALowRankAdaptation2021)." in clean
    note.write_text(clean.replace("(@huLoRALowRankAdaptation2021).", f"({TYPO})."),
                    encoding="utf-8")
    second = watcher.next_run()
    new = findings(second) - findings(first)
    assert len(new) == 1, second
    assert new.pop().startswith(f"sessions/2023-02-13.md:6:") and TYPO in "".join(second)
    assert findings(first) <= findings(second)  # the same report, one finding more

    note.write_text(clean, encoding="utf-8")  # undone: back to the first report
    assert findings(watcher.next_run()) == findings(first)

    assert watcher.stop() == 0  # Ctrl-C ends the watch; it is not an error
