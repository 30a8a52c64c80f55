"""The collaboration graph: organisations linked by weighted evidence of working together.

From the stored graph (a ``MultiDiGraph`` from ``GraphStore.graph``), every pair of
organisations (councils and other public bodies) that share something gets one undirected edge
whose weight adds up what they share, and whose ``evidence`` lists each thing:

==================  ======================================================  ==============
evidence            how two organisations share it                          default weight
==================  ======================================================  ==============
shared_service      partners in one shared service                          3.0
joint_procurement   participants in one joint procurement                   2.0
pbo_owner           owners (founders, members, shareholders) of one PBO     1.0
pbo_user            both buy through one PBO (``buys_through``)             0.25
combined_authority  members of one combined authority                       1.0
borders             their areas share a boundary                            0.5
==================  ======================================================  ==============

An arrangement of ``n`` partners adds ``weight / (n - 1)`` to each pair (Newman's weighting of
collaboration networks), so a pair working alone together counts for more than a pair among the
32 owners of Scotland Excel, and each partner's total from one arrangement is the weight itself.
Weights are a ``Weights`` value, adjustable by callers (the CLI's ``--weight kind=value``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from itertools import combinations, repeat
from typing import TYPE_CHECKING, Any

from graph.errors import InvalidInput
from graph.lazy import lazy_module
from graph.model import LinkKind, NodeKind

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")

ORGANISATION_KINDS = frozenset({NodeKind.COUNCIL, NodeKind.PUBLIC_BODY})
"""Who collaborates: councils and the other public bodies in arrangements with them."""


@dataclass(frozen=True, slots=True)
class Weights:
    shared_service: float = 3.0
    joint_procurement: float = 2.0
    pbo_owner: float = 1.0
    pbo_user: float = 0.25
    combined_authority: float = 1.0
    borders: float = 0.5

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def parse(cls, items: Iterable[str]) -> Weights:
        """The default weights with ``KIND=VALUE`` items (``["borders=0"]``) applied; raises
        ``InvalidInput`` for a malformed item, an unknown kind or a negative value."""
        given: dict[str, float] = {}
        for item in items:
            name, _, value = item.partition("=")
            try:
                number = float(value)
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                raise InvalidInput(f"weight {item!r}: give KIND=NUMBER, e.g. borders=0.5")
            given[name.strip()] = number
        try:
            return cls().with_overrides(given)
        except ValueError as e:
            raise InvalidInput(f"weight: {e}") from None

    def with_overrides(self, given: Mapping[str, float]) -> Weights:
        """These weights with some replaced (``{"borders": 0}``); unknown names are an error."""
        known = {f.name for f in fields(self)}
        unknown = set(given) - known
        if unknown:
            raise ValueError(
                f"unknown weight {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}"
            )
        if any(v < 0 for v in given.values()):
            raise ValueError("weights cannot be negative")
        return replace(self, **dict(given))


EVIDENCE_OF_WORK = frozenset({"shared_service", "joint_procurement"})
"""Evidence that two organisations already work together (not merely could)."""

_GROUPS: dict[str, tuple[LinkKind, NodeKind]] = {
    "shared_service": (LinkKind.PARTNER_IN, NodeKind.SHARED_SERVICE),
    "joint_procurement": (LinkKind.PARTICIPATES_IN, NodeKind.JOINT_PROCUREMENT),
    "pbo_owner": (LinkKind.OWNS, NodeKind.BUYING_ORGANISATION),
    "pbo_user": (LinkKind.BUYS_THROUGH, NodeKind.BUYING_ORGANISATION),
    "combined_authority": (LinkKind.MEMBER_OF, NodeKind.COMBINED_AUTHORITY),
}


@dataclass(frozen=True, slots=True)
class LinkScan:
    """What one pass over the stored graph's links finds for the collaboration graph.

    Attributes
    ----------
    kinds
        Each node's kind, in ``G``'s node order.
    groups
        As ``groups(G)``: for each kind of evidence, each arrangement (or PBO, or CA) with its
        organisations, in sorted order.
    nodes
        ``G``'s nodes, in the order of its adjacency (``G.adjacency()``).
    border_from, border_to
        The two ends of every ``borders`` link (between any kinds of node), in ``G``'s edge
        order: where it is from as a position in ``nodes``, where it goes to as a node.
    within
        Every ``within`` link as ``(node, area)``, in ``G``'s edge order (``regions`` reads them).
    """

    kinds: dict[str, Any]
    groups: dict[str, dict[str, list[str]]]
    nodes: list[str]
    border_from: list[int]
    border_to: list[str]
    within: list[tuple[str, str]]


def link_scan(G: nx.MultiDiGraph[str]) -> LinkScan:
    """The groups, borders and ``within`` links of ``G``, found in one pass over its links.

    Parameters
    ----------
    G
        The stored graph, as ``GraphStore.graph`` gives it.

    Returns
    -------
    LinkScan
        What the pass found; its ``groups`` are ``groups(G)``.
    """
    found: dict[str, dict[str, set[str]]] = {name: defaultdict(set) for name in _GROUPS}
    wanted = {str(link): (name, str(target)) for name, (link, target) in _GROUPS.items()}
    kind_of: dict[str, Any] = {n: d.get("kind") for n, d in G.nodes(data=True)}
    organisations = {str(k) for k in ORGANISATION_KINDS}
    border, within_key = str(LinkKind.BORDERS), str(LinkKind.WITHIN)
    nodes: list[str] = []
    border_from: list[int] = []
    border_to: list[str] = []
    within: list[tuple[str, str]] = []
    for i, (u, out) in enumerate(G.adjacency()):  # out: the nodes its links go to, and kinds
        nodes.append(u)
        near = [v for v, keys in out.items() if border in keys]
        if near:
            border_from += repeat(i, len(near))
            border_to += near
            if len(near) == len(out) and len(near) == sum(map(len, out.values())):
                continue  # borders alone, one link to each (most nodes of a large graph)
        for v, keys in [
            (v, keys) for v, keys in out.items() if len(keys) > 1 or border not in keys
        ]:
            for key in keys:
                if key == within_key:
                    within.append((u, v))
                elif (
                    (entry := wanted.get(key)) is not None
                    and kind_of[v] == entry[1]
                    and kind_of[u] in organisations
                ):
                    found[entry[0]][v].add(u)
    return LinkScan(
        kinds=kind_of,
        groups={
            name: {group: sorted(members) for group, members in sorted(by.items())}
            for name, by in found.items()
        },
        nodes=nodes,
        border_from=border_from,
        border_to=border_to,
        within=within,
    )


def groups(G: nx.MultiDiGraph[str]) -> dict[str, dict[str, list[str]]]:
    """For each kind of evidence, each arrangement (or PBO, or CA) with its organisations, in
    sorted order: ``{"shared_service": {"ss:x": ["E06...", "E07..."]}, ...}``."""
    return link_scan(G).groups


def collaboration_graph(G: nx.MultiDiGraph[str], weights: Weights | None = None) -> nx.Graph[str]:
    """The weighted, undirected collaboration graph of the organisations in ``G``.

    Every organisation is a node (an isolated one has no edges). Each edge has ``weight`` and
    ``evidence``: a list of ``(kind, via, share)`` where ``via`` is the arrangement, PBO or
    combined authority (or ``""`` for a border) and ``share`` its part of the weight.
    """
    weights = weights or Weights()
    C: nx.Graph[str] = nx.Graph()
    C.add_nodes_from(
        (node, {"kind": data["kind"], "name": data.get("name", node)})
        for node, data in G.nodes(data=True)
        if data.get("kind") in ORGANISATION_KINDS
    )
    scan = link_scan(G)
    pairs: dict[tuple[str, str], list[tuple[str, str, float]]] = defaultdict(list)
    for name, by_group in scan.groups.items():
        weight = getattr(weights, name)
        if weight <= 0:
            continue
        for group, members in by_group.items():
            if len(members) < 2:
                continue
            share = weight / (len(members) - 1)
            for pair in combinations(members, 2):
                pairs[pair].append((name, group, share))
    if weights.borders > 0:
        border = ("borders", "", weights.borders)
        for i, v in zip(scan.border_from, scan.border_to, strict=True):
            u = scan.nodes[i]
            if u in C and v in C:
                pairs[(u, v) if u < v else (v, u)].append(border)
    edges = []
    for pair in sorted(pairs):
        evidence = pairs[pair]
        evidence.sort()  # the same sum in the same order, whatever order G was built in
        edges.append((*pair, {"weight": sum(e[2] for e in evidence), "evidence": evidence}))
    C.add_edges_from(edges)
    return C


def works_with(C: nx.Graph[str], a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` already share a service or a joint procurement."""
    data = C.get_edge_data(a, b)
    return bool(data) and any(e[0] in EVIDENCE_OF_WORK for e in data["evidence"])
