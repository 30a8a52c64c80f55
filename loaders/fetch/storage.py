"""Keeping what a fetch got, so that a fetch killed at any moment loses nothing and counts
nothing twice when run again.

A window's releases are written to ``<file>.part`` as they come; when the window is complete
the file is flushed, fsynced and renamed into place, and only then is the manifest (itself
written to a temporary file, fsynced and renamed) given the window's entry. A run that dies
leaves at worst a ``.part`` file, removed by the next run, which fetches that window again and
skips the windows the manifest lists. One fetch of a source at a time: a lock file says so.
"""

from __future__ import annotations

import contextlib
import gzip
import os
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson
from filelock import FileLock, Timeout

from graph.errors import FetchFailed
from loaders.fetch.windows import Window, iso, now
from loaders.fetched import MANIFEST, Manifest, WindowEntry, file_sha256, read_manifest, release_key

PART = ".part"
LOCK = ".fetch.lock"


def write_atomically(path: Path, data: bytes) -> None:
    """``path`` holds ``data`` whole, or what it held before: never part of it."""
    temporary = path.with_name(path.name + PART)
    with temporary.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    temporary.replace(path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class WindowWriter:
    """A window's releases on their way to its file, each release once."""

    def __init__(self, folder: Path, window: Window) -> None:
        self.window = window
        self.path = folder / window.file_name
        self.temporary = self.path.with_name(self.path.name + PART)
        self._raw: IO[bytes] = self.temporary.open("wb")
        # mtime 0 and no name: the same releases give the same bytes, and the same checksum
        self._gzip = gzip.GzipFile(filename="", fileobj=self._raw, mode="wb", mtime=0)
        self._seen: set[tuple[str, str]] = set()
        self.releases = 0
        self.duplicates = 0

    def add(self, release: dict[str, Any]) -> bool:
        """Write ``release`` unless the window has it already; True when it was new."""
        key = release_key(release)
        if key in self._seen:
            self.duplicates += 1
            return False
        self._seen.add(key)
        self._gzip.write(orjson.dumps(release) + b"\n")
        self.releases += 1
        return True

    def finish(self) -> tuple[str, int]:
        """Close, fsync and rename the file into place; its sha256 and size."""
        self._gzip.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        digest = file_sha256(self.temporary)
        size = self.temporary.stat().st_size
        self.temporary.replace(self.path)
        _sync_folder(self.path.parent)
        return digest, size

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self._gzip.close()
        with contextlib.suppress(OSError):
            self._raw.close()
        self.temporary.unlink(missing_ok=True)


class FetchedFolder:
    """The folder of one source's fetched windows, held for one fetch at a time."""

    def __init__(self, folder: Path, source: str) -> None:
        self.folder = folder
        self.source = source
        self._lock = FileLock(folder / LOCK)
        self.manifest = Manifest(source)

    def __enter__(self) -> FetchedFolder:
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except Timeout as e:
            raise FetchFailed(
                f"another partnermap fetch of {self.source} is running "
                f"(it holds {self.folder / LOCK})",
                hint="wait for it to finish, then run this one again",
            ) from e
        for left in self.folder.glob("*" + PART):  # from a run that was killed
            left.unlink(missing_ok=True)
        self.manifest = read_manifest(self.folder, self.source)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._lock.release()

    def has(self, window: Window) -> bool:
        """True when the window is complete on disk (in the manifest, its file there)."""
        entry = self.manifest.windows.get(window.key)
        if entry is None:
            return False
        path = self.folder / entry.file
        return path.is_file() and path.stat().st_size == entry.bytes

    def writer(self, window: Window) -> WindowWriter:
        return WindowWriter(self.folder, window)

    def commit(self, writer: WindowWriter, *, pages: int, requests: list[str]) -> WindowEntry:
        """The window's file into place, then its entry into the manifest."""
        digest, size = writer.finish()
        start, end = writer.window.key
        entry = WindowEntry(
            start=start,
            end=end,
            file=writer.path.name,
            pages=pages,
            releases=writer.releases,
            sha256=digest,
            bytes=size,
            fetched_at=iso(now()),
            requests=requests,
        )
        self.manifest.windows[entry.key] = entry
        write_atomically(self.folder / MANIFEST, self.manifest.to_json())
        return entry
