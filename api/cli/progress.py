"""A progress bar for long loads, drawn on standard error when it is a terminal."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from tqdm import tqdm

DELAY = 1.0
"""Seconds before a bar appears: quick loads stay quiet."""


class TerminalProgress:
    """Bytes read of each file, then what the load is doing; nothing unless ``out`` is a
    terminal, so scripts and ``--json`` output stay clean."""

    def __init__(self, out: TextIO | None = None, *, delay: float = DELAY) -> None:
        self._out = out or sys.stderr
        self._on = self._out.isatty()
        self._delay = delay
        self._bar: tqdm[Any] | None = None
        self._started = time.monotonic()

    def reading(self, path: Path, size: int) -> None:
        self._end()
        if self._on:
            # a terminal that reports no size (a bare pty) would get an empty bar otherwise
            columns, lines = shutil.get_terminal_size()
            self._bar = tqdm(
                total=size,
                desc=path.name[:40],
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                delay=self._delay,
                file=self._out,
                leave=False,
                ncols=min(columns, 100) if columns > 0 else 80,
                nrows=lines if lines > 0 else 24,
            )

    def advance(self, count: int) -> None:
        if self._bar is not None:
            self._bar.update(count)

    def stage(self, what: str) -> None:
        self._end()
        if self._on and time.monotonic() - self._started >= self._delay:
            print(f"{what} ...", file=self._out, flush=True)

    def _end(self) -> None:
        if self._bar is not None:
            if time.time() - self._bar.start_t >= self._delay:  # tqdm clocks with time.time
                self._bar.refresh()  # the last update may have come between redraws
            self._bar.close()
            self._bar = None

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._end()


def terminal_size(out: TextIO) -> tuple[int, int]:
    """The size of the terminal ``out`` is (standard output may be a pipe meanwhile)."""
    try:
        size = os.get_terminal_size(out.fileno())
    except (OSError, ValueError):
        return shutil.get_terminal_size()
    return size.columns, size.lines


class FetchBar:
    """Windows done of a fetch, with the pages and releases so far and any wait (and why);
    nothing unless ``out`` is a terminal."""

    def __init__(self, out: TextIO | None = None, *, delay: float = DELAY) -> None:
        self._out = out or sys.stderr
        self._on = self._out.isatty()
        self._delay = delay
        self._bar: tqdm[Any] | None = None
        self._pages = 0
        self._releases = 0
        self._window = ""

    def begin(self, source: str, windows: int) -> None:
        if self._on:
            columns, lines = terminal_size(self._out)
            self._bar = tqdm(
                total=windows,
                desc=source,
                unit="window",
                bar_format="{l_bar}{bar:12}| {n_fmt}/{total_fmt} windows [{elapsed}]{postfix}",
                delay=self._delay,
                file=self._out,
                leave=False,
                ncols=min(columns, 160) if columns > 0 else 100,
                nrows=lines if lines > 0 else 24,
            )

    def window(self, label: str) -> None:
        self._window = label
        self._show()

    def page(self, releases: int) -> None:
        self._pages += 1
        self._releases += releases
        self._show()

    def window_done(self, *, skipped: bool) -> None:
        if self._bar is not None:
            self._bar.update(1)
        self._show()

    def waiting(self, seconds: float, reason: str) -> None:
        self._show(f"waiting {seconds:.0f} s, {reason}")

    def _show(self, waiting: str = "") -> None:
        if self._bar is not None:
            counts = f"{self._window}: {self._pages} pages, {self._releases} releases"
            self._bar.set_postfix_str(waiting or counts, refresh=False)
            if time.time() - self._bar.start_t >= self._delay:  # quick fetches stay quiet
                self._bar.refresh()

    def __enter__(self) -> FetchBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            if time.time() - self._bar.start_t >= self._delay:
                self._bar.refresh()
            self._bar.close()
            self._bar = None
