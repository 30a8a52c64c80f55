"""A folder of fetched notices (``partnermap fetch`` writes one per source, under the home):
its manifest, and reading it back as one OCDS input.

The folder holds one gzip JSON Lines file of releases per window and ``manifest.json``, which
lists the complete windows: their bounds, the file, the pages and releases fetched, the file's
sha256 and when it was fetched. A window's entry is written only after its file is complete,
so the manifest never names a partial file. Reading checks every file against its checksum
first (a load is repeated exactly, or refused), then yields the releases window by window in
time order, each release once: the same release in two windows (windows share their bounds,
and services re-serve updated notices) is read from the first.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

from graph.errors import LoaderError, Problem
from loaders.progress import open_input
from loaders.tables import json_lines

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class WindowEntry:
    """One complete window in the manifest."""

    start: str
    """ISO 8601, UTC (``2025-03-01T00:00:00Z``)."""
    end: str
    file: str
    pages: int
    releases: int
    sha256: str
    bytes: int
    fetched_at: str
    requests: list[str] = field(default_factory=list)
    """The first URL of each request made for the window (the pages follow from them)."""

    @property
    def key(self) -> tuple[str, str]:
        return (self.start, self.end)


@dataclass(slots=True)
class Manifest:
    source: str
    windows: dict[tuple[str, str], WindowEntry] = field(default_factory=dict)

    def ordered(self) -> list[WindowEntry]:
        """The windows in time order (by start, then end)."""
        return [self.windows[k] for k in sorted(self.windows)]

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "version": MANIFEST_VERSION,
                "source": self.source,
                "windows": [asdict(w) for w in self.ordered()],
            },
            option=orjson.OPT_INDENT_2,
        )


def is_fetched_folder(path: Path) -> bool:
    return path.is_dir() and (path / MANIFEST).is_file()


def read_manifest(folder: Path, source: str | None = None) -> Manifest:
    """The manifest of ``folder`` (an empty one for ``source`` when there is none yet)."""
    path = folder / MANIFEST
    if not path.exists() and source is not None:
        return Manifest(source)
    try:
        data = orjson.loads(path.read_bytes())
        entries = [WindowEntry(**w) for w in data["windows"]]
        manifest = Manifest(str(data["source"]), {w.key: w for w in entries})
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError) as e:
        raise LoaderError(
            Problem(str(path), None, f"not a readable fetch manifest: {e}"),
            hint="fetch the source again into an empty folder (partnermap fetch SOURCE ...)",
        ) from e
    if source is not None and manifest.source != source:
        raise LoaderError(
            Problem(str(path), None, f"holds {manifest.source}, not {source}"),
            hint="give each source its own folder",
        )
    return manifest


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def release_key(release: dict[str, Any]) -> tuple[str, str]:
    """What makes a release the same release: its ``ocid`` and ``id`` (OCDS makes the id
    unique within the ocid); a release without an id is known by its content."""
    ocid = str(release.get("ocid"))
    release_id = release.get("id")
    if isinstance(release_id, str | int) and str(release_id):
        return (ocid, str(release_id))
    content = orjson.dumps(release, option=orjson.OPT_SORT_KEYS)
    return (ocid, "sha256:" + hashlib.sha256(content).hexdigest())


def checked_windows(folder: Path) -> list[WindowEntry]:
    """The manifest's windows in time order, each file checked against its checksum."""
    manifest = read_manifest(folder)
    windows = manifest.ordered()
    for window in windows:
        path = folder / window.file
        if not path.is_file():
            raise LoaderError(
                Problem(str(path), None, f"missing: the manifest lists it for {window.start}"),
                hint=f"fetch that window again (partnermap fetch {manifest.source} --from "
                f"{window.start} --to {window.end} --refetch)",
            )
        if file_sha256(path) != window.sha256:
            raise LoaderError(
                Problem(str(path), None, "changed since it was fetched (sha256 differs)"),
                hint=f"fetch that window again (partnermap fetch {manifest.source} --from "
                f"{window.start} --to {window.end} --refetch)",
            )
    return windows


def iter_fetched_releases(folder: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(place, release)`` for every release of a fetched folder, each release once."""
    seen: set[tuple[str, str]] = set()
    for window in checked_windows(folder):
        path = folder / window.file
        with open_input(path) as raw, gzip.GzipFile(fileobj=raw, mode="rb") as f:
            for number, release in json_lines(f, path, "fetch that window again with --refetch"):
                if not isinstance(release, dict):
                    continue
                key = release_key(release)
                if key in seen:
                    continue
                seen.add(key)
                yield f"{window.file} line {number}", release
