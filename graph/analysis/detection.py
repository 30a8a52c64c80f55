"""The bridge to python-igraph: graphs in a deterministic order, seeded community detection,
and one lock, because igraph's C core and random number generator are shared by the process."""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.errors import InvalidInput
from graph.lazy import lazy_module

if TYPE_CHECKING:
    import igraph as ig
    import networkx as nx
    import numpy as np
    import numpy.typing as npt
else:
    np = lazy_module("numpy")
    ig = lazy_module("igraph")
    nx = lazy_module("networkx")

METHODS = ("louvain", "leiden")


@dataclass(frozen=True, slots=True)
class Partition:
    """Community labels of an igraph graph's vertices, with its modularity."""

    names: list[str]
    membership: list[int]
    modularity: float


def to_igraph(
    C: nx.Graph[str], weight: Callable[[dict[str, Any]], float] | None = None
) -> ig.Graph:
    """``C`` as an igraph graph, vertices in sorted id order, edges sorted: deterministic.
    ``weight`` gives an edge's weight from its data (default: its ``weight``); an edge
    weighing 0 is left out."""
    names = sorted(C.nodes)
    index = {n: i for i, n in enumerate(names)}
    edges: list[tuple[int, int, float]] = []
    for u, v, data in C.edges(data=True):
        w = float(data["weight"]) if weight is None else weight(data)
        if w > 0:
            a, b = index[u], index[v]
            edges.append((min(a, b), max(a, b), w))
    edges.sort()
    g = ig.Graph(n=len(names), edges=[(a, b) for a, b, _ in edges])
    g.vs["name"] = names
    g.es["weight"] = [w for _, _, w in edges]
    return g


def pairs_to_igraph(
    names: list[str],
    source: npt.NDArray[np.int64],
    target: npt.NDArray[np.int64],
    weight: npt.NDArray[np.float64],
) -> ig.Graph:
    """The graph of vertices ``names`` and edges ``(source[i], target[i])`` weighing
    ``weight[i]``, made in one call; an edge weighing 0 is left out (as ``to_igraph`` does).

    Parameters
    ----------
    names
        The vertices' names, in vertex order.
    source, target
        The two ends of each edge, as indices into ``names``, in edge order.
    weight
        Each edge's weight.

    Returns
    -------
    igraph.Graph
        With ``name`` on the vertices and ``weight`` on the edges.
    """
    keep = weight > 0
    if not keep.all():
        source, target, weight = source[keep], target[keep], weight[keep]
    g = ig.Graph(n=len(names), edges=zip(source.tolist(), target.tolist(), strict=True))
    g.vs["name"] = names
    g.es["weight"] = weight.tolist()
    return g


IGRAPH = threading.RLock()
"""igraph's C core and its random number generator are shared by the whole process: one
thread at a time (the HTTP API runs requests in threads)."""


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """igraph's random choices drawn from a generator of their own, seeded; igraph held."""
    with IGRAPH:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)


def detect(g: ig.Graph, method: str, seed: int, resolution: float) -> Partition:
    if method not in METHODS:
        raise InvalidInput(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if g.ecount() == 0:
        return Partition(g.vs["name"], list(range(g.vcount())), 0.0)
    with seeded(seed):
        if method == "leiden":
            found = g.community_leiden(
                objective_function="modularity",
                weights="weight",
                resolution=resolution,
                n_iterations=-1,
            )
        else:
            found = g.community_multilevel(weights="weight", resolution=resolution)
    membership = _canonical(found.membership, g.vs["name"])
    return Partition(g.vs["name"], membership, g.modularity(membership, weights="weight"))


def _canonical(membership: list[int], names: list[str]) -> list[int]:
    """Labels renumbered by size (largest first), then by smallest member id."""
    by_label: dict[int, list[str]] = defaultdict(list)
    for label, name in zip(membership, names, strict=True):
        by_label[label].append(name)
    order = sorted(by_label, key=lambda lab: (-len(by_label[lab]), min(by_label[lab])))
    new = {old: i for i, old in enumerate(order)}
    return [new[label] for label in membership]


def compare(a: list[int], b: list[int], method: str) -> float:
    """igraph's comparison of two partitions (``"nmi"``, ``"adjusted_rand"``)."""
    with IGRAPH:
        return float(ig.compare_communities(a, b, method))
