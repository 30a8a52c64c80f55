"""Which part of the graph a map shows: the whole network, one council's neighbourhood, one
cluster, one candidate partnership, or one buying organisation's reach."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from graph import analysis
from graph.errors import InvalidInput, NotFound
from graph.model import LinkKind, NodeKind
from visualise.maps import group_with_arrangements, neighbourhood


@dataclass(frozen=True, slots=True)
class View:
    keep: set[str] | None
    """The nodes to show (None: all)."""
    title: str


def whole(G: nx.MultiDiGraph[str]) -> View:
    return View(None, "partnermap: the whole network")


def around(G: nx.MultiDiGraph[str], node: str, hops: int = 1) -> View:
    if node not in G:
        raise NotFound(f"no node with id {node!r} in the graph as at the date asked")
    if not 1 <= hops <= 4:
        raise InvalidInput("hops must be 1 to 4")
    name = G.nodes[node].get("name", node)
    return View(
        neighbourhood(G, node, hops), f"{name}: its network ({hops} step{'s' * (hops > 1)})"
    )


def cluster(G: nx.MultiDiGraph[str], number: int, seed: int = 1) -> View:
    found = analysis.clusters(G, seed=seed, runs=1)["clusters"]
    if not 1 <= number <= len(found):
        raise NotFound(f"no cluster {number}: there are {len(found)}")
    members = {m["id"] for m in found[number - 1]["members"]}
    return View(group_with_arrangements(G, members), f"cluster {number} of {len(found)}")


def candidate(G: nx.MultiDiGraph[str], rank: int, region: str | None = None) -> View:
    found = analysis.candidates(G, region=region)["candidates"]
    if not 1 <= rank <= len(found):
        raise NotFound(f"no candidate {rank}: there are {len(found)}")
    chosen = found[rank - 1]
    members = {m["id"] for m in chosen["members"]} | {d["id"] for d in chosen["districts"]}
    names = ", ".join(m["name"] for m in chosen["members"])
    return View(group_with_arrangements(G, members), f"candidate partnership {rank}: {names}")


def reach(G: nx.MultiDiGraph[str], organisation: str) -> View:
    if organisation not in G or G.nodes[organisation].get("kind") != NodeKind.BUYING_ORGANISATION:
        raise NotFound(f"no buying organisation with id {organisation!r}")
    kinds = (str(LinkKind.OWNS), str(LinkKind.BUYS_THROUGH))
    members = {u for u, _, k in G.in_edges(organisation, keys=True) if k in kinds}
    name = G.nodes[organisation].get("name", organisation)
    return View(members | {organisation}, f"{name}: owners and users")
