"""Reorganisation and devolution scenarios: new councils made of old ones, new or changed
strategic authorities, with their status and source.

A scenario is stored as one node of kind ``scenario`` (id ``sc:<slug>``) whose ``definition``
attribute holds the scenario as JSON (``to_json``), so either backend keeps it with the rest
of the graph and a load changes both together. ``loaders.scenarios`` reads and checks the
files people write; ``graph.analysis.scenarios`` reports on them and applies them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from graph.errors import InvalidInput, NotFound
from graph.model import Node, NodeKind, Source

PREFIX = "sc:"


class Status(StrEnum):
    PROPOSED = "proposed"
    DECIDED = "decided"
    """Chosen by the Government (or the Secretary of State), not yet in force."""
    ENACTED = "enacted"
    """Made law (an order or regulations); in force on the day given."""


class ScenarioKind(StrEnum):
    REORGANISATION = "reorganisation"
    DEVOLUTION = "devolution"
    BOTH = "both"


class AuthorityType(StrEnum):
    CA = "ca"
    CCA = "cca"
    SA = "sa"
    """A strategic authority of a kind not yet settled (the English Devolution Bill's term)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """Part of a council's area going to a new council."""

    id: str
    share: str
    """What part, in words ("parishes on the southern edge of Norwich")."""
    population: int | None = None
    """The part's population, where a source gives it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NewCouncil:
    id: str
    """``new:<slug>``, unique across scenarios."""
    name: str
    vesting: date | None
    predecessors: tuple[str, ...]
    """Councils whose whole area it takes."""
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class StrategicAuthority:
    id: str
    name: str
    type: AuthorityType
    members: tuple[str, ...]
    """Councils (today's, or this scenario's new ones) that are its constituent members."""
    established: date | None = None
    replaces: tuple[str, ...] = ()
    """Combined authorities it takes the place of (their members may join it)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    id: str
    name: str
    kind: ScenarioKind
    status: Status
    source_url: str
    area: str | None = None
    """The council (usually the county) the scenario is for."""
    status_date: str | None = None
    """``YYYY-MM-DD``, or ``YYYY-MM`` where only the month is known."""
    proposed_by: str = ""
    verified: str = "no"
    note: str = ""
    new_councils: tuple[NewCouncil, ...] = ()
    abolished: tuple[str, ...] = ()
    strategic_authorities: tuple[StrategicAuthority, ...] = ()

    @property
    def node_id(self) -> str:
        return PREFIX + self.id

    @property
    def first_day(self) -> date | None:
        """The first day anything in it takes effect (vesting or establishment)."""
        days = [c.vesting for c in self.new_councils if c.vesting] + [
            a.established for a in self.strategic_authorities if a.established
        ]
        return min(days, default=None)

    def judged_at(self, today: date) -> date:
        """The day whose graph the scenario is judged against: ``today``, or the day before it
        took effect when that is past (an enacted scenario is judged on the graph it changed)."""
        first = self.first_day
        if first is not None and first <= today:
            return first - timedelta(days=1)
        return today

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for council in data["new_councils"]:
            council["vesting"] = _iso(council["vesting"])
        for authority in data["strategic_authorities"]:
            authority["established"] = _iso(authority["established"])
        return data

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))

    def node(self, source: Source) -> Node:
        return Node(
            id=self.node_id,
            kind=NodeKind.SCENARIO,
            name=self.name,
            attrs={
                "definition": self.to_json(),
                "scenario_kind": str(self.kind),
                "status": str(self.status),
                "status_date": self.status_date or "",
                "area": self.area or "",
                "source_url": self.source_url,
                "verified": self.verified,
            },
            sources=(source,),
        )


def from_dict(data: dict[str, Any]) -> Scenario:
    """The scenario ``as_dict`` gave (already checked: ``loaders.scenarios`` checks input)."""
    return Scenario(
        id=data["id"],
        name=data["name"],
        kind=ScenarioKind(data["kind"]),
        status=Status(data["status"]),
        source_url=data["source_url"],
        area=data.get("area"),
        status_date=data.get("status_date"),
        proposed_by=data.get("proposed_by") or "",
        verified=data.get("verified") or "no",
        note=data.get("note") or "",
        new_councils=tuple(
            NewCouncil(
                id=c["id"],
                name=c["name"],
                vesting=_day(c.get("vesting")),
                predecessors=tuple(c.get("predecessors") or ()),
                parts=tuple(
                    Part(id=p["id"], share=p.get("share") or "", population=p.get("population"))
                    for p in c.get("parts") or ()
                ),
            )
            for c in data.get("new_councils") or ()
        ),
        abolished=tuple(data.get("abolished") or ()),
        strategic_authorities=tuple(
            StrategicAuthority(
                id=a["id"],
                name=a["name"],
                type=AuthorityType(a["type"]),
                members=tuple(a.get("members") or ()),
                established=_day(a.get("established")),
                replaces=tuple(a.get("replaces") or ()),
            )
            for a in data.get("strategic_authorities") or ()
        ),
    )


def of_node(attrs: dict[str, Any]) -> Scenario:
    """The scenario a stored ``scenario`` node holds."""
    try:
        return from_dict(json.loads(str(attrs["definition"])))
    except (KeyError, ValueError, TypeError) as e:
        raise InvalidInput(
            f"the stored scenario {attrs.get('name', '')!r} cannot be read ({e}); load it again"
        ) from e


def scenario_id(text: str) -> str:
    """The node id of a scenario given as ``surrey-two-unitaries`` or ``sc:surrey-...``."""
    return text if text.startswith(PREFIX) else PREFIX + text


def stored_scenario(nodes: dict[str, Node], text: str) -> Scenario:
    """The scenario ``text`` names among ``nodes`` (``store.get_nodes`` of its id)."""
    node = nodes.get(scenario_id(text))
    if node is None or node.kind != NodeKind.SCENARIO:
        raise NotFound(f"no scenario {text!r}; 'partnermap scenarios' lists them")
    return of_node(dict(node.attrs))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
