"""Footprints: the ground a group of councils covers, and the tests the law and policy set for
it (whole areas, population, contiguity, no council in two combined authorities).

A footprint is a set of *areas*: lower-tier councils (districts, unitaries, metropolitan
districts, London boroughs and the councils of Scotland, Wales and Northern Ireland). A county
council stands for its districts, so each area is counted once: a county's population is the
sum of its districts', not added to theirs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from graph.analysis.common import name_of, node_refs
from graph.lazy import lazy_module
from graph.model import LinkKind, NodeKind

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")

COUNCIL = str(NodeKind.COUNCIL)
WITHIN, BORDERS, MEMBER_OF = str(LinkKind.WITHIN), str(LinkKind.BORDERS), str(LinkKind.MEMBER_OF)


def districts_of(G: nx.MultiDiGraph[str], county: str) -> list[str]:
    """The councils ``within`` ``county`` in ``G`` (its districts), sorted."""
    return sorted(
        u
        for u, _, key in G.in_edges(county, keys=True)
        if key == WITHIN and G.nodes[u].get("kind") == COUNCIL
    )


def areas_of(G: nx.MultiDiGraph[str], council: str) -> list[str]:
    """The areas ``council`` covers: its districts for a county that has them, else itself."""
    if council in G and G.nodes[council].get("council_type") == "county":
        return districts_of(G, council) or [council]
    return [council]


def footprint(G: nx.MultiDiGraph[str], councils: Iterable[str]) -> set[str]:
    return {a for c in councils for a in areas_of(G, c)}


def population(G: nx.MultiDiGraph[str], areas: Iterable[str]) -> dict[str, Any]:
    """The population of ``areas`` (each counted once), with the years of the figures and the
    areas without one (``total`` is then a lower bound: ``complete`` is false)."""
    total, years, missing = 0, set(), []
    for area in sorted(set(areas)):
        value = G.nodes[area].get("population") if area in G else None
        if value in (None, ""):
            missing.append(area)
            continue
        total += int(value)
        years.add(str(G.nodes[area].get("population_year", "")))
    return {
        "total": total,
        "complete": not missing,
        "years": sorted(years - {""}),
        "missing": node_refs(G, [m for m in missing if m in G]),
    }


def borders_graph(G: nx.MultiDiGraph[str], areas: Iterable[str]) -> nx.Graph[str]:
    """``areas`` joined where they share a boundary."""
    among = set(areas)
    B: nx.Graph[str] = nx.Graph()
    B.add_nodes_from(sorted(among))
    for a in sorted(among):
        if a not in G:
            continue
        for b in _neighbours(G, a):
            if b in among:
                B.add_edge(a, b)
    return B


def contiguity(
    G: nx.MultiDiGraph[str], areas: Iterable[str], whole: Iterable[str] | None = None
) -> dict[str, Any]:
    """Whether ``areas`` make one piece through ``borders``: its pieces, the islands among
    them (areas that border nothing at all, as the Isle of Wight), and the enclaves it
    surrounds (councils outside it whose every neighbour is one of its ``whole`` areas, by
    default all of them; a divided area may not surround anything).

    ``passed`` is true when the areas are one piece apart from islands: an island cannot touch
    anything, so including it breaks no contiguity the map allows.
    """
    area_set = set(areas)
    B = borders_graph(G, area_set)
    pieces = sorted((sorted(c) for c in nx.connected_components(B)), key=lambda c: (-len(c), c))
    islands = sorted(a for a in area_set if a in G and not _neighbours(G, a))
    land = [p for p in pieces if not (len(p) == 1 and p[0] in islands)]
    around = area_set if whole is None else set(whole)
    outside = {b for a in area_set if a in G for b in _neighbours(G, a)} - area_set
    enclaves = sorted(o for o in outside if _neighbours(G, o) <= around)
    return {
        "passed": len(land) <= 1,
        "pieces": [node_refs(G, p) for p in pieces],
        "islands": node_refs(G, islands),
        "enclaves": node_refs(G, enclaves),
    }


def _neighbours(G: nx.MultiDiGraph[str], area: str) -> set[str]:
    """The councils ``area`` shares a boundary with (``borders`` is stored one way)."""
    out = {v for _, v, k in G.out_edges(area, keys=True) if k == BORDERS}
    out |= {u for u, _, k in G.in_edges(area, keys=True) if k == BORDERS}
    return {n for n in out if G.nodes[n].get("kind") == COUNCIL}


def combined_authorities_of(G: nx.MultiDiGraph[str]) -> dict[str, set[str]]:
    """Each area with the combined authorities it is in on ``G``'s day: those its council
    is a member of, and those its county is."""
    direct: dict[str, set[str]] = {}
    for u, v, key in G.edges(keys=True):
        if key == MEMBER_OF and G.nodes[v].get("kind") == str(NodeKind.COMBINED_AUTHORITY):
            direct.setdefault(u, set()).add(v)
    out: dict[str, set[str]] = {}
    for council, cas in direct.items():
        for area in [*areas_of(G, council), council]:
            out.setdefault(area, set()).update(cas)
    return out


def check(name: str, passed: bool | None, detail: str, **extra: Any) -> dict[str, Any]:
    """One test's outcome: ``passed`` true, false, or none when the data cannot say."""
    outcome = "unknown" if passed is None else ("pass" if passed else "fail")
    return {"test": name, "outcome": outcome, "detail": detail, **extra}


def population_check(
    G: nx.MultiDiGraph[str], areas: Iterable[str], minimum: int, what: str, *,
    extra: int = 0, uncounted: Iterable[str] = (),
) -> dict[str, Any]:  # fmt: skip
    """Whether ``areas`` (plus ``extra`` people of parts, and parts ``uncounted``) reach
    ``minimum``: unknown when only a lower bound is known and it is below."""
    found = population(G, areas)
    total = found["total"] + extra
    unknown = [*(m["id"] for m in found["missing"]), *uncounted]
    at_least = "at least " if unknown else ""
    if total >= minimum:
        passed: bool | None = True
    else:
        passed = None if unknown else False
    detail = f"{at_least}{total:,} against the {what} threshold of {minimum:,}"
    if unknown:
        detail += " (no figure for " + ", ".join(name_of(G, u) for u in unknown) + ")"
    return check("population", passed, detail, population=total, minimum=minimum,
                       years=found["years"], complete=not unknown)  # fmt: skip
