"""The graph as it was on any day since 2015: councils and combined authorities the day before
and the day after each reorganisation, on every backend."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import run_cli

from graph import GraphStore, LinkKind, NetworkXStore, node_with_links
from graph.analysis import ANALYSES
from graph.errors import LoadRejected
from loaders import load_bundled, load_files
from loaders.buyers import resolver_for, successors_in

DAY = timedelta(days=1)

REORGANISATIONS = [
    # (vesting day, councils abolished that day, councils created that day)
    (
        date(2015, 4, 1),
        {f"snac:95{c}" for c in "abcdefghijklmnopqrstuvwxyz"},
        {f"N090000{n:02d}" for n in range(1, 12)},
    ),
    (
        date(2019, 4, 1),
        {
            "E10000009", "E06000028", "E06000029", "E07000048", "E07000049", "E07000050",
            "E07000051", "E07000052", "E07000053", "E07000201", "E07000204", "E07000205",
            "E07000206", "E07000190", "E07000191",
        },
        {"E06000058", "E06000059", "E07000244", "E07000245", "E07000246"},
    ),
    (
        date(2020, 4, 1),
        {"E10000002", "E07000004", "E07000005", "E07000006", "E07000007"},
        {"E06000060"},
    ),
    (
        date(2021, 4, 1),
        {"E10000021", *(f"E07000{n}" for n in range(150, 157))},
        {"E06000061", "E06000062"},
    ),
    (
        date(2023, 4, 1),
        {
            "E10000006", "E10000023", "E10000027", "E07000026", "E07000027", "E07000028",
            "E07000029", "E07000030", "E07000031", "E07000163", "E07000164", "E07000165",
            "E07000166", "E07000167", "E07000168", "E07000169", "E07000187", "E07000188",
            "E07000189", "E07000246",
        },
        {"E06000063", "E06000064", "E06000065", "E06000066"},
    ),
]  # fmt: skip

COMBINED_AUTHORITIES = [
    # (day it began, authorities ended the day before, authorities begun, members of the new)
    (date(2014, 4, 15), set(), {"E47000005"}, 7),
    (date(2016, 6, 17), set(), {"E47000007"}, 7),
    (date(2018, 11, 2), {"E47000005"}, {"E47000010", "E47000011"}, 4 + 3),
    (date(2024, 5, 7), {"E47000010", "E47000011"}, {"E47000014"}, 7),
    (date(2026, 2, 24), set(), {"ca:cheshire-and-warrington", "ca:cumbria"}, 3 + 2),
]


def councils(store: GraphStore, day: date) -> set[str]:
    return {n.id for n in store.iter_nodes() if n.kind == "council" and n.valid_at(day)}


def members(store: GraphStore, day: date, authorities: set[str]) -> set[tuple[str, str]]:
    G = store.graph(day)
    return {
        (u, v) for u, v, k in G.edges(keys=True) if k == LinkKind.MEMBER_OF and v in authorities
    }


@pytest.mark.parametrize(("day", "gone", "new"), REORGANISATIONS, ids=lambda v: str(v)[:10])
def test_councils_the_day_before_and_the_day_after(
    loaded: NetworkXStore, day: date, gone: set[str], new: set[str]
) -> None:
    before, after = councils(loaded, day - DAY), councils(loaded, day)
    assert before - after == gone
    assert after - before == new
    assert loaded.stats(day - DAY).nodes["council"] - loaded.stats(day).nodes["council"] == (
        len(gone) - len(new)
    )
    for old in gone:  # every abolished council names who took it over, from that day
        heirs = [
            k for k in loaded.links_of(old) if k.kind is LinkKind.SUCCEEDED_BY and k.from_id == old
        ]
        assert heirs and all(k.valid_from == day and k.to_id in new for k in heirs), old


def test_council_counts_over_the_years(loaded: NetworkXStore) -> None:
    """418 councils in 2015-2019 (353 English, 22 Welsh, 32 Scottish, 11 NI), 382 today."""
    counts = {d: loaded.stats(date(*d)).nodes["council"] for d in
              [(2015, 3, 31), (2015, 4, 1), (2019, 4, 1), (2020, 4, 1), (2021, 4, 1),
               (2023, 4, 1), (2026, 12, 1)]}  # fmt: skip
    assert list(counts.values()) == [433, 418, 408, 404, 398, 382, 382]


def test_abolished_councils_have_a_place_in_the_geography(loaded: NetworkXStore) -> None:
    G = loaded.graph(date(2018, 6, 1))
    east_dorset = {v for _, v, k in G.out_edges("E07000049", keys=True) if k == "within"}
    assert east_dorset == {"E10000009", "E12000009"}  # Dorset County, South West
    borders = {v for u, v, k in G.edges(keys=True) if k == "borders" and u == "E07000049"}
    borders |= {u for u, v, k in G.edges(keys=True) if k == "borders" and v == "E07000049"}
    assert {"E07000048", "E06000029", "E07000091"} <= borders  # Christchurch, Poole, New Forest
    assert "E06000059" not in G  # Dorset Council did not exist yet
    later = loaded.graph(date(2019, 4, 1))
    assert "E07000049" not in later and later.has_edge("E06000058", "E06000059")


@pytest.mark.parametrize(
    ("day", "ended", "begun", "joined"), COMBINED_AUTHORITIES, ids=lambda v: str(v)[:10]
)
def test_combined_authorities_the_day_before_and_the_day_after(
    loaded: NetworkXStore, day: date, ended: set[str], begun: set[str], joined: int
) -> None:
    def authorities(d: date) -> set[str]:
        return {
            n.id for n in loaded.iter_nodes() if n.kind == "combined_authority" and n.valid_at(d)
        }

    before, after = authorities(day - DAY), authorities(day)
    assert before - after == ended and after - before == begun
    assert not members(loaded, day - DAY, begun)
    assert len(members(loaded, day, begun)) == joined
    assert len(members(loaded, day, ended)) == 0


def test_combined_authorities_by_year(loaded: NetworkXStore) -> None:
    """4 in 2014 before the North East's, 10 at the start of 2019, 11 at the start of 2025
    (before the four of 5 February), 18 today; and Wales's 4 corporate joint committees from
    1 April 2021."""
    counts = [loaded.stats(date(*d)).nodes["combined_authority"] for d in
              [(2014, 4, 1), (2019, 1, 1), (2025, 1, 1), (2026, 12, 1)]]  # fmt: skip
    assert counts == [4, 10, 15, 22]
    nomis = loaded.get_node("E47000012")  # York and North Yorkshire: in force 20 Dec 2023
    assert nomis is not None and nomis.valid_from == date(2023, 12, 20)
    assert str(nomis.attrs["source_url"]).startswith(
        "https://www.legislation.gov.uk/uksi/2023/1432"
    )


def test_barnsley_is_one_member_of_south_yorkshire_under_its_code_changes(
    loaded: NetworkXStore,
) -> None:
    links = [k for k in loaded.links_of("E08000038") if k.kind is LinkKind.MEMBER_OF]
    assert [(k.to_id, k.valid_from, k.valid_to) for k in links] == [
        ("E47000002", date(2014, 4, 1), None)
    ]


def test_show_at_a_day_lists_what_was_in_force(loaded: NetworkXStore) -> None:
    newcastle = node_with_links(loaded, "E08000021", date(2019, 1, 1))
    assert newcastle["existed"] is True and newcastle["as_at"] == "2019-01-01"
    authorities = {k["to_id"] for k in newcastle["links"] if k["kind"] == "member_of"}
    assert authorities == {"E47000011"}  # North of Tyne, not the 2024 North East
    gone = node_with_links(loaded, "E07000049", date(2020, 1, 1))
    assert gone["existed"] is False and gone["links"] == []
    everything = node_with_links(loaded, "E08000021")
    assert {"E47000005", "E47000011", "E47000014"} <= {k["to_id"] for k in everything["links"]}
    assert "existed" not in everything


def test_analyses_see_the_councils_of_the_day(loaded: NetworkXStore) -> None:
    clusters = ANALYSES["clusters"]
    arguments = clusters.arguments({})

    def clustered(day: date) -> set[str]:
        found = clusters.compute(clusters.fetch(loaded, day, arguments), arguments)
        return {m["id"] for c in found["clusters"] for m in c["members"]}

    then, now = clustered(date(2018, 6, 1)), clustered(date(2026, 12, 1))
    assert "E07000049" in then and "E06000059" not in then  # East Dorset, not Dorset Council
    assert "E07000049" not in now and "E06000059" in now


def test_cli_stats_and_show_at_a_day(loaded_home: Path) -> None:
    stats = json.loads(run_cli(loaded_home, "stats", "--at", "2019-01-01", "--json").stdout)
    assert stats["nodes"]["council"] == 418 and stats["nodes"]["combined_authority"] == 10
    shown = run_cli(loaded_home, "show", "E07000049", "--at", "2020-01-01")
    assert shown.returncode == 0 and "did not exist on 2020-01-01" in shown.stdout


SHARED = (
    "id,name,category,delivery_model,partners,lead,start_date,end_date,source_url,verified\n"
    "ss:test-nyorks,Test shared audit,audit,lead_authority,{partners},,2014-04-01,,"
    "https://example.org/,no\n"
)


def test_a_partner_dated_before_it_existed_is_refused_with_the_councils_of_the_time(
    loaded: NetworkXStore, tmp_path: Path
) -> None:
    bad = tmp_path / "shared_services.csv"
    bad.write_text(SHARED.format(partners="E06000065;E06000014"), encoding="utf-8")
    before = loaded.stats(None)
    with pytest.raises(LoadRejected) as e:
        load_files(loaded, [bad], fmt="shared-services")
    message = str(e.value)
    assert "shared_services.csv:2" in message
    assert "before E06000065 (North Yorkshire) existed: it began on 2023-04-01" in message
    assert "E07000163" in message and "E10000023" in message  # Craven, North Yorkshire CC
    assert loaded.stats(None) == before
    good = tmp_path / "dated.csv"
    dated = "E10000023@..2023-03-31;E06000065@2023-04-01..;E06000014"
    good.write_text(SHARED.format(partners=dated), encoding="utf-8")
    load_files(loaded, [good], fmt="shared-services")
    spans = {k.from_id: (k.valid_from, k.valid_to) for k in loaded.links_of("ss:test-nyorks")}
    assert spans == {
        "E10000023": (date(2014, 4, 1), date(2023, 3, 31)),
        "E06000065": (date(2023, 4, 1), None),
        "E06000014": (date(2014, 4, 1), None),
    }


@pytest.mark.parametrize(
    ("partners", "reason"),
    [
        ("E10000023@2023-03-31;E06000014", "give its days as @FROM..TO"),
        ("E10000023@2013-01-01..;E06000014", "joined 2013-01-01, before the start 2014-04-01"),
        ("E10000023@2020-01-01..2019-01-01;E06000014", "left 2019-01-01 before it joined"),
        ("E10000023@..31/03/2023;E06000014", "is not a date like 2023-04-01"),
    ],
)
def test_bad_partner_days(
    loaded: NetworkXStore, tmp_path: Path, partners: str, reason: str
) -> None:
    bad = tmp_path / "shared_services.csv"
    bad.write_text(SHARED.format(partners=partners), encoding="utf-8")
    with pytest.raises(LoadRejected, match=reason):
        load_files(loaded, [bad], fmt="shared-services")


def test_the_graph_of_any_day_is_the_same_on_every_backend(
    any_store: GraphStore, bundled_home: Path, tmp_path: Path
) -> None:
    load_bundled(any_store)
    for day, gone, new in REORGANISATIONS:
        assert councils(any_store, day - DAY) - councils(any_store, day) == gone
        assert councils(any_store, day) - councils(any_store, day - DAY) == new
    days = (date(2015, 3, 31), date(2018, 11, 1), date(2018, 11, 2), date(2024, 5, 7))
    seen = {
        d: (any_store.stats(d), sorted(any_store.analysis_graph(d).edges(keys=True))) for d in days
    }
    assert seen[date(2018, 11, 1)][0].nodes["combined_authority"] == 9
    assert seen[date(2018, 11, 2)][0].nodes["combined_authority"] == 10
    shutil.copytree(bundled_home, tmp_path / "reference")
    with NetworkXStore(tmp_path / "reference") as reference:
        for d, (counts, edges) in seen.items():
            assert reference.stats(d) == counts
            assert sorted(reference.analysis_graph(d).edges(keys=True)) == edges


@pytest.mark.parametrize(
    ("name", "day", "placed", "how"),
    [
        ("Richmondshire District Council", date(2020, 1, 1), "E07000166", "name"),
        ("Richmondshire District Council", date(2024, 1, 1), "E06000065", "successor"),
        ("Richmondshir District Council", date(2018, 1, 1), "E07000166", "fuzzy"),
        ("Richmondshir District Council", date(2024, 1, 1), "E06000065", "successor"),
        ("Taunton Deane Borough Council", date(2024, 1, 1), "E06000066", "successor"),  # twice
        ("Cumbria County Council", date(2024, 1, 1), None, "ambiguous"),  # went to two
        ("Leeds City Council", date(2016, 1, 1), "E08000035", "name"),
    ],
)
def test_names_are_placed_as_at_the_day(
    loaded: NetworkXStore, name: str, day: date, placed: str | None, how: str
) -> None:
    nodes = list(loaded.iter_nodes())
    resolver = resolver_for(nodes, successors=successors_in(loaded, nodes))
    found = resolver.resolve(name, day)
    assert (found.id, found.how) == (placed, how)


def test_an_answer_that_depends_on_the_day_is_not_remembered(loaded: NetworkXStore) -> None:
    nodes = list(loaded.iter_nodes())
    resolver = resolver_for(nodes, successors=successors_in(loaded, nodes))
    for name in ("Richmondshire District Council", "Richmondshir District Council"):
        assert resolver.resolve(name, date(2024, 1, 1)).id == "E06000065"
        assert resolver.resolve(name, date(2020, 1, 1)).id == "E07000166"
        assert resolver.resolve(name, date(2024, 1, 1)).id == "E06000065"
