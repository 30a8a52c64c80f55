"""Which part of the graph a map shows: the whole network, one council's neighbourhood, one
cluster, one candidate partnership, or one buying organisation's reach."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.analysis.footprint import areas_of
from graph.errors import InvalidInput, NotFound
from graph.model import LinkKind, NodeKind
from graph.scenario import Scenario
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


def cluster(G: nx.MultiDiGraph[str], result: Mapping[str, Any], number: int) -> View:
    """Cluster ``number`` of ``result`` (of the clusters analysis, with the caller's parameters)
    with the arrangements its members share."""
    found = result["clusters"]
    if not 1 <= number <= len(found):
        raise NotFound(f"no cluster {number}: there are {len(found)}")
    members = {m["id"] for m in found[number - 1]["members"]}
    return View(group_with_arrangements(G, members), f"cluster {number} of {len(found)}")


def candidate(G: nx.MultiDiGraph[str], result: Mapping[str, Any], rank: int) -> View:
    """Candidate ``rank`` of ``result`` (of the candidates analysis, with the caller's
    parameters: region, sizes, weights), with its districts and shared arrangements."""
    found = result["candidates"]
    if not 1 <= rank <= len(found):
        raise NotFound(f"no candidate {rank}: there are {len(found)}")
    chosen = found[rank - 1]
    members = {m["id"] for m in chosen["members"]} | {d["id"] for d in chosen["districts"]}
    names = ", ".join(m["name"] for m in chosen["members"])
    return View(group_with_arrangements(G, members), f"candidate partnership {rank}: {names}")


RESULT_VIEWS: dict[str, Callable[[nx.MultiDiGraph[str], Mapping[str, Any], int], View]] = {
    "clusters": cluster,
    "candidates": candidate,
}
"""The map of one item of an analysis's result, for each analysis with ``map_view``."""


def reach(G: nx.MultiDiGraph[str], organisation: str) -> View:
    if organisation not in G or G.nodes[organisation].get("kind") != NodeKind.BUYING_ORGANISATION:
        raise NotFound(f"no buying organisation with id {organisation!r}")
    kinds = (str(LinkKind.OWNS), str(LinkKind.BUYS_THROUGH))
    members = {u for u, _, k in G.in_edges(organisation, keys=True) if k in kinds}
    name = G.nodes[organisation].get("name", organisation)
    return View(members | {organisation}, f"{name}: owners and users")


@dataclass(frozen=True, slots=True)
class ScenarioView:
    """A scenario's map: its new councils drawn as their predecessors' shapes and coloured,
    the councils around them, the arrangements and buying organisations they are in, and
    the links to arrangements the scenario splits (drawn as warnings)."""

    keep: set[str]
    title: str
    shape_codes: dict[str, list[str]]
    warnings: frozenset[tuple[str, str, str]]
    new_councils: dict[str, str]
    """Each new council's id and name."""


def scenario(
    before: nx.MultiDiGraph[str],
    after: nx.MultiDiGraph[str],
    chosen: Scenario,
    report: Mapping[str, Any],
) -> ScenarioView:
    """The map of ``chosen`` on ``after`` (the graph as if it had happened, made from
    ``before``, the graph of the day it is judged), with ``report`` (its
    ``scenario_report``) saying which arrangements it splits."""
    new = {c.id: c.name for c in chosen.new_councils if c.id in after}
    if not new:
        raise NotFound(f"scenario {chosen.id!r} makes no new council to draw")
    shape_codes = {
        c.id: sorted({a for p in c.predecessors for a in areas_of(before, p)}
                     | {p.id for p in c.parts})
        for c in chosen.new_councils if c.id in new
    }  # fmt: skip
    keep = set(new)
    around = (LinkKind.BORDERS, LinkKind.PARTNER_IN, LinkKind.PARTICIPATES_IN, LinkKind.MEMBER_OF,
              LinkKind.OWNS, LinkKind.BUYS_THROUGH)  # fmt: skip
    for council in new:
        keep |= {v for _, v, k in after.out_edges(council, keys=True) if k in around}
        keep |= {u for u, _, k in after.in_edges(council, keys=True) if k in around}
    split = {entry["id"] for entry in report["joint_working"]["split"]}
    warnings = frozenset(
        (u, v, str(k)) for u, v, k in after.edges(keys=True)
        if v in split and u in keep
        and k in (LinkKind.PARTNER_IN, LinkKind.PARTICIPATES_IN)
    )  # fmt: skip
    return ScenarioView(keep, chosen.name, shape_codes, warnings, new)
