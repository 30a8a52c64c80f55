"""How far a load has got, for whoever shows it (the command line draws a bar in a terminal).

Parsers open their input with ``open_input``; while a load watches (``watching``), the bytes
read from disk are reported as they go, so progress is the share of the file read, whatever its
format, and of the compressed bytes for a gzip file.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO, Protocol

STEP = 1 << 20
"""Bytes read between reports: a report per megabyte costs nothing next to parsing it."""

_watcher: ContextVar[Callable[[int], None] | None] = ContextVar("watcher", default=None)


class LoadProgress(Protocol):
    """What ``load_files`` tells about its progress."""

    def reading(self, path: Path, size: int) -> None:
        """A file of ``size`` bytes is about to be read."""

    def advance(self, count: int) -> None:
        """``count`` more bytes of it were read."""

    def stage(self, what: str) -> None:
        """The files are read; the load is now doing ``what`` (checking, writing)."""


class _CountingFile(io.FileIO):
    def __init__(self, path: Path, report: Callable[[int], None]) -> None:
        super().__init__(path, "rb")
        self._report = report
        self._pending = 0

    def _count(self, count: int) -> None:
        self._pending += count
        if self._pending >= STEP:
            self._report(self._pending)
            self._pending = 0

    def readinto(self, buffer: memoryview) -> int | None:  # type: ignore[override]
        count = super().readinto(buffer)
        if count:
            self._count(count)
        return count

    def readall(self) -> bytes:
        data = super().readall()
        self._count(len(data))
        return data

    def close(self) -> None:
        if self._pending:
            self._report(self._pending)
            self._pending = 0
        super().close()


def open_input(path: Path) -> IO[bytes]:
    """``path`` opened for reading bytes; counted when a load is watching."""
    report = _watcher.get()
    if report is None:
        return path.open("rb")
    return io.BufferedReader(_CountingFile(path, report))


@contextmanager
def watching(progress: LoadProgress | None, path: Path) -> Iterator[None]:
    """Report the bytes read from ``path`` to ``progress`` while the block runs."""
    if progress is None:
        yield
        return
    progress.reading(path, _size(path))
    token = _watcher.set(progress.advance)
    try:
        yield
    finally:
        _watcher.reset(token)


def _size(path: Path) -> int:
    """The bytes a load reads of ``path``: the file's, or for a fetched folder its window files'
    (gzip)."""
    if path.is_dir():
        return sum(f.stat().st_size for f in path.glob("*.gz") if f.is_file())
    return path.stat().st_size
