"""The Neo4j backend: the graph in a Neo4j 5 database, through the official driver over Bolt.

Every node has the label ``Node`` (unique ``id``) and one label for its kind; each link kind is
one relationship type. Labels and types come only from the model's enums; every query is a
constant string with ``$parameters``. A write is one transaction: ``UNWIND $rows`` batches of
nodes, then of links, then the data version, committed together or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

import neo4j
from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

from graph.errors import InvalidInput, StoreUnavailable
from graph.model import Link, LinkKey, LinkKind, Node, NodeKind, Scalar, Source
from graph.store import GraphStore

logger = logging.getLogger(__name__)

BATCH = 5_000

LABELS = {
    NodeKind.COUNCIL: "Council",
    NodeKind.COMBINED_AUTHORITY: "CombinedAuthority",
    NodeKind.REGION: "Region",
    NodeKind.NATION: "Nation",
}
TYPES = {kind: kind.value.upper() for kind in LinkKind}
NODE_KINDS = {v: k for k, v in LABELS.items()}
LINK_KINDS = {v: k for k, v in TYPES.items()}
RESERVED = {"id", "kind", "name", "valid_from", "valid_to", "sources", "attr_keys", "role"}

SCHEMA = (
    "CREATE CONSTRAINT partnermap_node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT partnermap_meta_key IF NOT EXISTS "
    "FOR (m:PartnermapMeta) REQUIRE m.key IS UNIQUE",
)

_ALL_LABELS = ":".join(LABELS.values())
# One constant query per node kind and per link kind, made here from the enums only.
WRITE_NODES = {
    kind: (
        "UNWIND $rows AS row MERGE (n:Node {id: row.id}) "
        f"REMOVE n:{_ALL_LABELS} SET n = row.props, n:{label}"
    )
    for kind, label in LABELS.items()
}
WRITE_LINKS = {
    kind: (
        "UNWIND $rows AS row "
        "MATCH (a:Node {id: row.from_id}) MATCH (b:Node {id: row.to_id}) "
        f"MERGE (a)-[r:{rel}]->(b) SET r = row.props"
    )
    for kind, rel in TYPES.items()
}
GET_LINKS = {
    kind: (
        "UNWIND $pairs AS pair "
        f"MATCH (a:Node {{id: pair[0]}})-[r:{rel}]->(b:Node {{id: pair[1]}}) "
        "RETURN a.id AS from_id, b.id AS to_id, type(r) AS type, properties(r) AS props"
    )
    for kind, rel in TYPES.items()
}
BUMP_VERSION = (
    "MERGE (m:PartnermapMeta {key: 'graph'}) "
    "SET m.version = coalesce(m.version, 0) + 1 RETURN m.version AS version"
)
DELETE_ALL = "MATCH (n:Node) DETACH DELETE n"
GET_VERSION = "MATCH (m:PartnermapMeta {key: 'graph'}) RETURN m.version AS version"
GET_NODES = "MATCH (n:Node) WHERE n.id IN $ids RETURN labels(n) AS labels, properties(n) AS props"
ALL_NODES = "MATCH (n:Node) RETURN labels(n) AS labels, properties(n) AS props"
ALL_LINKS = (
    "MATCH (a:Node)-[r]->(b:Node) "
    "RETURN a.id AS from_id, b.id AS to_id, type(r) AS type, properties(r) AS props"
)
LINKS_OF = (
    "MATCH (n:Node {id: $id})-[r]-(:Node) "
    "RETURN startNode(r).id AS from_id, endNode(r).id AS to_id, type(r) AS type, "
    "properties(r) AS props"
)
FORMER_CODES = (
    "MATCH (n:Node) WHERE n.former_codes IS NOT NULL RETURN n.id AS id, n.former_codes AS codes"
)


class Neo4jStore(GraphStore):
    name = "neo4j"

    def __init__(
        self,
        uri: str,
        *,
        username: str,
        password: str,
        database: str = "neo4j",
        connection_timeout: float = 10.0,
    ) -> None:
        self.uri = uri
        self.database = database
        self._driver: Driver = GraphDatabase.driver(
            uri,
            auth=(username, password),
            connection_timeout=connection_timeout,
            max_transaction_retry_time=connection_timeout,
            notifications_min_severity="OFF",
        )
        self._schema_ready = False

    # --- plumbing ----------------------------------------------------------------------

    def close(self) -> None:
        self._driver.close()

    def _translate(self, e: Exception) -> StoreUnavailable:
        logger.debug("Neo4j at %s: %r", self.uri, e)
        if isinstance(e, AuthError):
            return StoreUnavailable(
                f"Neo4j at {self.uri} refused the username or password",
                hint="set NEO4J_USERNAME and NEO4J_PASSWORD to the server's",
            )
        return StoreUnavailable(
            f"cannot reach Neo4j at {self.uri}",
            hint="start it (make neo4j-up) or set NEO4J_URI to a running server",
        )

    def _read(self, query: str, **params: Any) -> list[neo4j.Record]:
        self._ensure_schema()
        try:
            records, _, _ = self._driver.execute_query(
                query, params, database_=self.database, routing_="r"
            )
        except (ServiceUnavailable, SessionExpired, AuthError, OSError) as e:
            raise self._translate(e) from e
        return list(records)

    def _ensure_schema(self) -> None:
        if self._schema_ready:
            return
        try:
            self._driver.verify_connectivity()  # fails at once, where queries would retry
            for statement in SCHEMA:
                self._driver.execute_query(statement, database_=self.database)
        except (ServiceUnavailable, SessionExpired, AuthError, OSError) as e:
            raise self._translate(e) from e
        self._schema_ready = True

    # --- reading -----------------------------------------------------------------------

    def get_nodes(self, ids: Iterable[str]) -> dict[str, Node]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Node] = {}
        for start in range(0, len(wanted), BATCH):
            for record in self._read(GET_NODES, ids=wanted[start : start + BATCH]):
                node = _node(record["labels"], record["props"])
                found[node.id] = node
        return found

    def get_links(self, keys: Iterable[LinkKey]) -> dict[LinkKey, Link]:
        by_kind: dict[LinkKind, list[list[str]]] = {}
        for from_id, kind, to_id in keys:
            by_kind.setdefault(kind, []).append([from_id, to_id])
        found: dict[LinkKey, Link] = {}
        for kind, pairs in by_kind.items():
            for start in range(0, len(pairs), BATCH):
                for record in self._read(GET_LINKS[kind], pairs=pairs[start : start + BATCH]):
                    link = _link(record)
                    found[link.key] = link
        return found

    def links_of(self, node_id: str) -> list[Link]:
        return sorted((_link(r) for r in self._read(LINKS_OF, id=node_id)), key=lambda k: k.key)

    def iter_nodes(self) -> Iterator[Node]:
        return (_node(r["labels"], r["props"]) for r in self._read(ALL_NODES))

    def iter_links(self) -> Iterator[Link]:
        return (_link(r) for r in self._read(ALL_LINKS))

    def former_codes(self) -> dict[str, str]:
        return {
            code: r["id"]
            for r in self._read(FORMER_CODES)
            for code in str(r["codes"]).split(";")
            if code
        }

    def data_version(self) -> str:
        records = self._read(GET_VERSION)
        return f"neo4j:{records[0]['version'] if records else 0}"

    # --- writing -----------------------------------------------------------------------

    def write(self, nodes: Sequence[Node], links: Sequence[Link], *, replace: bool = False) -> None:
        self._ensure_schema()
        incoming = {n.id for n in nodes}
        ends = {e for k in links for e in (k.from_id, k.to_id)} - incoming
        if ends and replace:
            raise InvalidInput(f"links to nodes that are not in the new graph: {min(ends)}")
        if ends:
            present = set(self.get_nodes(ends))
            missing = sorted(ends - present)
            if missing:
                raise InvalidInput(
                    f"links to nodes that are not stored: {', '.join(missing[:5])}",
                    hint="load the nodes first, or in the same load",
                )
        try:
            with self._driver.session(database=self.database) as session:
                session.execute_write(_write_all, nodes, links, replace)
        except (ServiceUnavailable, SessionExpired, AuthError, OSError) as e:
            raise self._translate(e) from e
        except Neo4jError as e:
            raise StoreUnavailable(
                f"Neo4j at {self.uri} refused the write ({e.code}): {e.message}",
                hint="nothing was stored; check the server log",
            ) from e


def _write_all(
    tx: ManagedTransaction, nodes: Sequence[Node], links: Sequence[Link], replace: bool
) -> None:
    if replace:
        tx.run(DELETE_ALL).consume()
    by_kind: dict[NodeKind, list[dict[str, Any]]] = {}
    for node in nodes:
        by_kind.setdefault(node.kind, []).append({"id": node.id, "props": _node_props(node)})
    for kind, rows in by_kind.items():
        for start in range(0, len(rows), BATCH):
            tx.run(WRITE_NODES[kind], rows=rows[start : start + BATCH]).consume()
    links_by_kind: dict[LinkKind, list[dict[str, Any]]] = {}
    for link in links:
        links_by_kind.setdefault(link.kind, []).append(
            {"from_id": link.from_id, "to_id": link.to_id, "props": _link_props(link)}
        )
    for link_kind, rows in links_by_kind.items():
        for start in range(0, len(rows), BATCH):
            tx.run(WRITE_LINKS[link_kind], rows=rows[start : start + BATCH]).consume()
    tx.run(BUMP_VERSION).consume()


def _node_props(node: Node) -> dict[str, Any]:
    return {
        "id": node.id,
        "name": node.name,
        **_attr_props(node.attrs),
        "valid_from": node.valid_from,
        "valid_to": node.valid_to,
        "sources": [str(s) for s in node.sources],
    }


def _link_props(link: Link) -> dict[str, Any]:
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


def _node(labels: list[str], props: dict[str, Any]) -> Node:
    kind = next(NODE_KINDS[label] for label in labels if label in NODE_KINDS)
    return Node(
        id=props["id"],
        kind=kind,
        name=props["name"],
        attrs=_attrs(props),
        valid_from=_day(props.get("valid_from")),
        valid_to=_day(props.get("valid_to")),
        sources=_sources(props.get("sources")),
    )


def _link(record: neo4j.Record) -> Link:
    props = record["props"]
    return Link(
        from_id=record["from_id"],
        kind=LINK_KINDS[record["type"]],
        to_id=record["to_id"],
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
