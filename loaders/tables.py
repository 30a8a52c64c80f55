"""Reading CSV files row by row, with errors that name the file, the line and the fix.

Files are read as bytes one line at a time and decoded here, so memory stays bounded whatever
the file size, and a byte that is not UTF-8 is reported on the line where it is.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from graph.errors import LoaderError, Problem
from loaders.items import Reject
from loaders.progress import open_input

DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "bars"}
UTF8_HINT = "save the file as UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)') and load it again"


def check_readable(path: Path) -> None:
    """Raise ``LoaderError`` unless ``path`` is a non-empty readable file."""
    if not path.exists():
        raise LoaderError(Problem(str(path), None, "no such file"), hint="check the path")
    if not path.is_file():
        raise LoaderError(
            Problem(str(path), None, "not a file"),
            hint="give a file, or a folder that partnermap fetch wrote (with manifest.json)",
        )
    if path.stat().st_size == 0:
        raise LoaderError(
            Problem(str(path), None, "the file is empty (0 bytes)"),
            hint="give a file with a header line and at least one row",
        )


def read_rows(
    path: Path, *, required: Sequence[str] = (), allowed: Sequence[str] | None = None
) -> Iterator[tuple[int, dict[str, str]] | Reject]:
    """Yield ``(line, row)`` for each data row of a comma-separated UTF-8 file.

    ``line`` is the 1-based line the row starts on. Values are stripped of surrounding spaces.
    A row with the wrong number of fields is yielded as a ``Reject``.
    """
    check_readable(path)
    name = str(path)
    counter = [0]
    with open_input(path) as f:
        reader = csv.reader(_decoded_lines(f, name, counter))
        try:
            header = next(reader, None)
        except csv.Error as e:
            raise LoaderError(Problem(name, 1, f"unreadable header: {e}"), hint="fix line 1") from e
        if header is None or not any(h.strip() for h in header):
            raise LoaderError(
                Problem(name, 1, "no header line"),
                hint="the first line must name the columns, e.g. " + ",".join(required or ["id"]),
            )
        header = [h.strip() for h in header]
        _check_header(name, header, required, allowed)
        while True:
            line = counter[0] + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                raise LoaderError(
                    Problem(name, line, f"not valid CSV: {e}"),
                    hint="fix the quoting on that line (a field with a comma needs double quotes)",
                ) from e
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank line
            if len(fields) != len(header):
                yield Reject(line, f"{len(fields)} fields where the header has {len(header)}")
                continue
            yield line, {h: v.strip() for h, v in zip(header, fields, strict=True)}


def _decoded_lines(f: object, name: str, counter: list[int]) -> Iterator[str]:
    for raw in f:  # type: ignore[attr-defined]
        counter[0] += 1
        try:
            text: str = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise LoaderError(
                Problem(
                    name,
                    counter[0],
                    f"byte 0x{raw[e.start]:02x} (byte {e.start + 1} of the line) is not UTF-8",
                ),
                hint=UTF8_HINT,
            ) from e
        if counter[0] == 1 and text.startswith("\ufeff"):
            text = text[1:]
        yield text


def _check_header(
    name: str, header: list[str], required: Sequence[str], allowed: Sequence[str] | None
) -> None:
    if len(header) == 1:
        for delimiter, what in DELIMITERS.items():
            if delimiter in header[0]:
                raise LoaderError(
                    Problem(name, 1, f"the columns are separated by {what}, not commas"),
                    hint="save the file as comma-separated CSV",
                )
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise LoaderError(
            Problem(name, 1, f"column names used twice: {', '.join(duplicates)}"),
            hint="give each column a different name",
        )
    missing = [c for c in required if c not in header]
    if missing:
        raise LoaderError(
            Problem(
                name,
                1,
                f"missing columns: {', '.join(missing)} (the header has {', '.join(header)})",
            ),
            hint=f"the header must include {', '.join(required)}",
        )
    if allowed is not None:
        unknown = [h for h in header if h not in allowed]
        if unknown:
            raise LoaderError(
                Problem(name, 1, f"unknown columns: {', '.join(unknown)}"),
                hint=f"rename or remove them; the columns of this format are {', '.join(allowed)}",
            )


def json_lines(lines: Iterable[bytes], path: Path, hint: str) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` of each non-blank line of JSON Lines; a line that is not JSON
    is a ``LoaderError`` naming the file and line, with ``hint``."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield number, orjson.loads(line)
        except orjson.JSONDecodeError as e:
            raise LoaderError(Problem(str(path), number, f"not valid JSON: {e}"), hint=hint) from e
