"""One contract for both backends: whatever the embedded store returns, Neo4j returns too.

Each test runs on an empty store of each backend (``any_store``) and compares it with a
reference: the bundled data in the embedded store, loaded once per session.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from conftest import FIXTURES, Neo4jServer, run_cli
from neo4j import GraphDatabase

from graph import (
    GraphStore,
    InvalidInput,
    Link,
    LinkKind,
    LoadRejected,
    NetworkXStore,
    Node,
    NodeKind,
    Source,
    node_with_links,
    open_store,
)
from graph.analysis import ANALYSES
from graph.model import BodyMatches, ContractProbe
from graph.queries import partnerships, partnerships_graph
from graph.store import cypher
from graph.store.records import SearchRow
from loaders import load_bundled, load_files


@pytest.fixture(scope="module")
def reference(bundled_home: Path) -> NetworkXStore:
    return NetworkXStore(bundled_home)


def by_id(nodes: list[Node]) -> list[Node]:
    return sorted(nodes, key=lambda n: n.id)


def by_key(links: list[Link]) -> list[Link]:
    return sorted(links, key=lambda k: k.key)


def test_load_gives_the_same_graph(any_store: GraphStore, reference: NetworkXStore) -> None:
    report = load_bundled(any_store)
    assert report.stored
    assert by_id(list(any_store.iter_nodes())) == by_id(list(reference.iter_nodes()))
    assert by_key(list(any_store.iter_links())) == by_key(list(reference.iter_links()))
    for day in (None, date.today(), date(2020, 1, 1)):
        assert any_store.stats(day) == reference.stats(day)


def test_show_and_neighbours(any_store: GraphStore, reference: NetworkXStore) -> None:
    load_bundled(any_store)
    for node_id in ("E08000035", "E10000006", "E47000013", "E92000001", "S12000036"):
        assert node_with_links(any_store, node_id) == node_with_links(reference, node_id)
        assert any_store.links_of(node_id) == reference.links_of(node_id)
    keys = [("E08000035", LinkKind.BORDERS, "E08000036"), ("E08000035", LinkKind.WITHIN, "X")]
    assert any_store.get_links(keys) == reference.get_links(keys)
    assert any_store.get_nodes(["E08000035", "nope"]) == reference.get_nodes(["E08000035", "nope"])
    assert (
        any_store.former_codes()
        == reference.former_codes()
        == {
            "E08000016": "E08000038",
            "E08000019": "E08000039",
        }
    )


def test_analysis_graph_is_the_same(any_store: GraphStore, reference: NetworkXStore) -> None:
    load_bundled(any_store)
    G, H = any_store.graph(date.today()), reference.graph(date.today())
    assert list(G.nodes(data=True)) == list(H.nodes(data=True))
    assert list(G.edges(keys=True, data=True)) == list(H.edges(keys=True, data=True))


def test_reload_is_idempotent(any_store: GraphStore) -> None:
    first = load_bundled(any_store)
    version, stats = any_store.data_version(), any_store.stats(None)
    report = load_bundled(any_store)
    assert [f.nodes["unchanged"] for f in report.files] == [f.nodes["created"] for f in first.files]
    assert [f.links["unchanged"] for f in report.files] == [f.links["created"] for f in first.files]
    assert any_store.data_version() == version
    assert any_store.stats(None) == stats


def test_rejected_load_changes_nothing(any_store: GraphStore, tmp_path: Path) -> None:
    load_bundled(any_store)
    version, stats = any_store.data_version(), any_store.stats(None)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,kind,name\nE06000001,council,Renamed\nE99000001,council,Nowhere\n")
    with pytest.raises(LoadRejected):
        load_files(any_store, [bad])
    assert any_store.data_version() == version
    assert any_store.stats(None) == stats
    node = any_store.get_node("E06000001")
    assert node is not None and node.name == "Hartlepool"


def test_update_and_time_bounded_links(any_store: GraphStore, tmp_path: Path) -> None:
    nodes = tmp_path / "nodes.csv"
    nodes.write_text(
        "id,kind,name,ca_type,mayoral\n"
        "E06000001,council,Hartlepool,,\n"
        "E47000006,combined_authority,Tees Valley,ca,true\n"
    )
    links = tmp_path / "links.csv"
    links.write_text(
        "from_id,kind,to_id,role,valid_from,valid_to\n"
        "E06000001,member_of,E47000006,constituent,2016-04-01,2030-03-31\n"
    )
    load_files(any_store, [nodes, links], vintage="2026")
    (link,) = any_store.links_of("E06000001")
    assert (link.valid_from, link.valid_to) == (date(2016, 4, 1), date(2030, 3, 31))
    assert link.sources == (Source(dataset="links.csv", vintage="2026"),)
    assert any_store.stats(date(2015, 1, 1)).links == {}
    assert any_store.stats(date(2020, 1, 1)).links == {"member_of": 1}
    tees = any_store.get_node("E47000006")
    assert (
        tees is not None
        and tees.attrs["mayoral"] is True
        and tees.kind is NodeKind.COMBINED_AUTHORITY
    )
    renamed = tmp_path / "renamed_2027.csv"
    renamed.write_text("id,kind,name\nE06000001,council,Hartlepool Borough\n")
    report = load_files(any_store, [renamed])
    assert report.files[0].nodes["updated"] == 1
    node = any_store.get_node("E06000001")
    assert node is not None and node.name == "Hartlepool Borough"
    assert [str(s) for s in node.sources] == ["nodes.csv@2026", "renamed_2027.csv@2027"]


def test_write_refuses_links_to_missing_nodes(any_store: GraphStore) -> None:
    link = Link(from_id="E06000001", kind=LinkKind.BORDERS, to_id="E06000004")
    with pytest.raises(InvalidInput):
        any_store.write([], [link])
    assert any_store.stats(None).links == {}


def test_cli_on_neo4j_counts_as_embedded(neo4j_server: Neo4jServer, tmp_path: Path) -> None:
    neo4j_server.wipe()
    env = neo4j_server.env()
    first = run_cli(tmp_path, "load", env=env)
    assert first.returncode == 0, first.stderr
    assert "stored (neo4j:" in first.stdout
    on_neo4j = json.loads(run_cli(tmp_path, "stats", "--json", env=env).stdout)
    again = run_cli(tmp_path, "load", env=env)
    assert "2462 unchanged" in again.stdout
    assert json.loads(run_cli(tmp_path, "stats", "--json", env=env).stdout) == on_neo4j
    assert run_cli(tmp_path, "load").returncode == 0
    embedded = json.loads(run_cli(tmp_path, "stats", "--json").stdout)
    assert on_neo4j == embedded
    shown = run_cli(tmp_path, "show", "E08000035", "--json", env=env)
    assert json.loads(shown.stdout) == json.loads(
        run_cli(tmp_path, "show", "E08000035", "--json").stdout
    )


def test_replace_is_all_or_nothing(any_store: GraphStore, tmp_path: Path) -> None:
    load_bundled(any_store)
    stats = any_store.stats(None)
    leeds = any_store.get_node("E08000035")
    bradford = any_store.get_node("E08000032")
    assert leeds is not None and bradford is not None
    dangling = Link(from_id="E08000035", kind=LinkKind.BORDERS, to_id="E08000036")
    with pytest.raises(InvalidInput):
        any_store.write([leeds], [dangling], replace=True)
    assert any_store.stats(None) == stats
    border = Link(from_id="E08000032", kind=LinkKind.BORDERS, to_id="E08000035")
    any_store.write([leeds, bradford], [border], replace=True)
    assert any_store.stats(None).nodes == {"council": 2}
    assert [k.key for k in any_store.links_of("E08000035")] == [border.key]


def test_procurement_notices_give_the_same_graph(any_store: GraphStore, tmp_path: Path) -> None:
    """The real OCDS files give every backend the same nodes, links and evidence as the
    embedded store; loading them again changes nothing."""
    files = [FIXTURES / "ocds" / "public_contracts_scotland_2019-03_to_04_releases.jsonl",
             FIXTURES / "ocds" / "contracts_finder_2025-01_to_03_releases.jsonl"]  # fmt: skip
    with NetworkXStore(tmp_path / "embedded") as expected:
        load_bundled(expected)
        load_files(expected, files)
        load_bundled(any_store)
        report = load_files(any_store, files)
        assert [f.links["created"] for f in report.files] == [16, 266]  # 89 contracts
        assert by_id(list(any_store.iter_nodes())) == by_id(list(expected.iter_nodes()))
        assert by_key(list(any_store.iter_links())) == by_key(list(expected.iter_links()))
    version = any_store.data_version()
    again = load_files(any_store, files)
    assert all(f.links["created"] == f.links["updated"] == 0 for f in again.files)
    assert any_store.data_version() == version


# --- reads of part of the graph: each backend natively, the same answers -------------------

DAYS = (None, date.today(), date(2020, 1, 1), date(2023, 3, 31), date(2023, 4, 1))
NEIGHBOURHOODS: list[tuple[list[str], int, set[str] | None]] = [
    (["E08000035"], 0, None),
    (["E08000035"], 1, None),
    (["E08000035"], 2, None),
    (["E08000035"], 4, {"partner_in", "participates_in"}),
    (["E08000035", "S12000036", "no-such-id"], 3, None),
    (["E10000006"], 2, None),  # Cumbria, abolished in 2023
    (["E12000003"], 1, {"within"}),
    (["bo:espo"], 9, {"owns", "borders"}),  # more hops than Neo4j's one-statement reach
    (["no-such-id"], 2, None),
    ([], 2, None),
]


def same_graph(G: nx.MultiDiGraph[str], H: nx.MultiDiGraph[str]) -> bool:
    return list(G.nodes(data=True)) == list(H.nodes(data=True)) and list(
        G.edges(keys=True, data=True)
    ) == list(H.edges(keys=True, data=True))


def test_counts_sources_and_search_rows(any_store: GraphStore, reference: NetworkXStore) -> None:
    load_bundled(any_store)
    for day in DAYS:
        assert any_store.stats(day) == reference.stats(day)
        assert any_store.sources(day) == reference.sources(day)
        assert any_store.search_rows(day) == reference.search_rows(day)
    today = date(2026, 12, 1)  # a fixed day: arrangements with end dates to come keep counts
    assert any_store.stats(today).nodes == {"council": 382, "combined_authority": 22,
        "region": 9, "nation": 4, "buying_organisation": 16, "shared_service": 334,
        "joint_procurement": 94, "public_body": 46, "scenario": 15}  # fmt: skip
    assert any_store.stats(date(2020, 1, 1)).nodes["council"] == 408  # Dorset done, Bucks not
    # the 2023 reorganisation's records ended on 31 March 2023 (links need both ends)
    assert "ons-lad-changes-2023@2023" in any_store.sources(date(2023, 3, 31))
    assert "ons-lad-changes-2023@2023" not in any_store.sources(today)
    assert len(any_store.sources(None)) == 18  # with partnermap-scenarios
    rows = {r.id: r for r in any_store.search_rows(today)}
    assert len(rows) == 907 and "E10000006" not in rows  # scenarios and contracts: not searched
    assert rows["E08000035"] == SearchRow(
        id="E08000035", kind=NodeKind.COUNCIL, name="Leeds", official_name="Leeds City Council",
        council_type="metropolitan_district", region="E12000003",
        combined_authorities=("E47000003",),
    )  # fmt: skip
    assert rows["E07000085"].counties == ("E10000014",)  # East Hampshire, in Hampshire
    assert rows["E12000003"].region == "E92000001"  # a region is within its nation
    assert rows["E08000038"].former_codes == ("E08000016",)  # Barnsley
    assert rows["bo:ccs"].full_name == "Crown Commercial Service"
    assert "E10000006" in {r.id for r in any_store.search_rows(date(2020, 1, 1))}


def test_neighbourhoods_and_what_reads_them(
    any_store: GraphStore, reference: NetworkXStore
) -> None:
    load_bundled(any_store)
    today = date.today()
    for ids, hops, kinds in NEIGHBOURHOODS:
        for day in (None, today, date(2020, 1, 1)):
            G = any_store.neighbourhood(ids, hops, day, kinds)
            assert same_graph(G, reference.neighbourhood(ids, hops, day, kinds)), (ids, hops, day)
    leeds = any_store.neighbourhood(["E08000035"], 1, today, kinds={"borders"})
    borders = {k.from_id if k.to_id == "E08000035" else k.to_id
               for k in any_store.links_of("E08000035") if k.kind is LinkKind.BORDERS}  # fmt: skip
    borders -= {"E07000165", "E07000169", "E10000023"}  # Harrogate, Selby, N Yorks CC: until 2023
    assert set(leeds) == {"E08000035", *borders} and "E06000065" in borders
    assert leeds.number_of_edges() == 8  # and the borders between those neighbours
    assert "E06000065" not in any_store.neighbourhood(["E08000035"], 1, date(2020, 1, 1))
    assert len(any_store.neighbourhood(["E10000006"], 2, today)) == 0  # not valid today
    assert len(any_store.neighbourhood(["no-such-id"], 3)) == 0
    G = reference.graph(today)
    spec = ANALYSES["recommend"]
    for node in ("E08000035", "E06000065", "S12000036", "W06000015", "E07000085"):
        arguments = spec.arguments({"node": node, "top": 100})
        assert spec.compute(spec.fetch(any_store, today, arguments), arguments) == (
            spec.compute(G, arguments)
        )
        assert partnerships(partnerships_graph(any_store, node, today), node) == (
            partnerships(G, node)
        )


def contract_graph() -> tuple[list[Node], list[Link]]:
    """Two councils; a joint contract called off two frameworks of one buying organisation,
    one ended before 2024, one starting in 2025; a supplier of three contracts."""
    src = (Source(dataset="test", vintage="1"),)
    a, b = "E07000061", "E07000062"

    def contract(i: int, division: str, end: str, start: date | None = None) -> Node:
        attrs = {"category": f"division {division}", "cpv_division": division,
                 "end_date": end, "value_gbp": 1000.0 * i}  # fmt: skip
        return Node(id=f"ct:{i}", kind=NodeKind.CONTRACT, name=f"Contract {i}", attrs=attrs,
                    valid_from=start, valid_to=date.fromisoformat(end), sources=src)  # fmt: skip

    nodes = [
        Node(id=a, kind=NodeKind.COUNCIL, name="Eastbourne", sources=src),
        Node(id=b, kind=NodeKind.COUNCIL, name="Hastings", sources=src),
        Node(id="bo:ccs", kind=NodeKind.BUYING_ORGANISATION, name="CCS", sources=src),
        Node(id="su:big", kind=NodeKind.SUPPLIER, name="Big Ltd", sources=src),
        Node(id="su:small", kind=NodeKind.SUPPLIER, name="Small Ltd", sources=src),
        contract(1, "48", "2026-06-30"),
        contract(2, "48", "2023-12-31"),
        contract(3, "90", "2027-03-31", start=date(2025, 4, 1)),
    ]

    def link(u: str, kind: LinkKind, v: str, **attrs: str) -> Link:
        return Link(from_id=u, kind=kind, to_id=v, attrs=attrs, sources=src)

    links = [
        link(a, LinkKind.AWARDED, "ct:1"), link(b, LinkKind.AWARDED, "ct:1"),
        link(b, LinkKind.AWARDED, "ct:2"), link(b, LinkKind.AWARDED, "ct:3"),
        link("su:big", LinkKind.SUPPLIES, "ct:1"), link("su:small", LinkKind.SUPPLIES, "ct:1"),
        link("su:big", LinkKind.SUPPLIES, "ct:2"), link("su:big", LinkKind.SUPPLIES, "ct:3"),
        link("ct:1", LinkKind.CALLED_OFF, "bo:ccs", frameworks="RM6100;RM6200"),
    ]  # fmt: skip
    return nodes, links


def test_contract_rows_are_read_the_same(any_store: GraphStore) -> None:
    """``contracts_of``: the same rows on each backend, as at a day, of every day, or of
    those ending from a day."""
    any_store.write(*contract_graph())
    every = any_store.contracts_of(["E07000062", "no-such-id"])
    assert [r.id for r in every] == ["ct:1", "ct:2", "ct:3"]
    one = every[0]
    assert one.buyers == ("E07000061", "E07000062")
    assert one.suppliers == (("su:big", "Big Ltd"), ("su:small", "Small Ltd"))
    assert one.frameworks == ("bo:ccs:RM6100", "bo:ccs:RM6200")
    assert (one.category, one.cpv_division, one.end_date, one.value_gbp) == (
        "division 48", "48", "2026-06-30", 1000.0)  # fmt: skip
    day = date(2024, 6, 1)
    assert [r.id for r in any_store.contracts_of(["E07000062"], day)] == ["ct:1"]
    ending = any_store.contracts_of(["E07000062"], ending_from=date(2026, 7, 1))
    assert [r.id for r in ending] == ["ct:3"]
    assert any_store.contracts_of(["E07000061"]) == [one]
    in_june = {2020: ["ct:1", "ct:2"], 2023: ["ct:1", "ct:2"], 2024: ["ct:1"],
               2025: ["ct:1", "ct:3"], 2026: ["ct:1", "ct:3"], 2027: []}  # fmt: skip
    for _ in range(2):  # more days than a store keeps, asked in turn
        for year, expected in in_june.items():
            assert [r.id for r in any_store.contracts_of(["E07000062"], date(year, 6, 1))] == (
                expected
            )


def test_contract_reads_see_the_next_write(any_store: GraphStore) -> None:
    """What a store keeps between reads (the embedded store's rows and suppliers' contracts
    of the day) never outlives a write: a contract changed, a supplier added and a new
    contract are all seen by the next reads."""
    nodes, links = contract_graph()
    any_store.write(nodes, links)
    day = date(2024, 6, 1)
    probe = ContractProbe.of("E07000061", any_store.contracts_of(["E07000061"], day), months=30)
    before, _ = any_store.compare_contracts(probe, day, near=[], largest=3, first=5)
    assert before == []  # Hastings' ct:2 ended in 2023
    ending = date(2026, 7, 1)
    assert [r.id for r in any_store.contracts_of(["E07000062"], ending_from=ending)] == ["ct:3"]
    [old] = [n for n in nodes if n.id == "ct:2"]
    longer = replace(
        old, attrs={**old.attrs, "end_date": "2026-12-31"}, valid_to=date(2026, 12, 31)
    )
    src = (Source(dataset="test", vintage="2"),)
    new = Node(id="ct:4", kind=NodeKind.CONTRACT, name="Contract 4", sources=src,
               attrs={"cpv_division": "48", "end_date": "2026-01-31"})  # fmt: skip
    any_store.write([longer, new], [
        Link(from_id="E07000062", kind=LinkKind.AWARDED, to_id="ct:4", sources=src),
        Link(from_id="su:small", kind=LinkKind.SUPPLIES, to_id="ct:4", sources=src),
    ])  # fmt: skip
    rows = {r.id: r for r in any_store.contracts_of(["E07000062"], day)}
    assert rows["ct:2"].end_date == "2026-12-31" and "ct:4" in rows
    ending_now = any_store.contracts_of(["E07000062"], ending_from=ending)
    assert [r.id for r in ending_now] == ["ct:2", "ct:3"]
    [after], _ = any_store.compare_contracts(probe, day, near=[], largest=3, first=5)
    assert after.body == "E07000062"
    assert {r.id for r in after.examples["same_supplier"]} == {"ct:2", "ct:4"}


def test_contracts_are_compared_the_same(any_store: GraphStore) -> None:
    """``compare_contracts``: Hastings' contract of 2023 pairs with Eastbourne's of 2026 (the
    same supplier, ending 30 months apart); their joint contract is left out; found among
    the near bodies or through the supplier, unless the supplier has too many contracts."""
    any_store.write(*contract_graph())
    ours = any_store.contracts_of(["E07000061"])
    probe = ContractProbe.of("E07000061", ours, months=30)
    assert probe.ending["48"]["2023-12"] == 1 and "2023-11" not in probe.ending["48"]
    [theirs] = [r for r in any_store.contracts_of(["E07000062"]) if r.id == "ct:2"]
    expected = [BodyMatches(body="E07000062",
                            pairs={"same_supplier": 1, "ending_together": 1},
                            examples={"same_supplier": (theirs,),
                                      "ending_together": (theirs,)})]  # fmt: skip
    compare = any_store.compare_contracts
    assert compare(probe, None, near=["E07000062"], largest=3, first=5) == (expected, {})
    assert compare(probe, None, near=[], largest=3, first=5) == (expected, {})
    assert compare(probe, None, near=[], largest=2, first=5) == ([], {"su:big": 3})
    assert compare(probe, date(2024, 6, 1), near=["E07000062"], largest=3, first=5) == ([], {})
    closer = ContractProbe.of("E07000061", ours, months=29)
    [match], _ = compare(closer, None, near=["E07000062"], largest=3, first=5)
    assert match.pairs == {"same_supplier": 1}


def test_neighbourhood_refuses_what_it_cannot_follow(any_store: GraphStore) -> None:
    with pytest.raises(InvalidInput, match="hops must be a whole number"):
        any_store.neighbourhood(["E08000035"], -1)
    with pytest.raises(InvalidInput, match="unknown link kind 'neighbours'"):
        any_store.neighbourhood(["E08000035"], 1, kinds={"neighbours"})
    assert len(any_store.neighbourhood(["E08000035"], 1)) == 0  # an empty store


def test_neo4j_reads_start_from_an_index(neo4j_server: Neo4jServer) -> None:
    """Every read of part of the graph starts from an index (the ``(id, g)`` constraint's or
    the ``g`` index), never a scan of every node; the reach of two hops or more is Neo4j's
    pruning breadth-first expand (each node reached once, not once per path)."""
    neo4j_server.wipe()
    with open_store(neo4j_server.settings()) as store:
        load_bundled(store)
    reads = {"STATS_NODES": cypher.STATS_NODES, "STATS_LINKS": cypher.STATS_LINKS,
             "SOURCES": cypher.SOURCES, "VALID_IDS": cypher.VALID_IDS,
             "neighbours": cypher.neighbours(frozenset({LinkKind.BORDERS})),
             "INDUCED": cypher.INDUCED,
             "SEARCH_ROWS": cypher.SEARCH_ROWS, "CONTRACTS_OF": cypher.CONTRACTS_OF,
             "SUPPLIER_SIZES": cypher.SUPPLIER_SIZES,
             "SUPPLIER_ROWS": cypher.SUPPLIER_ROWS,
             **{f"reach({h})": cypher.reach(h, frozenset({LinkKind.BORDERS, LinkKind.OWNS}))
                for h in range(cypher.REACH_HOPS + 1)}}  # fmt: skip
    params = {"ids": ["E08000035"], "among": ["E08000035"], "at": date.today(),
              "ending_from": None}  # fmt: skip
    auth = (neo4j_server.username, neo4j_server.password)
    with GraphDatabase.driver(neo4j_server.uri, auth=auth) as driver, driver.session() as session:
        for name, statement in reads.items():
            plan = session.run("EXPLAIN " + statement, params).consume().plan
            assert plan is not None
            operators = list(_operators(plan))
            assert any("IndexSeek" in op for op in operators), (name, operators)
            assert not any(op.startswith(("AllNodesScan", "NodeByLabelScan")) for op in operators)
            if name.startswith("reach(") and name not in ("reach(0)", "reach(1)"):
                assert any(op.startswith("VarLengthExpand(Pruning,BFS") for op in operators)


def _operators(plan: dict[str, Any]) -> Iterator[str]:
    yield str(plan["operatorType"]).split("@")[0]
    for child in plan.get("children", []):
        yield from _operators(child)


def test_whole_graph_analyses_give_the_same_answers_from_the_analysis_graph(
    any_store: GraphStore, reference: NetworkXStore
) -> None:
    """``analysis_graph`` carries only what analyses read; every whole-graph analysis on it,
    on each backend, gives what it gives on the whole graph of the embedded store."""
    load_bundled(any_store)
    for day in (date.today(), date(2020, 1, 1)):
        light, whole = any_store.analysis_graph(day), reference.graph(day)
        assert sorted(light.nodes) == sorted(whole.nodes)
        assert light.number_of_edges() == whole.number_of_edges()
        for spec in ANALYSES.values():
            if spec.needs is not None:
                continue
            given = {"a": "E08000035", "b": "S12000036"} if spec.name == "path" else {}
            arguments = spec.arguments(
                {**given, **({"runs": 2} if spec.name == "clusters" else {})}
            )
            assert spec.compute(light, arguments) == spec.compute(whole, arguments), spec.name
    attrs = set().union(*(d for _, d in any_store.analysis_graph(date.today()).nodes(data=True)))
    assert attrs <= {
        "kind",
        "name",
        "council_type",
        "category",
        "ca_type",
        "population",
        "population_year",
    }  # no sources, notes, evidence
