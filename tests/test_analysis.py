"""Analyses with known answers on small hand-built graphs, determinism whatever the load order,
results on the bundled UK graph that a domain expert would accept, and every command on both
backends."""

from __future__ import annotations

import json
import random
from datetime import date
from itertools import pairwise
from pathlib import Path

import networkx as nx
import pytest
from conftest import Neo4jServer, run_cli

from graph import InvalidInput, NetworkXStore
from graph import analysis as A
from graph.analysis.collab import Weights, collaboration_graph
from graph.analysis.footprint import contiguity, footprint
from loaders import load_files

# Two groups of four unitary councils: each group shares two services and borders within;
# one border joins the groups. E06000099 is an island with no borders and no partnerships.
# West's councils have 400,000 people each (1.6 million), East's 300,000 (1.2 million).
WEST, EAST = ["E06000001", "E06000002", "E06000003", "E06000004"], [
    "E06000005", "E06000006", "E06000007", "E06000008"
]  # fmt: skip
ISLAND = "E06000046"


def write_small_graph(folder: Path, order_seed: int | None = None) -> list[Path]:
    """The hand-built graph as loadable files; ``order_seed`` shuffles every file's rows."""
    folder.mkdir(parents=True, exist_ok=True)
    people = {**dict.fromkeys(WEST, 400_000), **dict.fromkeys(EAST, 300_000), ISLAND: 140_000}
    nodes = [f"{c},council,Council {c[-2:]},{people[c]},mid-2024" for c in [*WEST, *EAST, ISLAND]]
    borders = [(a, b) for group in (WEST, EAST) for a, b in pairwise(group)]
    borders.append((WEST[-1], EAST[0]))
    links = [f"{a},borders,{b}" for a, b in borders]
    services = [
        f"ss:{name}-{i},{name} service {i},legal,joint_committee,{';'.join(group)}"
        for name, group in (("west", WEST), ("east", EAST))
        for i in (1, 2)
    ]
    if order_seed is not None:
        rng = random.Random(order_seed)
        for rows in (nodes, links, services):
            rng.shuffle(rows)
    files = {
        "nodes.csv": "id,kind,name,population,population_year\n" + "\n".join(nodes) + "\n",
        "links.csv": "from_id,kind,to_id\n" + "\n".join(links) + "\n",
        "services.csv": "id,name,category,delivery_model,partners\n" + "\n".join(services) + "\n",
    }
    paths = []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths


@pytest.fixture
def small(tmp_path: Path) -> nx.MultiDiGraph[str]:
    with NetworkXStore(tmp_path / "store") as store:
        load_files(store, write_small_graph(tmp_path / "in"))
        return store.graph(date.today())


def test_two_obvious_clusters(small: nx.MultiDiGraph[str]) -> None:
    result = A.clusters(small)
    found = [sorted(m["id"] for m in c["members"]) for c in result["clusters"]]
    assert sorted(found) == sorted([WEST, EAST])
    assert result["isolated"] == 1  # the island has no evidence at all
    assert result["modularity"] > 0.3
    assert result["stability"]["mean_ari"] == 1.0  # every seed finds the same split
    assert result["parameters"]["method"] == "louvain"
    leiden = A.clusters(small, method="leiden")
    assert sorted(sorted(m["id"] for m in c["members"]) for c in leiden["clusters"]) == sorted(
        [WEST, EAST]
    )
    evidence = {e["id"] for c in result["clusters"] for e in c["evidence"]}
    assert evidence == {"ss:west-1", "ss:west-2", "ss:east-1", "ss:east-2"}


def test_weights_are_documented_and_adjustable(small: nx.MultiDiGraph[str]) -> None:
    C = collaboration_graph(small)
    # 2 services of 4 partners each: 2 * 3.0 / 3 per pair, + 0.5 where they border
    assert C.edges[WEST[0], WEST[1]]["weight"] == pytest.approx(2.0 + 0.5)
    assert C.edges[WEST[0], WEST[2]]["weight"] == pytest.approx(2.0)
    assert C.edges[WEST[-1], EAST[0]]["weight"] == pytest.approx(0.5)
    no_borders = collaboration_graph(small, Weights().with_overrides({"borders": 0}))
    assert not no_borders.has_edge(WEST[-1], EAST[0])
    with pytest.raises(ValueError, match="unknown weight"):
        Weights().with_overrides({"friendship": 1})


def test_a_contiguous_pair_outside_any_ca_is_a_candidate_and_an_island_never(
    small: nx.MultiDiGraph[str],
) -> None:
    result = A.candidates(small, min_population=0)
    groups = [sorted(m["id"] for m in c["members"]) for c in result["candidates"]]
    assert sorted(groups) == sorted([WEST, EAST])
    assert all(ISLAND not in g for g in groups)
    best = result["candidates"][0]
    assert best["rank"] == 1 and best["kind"] == "new" and best["extends"] == []
    assert {c["population"]["total"] for c in result["candidates"]} == {1_600_000, 1_200_000}
    assert {s["id"] for s in best["evidence"]["shared_service"]} in (
        {"ss:west-1", "ss:west-2"},
        {"ss:east-1", "ss:east-2"},
    )
    # The island is offered the options open to it: no neighbouring CA, no candidate group.
    island = [o for o in result["councils_outside_combined_authorities"] if o["id"] == ISLAND]
    assert island == [{"id": ISLAND, "name": "Council 46", "kind": "council",
                       "join_neighbouring_ca": [], "in_candidates": []}]  # fmt: skip
    # A group cannot be a partnership of one.


def test_a_group_short_of_the_population_threshold_joins_its_neighbour_or_is_a_near_miss(
    small: nx.MultiDiGraph[str],
) -> None:
    """East (1.2 million) is short of the default 1.5 million, so it joins the bordering group
    it works with (West); when even both are short, the group is a near-miss that says so."""
    grown = A.candidates(small)
    assert [sorted(m["id"] for m in c["members"]) for c in grown["candidates"]] == [WEST + EAST]
    assert grown["candidates"][0]["population"] == {
        "total": 2_800_000, "complete": True, "years": ["mid-2024"], "missing": []}  # fmt: skip
    assert grown["near_misses"] == [] and grown["parameters"]["min_population"] == 1_500_000
    short = A.candidates(small, min_population=3_000_000)
    assert short["candidates"] == []
    [near] = short["near_misses"]
    assert sorted(m["id"] for m in near["members"]) == WEST + EAST
    assert [f["test"] for f in near["failed"]] == ["population"]
    assert "2,800,000 people, short of the 3,000,000" in near["failed"][0]["reason"]
    with pytest.raises(InvalidInput, match="at least 2"):
        A.candidates(small, min_size=1)


def test_recommendations_explain_themselves(small: nx.MultiDiGraph[str]) -> None:
    result = A.recommend(small, WEST[-1])
    assert {p["id"] for p in result["works_with"]} == set(WEST[:-1])
    (first, *_) = result["recommendations"]
    assert first["id"] == EAST[0]  # the only council it borders and does not work with yet
    assert first["reasons"] == ["borders it"]
    assert all(r["id"] not in WEST for r in result["recommendations"])
    assert A.recommend(small, ISLAND)["recommendations"] == []


def test_path_names_each_step(small: nx.MultiDiGraph[str]) -> None:
    result = A.path(small, WEST[0], EAST[-1])
    assert result["found"] is True
    assert result["steps"][0]["from"]["id"] == WEST[0]
    assert result["steps"][-1]["to"]["id"] == EAST[-1]
    kinds = {s["link"] for s in result["steps"]}
    assert "borders" in kinds and "partner_in" in kinds
    assert A.path(small, WEST[0], ISLAND)["found"] is False


def test_gaps(small: nx.MultiDiGraph[str]) -> None:
    result = A.gaps(small)
    assert [c["id"] for c in result["councils_without_partnerships"]] == [ISLAND]
    # The two groups border and both have legal services, but none together.
    separate = result["neighbours_buying_separately"]
    assert [(g["category"], [c["id"] for c in g["councils"]]) for g in separate] == [
        ("legal", [WEST[-1], EAST[0]])
    ]


def test_the_same_data_gives_the_same_answers_whatever_the_load_order(tmp_path: Path) -> None:
    answers = []
    for seed in (None, 1, 2, 3):
        with NetworkXStore(tmp_path / f"store{seed}") as store:
            files = write_small_graph(tmp_path / f"in{seed}", order_seed=seed)
            load_files(store, list(reversed(files[:2])) + files[2:] if seed else files)
            G = store.graph(date.today())
        answers.append(
            json.dumps(
                [A.clusters(G), A.candidates(G), A.recommend(G, WEST[0]), A.brokers(G), A.gaps(G)],
                sort_keys=True,
            )
        )
    assert len(set(answers)) == 1


# --- the bundled UK graph -------------------------------------------------------------------


@pytest.fixture(scope="module")
def uk(bundled_home: Path) -> nx.MultiDiGraph[str]:
    return NetworkXStore(bundled_home).graph(date.today())


def test_councils_in_one_joint_waste_arrangement_are_not_recommended_to_each_other(
    uk: nx.MultiDiGraph[str],
) -> None:
    south_london = [  # Croydon, Kingston, Merton and Sutton's collection contract
        u for u, _, key in uk.in_edges("jp:slwp-veolia-collection-street-cleansing", keys=True)
        if key == "participates_in" and u.startswith("E09")
    ]  # fmt: skip
    assert len(south_london) == 4
    for council in south_london:
        recommended = {r["id"] for r in A.recommend(uk, council, top=50)["recommendations"]}
        assert not recommended & set(south_london), council


def test_uk_clusters_and_candidates_make_sense(uk: nx.MultiDiGraph[str]) -> None:
    result = A.clusters(uk)
    label = {m["id"]: c["cluster"] for c in result["clusters"] for m in c["members"]}
    west_yorkshire = ["E08000032", "E08000033", "E08000034", "E08000035", "E08000036"]
    assert len({label[c] for c in west_yorkshire}) == 1  # one joint committee, one CA
    scottish = [c for c in label if c.startswith("S12")]
    assert len(scottish) == 32 and len({label[c] for c in scottish}) <= 3
    fit = result["combined_authority_fit"]
    assert fit["overall"]["nmi"] is not None and 0 < fit["overall"]["nmi"] <= 1
    candidates = A.candidates(uk)["candidates"]
    assert candidates, "the UK graph must offer candidate partnerships"
    for c in candidates:
        ids = [m["id"] for m in c["members"]]
        in_ca = {m for e in c["extends"] for m in uk.predecessors(e["id"])}
        assert not any(i.startswith("E07") and i not in in_ca for i in ids)  # with the county
        assert c["evidence"].get("shared_service") or c["evidence"].get("joint_procurement")
        ground = contiguity(uk, footprint(uk, ids))  # contiguous through borders, but islands
        assert ground["passed"] and len(ground["pieces"]) == 1 + len(ground["islands"]), ids
    welsh = [c for c in candidates if c["members"][0]["id"].startswith("W06")]
    assert any({"W06000015", "W06000014"} <= {m["id"] for m in c["members"]} for c in welsh)
    assert {c["kind"] for c in welsh} == {"collaboration_group"}
    cardiff = next(c for c in welsh if "W06000015" in {m["id"] for m in c["members"]})
    assert {"id": "cjc:south-east-wales", "name": "South East Wales",
            "kind": "combined_authority"} in cardiff["regional_bodies"]  # fmt: skip


def test_uk_candidates_are_lawful_and_near_misses_say_why(uk: nx.MultiDiGraph[str]) -> None:
    """In England every candidate is whole councils in at most one combined authority (whole,
    and then extended), with 1.5 million people or more; groups that would join two combined
    authorities (Nottingham with the Lincolnshire unitaries, Tees Valley with Halton) are
    near-misses that name the test."""
    result = A.candidates(uk)
    members_of: dict[str, set[str]] = {}
    for u, v, k in uk.edges(keys=True):
        if k == "member_of" and uk.nodes[v].get("ca_type") in ("ca", "cca"):
            members_of.setdefault(v, set()).add(u)
    english = [c for c in result["candidates"] if c["area"] == "England"]
    assert english and all(c["kind"] in ("new", "extends") for c in english)
    for c in english:
        ids = {m["id"] for m in c["members"]}
        touched = [ca for ca, ms in members_of.items() if ids & ms]
        assert len(touched) <= 1, (c["members"], touched)
        assert all(members_of[ca] <= ids for ca in touched)  # an authority is taken whole
        assert [e["id"] for e in c["extends"]] == touched
        assert c["population"]["total"] >= 1_500_000
    assert not any(c["area"] == "Greater London" and c["kind"] != "collaboration_group"
                   for c in result["candidates"])  # fmt: skip
    nottingham = [c for c in result["candidates"] if "E06000018" in {m["id"] for m in c["members"]}]
    assert all("E06000012" not in {m["id"] for m in c["members"]} for c in nottingham)
    failed = {f["test"] for n in result["near_misses"] for f in n["failed"]}
    assert "one_combined_authority_each" in failed
    assert all(n["failed"] and all(f["reason"] for f in n["failed"]) for n in result["near_misses"])
    lower = A.candidates(uk, min_population=0)
    assert len(lower["candidates"]) > len(result["candidates"])


def test_pbo_reach_and_brokers(uk: nx.MultiDiGraph[str]) -> None:
    result = A.brokers(uk)
    reach = {r["id"]: r for r in result["buying_organisations"]}
    assert reach["bo:scotland-excel"]["owners"] == 32
    assert reach["bo:scotland-excel"]["by_region"]["Scotland"]["organisations"] == 32
    assert set(reach["bo:scotland-excel"]["by_region"]) == {"Scotland"}
    yorkshire = reach["bo:ypo"]["by_region"]["Yorkshire and The Humber"]
    assert yorkshire["value_gbp"] >= 24_000_000  # Leeds's call-off from YPO framework 1140
    assert reach["bo:ypo"]["users"] >= 1 and reach["bo:ypo"]["users_value_gbp"] >= 24_000_000
    assert len(result["brokers"]) == 20
    assert result["brokers"][0]["betweenness"] >= result["brokers"][-1]["betweenness"]


# --- the command line, on both backends -----------------------------------------------------

COMMANDS = [
    ("clusters",),
    ("candidates", "--region", "W92000004"),
    ("recommend", "E08000035"),
    ("brokers",),
    ("gaps",),
    ("path", "E08000035", "E08000032"),
]


@pytest.mark.parametrize("backend_name", ["embedded", "neo4j"])
def test_every_command_on_both_backends(
    backend_name: str, loaded_home: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    env: dict[str, str] = {}
    if backend_name == "neo4j":
        server: Neo4jServer = request.getfixturevalue("neo4j_server")
        server.wipe()
        env = server.env()
        assert run_cli(tmp_path, "load", env=env).returncode == 0
    outputs = {}
    for command in COMMANDS:
        result = run_cli(loaded_home, *command, "--json", env=env)
        assert result.returncode == 0, result.stderr
        outputs[command[0]] = json.loads(result.stdout)
        text = run_cli(loaded_home, *command, env=env)
        assert text.returncode == 0 and text.stdout.startswith("data: "), text.stderr
        assert "parameters: " in text.stdout
    for output in outputs.values():
        assert output["data"]["as_at"] == str(date.today())
        assert any(d.startswith("ons-") for d in output["data"]["datasets"])
        assert "parameters" in output
    assert outputs["path"]["found"] is True
    assert {c["members"][0]["id"][:3] for c in outputs["candidates"]["candidates"]["items"]} == {
        "W06"
    }
    bad = run_cli(loaded_home, "clusters", "--weight", "friendship=2", env=env)
    assert bad.returncode == 1 and "unknown weight friendship" in bad.stderr


def test_the_backends_agree(loaded_home: Path, tmp_path: Path, neo4j_server: Neo4jServer) -> None:
    neo4j_server.wipe()
    assert run_cli(tmp_path, "load", env=neo4j_server.env()).returncode == 0
    for command in COMMANDS:
        embedded = json.loads(run_cli(loaded_home, *command, "--json").stdout)
        neo4j = json.loads(run_cli(loaded_home, *command, "--json", env=neo4j_server.env()).stdout)
        embedded.pop("data"), neo4j.pop("data")
        assert embedded == neo4j, command
