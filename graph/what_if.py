"""Scenarios read from a store and judged: the list, one report, a comparison, the graph as if
one had happened, and the expiry calendar of an area or a scenario's councils. The CLI and the
API call these with a way to get the graph of a day (the API caches it), so both answer alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from graph.analysis.apply import applied, changes
from graph.analysis.expiries import area_councils, expiries, expiries_graph
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
    """Every stored scenario: what it is, its status and source, its new bodies, and the
    councils it names (``scenario_councils``: those it replaces or divides, and those of its
    strategic authorities, on the day it is judged)."""
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
            "councils": scenario_councils(store, sc, sc.judged_at(date.today())),
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


def scenario_councils(store: GraphStore, scenario: Scenario, at: date | None) -> list[str]:
    """The councils a scenario replaces or divides, and those of its strategic authorities
    (a member county with its districts)."""
    named = set(scenario.abolished)
    new = {c.id for c in scenario.new_councils}
    for council in scenario.new_councils:
        named |= set(council.predecessors) | {p.id for p in council.parts}
    for authority in scenario.strategic_authorities:
        for member in authority.members:
            if member not in new:
                named |= set(area_councils(store, member, at))
    return sorted(named)


def calendar(
    store: GraphStore,
    *,
    area: str | None = None,
    scenario: Scenario | None = None,
    councils: list[str] | None = None,
    at: date | None = None,
    months: int = 6,
) -> dict[str, Any]:
    """The expiry calendar of an area, a scenario's councils (with its vesting day), or a
    list of councils (``graph.analysis.expiries``)."""
    given = [x for x in (area, scenario, councils) if x]
    if len(given) != 1:
        raise InvalidInput("give one of an area, a scenario or a list of councils")
    if not 1 <= months <= 120:
        raise InvalidInput(f"months must be 1 to 120 (got {months})")
    day = at or date.today()
    vesting = None
    if area is not None:
        chosen = area_councils(store, area, day)
    elif scenario is not None:
        chosen = scenario_councils(store, scenario, day)
        vesting = min((c.vesting for c in scenario.new_councils if c.vesting), default=None)
    else:
        chosen = sorted(set(councils or []))
    G = expiries_graph(store, chosen, ending_from=day)
    result = expiries(G, chosen, at=day, months=months, vesting=vesting)
    where = {"area": area} if area else {"scenario": scenario.id} if scenario else {}
    return {**where, **result}
