"""Each loader on the real reference files and on small files written here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES

from graph import LinkKind, LoadRejected, NetworkXStore
from loaders import detect_format, load_files

ONS = FIXTURES / "ons"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("ons/LAD25_CAUTH25_EN_LU_May2025.csv", "ons-lookup"),
        ("ons/LAD21_CTY21_EN_LU_April2021.csv", "ons-lookup"),
        ("ons/ltla25_codes_names.csv", "ons-lookup"),
        ("adjacency/ons_lad21_neighbours.json", "ons-neighbours"),
    ],
)
def test_formats_are_detected_from_content(name: str, fmt: str) -> None:
    assert detect_format(FIXTURES / name) == fmt


def test_ca_lookup_with_bom_into_an_empty_store(store: NetworkXStore) -> None:
    report = load_files(store, [ONS / "LAD25_CAUTH25_EN_LU_May2025.csv"])
    f = report.files[0]
    assert (f.rows_read, f.rows_taken, f.rejected_total) == (106, 106, 0)
    assert f.nodes["created"] == 106 + 15
    assert f.links["created"] == 106
    bristol = store.get_node("E06000023")
    assert bristol is not None and bristol.name == "Bristol, City of"  # quoted, with a comma
    assert bristol.sources[0].vintage == "2025"
    assert store.get_node("E47000009") is not None


def test_county_lookup_skips_areas_that_are_not_councils(store: NetworkXStore) -> None:
    report = load_files(store, [ONS / "LAD21_CTY21_EN_LU_April2021.csv"])
    f = report.files[0]
    assert f.rows_read == 250 and f.rejected_total == 0
    assert store.get_node("E11000001") is None  # Greater Manchester metropolitan county
    assert store.get_node("E13000001") is None  # Inner London
    within = {(k.from_id, k.to_id) for k in store.iter_links() if k.kind is LinkKind.WITHIN}
    assert ("E07000008", "E10000003") in within  # Cambridge in Cambridgeshire
    assert len(within) == 181  # only the E10 rows give links


def test_columns_are_recognised_by_pattern_not_year(store: NetworkXStore, tmp_path: Path) -> None:
    path = write(
        tmp_path / "lookup.csv",
        "LAD19CD,LAD19NM,RGN19CD,RGN19NM,CTRY19CD,CTRY19NM,WD19CD\n"
        "E06000001,Hartlepool,E12000001,North East,E92000001,England,E05000001\n"
        "W06000001,Isle of Anglesey,,,W92000004,Wales,W05000001\n",
    )
    load_files(store, [path])
    links = {(k.from_id, k.to_id) for k in store.iter_links()}
    assert links == {
        ("E06000001", "E12000001"),
        ("E12000001", "E92000001"),
        ("W06000001", "W92000004"),  # no region in Wales: the council is within its nation
    }
    anglesey = store.get_node("W06000001")
    assert anglesey is not None and anglesey.attrs["council_type"] == "welsh_principal"
    assert anglesey.sources[0].vintage == "2019"


def test_a_newer_vintage_updates_in_place(store: NetworkXStore, tmp_path: Path) -> None:
    old = write(tmp_path / "old_2023.csv", "areacd,areanm\nE06000001,Hartlepool Old\n")
    new = write(tmp_path / "new_2025.csv", "areacd,areanm\nE06000001,Hartlepool\n")
    load_files(store, [old])
    report = load_files(store, [new])
    assert report.files[0].nodes["updated"] == 1
    node = store.get_node("E06000001")
    assert node is not None and node.name == "Hartlepool"
    assert [str(s) for s in node.sources] == ["old_2023.csv@2023", "new_2025.csv@2025"]
    assert store.stats(None).nodes == {"council": 1}


def test_former_codes_are_filed_under_the_current_code(loaded: NetworkXStore) -> None:
    report = load_files(loaded, [ONS / "LAD21_CTY21_EN_LU_April2021.csv"])
    assert loaded.get_node("E08000016") is None
    notes = report.files[0].notes
    assert notes["E08000016 is a former code: recorded under E08000038"] == 1
    assert loaded.stats(date.today()).nodes["council"] == 382


def test_neighbours_json(loaded: NetworkXStore) -> None:
    report = load_files(loaded, [FIXTURES / "adjacency" / "ons_lad21_neighbours.json"])
    f = report.files[0]
    assert (f.rows_read, f.skipped["no shared boundary (an island)"]) == (374, 6)
    assert f.rejected_total == 0
    borders = {(k.from_id, k.to_id) for k in loaded.iter_links() if k.kind is LinkKind.BORDERS}
    assert ("E07000026", "E07000028") in borders  # Allerdale - Carlisle, as in 2021


def test_neighbours_of_councils_not_in_the_store_are_rejected(store: NetworkXStore) -> None:
    with pytest.raises(LoadRejected) as caught:
        load_files(store, [FIXTURES / "adjacency" / "ons_lad21_neighbours.json"])
    assert "which is neither in the store nor in this load" in str(caught.value)
    assert caught.value.problems[0].line is not None
    assert store.stats(None).nodes == {}
    report = load_files(
        store,
        [ONS / "ltla23_codes_names.csv", FIXTURES / "adjacency" / "ons_lad21_neighbours.json"],
        skip_invalid=True,
    )
    assert report.files[1].rejected_total > 0  # pairs of councils abolished before 2023
    assert report.files[1].links["created"] > 800


def test_plain_nodes_and_links(store: NetworkXStore, tmp_path: Path) -> None:
    nodes = write(
        tmp_path / "nodes.csv",
        "id,kind,name,official_name,valid_from,sources\n"
        "E06000001,council,Hartlepool,Hartlepool Borough Council,1996-04-01,my-register@2026\n"
        "E47000006,combined_authority,Tees Valley,,,\n",
    )
    links = write(
        tmp_path / "links.csv",
        "from_id,kind,to_id,role,valid_from\nE06000001,member_of,E47000006,constituent,2016-04-01\n",
    )
    report = load_files(store, [nodes, links], vintage="2026-11")
    assert [f.format for f in report.files] == ["nodes", "links"]
    hartlepool = store.get_node("E06000001")
    assert hartlepool is not None
    assert hartlepool.attrs == {
        "council_type": "unitary",
        "nation": "england",
        "official_name": "Hartlepool Borough Council",
    }
    assert hartlepool.valid_from == date(1996, 4, 1)
    assert [str(s) for s in hartlepool.sources] == ["my-register@2026"]
    tees = store.get_node("E47000006")
    assert tees is not None and [str(s) for s in tees.sources] == ["nodes.csv@2026-11"]
    (link,) = store.links_of("E47000006")
    assert link.role == "constituent" and link.valid_at(date(2020, 1, 1))
    assert not link.valid_at(date(2015, 1, 1))


def test_borders_given_either_way_round_are_one_link(store: NetworkXStore, tmp_path: Path) -> None:
    nodes = write(tmp_path / "n.csv", "id,kind,name\nE06000001,council,A\nE06000004,council,B\n")
    links = write(
        tmp_path / "l.csv",
        "from_id,kind,to_id\nE06000004,borders,E06000001\nE06000001,borders,E06000004\n",
    )
    load_files(store, [nodes, links])
    assert [k.key for k in store.iter_links()] == [("E06000001", LinkKind.BORDERS, "E06000004")]
