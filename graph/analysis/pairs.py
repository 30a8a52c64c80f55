"""The collaboration graph as integer arrays, for community detection at scale.

``collaboration_graph`` gives the collaboration graph as NetworkX dicts with a list of evidence
on every edge: right for the analyses that read a few pairs, but on a million pairs those lists
are most of the time ``clusters`` takes. Here the organisations are indexed once (in sorted id
order), every pair is one integer key, all weights are summed by numpy, and the evidence is kept
per arrangement (its members) rather than per pair: enough to count the pairs of each
arrangement inside a cluster, ``k * (k - 1) / 2`` for ``k`` members in it.

The result is the NetworkX form's to the last bit: the same organisations, the same edges in the
order ``to_igraph`` gives them, and every weight summed in the order ``collaboration_graph``
sums its evidence (sorted by kind, then arrangement), so community detection finds the same
communities.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING

from graph.analysis.collab import ORGANISATION_KINDS, LinkScan, Weights, link_scan
from graph.analysis.common import regions
from graph.lazy import lazy_module

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np
    import numpy.typing as npt

    Ints = npt.NDArray[np.int64]
    Floats = npt.NDArray[np.float64]
else:
    np = lazy_module("numpy")


@dataclass(frozen=True, slots=True)
class Pairs:
    """The weighted collaboration graph of ``weighted_pairs``.

    Attributes
    ----------
    names
        The organisations that share something (the collaboration graph without its isolated
        nodes), in sorted order; arrays below index into it.
    isolated
        How many organisations share nothing.
    source, target
        The two ends of each edge (``source <= target``), edges sorted as ``to_igraph`` sorts.
    weight
        Each edge's weight, as ``collaboration_graph`` gives it.
    weight_without_ca
        Each edge's weight without its combined-authority evidence (0 for an edge with no other;
        ``weight`` itself when there is no combined-authority evidence).
    evidence
        ``(kind, via)`` of every arrangement, PBO or combined authority that gives evidence (a
        weight above 0 and two members or more), sorted.
    group, member
        One entry per member of each of them: its index in ``evidence``, the member's in
        ``names``.
    listing
        The edges in the order ``collaboration_graph(G).edges()`` lists them (that follows
        ``G``'s node order), as indices into the arrays; ``None`` when that is the sorted order.
        Sums over edges taken in this order are the same floats as sums over the NetworkX form.
    groups
        ``groups(G)``.
    regions
        ``regions(G)``.
    """

    names: list[str]
    isolated: int
    source: Ints
    target: Ints
    weight: Floats
    weight_without_ca: Floats
    evidence: list[tuple[str, str]]
    group: Ints
    member: Ints
    listing: Ints | None
    groups: dict[str, dict[str, list[str]]]
    regions: dict[str, str]


def weighted_pairs(G: nx.MultiDiGraph[str], weights: Weights | None = None) -> Pairs:
    """The collaboration graph of ``G`` as arrays: ``collaboration_graph(G, weights)`` without
    its isolated organisations, and without per-pair evidence lists.

    Parameters
    ----------
    G
        The stored graph, as ``GraphStore.graph`` gives it.
    weights
        The weight of each kind of evidence (default ``Weights()``).

    Returns
    -------
    Pairs
        Organisations, edges, both weights, the arrangements behind them, and the regions.
    """
    weights = weights or Weights()
    scan = link_scan(G)
    in_order = [node for node, kind in scan.kinds.items() if kind in ORGANISATION_KINDS]
    organisations = sorted(in_order)
    n = len(organisations)
    index = {name: i for i, name in enumerate(organisations)}
    keys: list[Ints] = []
    shares: list[Floats] = []
    is_ca: list[npt.NDArray[np.bool_]] = []
    if weights.borders > 0:  # "borders" sorts before every other kind of evidence
        u, v = _border_ends(scan, index)
        keys.append(np.minimum(u, v) * n + np.maximum(u, v))
        shares.append(np.full(len(u), weights.borders, dtype=np.float64))
        is_ca.append(np.zeros(len(u), dtype=np.bool_))
    evidence, group, member, share = _evidence(scan.groups, weights, index)
    group_keys, group_of = _group_pairs(group, member, len(evidence), n)
    keys.append(group_keys)
    shares.append(share[group_of])
    ca_groups = np.array([kind == "combined_authority" for kind, _ in evidence], dtype=np.bool_)
    is_ca.append(ca_groups[group_of])
    every_key = np.concatenate(keys)
    order = np.argsort(every_key, kind="stable")  # each pair's evidence stays in its order
    every_key = every_key[order]
    first = np.ones(len(every_key), dtype=np.bool_)
    first[1:] = every_key[1:] != every_key[:-1]
    pair_keys = every_key[first]
    pair = np.cumsum(first) - 1
    every_share = np.concatenate(shares)[order]
    ca = np.concatenate(is_ca)[order]
    weight = _sums(pair, every_share, len(pair_keys))
    without_ca = _sums(pair[~ca], every_share[~ca], len(pair_keys)) if ca.any() else weight
    lo, hi = pair_keys // max(n, 1), pair_keys % max(n, 1)
    shares_something = np.zeros(n, dtype=np.bool_)
    shares_something[lo] = shares_something[hi] = True
    kept = np.flatnonzero(shares_something)
    compact = np.full(n, -1, dtype=np.int64)
    compact[kept] = np.arange(len(kept))
    names = [organisations[i] for i in kept.tolist()]
    return Pairs(
        names=names,
        isolated=n - len(names),
        source=compact[lo],
        target=compact[hi],
        weight=weight,
        weight_without_ca=without_ca,
        evidence=evidence,
        group=group,
        member=compact[member],
        listing=_listing(in_order, index, lo, hi),
        groups=scan.groups,
        regions=regions(G, scan.within),
    )


def _border_ends(scan: LinkScan, index: dict[str, int]) -> tuple[Ints, Ints]:
    """The two ends (indices) of every border between two organisations of ``index``."""
    at = np.fromiter(map(index.get, scan.nodes, repeat(-1)), dtype=np.int64, count=len(scan.nodes))
    u = at[np.array(scan.border_from, dtype=np.int64)]
    to = scan.border_to
    v = np.fromiter(map(index.get, to, repeat(-1)), dtype=np.int64, count=len(to))
    both = (u >= 0) & (v >= 0)
    return u[both], v[both]


def _evidence(
    found: dict[str, dict[str, list[str]]], weights: Weights, index: dict[str, int]
) -> tuple[list[tuple[str, str]], Ints, Ints, Floats]:
    """The groups that give evidence, sorted by ``(kind, via)``: their names, the group and
    the member of each membership, and each group's share of its kind's weight."""
    evidence: list[tuple[str, str]] = []
    sizes: list[int] = []
    members: list[int] = []
    share: list[float] = []
    for kind in sorted(found):
        weight = getattr(weights, kind)
        if weight <= 0:
            continue
        for via, names in found[kind].items():
            if len(names) < 2:
                continue
            evidence.append((kind, via))
            sizes.append(len(names))
            members += map(index.__getitem__, names)
            share.append(weight / (len(names) - 1))
    group = np.repeat(np.arange(len(sizes), dtype=np.int64), np.array(sizes, dtype=np.int64))
    return evidence, group, np.array(members, dtype=np.int64), np.array(share, dtype=np.float64)


def _group_pairs(group: Ints, member: Ints, count: int, n: int) -> tuple[Ints, Ints]:
    """Every pair of members of each of ``count`` groups, as the key ``lo * n + hi`` of its
    members' indices, with the group it comes from; ordered by group (the groups are sorted by
    ``(kind, via)``, so each pair meets its evidence in the order it is summed in)."""
    sizes = np.bincount(group, minlength=count)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    keys: list[Ints] = [np.zeros(0, dtype=np.int64)]
    of: list[Ints] = [np.zeros(0, dtype=np.int64)]
    for k in np.unique(sizes).tolist():  # all groups of k members at once
        which = np.flatnonzero(sizes == k)
        table = member[starts[which][:, None] + np.arange(k)]  # members sorted: lo < hi
        i, j = np.triu_indices(k, 1)
        keys.append((table[:, i] * n + table[:, j]).ravel())
        of.append(np.repeat(which, len(i)))
    groups_of = np.concatenate(of)
    order = np.argsort(groups_of, kind="stable")
    return np.concatenate(keys)[order], groups_of[order]


def _sums(pair: Ints, shares: Floats, size: int) -> Floats:
    """For each of ``size`` pairs, the sum of its ``shares`` (``pair`` gives each share's pair;
    a pair's shares are together, in the order they are added), as Python's ``sum`` adds them:
    numpy adds one or two terms the same way on every Python version; ``sum`` itself adds three
    or more (since Python 3.12 it compensates rounding errors)."""
    total = np.bincount(pair, weights=shares, minlength=size).astype(np.float64, copy=False)
    counts = np.bincount(pair, minlength=size)
    (long,) = np.nonzero(counts[pair] >= 3)
    if len(long):
        of = pair[long]
        values = shares[long].tolist()
        cuts = (np.flatnonzero(of[1:] != of[:-1]) + 1).tolist()
        starts, ends = [0, *cuts], [*cuts, len(values)]
        total[of[starts]] = [sum(values[a:b]) for a, b in zip(starts, ends, strict=True)]
    return total


def _listing(in_order: list[str], index: dict[str, int], lo: Ints, hi: Ints) -> Ints | None:
    """The order in which ``nx.Graph.edges`` lists the pairs ``(lo, hi)`` of a graph whose nodes
    were added in ``in_order`` and whose edges in sorted order: at the end that comes first,
    then by the other end's id. ``None`` when that is the sorted order already."""
    positions = np.fromiter(map(index.__getitem__, in_order), dtype=np.int64, count=len(in_order))
    if bool(np.all(positions[1:] > positions[:-1])):
        return None
    rank = np.empty(len(in_order), dtype=np.int64)
    rank[positions] = np.arange(len(in_order))
    lo_first = rank[lo] <= rank[hi]
    first, other = np.where(lo_first, lo, hi), np.where(lo_first, hi, lo)
    return np.lexsort((other, rank[first]))
