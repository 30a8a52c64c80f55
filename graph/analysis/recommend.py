"""Partner recommendations: organisations a council does not yet work with, scored from what
they share, each with its reasons."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from graph.analysis.collab import ORGANISATION_KINDS, Weights
from graph.analysis.common import check_node, name_of, node_ref, targets
from graph.analysis.spec import REQUIRED, WEIGHTS, Analysis, Param
from graph.errors import InvalidInput
from graph.lazy import lazy_module
from graph.model import LinkKind, NodeKind

if TYPE_CHECKING:
    import networkx as nx

    from graph.store.base import GraphStore
else:
    nx = lazy_module("networkx")

WORK = frozenset({LinkKind.PARTNER_IN, LinkKind.PARTICIPATES_IN})
PBO_LINKS = frozenset({LinkKind.OWNS, LinkKind.BUYS_THROUGH})
GROUPS = PBO_LINKS | {LinkKind.MEMBER_OF}


def recommend(
    G: nx.MultiDiGraph[str], node: str, *, weights: Weights | None = None, top: int = 10
) -> dict[str, Any]:
    """Organisations ``node`` does not yet work with (no shared service or joint procurement
    together) that it most resembles or neighbours, each with its reasons.

    Score = Adamic-Adar over the partners both already work with, + Jaccard of their PBOs
    (owned or used), + the border weight if they border, + the combined-authority weight if
    they are in one together. Computed on ``node``'s neighbourhood in ``G`` (two steps out),
    so it takes milliseconds on a graph of any size.

    Parameters
    ----------
    G
        The stored graph as at a day, or only ``node``'s part of it (``recommend_graph``).
    node
        A council or other public body (``NotFound`` if it is not in ``G``).
    weights
        The evidence weights of the collaboration graph (``Weights()`` by default).
    top
        Recommendations listed.

    Returns
    -------
    dict
        ``parameters``, ``node``, ``works_with`` (its partners today) and
        ``recommendations`` (each with ``score``, ``breakdown``, ``common_partners``,
        ``reasons``), best first.
    """
    weights = weights or Weights()
    check_node(G, node)
    kind = G.nodes[node].get("kind")
    if kind not in ORGANISATION_KINDS:
        raise InvalidInput(f"{node} is a {kind}; recommendations are for councils and other "
                           "public bodies")  # fmt: skip
    local = _Local(G)
    partners = local.partners(node)
    candidates: set[str] = set()
    if weights.borders > 0:
        candidates |= local.borders(node)
    if weights.combined_authority > 0:
        candidates |= {m for ca in local.cas(node) for m in local.members(ca, LinkKind.MEMBER_OF)}
    for partner in partners:
        candidates |= local.partners(partner)
    for bo in local.pbos(node):
        candidates |= local.members(bo, LinkKind.OWNS) | local.members(bo, LinkKind.BUYS_THROUGH)
    candidates -= {node, *partners}
    out: list[dict[str, Any]] = []
    for other in sorted(candidates):
        if G.nodes[other].get("kind") != kind:
            continue  # councils are recommended councils; public bodies, public bodies
        common = sorted(partners & local.partners(other))
        adamic_adar = sum(
            1 / math.log(len(local.partners(z))) for z in common if len(local.partners(z)) > 1
        )
        mine, theirs = local.pbos(node), local.pbos(other)
        jaccard = len(mine & theirs) / len(mine | theirs) if mine | theirs else 0.0
        border = weights.borders if other in local.borders(node) else 0.0
        cas = sorted(local.cas(node) & local.cas(other))
        same_ca = weights.combined_authority if cas else 0.0
        score = adamic_adar + jaccard + border + same_ca
        if score <= 0:
            continue
        reasons = []
        if common:
            reasons.append("both work with " + ", ".join(name_of(G, z) for z in common[:5]))
        if border:
            reasons.append("borders it")
        if same_ca:
            reasons.append("in " + ", ".join(name_of(G, c) for c in cas))
        if mine & theirs:
            shared = ", ".join(name_of(G, b) for b in sorted(mine & theirs))
            reasons.append(f"buys through or owns {shared}")
        out.append(
            {
                **node_ref(G, other),
                "score": round(score, 4),
                "breakdown": {
                    "adamic_adar": round(adamic_adar, 4),
                    "pbo_jaccard": round(jaccard, 4),
                    "borders": border,
                    "same_combined_authority": same_ca,
                },
                "common_partners": [node_ref(G, z) for z in common],
                "reasons": reasons,
            }
        )
    out.sort(key=lambda r: (-r["score"], r["id"]))
    return {
        "parameters": {"node": node, "top": top, "weights": weights.as_dict()},
        "node": node_ref(G, node),
        "works_with": [node_ref(G, p) for p in sorted(partners)],
        "recommendations": out[:top],
    }


def recommend_graph(
    store: GraphStore, at: date, arguments: Mapping[str, Any]
) -> nx.MultiDiGraph[str]:
    """The part of the graph as at ``at`` that ``recommend(G, arguments["node"], ...)`` reads,
    from four ``neighbourhood`` reads (each the subgraph induced by the nodes it reaches):

    - 4 hops of ``partner_in``/``participates_in``: the arrangements of ``node``, its
      partners, their arrangements and their partners, so every candidate through work,
      every partner's own partners (Adamic-Adar counts them) and every arrangement a
      candidate shares with one of ``node``'s partners (at most 3 hops out);
    - 2 hops of ``member_of``/``owns``/``buys_through``: ``node``'s combined authorities and
      buying organisations with all their members, owners and users (candidates);
    - 1 hop of ``borders``: its neighbours (candidates);
    - 1 hop of ``owns``/``buys_through`` from every node of ``node``'s kind found so far
      (every candidate): all its buying organisations, for the PBO Jaccard. (Its combined
      authorities count only where they are ``node``'s, and those are read with all their
      members already.)

    The union holds every node and link ``recommend`` looks at, so the answer is the same as
    on the whole graph (a test checks it for every council and public body).
    """
    node = arguments["node"]
    around = _union(
        store.neighbourhood([node], 4, at, kinds=WORK),
        store.neighbourhood([node], 2, at, kinds=GROUPS),
        store.neighbourhood([node], 1, at, kinds={LinkKind.BORDERS}),
    )
    if node not in around:
        return around
    kind = around.nodes[node].get("kind")
    candidates = sorted(n for n, d in around.nodes(data=True) if d.get("kind") == kind)
    return _union(around, store.neighbourhood(candidates, 1, at, kinds=PBO_LINKS))


def _union(*graphs: nx.MultiDiGraph[str]) -> nx.MultiDiGraph[str]:
    """The nodes and links of all ``graphs`` (parts of one graph: the same attributes)."""
    union: nx.MultiDiGraph[str] = nx.compose_all(graphs)
    return union


class _Local:
    """Questions about one organisation's neighbourhood in the stored graph, remembered."""

    WORK = (str(LinkKind.PARTNER_IN), str(LinkKind.PARTICIPATES_IN))

    def __init__(self, G: nx.MultiDiGraph[str]) -> None:
        self.G = G
        self._partners: dict[str, set[str]] = {}

    def _organisation(self, node: str) -> bool:
        return self.G.nodes[node].get("kind") in ORGANISATION_KINDS

    def members(self, group: str, kind: LinkKind) -> set[str]:
        key = str(kind)
        return {u for u, _, k in self.G.in_edges(group, keys=True)
                if k == key and self._organisation(u)}  # fmt: skip

    def partners(self, node: str) -> set[str]:
        """Who shares a service or a joint procurement with ``node``."""
        if node not in self._partners:
            found: set[str] = set()
            for _, arrangement, k in self.G.out_edges(node, keys=True):
                if k in self.WORK:
                    for u, _, k2 in self.G.in_edges(arrangement, keys=True):
                        if k2 in self.WORK and self._organisation(u):
                            found.add(u)
            found.discard(node)
            self._partners[node] = found
        return self._partners[node]

    def borders(self, node: str) -> set[str]:
        key = str(LinkKind.BORDERS)
        out = {v for _, v, k in self.G.out_edges(node, keys=True) if k == key}
        return out | {u for u, _, k in self.G.in_edges(node, keys=True) if k == key}

    def cas(self, node: str) -> set[str]:
        return set(targets(self.G, node, LinkKind.MEMBER_OF, NodeKind.COMBINED_AUTHORITY))

    def pbos(self, node: str) -> set[str]:
        kinds = (LinkKind.OWNS, LinkKind.BUYS_THROUGH)
        return {b for k in kinds for b in targets(self.G, node, k, NodeKind.BUYING_ORGANISATION)}


SPEC = Analysis(
    name="recommend",
    summary="Who a council should work with next, and why",
    run=recommend,
    route="/nodes/{node}/recommendations",
    needs=recommend_graph,
    params=(
        Param("node", str, REQUIRED, "a council or other public body", max_length=200,
              in_path=True, metavar="ID", examples=("E08000035",)),
        Param("top", int, 10, "recommendations listed", ge=1, le=100),
        WEIGHTS,
    ),
)  # fmt: skip
