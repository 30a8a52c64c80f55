"""ONS lookup files of any vintage: ``LAD25CD,LAD25NM,CAUTH25CD,...`` and ``areacd,areanm``.

Columns are recognised by pattern (entity, two-digit year, ``CD``/``NM``), not by one year's
names, so ``LAD21CD`` and ``LAD25CD`` read alike. Each row gives a node per coded area and
``within`` links from each area to the larger areas in the same row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from graph.errors import LoaderError, Problem
from graph.ids import NOT_BODIES, UnknownCode
from graph.model import Link, LinkKind, Node, Source
from loaders.areas import area_node
from loaders.items import Item, ParseContext, Reject, Row, Skip
from loaders.tables import read_rows

COLUMN = re.compile(r"^(?P<entity>[A-Z]+)(?P<year>\d{2})(?P<field>CD|NM)$")

LEVELS = {"LAD": 0, "LTLA": 0, "CTY": 1, "UTLA": 1, "CAUTH": 2, "RGN": 3, "CTRY": 4}
"""Entities partnermap reads, by size. A row links each area to the next larger ones."""

PARENTS = {0: (1, 2, 3), 1: (3,), 2: (), 3: (4,)}
"""From each level, the levels its ``within`` links go to (the nation when no region)."""


def looks_like_ons(header: list[str]) -> bool:
    return {"areacd", "areanm"} <= set(header) or any(
        (m := COLUMN.match(h)) and m["field"] == "CD" for h in header
    )


def parse_ons(path: Path, context: ParseContext) -> Iterator[Item]:
    rows = read_rows(path)
    first = next(rows, None)
    if first is None:
        return
    if isinstance(first, Reject):
        yield first
        return
    line, row = first
    columns = _entity_columns(path, list(row))
    yield from _parse_row(line, row, columns, path, context)
    for item in rows:
        if isinstance(item, Reject):
            yield item
        else:
            yield from _parse_row(*item, columns, path, context)


def _entity_columns(path: Path, header: list[str]) -> list[tuple[int, str, str, str]]:
    """``(level, code column, name column, year)`` for each entity, smallest first."""
    if {"areacd", "areanm"} <= set(header):
        return [(-1, "areacd", "areanm", "")]
    found = []
    for h in header:
        m = COLUMN.match(h)
        if m and m["field"] == "CD" and m["entity"] in LEVELS:
            name_column = f"{m['entity']}{m['year']}NM"
            if name_column not in header:
                raise LoaderError(
                    Problem(str(path), 1, f"column {h} has no {name_column} beside it"),
                    hint="ONS lookups give each code column a name column; add it",
                )
            found.append((LEVELS[m["entity"]], h, name_column, m["year"]))
    if not found:
        raise LoaderError(
            Problem(
                str(path), 1, "no ONS code columns partnermap reads (" + ", ".join(header) + ")"
            ),
            hint="give a lookup with columns such as LAD25CD, CTY23CD, CAUTH25CD, RGN22CD",
        )
    return sorted(found)


def _parse_row(
    line: int,
    row: dict[str, str],
    columns: list[tuple[int, str, str, str]],
    path: Path,
    context: ParseContext,
) -> Iterator[Item]:
    nodes: dict[int, Node] = {}
    skipped: list[str] = []
    for level, code_column, name_column, year in columns:
        code, name = row[code_column], row[name_column]
        if not code:
            continue
        if not name:
            yield Reject(line, f"{code_column} {code} has no name in {name_column}")
            return
        if code[:3] in NOT_BODIES:
            skipped.append(f"{code_column} {code[:3]}: {NOT_BODIES[code[:3]]}")
            continue
        source = Source(dataset=context.dataset, vintage=f"20{year}" if year else context.vintage)
        try:
            nodes[level] = area_node(code, name, (source,))
        except UnknownCode as e:
            yield Reject(line, f"{code_column}: {e}")
            return
    if not nodes:
        yield Skip(line, "; ".join(skipped) or "no codes on this row")
        return
    links = []
    for level, node in nodes.items():
        parents = [p for p in PARENTS.get(level, ()) if p in nodes]
        if level == 0 and 3 not in nodes and 4 in nodes:
            parents.append(4)
        for parent in parents:
            if nodes[parent].id == node.id:  # a unitary is its own upper tier
                continue
            links.append(
                Link(
                    from_id=node.id,
                    kind=LinkKind.WITHIN,
                    to_id=nodes[parent].id,
                    sources=node.sources,
                )
            )
    yield Row(line, (*nodes.values(), *links))
