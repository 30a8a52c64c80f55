"""The graph's public vocabulary: the kinds of node and link, and their records.

Records are frozen, slotted, keyword-only dataclasses. Raw input stays a plain dict until
one mapping function in ``loaders`` turns it into a ``Node`` or a ``Link``.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

Scalar = str | int | float | bool
"""An attribute value. Dates travel as ISO strings inside ``attrs``."""
HISTORY_FROM = date(2015, 4, 1)
"""The first day the bundled graph is complete for: every council that existed since then is
in it, with its dates; a body begun before then is taken as existing on any earlier day."""


class NodeKind(StrEnum):
    COUNCIL = "council"
    COMBINED_AUTHORITY = "combined_authority"
    REGION = "region"
    NATION = "nation"
    BUYING_ORGANISATION = "buying_organisation"
    """A professional buying organisation / central purchasing body (id ``bo:...``)."""
    SHARED_SERVICE = "shared_service"
    """One arrangement of two or more organisations delivering a service together (``ss:``)."""
    JOINT_PROCUREMENT = "joint_procurement"
    """One procurement run jointly by several organisations (``jp:...``)."""
    PUBLIC_BODY = "public_body"
    """A non-council partner: NHS body, police, fire, GLA, waste authority (``pb:...``)."""
    CONTRACT = "contract"
    """An awarded contract (``ct:...``): its buyer, suppliers, category, value and dates."""
    SUPPLIER = "supplier"
    """A supplier (``su:ch-<Companies House number>``, else ``su:<name>``)."""
    SCENARIO = "scenario"
    """A reorganisation or devolution scenario (``sc:...``; ``graph.scenario``): not a body,
    and linked to nothing; its definition is an attribute."""


class LinkKind(StrEnum):
    WITHIN = "within"
    """Geography: a district in its county, a council in its region or nation, a council area
    inside a combined authority as ONS draws it."""
    MEMBER_OF = "member_of"
    """Constitutional membership (role ``constituent`` or ``non_constituent``)."""
    BORDERS = "borders"
    """A shared boundary. Undirected: stored once, with ``from_id < to_id``."""
    SUCCEEDED_BY = "succeeded_by"
    """Reorganisation: the old body was replaced by the new one."""
    OWNS = "owns"
    """A council owns (founded, is a member of, holds shares in) a buying organisation."""
    PARTNER_IN = "partner_in"
    """An organisation is a partner (role ``lead`` or ``partner``) in a shared service."""
    PARTICIPATES_IN = "participates_in"
    """An organisation takes part (role ``lead`` or ``partner``) in a joint procurement."""
    BUYS_THROUGH = "buys_through"
    """A buyer uses a buying organisation (central purchasing body, framework call-offs), with
    the procurement notices behind it as evidence."""
    AWARDED = "awarded"
    """A buyer awarded a contract (buyer -> contract)."""
    SUPPLIES = "supplies"
    """A supplier holds a contract (supplier -> contract)."""
    CALLED_OFF = "called_off"
    """A contract was called off a buying organisation's framework or DPS (contract -> the
    buying organisation), with the framework's reference where given."""
    MANAGED_BY = "managed_by"
    """A joint procurement (the contract) is managed by the shared service (the partnership)
    that let it: one piece of joint working, not two."""

    @property
    def symmetric(self) -> bool:
        return self is LinkKind.BORDERS


CONTRACT_KINDS = frozenset({LinkKind.AWARDED, LinkKind.SUPPLIES, LinkKind.CALLED_OFF})
"""The links with a contract at one end: buyer -> contract, supplier -> contract, contract ->
buying organisation."""


class CouncilType(StrEnum):
    COUNTY = "county"
    DISTRICT = "district"
    UNITARY = "unitary"
    METROPOLITAN_DISTRICT = "metropolitan_district"
    LONDON_BOROUGH = "london_borough"
    WELSH_PRINCIPAL = "welsh_principal"
    SCOTTISH_COUNCIL = "scottish_council"
    NI_DISTRICT = "ni_district"


class Nation(StrEnum):
    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern_ireland"


class CombinedAuthorityType(StrEnum):
    CA = "ca"
    """A combined authority (Local Democracy, Economic Development and Construction Act 2009)."""
    CCA = "cca"
    """A combined county authority (Levelling-up and Regeneration Act 2023)."""
    CJC = "cjc"
    """A Welsh corporate joint committee (Local Government and Elections (Wales) Act 2021,
    Part 5): four, from 1 April 2021, every Welsh council in one; regional, not devolution."""


class MemberRole(StrEnum):
    CONSTITUENT = "constituent"
    NON_CONSTITUENT = "non_constituent"


class OwnerRole(StrEnum):
    FOUNDER = "founder"
    MEMBER = "member"
    SHAREHOLDER = "shareholder"


class PartnerRole(StrEnum):
    LEAD = "lead"
    PARTNER = "partner"


ROLES: dict[LinkKind, type[StrEnum]] = {
    LinkKind.MEMBER_OF: MemberRole,
    LinkKind.OWNS: OwnerRole,
    LinkKind.PARTNER_IN: PartnerRole,
    LinkKind.PARTICIPATES_IN: PartnerRole,
}
"""The roles a link kind takes; kinds not listed have none."""


class ServiceCategory(StrEnum):
    REVENUES_AND_BENEFITS = "revenues_and_benefits"
    LEGAL = "legal"
    BUILDING_CONTROL = "building_control"
    PROCUREMENT = "procurement"
    WASTE = "waste"
    ICT = "ict"
    HR = "hr"
    AUDIT = "audit"
    REGULATORY = "regulatory"
    MANAGEMENT = "management"
    PLANNING = "planning"
    FINANCE = "finance"
    ENVIRONMENTAL_HEALTH = "environmental_health"
    TRADING_STANDARDS = "trading_standards"
    HIGHWAYS = "highways"
    SOCIAL_CARE = "social_care"
    """Adult and children's social care, adoption and fostering, health and care integration."""
    ENERGY = "energy"
    TRANSPORT = "transport"
    EDUCATION = "education"
    HOUSING = "housing"
    PARKING = "parking"
    EMERGENCY_PLANNING = "emergency_planning"
    ECONOMIC_DEVELOPMENT = "economic_development"
    """City and growth deals, economic joint committees and partnerships."""
    COMMUNITY_SAFETY = "community_safety"
    """Youth justice, community safety, CCTV."""
    PUBLIC_HEALTH = "public_health"
    ENVIRONMENT = "environment"
    """Ecology, coastal protection, flood risk."""
    CONSTRUCTION = "construction"
    """Construction and works frameworks."""
    VALUATION = "valuation"
    """Council tax and non-domestic rates valuation and electoral registration (Scotland's
    valuation joint boards)."""
    OTHER = "other"


class SavingsKind(StrEnum):
    """What a published saving is."""

    ANNUAL = "annual"
    """A yearly saving achieved (in ``savings_year``)."""
    PROJECTED_ANNUAL = "projected_annual"
    """A yearly saving planned or forecast, not yet shown to be achieved."""
    CUMULATIVE = "cumulative"
    """The total saved over several years (to ``savings_year``)."""
    ONE_OFF = "one_off"


class ValueKind(StrEnum):
    """What a published contract value is."""

    CONTRACT_VALUE = "contract_value"
    """The whole contract's value as awarded."""
    ESTIMATED_VALUE = "estimated_value"
    """An estimate before award (a notice's estimated value)."""
    TOP_OF_RANGE = "top_of_range"
    """The top of a published range (a framework's ceiling)."""
    ANNUAL_VALUE = "annual_value"
    INVESTMENT_TOTAL = "investment_total"
    """A programme's or facility's total investment, not what the contract pays."""


class DeliveryModel(StrEnum):
    SHARED_MANAGEMENT = "shared_management"
    JOINT_COMMITTEE = "joint_committee"
    LEAD_AUTHORITY = "lead_authority"
    JOINTLY_OWNED_COMPANY = "jointly_owned_company"
    OTHER = "other"


class LegalForm(StrEnum):
    JOINT_COMMITTEE = "joint_committee"
    COMPANY = "company"
    EXECUTIVE_AGENCY = "executive_agency"
    LEAD_AUTHORITY_SERVICE = "lead_authority_service"
    OTHER = "other"


class PublicBodyType(StrEnum):
    NHS = "nhs"
    POLICE = "police"
    FIRE = "fire"
    GLA = "gla"
    WASTE_AUTHORITY = "waste_authority"
    CENTRAL_GOVERNMENT = "central_government"
    """A UK government department or executive agency, a devolved government or one of its
    departments."""
    NATIONAL_PARK_AUTHORITY = "national_park_authority"
    """A national park authority (or the Broads Authority, which has the same standing): a
    special-purpose local planning authority, not a council."""
    OTHER = "other"


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class Source:
    """Where a record came from: a dataset id and its vintage (``ons-ltla25@2025``)."""

    dataset: str
    vintage: str

    def __str__(self) -> str:
        return f"{self.dataset}@{self.vintage}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    id: str
    kind: NodeKind
    name: str
    attrs: Mapping[str, Scalar] = field(default_factory=dict)
    valid_from: date | None = None
    valid_to: date | None = None
    """The last day the body existed (inclusive); ``None`` while it exists."""
    sources: tuple[Source, ...] = ()

    def valid_at(self, day: date) -> bool:
        return _valid_at(self.valid_from, self.valid_to, day)


LinkKey = tuple[str, LinkKind, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    from_id: str
    kind: LinkKind
    to_id: str
    role: str | None = None
    attrs: Mapping[str, Scalar] = field(default_factory=dict)
    valid_from: date | None = None
    valid_to: date | None = None
    sources: tuple[Source, ...] = ()

    @property
    def key(self) -> LinkKey:
        return (self.from_id, self.kind, self.to_id)

    def valid_at(self, day: date) -> bool:
        return _valid_at(self.valid_from, self.valid_to, day)

    def canonical(self) -> Link:
        """The same link in its stored orientation (undirected kinds: ``from_id < to_id``)."""
        if self.kind.symmetric and self.to_id < self.from_id:
            return dataclasses.replace(self, from_id=self.to_id, to_id=self.from_id)
        return self


def _valid_at(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


def merge_sources(old: tuple[Source, ...], new: tuple[Source, ...]) -> tuple[Source, ...]:
    return old + tuple(s for s in new if s not in old)


def merged_node(old: Node, new: Node) -> Node:
    """``old`` updated with what ``new`` says; attributes ``new`` does not give are kept."""
    attrs = {**old.attrs, **new.attrs}
    if "evidence" in old.attrs and "evidence" in new.attrs:
        attrs |= _merged_evidence(old.attrs, new.attrs)
    return Node(
        id=old.id,
        kind=new.kind,
        name=new.name,
        attrs=attrs,
        valid_from=new.valid_from or old.valid_from,
        valid_to=new.valid_to or old.valid_to,
        sources=merge_sources(old.sources, new.sources),
    )


def merged_link(old: Link, new: Link) -> Link:
    attrs = {**old.attrs, **new.attrs}
    valid_from = new.valid_from or old.valid_from
    if "evidence" in old.attrs and "evidence" in new.attrs:
        attrs |= _merged_evidence(old.attrs, new.attrs)
        if old.valid_from and new.valid_from:
            valid_from = min(old.valid_from, new.valid_from)
    return Link(
        from_id=old.from_id,
        kind=old.kind,
        to_id=old.to_id,
        role=new.role or old.role,
        attrs=attrs,
        valid_from=valid_from,
        valid_to=new.valid_to or old.valid_to,
        sources=merge_sources(old.sources, new.sources),
    )


def _merged_evidence(old: Mapping[str, Scalar], new: Mapping[str, Scalar]) -> dict[str, Scalar]:
    """Evidence from two loads (say January's notices, then February's) added up.

    The OCIDs are united; counts and dates follow. A total value is summed when the two loads
    share no notice and kept when one holds the other (a file loaded again); for a partial
    overlap the larger total is kept, as the values of single notices are not stored.
    """
    old_ids, new_ids = (set(str(a["evidence"]).split(";")) - {""} for a in (old, new))
    merged: dict[str, Scalar] = {"evidence": ";".join(sorted(old_ids | new_ids))}
    if "notices" in old or "notices" in new:
        merged["notices"] = len(old_ids | new_ids)
    if "total_value_gbp" in old and "total_value_gbp" in new:
        a, b = float(old["total_value_gbp"]), float(new["total_value_gbp"])
        merged["total_value_gbp"] = a + b if not old_ids & new_ids else max(a, b)
    for key, pick in (("first_date", min), ("last_date", max)):
        days = [str(x[key]) for x in (old, new) if key in x]
        if days:
            merged[key] = pick(days)
    frameworks = {f for x in (old, new) for f in str(x.get("frameworks", "")).split(";") if f}
    if frameworks:
        merged["frameworks"] = ";".join(sorted(frameworks))
    return merged


@dataclass(frozen=True, slots=True, kw_only=True)
class ContractRow:
    """What the contract questions read of one contract (no sources, notes or evidence): a
    store answers them with rows, so that a council's questions never build a graph of the
    thousands of contracts around it."""

    id: str
    name: str
    category: str | None
    cpv_division: str | None
    start_date: str | None
    end_date: str | None
    """ISO days, as stored."""
    value_gbp: float | None
    buyers: tuple[str, ...]
    suppliers: tuple[tuple[str, str], ...]
    """``(id, name)`` of each supplier."""
    frameworks: tuple[str, ...]
    """``BO:REFERENCE`` of each framework it was called off (``BO`` alone without one)."""


def contract_row(
    id: str,
    name: str,
    attrs: Mapping[str, Any],
    *,
    buyers: Iterable[str],
    suppliers: Iterable[tuple[str, str]],
    called_off: Iterable[tuple[str, Any]],
) -> ContractRow:
    """One contract's row from its attributes, the ids of its buyers, its suppliers' ids and
    names, and ``(buying organisation, frameworks)`` of each ``called_off`` link (its
    ``frameworks`` attribute: references separated by ``;``)."""
    value = attrs.get("value_gbp")
    return ContractRow(
        id=id,
        name=name,
        category=_text(attrs.get("category")),
        cpv_division=_text(attrs.get("cpv_division")),
        start_date=_text(attrs.get("start_date")),
        end_date=_text(attrs.get("end_date")),
        value_gbp=float(value) if value not in (None, "") else None,
        buyers=tuple(sorted(set(buyers))),
        suppliers=tuple(sorted(set(suppliers))),
        frameworks=tuple(sorted({f for bo, refs in called_off for f in framework_keys(bo, refs)})),
    )  # fmt: skip


def framework_keys(bo: str, refs: Any) -> list[str]:
    """``BO:REFERENCE`` for each of the references (separated by ``;``) of a ``called_off``
    link's ``frameworks``; ``BO`` alone when it has none."""
    return [f"{bo}:{ref}" if ref else bo for ref in str(refs or "").split(";")]


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


KINDS_OF_MATCH = ("same_supplier", "ending_together", "same_framework")
"""What another body's contract can share with one of a council's (``ContractProbe.match``)."""


def month_of(day: str) -> int:
    """``2024-02-29`` -> the month's number since year 0 (``2024 * 12 + 1``)."""
    return int(day[:4]) * 12 + int(day[5:7]) - 1


def month_key(month: int) -> str:
    """The ``YYYY-MM`` of a ``month_of`` number."""
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ContractProbe:
    """One body's contracts in the form other bodies' are compared with (``GraphStore.
    compare_contracts``): counts, so that a store compares each of theirs with all of ours
    by looking numbers up, never pair by pair.

    A contract of theirs in CPV division ``d`` ending in month ``m`` makes, with ours:
    ``same_supplier`` pairs: ours in ``d`` with each supplier they share
    (``suppliers[d][supplier]``, summed over its suppliers); ``ending_together`` pairs: ours in
    ``d`` ending within ``months`` calendar months of ``m`` (``ending[d][m]``);
    ``same_framework`` pairs: ours called off each framework it was (``frameworks``)."""

    buyer: str
    months: int
    category: str | None
    """Only contracts of this CPV division are compared (``None``: every one)."""
    suppliers: dict[str, dict[str, int]]
    ending: dict[str, dict[str, int]]
    frameworks: dict[str, int]

    @classmethod
    def of(
        cls, buyer: str, ours: Iterable[ContractRow], months: int, category: str | None = None
    ) -> ContractProbe:
        suppliers: dict[str, dict[str, int]] = {}
        ends: dict[str, dict[int, int]] = {}
        frameworks: dict[str, int] = {}
        for row in ours:
            division = row.cpv_division
            if category is not None and division != category:
                continue
            if division:
                for supplier, _ in row.suppliers:
                    counts = suppliers.setdefault(division, {})
                    counts[supplier] = counts.get(supplier, 0) + 1
                if row.end_date:
                    end = month_of(row.end_date)
                    by_month = ends.setdefault(division, {})
                    by_month[end] = by_month.get(end, 0) + 1
            for framework in row.frameworks:
                frameworks[framework] = frameworks.get(framework, 0) + 1
        ending = {division: _within(by_month, months) for division, by_month in ends.items()}
        return cls(buyer=buyer, months=months, category=category, suppliers=suppliers,
                   ending=ending, frameworks=frameworks)  # fmt: skip

    def supplier_divisions(self) -> dict[str, set[str]]:
        """Each of its suppliers and the CPV divisions ours buy from it (what a store follows
        further afield)."""
        out: dict[str, set[str]] = {}
        for division, suppliers in self.suppliers.items():
            for supplier in suppliers:
                out.setdefault(supplier, set()).add(division)
        return out

    def match(
        self,
        division: str | None,
        end_date: str | None,
        suppliers: Iterable[str],
        frameworks: Iterable[str],
    ) -> tuple[int, int, int]:
        """The pairs one contract of theirs makes with ours, of each ``KINDS_OF_MATCH``."""
        if self.category is not None and division != self.category:
            return 0, 0, 0
        by_supplier = self.suppliers.get(division or "", {})
        same = sum(by_supplier.get(s, 0) for s in suppliers)
        together = self.ending.get(division or "", {}).get(end_date[:7], 0) if end_date else 0
        framework = sum(self.frameworks.get(f, 0) for f in frameworks)
        return same, together, framework


def _within(ends: Mapping[int, int], months: int) -> dict[str, int]:
    """For each month (``YYYY-MM``), how many of ``ends`` (contracts ending, by ``month_of``)
    end within ``months`` of it: a window slid along the months, one step each.

    >>> _within({month_of("2026-01-15"): 1, month_of("2026-03-31"): 2}, 1)
    {'2025-12': 1, '2026-01': 1, '2026-02': 3, '2026-03': 2, '2026-04': 2}
    """
    out: dict[str, int] = {}
    inside = 0
    for m in range(min(ends) - months, max(ends) + months + 1):
        inside += ends.get(m + months, 0) - ends.get(m - months - 1, 0)
        if inside:
            out[month_key(m)] = inside
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class BodyMatches:
    """How another body's contracts match a ``ContractProbe``: the pairs of each kind, and
    its first contracts (by end date) that make pairs of each kind, as rows."""

    body: str
    pairs: dict[str, int]
    examples: dict[str, tuple[ContractRow, ...]]


class MatchTally:
    """Adds up ``ContractProbe.match`` per body, keeping the first ``first`` contracts of each
    kind by end date (no end date last), for a store that compares in Python."""

    def __init__(self, first: int) -> None:
        self.first = first
        self._pairs: dict[str, list[int]] = {}
        self._candidates: dict[tuple[str, int], list[tuple[bool, str, str]]] = {}

    def add(self, body: str, contract: str, end_date: str | None, counts: tuple[int, ...]) -> None:
        if not any(counts):
            return
        total = self._pairs.setdefault(body, [0, 0, 0])
        for i, n in enumerate(counts):
            if n:
                total[i] += n
                self._candidates.setdefault((body, i), []).append(
                    (end_date is None, end_date or "", contract)
                )

    def wanted(self) -> set[str]:
        """The contracts to give as examples (``result`` needs their rows)."""
        return {c for found in self._candidates.values() for *_, c in self._first(found)}

    def result(self, rows: Mapping[str, ContractRow]) -> list[BodyMatches]:
        out = []
        for body in sorted(self._pairs):
            pairs = {k: n for k, n in zip(KINDS_OF_MATCH, self._pairs[body], strict=True) if n}
            examples = {
                kind: tuple(rows[c] for *_, c in self._first(self._candidates[(body, i)]))
                for i, kind in enumerate(KINDS_OF_MATCH) if (body, i) in self._candidates
            }  # fmt: skip
            out.append(BodyMatches(body=body, pairs=pairs, examples=examples))
        return out

    def _first(self, found: list[tuple[bool, str, str]]) -> list[tuple[bool, str, str]]:
        return heapq.nsmallest(self.first, found)


def compare_rows(
    probe: ContractProbe,
    near: Mapping[str, Iterable[ContractRow]],
    supplied: Mapping[str, Iterable[ContractRow]],
    first: int,
) -> list[BodyMatches]:
    """``GraphStore.compare_contracts`` over rows (both stores, and a hand-made graph in
    ``opportunities``) valid on the day: ``near``, each near body's
    contracts; ``supplied``, the contracts of each supplier followed further afield (those in
    the divisions ours buy from it count, for their buyers outside the near bodies). A
    contract our buyer awarded too is left out; each contract is counted once per body."""
    tally = MatchTally(first)
    known: dict[str, tuple[int, int, int]] = {}
    rows: dict[str, ContractRow] = {}

    def count(body: str, row: ContractRow) -> None:
        if row.id not in known:
            rows[row.id] = row
            known[row.id] = probe.match(row.cpv_division, row.end_date,
                                        (s for s, _ in row.suppliers), row.frameworks)  # fmt: skip
        tally.add(body, row.id, row.end_date, known[row.id])

    outside = {probe.buyer, *near}
    for body in sorted(set(near) - {probe.buyer}):
        for row in near[body]:
            if probe.buyer not in row.buyers:
                count(body, row)
    divisions = probe.supplier_divisions()
    followed: set[str] = set()
    for supplier in sorted(supplied):
        among = divisions.get(supplier, set())
        for row in supplied[supplier]:
            if row.id in followed or row.cpv_division not in among or probe.buyer in row.buyers:
                continue
            followed.add(row.id)
            for buyer in row.buyers:
                if buyer not in outside:
                    count(buyer, row)
    return tally.result({c: rows[c] for c in tally.wanted()})
