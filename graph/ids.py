"""Identifiers: ONS GSS codes for the bodies ONS codes, a prefixed slug for everything else.

GSS codes are a letter, two digits of entity type and six digits (``E08000035``). The entity
type says what the code is, so it decides the node kind and, for councils, the council type.

Bodies ONS does not code (buying organisations, shared services, joint procurements, other
public bodies) get ``PREFIX:slug`` ids: ``bo:espo``, ``ss:...``, ``jp:ocds-r6ebe6-0000580267``,
``pb:...`` with a lower-case slug of letters, digits, ``.``, ``_`` and ``-``. Councils
abolished before GSS codes were given to them (Northern Ireland's councils of 1973-2015) are
``snac:`` and their ONS SNAC code, lower case (``snac:95a``, Derry City Council); combined
authorities established before ONS gave them a code are ``ca:`` and a slug of their name
(``ca:cumbria``); Wales's corporate joint committees, which ONS does not code, are ``cjc:``
(``cjc:north-wales``); reorganisation scenarios are ``sc:`` (``sc:surrey-two-unitaries``);
contracts ``ct:`` and suppliers ``su:`` (``su:ch-01234567`` by Companies House number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.model import CouncilType, Nation, NodeKind

GSS_PATTERN = re.compile(r"^[ENSW]\d{8}$")
SLUG_PATTERN = re.compile(r"^(bo|ss|jp|pb|snac|ca|cjc|sc|ct|su):[a-z0-9][a-z0-9._-]{0,199}$")


@dataclass(frozen=True, slots=True)
class GssEntity:
    kind: NodeKind
    council_type: CouncilType | None
    description: str


GSS_ENTITIES: dict[str, GssEntity] = {
    "E06": GssEntity(NodeKind.COUNCIL, CouncilType.UNITARY, "unitary authority"),
    "E07": GssEntity(NodeKind.COUNCIL, CouncilType.DISTRICT, "non-metropolitan district"),
    "E08": GssEntity(NodeKind.COUNCIL, CouncilType.METROPOLITAN_DISTRICT, "metropolitan district"),
    "E09": GssEntity(NodeKind.COUNCIL, CouncilType.LONDON_BOROUGH, "London borough"),
    "E10": GssEntity(NodeKind.COUNCIL, CouncilType.COUNTY, "county council"),
    "W06": GssEntity(NodeKind.COUNCIL, CouncilType.WELSH_PRINCIPAL, "Welsh principal council"),
    "S12": GssEntity(NodeKind.COUNCIL, CouncilType.SCOTTISH_COUNCIL, "Scottish council area"),
    "N09": GssEntity(NodeKind.COUNCIL, CouncilType.NI_DISTRICT, "Northern Ireland district"),
    "E47": GssEntity(NodeKind.COMBINED_AUTHORITY, None, "combined authority"),
    "E12": GssEntity(NodeKind.REGION, None, "English region"),
    "E92": GssEntity(NodeKind.NATION, None, "country"),
    "W92": GssEntity(NodeKind.NATION, None, "country"),
    "S92": GssEntity(NodeKind.NATION, None, "country"),
    "N92": GssEntity(NodeKind.NATION, None, "country"),
}

NOT_BODIES: dict[str, str] = {
    "E11": "a metropolitan county, which has had no county council since 1986",
    "E13": "Inner or Outer London, a statistical area, not a council",
}
"""GSS entity types that appear in ONS lookups but are not bodies partnermap models."""

SLUG_KINDS = {
    "bo": NodeKind.BUYING_ORGANISATION,
    "ss": NodeKind.SHARED_SERVICE,
    "jp": NodeKind.JOINT_PROCUREMENT,
    "pb": NodeKind.PUBLIC_BODY,
    "snac": NodeKind.COUNCIL,
    "ca": NodeKind.COMBINED_AUTHORITY,
    "cjc": NodeKind.COMBINED_AUTHORITY,
    "sc": NodeKind.SCENARIO,
    "ct": NodeKind.CONTRACT,
    "su": NodeKind.SUPPLIER,
}

NATIONS = {
    "E": Nation.ENGLAND,
    "W": Nation.WALES,
    "S": Nation.SCOTLAND,
    "N": Nation.NORTHERN_IRELAND,
}


class UnknownCode(ValueError):
    """A code that is neither a GSS code partnermap models nor a slug id."""


def gss_entity(code: str) -> GssEntity:
    """What the GSS code ``code`` names; ``UnknownCode`` says why it cannot be a node."""
    if not GSS_PATTERN.match(code):
        raise UnknownCode(
            f"{code!r} is not a GSS code (a letter E, W, S or N and eight digits, "
            f"like E08000035) nor an id like 'bo:espo'"
        )
    prefix = code[:3]
    if prefix in NOT_BODIES:
        raise UnknownCode(f"{code} is {NOT_BODIES[prefix]}")
    if prefix not in GSS_ENTITIES:
        known = ", ".join(f"{p} ({e.description})" for p, e in GSS_ENTITIES.items())
        raise UnknownCode(f"unknown GSS prefix {prefix} in {code}; partnermap knows {known}")
    return GSS_ENTITIES[prefix]


def nation_of(code: str) -> Nation:
    return NATIONS[code[0]]


def is_gss(code: str) -> bool:
    return bool(GSS_PATTERN.match(code))


def check_id(node_id: str) -> None:
    """Raise ``UnknownCode`` unless ``node_id`` is a modelled GSS code or a slug id."""
    kind_of(node_id)


def kind_of(node_id: str) -> NodeKind:
    """The node kind an id implies; ``UnknownCode`` if it is not an id partnermap knows."""
    if SLUG_PATTERN.match(node_id):
        return SLUG_KINDS[node_id.split(":", 1)[0]]
    return gss_entity(node_id).kind


def is_id(text: str) -> bool:
    """Whether ``text`` has the shape of an id (a GSS code or a slug id), known or not."""
    return bool(GSS_PATTERN.match(text) or SLUG_PATTERN.match(text))
