"""Non-council buyers come from the bundled registers: placed by name (with the registers'
aliases) or by the register identifier a notice gives, under the register's id."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import NetworkXStore
from loaders.buyers import place, resolver_for
from loaders.public_bodies import identified
from loaders.registers import REGISTER_DATASET
from loaders.resolve import Resolver


@pytest.fixture(scope="module")
def resolver(bundled_home: Path) -> Resolver:
    return resolver_for(NetworkXStore(bundled_home).iter_nodes())


@pytest.mark.parametrize(
    ("name", "node_id"),
    [
        ("Kettering General Hospital NHS Foundation Trust", "pb:nhs-rnq"),
        ("KETTERING GENERAL HOSPITAL NHS FOUNDATION TRUST", "pb:nhs-rnq"),
        ("NHS  Lothian", "pb:nhs-s08000024"),
        ("Hywel Dda University Health Board", "pb:nhs-7a2"),
        ("Lancashire Constabulary", "pb:police-e23000003"),
        ("North Yorkshire Police", "pb:police-e23000009"),
        ("Police Scotland", "pb:police-s23000009"),
        ("Scottish Fire and Rescue Service", "pb:fire-s38000001"),
        ("Mid & West Wales Fire & Rescue", "pb:fire-w25000002"),
        ("Llywodraeth Cymru / Welsh Government", "pb:gov-welsh-government"),
        ("Department for Education", "pb:gov-department-for-education"),
        ("Ministry of Housing, Communities and Local Government",
         "pb:gov-ministry-of-housing-communities-local-government"),
        ("NHS Wales Shared Services Partnership-Procurement Services",
         "pb:nhs-wales-shared-services-partnership"),
        ("North York Moors National Park Authority", "pb:npa-north-york-moors"),
    ],
)  # fmt: skip
def test_register_bodies_are_placed_by_name(resolver: Resolver, name: str, node_id: str) -> None:
    found = place(resolver, name)
    assert found.ids == (node_id,), (found, resolver.labels.get(node_id))
    stored = resolver.nodes[node_id].sources != (REGISTER_DATASET,)  # a partner in the bundled data
    assert stored or node_id in resolver.unstored  # else known from the register only


@pytest.mark.parametrize(
    "name",
    [
        "Welland Procurement Unit",
        "NHS Supply Chain",  # a buying organisation, not in a register of health bodies
        "NHS Somewhere",
        "University Of Worcester",
        "LONDON & QUADRANT HOUSING TRUST",
        "police",
    ],
)
def test_names_no_register_holds_are_refused(resolver: Resolver, name: str) -> None:
    assert not place(resolver, name).placed


def test_register_identifiers() -> None:
    assert identified({"identifier": {"scheme": "GB-GOR", "id": "D6"}}) == (
        "pb:gov-department-for-education"
    )
    assert identified({"identifier": {"scheme": "GB-NHS", "id": "rnq"}}) == "pb:nhs-rnq"
    assert identified({"identifier": {"scheme": "GB-GOR", "id": "x; y"}}) is None
    assert identified({"identifier": {"scheme": "GB-COH", "id": "D6"}}) is None
    assert identified({"name": "no identifier"}) is None
