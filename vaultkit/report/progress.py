"""Progress on a terminal: ``notes 4,210/13,333 (31 %), about 8 s left`` on stderr.

The loader calls a :data:`ProgressCallback` as ``progress(done, total)`` as often as it
likes; :class:`TerminalProgress` decides what to draw.  Nothing is drawn for a run that
ends within about a second (a warm lint, a pre-commit hook), nor more than ten times a
second, and the line is cleared when the run ends so the report starts on a clean line.
The CLI builds one only for the text format on a terminal without ``--quiet``: pipes,
files, CI logs and machine formats (JSON, SARIF, GitHub) never see it.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Callable, TextIO

ProgressCallback = Callable[[int, int], None]
"""``progress(done, total)``: ``done`` of ``total`` notes processed (parsed or cached)."""

DELAY = 1.0
"""Seconds before the first drawing: a run shorter than this shows nothing."""
INTERVAL = 0.1
"""Seconds between redraws."""


class TerminalProgress:
    """Draws ``done/total`` with an estimate of the time left, in place, on ``stream``."""

    def __init__(self, stream: TextIO, label: str = "notes", *, delay: float | None = None,
                 interval: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.label = label
        self.delay = DELAY if delay is None else delay
        self.interval = INTERVAL if interval is None else interval
        self.clock = clock
        self.started = clock()
        self.first: tuple[float, int] | None = None
        """(time, done) of the first call: the rate counts only work seen since then."""
        self.last_draw: float | None = None
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if self.first is None:
            self.first = (now, done)
        if total <= 0 or done >= total:
            self.clear()
            return
        if now - self.started < self.delay:
            return
        if self.last_draw is not None and now - self.last_draw < self.interval:
            return
        self.last_draw = now
        self._write("\r" + self.line(done, total, now) + "\x1b[K")
        self.drawn = True

    def line(self, done: int, total: int, now: float) -> str:
        text = f"{self.label} {done:,}/{total:,} ({100 * done // total} %)"
        eta = self._eta(done, total, now)
        return text + (f", about {_duration(eta)} left" if eta is not None else "")

    def _eta(self, done: int, total: int, now: float) -> float | None:
        assert self.first is not None
        since, done_then = self.first
        elapsed, progressed = now - since, done - done_then
        if elapsed <= 0 or progressed <= 0:
            return None
        return (total - done) * elapsed / progressed

    def clear(self) -> None:
        """Erase the line (once the run is over, before the report)."""
        if self.drawn:
            self._write("\r\x1b[K")
            self.drawn = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass  # a closed or broken terminal must not end the run


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s"


def progress_for(enabled: bool = True, stream: TextIO | None = None,
                 label: str = "notes") -> TerminalProgress | None:
    """A progress line on ``stream`` (stderr) when it is a terminal, else ``None``."""
    stream = sys.stderr if stream is None else stream
    if not enabled or os.environ.get("TERM") == "dumb":
        return None
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return TerminalProgress(stream, label)
