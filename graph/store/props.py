"""Records as Neo4j properties and back: a node's or link's attributes are properties beside
the reserved ones (``attr_keys`` lists them), dates are ``neo4j.time.Date`` in the database and
``datetime.date`` everywhere else, sources are ``DATASET@VINTAGE`` strings."""

from __future__ import annotations

from datetime import date
from typing import Any

import neo4j

from graph.errors import InvalidInput
from graph.model import Link, Node, NodeKind, Scalar, Source
from graph.store import cypher

NODE_KINDS = {v: k for k, v in cypher.LABELS.items()}
LINK_KINDS = {v: k for k, v in cypher.TYPES.items()}
RESERVED = {"id", "g", "kind", "name", "valid_from", "valid_to", "sources", "attr_keys", "role"}


def node_props(node: Node) -> dict[str, Any]:
    return {
        "id": node.id,
        "name": node.name,
        **_attr_props(node.attrs),
        "valid_from": node.valid_from,
        "valid_to": node.valid_to,
        "sources": [str(s) for s in node.sources],
    }


def link_props(link: Link) -> dict[str, Any]:
    return {
        "role": link.role,
        **_attr_props(link.attrs),
        "valid_from": link.valid_from,
        "valid_to": link.valid_to,
        "sources": [str(s) for s in link.sources],
    }


def _attr_props(attrs: Any) -> dict[str, Any]:
    clash = RESERVED & set(attrs)
    if clash:
        raise InvalidInput(f"attribute names reserved by the store: {', '.join(sorted(clash))}")
    return {**attrs, "attr_keys": sorted(attrs)}


def kind_of(labels: list[str]) -> NodeKind:
    return next(NODE_KINDS[label] for label in labels if label in NODE_KINDS)


def node_of(labels: list[str], props: dict[str, Any]) -> Node:
    kind = kind_of(labels)
    return Node(
        id=props["id"],
        kind=kind,
        name=props["name"],
        attrs=_attrs(props),
        valid_from=_day(props.get("valid_from")),
        valid_to=_day(props.get("valid_to")),
        sources=_sources(props.get("sources")),
    )


def link_from(record: neo4j.Record) -> Link:
    return link_of(record["from_id"], record["to_id"], record["type"], record["props"])


def link_of(from_id: str, to_id: str, type_: str, props: dict[str, Any]) -> Link:
    return Link(
        from_id=from_id,
        kind=LINK_KINDS[type_],
        to_id=to_id,
        role=props.get("role"),
        attrs=_attrs(props),
        valid_from=_day(props.get("valid_from")),
        valid_to=_day(props.get("valid_to")),
        sources=_sources(props.get("sources")),
    )


def _attrs(props: dict[str, Any]) -> dict[str, Scalar]:
    return {key: props[key] for key in props.get("attr_keys", []) if key in props}


def _day(value: Any) -> date | None:
    """Neo4j dates come back as ``neo4j.time.Date``: convert before they go further."""
    if value is None:
        return None
    native: date = value.to_native()
    return native


def _sources(values: list[str] | None) -> tuple[Source, ...]:
    return tuple(
        Source(dataset=d, vintage=v) for d, _, v in (s.rpartition("@") for s in values or [])
    )
