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
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from graph.analysis.common import check_node, contract_rows, node_ref
from graph.analysis.spec import REQUIRED, Analysis, Param
from graph.lazy import lazy_module
from graph.model import ContractRow, LinkKind, NodeKind

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


FAR_SUPPLIER_LIMIT = 500
"""A supplier of more contracts than this (a national one) is followed to other buyers only
among the near bodies, whose contracts are all read: followed further, one such supplier would
make one council's question read most of the graph, and sharing it says little."""


def opportunities_graph(
    store: GraphStore, at: date, arguments: Mapping[str, Any]
) -> nx.MultiDiGraph[str]:
    """What ``opportunities`` reads: the council's own links; its neighbours, the councils of
    its county and combined authority, and the buying organisations they buy through; and, as
    rows in ``G.graph["contracts"]`` (``GraphStore.contracts_of``), their contracts and the
    other contracts of the council's suppliers in the same categories (``supplier_contracts``,
    ``FAR_SUPPLIER_LIMIT``), with the other buyers of those."""
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
    geography = store.neighbourhood(sorted(near), 0, at)
    frameworks = store.neighbourhood(sorted(near | {node}), 1, at, kinds={LinkKind.BUYS_THROUGH})
    G = nx.compose_all([geography, own, frameworks])
    rows = {r.id: r for r in store.contracts_of(sorted(near | {node}), at)}
    category = arguments.get("category")
    wanted: dict[str, set[str]] = defaultdict(set)
    for row in rows.values():
        if node in row.buyers and row.cpv_division and category in (None, row.cpv_division):
            for supplier, _ in row.suppliers:
                wanted[supplier].add(row.cpv_division)
    further, not_followed = store.supplier_contracts(wanted, at, largest=FAR_SUPPLIER_LIMIT)
    for row in further:
        rows.setdefault(row.id, row)
    from graph.store.records import to_networkx  # noqa: PLC0415 - with the store, not before

    buyers = {b for row in further for b in row.buyers} - set(G)
    G.add_nodes_from(to_networkx(store.get_nodes(buyers).values(), [], at).nodes(data=True))
    G.graph["contracts"] = [rows[c] for c in sorted(rows)]
    G.graph["suppliers_not_followed"] = not_followed
    return G


@dataclass(frozen=True, slots=True)
class _Contract:
    id: str
    name: str
    category: str | None
    division: str
    end: date | None
    buyers: tuple[str, ...]
    suppliers: frozenset[str]
    frameworks: frozenset[str]
    value: float | None

    @classmethod
    def of(cls, row: ContractRow) -> _Contract:
        return cls(
            id=row.id,
            name=row.name,
            category=row.category,
            division=row.cpv_division or "",
            end=date.fromisoformat(row.end_date) if row.end_date else None,
            buyers=row.buyers,
            suppliers=frozenset(s for s, _ in row.suppliers),
            frameworks=frozenset(row.frameworks),
            value=row.value_gbp,
        )


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
        The graph as at a day, or ``node``'s part of it (``opportunities_graph``, whose
        contracts are rows in ``G.graph["contracts"]``).
    node
        A council or other public body with contracts (``NotFound`` if it is not in ``G``).
    months
        How close two contracts' end dates must be to count as ending together.
    category
        Only contracts of this CPV division (``48``).
    top
        Bodies listed.

    Returns
    -------
    dict
        ``parameters``, ``node``, ``contracts`` (how many of its own were read) and
        ``opportunities``: each body with ``proximity``, ``score`` and its ``breakdown``,
        ``pairs`` (how many of each kind), ``evidence`` (the first pairs of contracts:
        ``same_supplier``, ``ending_together``, ``same_framework``) and ``reasons``;
        ``neighbours_frameworks``: the buying organisations near bodies use and it does not
        (frameworks it could call off too); and ``suppliers_not_followed``: its suppliers of
        more than ``FAR_SUPPLIER_LIMIT`` contracts, compared with near bodies only.
    """
    check_node(G, node)
    rows = contract_rows(G)
    names = {s: name for row in rows for s, name in row.suppliers}
    contracts = [_Contract.of(r) for r in rows if category in (None, r.cpv_division)]
    mine = [c for c in contracts if node in c.buyers]
    others: dict[str, list[_Contract]] = defaultdict(list)
    for c in contracts:
        for buyer in c.buyers:
            if buyer != node:
                others[buyer].append(c)
    ours = _Ours(mine, months)
    nearness = _proximity(G, node)
    ranked: list[dict[str, Any]] = []
    for body, theirs in others.items():
        counts, evidence = ours.compare(theirs, names)
        if not counts:
            continue
        where = nearness.get(body, "further")
        parts = {k: round(EVIDENCE_WEIGHT[k] * math.log2(1 + n), 3) for k, n in counts.items()}
        score = PROXIMITY[where] * sum(parts.values())
        ranked.append({
            **node_ref(G, body),
            "proximity": where,
            "score": round(score, 3),
            "breakdown": {"proximity_weight": PROXIMITY[where], **parts},
            "pairs": counts,
            "evidence": evidence,
            "reasons": _reasons(evidence, counts, months),
        })  # fmt: skip
    order = list(PROXIMITY)
    ranked.sort(key=lambda r: (order.index(str(r["proximity"])), -float(r["score"]), str(r["id"])))
    not_followed = G.graph.get("suppliers_not_followed", {})
    return {
        "parameters": {"node": node, "months": months, "category": category, "top": top},
        "node": node_ref(G, node),
        "contracts": len(mine),
        "opportunities": ranked[:top],
        "neighbours_frameworks": _neighbours_frameworks(G, node, nearness),
        "suppliers_not_followed": [
            {"id": s, "name": names.get(s, s), "kind": str(NodeKind.SUPPLIER), "contracts": n}
            for s, n in sorted(not_followed.items(), key=lambda x: (-x[1], x[0]))
        ],
    }


_Match = tuple[_Contract, _Contract, frozenset[str]]
"""Our contract, theirs, and what they share (suppliers or frameworks)."""


class _Ours:
    """A council's contracts indexed for comparing another body's with them: by category
    and supplier, by category and end date (sorted, so that the contracts ending within
    ``months`` of one of theirs are counted by bisection, not pair by pair), by framework."""

    def __init__(self, mine: list[_Contract], months: int) -> None:
        self.months = months
        self.window = months * 30.44
        self.ids = {c.id for c in mine}
        self.by_supplier: dict[tuple[str, str], list[_Contract]] = defaultdict(list)
        self.by_framework: dict[str, list[_Contract]] = defaultdict(list)
        dated: dict[str, list[_Contract]] = defaultdict(list)
        for c in mine:
            if c.division:
                for supplier in c.suppliers:
                    self.by_supplier[(c.division, supplier)].append(c)
                if c.end is not None:
                    dated[c.division].append(c)
            for framework in c.frameworks:
                self.by_framework[framework].append(c)
        self.ending: dict[str, tuple[list[int], list[_Contract]]] = {}
        for division, items in dated.items():
            items.sort(key=lambda c: (c.end, c.id))
            self.ending[division] = ([c.end.toordinal() for c in items if c.end], items)

    def compare(
        self, theirs: list[_Contract], names: Mapping[str, str]
    ) -> tuple[dict[str, int], dict[str, list[dict[str, Any]]]]:
        """How many pairs of ours and ``theirs`` of each kind, and the first pairs of each."""
        same_supplier: list[_Match] = []
        same_framework: list[_Match] = []
        together = 0
        ending: list[_Match] = []
        for t in sorted(theirs, key=lambda c: (c.end is None, c.end or date.min, c.id)):
            if t.division:
                paired: set[str] = set()
                for supplier in t.suppliers:
                    for o in self.by_supplier.get((t.division, supplier), ()):
                        if o.id != t.id and o.id not in paired:
                            paired.add(o.id)
                            same_supplier.append((o, t, o.suppliers & t.suppliers))
                if t.end is not None and t.division in self.ending:
                    days, items = self.ending[t.division]
                    day = t.end.toordinal()
                    lo = bisect_left(days, day - self.window)
                    hi = bisect_right(days, day + self.window)
                    close = [o for o in items[lo:hi] if o.id != t.id]
                    together += len(close)
                    if len(ending) < MAX_PAIRS or (ending and ending[-1][1].end == t.end):
                        ending += [(o, t, frozenset()) for o in close[:MAX_PAIRS]]
            seen: set[str] = set()
            for framework in t.frameworks:
                for o in self.by_framework.get(framework, ()):
                    if o.id != t.id and o.id not in seen:
                        seen.add(o.id)
                        same_framework.append((o, t, o.frameworks & t.frameworks))
        found = {"same_supplier": same_supplier, "ending_together": ending,
                 "same_framework": same_framework}  # fmt: skip
        counts = {k: len(v) for k, v in found.items() if v}
        if together:
            counts["ending_together"] = together
        evidence = {k: _pairs(k, v, names) for k, v in sorted(found.items()) if v}
        return counts, evidence


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


def _pairs(kind: str, matches: list[_Match], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The first ``MAX_PAIRS`` of ``matches`` (by their end dates) as evidence."""
    first = sorted(matches, key=lambda m: (str(m[1].end), str(m[0].end), m[0].id, m[1].id))
    out = []
    for ours, theirs, shared in first[:MAX_PAIRS]:
        pair: dict[str, Any] = {"category": ours.category, "theirs": _side(theirs),
                                "ours": _side(ours)}  # fmt: skip
        if kind == "same_supplier":
            kind_name = str(NodeKind.SUPPLIER)
            pair["suppliers"] = [
                {"id": s, "name": names.get(s, s), "kind": kind_name} for s in sorted(shared)
            ]
        elif kind == "same_framework":
            pair["frameworks"] = sorted(shared)
        out.append(pair)
    return out


def _side(c: _Contract) -> dict[str, Any]:
    return {"id": c.id, "name": c.name, "end_date": c.end.isoformat() if c.end else None,
            "value_gbp": c.value}  # fmt: skip


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
