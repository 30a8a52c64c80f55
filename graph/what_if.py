"""Scenarios read from a store and judged: the list, one report, a comparison, the graph as if
one had happened. The CLI and the API call these with a way to get the graph of a day (the API
caches it), so both answer alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from graph.analysis.apply import applied, changes
from graph.analysis.scenarios import PARAMS, comparison, scenario_report
from graph.analysis.spec import Analysis
from graph.errors import InvalidInput
from graph.model import NodeKind
from graph.scenario import Scenario, of_node, scenario_id, stored_scenario
from graph.store.base import GraphStore

if TYPE_CHECKING:
    import networkx as nx

GraphAt = Callable[[date], "nx.MultiDiGraph[str]"]

REPORT = Analysis(
    name="scenario",
    summary="What a reorganisation or devolution scenario does",
    run=scenario_report,
    route="/scenarios/{scenario}",
    params=PARAMS,
)
"""The report's parameters, checked as every analysis's are (not an entry of ``ANALYSES``: a
report reads its scenario from the store as well as the graph)."""
MAX_COMPARED = 10


def scenario_rows(store: GraphStore) -> list[dict[str, Any]]:
    """Every stored scenario: what it is, its status and source, and its new bodies."""
    rows = []
    for node in store.nodes_of_kind(NodeKind.SCENARIO):
        sc = of_node(dict(node.attrs))
        rows.append({
            "id": sc.id, "name": sc.name, "kind": str(sc.kind), "status": str(sc.status),
            "status_date": sc.status_date, "area": sc.area, "proposed_by": sc.proposed_by,
            "first_day": sc.first_day.isoformat() if sc.first_day else None,
            "new_councils": [c.name for c in sc.new_councils],
            "strategic_authorities": [a.name for a in sc.strategic_authorities],
            "source_url": sc.source_url, "verified": sc.verified,
        })  # fmt: skip
    return rows


def scenarios_named(store: GraphStore, names: list[str]) -> list[Scenario]:
    """The stored scenarios ``names`` gives (``surrey-two-unitaries`` or ``sc:...``), in order;
    ``NotFound`` for one that is not stored."""
    nodes = store.get_nodes(scenario_id(n) for n in names)
    return [stored_scenario(nodes, n) for n in names]


def report(
    scenario: Scenario, graph_at: GraphAt, at: date | None, given: Mapping[str, Any]
) -> dict[str, Any]:
    """``scenario_report`` on the graph of the day it is judged (``at`` when given; else
    today, or the day before it took effect when that is past), with that day."""
    day = at or scenario.judged_at(date.today())
    arguments = REPORT.arguments(given)
    return {"as_at": day.isoformat(), **scenario_report(graph_at(day), scenario, **arguments)}


def compare(
    scenarios: list[Scenario], graph_at: GraphAt, at: date | None, given: Mapping[str, Any]
) -> dict[str, Any]:
    if not 2 <= len(scenarios) <= MAX_COMPARED:
        raise InvalidInput(f"compare 2 to {MAX_COMPARED} scenarios (got {len(scenarios)})")
    if len({s.id for s in scenarios}) != len(scenarios):
        raise InvalidInput("a scenario is named twice")
    reports = [report(s, graph_at, at, given) for s in scenarios]
    return {"parameters": reports[0]["parameters"], **comparison(reports)}


def applied_graph(
    scenario: Scenario, graph_at: GraphAt, at: date | None
) -> tuple[date, nx.MultiDiGraph[str], dict[str, Any]]:
    """The graph as if ``scenario`` had happened, the day it is built on (as ``report``'s),
    and what changed."""
    day = at or scenario.judged_at(date.today())
    G = graph_at(day)
    H = applied(G, scenario)
    return day, H, changes(G, H, scenario)
