"""Frameworks and dynamic purchasing systems: the buying organisations a call-off names, the
framework references it gives, and the ``buys_through`` link that adds a buyer's call-offs up
(the OCDS and Contracts Finder loaders share them)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from graph.legal import PROCUREMENT_ACT_IN_FORCE, Model, legal_basis
from graph.model import Link, LinkKind, Scalar, Source

PBO_PATTERNS: dict[str, re.Pattern[str]] = {
    "bo:espo": re.compile(r"\bESPO\b|Eastern Shires Purchasing", re.I),
    "bo:ypo": re.compile(r"\bYPO\b|Yorkshire Purchasing Organisation", re.I),
    "bo:nepo": re.compile(r"\bNEPO\b|North East Procurement Organisation", re.I),
    "bo:ccs": re.compile(r"\bCCS\b|Crown Commercial Service|\bRM\s?\d{4}\b", re.I),
    "bo:scotland-excel": re.compile(r"\bScotland Excel\b", re.I),
    "bo:lhc": re.compile(r"\bLHC\b", re.I),
    "bo:cbc": re.compile(r"Central Buying Consortium", re.I),
    "bo:fusion21": re.compile(r"\bFusion ?21\b", re.I),
    "bo:pagabo": re.compile(r"\bPagabo\b", re.I),
    "bo:scape": re.compile(r"\bSCAPE\b", re.I),
    "bo:procurement-for-housing": re.compile(r"Procurement for Housing", re.I),
    "bo:west-mercia-energy": re.compile(r"West Mercia Energy", re.I),
}
"""Buying organisations recognised by name in call-off notices (only those in the graph)."""
PBO_WORDS: dict[str, tuple[str, ...]] = {
    "bo:espo": ("espo", "eastern shires"),
    "bo:ypo": ("ypo", "yorkshire purchasing"),
    "bo:nepo": ("nepo", "north east procurement"),
    "bo:ccs": ("ccs", "crown commercial", "rm"),
    "bo:scotland-excel": ("scotland excel",),
    "bo:lhc": ("lhc",),
    "bo:cbc": ("central buying",),
    "bo:fusion21": ("fusion",),
    "bo:pagabo": ("pagabo",),
    "bo:scape": ("scape",),
    "bo:procurement-for-housing": ("procurement for housing",),
    "bo:west-mercia-energy": ("west mercia",),
}
"""Words each pattern needs (lower case): a notice that has none of them is not searched."""

FRAMEWORK_REFS = (
    re.compile(r"\b(RM)\s?(\d{4})\b", re.I),
    re.compile(r"\b()(\d{3,4}_\d{2})\b"),
    re.compile(r"\b(YPO|NEPO|LHC)\b\D{0,25}?\b(?!(?:19|20)\d\d\b)(\d{3,4})\b", re.I),
)
"""Framework references: CCS ``RM6187``, ESPO ``509_23``, ``YPO 772`` (a year is not one:
"YPO 2022" is a date in the 2022 export, not a framework)."""


@dataclass(slots=True)
class Use:
    """A buyer's call-offs from one buying organisation, added up."""

    notices: set[str] = field(default_factory=set)
    values: dict[str, float] = field(default_factory=dict)
    first: date | None = None
    last: date | None = None
    frameworks: set[str] = field(default_factory=set)

    def add(self, ocid: str, day: date | None, value: float | None, refs: set[str]) -> None:
        self.notices.add(ocid)
        if value is not None:
            self.values[ocid] = max(value, self.values.get(ocid, 0.0))
        if day is not None:
            self.first = day if self.first is None else min(self.first, day)
            self.last = day if self.last is None else max(self.last, day)
        self.frameworks |= refs


def framework_refs(text: str) -> set[str]:
    """The framework references in ``text`` (``RM6187``, ``YPO 772``, ``509_23``).

    >>> sorted(framework_refs("Call-off from YPO framework 1036, RM 6187 and ESPO 509_23"))
    ['509_23', 'RM6187', 'YPO 1036']
    >>> sorted(framework_refs("YPO 2022 - Furniture (NEPO, lot 3)"))
    []
    """
    refs = set()
    for pattern in FRAMEWORK_REFS:
        for owner, number in pattern.findall(text):
            name = owner.upper()
            refs.add(f"{name}{number}" if name == "RM" else f"{name} {number}".strip())
    return refs


def named_pbos(text: str, low: str | None = None) -> set[str]:
    """The buying organisations ``text`` names (``low``: its lower case, when the caller has
    it); a pattern is tried only when one of its words is there."""
    low = text.casefold() if low is None else low
    return {
        b
        for b, pattern in PBO_PATTERNS.items()
        if any(w in low for w in PBO_WORDS[b]) and pattern.search(text)
    }


def call_off_basis(first: date | None, buyer: str) -> str:
    """By the first notice's date; a notice cannot tell when the framework was set up, and a
    call-off from a framework set up before the 2023 Act came in stays under PCR 2015."""
    basis = legal_basis(Model.CENTRAL_PURCHASING, first, [buyer])
    if first is not None and first >= PROCUREMENT_ACT_IN_FORCE and not buyer.startswith("S"):
        before = legal_basis(Model.CENTRAL_PURCHASING, date(2000, 1, 1), [buyer])
        basis += f", or {before} for a framework set up before {PROCUREMENT_ACT_IN_FORCE}"
    return basis


def use_link(buyer: str, organisation: str, use: Use, source: Source) -> Link:
    """The ``buys_through`` link of ``use``: notices, total value, dates, frameworks."""
    evidence: dict[str, Scalar] = {
        "notices": len(use.notices),
        "total_value_gbp": sum(use.values.values()),
        "evidence": ";".join(sorted(use.notices)),
        "legal_basis": call_off_basis(use.first, buyer),
    }
    if use.first is not None and use.last is not None:
        evidence |= {"first_date": use.first.isoformat(), "last_date": use.last.isoformat()}
    if use.frameworks:
        evidence["frameworks"] = ";".join(sorted(use.frameworks))
    return Link(
        from_id=buyer,
        kind=LinkKind.BUYS_THROUGH,
        to_id=organisation,
        attrs=evidence,
        valid_from=use.first,
        sources=(source,),
    )
