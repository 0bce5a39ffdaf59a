"""compare's progress on stderr: a rich bar on a terminal, plain lines in a log, nothing with ``--quiet``.

compare reports ``(done_models, total_models, message)`` once before the work and once per finished task; the
executor may report a status line of its own (``starting Ray ...``). On a terminal both feed one bar that fits
the terminal's width (the description is shortened, never the numbers). Elsewhere (a CI log, ``2> file``) each
report is a line: the first, then at most one per :data:`LOG_EVERY`-second interval, and the last, so a sweep of
thousands of small tasks does not flood the log and a short run still says what it did.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TextIO

LOG_EVERY = 5.0  # seconds between two progress lines in a log


def _clock_text(seconds: float) -> str:
    """``42 s``, ``3 min 05 s``, ``1 h 02 min``."""
    seconds = max(int(round(seconds)), 0)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class LogProgress:
    """Progress as lines (``lossmatch: 60/180 models (task 1/3, digits) in 8 s, 7.5 models/s, about 16 s left``)."""

    def __init__(self, stream: TextIO, *, clock: Callable[[], float] = time.monotonic, every: float = LOG_EVERY) -> None:
        self._stream, self._clock, self._every = stream, clock, every
        self._start: float | None = None
        self._last: float | None = None
        self._slot: int | None = None  # the interval of the last progress line

    def _write(self, text: str) -> None:
        from lossmatch._messages import escape_control

        self._stream.write(f"lossmatch: {escape_control(text)}\n")
        self._stream.flush()
        self._last = self._clock()

    def status(self, message: str) -> None:
        """An executor's word (``starting Ray ...``): always a line of its own."""
        self._write(message)

    def update(self, done: int, total: int, message: str) -> None:
        now = self._clock()
        if self._start is None:
            self._start = now
        if done == 0:
            self._write(f"training {total} models" + (f" ({message})" if message else ""))
            return
        elapsed = now - self._start
        line = f"{done}/{total} models" + (f" ({message})" if message else "") + f" in {_clock_text(elapsed)}"
        if 0 < done < total and elapsed > 0:
            rate = done / elapsed
            line += f", {rate:.1f} models/s, about {_clock_text((total - done) / rate)} left"
        # the first progress line, then at most one per interval of `every` seconds since the start, and the last
        slot = int(elapsed // self._every) if self._every > 0 else None
        if done >= total or self._slot is None or slot != self._slot:
            self._slot = slot if slot is not None else -1
            self._write(line)

    def close(self) -> None:
        pass


class BarProgress:
    """A rich bar: ``task 1/3, digits ━━━━━━━━━━━━ 60/180 7.5 models/s ETA 16 s 0:00:08``, within the width (the
    description is cut with an ellipsis first)."""

    def __init__(self, console: Any, *, clock: Callable[[], float] = time.monotonic) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        from rich.table import Column

        self._clock = clock
        self._start: float | None = None
        self._bar = Progress(
            TextColumn("{task.description}", table_column=Column(ratio=1, no_wrap=True, overflow="ellipsis", min_width=8)),
            BarColumn(bar_width=12), MofNCompleteColumn(), TextColumn("{task.fields[speed]}"), TimeElapsedColumn(),
            console=console, transient=True, expand=True)
        self._task = self._bar.add_task("reading the datasets ...", total=None, speed="")
        self._bar.start()

    def status(self, message: str) -> None:
        self._bar.update(self._task, description=message)

    def update(self, done: int, total: int, message: str) -> None:
        now = self._clock()
        if self._start is None:
            self._start = now
        speed, elapsed = "", now - self._start
        if 0 < done < total and elapsed > 0:
            rate = done / elapsed
            speed = f"{rate:.1f} models/s ETA {_clock_text((total - done) / rate)}"
        description = f"training ({message})" if done == 0 and message else message or "training"
        self._bar.update(self._task, total=total, completed=done, speed=speed, description=description)

    def close(self) -> None:
        self._bar.stop()


class NoProgress:
    def status(self, message: str) -> None:
        pass

    def update(self, done: int, total: int, message: str) -> None:
        pass

    def close(self) -> None:
        pass


def make_progress(console: Any, *, quiet: bool = False) -> BarProgress | LogProgress | NoProgress:
    """The progress for ``console`` (rich, on stderr): a bar on a terminal, lines otherwise, none when ``quiet``."""
    if quiet:
        return NoProgress()
    if console.is_terminal:
        return BarProgress(console)
    return LogProgress(console.file)
