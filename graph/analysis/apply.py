"""The graph as if a scenario had happened: its new councils in place of the councils they
replace, its strategic authorities with their members, every link of a replaced council moved
to the new council (or councils) that takes its area. The stored graph is not changed.

Every analysis and map can run on the result (``--scenario ID``): the new councils are
``council`` nodes (``council_type`` ``unitary``, ``scenario`` naming the scenario), the new
strategic authorities ``combined_authority`` nodes; the councils they replace are gone, as
ended councils are from the graph of a day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph.analysis.footprint import areas_of, population
from graph.analysis.scenarios import UNASSIGNED, fates
from graph.model import LinkKind, NodeKind
from graph.scenario import Scenario

if TYPE_CHECKING:
    import networkx as nx

MEMBER_OF = str(LinkKind.MEMBER_OF)
COUNTY_LINKS = frozenset({str(LinkKind.WITHIN)})
"""Links to a replaced council that are not moved: a district ``within`` its county."""


def applied(G: nx.MultiDiGraph[str], scenario: Scenario) -> nx.MultiDiGraph[str]:
    """A copy of ``G`` (the graph as at the day the scenario is judged) with ``scenario`` in
    effect. Links of a council whose area goes to several new councils go to each; links
    between two councils that become one are dropped (a border inside a new council). A
    council whose area the scenario leaves (partly) unassigned stays as it is."""
    H = G.copy()
    fate = {old: heirs for old, heirs in fates(G, scenario).items() if UNASSIGNED not in heirs}
    for council in scenario.new_councils:
        whole = {a for p in council.predecessors for a in areas_of(G, p)}
        parts = {a for p in council.parts for a in areas_of(G, p.id)}
        found = population(G, whole)
        places = [
            (float(G.nodes[a]["lat"]), float(G.nodes[a]["lon"]))
            for a in sorted(whole | parts)
            if G.nodes[a].get("lat") not in (None, "")
        ]
        attrs: dict[str, Any] = {
            "kind": str(NodeKind.COUNCIL),
            "name": council.name,
            "council_type": "unitary",
            "scenario": scenario.id,
            "population": found["total"] + sum(p.population or 0 for p in council.parts),
            "population_complete": bool(found["complete"])
            and all(p.population is not None for p in council.parts),
            "valid_from": council.vesting.isoformat() if council.vesting else "",
        }  # fmt: skip
        if found["years"]:
            attrs["population_year"] = ";".join(found["years"])
        if places:
            attrs["lat"] = round(sum(p[0] for p in places) / len(places), 4)
            attrs["lon"] = round(sum(p[1] for p in places) / len(places), 4)
        H.add_node(council.id, **attrs)
    for old in sorted(fate):
        if old not in G:
            continue
        heirs = sorted(fate[old])
        for _, v, key, data in G.out_edges(old, keys=True, data=True):
            if key in COUNTY_LINKS and v in fate:
                continue
            for heir in heirs:
                for target in sorted(fate.get(v, {v})):
                    _move(H, heir, target, key, data)
        for u, _, key, data in G.in_edges(old, keys=True, data=True):
            if key in COUNTY_LINKS or u in fate:
                continue  # a district within the county, or a link moved from its other end
            for heir in heirs:
                _move(H, u, heir, key, data)
    H.remove_nodes_from([old for old in fate if old in H])
    _authorities(H, scenario)
    return H


def _move(H: nx.MultiDiGraph[str], u: str, v: str, key: str, data: dict[str, Any]) -> None:
    """Add the link ``u -key-> v`` unless it joins a node to itself or is already there (a
    border stored one way is kept one way)."""
    if u == v:
        return
    if key == str(LinkKind.BORDERS) and H.has_edge(v, u, key):
        return
    if not H.has_edge(u, v, key):
        H.add_edge(u, v, key=key, **data)


def _authorities(H: nx.MultiDiGraph[str], scenario: Scenario) -> None:
    for authority in scenario.strategic_authorities:
        for gone in authority.replaces:
            if gone in H:
                H.remove_node(gone)
        if authority.id in H:  # an existing authority, changed: its members are as given
            H.remove_edges_from([(u, v, k) for u, v, k in H.in_edges(authority.id, keys=True)
                                 if k == MEMBER_OF])  # fmt: skip
        else:
            H.add_node(authority.id, kind=str(NodeKind.COMBINED_AUTHORITY), name=authority.name,
                       ca_type=str(authority.type), scenario=scenario.id)  # fmt: skip
        for member in authority.members:
            if member in H:
                H.add_edge(member, authority.id, key=MEMBER_OF, role="constituent")


def changes(G: nx.MultiDiGraph[str], H: nx.MultiDiGraph[str], scenario: Scenario) -> dict[str, Any]:
    """What applying ``scenario`` changed: councils and links before and after."""

    def count(graph: nx.MultiDiGraph[str]) -> dict[str, int]:
        kinds: dict[str, int] = {}
        for _, d in graph.nodes(data=True):
            kinds[str(d.get("kind"))] = kinds.get(str(d.get("kind")), 0) + 1
        return dict(sorted(kinds.items()))

    replaced = sorted(set(G) - set(H))
    added = sorted(n for n, d in H.nodes(data=True) if d.get("scenario") == scenario.id)
    return {
        "scenario": scenario.id,
        "nodes_before": count(G),
        "nodes_after": count(H),
        "links_before": G.number_of_edges(),
        "links_after": H.number_of_edges(),
        "replaced": [{"id": n, "name": G.nodes[n].get("name", n)} for n in replaced],
        "added": [
            {"id": n, "name": H.nodes[n].get("name", n), "kind": H.nodes[n].get("kind")}
            for n in added
        ],
    }
