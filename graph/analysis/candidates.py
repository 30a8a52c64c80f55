"""Candidate city-region and county-region partnerships that the law and policy allow: groups of
whole councils that collaborate strongly, border one another, and are in no other combined
authority (or extend one whole combined authority), with enough people.

In England a combined authority's area is whole councils, and a council can be in only one
(Local Democracy, Economic Development and Construction Act 2009, s103); a district joins only
with its county; the Government's default for a strategic authority is 1.5 million people.
Elsewhere there are no combined authorities: Wales's four corporate joint committees (2021)
cover every council, and Scotland and Northern Ireland have no statutory regional tier, so a
candidate there is a *collaboration group* the data suggest, set against the bodies that exist
(the population threshold does not apply).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import TYPE_CHECKING, Any

from graph.analysis.collab import EVIDENCE_OF_WORK, Weights, collaboration_graph, groups
from graph.analysis.common import UPPER_TIER, ca_members, councils, node_ref, regions, targets
from graph.analysis.detection import detect, to_igraph
from graph.analysis.footprint import footprint, population
from graph.analysis.spec import WEIGHTS, Analysis, Param
from graph.errors import InvalidInput, NotFound
from graph.lazy import lazy_module
from graph.model import LinkKind, NodeKind

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")

MIN_POPULATION = 1_500_000
"""The English Devolution White Paper's default population of a strategic authority."""
LAWFUL_TYPES = frozenset({"ca", "cca", "sa"})
"""Combined authorities proper (and a scenario's strategic authorities); Wales's corporate joint
committees (``cjc``) are not."""


def units(G: nx.MultiDiGraph[str]) -> dict[str, str]:
    """Each current council mapped to the unit that could join a combined authority: itself
    for an upper-tier council, its county for a district."""
    out = {}
    for council in councils(G):
        kind = G.nodes[council].get("council_type")
        if kind == "district":
            counties = [
                c
                for c in targets(G, council, LinkKind.WITHIN, NodeKind.COUNCIL)
                if G.nodes[c].get("council_type") == "county"
            ]
            out[council] = counties[0] if counties else council
        else:
            out[council] = council
    return out


def candidates(
    G: nx.MultiDiGraph[str],
    *,
    weights: Weights | None = None,
    region: str | None = None,
    min_size: int = 2,
    max_size: int = 12,
    min_population: int = MIN_POPULATION,
    seed: int = 1,
    resolution: float = 1.0,
) -> dict[str, Any]:
    """Lawful groups of councils that border one another and collaborate strongly, ranked
    with a score breakdown and the evidence; the near-misses with the test each failed; and
    for each upper-tier English council in no combined authority, the options open to it.

    Each existing English combined authority is one unit (whole, so never split); districts go
    with their county. Groups come from community detection on the graph of these units, split
    into pieces contiguous through ``borders`` (larger pieces split again until no larger than
    ``max_size`` units); an English piece short of ``min_population`` is joined to the
    bordering piece it works with most, as long as the result stays lawful.

    Parameters
    ----------
    G
        The stored graph as at a day (or as if a scenario had happened).
    weights
        The evidence weights of the collaboration graph (``Weights()`` by default).
    region
        Only groups with a member in this region or nation (``InvalidInput``/``NotFound``
        when it is not one).
    min_size, max_size
        The fewest units a group may have, and the most before it is split.
    min_population
        The people an English group must have (0 to drop the test).
    seed, resolution
        Of the community detection the groups start from.

    Returns
    -------
    dict
        ``parameters``, ``candidates`` (ranked: ``score`` with its ``breakdown``, ``kind``
        ``new``, ``extends`` or ``collaboration_group``, ``members``, ``districts``,
        ``extends`` (the combined authority), ``population``, ``regional_bodies``,
        ``evidence``), ``near_misses`` (``failed``: the tests and why) and
        ``councils_outside_combined_authorities``.
    """
    weights = weights or Weights()
    if region is not None and region not in G:
        raise NotFound(f"no region or nation with id {region!r}")
    if min_size < 2:
        raise InvalidInput("min_size must be at least 2: a partnership needs two councils")
    C = collaboration_graph(G, weights)
    found, where = groups(G), regions(G)
    unit_of = units(G)
    lawful, bodies = _authorities(G, found)
    for ca, members in lawful.items():
        for m in members:
            unit_of.update({c: ca for c, u in unit_of.items() if u in (m, unit_of.get(m))})
    U = _unit_graph(C, unit_of)
    partition = detect(to_igraph(U), "louvain", seed, resolution)
    borders: nx.Graph[str] = nx.Graph()
    borders.add_nodes_from(U)
    borders.add_edges_from((u, v) for u, v, d in U.edges(data=True) if d["borders"])
    by_label: dict[int, list[str]] = defaultdict(list)
    for name, label in zip(partition.names, partition.membership, strict=True):
        by_label[label].append(name)
    pieces: list[list[str]] = []
    for label in sorted(by_label):
        for component in nx.connected_components(borders.subgraph(by_label[label])):
            pieces.extend(_split(U, sorted(component), max_size, seed, resolution))
    size_of = {u: _people(G, unit_of, u) for u in U}
    zone = {u: _zone(G, u) for u in U}
    whole_pieces = [p for p in pieces if sum(1 for u in p if u in lawful) > 1]
    pieces = [part for p in pieces for part in _one_authority_each(U, p, lawful)]
    pieces = _grow(U, pieces, lawful, size_of, zone, minimum=min_population) + whole_pieces
    ranked: list[dict[str, Any]] = []
    near: list[dict[str, Any]] = []
    for piece in pieces:
        if len(piece) < min_size and not (len(piece) == 1 and piece[0] in lawful):
            continue
        if region is not None and not any(where.get(m) == region for u in piece
                                          for m in _members(u, lawful)):  # fmt: skip
            continue
        candidate = _candidate(G, found, U, piece, lawful, bodies, unit_of)
        if not EVIDENCE_OF_WORK & set(candidate["evidence"]):
            continue  # neighbours alone are no partnership
        failed = _failed(G, piece, lawful, candidate, minimum=min_population, min_size=min_size)
        if failed is None:
            continue  # an existing combined authority alone
        (near if failed else ranked).append(
            {**candidate, "failed": failed} if failed else candidate
        )
    ranked.sort(key=lambda c: (-c["score"], c["members"][0]["id"]))
    near.sort(key=lambda c: (-c["score"], c["members"][0]["id"]))
    for rank, candidate in enumerate(ranked, start=1):
        candidate["rank"] = rank
    options = _options(G, U, lawful, ranked, region, where)
    return {
        "parameters": {"region": region, "min_size": min_size, "max_size": max_size,
                       "min_population": min_population, "seed": seed,
                       "resolution": resolution, "weights": weights.as_dict()},
        "candidates": ranked,
        "near_misses": near,
        "councils_outside_combined_authorities": options,
    }  # fmt: skip


def _authorities(
    G: nx.MultiDiGraph[str], found: dict[str, dict[str, list[str]]]
) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """English combined authorities with their members; and each council with the regional
    bodies it is in (combined authorities and Welsh corporate joint committees)."""
    lawful, bodies = {}, defaultdict(set)
    for ca, members in ca_members(G, found).items():
        for m in members:
            bodies[m].add(ca)
        if G.nodes[ca].get("ca_type", "ca") in LAWFUL_TYPES:
            lawful[ca] = members
    return lawful, dict(bodies)


def _members(unit: str, lawful: dict[str, list[str]]) -> list[str]:
    return lawful.get(unit, [unit])


def _people(G: nx.MultiDiGraph[str], unit_of: dict[str, str], unit: str) -> tuple[int, bool]:
    found = population(G, footprint(G, [c for c, u in unit_of.items() if u == unit]))
    return found["total"], found["complete"]


ZONES = {"E": "England", "L": "Greater London", "W": "Wales", "S": "Scotland",
         "N": "Northern Ireland"}  # fmt: skip
"""Where a group must stay: England outside London (where combined authorities are made),
Greater London (whose strategic authority is the Greater London Authority, 1999 Act), and each
of the other nations."""


def _zone(G: nx.MultiDiGraph[str], unit: str) -> str:
    if G.nodes[unit].get("council_type") == "london_borough":
        return "L"
    return unit[0] if unit[:1] in "ENSW" and unit[1:2].isdigit() else "E"


def _one_authority_each(
    U: nx.Graph[str], piece: list[str], lawful: dict[str, list[str]]
) -> list[list[str]]:
    """A piece holding two or more combined authorities, divided among them: each other unit
    goes, one at a time, to the bordering authority's group it works with most; units no
    group reaches stay together as they border one another."""
    seeds = [u for u in piece if u in lawful]
    if len(seeds) < 2:
        return [piece]
    group_of = {s: s for s in seeds}
    left = set(piece) - set(seeds)
    while True:
        best: tuple[float, str, str] | None = None
        for u in sorted(left):
            for v, data in U[u].items():
                better = best is None or data["weight"] > best[0]
                if v in group_of and data["borders"] and better:
                    best = (data["weight"], u, group_of[v])
        if best is None:
            break
        group_of[best[1]] = best[2]
        left.discard(best[1])
    out = [sorted(u for u, g in group_of.items() if g == s) for s in seeds]
    rest: nx.Graph[str] = nx.Graph()
    rest.add_nodes_from(left)
    rest.add_edges_from((u, v) for u, v, d in U.subgraph(left).edges(data=True) if d["borders"])
    out += [sorted(c) for c in nx.connected_components(rest)]
    return out


def _grow(
    U: nx.Graph[str],
    pieces: list[list[str]],
    lawful: dict[str, list[str]],
    size_of: dict[str, tuple[int, bool]],
    zone: dict[str, str],
    *,
    minimum: int,
) -> list[list[str]]:
    """English pieces short of ``minimum`` people joined, one at a time, to a bordering piece
    they work with (another short one first, then the one they work with most), when the join
    stays in England outside London and takes in at most one combined authority."""
    pieces = [list(p) for p in pieces]
    while True:
        piece_of = {u: i for i, p in enumerate(pieces) for u in p}
        best: tuple[bool, float, int, int] | None = None
        for i, piece in enumerate(pieces):
            if zone[piece[0]] != "E" or sum(size_of[u][0] for u in piece) >= minimum:
                continue
            ties: dict[int, float] = defaultdict(float)
            touching: set[int] = set()
            for u in piece:
                for v, data in U[u].items():
                    j = piece_of[v]
                    if j != i:
                        ties[j] += data["weight"]
                        touching |= {j} if data["borders"] else set()
            for j in sorted(touching):
                merged = piece + pieces[j]
                if {zone[u] for u in merged} != {"E"}:
                    continue
                if sum(1 for u in merged if u in lawful) > 1:
                    continue
                short = sum(size_of[u][0] for u in pieces[j]) < minimum
                if ties[j] > 0 and (best is None or (short, ties[j]) > best[:2]):
                    best = (short, ties[j], i, j)
        if best is None:
            return pieces
        *_, i, j = best
        pieces[i] = sorted(pieces[i] + pieces[j])
        del pieces[j]


def _failed(
    G: nx.MultiDiGraph[str],
    piece: list[str],
    lawful: dict[str, list[str]],
    candidate: dict[str, Any],
    *,
    minimum: int,
    min_size: int,
) -> list[dict[str, str]] | None:
    """The tests the group fails (empty when none), or ``None`` for an existing authority."""
    cas = [u for u in piece if u in lawful]
    if len(piece) == 1 and cas:
        return None
    failed = []
    zones = sorted({_zone(G, u) for u in piece})
    if len(zones) > 1:
        failed.append({"test": "one_nation", "reason": "spans " + " and ".join(
            ZONES[z] for z in zones) + ": a combined authority is made in England outside "
            "London, and neither London nor the other nations have one"})  # fmt: skip
    if len(cas) > 1:
        failed.append({"test": "one_combined_authority_each", "reason": "would join "
                       + " and ".join(G.nodes[c]["name"] for c in cas) + ": a council may be in "
                       "one combined authority only (2009 Act, s103), so two whole authorities "
                       "cannot simply be put together"})  # fmt: skip
    if len(piece) < min_size:
        failed.append({"test": "size", "reason": f"{len(piece)} units, fewer than {min_size}"})
    people = candidate["population"]
    if zones == ["E"] and people["total"] < minimum:
        short = "at least " if not people["complete"] else ""
        failed.append({"test": "population", "reason": f"{short}{people['total']:,} people, "
                       f"short of the {minimum:,} a strategic authority should have"})  # fmt: skip
    return failed


def _unit_graph(C: nx.Graph[str], unit_of: dict[str, str]) -> nx.Graph[str]:
    U: nx.Graph[str] = nx.Graph()
    U.add_nodes_from(sorted(set(unit_of.values())))
    for u, v, data in C.edges(data=True):
        a, b = unit_of.get(u), unit_of.get(v)
        if a is None or b is None or a == b:
            continue
        if U.has_edge(a, b):
            U.edges[a, b]["weight"] += data["weight"]
            U.edges[a, b]["evidence"] += data["evidence"]
        else:
            U.add_edge(a, b, weight=data["weight"], evidence=list(data["evidence"]))
        if any(e[0] == "borders" for e in data["evidence"]):
            U.edges[a, b]["borders"] = True
    for _, _, data in U.edges(data=True):
        data.setdefault("borders", False)
    return U


def _split(
    U: nx.Graph[str], piece: list[str], max_size: int, seed: int, resolution: float
) -> list[list[str]]:
    """A contiguous group larger than ``max_size`` split by community detection within it
    (at a higher resolution each time), keeping each part contiguous."""
    if len(piece) <= max_size:
        return [piece]
    sub = U.subgraph(piece)
    parts = detect(to_igraph(sub), "louvain", seed, resolution * 1.5)
    by_label: dict[int, list[str]] = defaultdict(list)
    for name, label in zip(parts.names, parts.membership, strict=True):
        by_label[label].append(name)
    if len(by_label) == 1:
        return [piece]  # cannot split further
    out = []
    contiguous: nx.Graph[str] = nx.Graph()
    contiguous.add_nodes_from(piece)
    contiguous.add_edges_from((u, v) for u, v, d in sub.edges(data=True) if d["borders"])
    for label in sorted(by_label):
        for part in nx.connected_components(contiguous.subgraph(by_label[label])):
            out.extend(_split(U, sorted(part), max_size, seed, resolution * 1.5))
    return out


def _candidate(  # noqa: PLR0917
    G: nx.MultiDiGraph[str],
    found: dict[str, dict[str, list[str]]],
    U: nx.Graph[str],
    piece: list[str],
    lawful: dict[str, list[str]],
    bodies: dict[str, set[str]],
    unit_of: dict[str, str],
) -> dict[str, Any]:
    inside = U.subgraph(piece)
    internal = inside.size(weight="weight")
    boundary = sum(
        d["weight"] for u, v, d in U.edges(piece, data=True) if (u in piece) != (v in piece)
    )
    pairs = list(combinations(piece, 2))
    cohesion = internal / (internal + boundary) if internal + boundary else 0.0
    density = internal / len(pairs) if pairs else 0.0
    score = internal * cohesion
    members = sorted(m for u in piece for m in _members(u, lawful))
    all_councils = sorted(c for c, u in unit_of.items() if u in piece)
    evidence: dict[str, set[str]] = defaultdict(set)
    for kind, by_group in found.items():
        if kind == "combined_authority":
            continue
        for via, group in by_group.items():
            if len({unit_of.get(m) for m in group} & set(piece)) >= 2:
                evidence[kind].add(via)
    extends = [u for u in piece if u in lawful]
    regional = sorted({b for m in members for b in bodies.get(m, set())} - set(extends))
    kind = "extends" if extends else "new" if _zone(G, piece[0]) == "E" else "collaboration_group"
    return {
        "score": round(score, 3),
        "breakdown": {
            "internal_weight": round(internal, 3),
            "cohesion": round(cohesion, 3),
            "mean_pair_weight": round(density, 3),
        },
        "kind": kind,
        "area": ZONES[_zone(G, piece[0])],
        "size": len(piece),
        "members": [node_ref(G, n) for n in members],
        "councils": len(all_councils),
        "districts": [node_ref(G, c) for c in all_councils if c not in members],
        "extends": [node_ref(G, ca) for ca in extends],
        "regional_bodies": [node_ref(G, b) for b in regional],
        "population": population(G, footprint(G, members)),
        "evidence": {
            kind: [node_ref(G, via) for via in sorted(vias)]
            for kind, vias in sorted(evidence.items())
        },
    }


def _options(  # noqa: PLR0917
    G: nx.MultiDiGraph[str],
    U: nx.Graph[str],
    lawful: dict[str, list[str]],
    ranked: list[dict[str, Any]],
    region: str | None,
    where: dict[str, str],
) -> list[dict[str, Any]]:
    """For each English upper-tier council in no combined authority: the bordering combined
    authorities it could join (by collaboration with them) and the candidates it is in."""
    in_candidate: dict[str, list[int]] = defaultdict(list)
    for c in ranked:
        for m in c["members"]:
            in_candidate[m["id"]].append(c["rank"])
    out = []
    for unit in sorted(U):
        if not unit.startswith("E") or unit in lawful:
            continue
        if G.nodes[unit].get("council_type") not in UPPER_TIER:
            continue
        if region is not None and where.get(unit) != region:
            continue
        join = [
            {**node_ref(G, ca), "collaboration_weight": round(U.edges[unit, ca]["weight"], 3)}
            for ca in U.neighbors(unit)
            if ca in lawful and U.edges[unit, ca]["borders"]
        ]
        join.sort(key=lambda j: (-j["collaboration_weight"], j["id"]))
        out.append({**node_ref(G, unit), "join_neighbouring_ca": join,
                    "in_candidates": in_candidate.get(unit, [])})  # fmt: skip
    return out


SPEC = Analysis(
    name="candidates",
    summary="Candidate city-region and county-region partnerships",
    run=candidates,
    route="/candidates",
    params=(
        Param("region", str, None, "only groups with a council in this region or nation",
              max_length=20, metavar="CODE", examples=("E12000003",)),
        Param("min_size", int, 2, "fewest members (councils or counties)", ge=2, le=100),
        Param("max_size", int, 12, "most members before a group is split", ge=2, le=100),
        Param("min_population", int, MIN_POPULATION, "people an English group must have (0: "
              "no threshold)", ge=0, le=100_000_000),
        WEIGHTS,
    ),
    paginate="candidates",
    map_view=True,
)  # fmt: skip
