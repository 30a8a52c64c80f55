"""The embedded store: a NetworkX ``MultiDiGraph`` in memory, persisted as one JSON file.

A write takes an exclusive lock, re-reads the file if another process changed it, writes the
whole graph to a temporary file in the same folder, flushes it to disk and renames it over the
old file. A rename is atomic, so a reader (or a process killed midway) sees the old graph or
the new one, never a mixture. Readers notice a newer file by its ``stat`` and re-read it.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import orjson
from filelock import FileLock, Timeout

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
    Source,
    compare_rows,
    contract_row,
)
from graph.store.base import ROWS_KEPT, GraphStore, follow_kinds, keep_day, start_ids
from graph.store.records import (
    SearchRow,
    Target,
    search_row,
    to_networkx,
)

logger = logging.getLogger(__name__)

FORMAT = "partnermap-graph"
FORMAT_VERSION = 1
GRAPH_FILE = "graph.json"
LOCK_FILE = "write.lock"
NODE_KINDS = {k.value: k for k in NodeKind}
Adjacency = dict[str, dict[str, dict[str, dict[str, Any]]]]
"""NetworkX's ``_succ`` or ``_pred``: node -> neighbour -> link kind -> the link's data."""
LINK_KINDS = {k.value: k for k in LinkKind}


class NetworkXStore(GraphStore):
    name = "embedded"

    def __init__(self, home: Path, *, lock_timeout: float = 30.0) -> None:
        self.home = home
        self.path = home / GRAPH_FILE
        self.lock_timeout = lock_timeout
        self._G: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        self._version = 0
        self._stamp: tuple[int, int, int] | None = None
        self._sources: dict[tuple[str, ...], tuple[Source, ...]] = {}
        self._rows: dict[date | None, dict[str, ContractRow | None]] = {}
        self._rows_of: tuple[tuple[int, int, int] | None, int] | None = None
        self._by_supplier: dict[str, dict[str | None, list[str]]] = {}
        self._supplied_of: tuple[tuple[int, int, int] | None, int] | None = None
        self._fresh()

    # --- reading -----------------------------------------------------------------------

    def get_nodes(self, ids: Iterable[str]) -> dict[str, Node]:
        self._fresh()
        nodes = self._G.nodes
        return {i: nodes[i]["record"] for i in ids if i in nodes}

    def get_links(self, keys: Iterable[LinkKey]) -> dict[LinkKey, Link]:
        self._fresh()
        found: dict[LinkKey, Link] = {}
        for u, kind, v in keys:
            data = self._G.get_edge_data(u, v, key=kind)
            if data is not None:
                found[(u, kind, v)] = data["record"]
        return found

    def links_of(self, node_id: str) -> list[Link]:
        self._fresh()
        if node_id not in self._G:
            return []
        G = self._G
        links: list[Link] = [data["record"] for _, _, data in G.out_edges(node_id, data=True)]
        links += [data["record"] for _, _, data in G.in_edges(node_id, data=True)]
        return sorted(links, key=lambda k: k.key)

    def iter_nodes(self) -> Iterator[Node]:
        self._fresh()
        return self._nodes()

    def iter_links(self) -> Iterator[Link]:
        self._fresh()
        return self._links()

    def _nodes(self) -> Iterator[Node]:
        for _, data in self._G.nodes(data=True):
            yield data["record"]

    def _links(self) -> Iterator[Link]:
        for _, _, data in self._G.edges(data=True):
            yield data["record"]

    def sources(self, at: date | None = None) -> list[str]:
        self._fresh()
        G = self._G
        found: set[Source] = set()
        for _, data in G.nodes(data=True):
            if _valid(data["record"], at):
                found.update(data["record"].sources)
        for u, v, data in G.edges(data=True):
            link: Link = data["record"]
            if at is None or (
                link.valid_at(at) and _valid(G.nodes[u]["record"], at)
                and _valid(G.nodes[v]["record"], at)
            ):  # fmt: skip
                found.update(link.sources)
        return sorted({str(s) for s in found})

    def neighbourhood(
        self,
        ids: Iterable[str],
        hops: int,
        at: date | None = None,
        kinds: Iterable[LinkKind | str] | None = None,
    ) -> nx.MultiDiGraph[str]:
        wanted = start_ids(ids, hops)
        follow = follow_kinds(kinds)
        self._fresh()
        G = self._G
        seen = {i for i in wanted if i in G and _valid(G.nodes[i]["record"], at)}
        frontier = set(seen)
        for _ in range(hops):
            reached: set[str] = set()
            for u in frontier:
                ends = [(v, k, d) for _, v, k, d in G.out_edges(u, keys=True, data=True)]
                ends += [(v, k, d) for v, _, k, d in G.in_edges(u, keys=True, data=True)]
                for v, kind, data in ends:
                    if (
                        kind in follow and v not in seen and _valid(data["record"], at)
                        and _valid(G.nodes[v]["record"], at)
                    ):  # fmt: skip
                        reached.add(v)
            seen |= reached
            frontier = reached
            if not frontier:
                break
        nodes = [G.nodes[n]["record"] for n in seen]
        links = [d["record"] for n in seen for _, v, d in G.out_edges(n, data=True) if v in seen]
        return to_networkx(nodes, links, at)

    def contracts_of(
        self, buyers: Iterable[str], at: date | None = None, *, ending_from: date | None = None
    ) -> list[ContractRow]:
        self._fresh()
        G = self._G
        succ = self._dicts()[0]
        after = ending_from.isoformat() if ending_from else None
        found: dict[str, ContractRow] = {}
        for buyer in dict.fromkeys(buyers):
            if buyer not in G or not _valid(G.nodes[buyer]["record"], at):
                continue
            for contract, keyed in succ[buyer].items():
                link = keyed.get(LinkKind.AWARDED)
                if link is None or contract in found or not _valid(link["record"], at):
                    continue
                row = self._contract_row(contract, at)
                if row is not None and (after is None or not row.end_date or row.end_date >= after):
                    found[contract] = row
        return [found[c] for c in sorted(found)]

    def compare_contracts(
        self,
        probe: ContractProbe,
        at: date | None,
        *,
        near: Iterable[str],
        largest: int,
        first: int,
    ) -> tuple[list[BodyMatches], dict[str, int]]:
        self._fresh()
        G = self._G
        succ, _, nodes = self._dicts()
        near_rows: dict[str, list[ContractRow]] = {}
        for body in sorted(set(near) - {probe.buyer}):
            near_rows[body] = []
            if body not in G or not _valid(nodes[body]["record"], at):
                continue
            for contract, keyed in succ[body].items():
                link = keyed.get(LinkKind.AWARDED)
                if link is not None and _valid(link["record"], at):
                    row = self._contract_row(contract, at)
                    if row is not None:
                        near_rows[body].append(row)
        divisions = probe.supplier_divisions()
        skipped: dict[str, int] = {}
        supplied: dict[str, list[ContractRow]] = {}
        for supplier in sorted(divisions):
            if supplier not in G or not _valid(nodes[supplier]["record"], at):
                continue
            if len(succ[supplier]) > largest:  # a supplier's links out are all ``supplies``
                skipped[supplier] = len(succ[supplier])
                continue
            by_division = self._supplied(supplier)
            found = (self._contract_row(c, at) for d in divisions[supplier]
                     for c in by_division.get(d, ()))  # fmt: skip
            supplied[supplier] = [r for r in found if r is not None
                                  and any(s == supplier for s, _ in r.suppliers)]  # fmt: skip
        return compare_rows(probe, near_rows, supplied, first), skipped

    def _supplied(self, supplier: str) -> dict[str | None, list[str]]:
        """The contracts ``supplier`` supplies, by CPV division; kept per version of the graph,
        so that a supplier's other buyers are looked up in the divisions asked, not contract
        by contract."""
        if self._supplied_of != (self._stamp, self._version):
            self._by_supplier, self._supplied_of = {}, (self._stamp, self._version)
        found = self._by_supplier.get(supplier)
        if found is None:
            succ, _, nodes = self._dicts()
            found = {}
            for contract, keyed in succ[supplier].items():
                if LinkKind.SUPPLIES in keyed:
                    division = nodes[contract]["record"].attrs.get("cpv_division")
                    found.setdefault(None if division is None else str(division), []).append(
                        contract
                    )
            self._by_supplier[supplier] = found
        return found

    def _dicts(self) -> tuple[Adjacency, Adjacency, dict[str, dict[str, Any]]]:
        """The graph's own successor, predecessor and node dicts, not its views: the contract
        reads visit tens of thousands of links, and NetworkX's views cost several times more
        than the dicts they wrap."""
        G: Any = self._G
        return G._succ, G._pred, G._node

    def _ends(
        self, adjacency: dict[str, dict[str, dict[str, Any]]], kind: LinkKind, at: date | None
    ) -> Iterator[tuple[Node, Link]]:
        """The nodes at the other end of ``adjacency``'s links of ``kind`` (``G._pred[x]`` or
        ``G._succ[x]``), with the link, both valid on ``at``."""
        nodes = self._dicts()[2]
        for other, keyed in adjacency.items():
            data = keyed.get(kind)
            if data is not None:
                record: Node = nodes[other]["record"]
                if _valid(data["record"], at) and _valid(record, at):
                    yield record, data["record"]

    def _contract_row(self, contract: str, at: date | None) -> ContractRow | None:
        """``contract``'s row as at ``at`` (``None`` unless it is a contract valid then).

        Rows are kept for the last ``DAYS_KEPT`` days read of one version of the graph (about
        ``ROWS_KEPT`` in all): a day's questions about neighbouring councils read the same
        contracts again, and a row costs tens of microseconds to make from the graph."""
        rows = self._rows.get(at) if self._rows_of == (self._stamp, self._version) else None
        if rows is None or len(rows) >= ROWS_KEPT:
            rows = self._new_day(at)
        if contract in rows:
            return rows[contract]
        succ, pred, nodes = self._dicts()
        node: Node = nodes[contract]["record"]
        row = None
        if node.kind is NodeKind.CONTRACT and _valid(node, at):
            row = contract_row(
                node.id,
                node.name,
                node.attrs,
                buyers=(b.id for b, _ in self._ends(pred[contract], LinkKind.AWARDED, at)),
                suppliers=(
                    (s.id, s.name) for s, _ in self._ends(pred[contract], LinkKind.SUPPLIES, at)
                ),
                called_off=(
                    (bo.id, link.attrs.get("frameworks"))
                    for bo, link in self._ends(succ[contract], LinkKind.CALLED_OFF, at)
                ),
            )
        rows[contract] = row
        return row

    def _new_day(self, at: date | None) -> dict[str, ContractRow | None]:
        """An empty day of rows for ``at``, kept with others of this version (``keep_day``)."""
        key = (self._stamp, self._version)
        rows: dict[str, ContractRow | None] = {}
        self._rows = keep_day(self._rows if self._rows_of == key else {}, at, rows, len)
        self._rows_of = key
        return rows

    def search_rows(self, at: date | None = None) -> list[SearchRow]:
        self._fresh()
        G = self._G
        rows = []
        wanted = (LinkKind.WITHIN, LinkKind.MEMBER_OF)
        for node_id in sorted(G):
            node: Node = G.nodes[node_id]["record"]
            if not _valid(node, at) or node.kind in (NodeKind.SCENARIO, NodeKind.CONTRACT):
                continue
            targets: list[Target] = []
            for _, v, kind, data in G.out_edges(node_id, keys=True, data=True):
                other: Node = G.nodes[v]["record"]
                if kind in wanted and _valid(data["record"], at) and _valid(other, at):
                    targets.append((kind, other.kind, v))
            rows.append(
                search_row(
                    id=node.id,
                    kind=node.kind,
                    name=node.name,
                    official_name=node.attrs.get("official_name"),
                    full_name=node.attrs.get("full_name"),
                    council_type=node.attrs.get("council_type"),
                    former_codes=node.attrs.get("former_codes"),
                    targets=targets,
                )
            )
        return rows

    def data_version(self) -> str:
        self._fresh()
        return f"embedded:{self._version}"

    # --- writing -----------------------------------------------------------------------

    def write(self, nodes: Sequence[Node], links: Sequence[Link], *, replace: bool = False) -> None:
        with self._locked():
            self._fresh()
            G: nx.MultiDiGraph[str] = nx.MultiDiGraph() if replace else self._G
            incoming = {n.id for n in nodes}
            for link in links:
                for end in (link.from_id, link.to_id):
                    if end not in G and end not in incoming:
                        raise InvalidInput(
                            f"link {link.from_id} -{link.kind}-> {link.to_id}: no node {end}",
                            hint="load the node first, or in the same load",
                        )
            self._G = G
            try:
                for node in nodes:
                    G.add_node(node.id, record=node)
                for link in links:
                    G.add_edge(link.from_id, link.to_id, key=link.kind, record=link)
                self._save(self._version + 1)
            except BaseException:
                self._stamp = None  # the file still holds the old graph: read it back
                self._fresh()
                raise

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The exclusive write lock (``flock`` on ``write.lock`` where the OS has it, through
        filelock), waiting at most ``lock_timeout`` seconds."""
        self.home.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.home / LOCK_FILE, timeout=self.lock_timeout, poll_interval=0.05)
        try:
            lock.acquire()
        except Timeout:
            raise StoreBusy(
                f"another partnermap process is writing to {self.home}",
                hint="wait for it to finish and try again",
            ) from None
        try:
            yield
        finally:
            lock.release()

    def _save(self, version: int) -> None:
        payload = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "version": version,
            "nodes": [_node_row(node) for node in self._nodes()],
            "links": [_link_row(link) for link in self._links()],
        }
        data = orjson.dumps(payload)
        tmp = self.home / f".{GRAPH_FILE}.{os.getpid()}.tmp"
        try:
            with tmp.open("wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            tmp.replace(self.path)
        finally:
            tmp.unlink(missing_ok=True)
        dir_fd = os.open(self.home, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._version = version
        self._stamp = _stamp(self.path)
        for stale in self.home.glob(f".{GRAPH_FILE}.*.tmp"):  # left by killed writers
            stale.unlink(missing_ok=True)
        logger.info("saved %s (version %d, %d bytes)", self.path, version, len(data))

    # --- loading from disk ------------------------------------------------------------

    def _fresh(self) -> None:
        stamp = _stamp(self.path)
        if stamp == self._stamp:
            return
        if stamp is None:
            self._G, self._version, self._stamp = nx.MultiDiGraph(), 0, None
            return
        try:
            payload = orjson.loads(self.path.read_bytes())
            if payload.get("format") != FORMAT or payload.get("format_version") != FORMAT_VERSION:
                raise ValueError("not a partnermap graph file of a version this release reads")
            G: nx.MultiDiGraph[str] = nx.MultiDiGraph()
            G.add_nodes_from((n.id, {"record": n}) for n in map(self._node, payload["nodes"]))
            edges = (
                (k.from_id, k.to_id, k.kind, {"record": k})
                for k in map(self._link, payload["links"])
            )
            G.add_edges_from(edges)  # type: ignore[arg-type]  # the stubs lack (u, v, key, data)
        except (OSError, ValueError, KeyError, TypeError, IndexError) as e:
            raise StoreUnavailable(
                f"cannot read the embedded store {self.path}: {e}",
                hint="move the file away and run 'partnermap load' to rebuild it",
            ) from e
        self._G, self._version, self._stamp = G, int(payload["version"]), stamp

    def _source_tuple(self, texts: list[str]) -> tuple[Source, ...]:
        """Records share a few source lists: each is made once and shared."""
        key = tuple(texts)
        sources = self._sources.get(key)
        if sources is None:
            sources = self._sources[key] = tuple(
                Source(dataset=d, vintage=v) for d, _, v in (t.rpartition("@") for t in texts)
            )
        return sources

    def _node(self, row: list[Any]) -> Node:
        id_, kind, name, attrs, valid_from, valid_to, sources = row
        return Node(
            id=id_,
            kind=NODE_KINDS[kind],
            name=name,
            attrs=attrs,
            valid_from=_day(valid_from),
            valid_to=_day(valid_to),
            sources=self._source_tuple(sources),
        )

    def _link(self, row: list[Any]) -> Link:
        from_id, kind, to_id, role, attrs, valid_from, valid_to, sources = row
        return Link(
            from_id=from_id,
            kind=LINK_KINDS[kind],
            to_id=to_id,
            role=role,
            attrs=attrs,
            valid_from=_day(valid_from),
            valid_to=_day(valid_to),
            sources=self._source_tuple(sources),
        )


def _valid(record: Node | Link, at: date | None) -> bool:
    """``record.valid_at(at)`` (every record when ``at`` is None), its rule written out: the
    contract reads call this for tens of thousands of records."""
    if at is None:
        return True
    start, end = record.valid_from, record.valid_to
    return (start is None or start <= at) and (end is None or at <= end)


def _node_row(n: Node) -> list[Any]:
    return [n.id, n.kind, n.name, n.attrs, _iso(n.valid_from), _iso(n.valid_to), _texts(n.sources)]


def _link_row(k: Link) -> list[Any]:
    return [
        k.from_id,
        k.kind,
        k.to_id,
        k.role,
        k.attrs,
        _iso(k.valid_from),
        _iso(k.valid_to),
        _texts(k.sources),
    ]


def _texts(sources: tuple[Source, ...]) -> list[str]:
    return [str(s) for s in sources]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)
