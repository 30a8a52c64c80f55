"""Procurement notices (OCDS) as evidence of who buys with whom.

For each release: every party with role ``buyer`` (or ``leadBuyer``) is resolved to a node,
by id first, then by name through the shared resolver as at the release's date; a name it
cannot place is counted in the report, never guessed. Then:

- two or more distinct buying organisations make a joint procurement ``jp:<ocid>`` (one per
  OCID however many releases tell of it, and one for notices published once per partner),
  with ``participates_in`` links (the release's ``buyer`` leads);
- a buying organisation named as ``centralPurchasingBody`` (or ``wholesaleBuyer``) by another
  buyer, or named in the title or description of a framework call-off (Contracts Finder's
  "Call-off from a framework agreement", or a ``relatedProcesses`` framework), makes a
  ``buys_through`` link from each buyer, aggregated over the file: notices, total value, first
  and last date, framework references, and the OCIDs behind it as evidence.

Releases are read one at a time; only these aggregates are held, so memory stays bounded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from graph.legal import Model, legal_basis
from graph.model import Link, LinkKind, Node, NodeKind, Scalar
from loaders.buyers import Placement
from loaders.buyers import place as place_name
from loaders.frameworks import Use, framework_refs, named_pbos, use_link
from loaders.items import Item, ParseContext, Row, Skip
from loaders.ocds_contracts import Awards, uk_day
from loaders.ocds_read import iter_releases
from loaders.public_bodies import identified
from loaders.resolve import Resolver

BUYER_ROLES = {"buyer", "leadBuyer"}
CPB_ROLES = {"centralPurchasingBody", "wholesaleBuyer"}
CALL_OFF = re.compile(r"call-?off|further competition|direct award from a framework", re.I)
FRAMEWORK_WORDS = re.compile(r"framework|\bdps\b|dynamic purchasing|\blot\s*\d")
"""Words of a call-off, searched in the lower-cased text only when one of them is there as a
substring (a case-blind search of a long description costs more than the rest of a release)."""
SUFFIX = re.compile(r"\s+(?:-|\u2013|\u2014|:)\s+.*$|\s*\(.*\)\s*$")


@dataclass(slots=True)
class _Joint:
    ocid: str
    title: str
    start: date | None
    value: float | None
    cpv: str | None
    lead: str | None
    participants: set[str] = field(default_factory=set)
    ocids: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _State:
    """What a file's releases add up to."""

    resolver: Resolver
    joints: dict[str, _Joint] = field(default_factory=dict)
    notices: dict[tuple[str, float | None, date | None], str] = field(default_factory=dict)
    """(title, value, date) -> the first OCID seen: one procurement published twice."""
    uses: dict[tuple[str, str], Use] = field(default_factory=dict)
    parties: dict[Any, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    """Buyers as written -> (the bodies, the notes), for answers that did not need the day."""
    bodies: dict[str, Node] = field(default_factory=dict)
    """Register bodies named as buyers that are not in the graph yet."""
    awards: Awards | None = None
    """The awarded contracts, when the load takes them."""


def parse_ocds(path: Path, context: ParseContext) -> Iterator[Item]:
    state = _State(context.resolver(), awards=Awards() if context.contracts else None)
    for place, release in iter_releases(path):
        line = int(place.split()[1]) if place.startswith("line") else None
        yield _release(state, place, line, release)
    yield from _aggregates(state, context)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class _Day:
    """A release's day (``release_day``), read only if something needs it: most buyers'
    names are placed the same whatever the day, and most notices derive no link."""

    __slots__ = ("_day", "_read", "release")

    def __init__(self, release: dict[str, Any]) -> None:
        self.release = release
        self._read = False
        self._day: date | None = None

    @property
    def read(self) -> bool:
        """Whether the day was needed (an answer that depends on it is not remembered)."""
        return self._read

    def __call__(self) -> date | None:
        if not self._read:
            self._day, self._read = release_day(self.release), True
        return self._day


def _release(state: _State, place: str, line: int | None, release: dict[str, Any]) -> Item:
    resolver, uses = state.resolver, state.uses
    ocid = release.get("ocid")
    if not isinstance(ocid, str) or not ocid:
        return Skip(line, f"{place}: no ocid")
    parties = [p for p in release.get("parties") or () if isinstance(p, dict)]
    if not parties:
        return Skip(line, "no parties: its buyers are not named")
    day = _Day(release)
    notes: list[str] = []
    buyers: dict[str, tuple[str, ...]] = {}  # party id -> the bodies its name names
    named = 0
    central: list[dict[str, Any]] = []  # parties named as central purchasing bodies
    for party in parties:
        roles = party.get("roles")
        if not roles:
            continue
        if not CPB_ROLES.isdisjoint(roles):
            central.append(party)
        if BUYER_ROLES.isdisjoint(roles):
            continue
        named += 1
        ids = _resolve_remembered(state, party, day, notes)
        for body in resolver.unstored.intersection(ids):
            state.bodies.setdefault(body, resolver.nodes[body])
        if not ids:
            notes.append(f"buyer not resolved: {party.get('name') or party.get('id')}")
        else:
            buyers[str(party.get("id"))] = ids
    if not buyers:
        names = "; ".join(
            n.removeprefix("buyer not resolved: ") for n in notes if n.startswith("buyer not")
        )
        return Skip(line, f"buyer not resolved: {names or 'none named'}")
    tender = _dict(release.get("tender"))
    distinct = {i for ids in buyers.values() for i in ids}
    if named > 1 and len(distinct) < 2:
        notes.append("several buyers, fewer than two known: not a joint procurement")
    joint = len(distinct) >= 2
    value = (
        _joint(state, release, tender, buyers=buyers, distinct=distinct, day=day) if joint else None
    )
    text = _text(release, tender)
    through = _buying_organisations(central, release, tender, text=text, resolver=resolver, day=day)
    refs = framework_refs(text) if through else set()
    if state.awards is not None:
        state.awards.add(release, buyers=distinct, organisations=through, frameworks=refs)
    if through:
        organisations = {b for b in distinct if not b.startswith("bo:")}
        amount = value if joint else _value(release, tender)
        for organisation in through:
            for buyer in organisations - {organisation}:
                uses.setdefault((buyer, organisation), Use()).add(ocid, day(), amount, refs)
        if organisations <= through:
            notes.extend(f"{o} acting as a central purchasing body" for o in sorted(through))
    return Row(line, (), notes=tuple(notes))


def _joint(
    state: _State,
    release: dict[str, Any],
    tender: dict[str, Any],
    *,
    buyers: dict[str, tuple[str, ...]],
    distinct: set[str],
    day: _Day,
) -> float | None:
    """Add a release of two or more known buyers to its joint procurement (one per OCID, and
    one for a procurement published once per partner); its value."""
    ocid = str(release["ocid"])
    value = _value(release, tender)
    title = str(tender.get("title") or ocid)
    key = (re.sub(r"\W+", " ", title.casefold()).strip(), value, day())
    first = state.notices.setdefault(key, ocid)  # the same procurement published twice
    joint = state.joints.get(first)
    if joint is None:
        lead_party = _dict(release.get("buyer")).get("id")
        joint = state.joints[first] = _Joint(
            ocid=first,
            title=title,
            start=day(),
            value=value,
            cpv=_dict(tender.get("classification")).get("id"),
            lead=buyers.get(str(lead_party), (None,))[0],
        )
    joint.participants |= distinct
    joint.ocids.add(ocid)
    if value is not None:
        joint.value = max(joint.value or 0.0, value)
    return value


def _resolve_remembered(
    state: _State, party: dict[str, Any], day: _Day, notes: list[str]
) -> tuple[str, ...]:
    """``_resolve``, remembered per buyer as written (its name, ids and identifier), unless
    the answer depended on the day: a file names the same few buyers again and again."""
    identifier = party.get("identifier")
    own = party.get("id")  # a notice's own party id, unless it is a node's
    key = (
        party.get("name"),
        own if isinstance(own, str) and own in state.resolver.ids else None,
        tuple(sorted(identifier.items())) if isinstance(identifier, dict) else None,
    )
    try:
        known = state.parties.get(key)
    except TypeError:  # an unhashable value: not remembered
        return _resolve(party, state.resolver, day, notes)
    if known is None:
        found: list[str] = []
        ids = _resolve(party, state.resolver, day, found)
        known = (ids, tuple(found))
        if not day.read:
            state.parties[key] = known
    notes.extend(known[1])
    return known[0]


def _resolve(
    party: dict[str, Any], resolver: Resolver, day: _Day, notes: list[str] | None = None
) -> tuple[str, ...]:
    """The bodies a party is: by its identifier, else by what its name names (one body, a
    department of one, several, or one bought for by an agent; ``loaders.buyers``)."""
    identifier = _dict(party.get("identifier"))
    for candidate in (identifier.get("id"), party.get("id")):
        if isinstance(candidate, str) and candidate in resolver.ids:
            return (candidate,)
    if (by_register := identified(party)) is not None and by_register in resolver.ids:
        return (by_register,)
    for name in (party.get("name"), identifier.get("legalName")):
        if not isinstance(name, str) or not name.strip():
            continue
        found = _placed(resolver, name, day)
        if not found.placed and (short := SUFFIX.sub("", name)) != name:
            found = _placed(resolver, short, day)
        if found.placed and day.read and (when := day()) is not None:
            gone = [i for i in found.ids if not _existed(resolver, i, when)]
            if gone:
                if notes is not None:
                    notes.append(f"buyer names {', '.join(gone)}, which did not exist on {when}")
                return ()
        if found.placed:
            if notes is not None and found.agent:
                notes.append(f"agent: {found.agent} buying for {', '.join(found.ids)}")
            if notes is not None and len(found.ids) > 1:
                notes.append(f"one buyer field naming several bodies: {', '.join(found.ids)}")
            return found.ids
    return ()


def _existed(resolver: Resolver, node_id: str, day: date) -> bool:
    node = resolver.nodes.get(node_id)
    return node is None or node.valid_at(day)


def _placed(resolver: Resolver, name: str, day: _Day) -> Placement:
    """``place_name``, without reading the day when the answer does not depend on it."""
    known: Placement | None = resolver.placements.get((name, None))
    return known if known is not None else place_name(resolver, name, at=day())


def _buying_organisations(
    central: list[dict[str, Any]],
    release: dict[str, Any],
    tender: dict[str, Any],
    *,
    text: str,
    resolver: Resolver,
    day: _Day,
) -> set[str]:
    """The buying organisations a release was bought through: the ``central`` parties (named
    as central purchasing bodies) that are ones, and those a call-off's text names."""
    found: set[str] = set()
    for party in central:
        found |= {i for i in _resolve(party, resolver, day) if i.startswith("bo:")}
    details = tender.get("procurementMethodDetails")
    related = release.get("relatedProcesses") or ()
    framework = any(
        "framework" in (p.get("relationship") or ()) for p in related if isinstance(p, dict)
    )
    low = text.casefold()
    words = (
        "framework" in low or "dps" in low or "dynamic purchasing" in low or "lot" in low
    ) and FRAMEWORK_WORDS.search(low)
    if framework or (details and CALL_OFF.search(str(details))) or words:
        found |= {b for b in named_pbos(text, low) if b in resolver.ids}
    return found


def _text(release: dict[str, Any], tender: dict[str, Any]) -> str:
    related = " ".join(
        str(p.get("title") or "")
        for p in release.get("relatedProcesses") or []
        if isinstance(p, dict)
    )
    return f"{tender.get('title') or ''} {tender.get('description') or ''} {related}"


def release_day(release: dict[str, Any]) -> date | None:
    """The day a release's procurement started (its tender period's start, else the release
    date), in UK time: ``2025-02-23T23:30:00-01:00`` is 24 February in London, the day the
    Procurement Act 2023 came in. A date without a time or zone is taken as written."""
    period = _dict(_dict(release.get("tender")).get("tenderPeriod"))
    for text in (period.get("startDate"), release.get("date")):
        if (day := uk_day(text)) is not None:
            return day
    return None


def _value(release: dict[str, Any], tender: dict[str, Any]) -> float | None:
    amounts = []
    for value in [
        tender.get("value"),
        *[a.get("value") for a in release.get("awards") or [] if isinstance(a, dict)],
    ]:
        amount = _dict(value).get("amount")
        if isinstance(amount, int | float) and _dict(value).get("currency") in (None, "GBP"):
            amounts.append(float(amount))
    return max(amounts) if amounts else None


def _aggregates(state: _State, context: ParseContext) -> Iterator[Item]:
    source = (context.source,)
    linked = {p for j in state.joints.values() for p in j.participants}
    linked |= {buyer for buyer, _ in state.uses}
    if state.awards is not None:
        linked |= state.awards.buyers()
    for node_id, body in sorted(state.bodies.items()):
        if node_id in linked:  # a body that only buys alone adds nothing to the map
            yield Row(None, (replace(body, sources=(*body.sources, *source)),), counted=False)
    for joint in state.joints.values():
        node_id = "jp:" + joint.ocid.lower()
        attrs: dict[str, Scalar] = {
            "category": "other",
            "legal_basis": legal_basis(Model.JOINT_PROCUREMENT, joint.start, joint.participants),
            "evidence": ";".join(sorted(joint.ocids)),
        }
        if joint.value is not None:
            attrs["value_gbp"] = joint.value
        if joint.cpv:
            attrs["cpv"] = str(joint.cpv)
        node = Node(
            id=node_id,
            kind=NodeKind.JOINT_PROCUREMENT,
            name=joint.title,
            attrs=attrs,
            valid_from=joint.start,
            sources=source,
        )
        links = tuple(
            Link(
                from_id=p,
                kind=LinkKind.PARTICIPATES_IN,
                to_id=node_id,
                role="lead" if p == joint.lead else "partner",
                attrs={"evidence": ";".join(sorted(joint.ocids))},
                sources=source,
            )
            for p in sorted(joint.participants)
        )
        yield Row(None, (node, *links), counted=False)
    for (buyer, organisation), use in sorted(state.uses.items()):
        yield Row(None, (use_link(buyer, organisation, use, context.source),), counted=False)
    if state.awards is not None:
        for records in state.awards.records(context.source):
            yield Row(None, records, counted=False)
