"""Questions other systems ask of the graph as at a date: find nodes, a node's partnerships,
the buying organisations, and a subgraph to export; pure functions of ``GraphStore.graph(at)``
or, for one node's partnerships, of the part ``partnerships_graph`` reads.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

import networkx as nx

from graph.analysis import node_ref, reach, regions
from graph.errors import InvalidInput, NotFound
from graph.model import LinkKind, NodeKind

if TYPE_CHECKING:
    from graph.store.base import GraphStore

EXPORT_FORMATS = ("graphml", "gexf", "json", "nodes.csv", "links.csv")
PARTNERSHIP_LINKS = {
    str(LinkKind.PARTNER_IN): "shared_services",
    str(LinkKind.PARTICIPATES_IN): "joint_procurements",
    str(LinkKind.OWNS): "buying_organisations",
    str(LinkKind.BUYS_THROUGH): "buying_organisations",
}


PARTNERSHIP_KINDS = frozenset(LinkKind(k) for k in PARTNERSHIP_LINKS)


def _targets(G: nx.MultiDiGraph[str], node: str, kind: LinkKind) -> set[str]:
    key = str(kind)
    return {v for _, v, k in G.out_edges(node, keys=True) if k == key}


def search_nodes(
    G: nx.MultiDiGraph[str],
    names: dict[str, set[str]],
    *,
    q: str | None = None,
    kind: str | None = None,
    council_type: str | None = None,
    region: str | None = None,
    combined_authority: str | None = None,
    county: str | None = None,
) -> list[dict[str, Any]]:
    """The nodes (bodies and arrangements, not scenarios) that match every filter given, sorted
    by name then id. ``q`` matches any of a node's known names (``names``: id -> lower-case
    names) or its id, as a substring."""
    if kind is not None and kind not in {str(k) for k in NodeKind}:
        raise InvalidInput(f"unknown kind {kind!r}; kinds: {', '.join(sorted(map(str, NodeKind)))}")
    wanted = q.strip().casefold() if q else None
    region_of = regions(G) if region else {}
    out = []
    for node, data in G.nodes(data=True):
        if data.get("kind") in (NodeKind.SCENARIO, NodeKind.CONTRACT):
            continue  # not bodies: 'partnermap scenarios' lists them; contracts by council
        if kind is not None and data.get("kind") != kind:
            continue
        if council_type is not None and data.get("council_type") != council_type:
            continue
        if region is not None and region_of.get(node) != region:
            continue
        if combined_authority is not None and combined_authority not in (
            _targets(G, node, LinkKind.MEMBER_OF) | _targets(G, node, LinkKind.WITHIN)
        ):
            continue
        if county is not None and county not in _targets(G, node, LinkKind.WITHIN):
            continue
        if wanted is not None and not (
            wanted in node.casefold() or any(wanted in n for n in names.get(node, ()))
        ):
            continue
        out.append(
            {**node_ref(G, node), **{k: v for k, v in data.items() if k not in ("kind", "name")}}
        )
    out.sort(key=lambda r: (str(r["name"]).casefold(), r["id"]))
    return out


def partnerships(G: nx.MultiDiGraph[str], node: str) -> dict[str, Any]:
    """A node's shared services, joint procurements and buying organisations (owned or used),
    each with the link's role and evidence and the arrangement's own attributes."""
    if node not in G:
        raise NotFound(f"no node with id {node!r} in the graph as at the date asked")
    found: dict[str, list[dict[str, Any]]] = {
        "shared_services": [], "joint_procurements": [], "buying_organisations": []
    }  # fmt: skip
    for _, other, key, link in sorted(G.out_edges(node, keys=True, data=True)):
        section = PARTNERSHIP_LINKS.get(key)
        if section is None:
            continue
        partners = sorted(
            u for u, _, k in G.in_edges(other, keys=True) if k == key and u != node
        ) if section != "buying_organisations" else []  # fmt: skip
        found[section].append(
            {
                **node_ref(G, other),
                **{k: v for k, v in G.nodes[other].items() if k not in ("kind", "name")},
                "link": key,
                "link_attributes": dict(link),
                "partners": [node_ref(G, p) for p in partners],
            }
        )
    return {"node": node_ref(G, node), **found}


def partnerships_graph(store: GraphStore, node: str, at: date | None) -> nx.MultiDiGraph[str]:
    """All that ``partnerships(G, node)`` reads: ``node``'s arrangements and buying
    organisations and their partners, two hops of ``PARTNERSHIP_KINDS`` (with every link
    between them)."""
    return store.neighbourhood([node], 2, at, kinds=PARTNERSHIP_KINDS)


def buying_organisations(G: nx.MultiDiGraph[str]) -> list[dict[str, Any]]:
    """Each buying organisation with its attributes, owners, users and reach."""
    out = []
    for row in reach(G):
        bo = row["id"]
        owners = sorted(u for u, _, k in G.in_edges(bo, keys=True) if k == str(LinkKind.OWNS))
        users = sorted(
            u for u, _, k in G.in_edges(bo, keys=True) if k == str(LinkKind.BUYS_THROUGH)
        )
        attrs = {k: v for k, v in G.nodes[bo].items() if k not in ("kind", "name")}
        out.append(
            {
                **row,
                **attrs,
                "owner_list": [node_ref(G, o) for o in owners],
                "user_list": [node_ref(G, u) for u in users],
            }
        )
    return out


def subgraph(
    G: nx.MultiDiGraph[str],
    *,
    kinds: Iterable[str] = (),
    around: str | None = None,
    hops: int = 1,
) -> nx.MultiDiGraph[str]:
    """The nodes of ``kinds`` (all if none), or those within ``hops`` links of ``around``."""
    nodes = set(G)
    if around is not None:
        if around not in G:
            raise NotFound(f"no node with id {around!r} in the graph as at the date asked")
        nodes = set(nx.ego_graph(G.to_undirected(as_view=True), around, radius=hops))
    kinds = set(kinds)
    if kinds:
        unknown = kinds - {str(k) for k in NodeKind}
        if unknown:
            raise InvalidInput(f"unknown kind {', '.join(sorted(unknown))}")
        nodes = {n for n in nodes if G.nodes[n].get("kind") in kinds}
    sub: nx.MultiDiGraph[str] = G.subgraph(sorted(nodes)).copy()
    return sub


def export(G: nx.MultiDiGraph[str], fmt: str) -> tuple[bytes, str]:
    """The graph in ``fmt`` (one of ``EXPORT_FORMATS``) and its media type."""
    if fmt not in EXPORT_FORMATS:
        raise NotFound(f"no export format {fmt!r}", hint=f"use one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "json":
        data = nx.node_link_data(G, edges="links")
        return json.dumps(data, default=str, sort_keys=True).encode(), "application/json"
    if fmt in ("graphml", "gexf"):
        flat = _flat(G)
        text = "\n".join(nx.generate_graphml(flat) if fmt == "graphml" else nx.generate_gexf(flat))
        return text.encode(), "application/xml"
    out = io.StringIO()
    if fmt == "nodes.csv":
        rows = [{"id": n, **d} for n, d in G.nodes(data=True)]
        first = ["id", "kind", "name"]
    else:
        rows = [
            {"from_id": u, "kind": k, "to_id": v, **d}
            for u, v, k, d in G.edges(keys=True, data=True)
        ]
        first = ["from_id", "kind", "to_id", "role"]
    columns = first + sorted({c for r in rows for c in r} - set(first))
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(), "text/csv; charset=utf-8"


def _flat(G: nx.MultiDiGraph[str]) -> nx.MultiDiGraph[str]:
    """A copy whose attributes GraphML and GEXF can hold: no ``None``, the kind on each edge."""
    flat: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        flat.add_node(n, **{k: v for k, v in d.items() if v is not None})
    for u, v, k, d in G.edges(keys=True, data=True):
        flat.add_edge(u, v, key=k, kind=k, **{a: b for a, b in d.items() if b is not None})
    return flat
