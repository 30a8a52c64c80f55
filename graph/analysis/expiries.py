"""The expiry calendar of an area: every contract of its councils by category and end date, the
groups of same-category contracts of different councils ending near one another (the moments to
buy together), and, for a reorganisation, those still running on vesting day.

An area is a council (a county with its districts), a combined authority (its members and
their districts), a list of councils (a candidate group), or a scenario's councils; its
contracts are read around those councils (``area_councils``, ``expiries_graph``), never all.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from graph.analysis.common import contract_rows, node_refs
from graph.errors import InvalidInput, NotFound
from graph.lazy import lazy_module
from graph.model import LinkKind, NodeKind

if TYPE_CHECKING:
    import networkx as nx

    from graph.store.base import GraphStore
else:
    nx = lazy_module("networkx")

MAX_COUNCILS = 200
"""Councils one calendar may cover (a combined authority has at most a few dozen)."""


def area_councils(store: GraphStore, area: str, at: date | None) -> list[str]:
    """The councils of ``area`` as at ``at``: a council and the districts within it, or a
    combined authority's members and their districts; ``NotFound`` for an unknown id."""
    node = store.get_node(area)
    if node is None or node.kind not in (NodeKind.COUNCIL, NodeKind.COMBINED_AUTHORITY):
        raise NotFound(f"no council or combined authority with id {area!r}")
    around = store.neighbourhood([area], 1, at, kinds={LinkKind.WITHIN, LinkKind.MEMBER_OF})
    if node.kind is NodeKind.COUNCIL:
        inside = [u for u, _, k in around.in_edges(area, keys=True) if k == str(LinkKind.WITHIN)
                  and around.nodes[u].get("kind") == NodeKind.COUNCIL]  # fmt: skip
        return sorted({area, *inside})
    members = [u for u, _, k in around.in_edges(area, keys=True) if k == str(LinkKind.MEMBER_OF)]
    out = set(members)
    for member in members:
        out |= set(area_councils(store, member, at)) if member.startswith("E10") else set()
    return sorted(out)


def expiries_graph(
    store: GraphStore, councils: list[str], ending_from: date | None = None
) -> nx.MultiDiGraph[str]:
    """The councils, with their contracts (ended ones too, or those ending on or after
    ``ending_from``) as rows in ``G.graph["contracts"]`` (``GraphStore.contracts_of``)."""
    if not councils or len(councils) > MAX_COUNCILS:
        raise InvalidInput(f"an area of 1 to {MAX_COUNCILS} councils (got {len(councils)})")
    from graph.store.records import to_networkx  # noqa: PLC0415 - with the store, not before

    G = to_networkx(store.get_nodes(councils).values(), [])
    G.graph["contracts"] = store.contracts_of(councils, None, ending_from=ending_from)
    return G


def expiries(
    G: nx.MultiDiGraph[str],
    councils: list[str],
    *,
    at: date,
    months: int = 6,
    vesting: date | None = None,
) -> dict[str, Any]:
    """The calendar of ``councils``' contracts in ``G``.

    Parameters
    ----------
    G
        The councils, with their contracts (``expiries_graph``).
    councils
        The councils of the area.
    at
        The day the calendar is drawn on: contracts that have ended by then are left out.
    months
        Same-category contracts of different councils whose end dates fall within this many
        months of one another form a group.
    vesting
        A reorganisation's vesting day: each contract says whether it is still running then.

    Returns
    -------
    dict
        ``parameters``, ``councils``, ``contracts`` (count and total value), ``by_year`` (ends
        and value per year), ``categories`` (each with its contracts by end date and its
        ``groups``), and, with ``vesting``, ``live_on_vesting``.
    """
    mine = set(councils)
    rows = []
    supplier = str(NodeKind.SUPPLIER)
    for contract in contract_rows(G):
        buyers = [b for b in contract.buyers if b in mine]
        end = contract.end_date
        if not buyers or (end and end < at.isoformat()):
            continue
        row: dict[str, Any] = {
            "id": contract.id, "name": contract.name,
            "category": contract.category or "not given",
            "division": contract.cpv_division,
            "buyers": node_refs(G, buyers),
            "suppliers": [{"id": s, "name": name, "kind": supplier}
                          for s, name in contract.suppliers],
            "value_gbp": contract.value_gbp,
            "start_date": contract.start_date, "end_date": end,
        }  # fmt: skip
        if vesting is not None:
            row["live_on_vesting"] = end is None or str(end) >= vesting.isoformat()
        rows.append(row)
    rows.sort(key=lambda r: (str(r["end_date"] or "9999"), r["id"]))
    by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_category[str(row["category"])].append(row)
    categories = [
        {"category": name, "division": items[0]["division"], "contracts": items,
         "value_gbp": round(sum(r["value_gbp"] or 0 for r in items), 2),
         "groups": _groups(items, months)}
        for name, items in sorted(by_category.items(), key=lambda x: (-len(x[1]), x[0]))
    ]  # fmt: skip
    by_year: dict[str, dict[str, float]] = defaultdict(lambda: {"contracts": 0, "value_gbp": 0.0})
    for row in rows:
        year = str(row["end_date"] or "no end date")[:4]
        by_year[year]["contracts"] += 1
        by_year[year]["value_gbp"] += row["value_gbp"] or 0.0
    result: dict[str, Any] = {
        "parameters": {"months": months, "vesting": vesting.isoformat() if vesting else None},
        "as_at": at.isoformat(),
        "councils": node_refs(G, [c for c in councils if c in G]),
        "contracts": len(rows),
        "value_gbp": round(sum(r["value_gbp"] or 0 for r in rows), 2),
        "by_year": {
            y: {"contracts": int(v["contracts"]), "value_gbp": round(v["value_gbp"], 2)}
            for y, v in sorted(by_year.items())
        },
        "categories": categories,
    }
    if vesting is not None:
        live = [r for r in rows if r["live_on_vesting"]]
        value = round(sum(r["value_gbp"] or 0 for r in live), 2)
        result["live_on_vesting"] = {"contracts": len(live), "value_gbp": value}
    return result


def _groups(items: list[dict[str, Any]], months: int) -> list[dict[str, Any]]:
    """Runs of contracts (sorted by end date) of two or more councils, each ending within
    ``months`` of the one before: the moments to buy together."""
    dated = [r for r in items if r["end_date"]]
    runs: list[list[dict[str, Any]]] = []
    for row in dated:
        end = date.fromisoformat(str(row["end_date"]))
        if (
            runs
            and (end - date.fromisoformat(str(runs[-1][-1]["end_date"]))).days <= months * 30.44
        ):
            runs[-1].append(row)
        else:
            runs.append([row])
    out = []
    for run in runs:
        buyers = sorted({b["id"] for r in run for b in r["buyers"]})
        if len(buyers) < 2:
            continue
        out.append({
            "from": run[0]["end_date"], "to": run[-1]["end_date"],
            "councils": [{"id": b, "name": next(x["name"] for r in run for x in r["buyers"]
                                                if x["id"] == b)} for b in buyers],
            "contracts": [r["id"] for r in run],
            "value_gbp": round(sum(r["value_gbp"] or 0 for r in run), 2),
            "reason": f"{len(run)} contracts of {len(buyers)} councils end between "
                      f"{run[0]['end_date']} and {run[-1]['end_date']}",
        })  # fmt: skip
    return out
