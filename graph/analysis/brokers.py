"""Hubs and brokers of the collaboration graph, and each buying organisation's reach."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from graph.analysis.collab import Weights, collaboration_graph, works_with
from graph.analysis.common import name_of, node_ref, regions
from graph.analysis.detection import IGRAPH, to_igraph
from graph.analysis.spec import WEIGHTS, Analysis, Param
from graph.lazy import lazy_module
from graph.model import LinkKind, NodeKind

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")


def brokers(
    G: nx.MultiDiGraph[str], *, weights: Weights | None = None, top: int = 20
) -> dict[str, Any]:
    """Hubs and brokers of the collaboration graph (betweenness with distance 1 / weight,
    partners, strength), and each PBO's reach.

    Parameters
    ----------
    G
        The stored graph as at a day.
    weights
        The evidence weights of the collaboration graph (``Weights()`` by default).
    top
        Brokers listed.

    Returns
    -------
    dict
        ``parameters``, ``brokers`` (``betweenness``, ``partners``, ``strength``, highest
        betweenness first) and ``buying_organisations`` (``reach``).
    """
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
            entry = by_region.setdefault(name_of(G, where), {"organisations": 0, "value_gbp": 0.0})
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


SPEC = Analysis(
    name="brokers",
    summary="Hubs, brokers and each buying organisation's reach",
    run=brokers,
    route="/brokers",
    params=(Param("top", int, 20, "brokers listed", ge=1, le=1000), WEIGHTS),
)
