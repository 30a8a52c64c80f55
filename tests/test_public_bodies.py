"""Non-council buyers become public bodies only when their name or identifier is certain."""

from __future__ import annotations

import pytest

from loaders.public_bodies import recognise


@pytest.mark.parametrize(
    ("name", "node_id", "body_type"),
    [
        ("Kettering General Hospital NHS Foundation Trust",
         "pb:kettering-general-hospital-nhs-foundation-trust", "nhs"),
        ("Walsall Healthcare NHS Trust", "pb:walsall-healthcare-nhs-trust", "nhs"),
        ("NHS North West London Integrated Care Board",
         "pb:nhs-north-west-london-integrated-care-board", "nhs"),
        ("NHS  Lothian", "pb:nhs-lothian", "nhs"),
        ("Lancashire Constabulary", "pb:lancashire-constabulary", "police"),
        ("Police Scotland", "pb:police-scotland", "police"),
        ("Police and Crime Commissioner for Avon and Somerset",
         "pb:police-and-crime-commissioner-for-avon-and-somerset", "police"),
        ("Scottish Fire and Rescue Service", "pb:scottish-fire-and-rescue-service", "fire"),
        ("Department for Education", "pb:department-for-education", "central_government"),
        ("Ministry of Housing, Communities and Local Government",
         "pb:ministry-of-housing-communities-and-local-government", "central_government"),
    ],
)  # fmt: skip
def test_statutory_names_are_recognised(name: str, node_id: str, body_type: str) -> None:
    found = recognise({"name": name, "roles": ["buyer"]})
    assert found is not None
    assert (found[0], found[2]) == (node_id, body_type)
    assert found[1] == " ".join(name.split())


@pytest.mark.parametrize(
    "name",
    [
        "DfTc - Department for Transport",  # a department's unit, not its name
        "Welland Procurement Unit",
        "NHS Supply Chain",  # a buying organisation, not a health board
        "NHS Somewhere",  # not one of the 14 Scottish boards
        "University Of Worcester",
        "LONDON & QUADRANT HOUSING TRUST",
        "police",
        "",
        "x" * 500,
    ],
)
def test_anything_looser_is_left_unresolved(name: str) -> None:
    assert recognise({"name": name}) is None


def test_a_government_register_identifier_is_enough() -> None:
    found = recognise({"name": "Ofcom", "identifier": {"scheme": "GB-GOR", "id": "OT385"}})
    assert found == ("pb:ofcom", "Ofcom", "central_government", "GB-GOR OT385")
    # ... but not a malformed one
    assert recognise({"name": "Ofcom", "identifier": {"scheme": "GB-GOR", "id": "x; y"}}) is None
