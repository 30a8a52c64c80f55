"""The councils abolished since 1 April 2015, for ``compile_bundled.py``: their nodes, their
places in the geography (``within``), their borders and their successors, so the graph can be
taken as at any day since 2015.

- England's 2019-2021 reorganisations (Dorset, Bournemouth-Christchurch-Poole, East and West
  Suffolk, Somerset West and Taunton, Buckinghamshire, North and West Northamptonshire) come from
  mySociety's register: every council with a GSS code whose successor (``replaced-by``) began
  between 2019 and 2021. A council's last day is the day before its successor began (the
  register's ``end-date`` is sometimes the last day, sometimes the first day after).
- Northern Ireland's 26 district councils of 1973-2015, replaced by 11 on 1 April 2015: names
  from the register (its ``NIR-A``..``NIR-Y``; Belfast's old council, which the register
  lacks, added by hand); they had no GSS code, so their ids are ``snac:`` + their ONS SNAC code
  (``snac:95A``); successors per the Local Government (Boundaries) Order (Northern Ireland)
  2012, where a council that went to two new ones is ``succeeded_by`` both (``share`` ``part``).
- Borders of every abolished council from the ONS "explore local statistics" TopoJSON of the
  districts and counties of 2014-2026: two areas border when their outlines share an arc and
  both were in use in the same year.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from geometry import polygon_centroid

Row = dict[str, str]

NI_NEW = {
    "N09000001": ["95T", "95U"],  # Antrim and Newtownabbey: Antrim, Newtownabbey
    "N09000011": ["95X", "95W"],  # Ards and North Down: Ards, North Down
    "N09000002": ["95O", "95Q", "95N"],  # Armagh City, Banbridge and Craigavon
    "N09000003": ["95Z", "95Y:part", "95S:part"],  # Belfast: Belfast, parts of Castlereagh, Lisburn
    "N09000004": ["95D", "95C", "95B", "95E"],  # Causeway Coast and Glens
    "N09000005": ["95A", "95J"],  # Derry City and Strabane
    "N09000006": ["95L", "95K"],  # Fermanagh and Omagh
    "N09000007": ["95S", "95Y"],  # Lisburn and Castlereagh
    "N09000008": ["95G", "95V", "95F"],  # Mid and East Antrim: Ballymena, Carrickfergus, Larne
    "N09000009": ["95I", "95M", "95H"],  # Mid Ulster: Cookstown, Dungannon, Magherafelt
    "N09000010": ["95P", "95R"],  # Newry, Mourne and Down
}
"""The 2015 councils of Northern Ireland and the old councils (SNAC codes) they replaced."""
OLD_BELFAST = {
    "local-authority-code": "NIR-Z",
    "official-name": "Belfast City Council",
    "nice-name": "Belfast",
    "snac": "95Z",
    "end-date": "2015-03-31",
}
"""The register keeps one Belfast (the council of 2015); the old one is added by hand."""
NI_VESTING = "2015-04-01"
NI_NATION = "N92000002"
FIRST_YEAR, LAST_YEAR = 2014, 2026


@dataclass(frozen=True, slots=True)
class Area:
    """One area of the ONS TopoJSON: its code, the years it was in use, its arcs and shape."""

    code: str
    years: range
    arcs: frozenset[int]
    polygons: list[list[list[tuple[float, float]]]]


def topology_areas(topology: dict[str, Any], layer: str) -> list[Area]:
    """The areas of one layer of a TopoJSON topology, decoded (quantised, delta-encoded arcs)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indices: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for i in indices:
            part = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(part[1:] if points else part)
        return points

    areas = []
    for geometry in topology["objects"][layer]["geometries"]:
        props = geometry["properties"]
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        used = frozenset(i if i >= 0 else ~i for p in polygons for r in p for i in r)
        years = range(props.get("start", FIRST_YEAR), props.get("end", LAST_YEAR) + 1)
        shapes = [[ring(r) for r in p] for p in polygons]
        areas.append(Area(props["areacd"], years, used, shapes))
    return areas


def shared_borders(areas: list[Area]) -> Iterator[tuple[str, str]]:
    """Pairs of codes (sorted) whose areas share an arc in a year both were in use."""
    by_arc: dict[int, list[Area]] = defaultdict(list)
    for area in areas:
        for arc in area.arcs:
            by_arc[arc].append(area)
    pairs: set[tuple[str, str]] = set()
    for sharing in by_arc.values():
        for i, a in enumerate(sharing):
            for b in sharing[i + 1 :]:
                overlap = a.years.start < b.years.stop and b.years.start < a.years.stop
                if a.code != b.code and overlap:
                    pairs.add((min(a.code, b.code), max(a.code, b.code)))
    yield from sorted(pairs)


def day_before(iso: str) -> str:
    """The day before an ISO date (blank for blank)."""
    return (date.fromisoformat(iso) - timedelta(days=1)).isoformat() if iso else ""


def reorganised_2019_2021(register: list[Row]) -> tuple[list[Row], dict[str, list[str]]]:
    """The register's English councils replaced by councils that began in 2019-2021, each
    with its last day, and their successors' GSS codes."""
    by_code = {r["local-authority-code"]: r for r in register}
    old: list[Row] = []
    heirs: dict[str, list[str]] = {}
    for r in register:
        if not r["gss-code"] or not r["replaced-by"]:
            continue
        successors = [by_code[c] for c in r["replaced-by"].split(",")]
        starts = {s["start-date"] for s in successors}
        if len(starts) != 1 or not "2019" <= min(starts) < "2022":
            continue
        old.append({**r, "valid_to": day_before(starts.pop())})
        heirs[r["gss-code"]] = [s["gss-code"] for s in successors]
    return old, heirs


def ni_councils(register: list[Row]) -> tuple[list[Row], list[tuple[str, str, str]]]:
    """Northern Ireland's councils of 1973-2015 (with ``id`` ``snac:95A``), and
    ``(old id, new GSS code, share)`` for each succession (share ``whole`` or ``part``)."""
    old = [r for r in register if r["local-authority-code"].startswith("NIR-")] + [OLD_BELFAST]
    rows = [{**r, "id": f"snac:{r['snac'].lower()}", "valid_to": "2015-03-31"} for r in old]
    known = {r["snac"] for r in old}
    successions = []
    for new, parts in sorted(NI_NEW.items()):
        for part in parts:
            snac, _, share = part.partition(":")
            if snac not in known:
                raise SystemExit(f"council_history: no old NI council with SNAC {snac}")
            successions.append((f"snac:{snac.lower()}", new, share or "whole"))
    return rows, successions


def load_topology(path: Path) -> dict[str, Any]:
    topology: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return topology


@dataclass(frozen=True, slots=True)
class Cited:
    """The ``sources`` strings of the datasets the history is compiled from."""

    register: str
    boundaries: str
    ni_order: str


TOPO_ALIASES = {
    "E08000016": "E08000038",
    "E08000019": "E08000039",
    "S12000015": "S12000047",
    "S12000024": "S12000048",
    "S12000046": "S12000049",
    "S12000044": "S12000050",
}
"""Codes of the TopoJSON that ONS replaced without a change of council (a council's code
changed with a boundary adjustment): the area is the council of today's code."""


def council_row(code: str, r: Row, cited: Cited, *extra: str) -> Row:
    """A ``nodes.csv`` row for an abolished council of the register."""
    prefix = code[:3]
    return {
        "id": code,
        "kind": "council",
        "name": r["nice-name"],
        "official_name": r["official-name"],
        "council_type": {
            "E06": "unitary",
            "E07": "district",
            "E10": "county",
        }.get(prefix, "ni_district"),
        "nation": "northern_ireland" if code.startswith("snac:") else "england",
        "valid_to": r["valid_to"],
        "sources": ";".join([cited.register, *extra]),
    }


def link_row(a: str, kind: str, b: str, sources: str, **extra: str) -> Row:
    return {"from_id": a, "kind": kind, "to_id": b, "sources": sources, **extra}


def abolished_councils(
    register: list[Row], cited: Cited, starts: dict[str, str]
) -> tuple[list[Row], list[Row]]:
    """Nodes and ``succeeded_by`` links of the councils abolished in 2015-2021 (2023's come
    from the ONS code changes); ``starts`` is each current council's first day."""
    old, heirs = reorganised_2019_2021(register)
    nodes = [council_row(r["gss-code"], r, cited) for r in old]
    links = [
        link_row(code, "succeeded_by", heir, cited.register, valid_from=starts[heir], share="whole")
        for code, successors in sorted(heirs.items())
        for heir in successors
    ]
    ni, successions = ni_councils(register)
    nodes += [council_row(r["id"], r, cited, cited.ni_order) for r in ni]
    links += [
        link_row(a, "succeeded_by", b, cited.ni_order, valid_from=NI_VESTING, share=share)
        for a, b, share in successions
    ]
    return nodes, links


def abolished_geography(
    topology: dict[str, Any],
    register: list[Row],
    nodes: list[Row],
    region_codes: dict[str, str],
    cited: Cited,
) -> tuple[list[Row], dict[str, tuple[float, float, float]]]:
    """``within`` and ``borders`` links of every abolished council (``valid_to`` set in
    ``nodes``), and the position of each abolished English council (area, lat, lon)."""
    gss = {r["local-authority-code"]: r["gss-code"] for r in register if r["gss-code"]}
    by_code = {r["local-authority-code"]: r for r in register}
    by_gss = {r["gss-code"]: r for r in register if r["gss-code"]}
    ids = {n["id"] for n in nodes}
    past = {n["id"] for n in nodes if n.get("valid_to") and n["kind"] == "council"}
    links: list[Row] = []
    county_of: dict[str, str] = {}
    for code in sorted(past):
        if code.startswith("snac:"):
            links.append(link_row(code, "within", NI_NATION, cited.ni_order))
            continue
        r = by_gss[code]
        county = gss.get(r["county-la"], "")
        if county:
            county_of[code] = county
            links.append(link_row(code, "within", county, cited.register))
        heir = by_code.get(r["replaced-by"].split(",")[0], {})
        named = r["region"] or (by_gss[county]["region"] if county else "") or heir["region"]
        region = region_codes[named]
        links.append(link_row(code, "within", region, cited.register))
    areas = topology_areas(topology, "ltla") + topology_areas(topology, "cty")
    areas = [a for a in areas if a.code not in TOPO_ALIASES]
    positions = {
        a.code: polygon_centroid({"type": "MultiPolygon", "coordinates": a.polygons})
        for a in areas
        if a.code in past
    }
    missing = sorted(c for c in past if not c.startswith("snac:") and c not in positions)
    if missing:
        raise SystemExit(f"council_history: no boundary for abolished councils {missing}")
    pairs: set[tuple[str, str]] = set()
    for a, b in shared_borders(areas):
        if a not in ids or b not in ids or not ({a, b} & past):
            continue
        pairs.add((a, b))
        for x, y in ((county_of.get(a), b), (a, county_of.get(b))):
            if x and y and x != y and {x, y} & past:
                pairs.add((min(x, y), max(x, y)))
    links += [
        link_row(a, "borders", b, cited.boundaries)
        for a, b in sorted(pairs)
        if a != b and county_of.get(a) != b and county_of.get(b) != a
    ]
    return links, positions
