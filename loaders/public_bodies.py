"""Public buyers that are not councils, known from the bundled registers
(``loaders.registers``): by name through the resolver, or by the register identifier a notice
gives (``GB-GOR`` for the UK Government Organisation Register, ``GB-NHS`` for an NHS ODS
code). A body's id follows its register (``pb:nhs-rnq``, ``pb:gov-department-for-education``);
a name or code no register holds stays unresolved and is listed in the load report.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from loaders.registers import register_bodies

SCHEMES = {"GB-GOR": ("gov-uk-organisations",), "GB-NHS": ("ods-etr", "ons-icb-2024",
           "nhs-wales-lhb")}  # fmt: skip
"""The identifier schemes notices use (org-id.guide) and the registers whose codes they are."""


@cache
def by_code() -> dict[tuple[str, str], str]:
    """(scheme, code in upper case) -> the body's id."""
    index: dict[tuple[str, str], str] = {}
    for body in register_bodies():
        code = str(body.attrs.get("code") or "").upper()
        for scheme, registers in SCHEMES.items():
            if code and body.attrs.get("register") in registers:
                index.setdefault((scheme, code), body.id)
    return index


def identified(party: dict[str, Any]) -> str | None:
    """The register body a party's identifier names (``{"scheme": "GB-GOR", "id": "D6"}``)."""
    identifier = party.get("identifier")
    if not isinstance(identifier, dict):
        return None
    scheme, code = identifier.get("scheme"), identifier.get("id")
    if not isinstance(scheme, str) or not isinstance(code, str):
        return None
    return by_code().get((scheme.strip().upper(), code.strip().upper()))
