"""Known answers for ``clusters``: the collaboration graph built straight into igraph from
integer arrays gives exactly what the NetworkX form (``collaboration_graph`` + ``to_igraph``)
gave: the same membership, modularity, stability, evidence, internal weights and CA fit, to
the last bit. ``reference_clusters`` is the implementation as it was before the arrays."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from test_analysis import write_small_graph

from graph import NetworkXStore
from graph import analysis as A
from graph.analysis.clusters import _mean, _rounded, ca_fit
from graph.analysis.collab import Weights, collaboration_graph
from graph.analysis.common import name_of, node_ref, regions
from graph.analysis.detection import compare, detect, to_igraph
from graph.analysis.pairs import weighted_pairs
from loaders import load_files


def reference_clusters(
    G: nx.MultiDiGraph[str],
    *,
    weights: Weights | None = None,
    method: str = "louvain",
    seed: int = 1,
    resolution: float = 1.0,
    runs: int = 10,
) -> dict[str, Any]:
    """``clusters`` as it was: through ``collaboration_graph`` and ``to_igraph``."""
    weights = weights or Weights()
    C = collaboration_graph(G, weights)
    isolated = [n for n in C if C.degree(n) == 0]
    C.remove_nodes_from(isolated)
    g = to_igraph(C)
    best = detect(g, method, seed, resolution)
    others = [detect(g, method, seed + i, resolution) for i in range(1, max(runs, 1))]
    if g.vcount() == 0:
        others = []
    modularities = [best.modularity, *(o.modularity for o in others)]
    stability = {
        "runs": len(others) + 1,
        "mean_nmi": _mean(compare(best.membership, o.membership, "nmi") for o in others),
        "mean_ari": _mean(compare(best.membership, o.membership, "adjusted_rand") for o in others),
        "modularity_range": [min(modularities), max(modularities)],
    }
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
        top = sorted(evidence[number].items(), key=lambda x: (-x[1], x[0]))[:10]
        found.append(
            {
                "cluster": number + 1,
                "size": len(group),
                "members": [node_ref(G, n) for n in group],
                "internal_weight": round(internal[number], 3),
                "regions": {name_of(G, r): c for r, c in in_region.most_common()},
                "evidence": [
                    {**node_ref(G, via), "evidence": kind, "pairs": pairs}
                    for (kind, via), pairs in top
                ],
            }
        )

    def without_ca(data: dict[str, Any]) -> float:
        return float(sum(e[2] for e in data["evidence"] if e[0] != "combined_authority"))

    fit = detect(to_igraph(C, without_ca), method, seed, resolution)
    return {
        "parameters": {"method": method, "seed": seed, "resolution": resolution, "runs": runs,
                       "weights": weights.as_dict()},
        "organisations": C.number_of_nodes(),
        "isolated": len(isolated),
        "modularity": round(best.modularity, 4),
        "stability": _rounded(stability),
        "clusters": found,
        "combined_authority_fit": ca_fit(G, dict(zip(fit.names, fit.membership, strict=True))),
    }  # fmt: skip


def random_graph(seed: int, councils: int = 300) -> nx.MultiDiGraph[str]:
    """A graph with every kind of evidence, in a shuffled node and link order: councils and
    public bodies in communities, shared services, joint procurements, PBOs owned and used,
    combined authorities, regions and nations, borders one way or both ways (and one to a
    region, which is not an organisation), arrangements of one member, and a self-border."""
    rng = random.Random(seed)
    ids = [f"E06{i:06d}" for i in range(councils)]
    bodies = [f"pb:body-{i}" for i in range(councils // 20)]
    organisations = ids + bodies
    nodes = [(c, {"kind": "council", "name": f"Council {c}"}) for c in ids]
    nodes += [(b, {"kind": "public_body", "name": b}) for b in bodies]
    links: list[tuple[str, str, str]] = []

    def arrangements(prefix: str, kind: str, link: str, count: int, most: int) -> None:
        for a in range(count):
            node = f"{prefix}{a}"
            nodes.append((node, {"kind": kind, "name": node}))
            base = rng.randrange(len(organisations) - 30)
            for _ in range(rng.randint(1, most)):
                near = rng.random() < 0.8
                member = base + rng.randrange(30) if near else rng.randrange(len(organisations))
                links.append((organisations[member], node, link))

    arrangements("ss:s", "shared_service", "partner_in", councils // 3, 8)
    arrangements("jp:j", "joint_procurement", "participates_in", councils // 6, 5)
    arrangements("bo:b", "buying_organisation", "owns", 6, 40)
    arrangements("bo:b", "buying_organisation", "buys_through", 6, 60)
    arrangements("E47", "combined_authority", "member_of", councils // 25, 9)
    regions_ = [f"E12{r:06d}" for r in range(4)]
    nodes += [(r, {"kind": "region", "name": f"Region {r}"}) for r in regions_]
    nodes.append(("E92000001", {"kind": "nation", "name": "England"}))
    for c in ids:
        links.append((c, "E92000001", "within"))
        if rng.random() < 0.9:
            links.append((c, rng.choice(regions_), "within"))
    for _ in range(councils * 3):
        a = rng.randrange(councils)
        b = min(a // 30 * 30 + rng.randrange(30), councils - 1)
        if a != b:
            links.append((ids[a], ids[b], "borders"))
            if rng.random() < 0.1:
                links.append((ids[b], ids[a], "borders"))
    links.append((ids[0], ids[0], "borders"))
    links.append((ids[1], regions_[0], "borders"))
    rng.shuffle(nodes)
    rng.shuffle(links)
    G: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    G.add_nodes_from(nodes)
    for u, v, key in links:
        G.add_edge(u, v, key=key)
    return G


PARAMETERS: list[dict[str, Any]] = [
    {},
    {"method": "leiden", "runs": 3},
    {"seed": 7, "resolution": 2.0, "runs": 2},
    {"weights": Weights().with_overrides({"borders": 0})},
    {"weights": Weights().with_overrides({"combined_authority": 0})},
    {"weights": Weights().with_overrides({"shared_service": 0, "pbo_user": 1.5})},
    {"weights": Weights().with_overrides({"combined_authority": 4.0, "borders": 0.1})},
]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("parameters", PARAMETERS)
def test_clusters_of_random_graphs_are_the_reference(seed: int, parameters: dict[str, Any]) -> None:
    G = random_graph(seed)
    assert A.clusters(G, **parameters) == reference_clusters(G, **parameters)


@pytest.mark.parametrize("order_seed", [None, 1, 2])
@pytest.mark.parametrize("parameters", PARAMETERS[:4])
def test_clusters_of_the_small_graph_are_the_reference(
    tmp_path: Path, order_seed: int | None, parameters: dict[str, Any]
) -> None:
    with NetworkXStore(tmp_path / "store") as store:
        load_files(store, write_small_graph(tmp_path / "in", order_seed=order_seed))
        G = store.graph(date.today())
    assert A.clusters(G, **parameters) == reference_clusters(G, **parameters)


@pytest.fixture(scope="module")
def uk_graphs(bundled_home: Path) -> dict[str, nx.MultiDiGraph[str]]:
    store = NetworkXStore(bundled_home)
    return {"today": store.graph(date.today()), "all": store.graph(None)}


@pytest.mark.parametrize("when", ["today", "all"])
@pytest.mark.parametrize("parameters", PARAMETERS)
def test_clusters_of_the_uk_are_the_reference(
    uk_graphs: dict[str, nx.MultiDiGraph[str]], when: str, parameters: dict[str, Any]
) -> None:
    G = uk_graphs[when]
    assert A.clusters(G, **parameters) == reference_clusters(G, **parameters)


@pytest.mark.parametrize("seed", [1, 2])
def test_weighted_pairs_are_the_collaboration_graph_to_the_bit(seed: int) -> None:
    G = random_graph(seed)
    C = collaboration_graph(G)
    C.remove_nodes_from([n for n in list(C) if C.degree(n) == 0])
    P = weighted_pairs(G)
    g = to_igraph(C)
    assert P.names == g.vs["name"] == sorted(C)
    assert list(zip(P.source.tolist(), P.target.tolist(), strict=True)) == g.get_edgelist()
    assert P.weight.tolist() == g.es["weight"]  # == on floats: the same bits
    no_ca = {
        (min(u, v), max(u, v)): float(
            sum(e[2] for e in d["evidence"] if e[0] != "combined_authority")
        )
        for u, v, d in C.edges(data=True)
    }
    pairs = zip(P.source.tolist(), P.target.tolist(), strict=True)
    assert P.weight_without_ca.tolist() == [no_ca[(P.names[a], P.names[b])] for a, b in pairs]
    assert any(len(d["evidence"]) >= 3 for _, _, d in C.edges(data=True))
    assert P.listing is not None  # the shuffled node order is not the sorted one
