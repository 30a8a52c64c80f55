"""The ``GraphStore`` interface that both backends implement."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import TracebackType
from typing import Self, TypeVar

import networkx as nx

from graph.errors import InvalidInput
from graph.model import (
    CONTRACT_KINDS,
    BodyMatches,
    ContractProbe,
    ContractRow,
    Link,
    LinkKey,
    LinkKind,
    Node,
    NodeKind,
)
from graph.store.records import (
    ANALYSIS_LINK_ATTRS,
    ANALYSIS_NODE_ATTRS,
    SearchRow,
    analysis_networkx,
    to_networkx,
)

CONTRACT_NODES = frozenset({NodeKind.CONTRACT, NodeKind.SUPPLIER})
"""The links of contracts: many, and read only by the contract questions."""
NEIGHBOURHOOD_KINDS = frozenset(LinkKind) - {LinkKind.WITHIN} - CONTRACT_KINDS
"""The links ``neighbourhood`` follows unless told otherwise: all but geography and contracts
(a council's contracts are asked for by name: ``kinds=CONTRACT_KINDS``)."""


@dataclass(frozen=True, slots=True)
class Stats:
    nodes: dict[str, int] = field(default_factory=dict)
    links: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            "nodes": dict(sorted(self.nodes.items())),
            "links": dict(sorted(self.links.items())),
        }


class GraphStore(ABC):
    """Where the graph lives. Writes are all-or-nothing; readers never see half a write."""

    name: str

    @abstractmethod
    def get_nodes(self, ids: Iterable[str]) -> dict[str, Node]:
        """The stored nodes among ``ids`` (missing ids are left out)."""

    @abstractmethod
    def get_links(self, keys: Iterable[LinkKey]) -> dict[LinkKey, Link]:
        """The stored links among ``keys`` (in canonical orientation)."""

    @abstractmethod
    def write(self, nodes: Sequence[Node], links: Sequence[Link], *, replace: bool = False) -> None:
        """Store ``nodes`` and ``links``, replacing records with the same key, all or nothing.

        Every link's ends must be stored already or be among ``nodes``. With ``replace`` the
        store afterwards holds exactly ``nodes`` and ``links`` (still all or nothing).
        """

    @abstractmethod
    def links_of(self, node_id: str) -> list[Link]:
        """Every link from or to ``node_id``."""

    @abstractmethod
    def iter_nodes(self) -> Iterator[Node]: ...

    @abstractmethod
    def iter_links(self) -> Iterator[Link]: ...

    @abstractmethod
    def data_version(self) -> str:
        """Changes whenever the stored graph changes (for caches)."""

    def close(self) -> None:  # noqa: B027 - a no-op by default
        """Release connections and locks."""

    def former_codes(self) -> dict[str, str]:
        """Former codes of stored nodes (``former_codes`` attribute) -> their current ids."""
        return {
            code: node.id
            for node in self.iter_nodes()
            for code in str(node.attrs.get("former_codes", "")).split(";")
            if code
        }

    def get_node(self, node_id: str) -> Node | None:
        return self.get_nodes([node_id]).get(node_id)

    def nodes_of_kind(self, kind: NodeKind) -> list[Node]:
        """Every node of ``kind``, ended ones too, sorted by id (for the few-of-a-kind, such
        as the scenarios; not for councils on a large graph)."""
        return sorted((n for n in self.iter_nodes() if n.kind == kind), key=lambda n: n.id)

    def stats(self, at: date | None = None) -> Stats:
        """Counts by kind; ``at`` keeps only what was valid that day (links need both ends)."""
        nodes: Counter[str] = Counter()
        live: set[str] = set()
        for node in self.iter_nodes():
            if at is None or node.valid_at(at):
                nodes[node.kind] += 1
                live.add(node.id)
        links: Counter[str] = Counter()
        for link in self.iter_links():
            if at is None or (link.valid_at(at) and link.from_id in live and link.to_id in live):
                links[link.kind] += 1
        return Stats(nodes=dict(nodes), links=dict(links))

    @abstractmethod
    def sources(self, at: date | None = None) -> list[str]:
        """The distinct ``DATASET@VINTAGE`` of the records behind the graph, sorted: of every
        record, or (``at``) of those in the graph as at that day (links need both ends)."""

    @abstractmethod
    def neighbourhood(
        self,
        ids: Iterable[str],
        hops: int,
        at: date | None = None,
        kinds: Iterable[LinkKind | str] | None = None,
    ) -> nx.MultiDiGraph[str]:
        """The nodes within ``hops`` links of any of ``ids`` and every link between them.

        Links of ``kinds`` (default ``NEIGHBOURHOOD_KINDS``: all but ``within``) are followed
        in either direction; with ``at``, only through nodes and links valid that day. The
        result is the subgraph of ``graph(at)`` induced by the nodes reached: every link of
        any kind between two of them, with the same attributes. Unknown ids are left out.
        """

    @abstractmethod
    def contracts_of(
        self, buyers: Iterable[str], at: date | None = None, *, ending_from: date | None = None
    ) -> list[ContractRow]:
        """The contracts any of ``buyers`` awarded, each once, sorted by id: with ``at``, those
        valid that day through an ``awarded`` link valid that day (and each row's buyers,
        suppliers and frameworks as at that day); with ``ending_from``, only those ending on or
        after that day or with no end date. Reads the buyers' contracts, nothing else."""

    @abstractmethod
    def compare_contracts(
        self,
        probe: ContractProbe,
        at: date | None,
        *,
        near: Iterable[str],
        largest: int,
        first: int,
    ) -> tuple[list[BodyMatches], dict[str, int]]:
        """Other bodies' contracts valid on ``at`` (through an ``awarded`` link valid then)
        compared with ``probe`` (``ContractProbe.match``): every contract of the bodies
        ``near``; further afield, the contracts of the probe's suppliers in its divisions, but
        not those of a supplier of more than ``largest`` contracts (of any day), which comes
        back in the second part with that number. A contract the probe's buyer awarded too is
        left out. The bodies with pairs, sorted by id, each with its first ``first`` contracts
        of each kind (by end date, none last; then id) as rows valid on ``at``. Both backends
        read the rows and compare them with ``graph.model.compare_rows``."""

    @abstractmethod
    def search_rows(self, at: date | None = None) -> list[SearchRow]:
        """A ``SearchRow`` for every node in ``graph(at)`` but the scenarios, sorted by id."""

    def analysis_graph(self, at: date | None = None) -> nx.MultiDiGraph[str]:
        """The graph as at ``at`` with only what the whole-graph analyses read: each node's
        kind, name and ``ANALYSIS_NODE_ATTRS``, each link's kind, role and
        ``ANALYSIS_LINK_ATTRS`` (no sources, notes or evidence). Neo4j reads it with one light
        statement per part; the analyses give the same answers on it as on ``graph(at)``.
        Contracts and suppliers are left out: no whole-graph analysis reads them."""
        live = {n.id: n for n in self.iter_nodes() if (at is None or n.valid_at(at))
                and n.kind not in CONTRACT_NODES}  # fmt: skip
        return analysis_networkx(
            ((n.id, str(n.kind), n.name, {a: n.attrs.get(a) for a in ANALYSIS_NODE_ATTRS})
             for n in live.values()),
            ((k.from_id, str(k.kind), k.to_id, k.role,
              {a: k.attrs.get(a) for a in ANALYSIS_LINK_ATTRS})
             for k in self.iter_links()
             if (at is None or k.valid_at(at)) and k.kind not in CONTRACT_KINDS),
        )  # fmt: skip

    def graph(self, at: date | None = None) -> nx.MultiDiGraph[str]:
        """The graph (as at ``at``) as a NetworkX ``MultiDiGraph`` for analysis
        (``graph.store.records.to_networkx``)."""
        return to_networkx(self.iter_nodes(), self.iter_links(), at)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


T = TypeVar("T")

ROWS_KEPT = 400_000
"""Contract rows a store keeps between reads (about 300 bytes each), over all the days kept."""
DAYS_KEPT = 4
"""Days whose contract rows a store keeps at once: a day's questions about one area, and an
expiry calendar's rows (of every day), do not push each other out."""


def keep_day(
    days: Mapping[date | None, T], at: date | None, day: T, size: Callable[[T], int]
) -> dict[date | None, T]:
    """``days`` with ``day`` as ``at``'s, as a new dict (a request reading the old one at the
    same time keeps it): beside the last ``DAYS_KEPT - 1`` others, or none if they hold
    ``ROWS_KEPT`` rows (``size`` of each).

    >>> days: dict[date | None, list[int]] = {}
    >>> for d in range(1, 6):
    ...     days = keep_day(days, date(2026, 1, d), [d], len)
    >>> [d.day for d in days if d]
    [2, 3, 4, 5]
    >>> full = {None: [0] * ROWS_KEPT}  # an expiry calendar's rows, as many as are kept
    >>> list(keep_day(full, date(2026, 1, 1), [], len))
    [datetime.date(2026, 1, 1)]
    """
    others = {d: kept for d, kept in days.items() if d != at}
    if sum(map(size, others.values())) >= ROWS_KEPT:
        others = {}
    out = {**others, at: day}
    while len(out) > DAYS_KEPT:
        del out[next(iter(out))]
    return out


def follow_kinds(kinds: Iterable[LinkKind | str] | None) -> frozenset[LinkKind]:
    """The link kinds ``neighbourhood`` follows; ``InvalidInput`` for one that is not known."""
    if kinds is None:
        return NEIGHBOURHOOD_KINDS
    found: set[LinkKind] = set()
    for kind in [kinds] if isinstance(kinds, str) else kinds:
        try:
            found.add(LinkKind(kind))
        except ValueError:
            known = ", ".join(map(str, LinkKind))
            raise InvalidInput(f"unknown link kind {kind!r}; kinds: {known}") from None
    return frozenset(found)


def start_ids(ids: Iterable[str], hops: int) -> list[str]:
    """``ids`` (one id given as a string is one id), once each; ``InvalidInput`` unless
    ``hops`` is a whole number, 0 or more."""
    if isinstance(hops, bool) or not isinstance(hops, int) or hops < 0:
        raise InvalidInput(f"hops must be a whole number, 0 or more (got {hops!r})")
    return list(dict.fromkeys([ids] if isinstance(ids, str) else ids))
