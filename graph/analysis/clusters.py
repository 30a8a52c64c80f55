"""Communities of organisations that work together: who clusters with whom, how stable the
clusters are across seeds, and how well the combined authorities fit them."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from graph.analysis.collab import Weights, collaboration_graph
from graph.analysis.common import ca_members, name_of, node_ref, regions
from graph.analysis.detection import METHODS, compare, detect, to_igraph
from graph.analysis.spec import WEIGHTS, Analysis, Param
from graph.lazy import lazy_module

if TYPE_CHECKING:
    import networkx as nx
else:
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
    seeds, the evidence inside each, and how well combined authorities fit them."""
    weights = weights or Weights()
    C = collaboration_graph(G, weights)
    isolated = [n for n in C if C.degree(n) == 0]
    C.remove_nodes_from(isolated)
    g = to_igraph(C)
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
    label = dict(zip(best.names, best.membership, strict=True))
    members: dict[int, list[str]] = defaultdict(list)
    for name in best.names:
        members[label[name]].append(name)
    internal: dict[int, float] = defaultdict(float)
    evidence: dict[int, Counter[tuple[str, str]]] = defaultdict(Counter)
    for u, v, data in C.edges(data=True):
        if (number := label[u]) == label[v]:
            internal[number] += data["weight"]
            for kind, via, _ in data["evidence"]:
                if kind != "borders":
                    evidence[number][(kind, via)] += 1
    region = regions(G)
    found = []
    for number in sorted(members):
        group = members[number]
        in_region = Counter(region[n] for n in group if n in region)
        found.append(
            {
                "cluster": number + 1,
                "size": len(group),
                "members": [node_ref(G, n) for n in group],
                "internal_weight": round(internal[number], 3),
                "regions": {name_of(G, r): c for r, c in in_region.most_common()},
                "evidence": [
                    {**node_ref(G, via), "evidence": kind, "pairs": pairs}
                    for (kind, via), pairs in sorted(
                        evidence[number].items(), key=lambda x: (-x[1], x[0])
                    )[:10]
                ],
            }
        )
    return {
        "parameters": {"method": method, "seed": seed, "resolution": resolution, "runs": runs,
                       "weights": weights.as_dict()},
        "organisations": C.number_of_nodes(),
        "isolated": len(isolated),
        "modularity": round(best.modularity, 4),
        "stability": _rounded(stability),
        "clusters": found,
        "combined_authority_fit": ca_fit(G, _fit_labels(C, method, seed, resolution)),
    }  # fmt: skip


def _fit_labels(C: nx.Graph[str], method: str, seed: int, resolution: float) -> dict[str, int]:
    """Clusters found without the combined-authority evidence: measuring how well combined
    authorities fit clusters that their own membership helped make would be circular."""

    def without_ca(data: dict[str, Any]) -> float:
        return float(sum(e[2] for e in data["evidence"] if e[0] != "combined_authority"))

    found = detect(to_igraph(C, without_ca), method, seed, resolution)
    return dict(zip(found.names, found.membership, strict=True))


def ca_fit(G: nx.MultiDiGraph[str], label: dict[str, int]) -> dict[str, Any]:
    """How well each combined authority sits inside one cluster of ``label``: the share of its
    members in its main cluster; overall, NMI and ARI between CA membership and the clusters
    (over the councils in a CA). A member in no cluster (no evidence at all) counts against."""
    per_ca: list[dict[str, Any]] = []
    ca_labels, cluster_labels = [], []
    for index, (ca, members) in enumerate(sorted(ca_members(G).items())):
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
