"""A progress bar for long loads, drawn on standard error when it is a terminal."""

from __future__ import annotations

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
