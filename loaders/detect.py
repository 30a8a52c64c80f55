"""Telling a file's format from its content, and the parser for each format."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from graph.errors import LoaderError, Problem
from loaders.contracts_finder import HEADER as CONTRACTS_FINDER_HEADER
from loaders.contracts_finder import parse_contracts_finder
from loaders.fetched import is_fetched_folder
from loaders.items import Item, ParseContext
from loaders.neighbours import looks_like_neighbours, parse_neighbours
from loaders.ocds import parse_ocds
from loaders.ocds_read import ocds_layout
from loaders.ons import looks_like_ons, parse_ons
from loaders.partnerships import (
    parse_buying_organisations,
    parse_joint_procurements,
    parse_owners,
    parse_public_bodies,
    parse_shared_services,
    parse_users,
)
from loaders.plain import LINK_COLUMNS, NODE_COLUMNS, parse_links, parse_nodes
from loaders.scenarios import looks_like_scenarios, parse_scenarios
from loaders.tables import DELIMITERS, check_readable

Parser = Callable[[Path, ParseContext], Iterator[Item]]

FORMATS: dict[str, Parser] = {
    "nodes": parse_nodes,
    "links": parse_links,
    "buying-organisations": parse_buying_organisations,
    "buying-organisation-owners": parse_owners,
    "buying-organisation-users": parse_users,
    "shared-services": parse_shared_services,
    "joint-procurements": parse_joint_procurements,
    "public-bodies": parse_public_bodies,
    "ons-lookup": parse_ons,
    "ons-neighbours": parse_neighbours,
    "ocds": parse_ocds,
    "scenarios": parse_scenarios,
    "contracts-finder": parse_contracts_finder,
}
"""Every format ``partnermap load --format`` accepts."""

HEAD_BYTES = 64 * 1024
HEADERS = {
    "nodes": {"id", "kind", "name"},
    "links": {"from_id", "kind", "to_id"},
    "buying-organisations": {"id", "name", "legal_form"},
    "buying-organisation-owners": {"buying_organisation", "member", "role"},
    "buying-organisation-users": {"buyer", "buying_organisation"},
    "shared-services": {"id", "name", "category", "delivery_model", "partners"},
    "joint-procurements": {"id", "title", "category", "participants"},
    "public-bodies": {"id", "name", "body_type"},
    "contracts-finder": set(CONTRACTS_FINDER_HEADER),
}
"""The columns that identify each CSV format."""


def detect_format(path: Path) -> str:
    if is_fetched_folder(path):
        return "ocds"
    check_readable(path)
    if ocds_layout(path) is not None:
        return "ocds"
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text[:1] in (b"{", b"["):
        if looks_like_neighbours(text):
            return "ons-neighbours"
        if looks_like_scenarios(text):
            return "scenarios"
        raise LoaderError(
            Problem(str(path), 1, "JSON that is not an ONS neighbour list nor a scenario"),
            hint="give --format if partnermap reads it; JSON formats read: ons-neighbours, "
            "scenarios, OCDS",
        )
    first_line = text.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip()
    header = [h.strip() for h in next(csv.reader([first_line]), [])]
    columns = set(header)
    for name, wanted in HEADERS.items():
        if wanted <= columns:
            return name
    if looks_like_ons(header):
        return "ons-lookup"
    for delimiter, what in DELIMITERS.items():
        if len(header) == 1 and delimiter in first_line:
            raise LoaderError(
                Problem(str(path), 1, f"the columns are separated by {what}, not commas"),
                hint="save the file as comma-separated CSV",
            )
    raise LoaderError(
        Problem(str(path), 1, f"cannot tell the format from the header {first_line[:200]!r}"),
        hint=(
            "partnermap reads nodes CSV ("
            + ",".join(NODE_COLUMNS[:3])
            + ",...), links CSV ("
            + ",".join(LINK_COLUMNS[:3])
            + ",...), ONS lookups (LAD25CD,LAD25NM,...) and ONS "
            "neighbour JSON; fix the header or give --format"
        ),
    )
