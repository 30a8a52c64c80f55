"""The ``partnermap`` command line, run as a user runs it."""

from __future__ import annotations

import gc
import json
from pathlib import Path

from conftest import run_cli

from api.cli.commands import YOUNG_OBJECTS, tune_gc


def test_stats_table_and_json(loaded_home: Path) -> None:
    table = run_cli(loaded_home, "stats")
    assert table.returncode == 0
    assert "council" in table.stdout and "382" in table.stdout
    everything = json.loads(run_cli(loaded_home, "stats", "--all", "--json").stdout)
    assert everything["nodes"]["council"] == 456 and everything["as_at"] is None
    past = json.loads(run_cli(loaded_home, "stats", "--at", "2022-06-01", "--json").stdout)
    assert past["nodes"]["council"] == 398 and "succeeded_by" not in past["links"]


def test_stats_of_an_empty_store(home: Path) -> None:
    result = run_cli(home, "stats", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["nodes"] == {}


def test_show_text(loaded_home: Path) -> None:
    result = run_cli(loaded_home, "show", "E08000035")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "E08000035  Leeds  (council)"
    assert any("official_name  Leeds City Council" in line for line in lines)
    assert any(
        "member_of" in line
        and "E47000003" in line
        and "[constituent, valid_from 2014-04-01]" in line
        for line in lines
    )
    assert any("borders" in line and "Bradford" in line and "km" in line for line in lines)


def test_show_json(loaded_home: Path) -> None:
    view = json.loads(run_cli(loaded_home, "show", "E10000006", "--json").stdout)
    assert view["node"]["name"] == "Cumbria"
    assert view["node"]["valid_to"] == "2023-03-31"
    heirs = {k["other"]["name"] for k in view["links"] if k["kind"] == "succeeded_by"}
    assert heirs == {"Cumberland", "Westmorland and Furness"}


def test_show_unknown_id_suggests(loaded_home: Path) -> None:
    result = run_cli(loaded_home, "show", "sheffield")
    assert result.returncode == 1
    assert "no node with id 'sheffield'" in result.stderr
    assert "did you mean E08000039 (Sheffield)" in result.stderr
    by_old_code = run_cli(loaded_home, "show", "E08000019")
    assert "E08000039 (Sheffield)" in by_old_code.stderr


def test_load_json_report(home: Path) -> None:
    report = json.loads(run_cli(home, "load", "--json").stdout)
    assert report["stored"] is True
    nodes_file, links_file, *partnerships = report["files"]
    scenarios = partnerships[6:]
    assert len(scenarios) == 15 and {f["format"] for f in scenarios} == {"scenarios"}
    assert all(f["nodes"] == {"created": 1, "updated": 0, "unchanged": 0} for f in scenarios)
    assert [f["format"] for f in partnerships[:6]] == [
        "public-bodies",
        "buying-organisations",
        "buying-organisation-owners",
        "shared-services",
        "joint-procurements",
        "buying-organisation-users",
    ]
    assert nodes_file["format"] == "nodes" and nodes_file["rows_taken"] == 494
    assert links_file["links"] == {"created": 2462, "updated": 0, "unchanged": 0}


def test_help_names_every_command(home: Path) -> None:
    result = run_cli(home, "--help")
    for command in ("load", "stats", "show", "serve"):
        assert command in result.stdout


def test_serving_keeps_full_collections_off_requests() -> None:
    """``serve`` collects the youngest objects every ``YOUNG_OBJECTS`` allocations, not 700,
    and freezes what was made before it serves (the bench's p99 is where this shows)."""
    before = gc.get_threshold()
    try:
        tune_gc()
        assert gc.get_threshold() == (YOUNG_OBJECTS, *before[1:])
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
