"""The bundled register of non-council public bodies (loaders/bundled/registers/)."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO

from graph.model import PublicBodyType
from loaders import bundled_dir

REGISTERS = bundled_dir() / "registers"
Row = dict[str, str]


def read(name: str) -> list[Row]:
    with (REGISTERS / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return read("public_bodies.csv")


@pytest.fixture(scope="module")
def by_id(rows: list[Row]) -> dict[str, Row]:
    return {r["id"]: r for r in rows}


def test_the_register_rebuilds_from_the_upstream_data(tmp_path: Path, upstream_data: Path) -> None:
    """The compilation script, run on the upstream reference data and the committed
    hand-compiled rows, gives the shipped files byte for byte."""
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "compile_registers.py"),
         "--shared", str(upstream_data), "--out", str(tmp_path)],
        check=True, capture_output=True,
    )  # fmt: skip
    for name in ("public_bodies.csv", "README.md"):
        assert (tmp_path / name).read_bytes() == (REGISTERS / name).read_bytes(), name


def test_columns(rows: list[Row]) -> None:
    assert list(rows[0]) == [
        "id", "name", "body_type", "register", "code", "aliases",
        "valid_from", "valid_to", "source", "verified", "note",
    ]  # fmt: skip


SCHEMES = {
    "ods-etr": r"pb:nhs-[a-z0-9]{3,5}",
    "ons-icb-2024": r"pb:nhs-q[a-z0-9]{2}",
    "nhs-wales-lhb": r"pb:nhs-7a[1-7]",
    "ons-pfa": r"pb:(police|pcc)-(e23|w15|n23|s23)\d{6}",
    "ons-fra-2019": r"pb:fire-(e31|w25|s38|n31)\d{6}",
    "ons-fra": r"pb:fire-e31\d{6}",
    "ons-hb-2019": r"pb:nhs-s08\d{6}",
    "nhs-scotland": r"pb:nhs-[a-z0-9-]+",
    "nhs-wales": r"pb:nhs-[a-z0-9-]+",
    "hscni": r"pb:hsc-[a-z0-9-]+",
    "scottish-police": r"pb:police-[a-z-]+",
    "gov-uk-organisations": r"pb:(gov|npa)-[a-z0-9-]+",
    "national-parks": r"pb:npa-[a-z0-9-]+",
}


def test_ids_are_unique_and_follow_their_register(rows: list[Row]) -> None:
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for r in rows:
        assert re.fullmatch(SCHEMES[r["register"]], r["id"]), r["id"]
        if r["code"] and r["register"] != "gov-uk-organisations":
            assert r["id"].endswith("-" + r["code"].lower()), r["id"]  # the id carries the code
    gov = [r for r in rows if r["register"] == "gov-uk-organisations"]
    assert all(re.fullmatch(r"[A-Z]{1,3}\d{1,5}", r["code"]) for r in gov)  # GB-GOR codes


def test_body_types_are_the_models(rows: list[Row]) -> None:
    assert {r["body_type"] for r in rows} <= {t.value for t in PublicBodyType}


SECONDARY = ("wikipedia.org", "d3tenders.com", "foiwiki", "einpresswire.com", "bbc.co.uk",
             "itv.com", "localgov.co.uk", "kindertrespass.com", "gist.github.com")  # fmt: skip


def test_every_row_has_a_source_and_an_honest_flag(rows: list[Row]) -> None:
    for r in rows:
        assert r["name"] and r["source"], r["id"]
        assert r["verified"] in {"yes", "partial", "no"}, r["id"]
        parts = r["source"].split(" | ")
        if all(any(host in p for host in SECONDARY) for p in parts):
            assert r["verified"] != "yes", r["id"]  # secondary sources only: not "yes"
        if "formed from" in r["note"] or "not read" in r["note"] or "not checked" in r["note"]:
            assert r["verified"] != "yes", r["id"]
    assert Counter(r["verified"] for r in rows)["yes"] > len(rows) / 2


def test_hand_compiled_rows_cite_a_page(rows: list[Row]) -> None:
    hand = read("hand_compiled.csv")
    assert hand
    for h in hand:
        assert h["source"] and h["verified"] in {"yes", "partial", "no"}, h["id"]
    assert {h["id"] for h in hand} <= {r["id"] for r in rows}


def test_no_name_points_at_two_bodies(rows: list[Row]) -> None:
    seen: dict[str, str] = {}
    for r in rows:
        for name in {r["name"], *filter(None, r["aliases"].split(";"))}:
            assert seen.setdefault(name.casefold(), r["id"]) == r["id"], name


def test_dates_are_iso_and_ordered(rows: list[Row]) -> None:
    for r in rows:
        for day in (r["valid_from"], r["valid_to"]):
            assert not day or re.fullmatch(r"\d{4}-\d{2}-\d{2}", day), r["id"]
        if r["valid_from"] and r["valid_to"]:
            assert r["valid_from"] <= r["valid_to"], r["id"]


def count(rows: list[Row], register: str, current: bool | None = None) -> int:
    return sum(
        r["register"] == register and (current is None or current == (not r["valid_to"]))
        for r in rows
    )


def test_counts_per_register(rows: list[Row]) -> None:
    trusts = [r for r in rows if r["register"] == "ods-etr"]
    open_english = [r for r in trusts if not r["valid_to"] and "England" in r["note"]]
    open_welsh = [r for r in trusts if not r["valid_to"] and "Wales" in r["note"]]
    assert (len(trusts), len(open_english), len(open_welsh)) == (274, 199, 3)
    assert count(rows, "ons-icb-2024") == 42
    assert count(rows, "nhs-wales-lhb") == 7
    assert count(rows, "ons-hb-2019") == 14
    forces = [r for r in rows if r["id"].startswith("pb:police-") and r["register"] == "ons-pfa"]
    policing = [r for r in rows if r["id"].startswith("pb:pcc-")]
    assert (len(forces), len(policing)) == (45, 42)  # 43 E&W areas less the City of London
    fire = [r for r in rows if r["body_type"] == "fire"]
    assert (len(fire), sum(not r["valid_to"] for r in fire)) == (51, 49)
    parks = [r for r in rows if r["body_type"] == "national_park_authority"]
    assert len(parks) == 15
    assert Counter(r["register"] for r in parks) == {
        "gov-uk-organisations": 10,
        "national-parks": 5,
    }
    kinds = Counter(r["note"].split(";")[0] for r in rows if r["body_type"] == "central_government")
    assert kinds["UK ministerial department"] == 24
    assert kinds["UK non-ministerial department"] == 20
    assert kinds["devolved government"] == 3
    assert kinds["Northern Ireland Executive department"] == 9
    assert count(rows, "hscni") == 7  # 5 HSC trusts, the ambulance service, BSO


def test_known_answers(by_id: dict[str, Row]) -> None:
    assert by_id["pb:nhs-rr8"]["name"] == "Leeds Teaching Hospitals NHS Trust"
    newcastle = by_id["pb:nhs-rtd"]
    assert newcastle["name"] == "The Newcastle upon Tyne Hospitals NHS Foundation Trust"
    assert "Newcastle upon Tyne Hospitals NHS Foundation Trust" in newcastle["aliases"].split(";")
    assert by_id["pb:nhs-rj1"]["name"] == "Guy's and St Thomas' NHS Foundation Trust"
    assert by_id["pb:nhs-7a2"]["name"] == "Hywel Dda University Health Board"
    assert by_id["pb:nhs-qyg"]["name"] == "NHS Cheshire and Merseyside Integrated Care Board"
    assert by_id["pb:nhs-ra3"]["valid_to"] == "2020-03-31"  # Weston Area Health, closed
    west_yorkshire = by_id["pb:pcc-e23000010"]
    assert west_yorkshire["name"] == "Mayor of West Yorkshire"
    assert "10 May 2021" in west_yorkshire["note"]
    assert "West Yorkshire Police and Crime Commissioner" in west_yorkshire["aliases"]
    assert by_id["pb:pcc-e23000011"]["name"] == "Mayor of South Yorkshire"
    assert by_id["pb:pcc-e23000009"]["name"] == "Mayor of York and North Yorkshire"
    assert by_id["pb:pcc-e23000005"]["name"] == "Mayor of Greater Manchester"
    assert by_id["pb:pcc-e23000001"]["name"] == "Mayor's Office for Policing and Crime"
    assert by_id["pb:pcc-e23000014"]["name"] == "Police and Crime Commissioner for West Midlands"
    assert "pb:pcc-e23000034" not in by_id  # City of London: no commissioner
    mid_west_wales = by_id["pb:fire-w25000002"]
    assert mid_west_wales["name"] == "Mid and West Wales Fire and Rescue Authority"
    assert mid_west_wales["code"] == "W25000002"
    assert {"Mid & West Wales Fire & Rescue", "Mid and West Wales Fire and Rescue Service"} <= set(
        mid_west_wales["aliases"].split(";")
    )
    assert by_id["pb:fire-e31000017"]["valid_to"] == "2021-03-31"  # Hampshire, combined
    assert by_id["pb:fire-e31000048"]["valid_from"] == "2021-04-01"
    assert "NHS Lothian" in by_id["pb:nhs-s08000024"]["aliases"].split(";")
    assert "Police Scotland" in by_id["pb:police-s23000009"]["aliases"].split(";")
    assert "PSNI" in by_id["pb:police-n23000001"]["aliases"].split(";")
    assert "Llywodraeth Cymru" in by_id["pb:gov-welsh-government"]["aliases"].split(";")
    assert by_id["pb:gov-department-for-education"]["code"] == "D6"
    assert "Cwm Taf Morgannwg Health Board" in by_id["pb:nhs-7a5"]["aliases"].split(";")


def test_buying_organisations_are_not_repeated(rows: list[Row]) -> None:
    """Crown Commercial Service (renamed Government Commercial Agency in 2026) is bo:ccs."""
    names = {n.casefold() for r in rows for n in [r["name"], *r["aliases"].split(";")]}
    assert not names & {"crown commercial service", "government commercial agency", "ccs"}
