"""The one mapping from stored records to what readers get: the NetworkX graph the analyses
read (``to_networkx``) and the rows that search reads (``search_row``).

Nodes and links are added in sorted order, so that analyses are deterministic whatever order
the records came in. Attributes are flat: ``kind``, ``name`` and the record's ``attrs`` on a
node; ``role`` and the link's ``attrs`` on a link, keyed by its kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx

from graph.model import Link, LinkKind, Node, NodeKind, Scalar


def to_networkx(
    nodes: Iterable[Node], links: Iterable[Link], at: date | None = None
) -> nx.MultiDiGraph[str]:
    """``nodes`` and ``links`` (those valid on ``at``, when given) as a ``MultiDiGraph``; a
    link is kept only when both its ends are."""
    G: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node in sorted(nodes, key=lambda n: n.id):
        if at is None or node.valid_at(at):
            G.add_node(node.id, kind=str(node.kind), name=node.name, **node.attrs)
    for link in sorted(links, key=lambda k: k.key):
        if link.from_id in G and link.to_id in G and (at is None or link.valid_at(at)):
            G.add_edge(link.from_id, link.to_id, key=str(link.kind), role=link.role, **link.attrs)
    return G


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchRow:
    """What search reads of one node as at a day: its names and codes, and where it is."""

    id: str
    kind: NodeKind
    name: str
    official_name: str | None = None
    full_name: str | None = None
    """A buying organisation's full name (``CCS``: ``Crown Commercial Service``)."""
    council_type: str | None = None
    former_codes: tuple[str, ...] = ()
    region: str | None = None
    """The region it is ``within``, else the nation (``graph.analysis.regions``' rule)."""
    combined_authorities: tuple[str, ...] = ()
    """The combined authorities it is a ``member_of`` or ``within``."""
    counties: tuple[str, ...] = ()
    """The councils (counties) it is ``within``."""


Target = tuple[LinkKind, NodeKind, str]
"""A ``within`` or ``member_of`` link from a node: its kind, the kind of the node it goes to,
and that node's id."""


def search_row(
    *,
    id: str,
    kind: NodeKind,
    name: str,
    official_name: Scalar | None,
    full_name: Scalar | None,
    council_type: Scalar | None,
    former_codes: Scalar | None,
    targets: Iterable[Target],
) -> SearchRow:
    """One node's ``SearchRow`` from its fields and its ``within``/``member_of`` links (those
    valid on the day, to nodes valid on the day)."""
    targets = list(targets)
    within = LinkKind.WITHIN
    regions = sorted(t for k, tk, t in targets if k == within and tk is NodeKind.REGION)
    nations = sorted(t for k, tk, t in targets if k == within and tk is NodeKind.NATION)
    cas = {t for k, tk, t in targets if tk is NodeKind.COMBINED_AUTHORITY and
           k in (within, LinkKind.MEMBER_OF)}  # fmt: skip
    return SearchRow(
        id=id,
        kind=kind,
        name=name,
        official_name=None if official_name is None else str(official_name),
        full_name=None if full_name is None else str(full_name),
        council_type=None if council_type is None else str(council_type),
        former_codes=tuple(c for c in str(former_codes or "").split(";") if c),
        region=next(iter(regions or nations), None),
        combined_authorities=tuple(sorted(cas)),
        counties=tuple(
            sorted({t for k, tk, t in targets if k == within and tk is NodeKind.COUNCIL})
        ),
    )


ANALYSIS_NODE_ATTRS = ("council_type", "category", "ca_type", "population", "population_year")
"""What the whole-graph analyses read of a node besides its kind and name."""
ANALYSIS_LINK_ATTRS = ("total_value_gbp",)
"""What they read of a link besides its kind and role (a buying organisation's reach)."""


def analysis_networkx(
    nodes: Iterable[tuple[str, str, str, dict[str, Any]]],
    links: Iterable[tuple[str, str, str, str | None, dict[str, Any]]],
) -> nx.MultiDiGraph[str]:
    """The graph the whole-graph analyses read, from ``(id, kind, name, attrs)`` nodes and
    ``(from, kind, to, role, attrs)`` links (attrs: only ANALYSIS_*_ATTRS, None left out),
    in ``to_networkx``'s sorted order, so the analyses give the same answers as on it."""
    G: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node_id, kind, name, attrs in sorted(nodes, key=lambda n: n[0]):
        G.add_node(node_id, kind=kind, name=name,
                   **{k: v for k, v in attrs.items() if v is not None})  # fmt: skip
    for u, kind, v, role, attrs in sorted(links, key=lambda k: (k[0], k[1], k[2])):
        if u in G and v in G:
            G.add_edge(u, v, key=kind, role=role,
                       **{k: a for k, a in attrs.items() if a is not None})  # fmt: skip
    return G
