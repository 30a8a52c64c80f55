"""Reorganisation and devolution scenarios: known answers on the real data (Surrey's two
unitaries and their populations, the arrangements Surrey's boundary splits and absorbs,
Norfolk's divided districts, the incomplete Essex proposal, Hampshire and the Solent's island),
the legal tests failing where they should, bad scenario files refused with the place of each
problem, the options compared, the graph as if a scenario had happened, and both backends."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import Neo4jServer, run_cli
from fastapi.testclient import TestClient

from api.http import create_app
from graph import LoaderError, LoadRejected, NetworkXStore, Settings, open_store
from graph.analysis import ANALYSES
from graph.what_if import applied_graph, compare, report, scenario_rows, scenarios_named
from loaders import load_bundled, load_files

DEFAULTS = {"unitary_min": 500_000, "sa_min": 1_500_000}
WEST_SURREY = {"E07000209", "E07000212", "E07000213", "E07000214", "E07000216", "E07000217"}
EAST_SURREY = {"E07000207", "E07000208", "E07000210", "E07000211", "E07000215"}


def judged(store: Any, name: str, **given: Any) -> dict[str, Any]:
    [scenario] = scenarios_named(store, [name])
    return report(scenario, store.graph, None, {**DEFAULTS, **given})


def test_surrey_two_unitaries_known_answers(loaded: NetworkXStore) -> None:
    r = judged(loaded, "surrey-two-unitaries")
    assert r["as_at"] == date.today().isoformat()  # vesting 1 April 2027 is still to come
    west, east = r["new_councils"]
    assert (west["name"], west["population"]) == ("West Surrey", 685_006)  # ONS mid-2024
    assert (east["name"], east["population"]) == ("East Surrey", 563_643)
    assert {p["id"] for p in west["predecessors"]} == WEST_SURREY
    assert {p["id"] for p in east["predecessors"]} == EAST_SURREY
    assert r["summary"] == {"passed": True, "failed": [], "unknown": []}
    assert [t["test"] for t in west["tests"]] == ["whole_councils", "contiguity", "population"]
    joint = r["joint_working"]
    split = {e["id"]: e for e in joint["split"]}
    jws = split["ss:joint-waste-solutions"]  # Elmbridge, Mole Valley | Surrey Heath, Woking
    assert {p["id"]: p["becomes"] for p in jws["partners"]} == {
        "E07000207": ["new:east-surrey"], "E07000210": ["new:east-surrey"],
        "E07000214": ["new:west-surrey"], "E07000217": ["new:west-surrey"],
    }  # fmt: skip
    assert "Elmbridge and Mole Valley go to East Surrey" in jws["reason"]
    assert "Surrey is divided between East Surrey and West Surrey" in split["ss:orbis"]["reason"]
    assert [e["id"] for e in joint["absorbed"]] == ["ss:guildford-waverley"]
    cohesion = r["cohesion"]
    assert cohesion["internal"] > 0 and cohesion["cut"] > 0
    assert cohesion["kept_share"] == round(
        cohesion["internal"] / (cohesion["internal"] + cohesion["cut"]), 3
    )
    assert west["cohesion"]["cut"] == east["cohesion"]["cut"] == cohesion["cut"]


def test_thresholds_are_parameters(loaded: NetworkXStore) -> None:
    r = judged(loaded, "surrey-two-unitaries", unitary_min=600_000)
    assert r["summary"]["failed"] == ["East Surrey: population"]
    [test] = [t for t in r["new_councils"][1]["tests"] if t["test"] == "population"]
    assert test["detail"] == "563,643 against the new unitary threshold of 600,000"
    devolution = judged(loaded, "sa-greater-essex", sa_min=2_000_000)
    assert devolution["summary"]["failed"] == [
        "Greater Essex Combined County Authority: population"
    ]
    assert devolution["strategic_authorities"][0]["population"] == 1_929_610


def test_divided_districts_unknown_populations_and_divided_pbo_ownership(
    loaded: NetworkXStore,
) -> None:
    r = judged(loaded, "norfolk-three-unitaries")
    failed = r["summary"]["failed"]
    assert "Greater Norwich City: whole_councils" in failed
    assert all(f.endswith("whole_councils") for f in failed)
    assert r["summary"]["unknown"] == [f"{c['name']}: population" for c in r["new_councils"]]
    norwich = r["new_councils"][0]
    [people] = [t for t in norwich["tests"] if t["test"] == "population"]
    assert people["detail"].startswith("at least 147,182 against")  # Norwich alone is counted
    assert {p["id"] for p in norwich["parts"]} == {"E07000144", "E07000149"}
    [espo] = r["joint_working"]["pbo_ownership_divided"]
    assert espo["id"] == "bo:espo" and espo["owner"]["id"] == "E10000020"
    assert len(espo["between"]) == 3
    assert {e["id"] for e in r["joint_working"]["split"]} >= {"ss:broadland-south-norfolk"}


def test_a_scenario_that_leaves_councils_unassigned_says_which(loaded: NetworkXStore) -> None:
    r = judged(loaded, "essex-four-unitaries-thurrock")
    [covers] = r["tests"]
    assert covers["test"] == "covers_abolished" and covers["outcome"] == "fail"
    assert len(covers["unassigned"]) == 10
    assert "E06000033" in {u["id"] for u in covers["unassigned"]}  # Southend-on-Sea
    assert r["joint_working"]["undecided"]
    assert "Thurrock, Brentwood, Epping Forest and Harlow: population" in r["summary"]["failed"]


def test_an_enacted_authority_is_judged_on_the_day_before_with_its_island(
    loaded: NetworkXStore,
) -> None:
    r = judged(loaded, "sa-hampshire-solent")
    assert r["as_at"] == "2026-06-03"  # in force 4 June 2026: judged on the graph it changed
    [authority] = r["strategic_authorities"]
    contiguity = next(t for t in authority["tests"] if t["test"] == "contiguity")
    assert contiguity["outcome"] == "pass"
    assert [i["id"] for i in contiguity["islands"]] == ["E06000046"]  # the Isle of Wight
    assert "islands (no land boundary): Isle of Wight" in contiguity["detail"]
    assert r["summary"]["passed"] is True and authority["population"] > 1_500_000
    [scenario] = scenarios_named(loaded, ["sa-hampshire-solent"])
    since = report(scenario, loaded.graph, date(2026, 7, 1), DEFAULTS)  # the day asked for
    assert since["as_at"] == "2026-07-01"
    [s103] = [t for t in since["strategic_authorities"][0]["tests"]
              if t["test"] == "one_combined_authority_each"]  # fmt: skip
    assert s103["outcome"] == "fail" and "Hampshire and the Solent" in s103["detail"]


def write_scenario(folder: Path, name: str, body: dict[str, Any]) -> Path:
    data = {"id": name, "name": name, "kind": "devolution", "status": "proposed",
            "source_url": "https://example.org/test", "verified": "no", **body}  # fmt: skip
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def test_the_legal_tests_fail_where_the_law_says(loaded: NetworkXStore, tmp_path: Path) -> None:
    """Bolton is in Greater Manchester (s103); Cornwall and Herefordshire do not touch; a
    district named without its county."""
    path = write_scenario(tmp_path, "test-unlawful", {"strategic_authorities": [{
        "id": "new:sa-test", "name": "Unlawful", "type": "cca",
        "members": ["E08000001", "E06000052", "E06000019", "E07000207"]}]})  # fmt: skip
    load_files(loaded, [path])
    [authority] = judged(loaded, "test-unlawful")["strategic_authorities"]
    outcome = {t["test"]: t for t in authority["tests"]}
    assert outcome["one_combined_authority_each"]["outcome"] == "fail"
    assert "Greater Manchester" in outcome["one_combined_authority_each"]["detail"]
    assert [a["id"] for a in outcome["one_combined_authority_each"]["in_other"]] == ["E08000001"]
    assert outcome["contiguity"]["outcome"] == "fail"
    assert len(outcome["contiguity"]["pieces"]) == 4
    assert outcome["whole_councils"]["outcome"] == "fail"
    assert "Elmbridge without its county" in outcome["whole_councils"]["detail"]


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        ({"new_councils": [{"id": "new:x", "name": "X", "vesting": "2028-04-01",
                            "predecessors": ["E07000163"]}]},  # Craven, abolished 2023
         "new_councils[0].predecessors: E07000163 (Craven) did not exist on", None),
        ({"new_councils": [{"id": "new:x", "name": "X", "predecessors": ["E07000207"],
                            "colour": "red"}]}, "new_councils[0]: unknown field colour", 15),
        ({"new_councils": [{"id": "new:x", "name": "X", "predecessors": ["E07000207"]},
                           {"id": "new:y", "name": "Y", "predecessors": ["E07000207"]}]},
         "E07000207 is wholly in both new:x and new:y", 17),
        ({"status": "imagined", "new_councils": []}, "status: 'imagined' is not one of", 5),
        ({"strategic_authorities": [{"id": "new:s", "name": "S", "type": "cca",
                                     "members": ["new:nowhere"]}]},
         "new:nowhere is none of this scenario's new councils", 14),
    ],
)  # fmt: skip
def test_bad_scenario_files_are_refused_saying_where(
    loaded: NetworkXStore, tmp_path: Path, body: dict[str, Any], message: str, line: int | None
) -> None:
    path = write_scenario(tmp_path, "test-bad", body)
    version = loaded.data_version()
    with pytest.raises(LoadRejected) as caught:
        load_files(loaded, [path])
    [problem] = caught.value.problems
    assert problem.file == str(path) and message in problem.reason
    assert "README" in problem.reason or "did not exist" in problem.reason
    if line is not None:
        assert problem.line == line, path.read_text().splitlines()[line - 1]
    assert loaded.data_version() == version and loaded.get_node("sc:test-bad") is None


def test_a_file_that_is_not_json_names_its_line(loaded: NetworkXStore, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "new_councils": [\n    {"id": "new:x",,}\n  ]\n}\n', encoding="utf-8")
    with pytest.raises(LoaderError, match=r"broken.json:3: not valid JSON"):
        load_files(loaded, [path])


def test_compare_and_apply(loaded: NetworkXStore) -> None:
    chosen = scenarios_named(
        loaded, ["essex-three-unitaries", "essex-five-unitaries", "essex-four-unitaries-rochford"]
    )
    result = compare(chosen, loaded.graph, None, DEFAULTS)
    assert result["same_area"] is True and result["areas"] == ["E10000012"]
    rows = {row["id"]: row for row in result["scenarios"]}
    assert rows["essex-three-unitaries"]["tests_passed"] is True
    assert len(rows["essex-five-unitaries"]["failed"]) == 4  # four of five under 500,000
    best = max(rows.values(), key=lambda row: row["kept_share"])
    assert result["keeps_most"] == best["id"]
    populations = [sum(b["population"] for b in row["bodies"]) for row in rows.values()]
    assert len(set(populations)) == 1  # the same 15 councils, counted once each
    [surrey] = scenarios_named(loaded, ["surrey-two-unitaries"])
    _, H, changes = applied_graph(surrey, loaded.graph, None)
    assert changes["nodes_before"]["council"] - changes["nodes_after"]["council"] == 10
    assert {n["id"] for n in changes["added"]} == {"new:west-surrey", "new:east-surrey"}
    assert "E07000209" not in H and H.nodes["new:west-surrey"]["population"] == 685_006
    assert H.has_edge("new:west-surrey", "ss:orbis", "partner_in")  # Surrey CC's, passed on
    assert H.has_edge("new:east-surrey", "ss:orbis", "partner_in")
    clusters = ANALYSES["clusters"]
    found = clusters.compute(H, clusters.arguments({}))
    members = {m["id"] for c in found["clusters"] for m in c["members"]}
    assert "new:west-surrey" in members and "E10000030" not in members


def test_cli(loaded_home: Path) -> None:
    listed = json.loads(run_cli(loaded_home, "scenarios", "--json").stdout)
    assert len(listed) == 15 and {r["status"] for r in listed} == {"proposed", "decided",
                                                                   "enacted"}  # fmt: skip
    text = run_cli(loaded_home, "scenario", "surrey-two-unitaries")
    assert text.returncode == 0, text.stderr
    assert "West Surrey (new:west-surrey, from 2027-04-01): population 685,006" in text.stdout
    assert "split (6)" in text.stdout and "absorbed (1)" in text.stdout
    compared = run_cli(loaded_home, "scenario", "compare", "norfolk-one-unitary",
                       "norfolk-two-unitaries", "norfolk-three-unitaries")  # fmt: skip
    assert compared.returncode == 0 and "keeps most of today's working" in compared.stdout
    applied = run_cli(loaded_home, "scenario", "apply", "surrey-two-unitaries")
    assert "council                 382 ->    372" in applied.stdout
    on_it = run_cli(loaded_home, "recommend", "new:east-surrey", "--scenario",
                    "surrey-two-unitaries", "--json")  # fmt: skip
    assert on_it.returncode == 0, on_it.stderr
    assert json.loads(on_it.stdout)["scenario"] == "surrey-two-unitaries"
    drawn = run_cli(loaded_home, "map", "--scenario", "surrey-two-unitaries", "--out",
                    str(loaded_home.parent / "surrey.html"))  # fmt: skip
    assert drawn.returncode == 0, drawn.stderr
    page = (loaded_home.parent / "surrey.html").read_text(encoding="utf-8")
    assert "West Surrey" in page and "population: 685,006" in page
    assert "scenario: surrey-two-unitaries" in page and "council E07000209" not in page
    missing = run_cli(loaded_home, "scenario", "nowhere")
    assert missing.returncode == 1 and "no scenario 'nowhere'" in missing.stderr
    lonely = run_cli(loaded_home, "scenario", "compare", "surrey-two-unitaries")
    assert lonely.returncode == 1 and "two or more" in lonely.stderr


def test_api(loaded_home: Path) -> None:
    with TestClient(create_app(Settings(home=loaded_home))) as api:
        assert len(api.get("/scenarios").json()) == 15
        surrey = api.get("/scenarios/surrey-two-unitaries").json()
        assert [c["population"] for c in surrey["new_councils"]] == [685_006, 563_643]
        stricter = api.get("/scenarios/surrey-two-unitaries", params={"unitary_min": 600_000})
        assert stricter.json()["summary"]["failed"] == ["East Surrey: population"]
        compared = api.get(
            "/scenarios/compare", params={"ids": ["essex-three-unitaries", "essex-five-unitaries"]}
        )
        assert compared.status_code == 200 and compared.json()["same_area"] is True
        assert api.get("/scenarios/compare", params={"ids": ["surrey-two-unitaries"]}
                       ).status_code == 422  # fmt: skip
        assert api.get("/scenarios/nowhere").status_code == 404
        applied = api.get("/scenarios/surrey-two-unitaries/applied").json()
        assert applied["nodes_after"]["council"] == 372
        clusters = api.get("/clusters", params={"scenario": "surrey-two-unitaries"}).json()
        assert clusters["scenario"] == "surrey-two-unitaries"
        ids = {m["id"] for c in clusters["clusters"] for m in c["members"]}
        assert "new:east-surrey" in ids and "E07000207" not in ids


def test_both_backends_judge_alike(neo4j_server: Neo4jServer, loaded: NetworkXStore) -> None:
    neo4j_server.wipe()
    with open_store(neo4j_server.settings()) as neo:
        load_bundled(neo)
        assert scenario_rows(neo) == scenario_rows(loaded)
        for name in ("surrey-two-unitaries", "norfolk-three-unitaries", "sa-hampshire-solent"):
            assert judged(neo, name) == judged(loaded, name)
