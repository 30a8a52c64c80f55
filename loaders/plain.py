"""partnermap's own plain CSV formats, for the bundled data and for users' own data.

``nodes`` files: ``id,kind,name`` and optional columns (see ``NODE_COLUMNS``).
``links`` files: ``from_id,kind,to_id`` and optional columns (see ``LINK_COLUMNS``).
``sources`` is a ``;``-separated list of ``DATASET@VINTAGE``; when blank, the file name and
the vintage given to the loader are recorded instead. Dates are ISO (``2023-04-01``);
``valid_to`` is the last day a record held (inclusive). The README documents each column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from graph.ids import GSS_PATTERN, UnknownCode, check_id, gss_entity, kind_of, nation_of
from graph.model import (
    ROLES,
    CombinedAuthorityType,
    CouncilType,
    Link,
    LinkKind,
    Nation,
    Node,
    NodeKind,
    Scalar,
    Source,
)
from loaders.items import Item, ParseContext, Reject, Row
from loaders.tables import read_rows

NODE_COLUMNS = (
    "id", "kind", "name", "official_name", "council_type", "nation", "ca_type", "mayoral",
    "former_codes", "lat", "lon", "population", "population_year", "valid_from", "valid_to",
    "source_url", "verified", "note", "sources",
)  # fmt: skip
POPULATION_YEAR = re.compile(r"^mid-(19|20)\d\d$")
LINK_COLUMNS = (
    "from_id", "kind", "to_id", "role", "valid_from", "valid_to", "shared_boundary_km", "share",
    "source_url", "verified", "note", "sources",
)  # fmt: skip
VERIFIED = ("yes", "partial", "no")
SHARES = ("whole", "part")
"""How much of an abolished council a ``succeeded_by`` link's successor took."""


E = TypeVar("E", bound=StrEnum)


class BadValue(ValueError):
    pass


RowMapper = Callable[[dict[str, str], ParseContext], tuple[Node | Link, ...]]


def parse_table(
    path: Path,
    context: ParseContext,
    *,
    columns: tuple[str, ...],
    required: int,
    to_records: RowMapper,
) -> Iterator[Item]:
    """Each row of a CSV whose first ``required`` ``columns`` must be there, mapped to records
    by ``to_records``; a row it cannot map (``BadValue``, ``UnknownCode``) is rejected."""
    for item in read_rows(path, required=columns[:required], allowed=columns):
        if isinstance(item, Reject):
            yield item
            continue
        line, row = item
        try:
            yield Row(line, to_records(row, context))
        except (BadValue, UnknownCode) as e:
            yield Reject(line, str(e))


def parse_nodes(path: Path, context: ParseContext) -> Iterator[Item]:
    return parse_table(path, context, columns=NODE_COLUMNS, required=3, to_records=_node)


def parse_links(path: Path, context: ParseContext) -> Iterator[Item]:
    return parse_table(path, context, columns=LINK_COLUMNS, required=3, to_records=_link)


def _node(row: dict[str, str], context: ParseContext) -> tuple[Node]:
    node_id, name = row["id"], row["name"]
    kind = choice(NodeKind, row["kind"], "kind")
    if kind_of(node_id) is not kind:
        raise BadValue(f"{node_id} is the id of a {kind_of(node_id)}, not of a {kind}")
    if not name:
        raise BadValue(f"{node_id} has no name")
    attrs: dict[str, Scalar] = {}
    if GSS_PATTERN.match(node_id):
        entity = gss_entity(node_id)
        if entity.council_type is not None:
            given = row.get("council_type")
            if given and given != entity.council_type:
                raise BadValue(
                    f"{node_id} is a {entity.description}: council_type must be "
                    f"{entity.council_type}, not {given}"
                )
            attrs["council_type"] = str(entity.council_type)
        if kind is not NodeKind.NATION:
            implied = nation_of(node_id)
            given_nation = row.get("nation")
            if given_nation and given_nation != implied:
                raise BadValue(f"{node_id} is in {implied}, not {given_nation}")
            attrs["nation"] = str(implied)
    else:
        if row.get("council_type"):
            attrs["council_type"] = str(choice(CouncilType, row["council_type"], "council_type"))
        if row.get("nation"):
            attrs["nation"] = str(choice(Nation, row["nation"], "nation"))
    if row.get("official_name"):
        attrs["official_name"] = row["official_name"]
    if row.get("ca_type") or row.get("mayoral"):
        if kind is not NodeKind.COMBINED_AUTHORITY:
            raise BadValue("ca_type and mayoral are for combined_authority nodes only")
        if row.get("ca_type"):
            attrs["ca_type"] = str(choice(CombinedAuthorityType, row["ca_type"], "ca_type"))
        if row.get("mayoral"):
            attrs["mayoral"] = _boolean(row["mayoral"], "mayoral")
    if row.get("former_codes"):
        attrs["former_codes"] = ";".join(c.strip() for c in row["former_codes"].split(";"))
    for column, bound in (("lat", 90.0), ("lon", 180.0)):
        if row.get(column):
            unit = "a number (decimal degrees, WGS84)"
            attrs[column] = number(row[column], column, low=-bound, high=bound, unit=unit)
    if ("lat" in attrs) != ("lon" in attrs):
        raise BadValue("give both lat and lon, or neither")
    attrs |= _population(row)
    attrs |= _cited(row)
    valid_from, valid_to = _dates(row)
    node = Node(
        id=node_id,
        kind=kind,
        name=name,
        attrs=attrs,
        valid_from=valid_from,
        valid_to=valid_to,
        sources=_sources(row.get("sources", ""), (context.source,)),
    )
    return (node,)


def _link(row: dict[str, str], context: ParseContext) -> tuple[Link]:
    from_id, to_id = row["from_id"], row["to_id"]
    check_id(from_id)
    check_id(to_id)
    if from_id == to_id:
        raise BadValue(f"a link from {from_id} to itself")
    kind = choice(LinkKind, row["kind"], "kind")
    role = row.get("role") or None
    if kind in ROLES:
        role = str(choice(ROLES[kind], role or "", "role"))
    elif role:
        raise BadValue(f"{kind} links have no role (got {role!r})")
    attrs: dict[str, Scalar] = {}
    if row.get("shared_boundary_km"):
        if kind is not LinkKind.BORDERS:
            raise BadValue("shared_boundary_km is for borders links only")
        attrs["shared_boundary_km"] = number(row["shared_boundary_km"], "shared_boundary_km", low=0)
    if row.get("share"):
        if kind is not LinkKind.SUCCEEDED_BY:
            raise BadValue("share is for succeeded_by links only")
        if row["share"] not in SHARES:
            raise BadValue(f"share must be one of {', '.join(SHARES)}, not {row['share']!r}")
        attrs["share"] = row["share"]
    attrs |= _cited(row)
    valid_from, valid_to = _dates(row)
    link = Link(
        from_id=from_id,
        kind=kind,
        to_id=to_id,
        role=role,
        attrs=attrs,
        valid_from=valid_from,
        valid_to=valid_to,
        sources=_sources(row.get("sources", ""), (context.source,)),
    )
    return (link.canonical(),)


def _population(row: dict[str, str]) -> dict[str, Scalar]:
    """``population`` and the estimate's year (``population_year``), given together."""
    if not (row.get("population") or row.get("population_year")):
        return {}
    if not (row.get("population") and POPULATION_YEAR.match(row.get("population_year", ""))):
        raise BadValue(
            "give population with population_year, the estimate's year (mid-2024), "
            f"not {row.get('population')!r} and {row.get('population_year')!r}"
        )
    people = number(row["population"], "population", low=0, unit="a whole number of people")
    if people != int(people):
        raise BadValue(f"population {row['population']!r} is not a whole number of people")
    return {"population": int(people), "population_year": row["population_year"]}


def _cited(row: dict[str, str]) -> dict[str, Scalar]:
    """The page a record was checked against, whether it was (``verified``), and a note."""
    cited: dict[str, Scalar] = {c: row[c] for c in ("source_url", "note") if row.get(c)}
    if row.get("verified"):
        if row["verified"] not in VERIFIED:
            raise BadValue(
                f"verified must be one of {', '.join(VERIFIED)}, not {row['verified']!r}"
            )
        cited["verified"] = row["verified"]
    return cited


def choice(enum: type[E], value: str, column: str) -> E:
    try:
        return enum(value)
    except ValueError:
        options = ", ".join(e.value for e in enum)
        raise BadValue(f"{column} {value!r} is not one of {options}") from None


def number(
    text: str, column: str, *, low: float, high: float = math.inf, unit: str = "a number"
) -> float:
    """``text`` as a number from ``low`` to ``high``, or ``BadValue`` saying what is wrong."""
    try:
        value = float(text)
    except ValueError:
        raise BadValue(f"{column} {text!r} is not {unit}") from None
    if not low <= value <= high:
        if high == math.inf:
            raise BadValue(f"{column} {value} is below {low:g}")
        raise BadValue(f"{column} {value} is outside {low:g}..{high:g}")
    return value


def _boolean(value: str, column: str) -> bool:
    lowered = value.lower()
    if lowered in {"true", "yes", "1"}:
        return True
    if lowered in {"false", "no", "0"}:
        return False
    raise BadValue(f"{column} {value!r} is not true or false")


def day(row: dict[str, str], column: str) -> date | None:
    """The ISO date in ``column`` (``None`` when blank)."""
    text = row.get(column, "")
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise BadValue(f"{column} {text!r} is not a date like 2023-04-01") from None


def _dates(row: dict[str, str]) -> tuple[date | None, date | None]:
    valid_from, valid_to = day(row, "valid_from"), day(row, "valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise BadValue(f"valid_to {valid_to} is before valid_from {valid_from}")
    return valid_from, valid_to


def _sources(text: str, default: tuple[Source, ...]) -> tuple[Source, ...]:
    if not text:
        return default
    sources = []
    for part in text.split(";"):
        dataset, at, vintage = part.strip().rpartition("@")
        if not at or not dataset or not vintage:
            raise BadValue(f"source {part!r} is not DATASET@VINTAGE, like ons-ltla25@2025")
        sources.append(Source(dataset=dataset, vintage=vintage))
    return tuple(sources)
