"""Public buyers that are not councils, recognised only when their name or identifier leaves no
doubt what they are.

A procurement notice names its buyer as free text. A council is found through the resolver; a
health board, NHS trust, police force, fire and rescue service or government department is
recognised here by the exact shape of its statutory name (``Kettering General Hospital NHS
Foundation Trust``, ``NHS Lothian``, ``Cheshire Constabulary``, ``Department for Education``)
or by an identifier from the UK Government Organisation Register (``GB-GOR``). Anything looser
(``DfTc - Department for Transport``, ``Welland Procurement Unit``) stays unresolved and is
listed in the load report, so nothing is guessed.
"""

from __future__ import annotations

import re
from typing import Any

from graph.model import PublicBodyType
from loaders.buyers import clean

SCOTTISH_HEALTH_BOARDS = (
    "Ayrshire and Arran", "Borders", "Dumfries and Galloway", "Fife", "Forth Valley",
    "Grampian", "Greater Glasgow and Clyde", "Highland", "Lanarkshire", "Lothian", "Orkney",
    "Shetland", "Tayside", "Western Isles",
)  # fmt: skip
"""The 14 territorial NHS boards in Scotland (NHS Lothian, ...)."""

_AND = r"(?:and|&)"
_PLACE = r"[A-Z][A-Za-z'.,-]*(?: (?:[A-Z][A-Za-z'.,-]*|and|&|of|upon|on|the))*"
NAME_PATTERNS: tuple[tuple[PublicBodyType, re.Pattern[str]], ...] = (
    (PublicBodyType.NHS, re.compile(rf"{_PLACE} NHS (?:Foundation )?Trust")),
    (PublicBodyType.NHS, re.compile(rf"NHS {_PLACE} Integrated Care Board")),
    (PublicBodyType.NHS, re.compile(f"NHS (?:{'|'.join(SCOTTISH_HEALTH_BOARDS)})")),
    (PublicBodyType.POLICE, re.compile(rf"{_PLACE} (?:Constabulary|Police)")),
    (PublicBodyType.POLICE, re.compile(r"Police Scotland|Police Service of Northern Ireland")),
    (
        PublicBodyType.POLICE,
        re.compile(
            rf"(?:Office of the )?Police(?:,? Fire {_AND})? {_AND} Crime Commissioner for {_PLACE}"
        ),
    ),
    (PublicBodyType.FIRE, re.compile(rf"{_PLACE} Fire {_AND} Rescue (?:Service|Authority)")),
    (
        PublicBodyType.CENTRAL_GOVERNMENT,
        re.compile(
            rf"Department (?:for|of) [A-Z][A-Za-z, ]+|Ministry of [A-Z][A-Za-z, ]+|Cabinet Office"
            rf"|Home Office|HM Treasury|HM Revenue {_AND} Customs"
            rf"|Foreign,? Commonwealth {_AND} Development Office"
            r"|Scottish Government|Welsh Government"
        ),
    ),
)
"""Statutory names that say what kind of body a buyer is, matched whole."""

GOVERNMENT_REGISTER = "GB-GOR"


def recognise(party: dict[str, Any]) -> tuple[str, str, PublicBodyType, str] | None:
    """(id, name, body type, how it was recognised) for a buyer that is a public body beyond
    doubt, else None."""
    name = party.get("name")
    if not isinstance(name, str):
        return None
    name = clean(name)
    if not name or len(name) > 200:
        return None
    identifier = party.get("identifier")
    if isinstance(identifier, dict) and identifier.get("scheme") == GOVERNMENT_REGISTER:
        code = identifier.get("id")
        if isinstance(code, str) and re.fullmatch(r"[A-Z]{1,3}\d{1,5}", code):
            how = f"{GOVERNMENT_REGISTER} {code}"
            return _id(name), name, _type_of(name) or PublicBodyType.CENTRAL_GOVERNMENT, how
    body_type = _type_of(name)
    if body_type is None:
        return None
    return _id(name), name, body_type, f"statutory name ({body_type})"


def _type_of(name: str) -> PublicBodyType | None:
    for body_type, pattern in NAME_PATTERNS:
        if pattern.fullmatch(name):
            return body_type
    return None


def _id(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold().replace("&", "and")).strip("-")
    return "pb:" + slug[:190]
