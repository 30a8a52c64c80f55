"""Joint-buying opportunities for one council: other public bodies, nearest first, that buy the
same category from the same supplier, or the same category on contracts ending within months of
its own, or through the same framework; each with its evidence, a plain reason and a score
whose parts are shown.

Everything is read around the council (``opportunities_graph``): its neighbours, county and
combined authority, their contracts and suppliers, and the other buyers of its own suppliers;
never every contract.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from graph.analysis.common import check_node, name_of, node_ref
from graph.analysis.spec import REQUIRED, Analysis, Param
from graph.lazy import lazy_module
from graph.model import LinkKind, NodeKind

if TYPE_CHECKING:
    import networkx as nx

    from graph.store.base import GraphStore
else:
    nx = lazy_module("networkx")

AWARDED, SUPPLIES, CALLED_OFF = (str(k) for k in (LinkKind.AWARDED, LinkKind.SUPPLIES,
                                                  LinkKind.CALLED_OFF))  # fmt: skip
CONTRACT_LINKS = frozenset({LinkKind.AWARDED, LinkKind.SUPPLIES, LinkKind.CALLED_OFF})
PROXIMITY = {"borders": 1.0, "same county": 0.8, "same combined authority": 0.6, "further": 0.3}
"""How near another body is, and the weight that nearness gives its evidence."""
EVIDENCE_WEIGHT = {"same_supplier": 2.0, "ending_together": 1.0, "same_framework": 0.5}
"""The weight of what two contracts share; ``n`` pairs of a kind count ``weight * log2(1 + n)``,
so one shared supplier is not outweighed by many contracts of a large council that merely end
in the same year."""
MAX_PAIRS = 5
"""Pairs of contracts listed per body and kind (all are counted)."""


def opportunities_graph(
    store: GraphStore, at: date, arguments: Mapping[str, Any]
) -> nx.MultiDiGraph[str]:
    """What ``opportunities`` reads: the council's own links; its neighbours, the councils of
    its county and combined authority; their contracts, suppliers and frameworks; and the
    other contracts and buyers of its own suppliers."""
    node = str(arguments["node"])
    own = store.neighbourhood([node], 1, at, kinds={LinkKind.BORDERS, LinkKind.WITHIN,
                                                    LinkKind.MEMBER_OF})  # fmt: skip
    near = set(own)
    grouping = {LinkKind.WITHIN, LinkKind.MEMBER_OF}
    for area, data in own.nodes(data=True):
        kind = data.get("kind")
        county = kind == NodeKind.COUNCIL and data.get("council_type") == "county"
        if county or kind == NodeKind.COMBINED_AUTHORITY:
            near |= set(store.neighbourhood([area], 1, at, kinds=grouping))
    wide = (NodeKind.REGION, NodeKind.NATION)
    near = {n for n in near if own.nodes.get(n, {}).get("kind") not in wide}
    theirs = store.neighbourhood(sorted(near), 2, at, kinds=CONTRACT_LINKS)
    mine = store.neighbourhood([node], 4, at, kinds={LinkKind.AWARDED, LinkKind.SUPPLIES})
    geography = store.neighbourhood(sorted(near), 0, at)
    frameworks = store.neighbourhood(sorted(near | {node}), 1, at, kinds={LinkKind.BUYS_THROUGH})
    return nx.compose_all([geography, own, theirs, mine, frameworks])


@dataclass(frozen=True, slots=True)
class _Contract:
    id: str
    category: str
    end: date | None
    suppliers: frozenset[str]
    frameworks: frozenset[str]
    value: float | None


def opportunities(
    G: nx.MultiDiGraph[str],
    node: str,
    *,
    months: int = 12,
    category: str | None = None,
    top: int = 20,
) -> dict[str, Any]:
    """Other public bodies ``node`` could buy with, nearest first, each with its evidence.

    Parameters
    ----------
    G
        The graph as at a day, or ``node``'s part of it (``opportunities_graph``).
    node
        A council or other public body with contracts (``NotFound`` if it is not in ``G``).
    months
        How close two contracts' end dates must be to count as ending together.
    category
        Only contracts of this CPV division (``48``) or whose category contains this text.
    top
        Bodies listed.

    Returns
    -------
    dict
        ``parameters``, ``node``, ``contracts`` (how many of its own were read) and
        ``opportunities``: each body with ``proximity``, ``score`` and its ``breakdown``,
        ``evidence`` (pairs of contracts: ``same_supplier``, ``ending_together``,
        ``same_framework``) and ``reasons``; and ``neighbours_frameworks``: the buying
        organisations near bodies use and it does not (frameworks it could call off too).
    """
    check_node(G, node)
    mine = [c for c in _contracts_of(G, node) if _wanted(c, category)]
    nearness = _proximity(G, node)
    found: dict[str, dict[str, list[_Match]]] = defaultdict(lambda: defaultdict(list))
    buyers_of: dict[str, set[str]] = defaultdict(set)
    for u, v, key in G.edges(keys=True):
        if key == AWARDED and u != node:
            buyers_of[v].add(u)
    others: dict[str, list[_Contract]] = defaultdict(list)
    for contract, buyers in buyers_of.items():
        record = _contract(G, contract)
        if _wanted(record, category):
            for b in buyers:
                others[b].append(record)
    by_category: dict[str, list[_Contract]] = defaultdict(list)
    by_framework: dict[str, list[_Contract]] = defaultdict(list)
    for ours in mine:
        if ours.category:
            by_category[ours.category].append(ours)
        for framework in ours.frameworks:
            by_framework[framework].append(ours)
    for body, contracts in others.items():
        framework_pairs: set[tuple[str, str]] = set()
        for theirs in contracts:  # compared only with ours of its category or framework
            for ours in by_category.get(theirs.category, ()):
                shared = ours.suppliers & theirs.suppliers
                if shared:
                    found[body]["same_supplier"].append((ours, theirs, shared))
                if _close(ours.end, theirs.end, months):
                    found[body]["ending_together"].append((ours, theirs, frozenset()))
            for framework in theirs.frameworks:
                for ours in by_framework.get(framework, ()):
                    if (ours.id, theirs.id) not in framework_pairs:
                        framework_pairs.add((ours.id, theirs.id))
                        both = ours.frameworks & theirs.frameworks
                        found[body]["same_framework"].append((ours, theirs, both))
    ranked: list[dict[str, Any]] = []
    for body, matches in found.items():
        where = nearness.get(body, "further")
        counts = {k: len(v) for k, v in matches.items()}
        evidence = {k: _pairs(G, k, v) for k, v in matches.items()}
        parts = {k: round(EVIDENCE_WEIGHT[k] * math.log2(1 + n), 3) for k, n in counts.items()}
        score = PROXIMITY[where] * sum(parts.values())
        ranked.append({
            **node_ref(G, body),
            "proximity": where,
            "score": round(score, 3),
            "breakdown": {"proximity_weight": PROXIMITY[where], **parts},
            "pairs": counts,
            "evidence": dict(sorted(evidence.items())),
            "reasons": _reasons(evidence, counts, months),
        })  # fmt: skip
    order = list(PROXIMITY)
    ranked.sort(key=lambda r: (order.index(str(r["proximity"])), -float(r["score"]), str(r["id"])))
    return {
        "parameters": {"node": node, "months": months, "category": category, "top": top},
        "node": node_ref(G, node),
        "contracts": len(mine),
        "opportunities": ranked[:top],
        "neighbours_frameworks": _neighbours_frameworks(G, node, nearness),
    }


def _neighbours_frameworks(
    G: nx.MultiDiGraph[str], node: str, nearness: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The buying organisations (and their frameworks) that bodies near ``node`` buy through
    and it does not: frameworks it could call off too, with who uses them and how much."""
    key = str(LinkKind.BUYS_THROUGH)
    own = {v for _, v, k in G.out_edges(node, keys=True) if k == key}
    used: dict[str, dict[str, Any]] = {}
    for body in sorted(nearness):
        for _, bo, k, data in G.out_edges(body, keys=True, data=True):
            if k != key or bo in own:
                continue
            entry = used.setdefault(bo, {**node_ref(G, bo), "used_by": [], "frameworks": set(),
                                         "notices": 0, "value_gbp": 0.0})  # fmt: skip
            entry["used_by"].append({**node_ref(G, body), "proximity": nearness[body]})
            entry["frameworks"] |= {f for f in str(data.get("frameworks") or "").split(";") if f}
            entry["notices"] += int(data.get("notices") or 0)
            entry["value_gbp"] += float(data.get("total_value_gbp") or 0)
    out = []
    for entry in used.values():
        entry["frameworks"] = sorted(entry["frameworks"])
        entry["value_gbp"] = round(entry["value_gbp"], 2)
        out.append(entry)
    out.sort(key=lambda e: (-len(e["used_by"]), -e["notices"], e["id"]))
    return out


def _contracts_of(G: nx.MultiDiGraph[str], body: str) -> list[_Contract]:
    return [
        _contract(G, v)
        for _, v, key in G.out_edges(body, keys=True)
        if key == AWARDED and G.nodes[v].get("kind") == NodeKind.CONTRACT
    ]


def _contract(G: nx.MultiDiGraph[str], contract: str) -> _Contract:
    data = G.nodes[contract]
    end = data.get("end_date")
    suppliers = frozenset(u for u, _, k in G.in_edges(contract, keys=True) if k == SUPPLIES)
    frameworks = frozenset(
        f"{v}:{ref}" if ref else v
        for _, v, k, d in G.out_edges(contract, keys=True, data=True)
        if k == CALLED_OFF
        for ref in (str(d.get("frameworks") or "").split(";"))
    )
    value = data.get("value_gbp")
    return _Contract(
        id=contract,
        category=str(data.get("cpv_division") or ""),
        end=date.fromisoformat(str(end)) if end else None,
        suppliers=suppliers,
        frameworks=frameworks,
        value=float(value) if value not in (None, "") else None,
    )


_Match = tuple[_Contract, _Contract, frozenset[str]]
"""Our contract, theirs, and what they share (suppliers or frameworks)."""


def _pairs(G: nx.MultiDiGraph[str], kind: str, matches: list[_Match]) -> list[dict[str, Any]]:
    """The first ``MAX_PAIRS`` of ``matches`` (by their end dates) as evidence."""
    first = sorted(matches, key=lambda m: (str(m[1].end), str(m[0].end), m[0].id, m[1].id))
    key = "suppliers" if kind == "same_supplier" else "frameworks"
    return [_pair(G, ours, theirs, **{key: shared}) for ours, theirs, shared in first[:MAX_PAIRS]]


def _close(a: date | None, b: date | None, months: int) -> bool:
    """Whether two end dates are within ``months`` of each other (a month: 30.44 days)."""
    return a is not None and b is not None and abs((a - b).days) <= months * 30.44


def _wanted(contract: _Contract, category: str | None) -> bool:
    return category is None or contract.category == category


def _pair(
    G: nx.MultiDiGraph[str],
    a: _Contract,
    b: _Contract,
    *,
    suppliers: frozenset[str] = frozenset(),
    frameworks: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    def side(c: _Contract) -> dict[str, Any]:
        return {"id": c.id, "name": name_of(G, c.id), "end_date": c.end.isoformat() if c.end
                else None, "value_gbp": c.value}  # fmt: skip

    pair: dict[str, Any] = {
        "category": G.nodes[a.id].get("category"),
        "theirs": side(b),
        "ours": side(a),
    }
    if suppliers:
        pair["suppliers"] = [node_ref(G, s) for s in sorted(suppliers)]
    if frameworks:
        pair["frameworks"] = sorted(frameworks)
    return pair


def _proximity(G: nx.MultiDiGraph[str], node: str) -> dict[str, str]:
    """How near each body of ``G`` is to ``node``: bordering, in its county, in its combined
    authority (the first that holds)."""
    out: dict[str, str] = {}
    border = str(LinkKind.BORDERS)
    for u, v, k in [*G.out_edges(node, keys=True), *G.in_edges(node, keys=True)]:
        if k == border:
            out[v if u == node else u] = "borders"
    within, member = str(LinkKind.WITHIN), str(LinkKind.MEMBER_OF)
    mine_up = {v for _, v, k in G.out_edges(node, keys=True) if k in (within, member)}
    for area in mine_up | {node}:
        for u, _, k in G.in_edges(area, keys=True):
            kind = G.nodes[area].get("kind")
            if u == node or u in out:
                continue
            if k == within and (area == node or G.nodes[area].get("council_type") == "county"):
                out[u] = "same county"
            elif k == member and kind == NodeKind.COMBINED_AUTHORITY:
                out.setdefault(u, "same combined authority")
    for area in mine_up:  # a district's county, a county's districts are in the county
        if G.nodes[area].get("council_type") == "county":
            out.setdefault(area, "same county")
    return out


def _reasons(
    evidence: Mapping[str, list[dict[str, Any]]], counts: Mapping[str, int], months: int
) -> list[str]:
    reasons = []
    for pair in evidence.get("same_supplier", [])[:3]:
        who = ", ".join(s["name"] for s in pair["suppliers"])
        ends = " and ".join(p["end_date"] or "not given" for p in (pair["ours"], pair["theirs"]))
        reasons.append(
            f"buys {pair['category'] or 'the same'} from {who} too (contracts end {ends})"
        )
    together = counts.get("ending_together", 0)
    if together:
        reasons.append(f"{together} contracts in the same category end within {months} "
                       "months of one of ours")  # fmt: skip
    framework = evidence.get("same_framework", [])
    if framework:
        names = sorted({f for p in framework for f in p["frameworks"]})
        reasons.append("calls off the same framework: " + ", ".join(names))
    return reasons


SPEC = Analysis(
    name="opportunities",
    summary="Who a council could buy with: same supplier, contracts ending together, framework",
    run=opportunities,
    route="/nodes/{node}/opportunities",
    needs=opportunities_graph,
    params=(
        Param("node", str, REQUIRED, "a council or other public body", max_length=200,
              in_path=True, metavar="ID", examples=("E07000064",)),
        Param("months", int, 12, "how close two end dates must be to count as ending together",
              ge=1, le=120),
        Param("category", str, None, "only this CPV division (two digits, e.g. 48)",
              max_length=2, metavar="NN", examples=("48",)),
        Param("top", int, 20, "bodies listed", ge=1, le=200),
    ),
)  # fmt: skip
