"""Candidate city-region and county-region partnerships: contiguous groups of councils that
collaborate strongly and are not already together in one combined authority."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import TYPE_CHECKING, Any

from graph.analysis.collab import EVIDENCE_OF_WORK, Weights, collaboration_graph, groups
from graph.analysis.common import UPPER_TIER, ca_members, councils, node_ref, regions, targets
from graph.analysis.detection import detect, to_igraph
from graph.analysis.spec import WEIGHTS, Analysis, Param
from graph.errors import InvalidInput, NotFound
from graph.lazy import lazy_module
from graph.model import LinkKind, NodeKind

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")


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
    seed: int = 1,
    resolution: float = 1.0,
) -> dict[str, Any]:
    """Groups of councils that border one another, collaborate strongly, and are not already
    together in one combined authority, ranked with a score breakdown and the evidence; and
    for each upper-tier council in no combined authority, the options open to it.

    Two-tier areas are taken whole: districts go with their county (a district cannot join a
    combined authority without it). Groups come from community detection on the graph of these
    units, split into pieces that are contiguous through ``borders``, and larger pieces split
    again until no larger than ``max_size``.

    Parameters
    ----------
    G
        The stored graph as at a day.
    weights
        The evidence weights of the collaboration graph (``Weights()`` by default).
    region
        Only groups with a member in this region or nation (``InvalidInput``/``NotFound``
        when it is not one).
    min_size, max_size
        The fewest members a group may have, and the most before it is split.
    seed, resolution
        Of the community detection the groups start from.

    Returns
    -------
    dict
        ``parameters``, ``candidates`` (ranked: ``score`` with its ``breakdown``, ``members``,
        ``districts``, ``existing_combined_authorities``, ``evidence``) and
        ``councils_outside_combined_authorities`` (the options open to each).
    """
    weights = weights or Weights()
    if region is not None and region not in G:
        raise NotFound(f"no region or nation with id {region!r}")
    if min_size < 2:
        raise InvalidInput("min_size must be at least 2: a partnership needs two councils")
    C = collaboration_graph(G, weights)
    found, where = groups(G), regions(G)
    unit_of = units(G)
    U = _unit_graph(C, unit_of)
    g = to_igraph(U)
    partition = detect(g, "louvain", seed, resolution)
    borders: nx.Graph[str] = nx.Graph()
    borders.add_nodes_from(U)
    borders.add_edges_from((u, v) for u, v, d in U.edges(data=True) if d["borders"])
    membership: dict[str, set[str]] = defaultdict(set)
    for ca, members in ca_members(G, found).items():
        for m in members:
            membership[unit_of.get(m, m)].add(ca)
    pieces: list[list[str]] = []
    by_label: dict[int, list[str]] = defaultdict(list)
    for name, label in zip(partition.names, partition.membership, strict=True):
        by_label[label].append(name)
    for label in sorted(by_label):
        for component in nx.connected_components(borders.subgraph(by_label[label])):
            pieces.extend(_split(U, sorted(component), max_size, seed, resolution))
    ranked = []
    for piece in pieces:
        if len(piece) < min_size:
            continue
        if region is not None and not any(where.get(n) == region for n in piece):
            continue
        shared_ca = set.intersection(*(membership.get(n, set()) for n in piece))
        if shared_ca:
            continue  # already together in one combined authority
        candidate = _candidate(G, found, U, piece, membership, unit_of)
        if EVIDENCE_OF_WORK & set(candidate["evidence"]):  # neighbours alone are no partnership
            ranked.append(candidate)
    ranked.sort(key=lambda c: (-c["score"], c["members"][0]["id"]))
    for rank, candidate in enumerate(ranked, start=1):
        candidate["rank"] = rank
    options = _options(G, U, membership, ranked, region, where)
    return {
        "parameters": {"region": region, "min_size": min_size, "max_size": max_size,
                       "seed": seed, "resolution": resolution, "weights": weights.as_dict()},
        "candidates": ranked,
        "councils_outside_combined_authorities": options,
    }  # fmt: skip


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
    g = to_igraph(sub)
    parts = detect(g, "louvain", seed, resolution * 1.5)
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
    membership: dict[str, set[str]],
    unit_of: dict[str, str],
) -> dict[str, Any]:
    inside = U.subgraph(piece)
    internal = inside.size(weight="weight")
    boundary = sum(
        d["weight"] for u, v, d in U.edges(piece, data=True) if (u in piece) != (v in piece)
    )
    pairs = list(combinations(piece, 2))
    together = sum(1 for a, b in pairs if membership.get(a, set()) & membership.get(b, set()))
    cohesion = internal / (internal + boundary) if internal + boundary else 0.0
    density = internal / len(pairs) if pairs else 0.0
    new_share = 1 - together / len(pairs) if pairs else 0.0
    score = internal * cohesion * new_share
    councils = sorted(c for c, u in unit_of.items() if u in piece)
    evidence: dict[str, set[str]] = defaultdict(set)
    for kind, by_group in found.items():
        if kind == "combined_authority":
            continue
        for via, members in by_group.items():
            if len({unit_of.get(m) for m in members} & set(piece)) >= 2:
                evidence[kind].add(via)
    existing = sorted({ca for n in piece for ca in membership.get(n, set())})
    return {
        "score": round(score, 3),
        "breakdown": {
            "internal_weight": round(internal, 3),
            "cohesion": round(cohesion, 3),
            "mean_pair_weight": round(density, 3),
            "pairs_not_yet_in_one_ca": round(new_share, 3),
        },
        "size": len(piece),
        "members": [node_ref(G, n) for n in piece],
        "councils": len(councils),
        "districts": [node_ref(G, c) for c in councils if c not in piece],
        "existing_combined_authorities": [node_ref(G, ca) for ca in existing],
        "evidence": {
            kind: [node_ref(G, via) for via in sorted(vias)]
            for kind, vias in sorted(evidence.items())
        },
    }


def _options(  # noqa: PLR0917
    G: nx.MultiDiGraph[str],
    U: nx.Graph[str],
    membership: dict[str, set[str]],
    ranked: list[dict[str, Any]],
    region: str | None,
    where: dict[str, str],
) -> list[dict[str, Any]]:
    """For each English upper-tier council in no combined authority: the neighbouring CAs it
    could join (by collaboration with their members) and the candidate groups it is in."""
    in_candidate: dict[str, list[int]] = defaultdict(list)
    for c in ranked:
        for m in c["members"]:
            in_candidate[m["id"]].append(c["rank"])
    out = []
    for unit in sorted(U):
        if not unit.startswith("E") or membership.get(unit):
            continue
        if G.nodes[unit].get("council_type") not in UPPER_TIER:
            continue
        if region is not None and where.get(unit) != region:
            continue
        join: dict[str, float] = defaultdict(float)
        bordering: set[str] = set()
        for other in U.neighbors(unit):
            for ca in membership.get(other, set()):
                join[ca] += U.edges[unit, other]["weight"]
                if U.edges[unit, other]["borders"]:
                    bordering.add(ca)
        out.append(
            {
                **node_ref(G, unit),
                "join_neighbouring_ca": [
                    {**node_ref(G, ca), "collaboration_weight": round(w, 3)}
                    for ca, w in sorted(join.items(), key=lambda x: (-x[1], x[0]))
                    if ca in bordering
                ],
                "in_candidates": in_candidate.get(unit, []),
            }
        )
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
        WEIGHTS,
    ),
    paginate="candidates",
    map_view=True,
)  # fmt: skip
