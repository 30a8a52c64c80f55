"""Contracts Finder's CSV export: one awarded contract per row, with its buyer, suppliers,
CPV codes, value, dates and procedure (the file any user downloads from Contracts Finder's
search, and the year of 2022 awards the project was measured on).

Each award becomes a ``contract`` node (``ct:cf-<notice identifier>``) with ``awarded`` from
its buyer (placed by name as at the award day, as the notice loaders place buyers),
``supplies`` from each supplier (``su:ch-<number>`` when Companies House's number is given, so
one company is one node under its spellings; else ``su:`` and its name) and, for a call-off
from a framework or DPS that names a buying organisation, ``called_off`` to it; the buyer's
call-offs add up to ``buys_through`` evidence as the notice loaders' do.

Rows are skipped (with the reason) when they are not awards, repeat an earlier row (the
export repeats some), or name a buyer that is not a council or a known public body; a row with
a date or value that cannot be read is rejected with its line.
"""

from __future__ import annotations

import csv
import math
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from graph.cpv import codes, division
from graph.model import Link, LinkKind, Node, NodeKind, Scalar
from loaders.buyers import place
from loaders.frameworks import Use, framework_refs, named_pbos, use_link
from loaders.items import Item, ParseContext, Reject, Row, Skip
from loaders.resolve import Resolver
from loaders.suppliers import Suppliers
from loaders.tables import UTF8_HINT, check_readable

SUPPLIER_COLUMN = "Supplier [Name|Address|Ref type|Ref Number|Is SME|Is VCSE]"
HEADER = frozenset({"Notice Identifier", "Organisation Name", "Awarded Value", SUPPLIER_COLUMN})
"""The columns that identify the export."""
CALL_OFFS = {
    "CallOffFromFrameworkAgreement": "framework",
    "CallOffFromDynamicPurchasingSystem": "DPS",
}
SUPPLIER = re.compile(r"\[([^\[\]]*)\]")
NOT_A_NAME = re.compile(r"[^a-z0-9]+")


def looks_like_contracts_finder(header: list[str]) -> bool:
    return set(header) >= HEADER


@dataclass(slots=True)
class _State:
    resolver: Resolver
    seen: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    ids: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    suppliers: Suppliers = field(default_factory=Suppliers)
    uses: dict[tuple[str, str], Use] = field(default_factory=dict)
    bodies: set[str] = field(default_factory=set)


def parse_contracts_finder(path: Path, context: ParseContext) -> Iterator[Item]:
    check_readable(path)
    state = _State(context.resolver())
    csv.field_size_limit(sys.maxsize)  # descriptions run to many lines
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        end = 1
        try:
            for row in reader:
                line, end = end + 1, reader.line_num
                yield _row(state, context, line, row)
        except UnicodeDecodeError as e:
            yield Reject(end + 1, f"bytes that are not UTF-8 ({e.reason}); {UTF8_HINT}")
    yield from _aggregates(state, context)


def _row(state: _State, context: ParseContext, line: int, row: dict[str, str]) -> Item:
    identifier = (row.get("Notice Identifier") or "").strip()
    if (row.get("Status") or "").strip() != "Awarded":
        return Skip(line, f"not an award (Status {row.get('Status', '')!r})")
    title = " ".join((row.get("Title") or "").split())
    buyer_text = row.get("Organisation Name") or ""
    key = (identifier, title, (row.get("Published Date") or "").strip(), buyer_text.strip())
    if key in state.seen:
        return Skip(line, "repeats an earlier row (same notice, title, buyer and publication)")
    state.seen[key] = line
    try:
        awarded = _day(row, "Awarded Date")
        start = _day(row, "Contract start date") or _day(row, "Start Date")
        end = _day(row, "Contract end date") or _day(row, "End Date")
        value = _amount(row.get("Awarded Value") or "")
    except ValueError as e:
        return Reject(line, str(e))
    if start and end and end < start:
        return Reject(line, f"Contract end date {end} is before its start {start}")
    found = place(state.resolver, buyer_text, at=awarded or start)
    if not found.placed:
        return Skip(line, "buyer is not a council or a known public body")
    buyers = [b for b in found.ids if b in state.resolver.ids]
    state.bodies |= {b for b in buyers if b in state.resolver.unstored}
    node_id = _contract_id(state, (identifier, title, buyer_text.strip()), line)
    cpv = codes(row.get("Cpv Codes") or "")
    attrs: dict[str, Scalar] = {"notice": identifier, "buyer_name": buyer_text.strip()}
    if cpv:
        attrs["cpv"] = ";".join(cpv)
        if (found_division := division(cpv[0])) is not None:
            attrs["cpv_division"], attrs["category"] = found_division
    if value is not None:
        attrs["value_gbp"] = value
    for key_name, day_value in (("awarded_date", awarded), ("start_date", start),
                                ("end_date", end)):  # fmt: skip
        if day_value is not None:
            attrs[key_name] = day_value.isoformat()
    procedure = (row.get("OJEU Procedure Type") or "").strip()
    if procedure:
        attrs["procedure"] = procedure
    text = f"{title} {row.get('Description') or ''} {row.get('Additional Text') or ''}"
    refs = framework_refs(text) if procedure in CALL_OFFS else set()
    if refs:
        attrs["frameworks"] = ";".join(sorted(refs))
    contract = Node(
        id=node_id,
        kind=NodeKind.CONTRACT,
        name=title or identifier,
        attrs=attrs,
        valid_from=start or awarded,
        valid_to=end,
        sources=(context.source,),
    )
    links = [_link(b, LinkKind.AWARDED, node_id, context, role="buyer") for b in buyers]
    for supplier in _suppliers(state, row.get(SUPPLIER_COLUMN) or ""):
        links.append(_link(supplier, LinkKind.SUPPLIES, node_id, context))
    if procedure in CALL_OFFS:
        for bo in sorted(b for b in named_pbos(text) if b in state.resolver.ids):
            extra: dict[str, Scalar] = {"frameworks": ";".join(sorted(refs))} if refs else {}
            links.append(_link(node_id, LinkKind.CALLED_OFF, bo, context, attrs=extra))
            for buyer in (b for b in buyers if not b.startswith("bo:")):  # not its own awards
                use = state.uses.setdefault((buyer, bo), Use())
                use.add(f"cf:{identifier}", awarded or start, value, refs)
    notes = [f"several buyers in one field: {', '.join(buyers)}"] if len(buyers) > 1 else []
    return Row(line, (contract, *links), notes=tuple(notes))


def _suppliers(state: _State, text: str) -> list[str]:
    """The supplier ids of a row's supplier field (``[name|address|ref type|ref|SME|VCSE]``,
    one bracket per supplier)."""
    out = []
    for group in SUPPLIER.findall(text):
        parts = [p.strip() for p in group.split("|")]
        ref_type, number = (parts[2], parts[3]) if len(parts) >= 4 else ("", "")
        supplier_id = state.suppliers.add(
            parts[0] if parts else "",
            companies_house=number if ref_type == "COMPANIES_HOUSE" else "",
            charity=number if ref_type == "CHARITY_COMMISSION" else "",
            sme=len(parts) >= 5 and parts[4].casefold() == "yes",
        )
        if supplier_id is not None:
            out.append(supplier_id)
    return list(dict.fromkeys(out))


def _contract_id(state: _State, award: tuple[str, str, str], line: int) -> str:
    """``ct:cf-`` and the notice identifier; ``-LINE`` added for a later award under the same
    identifier (the export gives one identifier to the awards of several buyers)."""
    slug = NOT_A_NAME.sub("-", award[0].casefold()).strip("-")[:120] or f"line-{line}"
    node_id = f"ct:cf-{slug}"
    earlier = state.ids.get(node_id)
    if earlier is not None and earlier != award:
        node_id = f"{node_id}-{line}"
    state.ids.setdefault(node_id, award)
    return node_id


def _link(
    from_id: str,
    kind: LinkKind,
    to_id: str,
    context: ParseContext,
    *,
    role: str | None = None,
    attrs: dict[str, Scalar] | None = None,
) -> Link:
    return Link(from_id=from_id, kind=kind, to_id=to_id, role=role, attrs=attrs or {},
                sources=(context.source,))  # fmt: skip


def _day(row: dict[str, str], column: str) -> date | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a date (dd/mm/yyyy)") from None


def _amount(text: str) -> float | None:
    plain = text.strip().replace(",", "").removeprefix("£")
    if not plain:
        return None
    try:
        value = float(plain)
    except ValueError:
        raise ValueError(f"Awarded Value {text!r} is not an amount") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"Awarded Value {text!r} is not an amount")
    return value


def _aggregates(state: _State, context: ParseContext) -> Iterator[Item]:
    for body in sorted(state.bodies):
        node = state.resolver.nodes[body]
        yield Row(None, (replace(node, sources=(*node.sources, context.source)),), counted=False)
    for node in state.suppliers.nodes(context.source):
        yield Row(None, (node,), counted=False)
    for (buyer, organisation), use in sorted(state.uses.items()):
        yield Row(None, (use_link(buyer, organisation, use, context.source),), counted=False)
