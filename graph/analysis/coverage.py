"""Framework coverage of one buying organisation: the councils and other bodies that call off
its frameworks (its ``buys_through`` links, with their call-offs, values and references), the
councils that own it, each framework reference with its users, and how much of each region's
councils it reaches.

Everything is read around the organisation (``coverage_graph``): its users and owners, their
regions, and the councils of those regions; never a contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from graph.analysis.common import check_node, node_ref, regions
from graph.analysis.spec import REQUIRED, Analysis, Param
from graph.errors import InvalidInput
from graph.lazy import lazy_module
from graph.model import LinkKind, NodeKind

if TYPE_CHECKING:
    import networkx as nx

    from graph.store.base import GraphStore
else:
    nx = lazy_module("networkx")

BUYS_THROUGH, OWNS, WITHIN = (str(k) for k in (LinkKind.BUYS_THROUGH, LinkKind.OWNS,
                                               LinkKind.WITHIN))  # fmt: skip
WIDE = (str(NodeKind.REGION), str(NodeKind.NATION))
DOCUMENTED = ("evidence", "source_url", "verified", "note")
"""What a use found by hand (``buying_organisation_users.csv``) or in notices says of itself:
the notices' ids, the page that shows it, whether it was checked, and a note."""


def coverage_graph(
    store: GraphStore, at: date, arguments: Mapping[str, Any]
) -> nx.MultiDiGraph[str]:
    """What ``coverage`` reads: the organisation with its users and owners (one hop of
    ``buys_through`` and ``owns``), the regions or nations they are within, and every body
    within those (to count the councils each region has)."""
    node = str(arguments["node"])
    around = store.neighbourhood([node], 1, at, kinds={LinkKind.BUYS_THROUGH, LinkKind.OWNS})
    bodies = sorted(set(around) - {node})
    places = store.neighbourhood(bodies, 1, at, kinds={LinkKind.WITHIN})
    wide = sorted(n for n in places if places.nodes[n].get("kind") in WIDE)
    areas = store.neighbourhood(wide, 1, at, kinds={LinkKind.WITHIN})
    return nx.compose_all([areas, places, around])


def coverage(G: nx.MultiDiGraph[str], node: str) -> dict[str, Any]:
    """Who calls off buying organisation ``node``'s frameworks, and how much of each region it
    reaches.

    Parameters
    ----------
    G
        The stored graph, or ``coverage_graph``'s part of it.
    node
        A buying organisation's id (``bo:ypo``).

    Returns
    -------
    dict
        ``organisation``; ``summary`` (bodies and councils calling off, call-offs, value,
        owners); ``users`` (most call-offs first: each body's call-offs, value, framework
        references, first and last call-off, legal basis, whether it owns the organisation,
        its region; a use found in a council's own papers, without call-offs counted, has
        ``call_offs`` ``None`` and its ``source_url``); ``owners_not_calling_off`` (owners
        without a call-off on record);
        ``frameworks`` (each reference with the bodies that call it off, most first);
        ``regions`` (councils of each region reached, how many call off, and those that do
        not).
    """
    check_node(G, node)
    if G.nodes[node].get("kind") != NodeKind.BUYING_ORGANISATION:
        raise InvalidInput(
            f"{node!r} is a {G.nodes[node].get('kind')}, not a buying organisation; "
            "framework coverage is asked of one (GET /buying-organisations lists them)"
        )
    owners = {u for u, _, k in G.in_edges(node, keys=True) if k == OWNS}
    region_of = regions(G)
    users: list[dict[str, Any]] = []
    by_reference: dict[str, set[str]] = {}
    for body, _, key, data in G.in_edges(node, keys=True, data=True):
        if key != BUYS_THROUGH:
            continue
        references = sorted({f for f in str(data.get("frameworks") or "").split(";") if f})
        for reference in references:
            by_reference.setdefault(reference, set()).add(body)
        region = region_of.get(body)
        users.append({
            **node_ref(G, body),
            "council_type": G.nodes[body].get("council_type"),
            "region": node_ref(G, region) if region else None,
            "owner": body in owners,
            "call_offs": None if data.get("notices") is None else int(data["notices"]),
            "value_gbp": round(float(data.get("total_value_gbp") or 0.0), 2),
            "frameworks": references,
            "first_date": data.get("first_date"),
            "last_date": data.get("last_date"),
            "legal_basis": data.get("legal_basis"),
            **{k: data[k] for k in DOCUMENTED if data.get(k) is not None},
        })  # fmt: skip
    users.sort(key=lambda u: (-(u["call_offs"] or 0), -u["value_gbp"], u["id"]))
    calling = {u["id"] for u in users}
    councils = {u["id"] for u in users if u["kind"] == NodeKind.COUNCIL}
    frameworks: list[dict[str, Any]] = [
        {"reference": ref, "bodies": len(bodies),
         "users": [node_ref(G, b) for b in sorted(bodies)]}
        for ref, bodies in by_reference.items()
    ]  # fmt: skip
    frameworks.sort(key=lambda f: (-f["bodies"], f["reference"]))
    return {
        "parameters": {"node": node},
        "organisation": {
            **node_ref(G, node),
            **{k: v for k, v in G.nodes[node].items() if k not in ("kind", "name")},
        },
        "summary": {
            "bodies_calling_off": len(users),
            "councils_calling_off": len(councils),
            "call_offs": sum(u["call_offs"] or 0 for u in users),
            "value_gbp": round(sum(u["value_gbp"] for u in users), 2),
            "owners": len(owners),
        },
        "users": users,
        "owners_not_calling_off": [node_ref(G, o) for o in sorted(owners - calling)],
        "frameworks": frameworks,
        "regions": _regions(G, region_of, councils),
    }


def _regions(
    G: nx.MultiDiGraph[str], region_of: Mapping[str, str], calling: set[str]
) -> list[dict[str, Any]]:
    """For each region (or nation) with a council that calls off: its councils, how many
    call off, the share, and the councils that do not."""
    members: dict[str, list[str]] = {}
    for body, region in region_of.items():
        if G.nodes[body].get("kind") == NodeKind.COUNCIL:
            members.setdefault(region, []).append(body)
    out: list[dict[str, Any]] = []
    for region in sorted({region_of[c] for c in calling if c in region_of}):
        councils = sorted(members[region])
        using = [c for c in councils if c in calling]
        out.append({
            **node_ref(G, region),
            "councils": len(councils),
            "calling_off": len(using),
            "share": round(len(using) / len(councils), 3),
            "not_calling_off": [node_ref(G, c) for c in councils if c not in calling],
        })  # fmt: skip
    out.sort(key=lambda r: (-r["share"], r["id"]))
    return out


SPEC = Analysis(
    name="coverage",
    summary="Who calls off a buying organisation's frameworks, and how much of each region",
    run=coverage,
    route="/nodes/{node}/coverage",
    needs=coverage_graph,
    params=(
        Param("node", str, REQUIRED, "a buying organisation", max_length=200, in_path=True,
              metavar="ID", examples=("bo:ypo",)),
    ),
)  # fmt: skip
