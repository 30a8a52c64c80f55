"""Gaps: councils with no recorded arrangement, combined authorities whose members share
nothing, and neighbours that buy the same things separately."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import TYPE_CHECKING, Any

from graph.analysis.collab import EVIDENCE_OF_WORK, Weights, collaboration_graph, groups, works_with
from graph.analysis.common import ca_members, councils, node_ref
from graph.analysis.spec import WEIGHTS, Analysis, Param
from graph.lazy import lazy_module
from graph.model import LinkKind

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")


def gaps(
    G: nx.MultiDiGraph[str], *, weights: Weights | None = None, top: int = 50
) -> dict[str, Any]:
    """Councils with no recorded shared service or joint procurement; combined-authority
    members that share nothing with the other members; and neighbours that each have an
    arrangement in a category but none together.

    Parameters
    ----------
    G
        The stored graph as at a day.
    weights
        The evidence weights of the collaboration graph (``Weights()`` by default).
    top
        Pairs of neighbours buying separately listed (all are counted).

    Returns
    -------
    dict
        ``parameters``, ``councils_without_partnerships``, ``combined_authorities`` (pairs
        sharing nothing, members alone), ``neighbours_buying_separately`` and its total.
    """
    weights = weights or Weights()
    C = collaboration_graph(G, weights)
    found = groups(G)
    taking_part = {m for kind in EVIDENCE_OF_WORK for ms in found[kind].values() for m in ms}
    alone = [node_ref(G, c) for c in councils(G) if c not in taking_part]
    ca_gaps: list[dict[str, Any]] = []
    for ca, members in sorted(ca_members(G, found).items()):
        lonely = [m for m in members if not any(works_with(C, m, o) for o in members if o != m)]
        pairs = list(combinations(members, 2))
        unlinked = sum(1 for a, b in pairs if not works_with(C, a, b))
        ca_gaps.append(
            {
                **node_ref(G, ca),
                "members": len(members),
                "pairs_sharing_nothing": unlinked,
                "pairs": len(pairs),
                "members_sharing_nothing_with_the_others": [node_ref(G, m) for m in lonely],
            }
        )
    ca_gaps.sort(key=lambda r: (-len(r["members_sharing_nothing_with_the_others"]), r["id"]))
    by_category: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for kind in EVIDENCE_OF_WORK:
        for via, members in found[kind].items():
            category = str(G.nodes[via].get("category") or "other")
            for m in members:
                by_category[m][category].add(via)
    separate: list[dict[str, Any]] = []
    for u, v, key in G.edges(keys=True):
        if key != str(LinkKind.BORDERS) or u not in C or v not in C:
            continue
        for category in sorted(set(by_category[u]) & set(by_category[v])):
            if category == "other" or by_category[u][category] & by_category[v][category]:
                continue
            separate.append(
                {
                    "councils": [node_ref(G, u), node_ref(G, v)],
                    "category": category,
                    "separately": {
                        u: [node_ref(G, a) for a in sorted(by_category[u][category])],
                        v: [node_ref(G, a) for a in sorted(by_category[v][category])],
                    },
                }
            )
    separate.sort(key=lambda r: (r["category"], r["councils"][0]["id"], r["councils"][1]["id"]))
    return {
        "parameters": {"top": top, "weights": weights.as_dict()},
        "councils_without_partnerships": alone,
        "combined_authorities": ca_gaps,
        "neighbours_buying_separately": separate[:top],
        "neighbours_buying_separately_total": len(separate),
    }


SPEC = Analysis(
    name="gaps",
    summary="Councils, combined authorities and neighbours that share nothing",
    run=gaps,
    route="/gaps",
    params=(Param("top", int, 50, "pairs of neighbours listed", ge=1, le=1000), WEIGHTS),
)
