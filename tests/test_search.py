"""Search finds what people type: known answers on the bundled graph, with mySociety's name
variants as the API passes them, and the filters exactly as ``graph.queries.search_nodes``."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from graph import InvalidInput, NetworkXStore, NodeKind, NotFound, node_with_links
from graph.queries import search_nodes
from graph.search import MARGIN, MIN_SCORE, SearchRow, _Names, _Scorer, _words, search
from loaders.resolve import names_file, read_variants


@pytest.fixture(scope="module")
def store(bundled_home: Path) -> NetworkXStore:
    return NetworkXStore(bundled_home)


@pytest.fixture(scope="module")
def rows(store: NetworkXStore) -> list[SearchRow]:
    return store.search_rows(date.today())


@pytest.fixture(scope="module")
def variants() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, node in read_variants(names_file()):
        found.setdefault(node, []).append(name)
    return found


def ids(rows: list[SearchRow], variants: dict[str, list[str]], q: str, **filters: str) -> list[str]:
    return [item["id"] for item in search(rows, variants, q=q, **filters)]


def test_a_full_name_finds_that_node_alone(
    rows: list[SearchRow], variants: dict[str, list[str]]
) -> None:
    assert ids(rows, variants, "leeds city council") == ["E08000035"]  # the official name
    assert ids(rows, variants, "Leeds") == ["E08000035"]
    assert ids(rows, variants, "Hull City Council") == ["E06000010"]  # a name variant
    assert ids(rows, variants, "Kingston Upon Hull UA") == ["E06000010"]
    assert ids(rows, variants, "Barking & Dagenham") == ["E09000002"]  # "&" is "and"
    st_helens = ids(rows, variants, "St Helens")  # St. Helens, then arrangements naming it
    assert st_helens[0] == "E08000013" and all(i.startswith("ss:") for i in st_helens[1:])
    assert ids(rows, variants, "Scotland Excel") == ["bo:scotland-excel"]
    assert ids(rows, variants, "no such place") == []


def test_words_in_any_order_and_prefixes(
    rows: list[SearchRow], variants: dict[str, list[str]]
) -> None:
    assert ids(rows, variants, "north york")[:2] == ["E06000065", "E47000012"]
    assert ids(rows, variants, "Yorkshire North")[0] == "E06000065"
    assert ids(rows, variants, "york north")[0] == "E06000065"
    assert ids(rows, variants, "Leicesters")[0] == "E10000018"  # Leicestershire
    assert ids(rows, variants, "leeds city counc") == ["E08000035"]  # still typing
    assert ids(rows, variants, "crown commercial") == ["bo:ccs"]  # its full name
    york = ids(rows, variants, "york")
    assert york[0] == "E06000014"  # York itself, then every name with a word starting "york"
    assert {"E06000065", "E12000003", "E47000012"} <= set(york)


def test_small_typos(rows: list[SearchRow], variants: dict[str, list[str]]) -> None:
    # Lancashire the county, then Lancashire the combined county authority (same name: by id)
    assert ids(rows, variants, "Lancashre")[:3] == ["E10000017", "E47000018", "E07000127"]
    assert ids(rows, variants, "Manchestr")[:2] == ["E08000003", "E47000001"]
    assert ids(rows, variants, "Leeds Citty Council") == ["E08000035"]
    assert ids(rows, variants, "Nottinghmshire")[0] == "E10000024"


def test_ids_and_former_codes(rows: list[SearchRow], variants: dict[str, list[str]]) -> None:
    assert ids(rows, variants, "E08000035") == ["E08000035"]
    assert ids(rows, variants, "e08000035") == ["E08000035"]
    assert ids(rows, variants, "E08000016") == ["E08000038"]  # Barnsley's former code
    assert ids(rows, variants, "bo:espo") == ["bo:espo"]
    started = search(rows, variants, q="E0800003")  # the start of an id: E08000030-39, by name
    assert {s["id"] for s in started} == {f"E0800003{i}" for i in range(10)}
    assert [s["name"] for s in started] == sorted(s["name"] for s in started)
    assert ids(rows, variants, "ss:3c-ict") == ["ss:3c-ict"]


def test_arrangements_by_what_people_call_them(
    rows: list[SearchRow], variants: dict[str, list[str]]
) -> None:
    """Named "EK Services (East Kent shared services: ICT, HR, ...)" and "3C ICT Shared
    Service (Cambridge, Huntingdonshire, South Cambridgeshire)" in the bundled register."""
    assert ids(rows, variants, "East Kent Services")[0] == "ss:east-kent-services"
    assert ids(rows, variants, "3C Shared Services")[0] == "ss:3c-ict"
    assert ids(rows, variants, "3c ict")[0] == "ss:3c-ict"
    waste = ids(rows, variants, "east kent waste")  # the partnership's agreements ended in 2021
    assert waste[0] == "jp:east-kent-dover-shepway-waste-collection"  # its contract goes on


def test_the_filters_are_those_of_search_nodes(store: NetworkXStore, rows: list[SearchRow]) -> None:
    """Every value of every filter gives the nodes ``search_nodes`` gives on the whole graph,
    in the same order, each with the same values for the fields search returns."""
    G = store.graph(date.today())
    values = {
        "kind": sorted(map(str, NodeKind)),
        "council_type": sorted({r.council_type for r in rows if r.council_type}),
        "region": sorted({r.region for r in rows if r.region}),
        "combined_authority": sorted({c for r in rows for c in r.combined_authorities}),
        "county": sorted({c for r in rows for c in r.counties}),
    }
    assert [len(v) for v in values.values()] == [11, 8, 13, 22, 21]
    for name, options in values.items():
        for value in options:
            expected = search_nodes(G, {}, **{name: value})
            found = search(rows, {}, **{name: value})
            assert [f["id"] for f in found] == [e["id"] for e in expected], (name, value)
            for f, e in zip(found, expected, strict=True):
                assert f == {k: e[k] for k in f}
    assert len(search(rows, {})) == len(rows) == len(search_nodes(G, {}))
    assert search(rows, {}, q="   ") == search(rows, {})


def test_filters_and_a_query_together(
    rows: list[SearchRow], variants: dict[str, list[str]]
) -> None:
    assert ids(rows, variants, "hampshire", council_type="district") == ["E07000085"]
    assert ids(rows, variants, "hampshire", kind="council")[:2] == ["E10000014", "E07000085"]
    assert ids(rows, variants, "test valley", county="E10000014") == ["E07000093"]
    assert ids(rows, variants, "test valley", county="E10000003") == []
    assert ids(rows, variants, "leeds", combined_authority="E47000003") == ["E08000035"]
    assert ids(rows, variants, "leeds", region="E12000004") == []
    yorkshire = ids(rows, variants, "yorkshire", kind="combined_authority")
    assert sorted(yorkshire) == ["E47000002", "E47000003", "E47000012", "E47000016"]


def test_items_keep_the_shape_of_search_nodes(
    rows: list[SearchRow], variants: dict[str, list[str]]
) -> None:
    leeds = search(rows, variants, q="leeds city council")[0]
    assert leeds == {"id": "E08000035", "name": "Leeds", "kind": "council",
                     "official_name": "Leeds City Council",
                     "council_type": "metropolitan_district"}  # fmt: skip
    barnsley = search(rows, variants, q="Barnsley")
    assert barnsley[0]["former_codes"] == "E08000016"
    assert barnsley[1]["id"] == "jp:bdr-waste-pfi"  # Barnsley, Doncaster and Rotherham ...
    ccs = search(rows, variants, q="CCS")[0]
    assert ccs == {"id": "bo:ccs", "name": "CCS", "kind": "buying_organisation",
                   "full_name": "Crown Commercial Service"}  # fmt: skip
    with pytest.raises(InvalidInput, match="unknown kind 'county'"):
        search(rows, variants, kind="county")


def test_the_same_answer_every_time(rows: list[SearchRow], variants: dict[str, list[str]]) -> None:
    first = search(rows, variants, q="shared services")
    assert len(first) > 5
    assert search(list(reversed(rows)), variants, q="shared services") == first
    assert search(rows, {k: list(v) for k, v in variants.items()}, q="shared services") == first


def test_an_unknown_id_gets_the_closest_nodes(store: NetworkXStore) -> None:
    with pytest.raises(NotFound) as typed:
        node_with_links(store, "north yorks")
    assert typed.value.hint.startswith("did you mean E06000065 (North Yorkshire), ")
    with pytest.raises(NotFound) as ended:
        node_with_links(store, "cumbria")  # abolished in 2023: suggested all the same
    assert ended.value.hint.startswith("did you mean E10000006 (Cumbria), ca:cumbria (Cumbria)")
    with pytest.raises(NotFound) as nothing:
        node_with_links(store, "xyzzy")
    assert nothing.value.hint.startswith("ids are GSS codes")


def full_scan(rows: list[SearchRow], variants: dict[str, list[str]], q: str) -> list[str]:
    """What search lists when it scores every row (no candidate index), by its own rules."""
    scorer = _Scorer(_words(q), _Names(rows, variants))
    scored = [(scorer.row(r), r) for r in rows]
    keep = max(MIN_SCORE, max((s for s, _ in scored), default=0.0) - MARGIN)
    ranked = sorted(((s, r) for s, r in scored if s >= keep),
                    key=lambda x: (-x[0], x[1].name.casefold(), x[1].id))  # fmt: skip
    return [r.id for _, r in ranked]


def test_scoring_only_the_candidates_lists_what_scoring_every_row_lists(
    loaded: NetworkXStore,
) -> None:
    """Search scores only the rows that have a word like the query's rarest (or a code it
    starts); on thousands of queries made from the real names (whole, reversed, cut short at
    every length, with a letter dropped or changed) it lists exactly what a full scan does."""
    rows = loaded.search_rows(date.today())
    variants: dict[str, list[str]] = {}
    for name, node in read_variants(names_file()):
        variants.setdefault(node, []).append(name)
    rng = random.Random(7)
    names = [r.name for r in rows] + [n for ns in variants.values() for n in ns]
    queries = ["E0800003", "E08000016", "north york", "Lancashre", "x", "e", "E0", "council"]
    for name in rng.sample(names, 300):
        cut = rng.randrange(1, len(name))
        queries += [name, " ".join(reversed(name.split())), name[:cut],
                    name[:cut] + name[cut + 1 :], name[:cut] + "x" + name[cut + 1 :]]  # fmt: skip
    for q in queries:
        assert [n["id"] for n in search(rows, variants, q=q)] == full_scan(rows, variants, q), q
