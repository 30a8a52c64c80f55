"""Communities of organisations that work together: who clusters with whom, how stable the
clusters are across seeds, and how well the combined authorities fit them."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from graph.analysis.collab import Weights
from graph.analysis.common import ca_members, name_of, node_ref, node_refs
from graph.analysis.detection import METHODS, Partition, compare, detect, pairs_to_igraph
from graph.analysis.pairs import Pairs, weighted_pairs
from graph.analysis.spec import WEIGHTS, Analysis, Param
from graph.lazy import lazy_module

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np
else:
    np = lazy_module("numpy")
    nx = lazy_module("networkx")


def clusters(
    G: nx.MultiDiGraph[str],
    *,
    weights: Weights | None = None,
    method: str = "louvain",
    seed: int = 1,
    resolution: float = 1.0,
    runs: int = 10,
) -> dict[str, Any]:
    """Communities of the collaboration graph, with modularity, stability across ``runs``
    seeds, the evidence inside each, and how well combined authorities fit them.

    Parameters
    ----------
    G
        The stored graph as at a day (``GraphStore.analysis_graph``).
    weights
        The evidence weights of the collaboration graph (``Weights()`` by default).
    method
        ``"louvain"`` (igraph's multilevel) or ``"leiden"``.
    seed
        Seeds igraph's random choices: the same data and seed give the same clusters.
    resolution
        Higher gives smaller clusters.
    runs
        Partitions found with other seeds, against which stability (NMI, ARI) is measured.

    Returns
    -------
    dict
        ``parameters``, ``organisations``, ``isolated``, ``modularity``, ``stability``,
        ``clusters`` (each with ``members``, ``regions``, ``internal_weight``, ``evidence``)
        and ``combined_authority_fit`` (measured on clusters found without CA evidence).
    """
    weights = weights or Weights()
    P = weighted_pairs(G, weights)
    g = pairs_to_igraph(P.names, P.source, P.target, P.weight)
    best = detect(g, method, seed, resolution)
    others = [detect(g, method, seed + i, resolution) for i in range(1, max(runs, 1))]
    if g.vcount() == 0:
        others = []  # igraph cannot compare empty partitions (it aborts the process)
    stability = {
        "runs": len(others) + 1,
        "mean_nmi": _mean(compare(best.membership, o.membership, "nmi")
                          for o in others),
        "mean_ari": _mean(compare(best.membership, o.membership, "adjusted_rand")
                          for o in others),
        "modularity_range": [min([best.modularity, *(o.modularity for o in others)]),
                             max([best.modularity, *(o.modularity for o in others)])],
    }  # fmt: skip
    members: dict[int, list[str]] = defaultdict(list)
    for name, number in zip(best.names, best.membership, strict=True):
        members[number].append(name)
    internal, evidence = _inside(P, best.membership)
    region = P.regions
    found = []
    for number in sorted(members):
        group = members[number]
        in_region = Counter(region[n] for n in group if n in region)
        found.append(
            {
                "cluster": number + 1,
                "size": len(group),
                "members": node_refs(G, group),
                "internal_weight": round(internal[number], 3),
                "regions": {name_of(G, r): c for r, c in in_region.most_common()},
                "evidence": [
                    {**node_ref(G, via), "evidence": kind, "pairs": pairs}
                    for kind, via, pairs in evidence[number]
                ],
            }
        )
    fit = _fit_labels(P, best, method, seed, resolution)
    return {
        "parameters": {"method": method, "seed": seed, "resolution": resolution, "runs": runs,
                       "weights": weights.as_dict()},
        "organisations": len(P.names),
        "isolated": P.isolated,
        "modularity": round(best.modularity, 4),
        "stability": _rounded(stability),
        "clusters": found,
        "combined_authority_fit": ca_fit(G, fit, ca_members(G, P.groups)),
    }  # fmt: skip


def _inside(
    P: Pairs, membership: list[int], top: int = 10
) -> tuple[list[float], list[list[tuple[str, str, int]]]]:
    """For each cluster of ``membership`` (labels of ``P.names``): the weight of the edges
    inside it, and its ``top`` arrangements by pairs of members inside it.

    The weights are added edge by edge in the order the NetworkX collaboration graph lists its
    edges, so each is the same float. A pair inside a cluster counts once for each arrangement
    (shared service, joint procurement, PBO, combined authority) it shares; an arrangement with
    ``k`` members in one cluster gives it ``k * (k - 1) / 2`` pairs.

    Returns
    -------
    internal
        The internal weight of each cluster, by label.
    evidence
        For each cluster, by label, up to ``top`` ``(kind, via, pairs)``, most pairs first
        (then by kind and id).
    """
    label = np.array(membership, dtype=np.int64)
    count = int(label.max()) + 1 if len(label) else 0
    source, target, weight = P.source, P.target, P.weight
    if P.listing is not None:
        source, target, weight = source[P.listing], target[P.listing], weight[P.listing]
    inside = label[source] == label[target]
    internal = np.bincount(label[source[inside]], weights=weight[inside], minlength=count)
    keys, sizes = np.unique(P.group * max(count, 1) + label[P.member], return_counts=True)
    pairs = sizes * (sizes - 1) // 2
    keys, pairs = keys[pairs > 0], pairs[pairs > 0]
    group, cluster = keys // max(count, 1), keys % max(count, 1)
    evidence: list[list[tuple[str, str, int]]] = [[] for _ in range(count)]
    for c, g, k in zip(*(a.tolist() for a in (cluster, group, pairs)), strict=True):
        evidence[c].append((*P.evidence[g], k))
    for items in evidence:
        items.sort(key=lambda e: (-e[2], e[0], e[1]))
        del items[top:]
    return internal.tolist(), evidence


def _fit_labels(
    P: Pairs, best: Partition, method: str, seed: int, resolution: float
) -> dict[str, int]:
    """Clusters found without the combined-authority evidence: measuring how well combined
    authorities fit clusters that their own membership helped make would be circular. With no
    combined-authority evidence, that is the same graph, and ``best`` is its partition."""
    if np.array_equal(P.weight, P.weight_without_ca):
        found = best
    else:
        g = pairs_to_igraph(P.names, P.source, P.target, P.weight_without_ca)
        found = detect(g, method, seed, resolution)
    return dict(zip(found.names, found.membership, strict=True))


def ca_fit(
    G: nx.MultiDiGraph[str], label: dict[str, int], members_of: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """How well each combined authority sits inside one cluster of ``label``: the share of its
    members in its main cluster; overall, NMI and ARI between CA membership and the clusters
    (over the councils in a CA). A member in no cluster (no evidence at all) counts against.
    ``members_of`` is ``ca_members(G)``, when the caller has it."""
    per_ca: list[dict[str, Any]] = []
    ca_labels, cluster_labels = [], []
    members_of = members_of if members_of is not None else ca_members(G)
    for index, (ca, members) in enumerate(sorted(members_of.items())):
        placed = [label[m] for m in members if m in label]
        if not members:
            continue
        counts = Counter(placed)
        main, in_main = counts.most_common(1)[0] if counts else (None, 0)
        per_ca.append(
            {
                **node_ref(G, ca),
                "members": len(members),
                "main_cluster": main + 1 if main is not None else None,
                "share_in_main_cluster": round(in_main / len(members), 3),
                "clusters_spanned": len(counts),
            }
        )
        for m in members:
            if m in label:
                ca_labels.append(index)
                cluster_labels.append(label[m])
    overall: dict[str, float | None] = {"nmi": None, "ari": None}
    if len(set(ca_labels)) > 1:
        overall = {
            "nmi": round(compare(ca_labels, cluster_labels, "nmi"), 4),
            "ari": round(compare(ca_labels, cluster_labels, "adjusted_rand"), 4),
        }
    per_ca.sort(key=lambda r: (-r["share_in_main_cluster"], r["id"]))
    return {"overall": overall, "combined_authorities": per_ca}


def _mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def _rounded(d: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in d.items()}


SPEC = Analysis(
    name="clusters",
    summary="Communities of organisations that work together",
    run=clusters,
    route="/clusters",
    params=(
        Param("method", str, "louvain", "community detection", choices=METHODS),
        Param("seed", int, 1, "seed of the random choices", ge=0, le=2**31 - 1),
        Param("resolution", float, 1.0, "higher gives smaller clusters", gt=0, le=100),
        Param("runs", int, 10, "seeds tried for stability", ge=1, le=50),
        WEIGHTS,
    ),
    map_view=True,
)
