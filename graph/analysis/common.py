"""Questions every analysis asks of the stored graph: a node's reference, the councils, where
each node is, which councils are in which combined authority."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from graph.analysis.collab import groups
from graph.errors import NotFound
from graph.lazy import lazy_module
from graph.model import ContractRow, LinkKind, NodeKind, contract_row

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")

UPPER_TIER = {"unitary", "metropolitan_district", "london_borough", "county",
              "scottish_council", "welsh_principal", "ni_district"}  # fmt: skip
"""Councils that can join a combined authority themselves (districts go with their county)."""


def name_of(G: nx.MultiDiGraph[str], node: str) -> str:
    return str(G.nodes[node].get("name", node)) if node in G else node


def node_ref(G: nx.MultiDiGraph[str], node: str) -> dict[str, str]:
    return {"id": node, "name": name_of(G, node), "kind": str(G.nodes[node].get("kind", ""))}


def node_refs(G: nx.MultiDiGraph[str], nodes: Iterable[str]) -> list[dict[str, str]]:
    """``node_ref`` of each of ``nodes``, all in ``G``, with one look-up each.

    Parameters
    ----------
    G
        The stored graph.
    nodes
        Nodes of ``G``.

    Returns
    -------
    list of dict
        ``{"id", "name", "kind"}`` of each node, in order.
    """
    data = G.nodes
    return [
        {"id": node, "name": str(d.get("name", node)), "kind": str(d.get("kind", ""))}
        for node in nodes
        for d in (data[node],)
    ]


def councils(G: nx.MultiDiGraph[str]) -> list[str]:
    return sorted(n for n, d in G.nodes(data=True) if d.get("kind") == NodeKind.COUNCIL)


def targets(G: nx.MultiDiGraph[str], node: str, kind: LinkKind, target: NodeKind) -> list[str]:
    return sorted(
        v
        for _, v, key in G.out_edges(node, keys=True)
        if key == str(kind) and G.nodes[v].get("kind") == target
    )


def regions(
    G: nx.MultiDiGraph[str], within: Iterable[tuple[str, str]] | None = None
) -> dict[str, str]:
    """Every node ``within`` a region with that region, and others within a nation with it.

    Parameters
    ----------
    G
        The stored graph.
    within
        Its ``within`` links as ``(node, area)`` in its edge order, when the caller has them
        (``link_scan(G).within``); otherwise they are read from ``G``.
    """
    if within is None:
        key = str(LinkKind.WITHIN)
        within = ((u, v) for u, v, k in G.edges(keys=True) if k == key)
    found: dict[str, str] = {}
    kinds = {str(NodeKind.REGION): 0, str(NodeKind.NATION): 1}
    for u, v in within:
        rank = kinds.get(str(G.nodes[v].get("kind")))
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


def check_node(G: nx.MultiDiGraph[str], node: str) -> None:
    if node not in G:
        raise NotFound(f"no node with id {node!r} in the graph as at the date asked")


def contract_rows(G: nx.MultiDiGraph[str]) -> list[ContractRow]:
    """The contracts ``G`` holds: the rows a store read put in ``G.graph["contracts"]``
    (``GraphStore.contracts_of``), or else a row for each contract node of ``G`` (a graph made
    by hand, or a scenario's), sorted by id."""
    if "contracts" in G.graph:
        rows: list[ContractRow] = G.graph["contracts"]
        return rows
    awarded, supplies = str(LinkKind.AWARDED), str(LinkKind.SUPPLIES)
    called_off = str(LinkKind.CALLED_OFF)
    out = []
    for contract, data in G.nodes(data=True):
        if data.get("kind") != NodeKind.CONTRACT:
            continue
        into = [(u, k) for u, _, k in G.in_edges(contract, keys=True)]
        out.append(contract_row(
            contract, str(data.get("name", contract)), data,
            buyers=(u for u, k in into if k == awarded),
            suppliers=((u, name_of(G, u)) for u, k in into if k == supplies),
            called_off=((v, d.get("frameworks"))
                        for _, v, k, d in G.out_edges(contract, keys=True, data=True)
                        if k == called_off),
        ))  # fmt: skip
    return sorted(out, key=lambda r: r.id)
