"""Plain-dict views of stored records, the shape the CLI's ``--json`` and the API return."""

from __future__ import annotations

from datetime import date
from typing import Any

from graph.errors import NotFound
from graph.model import Link, LinkKind, Node
from graph.search import search
from graph.store.base import GraphStore

SUGGESTIONS = 5


def node_dict(node: Node) -> dict[str, Any]:
    return {
        "id": node.id,
        "kind": str(node.kind),
        "name": node.name,
        **dict(node.attrs),
        "valid_from": _iso(node.valid_from),
        "valid_to": _iso(node.valid_to),
        "sources": [str(s) for s in node.sources],
    }


def link_dict(link: Link) -> dict[str, Any]:
    return {
        "from_id": link.from_id,
        "kind": str(link.kind),
        "to_id": link.to_id,
        "role": link.role,
        **dict(link.attrs),
        "valid_from": _iso(link.valid_from),
        "valid_to": _iso(link.valid_to),
        "sources": [str(s) for s in link.sources],
    }


def node_with_links(store: GraphStore, node_id: str, at: date | None = None) -> dict[str, Any]:
    """One node, its attributes and its links, each with the node at the other end; with
    ``at``, only the links in force that day between bodies that existed then, and whether the
    node itself existed (``existed``)."""
    node = store.get_node(node_id)
    if node is None:
        raise NotFound(f"no node with id {node_id!r}", hint=_suggest(store, node_id))
    links = store.links_of(node_id)
    others = store.get_nodes({k.to_id if k.from_id == node_id else k.from_id for k in links})
    if at is not None:
        alive = node.valid_at(at)
        links = [
            k
            for k in links
            if alive
            and k.valid_at(at)
            and (o := others.get(k.to_id if k.from_id == node_id else k.from_id)) is not None
            and o.valid_at(at)
        ]
    items = []
    order = list(LinkKind)
    for link in sorted(links, key=lambda k: (order.index(k.kind), k.to_id, k.from_id)):
        other_id = link.to_id if link.from_id == node_id else link.from_id
        other = others.get(other_id)
        items.append(
            {
                **link_dict(link),
                "direction": "out" if link.from_id == node_id else "in",
                "other": {
                    "id": other_id,
                    "name": other.name if other else None,
                    "kind": str(other.kind) if other else None,
                },
            }
        )
    view: dict[str, Any] = {"node": node_dict(node), "links": items}
    if at is not None:
        view |= {"as_at": at.isoformat(), "existed": node.valid_at(at)}
    return view


def _suggest(store: GraphStore, text: str) -> str:
    """The closest nodes to ``text`` by the store's search (every record, ended ones too)."""
    best = search(store.search_rows(None), {}, q=text)[:SUGGESTIONS]
    if not best:
        return "ids are GSS codes such as E08000035; 'partnermap stats' shows what is loaded"
    return "did you mean " + ", ".join(f"{n['id']} ({n['name']})" for n in best) + "?"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def vintage(store: GraphStore, at: date | None) -> dict[str, Any]:
    """What an analysis was computed from: the store's data version, the date the graph was
    taken as at, and every dataset (with its vintage) behind the stored records, ended ones
    too (``GraphStore.sources(None)``)."""
    return {
        "data_version": store.data_version(),
        "as_at": _iso(at),
        "datasets": store.sources(None),
    }
