"""ONS neighbour lists: ``{"E06000001": [["E06000004", ...], "nearby", ...], ...}``.

Index 0 of each list holds the areas that share a boundary (``null`` for islands); the rest
are nearby areas that do not, and are not read. Each pair becomes one ``borders`` link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import orjson

from graph.errors import LoaderError, Problem
from graph.ids import UnknownCode, check_id
from graph.model import Link, LinkKind
from loaders.items import Item, ParseContext, Reject, Row, Skip
from loaders.tables import UTF8_HINT, check_readable

MAX_BYTES = 64 * 1024 * 1024
KEY = re.compile(rb'"([^"\\]{1,40})"\s*:\s*\[')


def looks_like_neighbours(head: bytes) -> bool:
    return (
        head.lstrip().startswith(b"{") and re.search(rb'"[ENSW]\d{8}"\s*:\s*\[', head) is not None
    )


def parse_neighbours(path: Path, context: ParseContext) -> Iterator[Item]:
    check_readable(path)
    name = str(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise LoaderError(
            Problem(name, None, f"{size // 2**20} MB is too large for a neighbour list"),
            hint=f"neighbour lists of every UK area are under 1 MB; the limit is "
            f"{MAX_BYTES // 2**20} MB",
        )
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        data = orjson.loads(raw)
    except UnicodeDecodeError as e:
        bad_line = raw.count(b"\n", 0, e.start) + 1
        raise LoaderError(
            Problem(name, bad_line, "bytes that are not UTF-8"), hint=UTF8_HINT
        ) from e
    except orjson.JSONDecodeError as e:
        raise LoaderError(
            Problem(name, e.lineno, f"not valid JSON: {e.msg}"), hint="fix the JSON"
        ) from e
    if not isinstance(data, dict):
        raise LoaderError(
            Problem(name, 1, "expected an object of area code -> neighbour list"),
            hint='give ONS neighbour lists like {"E06000001": [["E06000004"], ...]}',
        )
    lines = _key_lines(raw)
    source = (context.source,)
    for code, entry in data.items():
        line = lines.get(code)
        if (
            not isinstance(entry, list)
            or not entry
            or not (entry[0] is None or isinstance(entry[0], list))
        ):
            yield Reject(line, f"{code}: expected a list whose first item lists its neighbours")
            continue
        if entry[0] is None or not entry[0]:
            yield Skip(line, "no shared boundary (an island)")
            continue
        try:
            check_id(code)
            for other in entry[0]:
                check_id(str(other))
        except UnknownCode as e:
            yield Reject(line, str(e))
            continue
        links = tuple(
            Link(from_id=code, kind=LinkKind.BORDERS, to_id=str(other), sources=source).canonical()
            for other in entry[0]
            if other != code
        )
        yield Row(line, links)


def _key_lines(raw: bytes) -> dict[str, int]:
    """The line each top-level-looking key starts on, counted in one pass."""
    lines: dict[str, int] = {}
    line, last = 1, 0
    for match in KEY.finditer(raw):
        line += raw.count(b"\n", last, match.start())
        last = match.start()
        lines.setdefault(match.group(1).decode("utf-8", "replace"), line)
    return lines
