"""Contracts from Contracts Finder's CSV export: one day's real export (Hastings, Rother and
Wealden calling off the same payment services from AllPay), bad rows refused with their line,
one supplier under its spellings, and the same graph on both backends."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from conftest import FIXTURES, Neo4jServer, run_cli
from fastapi.testclient import TestClient
from test_contract import contract_graph

from api.http import create_app
from graph import (
    GraphStore,
    Link,
    LinkKind,
    LoadRejected,
    NetworkXStore,
    Node,
    NodeKind,
    NotFound,
    Settings,
    Source,
    open_store,
)
from graph.analysis import ANALYSES
from graph.analysis.opportunities import FAR_SUPPLIER_LIMIT
from graph.what_if import calendar, scenarios_named
from loaders import detect_format, load_bundled, load_files
from visualise.timeline import timeline_html

EXPORT = FIXTURES / "contracts_finder" / "06022022.csv"
HEADER = (EXPORT.read_text(encoding="utf-8").split("\n", 1)[0]) + "\n"
EAST_SUSSEX = {"E07000062", "E07000064", "E07000065"}  # Hastings, Rother, Wealden


def contracts_of(store: NetworkXStore, buyer: str) -> dict[str, dict[str, object]]:
    out = {}
    for link in store.links_of(buyer):
        if link.kind is LinkKind.AWARDED:
            node = store.get_node(link.to_id)
            assert node is not None
            out[node.id] = {**node.attrs, "valid_to": node.valid_to}
    return out


def test_a_days_export_loads_with_its_report(loaded: NetworkXStore) -> None:
    assert detect_format(EXPORT) == "contracts-finder"
    report = load_files(loaded, [EXPORT])
    [file] = report.files
    assert (file.rows_read, file.rows_taken, file.rejected_total) == (961, 495, 0)
    assert file.skipped == {"buyer is not a council or a known public body": 466}
    payments = {}
    for council in EAST_SUSSEX:
        found = [c for c in contracts_of(loaded, council).values() if c["notice"] == "ESPH498"]
        assert len(found) == 1, council
        payments[council] = found[0]
    assert {c["end_date"] for c in payments.values()} == {"2024-02-29", "2024-05-31"}
    assert payments["E07000064"]["value_gbp"] == 37169.9
    assert payments["E07000064"]["valid_to"] == date(2024, 5, 31)
    assert {c["cpv_division"] for c in payments.values()} == {"48"}
    assert {c["category"] for c in payments.values()} == {
        "Software package and information systems"
    }
    allpay = loaded.get_node("su:ch-02933191")
    assert allpay is not None and allpay.kind is NodeKind.SUPPLIER
    assert allpay.name == "ALLPAY LIMITED" and allpay.attrs["companies_house"] == "02933191"
    supplied = {k.to_id for k in loaded.links_of("su:ch-02933191") if k.kind is LinkKind.SUPPLIES}
    assert {c for c in supplied if "esph498" in c} == {
        link.to_id for council in EAST_SUSSEX for link in loaded.links_of(council)
        if link.kind is LinkKind.AWARDED and "esph498" in link.to_id
    }  # fmt: skip
    again = load_files(loaded, [EXPORT])
    assert again.files[0].nodes["created"] == 0 and again.files[0].links["created"] == 0
    kinds = {d["kind"] for _, d in loaded.analysis_graph(date(2023, 1, 1)).nodes(data=True)}
    assert "contract" not in kinds and "supplier" not in kinds  # the analyses never read them


def row(**values: str) -> str:
    columns = [c.strip('"') for c in HEADER.strip().split(",")]
    base = {
        "Notice Identifier": "T-1", "Notice Type": "Contract", "Organisation Name": "Rother District Council",
        "Status": "Awarded", "Published Date": "2022-02-06T10:00:00Z", "Title": "Test",
        "Cpv Codes": "90511000 ", "Awarded Date": "01/02/2022", "Awarded Value": "1000",
        "Supplier [Name|Address|Ref type|Ref Number|Is SME|Is VCSE]": "[Acme Ltd|Here|COMPANIES_HOUSE|123|Yes|No]",
        "Contract start date": "01/03/2022", "Contract end date": "28/02/2025",
        "OJEU Procedure Type": "Open ",
    }  # fmt: skip
    base.update(values)
    return ",".join(f'"{base.get(c, "")}"' for c in columns) + "\n"


def test_bad_rows_are_refused_with_their_line(loaded: NetworkXStore, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        HEADER
        + row()
        + row(**{"Contract end date": "31/02/2025", "Notice Identifier": "T-2"})
        + row(**{"Awarded Value": "lots", "Notice Identifier": "T-3"})
        + row(**{"Contract start date": "01/03/2026", "Notice Identifier": "T-4"})
        + row(Status="Open", **{"Notice Identifier": "T-5"})
        + row()
        + row(**{"Organisation Name": "Atlantis Council", "Notice Identifier": "T-6"}),
        encoding="utf-8",
    )
    version = loaded.data_version()
    with pytest.raises(LoadRejected) as caught:
        load_files(loaded, [path])
    reasons = {p.line: p.reason for p in caught.value.problems}
    assert reasons == {
        3: "Contract end date '31/02/2025' is not a date (dd/mm/yyyy)",
        4: "Awarded Value 'lots' is not an amount",
        5: "Contract end date 2025-02-28 is before its start 2026-03-01",
    }
    assert loaded.data_version() == version
    report = load_files(loaded, [path], skip_invalid=True)
    skipped = report.files[0].skipped
    assert skipped["not an award (Status 'Open')"] == 1
    assert skipped["repeats an earlier row (same notice, title, buyer and publication)"] == 1
    assert skipped["buyer is not a council or a known public body"] == 1
    acme = loaded.get_node("su:ch-00000123")  # the number zero-padded, as Companies House's
    assert acme is not None and acme.attrs["sme"] is True
    [contract] = [c for c in contracts_of(loaded, "E07000064").values() if c["notice"] == "T-1"]
    assert contract["category"] == "Sewage, refuse, cleaning and environmental services"


def test_both_backends_hold_the_same_contracts(
    neo4j_server: Neo4jServer, bundled_home: Path, tmp_path: Path
) -> None:
    home = tmp_path / "store"
    shutil.copytree(bundled_home, home)
    neo4j_server.wipe()
    with NetworkXStore(home) as embedded, open_store(neo4j_server.settings()) as neo:
        load_bundled(neo)
        load_files(embedded, [EXPORT])
        load_files(neo, [EXPORT])
        day = date(2023, 1, 1)
        assert neo.stats(day) == embedded.stats(day)
        assert neo.stats(None).nodes[NodeKind.CONTRACT] == 495
        assert sorted(neo.links_of("su:ch-02933191"), key=lambda k: k.key) == sorted(
            embedded.links_of("su:ch-02933191"), key=lambda k: k.key
        )
        assert (
            neo.analysis_graph(day).number_of_edges()
            == embedded.analysis_graph(day).number_of_edges()
        )


DAY = date(2022, 12, 1)


def on_both_backends(
    name: str,
    node: str,
    neo4j_server: Neo4jServer,
    bundled_home: Path,
    home: Path,
    check: Callable[[GraphStore, nx.MultiDiGraph[str]], None],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Analysis ``name`` of ``node`` as at ``DAY`` on the bundled data and the day's export,
    embedded (a store in ``home``, left there) and on Neo4j; ``check`` sees each store with
    the graph the analysis read from it."""
    shutil.copytree(bundled_home, home)
    spec = ANALYSES[name]
    given = spec.arguments({"node": node})
    neo4j_server.wipe()
    results = []
    with NetworkXStore(home) as embedded, open_store(neo4j_server.settings()) as neo:
        load_bundled(neo)
        for store in (embedded, neo):
            load_files(store, [EXPORT])
            G = spec.fetch(store, DAY, given)
            check(store, G)
            results.append(spec.compute(G, given))
    return results[0], results[1]


def test_opportunities_known_answer_on_the_real_export(
    neo4j_server: Neo4jServer, bundled_home: Path, tmp_path: Path
) -> None:
    """Wealden, Rother and Hastings each call off AllPay's payment services (software, CPV
    48): Wealden's nearest opportunity is Rother, which borders it, then Hastings in East
    Sussex; both on each backend, read around Wealden only."""
    home = tmp_path / "store"

    def far_away_not_read(store: GraphStore, G: nx.MultiDiGraph[str]) -> None:
        cumbria = [c for c in store.links_of("E10000006") if c.kind is LinkKind.AWARDED]
        assert not any(c.to_id in G for c in cumbria)

    embedded_result, neo4j_result = on_both_backends(
        "opportunities", "E07000065", neo4j_server, bundled_home, home, far_away_not_read
    )
    assert embedded_result == neo4j_result
    spec, day = ANALYSES["opportunities"], DAY
    found = {o["id"]: o for o in embedded_result["opportunities"]}
    assert found["E07000064"]["proximity"] == "borders"
    assert found["E07000062"]["proximity"] == "same county"
    rother = found["E07000064"]
    [pair] = rother["evidence"]["same_supplier"]
    assert pair["suppliers"] == [{"id": "su:ch-02933191", "name": "ALLPAY LIMITED",
                                  "kind": "supplier"}]  # fmt: skip
    assert (pair["ours"]["end_date"], pair["theirs"]["end_date"]) == ("2024-02-29", "2024-05-31")
    assert rother["breakdown"] == {"proximity_weight": 1.0, "same_supplier": 2.0,
                                   "ending_together": 1.0}  # fmt: skip
    assert "from ALLPAY LIMITED too" in rother["reasons"][0]
    # a framework its county calls off and it does not (CCS, in this day's export)
    [ccs] = [f for f in embedded_result["neighbours_frameworks"] if f["id"] == "bo:ccs"]
    assert ccs["used_by"] == [{"id": "E10000011", "name": "East Sussex", "kind": "council",
                               "proximity": "same county"}]  # fmt: skip
    ids = [o["id"] for o in embedded_result["opportunities"]]
    assert ids.index("E07000064") < ids.index("E07000062")  # nearest first
    waste = spec.arguments({"node": "E07000065", "category": "90"})
    narrow = spec.compute(spec.fetch(NetworkXStore(home), day, waste), waste)
    assert all("same_supplier" not in o["evidence"] for o in narrow["opportunities"])


def test_opportunities_further_afield_follow_only_suppliers_of_a_few_contracts(
    bundled_home: Path, tmp_path: Path
) -> None:
    """Wealden shares a small supplier with Cumbria's successor, far away: Westmorland and
    Furness is listed ``further``. It shares a national supplier (more contracts than
    ``FAR_SUPPLIER_LIMIT``) with Cornwall: that supplier is named as not followed, and
    Cornwall is not read at all; the national supplier still counts for Rother, its
    neighbour, whose contracts are all read."""
    home = tmp_path / "store"
    shutil.copytree(bundled_home, home)
    src = (Source(dataset="test", vintage="1"),)
    wealden, rother, far, cornwall = "E07000065", "E07000064", "E06000064", "E06000052"
    nodes = [Node(id=s, kind=NodeKind.SUPPLIER, name=s, sources=src)
             for s in ("su:small", "su:national")]  # fmt: skip
    links = []
    buyers = [wealden, far, wealden, rother] + [cornwall] * FAR_SUPPLIER_LIMIT
    suppliers = ["su:small", "su:small"] + ["su:national"] * (2 + FAR_SUPPLIER_LIMIT)
    for i, (buyer, supplier) in enumerate(zip(buyers, suppliers, strict=True)):
        attrs = {"category": "IT services", "cpv_division": "72", "end_date": "2027-03-31"}
        nodes.append(Node(id=f"ct:t{i}", kind=NodeKind.CONTRACT, name=f"Contract {i}",
                          attrs=attrs, sources=src))  # fmt: skip
        links += [Link(from_id=buyer, kind=LinkKind.AWARDED, to_id=f"ct:t{i}", sources=src),
                  Link(from_id=supplier, kind=LinkKind.SUPPLIES, to_id=f"ct:t{i}",
                       sources=src)]  # fmt: skip
    spec = ANALYSES["opportunities"]
    given = spec.arguments({"node": wealden})
    with NetworkXStore(home) as store:
        store.write(nodes, links)
        G = spec.fetch(store, date(2026, 12, 1), given)
        result = spec.compute(G, given)
    assert cornwall not in G
    found = {o["id"]: o for o in result["opportunities"]}
    assert found[far]["proximity"] == "further"
    assert found[far]["evidence"]["same_supplier"][0]["suppliers"][0]["id"] == "su:small"
    assert found[rother]["pairs"]["same_supplier"] == 1
    assert cornwall not in found
    assert result["suppliers_not_followed"] == [
        {"id": "su:national", "name": "su:national", "kind": "supplier",
         "contracts": FAR_SUPPLIER_LIMIT + 2}]  # fmt: skip


def test_framework_coverage_known_answer_on_the_real_export(
    neo4j_server: Neo4jServer, bundled_home: Path, tmp_path: Path
) -> None:
    """In the day's export East Sussex calls off a CCS framework once (£75,000) and
    Basingstoke and Deane calls off RM3788; the Ministry of Defence and the Serious Fraud
    Office both call off RM1557. Vale of Glamorgan's use is from its own cabinet report (no
    call-offs counted). Both backends give the same coverage, read around CCS only."""
    home = tmp_path / "store"

    def no_contract_read(store: GraphStore, G: nx.MultiDiGraph[str]) -> None:
        assert not any(G.nodes[n].get("kind") == "contract" for n in G)

    result, neo4j_result = on_both_backends(
        "coverage", "bo:ccs", neo4j_server, bundled_home, home, no_contract_read
    )
    spec, day = ANALYSES["coverage"], DAY
    assert result == neo4j_result
    users = {u["id"]: u for u in result["users"]}
    east_sussex = users["E10000011"]
    assert (east_sussex["call_offs"], east_sussex["value_gbp"]) == (1, 75000.0)
    assert east_sussex["region"]["name"] == "South East" and not east_sussex["owner"]
    assert users["E07000084"]["frameworks"] == ["RM3788"]
    vale = users["W06000014"]
    assert vale["call_offs"] is None and "valeofglamorgan.gov.uk" in vale["source_url"]
    [rm1557] = [f for f in result["frameworks"] if f["reference"] == "RM1557"]
    assert {u["id"] for u in rm1557["users"]} == {
        "pb:gov-ministry-of-defence", "pb:gov-serious-fraud-office"}  # fmt: skip
    [south_east] = [r for r in result["regions"] if r["name"] == "South East"]
    assert south_east["calling_off"] == 2  # East Sussex, Basingstoke and Deane
    assert south_east["councils"] == south_east["calling_off"] + len(south_east["not_calling_off"])
    assert "E07000064" in {c["id"] for c in south_east["not_calling_off"]}  # Rother
    assert result["summary"]["councils_calling_off"] == sum(
        u["kind"] == "council" for u in result["users"]
    )
    espo = spec.compute(spec.fetch(NetworkXStore(home), day, {"node": "bo:espo"}),
                        {"node": "bo:espo"})  # fmt: skip
    owners_silent = {o["id"] for o in espo["owners_not_calling_off"]}
    assert "E10000019" not in owners_silent  # Lincolnshire, an owner, calls off 301_22
    assert "E10000018" in owners_silent  # Leicestershire, an owner, has none on record


def test_framework_coverage_from_the_cli_and_the_api(loaded_home: Path) -> None:
    assert run_cli(loaded_home, "load", str(EXPORT)).returncode == 0
    text = run_cli(loaded_home, "coverage", "bo:ccs", "--at", "2022-12-01")
    assert text.returncode == 0, text.stderr
    assert re.search(r"East Sussex \(E10000011\) +1 £ +75,000", text.stdout), text.stdout
    assert re.search(r"South East +2 of \d+", text.stdout)
    wrong = run_cli(loaded_home, "coverage", "E07000064")
    assert wrong.returncode != 0 and "not a buying organisation" in wrong.stderr
    with TestClient(create_app(Settings(home=loaded_home))) as api:
        found = api.get("/nodes/bo:ccs/coverage", params={"at": "2022-12-01"})
        assert found.status_code == 200
        assert "E10000011" in {u["id"] for u in found.json()["users"]}
        assert api.get("/nodes/E07000064/coverage").status_code == 422
        assert api.get("/nodes/bo:nowhere/coverage").status_code == 404


EAST_SUSSEX_SCENARIO = {
    "id": "test-east-sussex-one-unitary", "name": "East Sussex: one unitary (a test's own)",
    "kind": "reorganisation", "status": "proposed", "source_url": "https://example.org/test",
    "verified": "no", "area": "E10000011",
    "new_councils": [{"id": "new:east-sussex", "name": "East Sussex unitary",
                      "vesting": "2024-04-01", "predecessors": [
                          "E07000061", "E07000062", "E07000063", "E07000064", "E07000065"]}],
    "abolished": ["E10000011", "E07000061", "E07000062", "E07000063", "E07000064", "E07000065"],
}  # fmt: skip


def test_expiry_calendar_of_an_area_and_of_a_scenario(
    loaded: NetworkXStore, tmp_path: Path
) -> None:
    """East Sussex's contracts in the real export: the three districts' AllPay payment
    services, ending between 29 Feb and 31 May 2024, are one group; on a vesting day of
    1 April 2024 only Rother's is still running."""
    scenario_file = tmp_path / "east-sussex.json"
    scenario_file.write_text(json.dumps(EAST_SUSSEX_SCENARIO), encoding="utf-8")
    load_files(loaded, [EXPORT, scenario_file])
    day = date(2022, 12, 1)
    area = calendar(loaded, area="E10000011", at=day)
    assert {c["id"] for c in area["councils"]} == {
        "E10000011",
        "E07000061",
        "E07000063",
        *EAST_SUSSEX,
    }
    software = next(c for c in area["categories"] if c["division"] == "48")
    [group] = [g for g in software["groups"] if {c["id"] for c in g["councils"]} == EAST_SUSSEX]
    assert (group["from"], group["to"]) == ("2024-02-29", "2024-05-31")
    assert all(k["end_date"] >= "2022-12-01" for c in area["categories"] for k in c["contracts"])
    [scenario] = scenarios_named(loaded, ["test-east-sussex-one-unitary"])
    merged = calendar(loaded, scenario=scenario, at=day)
    assert merged["parameters"]["vesting"] == "2024-04-01"
    payments = {k["buyers"][0]["id"]: k["live_on_vesting"]
                for c in merged["categories"] for k in c["contracts"] if "ESPH498" in k["name"]}  # fmt: skip
    assert payments == {"E07000062": False, "E07000064": True, "E07000065": False}
    page = timeline_html(merged, "East Sussex")
    dated = sum(1 for c in merged["categories"] for k in c["contracts"] if k["end_date"])
    assert page.count('class="contract"') == dated and 'class="vesting"' in page
    assert "default-src 'none'" in page  # no request leaves the page
    assert not re.search(r"(src|href)=", page)
    with pytest.raises(NotFound, match="no council or combined authority"):
        calendar(loaded, area="ss:orbis", at=day)


def test_expiries_from_the_cli_and_the_api(loaded_home: Path, tmp_path: Path) -> None:
    assert run_cli(loaded_home, "load", str(EXPORT)).returncode == 0
    text = run_cli(loaded_home, "expiries", "--area", "E10000011", "--at", "2022-12-01",
                   "--out", str(tmp_path / "t.html"))  # fmt: skip
    assert text.returncode == 0, text.stderr
    assert (
        "together: 3 contracts of 3 councils end between 2024-02-29 and 2024-05-31" in text.stdout
    )
    assert (tmp_path / "t.html").read_text(encoding="utf-8").count('class="contract"') > 3
    with TestClient(create_app(Settings(home=loaded_home))) as api:
        area = api.get("/areas/E10000011/expiries", params={"at": "2022-12-01"})
        assert area.status_code == 200 and area.json()["contracts"] > 3
        chart = api.get("/areas/E10000011/expiries/timeline", params={"at": "2022-12-01"})
        assert chart.status_code == 200 and chart.text.count('class="contract"') > 3
        group = api.get("/expiries", params={"councils": ["E07000064", "E07000065"],
                                              "at": "2022-12-01"})  # fmt: skip
        assert {c["id"] for c in group.json()["councils"]} == {"E07000064", "E07000065"}
        assert api.get("/areas/nowhere/expiries").status_code == 404
        opportunities = api.get("/nodes/E07000065/opportunities", params={"at": "2022-12-01"})
        assert opportunities.json()["opportunities"][0]["id"] == "E07000064"


NOTICES = FIXTURES / "ocds" / "contracts_finder_2025-01_to_03_releases.jsonl"


def test_notices_awards_are_contracts_unless_asked_not(
    loaded: NetworkXStore, tmp_path: Path
) -> None:
    """Watford's call-off of a NEPO framework (Contracts Finder's notice, OCDS): its award is a
    contract, supplied by Tuckwells, called off NEPO; without contracts only the partnership
    evidence is loaded."""
    home = tmp_path / "lean"
    shutil.copytree(loaded.home, home)
    load_files(loaded, [NOTICES])
    watford = "ct:ocds-b5fd17-50af97bc-acfa-446e-9564-1bc0ee68030f-1"
    node = loaded.get_node(watford)
    assert node is not None and node.kind is NodeKind.CONTRACT
    assert (node.valid_from, node.valid_to) == (date(2025, 3, 11), date(2025, 4, 11))
    assert node.attrs["value_gbp"] == 23690.0 and node.attrs["cpv_division"] == "34"
    links = {(k.from_id, k.kind, k.to_id) for k in loaded.links_of(watford)}
    assert links == {("E07000103", LinkKind.AWARDED, watford),
                     ("su:tuckwells", LinkKind.SUPPLIES, watford),
                     (watford, LinkKind.CALLED_OFF, "bo:nepo")}  # fmt: skip
    merton = loaded.get_node("ct:ocds-b5fd17-e3b5f385-5989-4cf1-8849-01c247fc9c30-1")
    assert merton is not None and merton.attrs["frameworks"] == "509_23"  # ESPO's framework
    assert loaded.stats(None).nodes[NodeKind.CONTRACT] == 89
    cli = run_cli(home, "load", "--no-contracts", str(NOTICES))
    assert cli.returncode == 0, cli.stderr
    lean = json.loads(run_cli(home, "stats", "--all", "--json").stdout)
    assert "contract" not in lean["nodes"] and "supplier" not in lean["nodes"]
    assert lean["links"]["buys_through"] == loaded.stats(None).links[LinkKind.BUYS_THROUGH]


def test_opportunities_on_a_graph_made_by_hand(tmp_path: Path) -> None:
    """A graph not read by ``opportunities_graph`` (a scenario's, one made by hand) is
    compared in full with the stores' own ``compare_rows``: Hastings's 2023 contract from
    Eastbourne's supplier pairs with ours; their joint contract does not."""
    with NetworkXStore(tmp_path / "store") as store:
        store.write(*contract_graph())
        G = store.graph(None)
    result = ANALYSES["opportunities"].run(G, "E07000061", months=30)
    [hastings] = result["opportunities"]
    assert hastings["id"] == "E07000062"  # 30 months apart, and the same supplier
    assert hastings["pairs"] == {"same_supplier": 1, "ending_together": 1}
    [pair] = hastings["evidence"]["same_supplier"]
    assert (pair["theirs"]["id"], pair["ours"]["id"]) == ("ct:2", "ct:1")
