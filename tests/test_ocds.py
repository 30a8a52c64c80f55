"""OCDS notices as links, on the real Contracts Finder and Public Contracts Scotland files."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli, snapshot

from graph import LinkKind, NetworkXStore, NodeKind
from loaders import detect_format, load_files
from loaders.ocds import release_day

OCDS = FIXTURES / "ocds"
CF = OCDS / "contracts_finder_2025-01_to_03_releases.jsonl"
PCS = OCDS / "public_contracts_scotland_2019-03_to_04_releases.jsonl"
EDINBURGH, WEST_LOTHIAN, MIDLOTHIAN = "S12000036", "S12000040", "S12000019"
EAST_LOTHIAN, BORDERS, FIFE = "S12000010", "S12000026", "S12000047"


def multi_buyer_ocids(path: Path) -> set[str]:
    releases = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return {
        r["ocid"]
        for r in releases
        if sum("buyer" in p.get("roles", []) for p in r.get("parties", [])) > 1
    }


def test_scottish_joint_procurements(loaded: NetworkXStore) -> None:
    report = load_files(loaded, [PCS])
    f = report.files[0]
    assert f.format == "ocds" and f.rows_read == 90 and f.rejected_total == 0
    forestry = loaded.get_node("jp:ocds-r6ebe6-0000580267")
    assert forestry is not None and forestry.kind is NodeKind.JOINT_PROCUREMENT
    assert forestry.name == "Forestry and Arboriculture Services Framework Agreement"
    assert "(Scotland) Regulations 2015" in str(forestry.attrs["legal_basis"])
    partners = {(k.from_id, k.role) for k in loaded.links_of("jp:ocds-r6ebe6-0000580267")}
    assert partners == {
        (EDINBURGH, "lead"),
        (WEST_LOTHIAN, "partner"),
        (MIDLOTHIAN, "partner"),
        (EAST_LOTHIAN, "partner"),
        (BORDERS, "partner"),
        (FIFE, "partner"),
    }
    # Every multi-buyer release is accounted for: a joint procurement, or a note saying why not.
    multi = multi_buyer_ocids(PCS)
    joint = {n.id.removeprefix("jp:") for n in loaded.iter_nodes() if n.id.startswith("jp:ocds")}
    assert joint == {
        "ocds-r6ebe6-0000580267",
        "ocds-r6ebe6-0000580618",
        "ocds-r6ebe6-0000561475",  # NHS Lanarkshire with NHS Greater Glasgow and Clyde
        "ocds-r6ebe6-0000581730",  # NHS Grampian with Aberdeen City Council
    }
    not_joint = f.notes["several buyers, fewer than two known: not a joint procurement"]
    assert len(joint) + not_joint == len(multi) == 4
    taxis = {k.from_id for k in loaded.links_of("jp:ocds-r6ebe6-0000581730")}
    assert taxis == {"pb:nhs-s08000020", "S12000033"}  # Grampian NHS Board, by its S08 code
    grampian = loaded.get_node("pb:nhs-s08000020")
    assert grampian is not None and grampian.kind is NodeKind.PUBLIC_BODY
    assert (grampian.name, grampian.attrs["body_type"]) == ("Grampian NHS Board", "nhs")
    assert grampian.attrs["register"] == "ons-hb-2019"  # a bundled partner, as its register says
    assert [str(s) for s in grampian.sources] == ["partnermap-partnerships@2026-11"]
    lanarkshire = loaded.get_node("pb:nhs-s08000032")  # a register body the notices brought in
    assert lanarkshire is not None and lanarkshire.attrs["register"] == "ons-hb-2019"
    assert [str(s) for s in lanarkshire.sources] == [
        "partnermap-public-body-registers@2026-12",
        "public_contracts_scotland_2019-03_to_04_releases.jsonl@2019",
    ]
    # Scotland Excel tendering for its members is recognised as a central purchasing body.
    assert f.notes["bo:scotland-excel acting as a central purchasing body"] == 4


def test_contracts_finder_call_offs(loaded: NetworkXStore) -> None:
    bundled = {(k.from_id, k.to_id) for k in loaded.iter_links() if k.kind is LinkKind.BUYS_THROUGH}
    report = load_files(loaded, [CF])
    assert report.files[0].rows_read == 200
    uses = {
        (k.from_id, k.to_id): k
        for k in loaded.iter_links()
        if k.kind is LinkKind.BUYS_THROUGH and (k.from_id, k.to_id) not in bundled
    }
    assert set(uses) == {
        ("E09000024", "bo:espo"),  # Merton, ESPO 509_23 (civil parking enforcement)
        ("E10000018", "bo:ypo"),  # Leicestershire, YPO 772 road marking DPS
        ("E07000103", "bo:nepo"),  # Watford, NEPO vehicles
        # Public bodies from the registers, by name or GB-GOR identifier:
        ("pb:gov-met-office", "bo:espo"),  # ESPO M-STAR4 (GB-GOR EA46)
        ("pb:gov-ministry-of-defence", "bo:ccs"),  # RM6187, G-Cloud 14
        ("pb:gov-planning-inspectorate", "bo:ccs"),  # GB-GOR EA39
        ("pb:gov-centre-for-environment-fisheries-and-aquaculture-science", "bo:ccs"),  # Cefas
    }
    met = loaded.get_node("pb:gov-met-office")
    assert met is not None and (met.attrs["register"], met.attrs["code"]) == (
        "gov-uk-organisations",
        "EA46",
    )
    assert uses[("pb:gov-ministry-of-defence", "bo:ccs")].attrs["frameworks"] == "RM6187"
    merton = uses[("E09000024", "bo:espo")]
    assert merton.attrs["frameworks"] == "509_23"
    assert merton.attrs["notices"] == 1 and merton.attrs["total_value_gbp"] > 0
    assert str(merton.attrs["evidence"]).startswith("ocds-b5fd17-")
    assert uses[("E10000018", "bo:ypo")].attrs["frameworks"] == "YPO 772"


def test_evidence_is_shown_and_reload_is_idempotent(loaded_home: Path) -> None:
    assert run_cli(loaded_home, "load", str(CF)).returncode == 0
    view = json.loads(run_cli(loaded_home, "show", "E09000024", "--json").stdout)
    (use,) = [k for k in view["links"] if k["kind"] == "buys_through"]
    assert use["evidence"].startswith("ocds-b5fd17-") and use["other"]["id"] == "bo:espo"
    before = snapshot(loaded_home)
    again = run_cli(loaded_home, "load", "--json", str(CF))
    report = json.loads(again.stdout)["files"][0]
    assert report["links"]["created"] == report["links"]["updated"] == 0
    assert snapshot(loaded_home) == before


def test_bad_ocds(loaded_home: Path, tmp_path: Path) -> None:
    lines = PCS.read_text().splitlines()
    releases = [json.loads(line) for line in lines]
    councils = [r for r in releases if r["buyer"]["name"].endswith("Council")]
    odd = dict(councils[0], ocid="ocds-test-1", parties=[])
    roles = dict(councils[1], ocid="ocds-test-2")
    roles["parties"] = [dict(p, roles=[*p["roles"], "astrologer"]) for p in roles["parties"]]
    huge = dict(councils[2], ocid="ocds-test-3")
    huge["tender"] = dict(huge["tender"], description="x" * 20_000_000)
    good = tmp_path / "odd.jsonl"
    good.write_text("\n".join(json.dumps(r) for r in (odd, roles, huge)) + "\n")
    result = run_cli(loaded_home, "load", "--json", str(good))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)["files"][0]
    assert report["rows_read"] == 3
    assert {
        "reason": "no parties: its buyers are not named",
        "rows": 1,
        "example_lines": [1],
    } in report["skipped"]
    assert report["rows_taken"] == 2
    before = snapshot(loaded_home)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([*lines[:3], lines[3][:100], *lines[4:]]) + "\n")
    failed = run_cli(loaded_home, "load", str(broken))
    assert failed.returncode == 1
    assert f"{broken}:4: not valid JSON" in failed.stderr
    assert snapshot(loaded_home) == before
    truncated = tmp_path / "cut.json"
    truncated.write_text(json.dumps({"releases": releases})[:5000])
    failed = run_cli(loaded_home, "load", str(truncated))
    assert failed.returncode == 1 and "truncated" in failed.stderr
    assert snapshot(loaded_home) == before


def test_ocds_format_is_detected(tmp_path: Path) -> None:
    zipped = tmp_path / "cf.jsonl.gz"
    zipped.write_bytes(gzip.compress(CF.read_bytes()))
    package = OCDS / "contracts_finder_release_package_2025-01-23_sample.json"
    assert {detect_format(p) for p in (CF, PCS, zipped, package)} == {"ocds"}
    assert detect_format(FIXTURES / "adjacency" / "ons_lad21_neighbours.json") == "ons-neighbours"


def test_evidence_adds_up_across_files(loaded: NetworkXStore, tmp_path: Path) -> None:
    """January's notices, then February's: the buys_through evidence is united, not replaced."""
    releases = [json.loads(line) for line in CF.read_text().splitlines()]
    merton = [r for r in releases if r["buyer"]["name"] == "London Borough of Merton"]
    espo = next(r for r in merton if "ESPO" in (r["tender"].get("description") or ""))
    second = json.loads(json.dumps(espo))
    second["ocid"] = espo["ocid"] + "-feb"
    second["date"] = "2025-02-20T00:00:00Z"
    second["tender"]["tenderPeriod"] = {"startDate": "2025-02-20T00:00:00Z"}
    files = []
    for name, release in (("jan.jsonl", espo), ("feb.jsonl", second)):
        path = tmp_path / name
        path.write_text(json.dumps(release) + "\n")
        files.append(path)
    load_files(loaded, [files[0]])
    (first,) = [k for k in loaded.links_of("E09000024") if k.kind is LinkKind.BUYS_THROUGH]
    load_files(loaded, [files[1]])
    load_files(loaded, [files[1]])  # loading a file again adds nothing
    (link,) = [k for k in loaded.links_of("E09000024") if k.kind is LinkKind.BUYS_THROUGH]
    assert link.attrs["notices"] == 2
    assert link.attrs["evidence"] == ";".join(sorted([espo["ocid"], second["ocid"]]))
    assert link.attrs["total_value_gbp"] == 2 * float(first.attrs["total_value_gbp"])
    assert (link.attrs["first_date"], link.attrs["last_date"]) == ("2025-01-23", "2025-02-20")


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2025-02-23T23:30:00-01:00", date(2025, 2, 24)),  # 00:30 in London: the Act applies
        ("2025-02-24T00:30:00+01:00", date(2025, 2, 23)),  # 23:30 in London the day before
        ("2025-06-30T23:30:00Z", date(2025, 7, 1)),  # British Summer Time
        ("2025-01-23T00:00:00Z", date(2025, 1, 23)),
        ("2025-01-23", date(2025, 1, 23)),
        ("2025-01-23T09:00:00", date(2025, 1, 23)),  # no zone: as written
    ],
)
def test_notice_dates_keep_their_time_zone(written: str, day: date) -> None:
    assert release_day({"date": written}) == day
    assert release_day({"tender": {"tenderPeriod": {"startDate": written}}, "date": "x"}) == day


def test_an_unreadable_date_falls_back_to_the_release_date() -> None:
    release = {"tender": {"tenderPeriod": {"startDate": "soon"}}, "date": "2024-05-01T10:00:00Z"}
    assert release_day(release) == date(2024, 5, 1)
    assert release_day({"date": "not a date"}) is None


def test_one_buyer_field_naming_two_councils_is_a_joint_procurement(
    loaded: NetworkXStore, tmp_path: Path
) -> None:
    """A real Contracts Finder release whose buyer is written as two councils in one field
    (as Lancashire's notices do) becomes a joint procurement of both; an agent buying on a
    council's behalf leaves the council as the buyer."""
    releases = [json.loads(line) for line in CF.read_text().splitlines()]
    joint, agent = json.loads(json.dumps(releases[0])), json.loads(json.dumps(releases[1]))
    for release, name in ((joint, "Blackpool Council and Wyre Council"),
                          (agent, "Muse Developments Limited on behalf of Blackpool Borough Council")):  # fmt: skip
        buyer = next(p for p in release["parties"] if "buyer" in p["roles"])
        buyer["name"] = name
        buyer.pop("identifier", None)
    path = tmp_path / "two.jsonl"
    path.write_text(json.dumps(joint) + "\n" + json.dumps(agent) + "\n")
    report = load_files(loaded, [path]).files[0]
    assert report.rows_taken == 2
    jp = loaded.get_node(f"jp:{joint['ocid']}")
    assert jp is not None
    members = {k.from_id for k in loaded.links_of(jp.id) if k.kind is LinkKind.PARTICIPATES_IN}
    assert members == {"E06000009", "E07000128"}
    notes = " ".join(n["note"] for n in report.as_dict()["notes"])
    assert "agent: Muse Developments Limited buying for E06000009" in notes
