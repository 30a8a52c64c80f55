"""Reading OCDS releases from a file of any size, one at a time.

Reads release packages (``{"releases": [...]}``), record packages (``{"records": [...]}``,
each record's ``releases`` or else its ``compiledRelease``), JSON Lines of releases, plain
arrays of releases, and gzip of each. Packages and arrays are streamed with ijson, lines one
by one, so memory stays bounded whatever the size. Each release comes with its place: the line
of a JSON Lines file, else its position in the file (``release 3``). A folder that
``partnermap fetch`` wrote is read as one input (``loaders.fetched``).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import ijson
import orjson

from graph.errors import LoaderError, Problem
from loaders.fetched import is_fetched_folder, iter_fetched_releases
from loaders.progress import open_input
from loaders.tables import UTF8_HINT, check_readable, json_lines

GZIP_MAGIC = b"\x1f\x8b"
PEEK_BYTES = 64 * 1024


def open_bytes(path: Path, *, watched: bool = False) -> IO[bytes]:
    """The file's bytes, uncompressed if it is gzip (told by its first two bytes); ``watched``
    for the read that counts towards a load's progress."""
    check_readable(path)
    with path.open("rb") as f:
        magic = f.read(2)
    raw = open_input(path) if watched else path.open("rb")
    if magic == GZIP_MAGIC:
        return _Gunzipped(raw)  # type: ignore[return-value]  # a binary IO in all but name
    return raw


class _Gunzipped(gzip.GzipFile):
    """A gzip stream that closes the file under it when closed."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__(fileobj=raw, mode="rb")
        self._raw = raw

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()


def ocds_layout(path: Path) -> str | None:
    """``release-package``, ``record-package``, ``json-lines`` or ``array`` when ``path`` looks
    like OCDS, else ``None``. Reads at most the first 64 KiB (after gzip); a fetched folder is
    ``fetched``."""
    if is_fetched_folder(path):
        return "fetched"
    with open_bytes(path) as f:
        head = f.read(PEEK_BYTES)
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"["):
        return "array" if b'"ocid"' in text else None
    if not text.startswith(b"{"):
        return None
    first_line = text.split(b"\n", 1)[0]
    try:
        first = orjson.loads(first_line)
    except orjson.JSONDecodeError:
        first = None
    if isinstance(first, dict) and "ocid" in first:
        return "json-lines"
    if b'"releases"' in text and (
        b'"records"' not in text or text.index(b'"releases"') < text.index(b'"records"')
    ):
        return "release-package"
    if b'"records"' in text:
        return "record-package"
    return None


def iter_releases(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(place, release)`` for every release in ``path``.

    Raises ``LoaderError`` naming the place for input that is not readable as OCDS (not JSON,
    truncated, not UTF-8, or a layout partnermap does not read).
    """
    layout = ocds_layout(path)
    if layout is None:
        raise LoaderError(
            Problem(
                str(path),
                1,
                "not OCDS: no release package, record package, JSON Lines "
                "of releases or array of releases",
            ),
            hint="give OCDS releases, as Contracts Finder, Find a Tender or Public Contracts "
            "Scotland publish them",
        )
    if layout == "fetched":
        yield from iter_fetched_releases(path)
        return
    if layout == "json-lines":
        yield from _lines(path)
        return
    prefix = {"release-package": "releases.item", "array": "item"}.get(layout, "records.item")
    count = 0
    with open_bytes(path, watched=True) as f:
        try:
            for item in ijson.items(f, prefix, use_float=True):
                for release in _releases_of(item, layout):
                    count += 1
                    yield f"release {count}", release
        except (ijson.JSONError, ijson.IncompleteJSONError, UnicodeDecodeError) as e:
            raise LoaderError(
                Problem(str(path), None, f"unreadable after release {count}: {e}"),
                hint="the file is truncated or not valid JSON; fetch it again"
                if not isinstance(e, UnicodeDecodeError)
                else UTF8_HINT,
            ) from e


def _releases_of(item: Any, layout: str) -> Iterator[dict[str, Any]]:
    if layout != "record-package":
        if isinstance(item, dict):
            yield item
        return
    if not isinstance(item, dict):
        return
    releases = item.get("releases")
    if (
        isinstance(releases, list)
        and releases
        and all(isinstance(r, dict) and ("parties" in r or "tender" in r) for r in releases)
    ):
        yield from releases
        return
    compiled = item.get("compiledRelease")
    if isinstance(compiled, dict):
        yield compiled


def _lines(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    with open_bytes(path, watched=True) as raw:
        hint = "the line is cut short or malformed; fix or remove it"
        for number, release in json_lines(raw, path, hint):
            if isinstance(release, dict):
                yield f"line {number}", release
            else:
                raise LoaderError(
                    Problem(str(path), number, "not a release (a JSON object)"),
                    hint="give one OCDS release per line",
                )
