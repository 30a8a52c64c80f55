"""Suppliers as nodes: one per company, whatever the spelling (``su:ch-<Companies House
number>``), else per charity number or per name with its legal form dropped; the spellings
seen are remembered, and each supplier node is given once at the end of a file."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from graph.model import Node, NodeKind, Scalar, Source

NOT_A_NAME = re.compile(r"[^a-z0-9]+")
NO_SUPPLIER = frozenset({"not awarded to supplier", "n/a", "na", "none", "tbc", "various",
                         "various suppliers", "unknown"})  # fmt: skip
"""What exports write where there is no supplier."""
LEGAL_FORMS = re.compile(r"\b(limited|ltd|plc|llp|llc|inc|the|uk|group|co|company)\b")


@dataclass(slots=True)
class _Supplier:
    names: Counter[str] = field(default_factory=Counter)
    companies_house: str | None = None
    charity: str | None = None
    sme: bool = False


@dataclass(slots=True)
class Suppliers:
    """The suppliers a file names, by id."""

    known: dict[str, _Supplier] = field(default_factory=dict)

    def add(
        self, name: str, *, companies_house: str = "", charity: str = "", sme: bool = False
    ) -> str | None:
        """The id of the supplier ``name`` (with its number, where given); ``None`` for a
        name with nothing to go on."""
        name = " ".join(name.split())
        if name.casefold() in NO_SUPPLIER:
            return None
        number = "".join(companies_house.split()).upper()
        if number:
            number = number.zfill(8) if number.isdigit() else number
            supplier_id = f"su:ch-{number.lower()}"
        elif charity.strip():
            supplier_id = f"su:cc-{''.join(charity.split()).lower()}"
        else:
            slug = NOT_A_NAME.sub("-", LEGAL_FORMS.sub(" ", name.casefold())).strip("-")
            if not slug:
                return None
            supplier_id = f"su:{slug[:150]}"
        known = self.known.setdefault(supplier_id, _Supplier())
        if name:
            known.names[name] += 1
        if number:
            known.companies_house = number
        elif charity.strip():
            known.charity = "".join(charity.split())
        known.sme = known.sme or sme
        return supplier_id

    def nodes(self, source: Source) -> Iterator[Node]:
        for supplier_id, known in sorted(self.known.items()):
            name = known.names.most_common(1)[0][0] if known.names else supplier_id
            attrs: dict[str, Scalar] = {"sme": known.sme}
            if len(known.names) > 1:
                attrs["other_names"] = ";".join(sorted(set(known.names) - {name}))
            if known.companies_house:
                attrs["companies_house"] = known.companies_house
            if known.charity:
                attrs["charity_number"] = known.charity
            yield Node(id=supplier_id, kind=NodeKind.SUPPLIER, name=name, attrs=attrs,
                       sources=(source,))  # fmt: skip
