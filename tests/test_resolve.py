"""The name resolver, measured on mySociety's file of real council name variants."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date

import pytest
from conftest import FIXTURES

from graph import NetworkXStore
from loaders.resolve import Resolver, names_file, normalised, read_variants

REFERENCE = FIXTURES / "reference"
WRITTEN = date(2022, 6, 27)
"""When mySociety's variants file was written: its names are resolved as at that day."""


def variant_cases(store: NetworkXStore) -> list[tuple[str, str]]:
    """(name as written, the council's current GSS code) for every variant of a council we have."""
    with (REFERENCE / "mysociety_uk_local_authorities.csv").open(encoding="utf-8-sig") as f:
        gss = {r["local-authority-code"]: r["gss-code"] for r in csv.DictReader(f)}
    current = store.former_codes()
    ids = {n.id for n in store.iter_nodes()}
    cases = []
    with (REFERENCE / "mysociety_lookup_name_to_registry.csv").open(encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            code = gss.get(row["local-authority-code"], "")
            code = current.get(code, code)
            if code in ids:
                cases.append((row["la-name"], code))
    return cases


def score(resolver: Resolver, cases: list[tuple[str, str]]) -> Counter[str]:
    outcome: Counter[str] = Counter()
    for name, expected in cases:
        found = resolver.resolve(name, at=WRITTEN)
        if found.id is None:
            outcome["refused"] += 1
        else:
            outcome["right" if found.id == expected else "wrong"] += 1
    return outcome


def test_resolver_without_the_variants_file(loaded: NetworkXStore) -> None:
    """ONS and official names, the normaliser and the fuzzy fallback alone, on unseen variants."""
    cases = variant_cases(loaded)
    assert len(cases) > 1500
    outcome = score(Resolver.build(loaded.iter_nodes()), cases)
    right, refused = outcome["right"] / len(cases), outcome["refused"] / len(cases)
    print(f"\nwithout variants: {right:.1%} right, {refused:.1%} refused, {outcome['wrong']} wrong")
    assert outcome["wrong"] == 0  # never a wrong council: refuse instead
    assert right > 0.88


def test_resolver_with_the_bundled_variants(loaded: NetworkXStore) -> None:
    cases = variant_cases(loaded)
    resolver = Resolver.build(loaded.iter_nodes(), read_variants(names_file()))
    outcome = score(resolver, cases)
    assert outcome["wrong"] == 0
    assert outcome["right"] / len(cases) > 0.99


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Leeds City Council", "E08000035"),
        ("LEEDS CITY COUNCIL.", "E08000035"),
        ("E08000016", "E08000038"),  # Barnsley's former code
        ("Kingston upon Hull City Council", "E06000010"),
        ("Bristol City Council", "E06000023"),
        ("Durham County Council", "E06000047"),
        ("City of London Corporation", "E09000001"),
        ("Rhondda Cynon Taf County Borough Council", "W06000016"),
        ("Stoke on Trent City Council", "E06000021"),
    ],
)
def test_names_people_write(loaded: NetworkXStore, text: str, expected: str) -> None:
    resolver = Resolver.build(loaded.iter_nodes(), read_variants(names_file()))
    assert resolver.resolve(text).id == expected


def test_ambiguous_and_unknown_names_are_refused(loaded: NetworkXStore) -> None:
    resolver = Resolver.build(loaded.iter_nodes(), read_variants(names_file()))
    unknown = resolver.resolve("Ministry of Magic")
    assert unknown.id is None and unknown.how == "unknown"
    lancashire = resolver.resolve("Lancashire")  # the county council or the CCA
    assert lancashire.id is None and lancashire.how == "ambiguous"
    assert set(lancashire.candidates) == {"E10000017 (Lancashire)", "E47000018 (Lancashire)"}
    # A name shared by an abolished body and a current one: the current one, unless dated.
    assert resolver.resolve("North Yorkshire").id == "E06000065"
    assert resolver.resolve("North Yorkshire", at=date(2020, 1, 1)).id == "E10000023"
    assert normalised("The Royal Borough of Windsor & Maidenhead") == "windsor and maidenhead"
