"""The bundled graph: every UK council, the combined authorities, regions and nations."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from conftest import REPO, run_cli, snapshot

from graph import LinkKind, NetworkXStore
from loaders import bundled_dir, load_bundled
from visualise import shapes

TODAY = date.today()


def test_counts_as_the_issue_states(loaded: NetworkXStore) -> None:
    stats = loaded.stats(TODAY)
    geography = {k: v for k, v in stats.nodes.items() if k in {"council", "combined_authority",
                                                                "region", "nation"}}  # fmt: skip
    assert geography == {"council": 382, "combined_authority": 22, "region": 9, "nation": 4}
    assert stats.links["member_of"] == 101  # 70 in the ONS areas, 9 in the three of 2026, 22 CJC
    ca_areas = [
        k for k in loaded.iter_links() if k.kind is LinkKind.WITHIN and k.to_id.startswith("E47")
    ]
    assert len(ca_areas) == 106 + 14  # the ONS areas, and the former North East authorities


def test_council_types_by_nation(loaded: NetworkXStore) -> None:
    types: dict[str, int] = {}
    for node in loaded.iter_nodes():
        if node.kind == "council" and node.valid_at(TODAY):
            key = str(node.attrs["council_type"])
            types[key] = types.get(key, 0) + 1
    assert types == {
        "county": 21,
        "district": 164,
        "unitary": 63,  # E06 in the 2025 list, Isles of Scilly among them
        "metropolitan_district": 36,
        "london_borough": 33,
        "welsh_principal": 22,
        "scottish_council": 32,
        "ni_district": 11,
    }


def test_every_record_says_where_it_came_from(loaded: NetworkXStore) -> None:
    with (bundled_dir() / "datasets.csv").open(encoding="utf-8") as f:
        known = {f"{r['dataset']}@{r['vintage']}" for r in csv.DictReader(f)}
    records = [*loaded.iter_nodes(), *loaded.iter_links()]
    assert records
    for record in records:
        assert record.sources, record
        assert {str(s) for s in record.sources} <= known, record


def test_leeds(loaded: NetworkXStore) -> None:
    leeds = loaded.get_node("E08000035")
    assert leeds is not None
    assert leeds.name == "Leeds"
    assert leeds.attrs["official_name"] == "Leeds City Council"
    links = {
        (k.kind, k.from_id if k.to_id == "E08000035" else k.to_id, k.role)
        for k in loaded.links_of("E08000035")
    }
    assert (LinkKind.MEMBER_OF, "E47000003", "constituent") in links
    assert (LinkKind.WITHIN, "E12000003", None) in links
    assert (LinkKind.BORDERS, "E08000032", None) in links  # Bradford


def test_two_tier_membership_of_combined_county_authorities(loaded: NetworkXStore) -> None:
    members = {
        k.from_id
        for k in loaded.iter_links()
        if k.kind is LinkKind.MEMBER_OF and k.to_id == "E47000013"
    }
    # East Midlands CCA: Derbyshire and Nottinghamshire county councils, Derby, Nottingham
    assert members == {"E10000007", "E10000024", "E06000015", "E06000018"}
    geography = {
        k.from_id
        for k in loaded.iter_links()
        if k.kind is LinkKind.WITHIN and k.to_id == "E47000013"
    }
    assert len(geography) == 17 and "E07000032" in geography  # Amber Valley is inside


def test_2023_reorganisation(loaded: NetworkXStore) -> None:
    allerdale = loaded.get_node("E07000026")
    assert allerdale is not None and allerdale.valid_to == date(2023, 3, 31)
    assert not allerdale.valid_at(TODAY) and allerdale.valid_at(date(2023, 3, 31))
    heirs = {k.to_id for k in loaded.links_of("E10000006") if k.kind is LinkKind.SUCCEEDED_BY}
    assert heirs == {"E06000063", "E06000064"}  # Cumbria -> Cumberland, Westmorland and Furness
    assert loaded.stats(date(2023, 1, 1)).nodes["council"] == 382 - 4 + 20
    assert loaded.stats(None).nodes["council"] == 456  # every council since 2015


def test_borders_are_undirected_and_cover_the_uk(loaded: NetworkXStore) -> None:
    borders = [k for k in loaded.iter_links() if k.kind is LinkKind.BORDERS]
    assert all(k.from_id < k.to_id for k in borders)
    pairs = {(k.from_id, k.to_id) for k in borders}
    assert ("S12000036", "S12000040") in pairs  # Edinburgh - West Lothian
    assert ("E06000050", "W06000005") in pairs  # Cheshire West and Chester - Flintshire
    assert ("E10000003", "E10000015") in pairs  # Cambridgeshire CC - Hertfordshire CC
    orkney = [k for k in borders if "S12000023" in (k.from_id, k.to_id)]
    assert orkney == []


def test_reloading_is_idempotent(loaded: NetworkXStore, loaded_home: Path) -> None:
    before = (loaded.stats(None), snapshot(loaded_home))
    report = load_bundled(loaded)
    assert all(f.nodes["created"] == f.nodes["updated"] == 0 for f in report.files)
    assert all(f.links["created"] == f.links["updated"] == 0 for f in report.files)
    assert sum(f.links["unchanged"] for f in report.files) == sum(loaded.stats(None).links.values())
    assert (loaded.stats(None), snapshot(loaded_home)) == before


def test_cli_load_twice_gives_the_same_counts(home: Path) -> None:
    first = run_cli(home, "load")
    assert first.returncode == 0, first.stderr
    assert "494 created" in first.stdout
    counts = json.loads(run_cli(home, "stats", "--json").stdout)
    assert counts["nodes"]["council"] == 382 and counts["nodes"]["combined_authority"] == 22
    again = run_cli(home, "load")
    assert again.returncode == 0 and "2462 unchanged" in again.stdout
    assert json.loads(run_cli(home, "stats", "--json").stdout) == counts


def test_bundled_files_are_reproducible_from_the_sources(
    tmp_path: Path, upstream_data: Path
) -> None:
    """The compilation script, run on the upstream reference data, gives the shipped files byte
    for byte."""
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "compile_bundled.py"),
         "--shared", str(upstream_data), "--out", str(tmp_path)],
        check=True, capture_output=True,
    )  # fmt: skip
    for name in ("nodes.csv", "links.csv", "datasets.csv", "PROVENANCE.md"):
        assert (tmp_path / name).read_bytes() == (bundled_dir() / name).read_bytes(), name


def test_bundled_store_round_trips_through_disk(loaded_home: Path, loaded: NetworkXStore) -> None:
    reopened = NetworkXStore(loaded_home)
    assert sorted(reopened.iter_nodes(), key=lambda n: n.id) == sorted(
        loaded.iter_nodes(), key=lambda n: n.id
    )
    assert reopened.stats(None) == loaded.stats(None)


def test_every_area_has_a_position_in_the_uk(loaded: NetworkXStore, tmp_path: Path) -> None:
    """Councils, combined authorities, regions and nations carry lat/lon (boundary centroids in
    England, mySociety's points elsewhere) for the geographic maps."""
    kinds = {"council", "combined_authority", "region", "nation"}
    places = [n for n in loaded.iter_nodes() if n.kind in kinds]
    assert len(places) == 494
    for node in places:
        lat, lon = float(node.attrs["lat"]), float(node.attrs["lon"])
        assert 49.8 < lat < 60.9 and -8.7 < lon < 1.8, node.id
    where = {n.id: (float(n.attrs["lat"]), float(n.attrs["lon"])) for n in places}
    for code, (lat, lon) in {
        "E08000035": (53.80, -1.55),  # Leeds
        "E09000033": (51.50, -0.15),  # Westminster
        "S12000036": (55.93, -3.25),  # Edinburgh
        "W06000015": (51.50, -3.20),  # Cardiff
        "N09000003": (54.60, -5.93),  # Belfast
    }.items():
        assert abs(where[code][0] - lat) < 0.1 and abs(where[code][1] - lon) < 0.15, code
    # West Yorkshire's centre lies among its five districts
    members = ["E08000032", "E08000033", "E08000034", "E08000035", "E08000036"]
    lats = [where[m][0] for m in members]
    assert min(lats) < where["E47000003"][0] < max(lats)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,kind,name,lat,lon\nE06000001,council,Hartlepool,154.6,-1.2\n"
                   "E06000002,council,Middlesbrough,54.5,\n")  # fmt: skip
    result = run_cli(tmp_path / "home", "load", str(bad))
    assert result.returncode == 1
    assert "rejected line 2: lat 154.6 is outside -90..90" in result.stderr
    assert "rejected line 3: give both lat and lon, or neither" in result.stderr


def test_council_shapes_are_reproducible_from_the_sources(
    tmp_path: Path, upstream_data: Path
) -> None:
    """``visualise/shapes.json`` is what ``scripts/compile_shapes.py`` makes of ONS's topology."""
    out = tmp_path / "shapes.json"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "compile_shapes.py"),
         "--shared", str(upstream_data), "--out", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    assert out.read_bytes() == (REPO / "visualise" / "shapes.json").read_bytes()


def test_council_shapes_cover_every_council_with_their_true_areas(loaded: NetworkXStore) -> None:
    """Every current council has a shape, as have England's abolished ones; decoded, the
    shapes have the areas ONS gives (Glasgow City about 175 km², Leeds 552, the UK about 242,000
    km² in the districts of 2024), so the encoding and the decoder agree."""
    councils = [n for n in loaded.iter_nodes() if n.kind == "council"]
    have = shapes.shape_ids()
    assert [n.id for n in councils if n.valid_at(TODAY) and n.id not in have] == []
    england_past = [n.id for n in councils if not n.valid_at(TODAY) and n.id[0] == "E"]
    assert len(england_past) > 40 and set(england_past) <= have
    assert 160 < shapes.area_km2("S12000049") < 185  # Glasgow City
    assert 540 < shapes.area_km2("E08000035") < 565  # Leeds, 552 km²
    of_2024 = [c for c in have
               if (a := shapes.area(c)) and a["layer"] == "district"
               and a["from"] <= 2024 and (a["to"] is None or a["to"] >= 2024)]  # fmt: skip
    assert len(of_2024) == 361
    uk = sum(shapes.area_km2(c) for c in of_2024)
    assert 235_000 < uk < 249_000
