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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from graph.analysis.common import check_node, contract_rows, node_ref
from graph.analysis.spec import REQUIRED, Analysis, Param
from graph.lazy import lazy_module
from graph.model import (
    BodyMatches,
    ContractProbe,
    ContractRow,
    LinkKind,
    NodeKind,
    compare_rows,
)

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


FAR_SUPPLIER_LIMIT = 250
"""A supplier of more contracts than this (a national one) is followed to other buyers only
among the near bodies, whose contracts are all read: followed further, one such supplier would
make one council's question read most of the graph, and sharing it says little."""


def opportunities_graph(
    store: GraphStore, at: date, arguments: Mapping[str, Any]
) -> nx.MultiDiGraph[str]:
    """What ``opportunities`` reads: the council's own links; its neighbours, the councils of
    its county and combined authority, and the buying organisations they buy through; its
    contracts (``G.graph["contracts"]``); and how other bodies' contracts match them
    (``G.graph["matches"]``, ``GraphStore.compare_contracts``: every contract of the near
    bodies, and further afield those of its suppliers of at most ``FAR_SUPPLIER_LIMIT``
    contracts), with the names of the bodies found."""
    node = str(arguments["node"])
    own = store.neighbourhood([node], 1, at, kinds={LinkKind.BORDERS, LinkKind.WITHIN,
                                                    LinkKind.MEMBER_OF})  # fmt: skip
    grouping = {LinkKind.WITHIN, LinkKind.MEMBER_OF}
    areas = (
        {v for _, v, k in own.out_edges(node, keys=True) if k in grouping} if node in own else set()
    )
    areas |= {node} & set(own)  # an unknown id: NotFound in the analysis
    grouped = [a for a in sorted(areas) if _groups(own.nodes[a])]
    # its county (or itself, a county) and combined authority, and their members
    members = store.neighbourhood(grouped, 1, at, kinds=grouping) if grouped else nx.MultiDiGraph()
    kinds: dict[str, Any] = {n: H.nodes[n].get("kind") for H in (members, own) for n in H}
    near = {n for n, kind in kinds.items() if kind not in (NodeKind.REGION, NodeKind.NATION)}
    # the near bodies, the buying organisations they buy through, and every link among them
    around = store.neighbourhood(sorted(near | {node}), 1, at, kinds={LinkKind.BUYS_THROUGH})
    G = nx.compose_all([own, around])
    ours = store.contracts_of([node], at)
    probe = ContractProbe.of(node, ours, int(arguments["months"]), arguments.get("category"))
    matches, not_followed = store.compare_contracts(
        probe, at, near=near, largest=FAR_SUPPLIER_LIMIT, first=MAX_PAIRS
    )
    from graph.store.records import to_networkx  # noqa: PLC0415 - with the store, not before

    found = {m.body for m in matches} - set(G)
    G.add_nodes_from(to_networkx(store.get_nodes(found).values(), [], at).nodes(data=True))
    G.graph.update(contracts=ours, matches=matches, suppliers_not_followed=not_followed)
    return G


def _groups(data: Mapping[str, Any]) -> bool:
    """A county or a combined authority: an area whose members are near one another."""
    kind = data.get("kind")
    return kind == NodeKind.COMBINED_AUTHORITY or (
        kind == NodeKind.COUNCIL and data.get("council_type") == "county"
    )


@dataclass(frozen=True, slots=True)
class _Contract:
    id: str
    name: str
    category: str | None
    division: str
    end: date | None
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
        ``node``'s part of the graph as ``opportunities_graph`` reads it (its contracts and
        their matches in ``G.graph``), or a whole graph with its contracts as nodes.
    node
        A council or other public body with contracts (``NotFound`` if it is not in ``G``).
    months
        How many calendar months apart two contracts' end dates may be to count as ending
        together.
    category
        Only contracts of this CPV division (``48``).
    top
        Bodies listed.

    Returns
    -------
    dict
        ``parameters``, ``node``, ``contracts`` (how many of its own were read) and
        ``opportunities``: each body with ``proximity``, ``score`` and its ``breakdown``,
        ``pairs`` (how many pairs of one contract of theirs and one of ours there are of each
        kind: ``same_supplier``, counted per supplier shared; ``ending_together``;
        ``same_framework``, per framework shared), ``evidence`` (the first of their contracts
        of each kind by end date, each with one of ours it pairs with) and ``reasons``;
        ``neighbours_frameworks``: the buying organisations near bodies use and it does not
        (frameworks it could call off too); and ``suppliers_not_followed``: its suppliers of
        more than ``FAR_SUPPLIER_LIMIT`` contracts, compared with near bodies only.
    """
    check_node(G, node)
    if "matches" in G.graph:
        ours: list[ContractRow] = G.graph["contracts"]
        matches: list[BodyMatches] = G.graph["matches"]
    else:  # a graph made by hand, or a scenario's: every contract in it
        rows = contract_rows(G)
        ours = [r for r in rows if node in r.buyers]
        every: dict[str, list[ContractRow]] = {}
        for row in rows:  # every body of the graph is near
            for buyer in row.buyers:
                every.setdefault(buyer, []).append(row)
        probe = ContractProbe.of(node, ours, months, category)
        matches = compare_rows(probe, every, {}, MAX_PAIRS)
    mine = [_Contract.of(r) for r in ours if category in (None, r.cpv_division)]
    by_division: dict[str, list[_Contract]] = {}
    for contract in mine:
        by_division.setdefault(contract.division, []).append(contract)
    names = {s: name for r in ours for s, name in r.suppliers}
    nearness = _proximity(G, node)
    ranked: list[tuple[dict[str, Any], BodyMatches]] = []
    for match in matches:
        where = nearness.get(match.body, "further")
        counts = match.pairs
        parts = {k: round(EVIDENCE_WEIGHT[k] * math.log2(1 + n), 3) for k, n in counts.items()}
        score = PROXIMITY[where] * sum(parts.values())
        ranked.append(({
            **node_ref(G, match.body),
            "proximity": where,
            "score": round(score, 3),
            "breakdown": {"proximity_weight": PROXIMITY[where], **parts},
            "pairs": counts,
        }, match))  # fmt: skip
    order = list(PROXIMITY)
    ranked.sort(
        key=lambda r: (order.index(str(r[0]["proximity"])), -float(r[0]["score"]), str(r[0]["id"]))
    )
    shown = []
    for entry, match in ranked[:top]:  # evidence for those shown only
        evidence = {kind: _evidence(kind, theirs, mine=mine, by_division=by_division,
                                     months=months, names=names)
                    for kind, theirs in sorted(match.examples.items())}  # fmt: skip
        reasons = _reasons(evidence, match.pairs, months)
        shown.append({**entry, "evidence": evidence, "reasons": reasons})
    not_followed = G.graph.get("suppliers_not_followed", {})
    return {
        "parameters": {"node": node, "months": months, "category": category, "top": top},
        "node": node_ref(G, node),
        "contracts": len(mine),
        "opportunities": shown,
        "neighbours_frameworks": _neighbours_frameworks(G, node, nearness),
        "suppliers_not_followed": [
            {"id": s, "name": names.get(s, s), "kind": str(NodeKind.SUPPLIER), "contracts": n}
            for s, n in sorted(not_followed.items(), key=lambda x: (-x[1], x[0]))
        ],
    }


def _evidence(
    kind: str,
    theirs: Iterable[ContractRow],
    *,
    mine: list[_Contract],
    by_division: Mapping[str, list[_Contract]],
    months: int,
    names: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Each of ``theirs`` (a body's first contracts of one kind) with the first of ours it
    pairs with: sharing a supplier or a framework, or ending nearest to it (``by_division``:
    ``mine`` by division)."""
    out = []
    for row in theirs:
        t = _Contract.of(row)
        if kind == "same_supplier":
            paired = [o for o in by_division.get(t.division, ()) if o.suppliers & t.suppliers]
        elif kind == "same_framework":
            paired = [o for o in mine if o.frameworks & t.frameworks]
        else:
            paired = [o for o in by_division.get(t.division, ()) if _apart(o, t) <= months]
        if not paired:
            continue
        o = min(paired, key=lambda c: (_apart(c, t), c.end is None, c.end or date.min, c.id))
        pair: dict[str, Any] = {"category": o.category, "theirs": _side(t), "ours": _side(o)}
        if kind == "same_supplier":
            pair["suppliers"] = [{"id": s, "name": names.get(s, s), "kind": str(NodeKind.SUPPLIER)}
                                 for s in sorted(o.suppliers & t.suppliers)]  # fmt: skip
        elif kind == "same_framework":
            pair["frameworks"] = sorted(o.frameworks & t.frameworks)
        out.append(pair)
    return out


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


def _apart(a: _Contract, b: _Contract) -> float:
    """How many calendar months apart two contracts end (infinitely, if one has no end)."""
    if a.end is None or b.end is None:
        return math.inf
    return abs((a.end.year - b.end.year) * 12 + a.end.month - b.end.month)


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
