"""What the HTTP API serves over one store per process, with its caches.

Two bounded caches, keyed by the store's data version (so a load, by the API or by
``partnermap load`` in another process, makes the next request recompute): whole graphs as at
a day (few: each is the whole graph) and results (analyses with their arguments, name
indexes). Each key is computed once however many requests ask for it at the same moment
(cachetools' ``condition``): the others wait and get the same answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from cachetools import LRUCache, cached

from graph import GraphStore, vintage
from graph.analysis.spec import Analysis, cache_key
from graph.scenario import Scenario
from graph.what_if import applied_graph, scenarios_named
from loaders.resolve import names_file, read_variants

if TYPE_CHECKING:
    import networkx as nx

    from graph.search import SearchRow

GRAPHS = 4
"""Whole graphs kept (one per data version and day asked for)."""
RESULTS = 256
"""Analysis results and name indexes kept."""


def _memo(cache: LRUCache[Hashable, Any]) -> Callable[[Hashable, Callable[[], Any]], Any]:
    """``memo(key, compute)``: the cached value, or ``compute()`` run once per key."""
    lock = threading.RLock()

    @cached(cache, key=lambda key, compute: key, lock=lock, condition=threading.Condition(lock))
    def memo(key: Hashable, compute: Callable[[], Any]) -> Any:
        return compute()

    return memo


class Service:
    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._graphs: LRUCache[Hashable, Any] = LRUCache(maxsize=GRAPHS)
        self._results: LRUCache[Hashable, Any] = LRUCache(maxsize=RESULTS)
        self._graph = _memo(self._graphs)
        self._result = _memo(self._results)
        self._analysing = threading.Lock()
        """One analysis at a time: igraph's C core is not safe across threads."""
        variants: dict[str, list[str]] = {}
        for name, node in read_variants(names_file()):
            variants.setdefault(node, []).append(name)
        self.variants = variants

    def graph(self, at: date | None) -> nx.MultiDiGraph[str]:
        """The whole graph as at ``at`` (today by default), for whole-graph analyses."""
        day = at or date.today()
        version = self.store.data_version()
        G: nx.MultiDiGraph[str] = self._graph((version, day), lambda: self.store.graph(day))
        return G

    def analysis_graph(self, at: date | None) -> nx.MultiDiGraph[str]:
        """The store's ``analysis_graph`` as at ``at``, for whole-graph analyses (cached as the
        whole graphs are)."""
        day = at or date.today()
        version = self.store.data_version()
        key = ("analysis", version, day)
        G: nx.MultiDiGraph[str] = self._graph(key, lambda: self.store.analysis_graph(day))
        return G

    def analysis(
        self,
        spec: Analysis,
        at: date | None,
        arguments: Mapping[str, Any],
        scenario: str | None = None,
    ) -> dict[str, Any]:
        """``spec`` run with ``arguments`` on what it reads from the store as at ``at`` (or on
        the graph as if ``scenario`` had happened), with the data it was computed from; cached
        per data version."""
        day = at or date.today()
        version = self.store.data_version()

        def compute() -> dict[str, Any]:
            when, named = day, {}
            if scenario is not None:
                when, G = self.applied(scenario, at)
                named = {"scenario": scenario}
            elif spec.needs is None:
                G = self.analysis_graph(day)
            else:
                G = spec.fetch(self.store, day, arguments)
            with self._analysing:
                return {"data": self.data(when), **named, **spec.compute(G, arguments)}

        result: dict[str, Any] = self._result(
            (spec.name, version, day, scenario, cache_key(arguments)), compute
        )
        return result

    def scenarios(self, names: list[str]) -> list[Scenario]:
        """The stored scenarios ``names`` gives (``NotFound`` for one not stored)."""
        found: list[Scenario] = self._result(
            ("scenarios", self.store.data_version(), tuple(names)),
            lambda: scenarios_named(self.store, names),
        )
        return found

    def applied(self, name: str, at: date | None) -> tuple[date, nx.MultiDiGraph[str]]:
        """The day and the graph as if scenario ``name`` had happened (cached as graphs are)."""
        scenario = self.scenarios([name])[0]

        def build() -> tuple[date, nx.MultiDiGraph[str]]:
            day, H, _ = applied_graph(scenario, self.graph, at)
            return day, H

        found: tuple[date, nx.MultiDiGraph[str]] = self._graph(
            ("applied", self.store.data_version(), name, at), build
        )
        return found

    def remember(self, key: Hashable, at: date | None, compute: Callable[[], Any]) -> Any:
        """Any other result (a map page), cached like the analyses."""
        return self._result((key, self.store.data_version(), at or date.today()), compute)

    def data(self, at: date | None) -> dict[str, Any]:
        version = self.store.data_version()
        found: dict[str, Any] = self._result(("data", version, at), lambda: vintage(self.store, at))
        return found

    def search_rows(self, at: date | None) -> list[SearchRow]:
        """Every node's names and places as at ``at``: the index searches rank."""
        day = at or date.today()
        version = self.store.data_version()
        rows: list[SearchRow] = self._result(
            ("names", version, day), lambda: self.store.search_rows(day)
        )
        return rows

    def forget(self) -> None:
        self._graphs.clear()
        self._results.clear()
