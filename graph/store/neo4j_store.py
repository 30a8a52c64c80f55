"""The Neo4j backend: the graph in a Neo4j 5 database, through the official driver over Bolt.

Every node has the label ``Node`` (unique ``id`` within its generation) and one label for its
kind; each link kind is one relationship type (``graph.cypher`` has every statement).

Writes are all or nothing. A write of up to ``single_transaction_rows`` records is one
transaction: ``UNWIND $rows`` batches of nodes, then of links, then the version, committed
together. A larger write (a million links would outgrow the server's transaction memory) is
staged: the current generation is copied to a new one, the changes are written into the copy
in batches of their own, and one small transaction makes the copy current, provided no other
write came in meanwhile. Readers see the old generation until that moment; a load that dies
midway leaves a stale generation that the next large write deletes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import neo4j
import networkx as nx
from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

from graph.errors import InvalidInput, StoreBusy, StoreUnavailable
from graph.model import (
    BodyMatches,
    ContractProbe,
    ContractRow,
    Link,
    LinkKey,
    LinkKind,
    Node,
    NodeKind,
    compare_rows,
    contract_row,
)
from graph.store import cypher
from graph.store.base import ROWS_KEPT, GraphStore, Stats, follow_kinds, keep_day, start_ids
from graph.store.props import (
    LINK_KINDS,
    kind_of,
    link_from,
    link_of,
    link_props,
    node_of,
    node_props,
)
from graph.store.records import (
    ANALYSIS_LINK_ATTRS,
    ANALYSIS_NODE_ATTRS,
    SearchRow,
    analysis_networkx,
    search_row,
    to_networkx,
)

logger = logging.getLogger(__name__)

BATCH = 5_000


@dataclass(slots=True)
class _ContractsOfDay:
    bodies: dict[str, list[ContractRow]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    supplied: dict[str, list[ContractRow]] = field(default_factory=dict)

    def rows(self) -> int:
        return sum(map(len, self.bodies.values())) + sum(map(len, self.supplied.values()))


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
        single_transaction_rows: int = 50_000,
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
        self._contracts_days: tuple[str, dict[date | None, _ContractsOfDay]] = ("", {})
        self.single_transaction_rows = single_transaction_rows

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
            for statement in cypher.SCHEMA:
                self._driver.execute_query(statement, database_=self.database)
        except (ServiceUnavailable, SessionExpired, AuthError, OSError) as e:
            raise self._translate(e) from e
        self._schema_ready = True

    # --- reading -----------------------------------------------------------------------

    def get_nodes(self, ids: Iterable[str]) -> dict[str, Node]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Node] = {}
        for start in range(0, len(wanted), BATCH):
            for record in self._read(cypher.GET_NODES, ids=wanted[start : start + BATCH]):
                node = node_of(record["labels"], record["props"])
                found[node.id] = node
        return found

    def get_links(self, keys: Iterable[LinkKey]) -> dict[LinkKey, Link]:
        by_kind: dict[LinkKind, list[list[str]]] = {}
        for from_id, kind, to_id in keys:
            by_kind.setdefault(kind, []).append([from_id, to_id])
        found: dict[LinkKey, Link] = {}
        for kind, pairs in by_kind.items():
            for start in range(0, len(pairs), BATCH):
                for record in self._read(
                    cypher.GET_LINKS[kind], pairs=pairs[start : start + BATCH]
                ):
                    link = link_from(record)
                    found[link.key] = link
        return found

    def links_of(self, node_id: str) -> list[Link]:
        return sorted(
            (link_from(r) for r in self._read(cypher.LINKS_OF, id=node_id)), key=lambda k: k.key
        )

    def nodes_of_kind(self, kind: NodeKind) -> list[Node]:
        return [node_of(r["labels"], r["props"]) for r in self._read(cypher.NODES_OF_KIND[kind])]

    def iter_nodes(self) -> Iterator[Node]:
        return (node_of(r["labels"], r["props"]) for r in self._read(cypher.ALL_NODES))

    def iter_links(self) -> Iterator[Link]:
        return (link_from(r) for r in self._read(cypher.ALL_LINKS))

    def former_codes(self) -> dict[str, str]:
        return {
            code: r["id"]
            for r in self._read(cypher.FORMER_CODES)
            for code in str(r["codes"]).split(";")
            if code
        }

    def stats(self, at: date | None = None) -> Stats:
        nodes: dict[str, int] = {}
        for r in self._read(cypher.STATS_NODES, at=at):
            kind = kind_of(r["labels"])
            nodes[kind] = nodes.get(kind, 0) + r["count"]
        links: dict[str, int] = {
            LINK_KINDS[r["type"]]: r["count"] for r in self._read(cypher.STATS_LINKS, at=at)
        }
        return Stats(nodes=nodes, links=links)

    def sources(self, at: date | None = None) -> list[str]:
        return [r["source"] for r in self._read(cypher.SOURCES, at=at)]

    def neighbourhood(
        self,
        ids: Iterable[str],
        hops: int,
        at: date | None = None,
        kinds: Iterable[LinkKind | str] | None = None,
    ) -> nx.MultiDiGraph[str]:
        wanted = start_ids(ids, hops)
        follow = follow_kinds(kinds)
        if not follow:
            seen = set(self._ids(cypher.VALID_IDS, wanted, at=at))
        elif hops <= cypher.REACH_HOPS:
            seen = set(self._ids(cypher.reach(hops, follow), wanted, at=at))
        else:
            seen = set(self._ids(cypher.VALID_IDS, wanted, at=at))
            frontier = sorted(seen)
            for _ in range(hops):
                reached = set(self._ids(cypher.neighbours(follow), frontier, at=at))
                frontier = sorted(reached - seen)
                seen.update(frontier)
                if not frontier:
                    break
        among = sorted(seen)
        nodes: list[Node] = []
        links: list[Link] = []
        for start in range(0, len(among), BATCH):
            batch = among[start : start + BATCH]
            for r in self._read(cypher.INDUCED, ids=batch, among=among, at=at):
                node = node_of(r["labels"], r["props"])
                nodes.append(node)
                links += (link_of(node.id, *link) for link in r["links"])
                links += (
                    link_of(other, node.id, kind, props) for other, kind, props in r["links_in"]
                )
        return to_networkx(nodes, links, at)

    def _ids(self, query: str, ids: list[str], **params: Any) -> Iterator[str]:
        for start in range(0, len(ids), BATCH):
            for record in self._read(query, ids=ids[start : start + BATCH], **params):
                yield record["id"]

    def analysis_graph(self, at: date | None = None) -> nx.MultiDiGraph[str]:
        nodes = (
            (r["id"], str(kind_of(r["labels"])), r["name"],
             {a: r[a] for a in ANALYSIS_NODE_ATTRS})
            for r in self._read(cypher.ANALYSIS_NODES, at=at)
        )  # fmt: skip
        links = (
            (r["from_id"], str(LINK_KINDS[r["type"]]), r["to_id"], r["role"],
             {a: r[a] for a in ANALYSIS_LINK_ATTRS})
            for r in self._read(cypher.ANALYSIS_LINKS, at=at)
        )  # fmt: skip
        return analysis_networkx(nodes, links)

    def contracts_of(
        self, buyers: Iterable[str], at: date | None = None, *, ending_from: date | None = None
    ) -> list[ContractRow]:
        wanted = list(dict.fromkeys(buyers))
        day = self._contracts_of_day(at)  # kept, as compare's are
        self._read_bodies(day, [b for b in wanted if b not in day.bodies], at)
        after = ending_from.isoformat() if ending_from else ""
        kept = {
            r.id: r
            for b in wanted
            for r in day.bodies[b]
            if not (after and r.end_date and r.end_date < after)
        }
        return [kept[c] for c in sorted(kept)]

    def compare_contracts(
        self,
        probe: ContractProbe,
        at: date | None,
        *,
        near: Iterable[str],
        largest: int,
        first: int,
    ) -> tuple[list[BodyMatches], dict[str, int]]:
        day = self._contracts_of_day(at)
        others = sorted(set(near) - {probe.buyer})
        self._read_bodies(day, [b for b in others if b not in day.bodies], at)
        divisions = probe.supplier_divisions()
        unknown = sorted(s for s in divisions if s not in day.sizes)
        sizes = dict.fromkeys(unknown, -1)  # -1: not valid on the day
        for start in range(0, len(unknown), BATCH):
            for r in self._read(cypher.SUPPLIER_SIZES, ids=unknown[start : start + BATCH], at=at):
                sizes[r["id"]] = r["contracts"]
        day.sizes.update(sizes)  # whole, so another request never sees half of it
        skipped = {s: day.sizes[s] for s in sorted(divisions) if day.sizes[s] > largest}
        follow = [s for s in sorted(divisions) if 0 <= day.sizes[s] <= largest]
        missing = [s for s in follow if s not in day.supplied]
        supplied_now: dict[str, list[ContractRow]] = {s: [] for s in missing}
        for start in range(0, len(missing), BATCH):
            for r in self._read(cypher.SUPPLIER_ROWS, ids=missing[start : start + BATCH], at=at):
                supplied_now[r["supplier"]].append(_contract_row(r))
        day.supplied.update(supplied_now)
        near_rows = {b: day.bodies[b] for b in others}
        supplied = {s: day.supplied[s] for s in follow}
        return compare_rows(probe, near_rows, supplied, first), skipped

    def _read_bodies(self, day: _ContractsOfDay, missing: list[str], at: date | None) -> None:
        """Each of ``missing``'s contracts of the day into ``day.bodies`` (two requests at once
        may both read a body; each puts in the whole list, never half of one)."""
        if not missing:
            return
        found: dict[str, list[ContractRow]] = {b: [] for b in missing}
        for start in range(0, len(missing), BATCH):
            for r in self._read(cypher.CONTRACTS_OF, ids=missing[start : start + BATCH], at=at):
                row = _contract_row(r)
                for buyer in row.buyers:
                    if buyer in found:
                        found[buyer].append(row)
        day.bodies.update(found)  # whole lists: a request at the same time sees none or all

    def _contracts_of_day(self, at: date | None) -> _ContractsOfDay:
        """The contract rows read on ``at`` (by ``contracts_of`` and ``compare_contracts``),
        kept until the data version changes (a write here or elsewhere) or ``ROWS_KEPT`` rows
        are held, for the last ``DAYS_KEPT`` days asked about: a day's questions about
        neighbouring councils read the same contracts again, and on Neo4j every row read is a
        row sent over Bolt (``keep_day``: the days are replaced whole, never emptied in place)."""
        version = self.data_version()
        kept_version, days = self._contracts_days
        day = days.get(at) if kept_version == version else None
        if day is None or day.rows() >= ROWS_KEPT:
            day = _ContractsOfDay()
            days = keep_day(days if kept_version == version else {}, at, day, _ContractsOfDay.rows)
            self._contracts_days = (version, days)
        return day

    def search_rows(self, at: date | None = None) -> list[SearchRow]:
        return [
            search_row(
                id=r["id"],
                kind=kind_of(r["labels"]),
                name=r["name"],
                official_name=r["official_name"],
                full_name=r["full_name"],
                council_type=r["council_type"],
                former_codes=r["former_codes"],
                targets=[(LINK_KINDS[t], kind_of(labels), i) for t, labels, i in r["targets"]],
            )
            for r in self._read(cypher.SEARCH_ROWS, at=at)
        ]

    def data_version(self) -> str:
        (state,) = self._read(cypher.GET_STATE)
        return f"neo4j:{state['version']}"

    # --- writing -----------------------------------------------------------------------

    def write(self, nodes: Sequence[Node], links: Sequence[Link], *, replace: bool = False) -> None:
        self._ensure_schema()
        incoming = {n.id for n in nodes}
        ends = {e for k in links for e in (k.from_id, k.to_id)} - incoming
        if ends and replace:
            raise InvalidInput(f"links to nodes that are not in the new graph: {min(ends)}")
        if ends:
            missing = sorted(ends - set(self.get_nodes(ends)))
            if missing:
                raise InvalidInput(
                    f"links to nodes that are not stored: {', '.join(missing[:5])}",
                    hint="load the nodes first, or in the same load",
                )
        node_rows, link_rows = _rows(nodes, links)
        try:
            records = len(nodes) + len(links)
            if replace:  # the stored graph is deleted too: as large a transaction as a write
                (stored,) = self._read(cypher.STORED_RECORDS)
                records += stored["records"]
            if records <= self.single_transaction_rows:
                with self._driver.session(database=self.database) as session:
                    session.execute_write(_write_in_one, node_rows, link_rows, replace)
            else:
                self._write_staged(node_rows, link_rows, replace)
        except (ServiceUnavailable, SessionExpired, AuthError, OSError) as e:
            raise self._translate(e) from e
        except Neo4jError as e:
            raise StoreUnavailable(
                f"Neo4j at {self.uri} refused the write ({e.code}): {e.message}",
                hint="nothing was stored; check the server log",
            ) from e

    def _write_staged(self, node_rows: NodeRows, link_rows: LinkRows, replace: bool) -> None:
        with self._driver.session(database=self.database) as session:
            for record in session.run(cypher.STALE_GENERATIONS).data():
                logger.info("deleting stale generation %s", record["stale"])
                session.run(cypher.DELETE_GENERATION, g=record["stale"]).consume()
            state = session.run(cypher.GET_STATE).single(strict=True)
            old, base = state["g"], state["version"]
            new = old + 1
            if not replace:
                for copy in (*cypher.COPY_NODES.values(), *cypher.COPY_LINKS.values()):
                    session.run(copy, old=old, new=new).consume()
            for statement, batch in _batches(node_rows, link_rows):
                session.execute_write(_run, statement, batch, new)
            swapped = session.execute_write(_swap, base, new)
            if not swapped:
                session.run(cypher.DELETE_GENERATION, g=new).consume()
                raise StoreBusy(
                    f"another write reached Neo4j at {self.uri} during this load",
                    hint="nothing was stored; run the load again",
                )
            session.run(cypher.DELETE_GENERATION, g=old).consume()


NodeRows = dict[NodeKind, list[dict[str, Any]]]
LinkRows = dict[LinkKind, list[dict[str, Any]]]


def _contract_row(r: neo4j.Record) -> ContractRow:
    return contract_row(
        r["id"],
        r["name"],
        {k: r[k] for k in ("category", "cpv_division", "start_date", "end_date", "value_gbp")},
        buyers=r["buyers"],
        suppliers=(tuple(s) for s in r["suppliers"]),
        called_off=(tuple(c) for c in r["called_off"]),
    )


def _rows(nodes: Sequence[Node], links: Sequence[Link]) -> tuple[NodeRows, LinkRows]:
    node_rows: NodeRows = {}
    for node in nodes:
        node_rows.setdefault(node.kind, []).append({"id": node.id, "props": node_props(node)})
    link_rows: LinkRows = {}
    for link in links:
        link_rows.setdefault(link.kind, []).append(
            {"from_id": link.from_id, "to_id": link.to_id, "props": link_props(link)}
        )
    return node_rows, link_rows


def _batches(
    node_rows: NodeRows, link_rows: LinkRows
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Every write statement with its batches of rows: nodes first, then links."""
    for node_kind, rows in node_rows.items():
        for start in range(0, len(rows), BATCH):
            yield cypher.WRITE_NODES[node_kind], rows[start : start + BATCH]
    for link_kind, rows in link_rows.items():
        for start in range(0, len(rows), BATCH):
            yield cypher.WRITE_LINKS[link_kind], rows[start : start + BATCH]


def _write_in_one(
    tx: ManagedTransaction, node_rows: NodeRows, link_rows: LinkRows, replace: bool
) -> None:
    g = tx.run(cypher.GET_STATE).single(strict=True)["g"]
    if replace:
        tx.run(cypher.DELETE_GENERATION_NOW, g=g).consume()
    for statement, batch in _batches(node_rows, link_rows):
        tx.run(statement, rows=batch, g=g).consume()
    tx.run(cypher.BUMP_VERSION).consume()


def _run(tx: ManagedTransaction, statement: str, rows: list[dict[str, Any]], g: int) -> None:
    tx.run(statement, rows=rows, g=g).consume()


def _swap(tx: ManagedTransaction, base: int, new: int) -> bool:
    return tx.run(cypher.SWAP, base=base, new=new).single() is not None
