"""Combined authorities over time, for ``compile_bundled.py``: each authority dated by its
establishment order (the former ones and those of 2026 included) and its constituent members
dated, from the hand-compiled ``loaders/bundled/history/`` register (``RESEARCH_CA.md`` says how
each row was checked).

- An authority is a node from the day its order brought it into being (``established``) to its
  last day (``abolished``); ``verified`` ``no`` rows are kept in the register but not bundled.
- An authority without an ONS code yet gets ``ca:`` and a slug of its name.
- Membership rows under a council's former code (Barnsley's E08000016 before 1 April 2025) are
  the council of today's code, the periods joined.
- The area of an authority (``within``) is ONS's lookup for today's authorities; for the others
  it is their members' areas (a county member's districts), dated as the membership.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

Row = dict[str, str]

HISTORY = Path(__file__).resolve().parents[1] / "loaders" / "bundled" / "history"


def read(name: str) -> list[Row]:
    with (HISTORY / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def ca_id(row: Row) -> str:
    """The authority's ONS code, else ``ca:`` and a slug of its name."""
    return row["id"] or "ca:" + re.sub(r"[^a-z0-9]+", "-", row["name"].lower()).strip("-")


def authorities(source: str) -> list[Row]:
    """The bundled authorities (``verified`` yes or partial; ``no`` rows stay in the register
    only) as ``nodes.csv`` rows."""
    rows = []
    for r in read("combined_authorities.csv"):
        if r["verified"] == "no":
            continue
        note = f"{r['order']}. {r['note']}".strip()
        rows.append(
            {
                "id": ca_id(r),
                "kind": "combined_authority",
                "name": r["name"],
                "official_name": r["official_name"],
                "nation": "wales" if r["ca_type"] == "cjc" else "england",
                "ca_type": r["ca_type"],
                "mayoral": r["mayoral"],
                "valid_from": r["established"],
                "valid_to": r["abolished"],
                "source_url": r["order_url"] or r["source_url"],
                "verified": r["verified"],
                "note": note,
                "sources": source,
            }
        )
    return rows


def memberships(source: str, current_code: dict[str, str], bundled: set[str]) -> list[Row]:
    """``member_of`` rows, dated, one per council and authority and continuous period."""
    ids = {r["name"]: ca_id(r) for r in read("combined_authorities.csv")}
    periods: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for r in read("ca_members.csv"):
        ca = r["ca_id"] or ids[r["ca_name"]]
        if ca not in bundled:
            continue
        member = current_code.get(r["member_id"], r["member_id"])
        periods[(member, ca, r["role"])].append(r)
    out = []
    for (member, ca, role), rows in sorted(periods.items()):
        rows.sort(key=lambda r: r["valid_from"])
        start, end = rows[0]["valid_from"], rows[0]["valid_to"]
        for later in rows[1:]:
            if not end or _next_day(end) != later["valid_from"]:
                raise SystemExit(f"ca_history: {member} in {ca}: periods do not join: {rows}")
            end = later["valid_to"]
        first = rows[0]
        verified = min((r["verified"] for r in rows), key=["no", "partial", "yes"].index)
        out.append(
            {
                "from_id": member,
                "kind": "member_of",
                "to_id": ca,
                "role": role,
                "valid_from": start,
                "valid_to": end,
                "source_url": first["source_url"],
                "verified": verified,
                "note": " ".join(dict.fromkeys(r["note"] for r in rows if r["note"])),
                "sources": source,
            }
        )
    return out


def member_areas(
    members: list[Row], districts_of: dict[str, list[str]], ons_areas: set[str], source: str
) -> list[Row]:
    """``within`` rows from each member's area to the authorities ONS's lookup does not cover
    (former and new authorities), dated as the membership."""
    out = []
    for m in members:
        if m["to_id"] in ons_areas:
            continue
        for area in districts_of.get(m["from_id"], [m["from_id"]]):
            out.append(
                {
                    "from_id": area,
                    "kind": "within",
                    "to_id": m["to_id"],
                    "valid_from": m["valid_from"],
                    "valid_to": m["valid_to"],
                    "sources": source,
                }
            )
    return out


def _next_day(iso: str) -> str:
    return (date.fromisoformat(iso) + timedelta(days=1)).isoformat()
