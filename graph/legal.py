"""The legal basis of each model of joint working, decided by the start of the arrangement.

England, Wales and Northern Ireland: the Public Contracts Regulations 2015 until the
Procurement Act 2023 came into force on 24 February 2025; a procurement started before then
stays under the 2015 rules. Scotland: the Public Contracts (Scotland) Regulations 2015 (the
2023 Act does not apply there).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from graph.ids import is_gss

PROCUREMENT_ACT_IN_FORCE = date(2025, 2, 24)


class Model(StrEnum):
    CENTRAL_PURCHASING = "central_purchasing"
    JOINT_PROCUREMENT = "joint_procurement"
    SHARED_SERVICE = "shared_service"


BASES = {
    Model.CENTRAL_PURCHASING: (
        "PCR 2015 reg 37 (central purchasing bodies)",
        "Procurement Act 2023 s.1(3)(b) and (4) (centralised procurement authority)",
        "Public Contracts (Scotland) Regulations 2015 (central purchasing bodies)",
    ),
    Model.JOINT_PROCUREMENT: (
        "PCR 2015 reg 38 (occasional joint procurement)",
        "Procurement Act 2023 s.1(3)(a) (acting jointly with another authority)",
        "Public Contracts (Scotland) Regulations 2015 (occasional joint procurement)",
    ),
    Model.SHARED_SERVICE: (
        "PCR 2015 reg 12 (contracts between entities in the public sector)",
        "Procurement Act 2023 Schedule 2 paras 2-3 (vertical and horizontal arrangements)",
        "Public Contracts (Scotland) Regulations 2015 reg 13 (contracts between entities "
        "within the public sector)",
    ),
}


def legal_basis(model: Model, start: date | None, partner_ids: Iterable[str]) -> str:
    """The legal basis of an arrangement of ``model`` that started on ``start``.

    Scottish rules apply when every partner with a GSS code is Scottish (``S...``).
    """
    before, after, scotland = BASES[model]
    codes = [p for p in partner_ids if is_gss(p)]
    if codes and all(c.startswith("S") for c in codes):
        return scotland
    if start is None:
        return f"{before}, or {after} if it started on or after {PROCUREMENT_ACT_IN_FORCE}"
    return before if start < PROCUREMENT_ACT_IN_FORCE else after
