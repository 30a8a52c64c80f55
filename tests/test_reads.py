"""Reads of part of the graph give what the whole graph gives: neighbourhoods against NetworkX
on ``store.graph(at)``, and recommendations and partnerships of every organisation from only
the part they read (the embedded store; ``test_contract`` holds Neo4j to the same answers)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from graph import LinkKind, NetworkXStore, NodeKind, vintage
from graph.analysis import ANALYSES, Weights
from graph.analysis.recommend import recommend_graph
from graph.queries import partnerships, partnerships_graph
from graph.store.base import NEIGHBOURHOOD_KINDS

DAYS = (date.today(), date(2021, 6, 1))


@pytest.fixture(scope="module")
def store(bundled_home: Path) -> NetworkXStore:
    return NetworkXStore(bundled_home)


def induced_ball(
    G: nx.MultiDiGraph[str], ids: list[str], hops: int, kinds: frozenset[LinkKind]
) -> nx.MultiDiGraph[str]:
    """The same question asked of the whole graph with NetworkX: the nodes within ``hops``
    links of ``kinds`` (either way) of any of ``ids``, and the subgraph they induce."""
    follow = {str(k) for k in kinds}
    U: nx.Graph[str] = nx.Graph()
    U.add_nodes_from(G)
    U.add_edges_from((u, v) for u, v, k in G.edges(keys=True) if k in follow)
    reached: set[str] = set()
    for node in ids:
        if node in U:
            reached |= set(nx.single_source_shortest_path_length(U, node, cutoff=hops))
    ball: nx.MultiDiGraph[str] = G.subgraph(sorted(reached)).copy()
    return ball


def test_neighbourhood_is_the_induced_ball(store: NetworkXStore) -> None:
    starts = [["E08000035"], ["E06000065", "S12000036"], ["bo:ccs"], ["ss:3c-ict"],
              ["E10000006"], ["E12000003"], ["no-such-id", "E09000033"]]  # fmt: skip
    choices = [NEIGHBOURHOOD_KINDS, frozenset({LinkKind.BORDERS}), frozenset(LinkKind),
               frozenset({LinkKind.PARTNER_IN, LinkKind.PARTICIPATES_IN, LinkKind.OWNS})]  # fmt: skip
    for day in (None, *DAYS):
        G = store.graph(day)
        for ids in starts:
            for kinds in choices:
                for hops in range(5):
                    found = store.neighbourhood(ids, hops, day, kinds)
                    expected = induced_ball(G, ids, hops, kinds)
                    assert list(found) == sorted(found)  # as ``store.graph`` orders them
                    assert list(found.nodes(data=True)) == sorted(expected.nodes(data=True))
                    assert sorted(found.edges(keys=True, data=True)) == sorted(
                        expected.edges(keys=True, data=True)
                    )


def test_neighbourhood_follows_only_what_it_is_told(store: NetworkXStore) -> None:
    today = date.today()
    leeds = store.neighbourhood(["E08000035"], 1, today)
    assert "E12000003" not in leeds  # ``within`` is not followed unless asked for ...
    assert "E12000003" in store.neighbourhood(["E08000035"], 1, today, kinds={"within"})
    both = store.neighbourhood(["E08000035", "E12000003"], 0, today)
    assert list(both.edges(keys=True)) == [("E08000035", "E12000003", "within")]  # ... induced
    assert store.neighbourhood("E08000035", 0, today).nodes["E08000035"]["name"] == "Leeds"
    cumbria = store.neighbourhood(["E10000006"], 1, None, kinds={"succeeded_by"})
    assert set(cumbria) == {"E10000006", "E06000063", "E06000064"}
    assert len(store.neighbourhood(["E10000006"], 1, today, kinds={"succeeded_by"})) == 0


def test_recommendations_from_their_part_of_the_graph(store: NetworkXStore) -> None:
    """For every council and public body, on two days and with two sets of weights, every
    recommendation (not only the top ten) is the same from ``recommend_graph`` as from the
    whole graph."""
    spec = ANALYSES["recommend"]
    assert spec.needs is recommend_graph
    checked = 0
    for day in DAYS:
        G = store.graph(day)
        organisations = sorted(
            n
            for n, d in G.nodes(data=True)
            if d["kind"] in (NodeKind.COUNCIL, NodeKind.PUBLIC_BODY)
        )
        assert len(organisations) > 380
        for weights in (Weights(), Weights(borders=0, combined_authority=0, pbo_user=2)):
            for node in organisations:
                arguments = spec.arguments({"node": node, "weights": weights, "top": 100})
                part = spec.fetch(store, day, arguments)
                # two steps out: a London borough's reaches its pan-London arrangements' members
                assert part.number_of_nodes() < G.number_of_nodes() / 3
                assert spec.compute(part, arguments) == spec.compute(G, arguments), node
                checked += 1
    assert checked > 1500
    leeds = spec.arguments({"node": "E08000035"})
    assert spec.compute(spec.fetch(store, DAYS[0], leeds), leeds)["recommendations"][0]["id"] == (
        "E06000065"  # North Yorkshire
    )


def test_recommendations_refuse_the_same_way(store: NetworkXStore) -> None:
    spec = ANALYSES["recommend"]
    for node, error in (("no-such-id", "NotFound"), ("E12000003", "InvalidInput")):
        arguments = spec.arguments({"node": node})
        with pytest.raises(Exception) as whole:
            spec.compute(store.graph(DAYS[0]), arguments)
        with pytest.raises(Exception) as part:
            spec.compute(spec.fetch(store, DAYS[0], arguments), arguments)
        assert type(part.value) is type(whole.value)
        assert type(part.value).__name__ == error and str(part.value) == str(whole.value)


def test_partnerships_from_their_part_of_the_graph(store: NetworkXStore) -> None:
    for day in DAYS:
        G = store.graph(day)
        councils = sorted(n for n, d in G.nodes(data=True) if d["kind"] == NodeKind.COUNCIL)
        for node in councils:
            assert partnerships(partnerships_graph(store, node, day), node) == (
                partnerships(G, node)
            ), node
    leeds = partnerships(partnerships_graph(store, "E08000035", DAYS[0]), "E08000035")
    [wyjs] = [s for s in leeds["shared_services"] if s["id"] == "ss:west-yorkshire-joint-services"]
    assert len(wyjs["partners"]) == 4


def test_vintage_names_every_dataset(store: NetworkXStore) -> None:
    found = vintage(store, date.today())
    assert found["datasets"] == store.sources(None)
    assert "ons-lad-changes-2023@2023" in found["datasets"]  # ended records count too
    assert found["as_at"] == date.today().isoformat()
