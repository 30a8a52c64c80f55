"""Paths: the cheapest chain of links from one organisation to another, each step named."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING, Any

from graph.analysis.common import check_node, node_ref
from graph.analysis.spec import REQUIRED, Analysis, Param
from graph.lazy import lazy_module
from graph.model import LinkKind

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")

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
    """The cheapest chain of links from ``a`` to ``b``, each step named.

    Parameters
    ----------
    G
        The stored graph as at a day.
    a, b
        Where the path starts and ends (``NotFound`` for a node not in ``G``).

    Returns
    -------
    dict
        ``parameters`` (with the cost of each link kind, ``PATH_COST``), ``found``, ``from``,
        ``to``, and when found its ``cost`` and ``steps`` (each link with its direction).
    """
    check_node(G, a)
    check_node(G, b)
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


SPEC = Analysis(
    name="path",
    summary="How two organisations are connected, through what",
    run=path,
    route="/path",
    params=(
        Param("a", str, REQUIRED, "where the path starts", max_length=200, api_name="from",
              metavar="FROM", examples=("E08000035",)),
        Param("b", str, REQUIRED, "where it ends", max_length=200, api_name="to",
              metavar="TO", examples=("E08000032",)),
    ),
)  # fmt: skip
