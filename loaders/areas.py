"""Nodes for bodies named by a GSS code, with the attributes the code implies."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from graph.ids import gss_entity, nation_of
from graph.model import Node, NodeKind, Scalar, Source

YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)|[A-Z]{2,5}(\d{2})(?:CD|NM)?(?![0-9])")


def area_node(
    code: str,
    name: str,
    sources: tuple[Source, ...],
    *,
    attrs: Mapping[str, Scalar] | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Node:
    """The node for GSS ``code``; raises ``UnknownCode`` for codes that are not bodies."""
    entity = gss_entity(code)
    implied: dict[str, Scalar] = {}
    if entity.council_type is not None:
        implied["council_type"] = str(entity.council_type)
    if entity.kind is not NodeKind.NATION:
        implied["nation"] = str(nation_of(code))
    return Node(
        id=code,
        kind=entity.kind,
        name=name,
        attrs={**implied, **(attrs or {})},
        valid_from=valid_from,
        valid_to=valid_to,
        sources=sources,
    )


def vintage_from_name(path: Path) -> str:
    """A vintage read from a file name (``..._May2025.csv`` -> 2025), else ``unstated``."""
    match = YEAR.search(path.name)
    if match is None:
        return "unstated"
    return match.group(1) or f"20{match.group(2)}"
