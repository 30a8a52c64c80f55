"""The one mapping from stored records to the NetworkX graph the analyses read.

Nodes and links are added in sorted order, so that analyses are deterministic whatever order
the records came in. Attributes are flat: ``kind``, ``name`` and the record's ``attrs`` on a
node; ``role`` and the link's ``attrs`` on a link, keyed by its kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import networkx as nx

from graph.model import Link, Node


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
