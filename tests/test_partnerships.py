"""Buying organisations, shared services and joint procurements: the bundled data, the loaders'
good and bad rows, the legal basis by date, and the graph as at a date."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from conftest import run_cli

from graph import GraphStore, LinkKind, LoadRejected, NetworkXStore, NodeKind
from loaders import bundled_dir, detect_format, load_files

TODAY = date.today()
PARTNERSHIPS = bundled_dir() / "partnerships"


def rows(name: str) -> list[dict[str, str]]:
    with (PARTNERSHIPS / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_bundled_partnerships_are_sourced_and_flagged(loaded: NetworkXStore) -> None:
    services, procurements = rows("shared_services.csv"), rows("joint_procurements.csv")
    assert len(services) >= 80 and len(procurements) >= 20
    for row in [*services, *procurements, *rows("buying_organisations.csv"),
                *rows("buying_organisation_owners.csv"), *rows("public_bodies.csv"),
                *rows("buying_organisation_users.csv")]:  # fmt: skip
        assert row["source_url"].startswith("http"), row
        assert row["verified"] in {"yes", "partial", "no"}, row
    kinds = Counter(n.kind for n in loaded.iter_nodes())
    assert kinds[NodeKind.SHARED_SERVICE] == len(services)
    assert kinds[NodeKind.JOINT_PROCUREMENT] == len(procurements)
    pbos = {n.id for n in loaded.iter_nodes() if n.kind is NodeKind.BUYING_ORGANISATION}
    assert {"bo:espo", "bo:ypo", "bo:nepo", "bo:cbc", "bo:ccs", "bo:scotland-excel"} <= pbos
    assert {"bo:west-mercia-energy", "bo:laser", "bo:kent-commercial-services"} <= pbos


def test_scotland_excel_is_owned_by_all_32_scottish_councils(loaded: NetworkXStore) -> None:
    owners = {k.from_id for k in loaded.links_of("bo:scotland-excel") if k.kind is LinkKind.OWNS}
    scottish = {n.id for n in loaded.iter_nodes() if n.id.startswith("S12") and n.valid_at(TODAY)}
    assert owners == scottish and len(owners) == 32


def test_show_lists_partnerships_and_buying_organisations(loaded_home: Path) -> None:
    view = json.loads(run_cli(loaded_home, "show", "E08000036", "--json").stdout)  # Wakefield
    kinds = {(k["kind"], k["other"]["id"]) for k in view["links"]}
    assert ("owns", "bo:ypo") in kinds
    assert ("partner_in", "ss:west-yorkshire-joint-services") in kinds
    text = run_cli(loaded_home, "show", "E08000035").stdout  # Leeds
    assert "partner_in" in text and "West Yorkshire Joint Services" in text
    leeds = json.loads(run_cli(loaded_home, "show", "E08000035", "--json").stdout)
    uses = {k["other"]["id"]: k for k in leeds["links"] if k["kind"] == "buys_through"}
    assert {"bo:ccs", "bo:ypo"} <= set(uses)  # purchasing cards (2018); YPO framework 1140
    assert uses["bo:ypo"]["frameworks"] == "YPO 1140"
    assert uses["bo:ypo"]["evidence"] == "ocds-h6vhtk-0652d5"
    assert "buys_through  -> bo:ypo" in text
    service = json.loads(run_cli(loaded_home, "show", "ss:adur-worthing", "--json").stdout)
    node = service["node"]
    assert node["category"] == "management" and node["source_url"].startswith("https://")
    assert node["legal_basis"].startswith("PCR 2015 reg 12")
    assert {k["other"]["id"] for k in service["links"]} == {"E07000223", "E07000229"}


def in_force(row: dict[str, str], day: date) -> bool:
    start, end = row.get("start_date", ""), row.get("end_date", "")
    return (not start or start <= str(day)) and (not end or str(day) <= end)


@pytest.mark.parametrize("day", [date(2005, 1, 1), date(2019, 1, 1), TODAY])
def test_stats_count_the_new_kinds_as_at_a_date(loaded_home: Path, day: date) -> None:
    """The CLI's counts as at a day are the arrangements whose dates cover that day."""
    stats = json.loads(run_cli(loaded_home, "stats", "--at", str(day), "--json").stdout)
    for kind, name in (("shared_service", "shared_services.csv"),
                       ("joint_procurement", "joint_procurements.csv")):  # fmt: skip
        expected = sum(in_force(r, day) for r in rows(name))
        assert stats["nodes"][kind] == expected
    assert stats["nodes"]["buying_organisation"] == len(rows("buying_organisations.csv"))


def test_an_ended_arrangement_is_in_the_past_not_today(loaded: NetworkXStore) -> None:
    breckland = loaded.get_node("ss:breckland-south-holland")
    assert breckland is not None and breckland.valid_to == date(2021, 2, 24)
    assert breckland.valid_at(date(2019, 1, 1)) and not breckland.valid_at(TODAY)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


SERVICES = "id,name,category,delivery_model,partners,lead,start_date,end_date\n"


def test_partners_by_name_and_legal_basis_by_date(loaded: GraphStore, tmp_path: Path) -> None:
    path = write(
        tmp_path / "services.csv",
        SERVICES
        + "ss:old,Old shared legal,legal,lead_authority,Leeds City Council;Bradford,Leeds,2010-05-01,\n"
        + "ss:new,New shared audit,audit,joint_committee,E08000035;E08000032,,2025-06-01,\n"
        + "ss:scot,Scottish roads,other,joint_committee,Fife Council;City of Edinburgh,,2019-01-01,\n",
    )
    report = load_files(loaded, [path])
    assert report.files[0].rejected_total == 0
    old = loaded.get_node("ss:old")
    assert old is not None and old.attrs["legal_basis"].startswith("PCR 2015 reg 12")
    new = loaded.get_node("ss:new")
    assert new is not None and new.attrs["legal_basis"].startswith(
        "Procurement Act 2023 Schedule 2"
    )
    scot = loaded.get_node("ss:scot")
    assert scot is not None and "(Scotland) Regulations 2015 reg 13" in str(
        scot.attrs["legal_basis"]
    )
    roles = {(k.from_id, k.role) for k in loaded.links_of("ss:old")}
    assert roles == {("E08000035", "lead"), ("E08000032", "partner")}


def test_bad_rows_are_rejected_with_suggestions(loaded: GraphStore, tmp_path: Path) -> None:
    path = write(
        tmp_path / "services.csv",
        SERVICES
        + "ss:ok,Fine,legal,lead_authority,E08000035;E08000032,,,\n"
        + "ss:typo,Typo,legal,lead_authority,Leeds;Bradfrod Metropolitan Distrct,,,\n"
        + "ss:alone,Alone,legal,lead_authority,E08000035,,,\n"
        + "ss:cat,Bad category,gardening,lead_authority,E08000035;E08000032,,,\n"
        + "bo:wrong,Wrong prefix,legal,lead_authority,E08000035;E08000032,,,\n"
        + "ss:ghost,Ghost,legal,lead_authority,E08000035;Atlantis Council,,,\n",
    )
    version = loaded.data_version()
    with pytest.raises(LoadRejected) as caught:
        load_files(loaded, [path])
    reasons = {p.line: p.reason for p in caught.value.problems}
    assert set(reasons) == {3, 4, 5, 6, 7}
    assert (
        "partner 'Bradfrod Metropolitan Distrct' is not known; closest: E08000032 (Bradford)"
        in reasons[3]
    )
    assert "partner 'Atlantis Council' is not known" in reasons[7]
    assert "1 known partner(s); an arrangement needs two" in reasons[4]
    assert "category 'gardening' is not one of" in reasons[5]
    assert "bo:wrong is the id of a buying_organisation, not of a shared_service" in reasons[6]
    assert loaded.data_version() == version
    report = load_files(loaded, [path], skip_invalid=True)
    assert report.files[0].rows_taken == 1
    assert {k.from_id for k in loaded.links_of("ss:ok")} == {"E08000035", "E08000032"}
    assert loaded.get_node("ss:typo") is None


def test_owners_and_joint_procurements(store: GraphStore, tmp_path: Path) -> None:
    nodes = write(tmp_path / "n.csv", "id,kind,name\nE06000001,council,Hartlepool\n"
                  "E06000004,council,Stockton-on-Tees\n")  # fmt: skip
    bos = write(
        tmp_path / "bo.csv", "id,name,legal_form,host\nbo:x,X Buying,joint_committee,E06000001\n"
    )
    owners = write(tmp_path / "o.csv", "buying_organisation,member,gss_code,role\n"
                   "bo:x,Hartlepool Borough Council,,founder\nbo:x,Stockton,E06000004,member\n")  # fmt: skip
    jps = write(tmp_path / "jp.csv", "id,title,category,value_gbp,start_date,participants,lead\n"
                "jp:bins,Joint bins,waste,\"1,500,000\",2025-03-01,E06000001;E06000004,E06000004\n")  # fmt: skip
    report = load_files(store, [nodes, bos, owners, jps])
    assert [f.format for f in report.files] == [
        "nodes", "buying-organisations", "buying-organisation-owners", "joint-procurements"
    ]  # fmt: skip
    assert {(k.from_id, k.role) for k in store.links_of("bo:x")} == {
        ("E06000001", "founder"), ("E06000004", "member")
    }  # fmt: skip
    jp = store.get_node("jp:bins")
    assert jp is not None and jp.attrs["value_gbp"] == 1_500_000.0
    assert str(jp.attrs["legal_basis"]).startswith("Procurement Act 2023 s.1(3)(a)")
    assert {(k.from_id, k.role) for k in store.links_of("jp:bins")} == {
        ("E06000001", "partner"), ("E06000004", "lead")
    }  # fmt: skip


USERS = "buyer,buying_organisation,frameworks,first_date,last_date,evidence,value_gbp,source_url\n"


def test_buying_organisation_users(loaded: GraphStore, tmp_path: Path) -> None:
    path = write(
        tmp_path / "users.csv",
        USERS
        + 'Bradford Metropolitan District Council,bo:ccs,RM6118,2018-06-08,2019-01-31,bradford-1;bradford-2,"£12,000",https://x\n'
        + "E08000032,bo:nowhere,,,,,,\n"
        + "Bradford,bo:ypo,,2019-01-01,2018-01-01,,,\n"
        + "bo:ypo,bo:ypo,,,,,,\n"
        + "Atlantis Council,bo:ypo,,,,,,\n",
    )
    assert detect_format(path) == "buying-organisation-users"
    version = loaded.data_version()
    with pytest.raises(LoadRejected) as caught:
        load_files(loaded, [path])
    reasons = {p.line: p.reason for p in caught.value.problems}
    assert set(reasons) == {3, 4, 5, 6} and loaded.data_version() == version
    assert "bo:nowhere, which is neither in the store nor in this load" in reasons[3]
    assert "last_date 2018-01-01 is before first_date 2019-01-01" in reasons[4]
    assert "bo:ypo cannot buy through itself" in reasons[5]
    assert "partner 'Atlantis Council' is not known" in reasons[6]
    load_files(loaded, [path], skip_invalid=True)
    (use,) = [k for k in loaded.links_of("E08000032") if k.kind is LinkKind.BUYS_THROUGH]
    assert (use.to_id, use.valid_from) == ("bo:ccs", date(2018, 6, 8))
    assert use.attrs == {
        "evidence": "bradford-1;bradford-2", "notices": 2, "frameworks": "RM6118",
        "total_value_gbp": 12000.0, "first_date": "2018-06-08", "last_date": "2019-01-31",
        "source_url": "https://x", "verified": "no",
    }  # fmt: skip
    # A second register with another notice adds up with the first, as OCDS evidence does.
    more = write(
        tmp_path / "more.csv", USERS + "E08000032,bo:ccs,RM6154,2020-02-02,,bradford-3,100,\n"
    )
    load_files(loaded, [more])
    (use,) = [k for k in loaded.links_of("E08000032") if k.kind is LinkKind.BUYS_THROUGH]
    assert use.attrs["notices"] == 3 and use.attrs["total_value_gbp"] == 12100.0
    assert use.attrs["frameworks"] == "RM6118;RM6154" and use.attrs["last_date"] == "2020-02-02"


TYPED_SERVICES = (
    "id,name,category,delivery_model,partners,lead,start_date,end_date,savings_gbp,savings_kind,"
    "savings_year,savings_partners,source_url,verified\n"
)
TYPED_PROCUREMENTS = (
    "id,title,category,value_gbp,value_kind,value_year,start_date,end_date,participants,lead,"
    "managed_by,source_url,verified\n"
)


def test_savings_and_values_say_what_they_are_and_a_contract_its_partnership(
    store: NetworkXStore, tmp_path: Path
) -> None:
    nodes = write(tmp_path / "n.csv", "id,kind,name\nE06000001,council,Hartlepool\n"
                  "E06000004,council,Stockton-on-Tees\nE06000002,council,Middlesbrough\n")  # fmt: skip
    services = write(tmp_path / "ss.csv", TYPED_SERVICES
                     + "ss:tv,Tees waste,waste,joint_committee,E06000001;E06000004;E06000002,,"
                     "2020-04-01,,1200000,cumulative,2024/25,E06000001;E06000004,https://x,yes\n")  # fmt: skip
    contracts = write(tmp_path / "jp.csv", TYPED_PROCUREMENTS
                      + "jp:tv-bins,Tees bins contract,waste,90000000,top_of_range,2021,2021-06-01,,"
                      "E06000001;E06000004;E06000002,,ss:tv,https://x,partial\n")  # fmt: skip
    load_files(store, [nodes, services, contracts])
    tv, bins = store.get_node("ss:tv"), store.get_node("jp:tv-bins")
    assert tv is not None and bins is not None
    assert {k: tv.attrs[k] for k in ("savings_gbp", "savings_kind", "savings_year",
                                     "savings_partners")} == {
        "savings_gbp": 1_200_000.0, "savings_kind": "cumulative", "savings_year": "2024/25",
        "savings_partners": "E06000001;E06000004"}  # fmt: skip
    assert (bins.attrs["value_kind"], bins.attrs["value_year"]) == ("top_of_range", "2021")
    managed = [k for k in store.links_of("jp:tv-bins") if k.kind is LinkKind.MANAGED_BY]
    assert [(k.from_id, k.to_id) for k in managed] == [("jp:tv-bins", "ss:tv")]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("ss:a,A,waste,other,E06000001;E06000004,,,,5,weekly,,,https://x,yes",
         "savings_kind 'weekly'"),
        ("ss:a,A,waste,other,E06000001;E06000004,,,,,annual,,,https://x,yes",
         "savings_kind and savings_partners describe savings_gbp, left blank"),
        ("ss:a,A,waste,other,E06000001;E06000004,,,,5,annual,,Atlantis,https://x,yes",
         "partner 'Atlantis' is not known"),
    ],
)  # fmt: skip
def test_bad_savings_are_refused(store: NetworkXStore, tmp_path: Path, line: str,
                                 reason: str) -> None:  # fmt: skip
    nodes = write(tmp_path / "n.csv", "id,kind,name\nE06000001,council,Hartlepool\n"
                  "E06000004,council,Stockton-on-Tees\n")  # fmt: skip
    bad = write(tmp_path / "ss.csv", TYPED_SERVICES + line + "\n")
    with pytest.raises(LoadRejected) as caught:
        load_files(store, [nodes, bad])
    assert reason in caught.value.problems[0].reason and store.get_node("ss:a") is None


def test_a_user_that_stopped_is_dated(store: NetworkXStore, tmp_path: Path) -> None:
    nodes = write(tmp_path / "n.csv", "id,kind,name\nE06000001,council,Hartlepool\n")
    bos = write(tmp_path / "bo.csv", "id,name,legal_form\nbo:x,X Buying,joint_committee\n")
    users = write(tmp_path / "u.csv", "buyer,buying_organisation,first_date,valid_to\n"
                  "E06000001,bo:x,2019-01-01,2022-03-31\n")  # fmt: skip
    load_files(store, [nodes, bos, users])
    [link] = store.links_of("bo:x")
    assert (link.valid_from, link.valid_to) == (date(2019, 1, 1), date(2022, 3, 31))
    assert store.stats(date(2023, 1, 1)).links.get("buys_through", 0) == 0
