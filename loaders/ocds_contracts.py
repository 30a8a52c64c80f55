"""Awarded contracts in OCDS notices: each active award of a release whose buyers are known
becomes a ``contract`` (``ct:<award id>``) with ``awarded`` from its buyers, ``supplies`` from
its suppliers (by Companies House number where the notice gives a ``GB-COH`` identifier) and
``called_off`` to the buying organisations it was bought through; later releases of the same
award (its contract, amendments) update its value and dates. Held per file as compact records
and given at its end, as the notice loader's other aggregates are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from graph.cpv import codes, division
from graph.model import Link, LinkKind, Node, NodeKind, Scalar, Source
from loaders.suppliers import Suppliers

UK_TIME = ZoneInfo("Europe/London")
"""Notices are dated in UK time, whatever offset a publisher writes."""
NOT_ID = re.compile(r"[^a-z0-9._-]+")
ENDED = frozenset({"cancelled", "unsuccessful"})


@dataclass(slots=True)
class _Award:
    title: str
    notice: str
    buyers: set[str] = field(default_factory=set)
    suppliers: set[str] = field(default_factory=set)
    organisations: set[str] = field(default_factory=set)
    frameworks: set[str] = field(default_factory=set)
    value: float | None = None
    awarded: date | None = None
    start: date | None = None
    end: date | None = None
    cpv: str | None = None


@dataclass(slots=True)
class Awards:
    """A file's awarded contracts and their suppliers."""

    awards: dict[str, _Award] = field(default_factory=dict)
    suppliers: Suppliers = field(default_factory=Suppliers)

    def add(
        self,
        release: dict[str, Any],
        *,
        buyers: set[str],
        organisations: set[str],
        frameworks: set[str],
    ) -> None:
        """The release's active awards (and its contracts' periods and values)."""
        awards = [a for a in release.get("awards") or () if isinstance(a, dict)]
        contracts = {str(c.get("awardID")): c for c in release.get("contracts") or ()
                     if isinstance(c, dict)}  # fmt: skip
        if not awards and not contracts:
            return
        parties = {str(p.get("id")): p for p in release.get("parties") or () if isinstance(p, dict)}
        tender = _mapping(release.get("tender"))
        cpv = _cpv(tender)
        for award in awards:
            if str(award.get("status") or "active") in ENDED or not award.get("id"):
                continue
            key = _contract_id(str(award["id"]))
            known = self.awards.get(key)
            if known is None:
                title = str(award.get("title") or tender.get("title") or release.get("ocid"))
                known = self.awards[key] = _Award(title=title, notice=str(release.get("ocid")))
            known.buyers |= buyers
            known.organisations |= organisations
            known.frameworks |= frameworks
            known.cpv = known.cpv or cpv
            for supplier in award.get("suppliers") or ():
                if isinstance(supplier, dict):
                    found = self._supplier(supplier, parties)
                    if found is not None:
                        known.suppliers.add(found)
            _update(known, award.get("value"), award.get("contractPeriod"))
            known.awarded = known.awarded or uk_day(award.get("date"))
        for award_id, contract in contracts.items():
            known = self.awards.get(_contract_id(award_id))
            if known is not None:
                _update(known, contract.get("value"), contract.get("period"))

    def _supplier(self, supplier: dict[str, Any], parties: dict[str, dict[str, Any]]) -> str | None:
        party = parties.get(str(supplier.get("id")), {})
        number = ""
        for identifier in [party.get("identifier"), *(party.get("additionalIdentifiers") or ())]:
            if isinstance(identifier, dict) and identifier.get("scheme") == "GB-COH":
                number = str(identifier.get("id") or "")
                break
        scale = str(_mapping(party.get("details")).get("scale") or "").casefold()
        name = str(supplier.get("name") or party.get("name") or "")
        return self.suppliers.add(name, companies_house=number, sme=scale in ("sme", "small"))

    def buyers(self) -> set[str]:
        """Every body that awarded a contract of the file."""
        return {b for award in self.awards.values() for b in award.buyers}

    def records(self, source: Source) -> Iterator[tuple[Node | Link, ...]]:
        """Each contract with its links, then each supplier."""
        for key, award in sorted(self.awards.items()):
            if not award.buyers or (award.start and award.end and award.end < award.start):
                continue  # no known buyer, or a notice's own contradiction: no dates to draw
            attrs: dict[str, Scalar] = {"notice": award.notice}
            if award.cpv:
                attrs["cpv"] = award.cpv
                if (found := division(award.cpv)) is not None:
                    attrs["cpv_division"], attrs["category"] = found
            if award.value is not None:
                attrs["value_gbp"] = award.value
            for name, day in (("awarded_date", award.awarded), ("start_date", award.start),
                              ("end_date", award.end)):  # fmt: skip
                if day is not None:
                    attrs[name] = day.isoformat()
            if award.frameworks:
                attrs["frameworks"] = ";".join(sorted(award.frameworks))
            node = Node(id=key, kind=NodeKind.CONTRACT, name=award.title, attrs=attrs,
                        valid_from=award.start or award.awarded, valid_to=award.end,
                        sources=(source,))  # fmt: skip
            links = [Link(from_id=b, kind=LinkKind.AWARDED, to_id=key, role="buyer",
                          sources=(source,)) for b in sorted(award.buyers)]  # fmt: skip
            links += [Link(from_id=s, kind=LinkKind.SUPPLIES, to_id=key, sources=(source,))
                      for s in sorted(award.suppliers)]  # fmt: skip
            links += [Link(from_id=key, kind=LinkKind.CALLED_OFF, to_id=o, sources=(source,))
                      for o in sorted(award.organisations)]  # fmt: skip
            yield (node, *links)
        for supplier in self.suppliers.nodes(source):
            yield (supplier,)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _contract_id(award_id: str) -> str:
    return "ct:" + NOT_ID.sub("-", award_id.casefold()).strip("-.")[:190]


def _cpv(tender: dict[str, Any]) -> str | None:
    classification = tender.get("classification")
    if isinstance(classification, dict) and classification.get("scheme") == "CPV":
        found = codes(str(classification.get("id") or ""))
        if found:
            return found[0]
    for item in tender.get("items") or ():
        inner = _mapping(_mapping(item).get("classification"))
        found = codes(str(inner.get("id") or "")) if inner.get("scheme") == "CPV" else []
        if found:
            return found[0]
    return None


def _update(award: _Award, value: Any, period: Any) -> None:
    amount = _mapping(value).get("amount")
    if isinstance(amount, int | float) and _mapping(value).get("currency") in (None, "GBP"):
        award.value = float(amount)
    if isinstance(period, dict):
        award.start = uk_day(period.get("startDate")) or award.start
        award.end = uk_day(period.get("endDate")) or award.end


def uk_day(text: Any) -> date | None:
    """The day of an OCDS date-time in UK time (``2025-02-23T23:30:00-01:00`` is 24 February
    in London); a date without a time or zone is taken as written; ``None`` if unreadable."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UK_TIME)
    return moment.date()
