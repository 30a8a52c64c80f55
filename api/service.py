"""What the HTTP API serves, over one store per process: the graph as at a date and every
analysis of it, cached per data version, so a load makes the next request recompute."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

import networkx as nx

from graph import GraphStore, vintage
from loaders.resolve import names_file, read_variants

CACHED = 64
"""Results kept (graphs as at a date, analyses with their parameters); least recent go first."""


class Service:
    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._analysing = threading.Lock()
        """One analysis at a time: igraph's C core is not safe across threads, and a second
        request for the same result waits for the first and then finds it cached."""
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()
        self._variants = read_variants(names_file())

    def _remember(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()  # outside the lock: two threads may both compute; both get the answer
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > CACHED:
                self._cache.popitem(last=False)
        return value

    def graph(self, at: date | None) -> tuple[nx.MultiDiGraph[str], str]:
        """The graph as at ``at`` (today by default) and the data version it was taken at."""
        day = at or date.today()
        version = self.store.data_version()
        G = self._remember(("graph", version, day), lambda: self.store.graph(day))
        return G, version

    def analysis(
        self, name: str, at: date | None, run: Callable[[nx.MultiDiGraph[str]], dict[str, Any]],
        params: Hashable,
    ) -> dict[str, Any]:  # fmt: skip
        """``run`` on the graph as at ``at``, with the data it was computed from; cached."""
        day = at or date.today()
        G, version = self.graph(day)

        def compute() -> dict[str, Any]:
            return {"data": self.data(day), **run(G)}

        with self._analysing:
            result: dict[str, Any] = self._remember((name, version, day, params), compute)
        return result

    def data(self, at: date | None) -> dict[str, Any]:
        version = self.store.data_version()
        found: dict[str, Any] = self._remember(
            ("data", version, at), lambda: vintage(self.store, at)
        )
        return found

    def names(self, at: date | None) -> dict[str, set[str]]:
        """Every node's known names, lower case: its name, official name, name variants."""
        G, version = self.graph(at)

        def build() -> dict[str, set[str]]:
            names: dict[str, set[str]] = {}
            for node, data in G.nodes(data=True):
                known = {str(data.get("name", "")), str(data.get("official_name", ""))}
                names[node] = {n.casefold() for n in known if n}
            for name, node in self._variants:
                if node in names:
                    names[node].add(name.casefold())
            return names

        found: dict[str, set[str]] = self._remember(("names", version, at or date.today()), build)
        return found

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()
