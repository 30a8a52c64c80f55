"""What the network says: clusters, candidate partnerships, recommendations, brokers, gaps and
paths, as pure functions of a stored graph (``GraphStore.graph(at)``) and the parameters given.

Each function returns plain data (dicts and lists, JSON-ready) that carries its own
explanation: the evidence behind every group, score and recommendation, and the parameters it
was computed with. The heavy steps (community detection, betweenness) run in python-igraph;
graphs are built in sorted order and seeded, so the same data gives the same answer whatever
order it was loaded in.
"""

from __future__ import annotations

import math
import random
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations, pairwise
from typing import Any

import igraph as ig
import networkx as nx

from graph.collab import (
    EVIDENCE_OF_WORK,
    ORGANISATION_KINDS,
    Weights,
    collaboration_graph,
    groups,
    works_with,
)
from graph.errors import InvalidInput, NotFound
from graph.model import LinkKind, NodeKind

METHODS = ("louvain", "leiden")
UPPER_TIER = {"unitary", "metropolitan_district", "london_borough", "county",
              "scottish_council", "welsh_principal", "ni_district"}  # fmt: skip
"""Councils that can join a combined authority themselves (districts go with their county)."""


@dataclass(frozen=True, slots=True)
class Partition:
    """Community labels of an igraph graph's vertices, with its modularity."""

    names: list[str]
    membership: list[int]
    modularity: float


# --------------------------------------------------------------------------- igraph bridge


def to_igraph(
    C: nx.Graph[str], weight: Callable[[dict[str, Any]], float] | None = None
) -> ig.Graph:
    """``C`` as an igraph graph, vertices in sorted id order, edges sorted: deterministic.
    ``weight`` gives an edge's weight from its data (default: its ``weight``); an edge
    weighing 0 is left out."""
    names = sorted(C.nodes)
    index = {n: i for i, n in enumerate(names)}
    edges: list[tuple[int, int, float]] = []
    for u, v, data in C.edges(data=True):
        w = float(data["weight"]) if weight is None else weight(data)
        if w > 0:
            a, b = index[u], index[v]
            edges.append((min(a, b), max(a, b), w))
    edges.sort()
    g = ig.Graph(n=len(names), edges=[(a, b) for a, b, _ in edges])
    g.vs["name"] = names
    g.es["weight"] = [w for _, _, w in edges]
    return g


IGRAPH = threading.RLock()
"""igraph's C core and its random number generator are shared by the whole process: one
thread at a time (the HTTP API runs requests in threads)."""


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """igraph's random choices drawn from a generator of their own, seeded; igraph held."""
    with IGRAPH:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)


def detect(g: ig.Graph, method: str, seed: int, resolution: float) -> Partition:
    if method not in METHODS:
        raise InvalidInput(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if g.ecount() == 0:
        return Partition(g.vs["name"], list(range(g.vcount())), 0.0)
    with seeded(seed):
        if method == "leiden":
            found = g.community_leiden(
                objective_function="modularity",
                weights="weight",
                resolution=resolution,
                n_iterations=-1,
            )
        else:
            found = g.community_multilevel(weights="weight", resolution=resolution)
    membership = _canonical(found.membership, g.vs["name"])
    return Partition(g.vs["name"], membership, g.modularity(membership, weights="weight"))


def _canonical(membership: list[int], names: list[str]) -> list[int]:
    """Labels renumbered by size (largest first), then by smallest member id."""
    by_label: dict[int, list[str]] = defaultdict(list)
    for label, name in zip(membership, names, strict=True):
        by_label[label].append(name)
    order = sorted(by_label, key=lambda lab: (-len(by_label[lab]), min(by_label[lab])))
    new = {old: i for i, old in enumerate(order)}
    return [new[label] for label in membership]


# --------------------------------------------------------------------------- helpers


def _name(G: nx.MultiDiGraph[str], node: str) -> str:
    return str(G.nodes[node].get("name", node)) if node in G else node


def node_ref(G: nx.MultiDiGraph[str], node: str) -> dict[str, str]:
    return {"id": node, "name": _name(G, node), "kind": str(G.nodes[node].get("kind", ""))}


def _councils(G: nx.MultiDiGraph[str]) -> list[str]:
    return sorted(n for n, d in G.nodes(data=True) if d.get("kind") == NodeKind.COUNCIL)


def _targets(G: nx.MultiDiGraph[str], node: str, kind: LinkKind, target: NodeKind) -> list[str]:
    return sorted(
        v
        for _, v, key in G.out_edges(node, keys=True)
        if key == str(kind) and G.nodes[v].get("kind") == target
    )


def regions(G: nx.MultiDiGraph[str]) -> dict[str, str]:
    """Every node ``within`` a region with that region, and others within a nation with it."""
    found: dict[str, str] = {}
    kinds = {str(NodeKind.REGION): 0, str(NodeKind.NATION): 1}
    within = str(LinkKind.WITHIN)
    for u, v, key in G.edges(keys=True):
        rank = kinds.get(str(G.nodes[v].get("kind"))) if key == within else None
        if rank is not None and (u not in found or rank < kinds[G.nodes[found[u]]["kind"]]):
            found[u] = v
    return found


def ca_members(
    G: nx.MultiDiGraph[str], found: dict[str, dict[str, list[str]]] | None = None
) -> dict[str, list[str]]:
    """Each combined authority with its member councils (from ``found = groups(G)`` when the
    caller has it)."""
    found = found if found is not None else groups(G)
    return {ca: m for ca, m in found["combined_authority"].items() if ca in G}


def _check(G: nx.MultiDiGraph[str], node: str) -> None:
    if node not in G:
        raise NotFound(f"no node with id {node!r} in the graph as at the date asked")


# --------------------------------------------------------------------------- clusters


def clusters(
    G: nx.MultiDiGraph[str],
    *,
    weights: Weights | None = None,
    method: str = "louvain",
    seed: int = 1,
    resolution: float = 1.0,
    runs: int = 10,
) -> dict[str, Any]:
    """Communities of the collaboration graph, with modularity, stability across ``runs``
    seeds, the evidence inside each, and how well combined authorities fit them."""
    weights = weights or Weights()
    C = collaboration_graph(G, weights)
    isolated = [n for n in C if C.degree(n) == 0]
    C.remove_nodes_from(isolated)
    g = to_igraph(C)
    best = detect(g, method, seed, resolution)
    others = [detect(g, method, seed + i, resolution) for i in range(1, max(runs, 1))]
    if g.vcount() == 0:
        others = []  # igraph cannot compare empty partitions (it aborts the process)
    stability = {
        "runs": len(others) + 1,
        "mean_nmi": _mean(_compare(best.membership, o.membership, "nmi")
                          for o in others),
        "mean_ari": _mean(_compare(best.membership, o.membership, "adjusted_rand")
                          for o in others),
        "modularity_range": [min([best.modularity, *(o.modularity for o in others)]),
                             max([best.modularity, *(o.modularity for o in others)])],
    }  # fmt: skip
    label = dict(zip(best.names, best.membership, strict=True))
    members: dict[int, list[str]] = defaultdict(list)
    for name in best.names:
        members[label[name]].append(name)
    internal: dict[int, float] = defaultdict(float)
    evidence: dict[int, Counter[tuple[str, str]]] = defaultdict(Counter)
    for u, v, data in C.edges(data=True):
        if (number := label[u]) == label[v]:
            internal[number] += data["weight"]
            for kind, via, _ in data["evidence"]:
                if kind != "borders":
                    evidence[number][(kind, via)] += 1
    region = regions(G)
    found = []
    for number in sorted(members):
        group = members[number]
        in_region = Counter(region[n] for n in group if n in region)
        found.append(
            {
                "cluster": number + 1,
                "size": len(group),
                "members": [node_ref(G, n) for n in group],
                "internal_weight": round(internal[number], 3),
                "regions": {_name(G, r): c for r, c in in_region.most_common()},
                "evidence": [
                    {**node_ref(G, via), "evidence": kind, "pairs": pairs}
                    for (kind, via), pairs in sorted(
                        evidence[number].items(), key=lambda x: (-x[1], x[0])
                    )[:10]
                ],
            }
        )
    return {
        "parameters": {"method": method, "seed": seed, "resolution": resolution, "runs": runs,
                       "weights": weights.as_dict()},
        "organisations": C.number_of_nodes(),
        "isolated": len(isolated),
        "modularity": round(best.modularity, 4),
        "stability": _rounded(stability),
        "clusters": found,
        "combined_authority_fit": ca_fit(G, _fit_labels(C, method, seed, resolution)),
    }  # fmt: skip


def _fit_labels(C: nx.Graph[str], method: str, seed: int, resolution: float) -> dict[str, int]:
    """Clusters found without the combined-authority evidence: measuring how well combined
    authorities fit clusters that their own membership helped make would be circular."""

    def without_ca(data: dict[str, Any]) -> float:
        return float(sum(e[2] for e in data["evidence"] if e[0] != "combined_authority"))

    found = detect(to_igraph(C, without_ca), method, seed, resolution)
    return dict(zip(found.names, found.membership, strict=True))


def ca_fit(G: nx.MultiDiGraph[str], label: dict[str, int]) -> dict[str, Any]:
    """How well each combined authority sits inside one cluster of ``label``: the share of its
    members in its main cluster; overall, NMI and ARI between CA membership and the clusters
    (over the councils in a CA). A member in no cluster (no evidence at all) counts against."""
    per_ca: list[dict[str, Any]] = []
    ca_labels, cluster_labels = [], []
    for index, (ca, members) in enumerate(sorted(ca_members(G).items())):
        placed = [label[m] for m in members if m in label]
        if not members:
            continue
        counts = Counter(placed)
        main, in_main = counts.most_common(1)[0] if counts else (None, 0)
        per_ca.append(
            {
                **node_ref(G, ca),
                "members": len(members),
                "main_cluster": main + 1 if main is not None else None,
                "share_in_main_cluster": round(in_main / len(members), 3),
                "clusters_spanned": len(counts),
            }
        )
        for m in members:
            if m in label:
                ca_labels.append(index)
                cluster_labels.append(label[m])
    overall: dict[str, float | None] = {"nmi": None, "ari": None}
    if len(set(ca_labels)) > 1:
        overall = {
            "nmi": round(_compare(ca_labels, cluster_labels, "nmi"), 4),
            "ari": round(_compare(ca_labels, cluster_labels, "adjusted_rand"), 4),
        }
    per_ca.sort(key=lambda r: (-r["share_in_main_cluster"], r["id"]))
    return {"overall": overall, "combined_authorities": per_ca}


def _compare(a: list[int], b: list[int], method: str) -> float:
    with IGRAPH:
        return float(ig.compare_communities(a, b, method))


def _mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def _rounded(d: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in d.items()}


# --------------------------------------------------------------------------- candidates


def units(G: nx.MultiDiGraph[str]) -> dict[str, str]:
    """Each current council mapped to the unit that could join a combined authority: itself
    for an upper-tier council, its county for a district."""
    out = {}
    for council in _councils(G):
        kind = G.nodes[council].get("council_type")
        if kind == "district":
            counties = [
                c
                for c in _targets(G, council, LinkKind.WITHIN, NodeKind.COUNCIL)
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


# --------------------------------------------------------------------------- recommend


def recommend(
    G: nx.MultiDiGraph[str], node: str, *, weights: Weights | None = None, top: int = 10
) -> dict[str, Any]:
    """Organisations ``node`` does not yet work with (no shared service or joint procurement
    together) that it most resembles or neighbours, each with its reasons.

    Score = Adamic-Adar over the partners both already work with, + Jaccard of their PBOs
    (owned or used), + the border weight if they border, + the combined-authority weight if
    they are in one together. Computed on ``node``'s neighbourhood in ``G`` (two steps out),
    so it takes milliseconds on a graph of any size.
    """
    weights = weights or Weights()
    _check(G, node)
    kind = G.nodes[node].get("kind")
    if kind not in ORGANISATION_KINDS:
        raise InvalidInput(f"{node} is a {kind}; recommendations are for councils and other "
                           "public bodies")  # fmt: skip
    local = _Local(G)
    partners = local.partners(node)
    candidates: set[str] = set()
    if weights.borders > 0:
        candidates |= local.borders(node)
    if weights.combined_authority > 0:
        candidates |= {m for ca in local.cas(node) for m in local.members(ca, LinkKind.MEMBER_OF)}
    for partner in partners:
        candidates |= local.partners(partner)
    for bo in local.pbos(node):
        candidates |= local.members(bo, LinkKind.OWNS) | local.members(bo, LinkKind.BUYS_THROUGH)
    candidates -= {node, *partners}
    out: list[dict[str, Any]] = []
    for other in sorted(candidates):
        if G.nodes[other].get("kind") != kind:
            continue  # councils are recommended councils; public bodies, public bodies
        common = sorted(partners & local.partners(other))
        adamic_adar = sum(
            1 / math.log(len(local.partners(z))) for z in common if len(local.partners(z)) > 1
        )
        mine, theirs = local.pbos(node), local.pbos(other)
        jaccard = len(mine & theirs) / len(mine | theirs) if mine | theirs else 0.0
        border = weights.borders if other in local.borders(node) else 0.0
        cas = sorted(local.cas(node) & local.cas(other))
        same_ca = weights.combined_authority if cas else 0.0
        score = adamic_adar + jaccard + border + same_ca
        if score <= 0:
            continue
        reasons = []
        if common:
            reasons.append("both work with " + ", ".join(_name(G, z) for z in common[:5]))
        if border:
            reasons.append("borders it")
        if same_ca:
            reasons.append("in " + ", ".join(_name(G, c) for c in cas))
        if mine & theirs:
            shared = ", ".join(_name(G, b) for b in sorted(mine & theirs))
            reasons.append(f"buys through or owns {shared}")
        out.append(
            {
                **node_ref(G, other),
                "score": round(score, 4),
                "breakdown": {
                    "adamic_adar": round(adamic_adar, 4),
                    "pbo_jaccard": round(jaccard, 4),
                    "borders": border,
                    "same_combined_authority": same_ca,
                },
                "common_partners": [node_ref(G, z) for z in common],
                "reasons": reasons,
            }
        )
    out.sort(key=lambda r: (-r["score"], r["id"]))
    return {
        "parameters": {"node": node, "top": top, "weights": weights.as_dict()},
        "node": node_ref(G, node),
        "works_with": [node_ref(G, p) for p in sorted(partners)],
        "recommendations": out[:top],
    }


class _Local:
    """Questions about one organisation's neighbourhood in the stored graph, remembered."""

    WORK = (str(LinkKind.PARTNER_IN), str(LinkKind.PARTICIPATES_IN))

    def __init__(self, G: nx.MultiDiGraph[str]) -> None:
        self.G = G
        self._partners: dict[str, set[str]] = {}

    def _organisation(self, node: str) -> bool:
        return self.G.nodes[node].get("kind") in ORGANISATION_KINDS

    def members(self, group: str, kind: LinkKind) -> set[str]:
        key = str(kind)
        return {u for u, _, k in self.G.in_edges(group, keys=True)
                if k == key and self._organisation(u)}  # fmt: skip

    def partners(self, node: str) -> set[str]:
        """Who shares a service or a joint procurement with ``node``."""
        if node not in self._partners:
            found: set[str] = set()
            for _, arrangement, k in self.G.out_edges(node, keys=True):
                if k in self.WORK:
                    for u, _, k2 in self.G.in_edges(arrangement, keys=True):
                        if k2 in self.WORK and self._organisation(u):
                            found.add(u)
            found.discard(node)
            self._partners[node] = found
        return self._partners[node]

    def borders(self, node: str) -> set[str]:
        key = str(LinkKind.BORDERS)
        out = {v for _, v, k in self.G.out_edges(node, keys=True) if k == key}
        return out | {u for u, _, k in self.G.in_edges(node, keys=True) if k == key}

    def cas(self, node: str) -> set[str]:
        return set(_targets(self.G, node, LinkKind.MEMBER_OF, NodeKind.COMBINED_AUTHORITY))

    def pbos(self, node: str) -> set[str]:
        kinds = (LinkKind.OWNS, LinkKind.BUYS_THROUGH)
        return {b for k in kinds for b in _targets(self.G, node, k, NodeKind.BUYING_ORGANISATION)}


# --------------------------------------------------------------------------- brokers, reach


def brokers(
    G: nx.MultiDiGraph[str], *, weights: Weights | None = None, top: int = 20
) -> dict[str, Any]:
    """Hubs and brokers of the collaboration graph (betweenness with distance 1 / weight,
    partners, strength), and each PBO's reach."""
    weights = weights or Weights()
    C = collaboration_graph(G, weights)
    g = to_igraph(C)
    g.es["distance"] = [1.0 / w if w > 0 else math.inf for w in g.es["weight"]]
    with IGRAPH:
        betweenness = g.betweenness(weights="distance", directed=False) if g.ecount() else []
    n = g.vcount()
    scale = (n - 1) * (n - 2) / 2 if n > 2 else 1
    rows = []
    for vertex, value in zip(g.vs, betweenness, strict=False):
        name = vertex["name"]
        partners = [p for p in C.neighbors(name) if works_with(C, name, p)]
        rows.append(
            {
                **node_ref(G, name),
                "betweenness": round(value / scale, 5),
                "partners": len(partners),
                "strength": round(C.degree(name, weight="weight"), 3),
            }
        )
    rows.sort(key=lambda r: (-r["betweenness"], -r["strength"], r["id"]))
    return {
        "parameters": {"top": top, "weights": weights.as_dict()},
        "brokers": rows[:top],
        "buying_organisations": reach(G),
    }


def reach(G: nx.MultiDiGraph[str]) -> list[dict[str, Any]]:
    """Each buying organisation: its owners, the organisations that buy through it, the value
    of the notices behind that, and where they are (by region or nation: how many, what value)."""
    region = regions(G)
    out: list[dict[str, Any]] = []
    for bo in sorted(
        n for n, d in G.nodes(data=True) if d.get("kind") == NodeKind.BUYING_ORGANISATION
    ):
        owners, users, value = set(), set(), 0.0
        value_of: dict[str, float] = defaultdict(float)
        for u, _, key, data in G.in_edges(bo, keys=True, data=True):
            if key == str(LinkKind.OWNS):
                owners.add(u)
            elif key == str(LinkKind.BUYS_THROUGH):
                users.add(u)
                value_of[u] += float(data.get("total_value_gbp") or 0.0)
                value += float(data.get("total_value_gbp") or 0.0)
        by_region: dict[str, dict[str, float]] = {}
        for member in sorted(owners | users):
            where = region.get(member)
            if where is None:
                continue
            entry = by_region.setdefault(_name(G, where), {"organisations": 0, "value_gbp": 0.0})
            entry["organisations"] += 1
            entry["value_gbp"] += value_of.get(member, 0.0)
        out.append(
            {
                **node_ref(G, bo),
                "owners": len(owners),
                "users": len(users),
                "reach": len(owners | users),
                "users_value_gbp": round(value, 2),
                "by_region": dict(
                    sorted(by_region.items(), key=lambda x: (-x[1]["organisations"], x[0]))
                ),
            }
        )
    out.sort(key=lambda r: (-r["reach"], r["id"]))
    return out


# --------------------------------------------------------------------------- gaps


def gaps(
    G: nx.MultiDiGraph[str], *, weights: Weights | None = None, top: int = 50
) -> dict[str, Any]:
    """Councils with no recorded shared service or joint procurement; combined-authority
    members that share nothing with the other members; and neighbours that each have an
    arrangement in a category but none together."""
    weights = weights or Weights()
    C = collaboration_graph(G, weights)
    found = groups(G)
    taking_part = {m for kind in EVIDENCE_OF_WORK for ms in found[kind].values() for m in ms}
    alone = [node_ref(G, c) for c in _councils(G) if c not in taking_part]
    ca_gaps: list[dict[str, Any]] = []
    for ca, members in sorted(ca_members(G, found).items()):
        lonely = [m for m in members if not any(works_with(C, m, o) for o in members if o != m)]
        pairs = list(combinations(members, 2))
        unlinked = sum(1 for a, b in pairs if not works_with(C, a, b))
        ca_gaps.append(
            {
                **node_ref(G, ca),
                "members": len(members),
                "pairs_sharing_nothing": unlinked,
                "pairs": len(pairs),
                "members_sharing_nothing_with_the_others": [node_ref(G, m) for m in lonely],
            }
        )
    ca_gaps.sort(key=lambda r: (-len(r["members_sharing_nothing_with_the_others"]), r["id"]))
    by_category: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for kind in EVIDENCE_OF_WORK:
        for via, members in found[kind].items():
            category = str(G.nodes[via].get("category") or "other")
            for m in members:
                by_category[m][category].add(via)
    separate: list[dict[str, Any]] = []
    for u, v, key in G.edges(keys=True):
        if key != str(LinkKind.BORDERS) or u not in C or v not in C:
            continue
        for category in sorted(set(by_category[u]) & set(by_category[v])):
            if category == "other" or by_category[u][category] & by_category[v][category]:
                continue
            separate.append(
                {
                    "councils": [node_ref(G, u), node_ref(G, v)],
                    "category": category,
                    "separately": {
                        u: [node_ref(G, a) for a in sorted(by_category[u][category])],
                        v: [node_ref(G, a) for a in sorted(by_category[v][category])],
                    },
                }
            )
    separate.sort(key=lambda r: (r["category"], r["councils"][0]["id"], r["councils"][1]["id"]))
    return {
        "parameters": {"top": top, "weights": weights.as_dict()},
        "councils_without_partnerships": alone,
        "combined_authorities": ca_gaps,
        "neighbours_buying_separately": separate[:top],
        "neighbours_buying_separately_total": len(separate),
    }


# --------------------------------------------------------------------------- path

PATH_COST = {
    LinkKind.PARTNER_IN: 1.0,
    LinkKind.PARTICIPATES_IN: 1.0,
    LinkKind.OWNS: 1.5,
    LinkKind.BUYS_THROUGH: 2.0,
    LinkKind.MEMBER_OF: 1.5,
    LinkKind.BORDERS: 2.5,
    LinkKind.SUCCEEDED_BY: 1.0,
}
"""What a step costs: working together is a shorter path than being neighbours. ``within``
(region, nation) is not a step: every council would be two steps from every other."""


def path(G: nx.MultiDiGraph[str], a: str, b: str) -> dict[str, Any]:
    """The cheapest chain of links from ``a`` to ``b``, each step named."""
    _check(G, a)
    _check(G, b)
    H: nx.Graph[str] = nx.Graph()
    H.add_nodes_from(G)
    for u, v, key, data in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        cost = PATH_COST.get(LinkKind(key))
        if cost is None:
            continue
        if not H.has_edge(u, v) or H.edges[u, v]["cost"] > cost:
            H.add_edge(u, v, cost=cost, kind=key, role=data.get("role"), src=u)
    try:
        nodes = nx.dijkstra_path(H, a, b, weight="cost")
    except nx.NetworkXNoPath:
        return {"parameters": {"from": a, "to": b}, "found": False, "steps": [],
                "from": node_ref(G, a), "to": node_ref(G, b)}  # fmt: skip
    steps = []
    for u, v in pairwise(nodes):
        edge = H.edges[u, v]
        steps.append(
            {
                "from": node_ref(G, u),
                "link": edge["kind"],
                "direction": "--"
                if edge["kind"] == LinkKind.BORDERS
                else ("->" if edge["src"] == u else "<-"),
                "role": edge["role"],
                "to": node_ref(G, v),
            }
        )
    return {
        "parameters": {"from": a, "to": b, "costs": {str(k): c for k, c in PATH_COST.items()}},
        "found": True,
        "from": node_ref(G, a),
        "to": node_ref(G, b),
        "cost": sum(H.edges[u, v]["cost"] for u, v in pairwise(nodes)),
        "steps": steps,
    }
