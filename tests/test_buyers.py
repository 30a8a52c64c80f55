"""Buyer fields as notices write them, placed as the bodies they name (``loaders.buyers``), on
the bundled graph: departments, agents, entities, two languages, several bodies in one field."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli
from fastapi.testclient import TestClient

from api import create_app
from graph import NetworkXStore, Settings
from loaders.buyers import clean, place, resolver_for
from loaders.ocds_read import iter_releases
from loaders.resolve import Resolver

COUNCIL_BUYERS = {
    "Aberdeen City Council": "S12000033",
    "Angus Council": "S12000041",
    "Argyll and Bute Council": "S12000035",
    "Bath and North East Somerset Council": "E06000022",
    "Birmingham City Council": "E08000025",
    "Bournemouth Christchurch and Poole Council": "E06000058",
    "Cambridgeshire County Council": "E10000003",
    "Cheshire west and Chester Borough Council": "E06000050",
    "City of Bradford Metropolitan District Council": "E08000032",
    "City of Doncaster Council": "E08000017",
    "Comhairle nan Eilean Siar": "S12000013",
    "DERBY CITY COUNCIL": "E06000015",
    "Dudley Metropolitan Borough Council": "E08000027",
    "Dumfries and Galloway Council": "S12000006",
    "Dundee City Council": "S12000042",
    "Durham County Council": "E06000047",
    "East Ayrshire Council": "S12000008",
    "East Lothian Council": "S12000010",
    "East Renfrewshire Council": "S12000011",
    "Falkirk Council": "S12000014",
    "Fife Council": "S12000047",
    "Glasgow City Council": "S12000049",
    "Harrow Council": "E09000015",
    "Hertfordshire County Council - Children's Services": "E10000015",
    "Hertsmere Borough Council": "E07000098",
    "Islington Council": "E09000019",
    "LONDON BOROUGH OF HAVERING": "E09000016",
    "Leeds City Council": "E08000035",
    "Leicester City Council": "E06000016",
    "Leicestershire County Council": "E10000018",
    "Lincolnshire County Council": "E10000019",
    "Liverpool City Council": "E08000012",
    "London Borough of Ealing Council": "E09000009",
    "London Borough of Enfield": "E09000010",
    "London Borough of Merton": "E09000024",
    "Luton Council": "E06000032",
    "Manchester City Council": "E08000003",
    "Midlothian Council": "S12000019",
    "Mole Valley District Council": "E07000210",
    "North Ayrshire Council": "S12000021",
    "North Devon District Council": "E07000043",
    "North Lanarkshire Council": "S12000050",
    "North Northamptonshire Council": "E06000061",
    "North Yorkshire Council": "E06000065",
    "Nottinghamshire County Council": "E10000024",
    "Oxford City Council": "E07000178",
    "Peterborough City Council": "E06000031",
    "Renfrewshire Council": "S12000038",
    "Royal Borough of Greenwich": "E09000011",
    "SOMERSET COUNCIL": "E06000066",
    "Sandwell Metropolitan Borough Council": "E08000028",
    "Scottish Borders Council": "S12000026",
    "Sheffield City Council": "E08000039",
    "South Lanarkshire Council": "S12000029",
    "Southampton City Council": "E06000045",
    "Stevenage Borough Council": "E07000243",
    "Stockton-on-tees Borough Council": "E06000004",
    "Suffolk County Council Passenger Transport": "E10000029",
    "Sunderland City Council": "E08000024",
    "THE LONDON BOROUGH OF CAMDEN": "E09000007",
    "The City of Edinburgh Council": "S12000036",
    "The Highland Council": "S12000017",
    "The North Yorkshire Council": "E06000065",
    "Warwickshire County Council (WCC)": "E10000031",
    "Watford Borough Council": "E07000103",
    "West Lothian Council": "S12000040",
    "West Midlands Combined Authority": "E47000007",
    "West Northamptonshire Council": "E06000062",
    "West of England Combined Authority": "E47000009",
    "Westminster City Council": "E09000033",
    "Westmorland and Furness Council": "E06000064",
    "Wirral Borough Council": "E08000015",
}
"""Every buyer in the notice fixtures that is a principal council or combined authority, with
the body it is (labelled by hand from the names; East Herts is East Hertfordshire)."""
COUNCIL_BUYERS["East Herts Council"] = "E07000242"


@pytest.fixture(scope="module")
def resolver(bundled_home: Path) -> Resolver:
    store = NetworkXStore(bundled_home)
    return resolver_for(store.iter_nodes())


@pytest.mark.parametrize(
    ("text", "ids", "how"),
    [
        ("Hyndburn Borough Council Environmental Services", ("E07000120",), "department"),
        ("Blackpool Borough Council Trading Standards", ("E06000009",), "department"),
        ("Legal, Democratic and Business Intelligence, Swansea Council,", ("W06000011",),
         "department"),
        ("Chorley Council  &amp; South Ribble Borough Council", ("E07000118", "E07000126"),
         "several"),
        ("Chorley Council and South Ribble Borough Council", ("E07000118", "E07000126"),
         "several"),
        ("Blackpool Council and Wyre Council", ("E06000009", "E07000128"), "several"),
        ("Cheshire East Council, Cheshire West and Chester Council and Warrington Borough Council",
         ("E06000049", "E06000050", "E06000007"), "several"),
        ("Brighton and Hove City Council", ("E06000043",), "name"),
        ("Bath and North East Somerset Council", ("E06000022",), "name"),
        ("Telford &amp; Wrekin Council", ("E06000020",), "name"),
        ("LHC Procurement Group for the Welsh Procurement Alliance (WPA)", ("bo:lhc",),
         "department"),
        ("Eastern Shires Purchasing Organisation", ("bo:espo",), "name"),
        ("APUC Limited", ("bo:apuc",), "normalised"),
    ],
)  # fmt: skip
def test_buyer_fields_are_placed(
    resolver: Resolver, text: str, ids: tuple[str, ...], how: str
) -> None:
    found = place(resolver, text)
    assert (found.ids, found.how) == (ids, how)


def test_an_agent_is_recorded_and_the_body_is_the_buyer(resolver: Resolver) -> None:
    found = place(resolver, "Muse Developments Limited on behalf of Blackpool Borough Council")
    assert found.ids == ("E06000009",) and found.agent == "Muse Developments Limited"
    assert found.how.startswith("on behalf of")


@pytest.mark.parametrize(
    "text",
    [
        "Devon and Cornwall",  # two places, not said to be councils
        "Tyne and Wear Archives",
        "University Of Worcester",
        "Hartlepool and Stockton Health",
    ],
)
def test_names_that_are_not_councils_are_refused_with_the_closest(
    resolver: Resolver, text: str
) -> None:
    found = place(resolver, text)
    assert not found.placed and found.how in {"unknown", "ambiguous"}
    assert found.candidates


def test_a_parish_council_is_refused_for_what_it_is(resolver: Resolver) -> None:
    found = place(resolver, "Martock Parish Council")
    assert not found.placed and found.how == "parish or town council (not in the graph)"


def test_clean() -> None:
    assert (
        clean("  Chorley Council &amp;amp; South\u00a0Ribble , ")
        == "Chorley Council & South Ribble"
    )
    assert clean(",;") == ""


def test_every_council_spelling_in_the_notice_fixtures_is_placed_and_none_wrong(
    resolver: Resolver,
) -> None:
    named = {
        str(p.get("name"))
        for path in sorted((FIXTURES / "ocds").glob("*.json*"))
        for _, release in iter_releases(path)
        for p in release.get("parties") or []
        if {"buyer", "leadBuyer"} & set(p.get("roles") or [])
    }
    assert set(COUNCIL_BUYERS) <= named  # the labels are of names that are there
    wrong = {
        n: place(resolver, n).ids
        for n in COUNCIL_BUYERS
        if place(resolver, n).ids != (COUNCIL_BUYERS[n],)
    }
    assert wrong == {}
    councils = {i for i in resolver.ids if i[:1] in "ENSW" and i[1:3].isdigit()}
    placed_elsewhere = {
        n: place(resolver, n).ids
        for n in named - set(COUNCIL_BUYERS)
        if set(place(resolver, n).ids) & councils
    }
    assert placed_elsewhere == {}  # no other buyer is taken for a council


def test_partnermap_resolve_one_name_and_a_file(loaded_home: Path, tmp_path: Path) -> None:
    one = run_cli(loaded_home, "resolve", "Blackpool Council and Wyre Council", "--json")
    assert one.returncode == 0, one.stderr
    assert json.loads(one.stdout)["ids"] == ["E06000009", "E07000128"]
    text = run_cli(loaded_home, "resolve", "East Herts Council")
    assert (
        text.stdout.strip()
        == "'East Herts Council' -> E07000242 East Hertfordshire (council) [normalised]"
    )
    refused = run_cli(loaded_home, "resolve", "Devon and Cornwall")
    assert refused.returncode == 1 and "not placed (unknown); closest: " in refused.stdout
    assert "E06000052 (Cornwall)" in refused.stdout
    police = run_cli(loaded_home, "resolve", "North Yorkshire Police")
    assert police.stdout.strip().endswith(
        "-> pb:police-e23000009 North Yorkshire Police (public_body) [name]"
    )
    spend = tmp_path / "spend.csv"
    spend.write_text(
        "supplier,name,date,amount\n"
        "A Ltd,Muse Developments Limited on behalf of Blackpool Borough Council,,10\n"
        "B Ltd,Chorley Council &amp; South Ribble Borough Council,2024-05-01,20\n"
        "C Ltd,Martock Parish Council,,30\n"
    )
    out = tmp_path / "placed.csv"
    done = run_cli(loaded_home, "resolve", "--file", str(spend), "--out", str(out))
    assert done.returncode == 0 and "2 of 3 names placed" in done.stderr
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert [r["supplier"] for r in rows] == ["A Ltd", "B Ltd", "C Ltd"]  # every column kept
    assert [r["amount"] for r in rows] == ["10", "20", "30"]
    assert (rows[0]["id"], rows[0]["agent"]) == ("E06000009", "Muse Developments Limited")
    assert (rows[1]["id"], rows[1]["resolved_name"]) == (
        "E07000118;E07000126",
        "Chorley;South Ribble",
    )
    assert rows[2]["id"] == "" and rows[2]["how"].startswith("parish or town council")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,date\nLeeds,tomorrow\n")
    failed = run_cli(loaded_home, "resolve", "--file", str(bad))
    assert (
        failed.returncode == 1 and "bad.csv:2: date 'tomorrow' is not YYYY-MM-DD" in failed.stderr
    )


def test_get_resolve(loaded_home: Path) -> None:
    with TestClient(create_app(Settings(home=loaded_home))) as client:
        found = client.get(
            "/resolve", params={"name": "Hyndburn Borough Council Environmental Services"}
        )
        assert found.status_code == 200
        assert found.json()["bodies"] == [
            {"id": "E07000120", "name": "Hyndburn", "kind": "council"}
        ]
        assert found.json()["how"] == "department"
        missing = client.get("/resolve", params={"name": ""})
        assert missing.status_code == 422 and missing.json()["error"]["type"] == "InvalidInput"


def test_another_name_in_brackets_and_an_agents_address(resolver: Resolver) -> None:
    nss = (
        "The Common Services Agency (more commonly known as NHS National Services Scotland) ('NSS')"
    )
    assert place(resolver, nss).ids == ("pb:nhs-national-services-scotland",)
    cared = place(resolver, "Leeds City Council c/o Bloggs Ltd")
    assert (cared.ids, cared.agent) == (("E08000035",), "Bloggs Ltd")
