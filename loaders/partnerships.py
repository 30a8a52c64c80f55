"""Who works with whom: CSV formats for buying organisations and their owners, shared
services, joint procurements and the public bodies that take part. The README documents each
column; the bundled files in ``loaders/bundled/partnerships/`` use them.

Partners are given by id (a GSS code or a ``bo:``/``pb:`` id) or by name; names go through the
shared resolver. A name it cannot resolve rejects the row with the closest matches, and an
arrangement with fewer than two known partners is rejected. A partner that joined or left on a
day of its own carries it after ``@``: ``E10000002@..2020-03-31`` (a partner until that day),
``E06000060@2020-04-01..`` (from that day), ``E07000223@2008-04-01..2019-03-31``; without it a
partner takes part from the arrangement's start to its end.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from graph.ids import check_id, is_id, kind_of
from graph.legal import Model, legal_basis
from graph.model import (
    DeliveryModel,
    LegalForm,
    Link,
    LinkKind,
    Node,
    NodeKind,
    OwnerRole,
    PublicBodyType,
    SavingsKind,
    Scalar,
    ServiceCategory,
    ValueKind,
)
from loaders.items import Item, ParseContext
from loaders.plain import BadValue, choice, day, number, parse_table
from loaders.registers import register_body

VERIFIED = ("yes", "partial", "no")
EVIDENCE = ("source_url", "verified", "note")

BUYING_ORGANISATION_COLUMNS = ("id", "name", "legal_form", "full_name", "host", "url", *EVIDENCE)
OWNER_COLUMNS = ("buying_organisation", "member", "gss_code", "role", "valid_from", "valid_to",
                 *EVIDENCE)  # fmt: skip
SHARED_SERVICE_COLUMNS = (
    "id", "name", "category", "delivery_model", "partners", "lead", "start_date", "end_date",
    "savings_gbp", "savings_kind", "savings_year", "savings_partners", "annual_savings_gbp",
    *EVIDENCE,
)  # fmt: skip
"""``annual_savings_gbp`` is the older form of ``savings_gbp`` with ``savings_kind`` annual."""
JOINT_PROCUREMENT_COLUMNS = (
    "id", "title", "category", "value_gbp", "value_kind", "value_year", "start_date", "end_date",
    "participants", "lead", "managed_by", *EVIDENCE,
)  # fmt: skip
PUBLIC_BODY_COLUMNS = ("id", "name", "body_type", *EVIDENCE)
USER_COLUMNS = (
    "buyer", "buying_organisation", "frameworks", "first_date", "last_date", "valid_to",
    "evidence", "value_gbp", *EVIDENCE,
)  # fmt: skip
"""``valid_to``: the last day the buyer used the organisation (it left, or stopped), where
known; ``last_date`` is only the latest evidence of use."""


def parse_buying_organisations(path: Path, context: ParseContext) -> Iterator[Item]:
    return parse_table(
        path,
        context,
        columns=BUYING_ORGANISATION_COLUMNS,
        required=3,
        to_records=_buying_organisation,
    )


def parse_owners(path: Path, context: ParseContext) -> Iterator[Item]:
    return parse_table(path, context, columns=OWNER_COLUMNS, required=4, to_records=_owner)


def parse_shared_services(path: Path, context: ParseContext) -> Iterator[Item]:
    return parse_table(
        path, context, columns=SHARED_SERVICE_COLUMNS, required=5, to_records=_shared_service
    )


def parse_joint_procurements(path: Path, context: ParseContext) -> Iterator[Item]:
    return parse_table(
        path, context, columns=JOINT_PROCUREMENT_COLUMNS, required=4, to_records=_joint_procurement
    )


def parse_public_bodies(path: Path, context: ParseContext) -> Iterator[Item]:
    return parse_table(
        path, context, columns=PUBLIC_BODY_COLUMNS, required=3, to_records=_public_body
    )


def parse_users(path: Path, context: ParseContext) -> Iterator[Item]:
    """Who buys through a buying organisation: one ``buys_through`` link per row, with the
    same evidence attributes the OCDS loader derives from call-offs, so the two add up."""
    return parse_table(path, context, columns=USER_COLUMNS, required=2, to_records=_user)


def _buying_organisation(row: dict[str, str], context: ParseContext) -> tuple[Node | Link, ...]:
    node_id = _own_id(row["id"], NodeKind.BUYING_ORGANISATION)
    attrs: dict[str, Scalar] = {
        "legal_form": str(choice(LegalForm, row["legal_form"], "legal_form"))
    }
    if row.get("host"):
        attrs["host"] = _partner(row["host"], context)
    for column in ("full_name", "url"):
        if row.get(column):
            attrs[column] = row[column]
    return (_node(node_id, NodeKind.BUYING_ORGANISATION, row, attrs=attrs, context=context),)


def _owner(row: dict[str, str], context: ParseContext) -> tuple[Node | Link, ...]:
    organisation = _own_id(row["buying_organisation"], NodeKind.BUYING_ORGANISATION)
    member = _partner(row.get("gss_code") or row["member"], context)
    role = str(choice(OwnerRole, row["role"], "role"))
    link = _link(
        (member, LinkKind.OWNS, organisation),
        role,
        row,
        context=context,
        start=day(row, "valid_from"),
        end=day(row, "valid_to"),
    )
    return (link,)


def _user(row: dict[str, str], context: ParseContext) -> tuple[Node | Link, ...]:
    organisation = _own_id(row["buying_organisation"], NodeKind.BUYING_ORGANISATION)
    buyer = _partner(row["buyer"], context)
    if buyer == organisation:
        raise BadValue(f"{buyer} cannot buy through itself")
    first, last = day(row, "first_date"), day(row, "last_date")
    if first and last and last < first:
        raise BadValue(f"last_date {last} is before first_date {first}")
    stopped = day(row, "valid_to")
    if stopped and ((first and stopped < first) or (last and stopped < last)):
        raise BadValue(f"valid_to {stopped} is before its evidence of use ({last or first})")
    attrs = _evidence(row)
    notices = sorted({n.strip() for n in row.get("evidence", "").split(";") if n.strip()})
    if notices:
        attrs |= {"evidence": ";".join(notices), "notices": len(notices)}
    frameworks = sorted({f.strip() for f in row.get("frameworks", "").split(";") if f.strip()})
    if frameworks:
        attrs["frameworks"] = ";".join(frameworks)
    if row.get("value_gbp"):
        attrs["total_value_gbp"] = _money(row["value_gbp"], "value_gbp")
    for key, value in (("first_date", first), ("last_date", last or first)):
        if value:
            attrs[key] = value.isoformat()
    link = Link(
        from_id=buyer,
        kind=LinkKind.BUYS_THROUGH,
        to_id=organisation,
        attrs=attrs,
        valid_from=first,
        valid_to=stopped,
        sources=(context.source,),
    )
    return (link,)


def _shared_service(row: dict[str, str], context: ParseContext) -> tuple[Node | Link, ...]:
    attrs: dict[str, Scalar] = {
        "category": str(choice(ServiceCategory, row["category"], "category")),
        "delivery_model": str(choice(DeliveryModel, row["delivery_model"], "delivery_model")),
    }
    attrs |= _savings(row, context)
    return _arrangement(
        row,
        context,
        kind=NodeKind.SHARED_SERVICE,
        name=row["name"],
        partners_text=row["partners"],
        attrs=attrs,
        model=Model.SHARED_SERVICE,
        link_kind=LinkKind.PARTNER_IN,
    )


def _joint_procurement(row: dict[str, str], context: ParseContext) -> tuple[Node | Link, ...]:
    attrs: dict[str, Scalar] = {
        "category": str(choice(ServiceCategory, row["category"], "category")),
    }
    if row.get("value_gbp"):
        attrs["value_gbp"] = _money(row["value_gbp"], "value_gbp")
        if row.get("value_kind"):
            attrs["value_kind"] = str(choice(ValueKind, row["value_kind"], "value_kind"))
        if row.get("value_year"):
            attrs["value_year"] = row["value_year"]
    elif row.get("value_kind") or row.get("value_year"):
        raise BadValue("value_kind and value_year describe a value_gbp, which is blank")
    records = _arrangement(
        row,
        context,
        kind=NodeKind.JOINT_PROCUREMENT,
        name=row["title"],
        partners_text=row.get("participants", ""),
        attrs=attrs,
        model=Model.JOINT_PROCUREMENT,
        link_kind=LinkKind.PARTICIPATES_IN,
    )
    if not row.get("managed_by"):
        return records
    manager = _own_id(row["managed_by"].strip(), NodeKind.SHARED_SERVICE)
    managed = Link(
        from_id=_own_id(row["id"], NodeKind.JOINT_PROCUREMENT),
        kind=LinkKind.MANAGED_BY,
        to_id=manager,
        attrs=_evidence(row),
        sources=(context.source,),
    )
    return (*records, managed)


def _savings(row: dict[str, str], context: ParseContext) -> dict[str, Scalar]:
    """A published saving: how much, what kind of figure, its year, and whose it is."""
    legacy = row.get("annual_savings_gbp")
    amount = row.get("savings_gbp") or legacy
    if not amount:
        if row.get("savings_kind") or row.get("savings_partners"):
            raise BadValue("savings_kind and savings_partners describe savings_gbp, left blank")
        return {"savings_year": row["savings_year"]} if row.get("savings_year") else {}
    if row.get("savings_gbp") and legacy:
        raise BadValue("give savings_gbp or annual_savings_gbp, not both")
    kind = row.get("savings_kind") or ("annual" if legacy else "")
    attrs: dict[str, Scalar] = {"savings_gbp": _money(amount, "savings_gbp")}
    if kind:
        attrs["savings_kind"] = str(choice(SavingsKind, kind, "savings_kind"))
    if row.get("savings_year"):
        attrs["savings_year"] = row["savings_year"]
    whose = [p for p in row.get("savings_partners", "").split(";") if p.strip()]
    if whose:
        attrs["savings_partners"] = ";".join(sorted(_partner(p, context) for p in whose))
    return attrs


def _public_body(row: dict[str, str], context: ParseContext) -> tuple[Node | Link, ...]:
    node_id = _own_id(row["id"], NodeKind.PUBLIC_BODY)
    registered = register_body(node_id)  # a body of the registers keeps what they say of it
    attrs: dict[str, Scalar] = dict(registered.attrs) if registered is not None else {}
    attrs["body_type"] = str(choice(PublicBodyType, row["body_type"], "body_type"))
    return (_node(node_id, NodeKind.PUBLIC_BODY, row, attrs=attrs, context=context),)


def _arrangement(
    row: dict[str, str],
    context: ParseContext,
    *,
    kind: NodeKind,
    name: str,
    partners_text: str,
    attrs: dict[str, Scalar],
    model: Model,
    link_kind: LinkKind,
) -> tuple[Node | Link, ...]:
    node_id = _own_id(row["id"], kind)
    start, end = day(row, "start_date"), day(row, "end_date")
    if start and end and end < start:
        raise BadValue(f"end_date {end} is before start_date {start}")
    spans: dict[str, tuple[date | None, date | None]] = {}
    for entry in partners_text.split(";"):
        if entry.strip():
            partner, span = _dated_partner(entry, context, start, end)
            spans.setdefault(partner, span)
    partners = list(spans)
    lead = _partner(row["lead"], context) if row.get("lead") else None
    if lead is not None and lead not in partners:
        partners.append(lead)
    if len(partners) < 2:
        raise BadValue(f"{node_id} has {len(partners)} known partner(s); an arrangement needs two")
    attrs["legal_basis"] = legal_basis(model, start, partners)
    node = _node(
        node_id, kind, {**row, "name": name}, attrs=attrs, context=context, start=start, end=end
    )
    links = tuple(
        _link(
            (p, link_kind, node_id),
            "lead" if p == lead else "partner",
            row,
            context=context,
            start=spans.get(p, (None, None))[0] or start,
            end=spans.get(p, (None, None))[1] or end,
        )
        for p in partners
    )
    return (node, *links)


def _dated_partner(
    entry: str, context: ParseContext, start: date | None, end: date | None
) -> tuple[str, tuple[date | None, date | None]]:
    """A partner and the days it took part (``ID@FROM..TO``, either day optional)."""
    text, at, span = entry.partition("@")
    partner = _partner(text, context)
    if not at:
        return partner, (None, None)
    first, dots, last = span.partition("..")
    if not dots:
        raise BadValue(
            f"partner {entry.strip()!r}: give its days as @FROM..TO (either may be left out), "
            "e.g. E10000002@..2020-03-31"
        )
    joined = day({"from": first.strip()}, "from")
    left = day({"to": last.strip()}, "to")
    if joined and left and left < joined:
        raise BadValue(f"partner {entry.strip()!r}: left {left} before it joined {joined}")
    if joined and start and joined < start:
        raise BadValue(f"partner {entry.strip()!r} joined {joined}, before the start {start}")
    if left and end and left > end:
        raise BadValue(f"partner {entry.strip()!r} left {left}, after the end {end}")
    return partner, (joined, left)


def _own_id(text: str, kind: NodeKind) -> str:
    check_id(text)
    if kind_of(text) is not kind:
        raise BadValue(f"{text} is the id of a {kind_of(text)}, not of a {kind}")
    return text


def _partner(text: str, context: ParseContext) -> str:
    """An id as given, or the id a name resolves to."""
    text = text.strip()
    if is_id(text):
        check_id(text)
        return text
    found = context.resolver().resolve(text)
    if found.id is None:
        closest = "; closest: " + ", ".join(found.candidates) if found.candidates else ""
        what = "names more than one organisation" if found.how == "ambiguous" else "is not known"
        raise BadValue(f"partner {text!r} {what}{closest} (give its id, e.g. a GSS code)")
    return found.id


def _node(
    node_id: str,
    kind: NodeKind,
    row: dict[str, str],
    *,
    attrs: dict[str, Scalar],
    context: ParseContext,
    start: date | None = None,
    end: date | None = None,
) -> Node:
    if not row.get("name"):
        raise BadValue(f"{node_id} has no name")
    return Node(
        id=node_id,
        kind=kind,
        name=row["name"],
        attrs={**attrs, **_evidence(row)},
        valid_from=start,
        valid_to=end,
        sources=(context.source,),
    )


def _link(
    ends: tuple[str, LinkKind, str],
    role: str,
    row: dict[str, str],
    *,
    context: ParseContext,
    start: date | None,
    end: date | None,
) -> Link:
    from_id, kind, to_id = ends
    return Link(
        from_id=from_id,
        kind=kind,
        to_id=to_id,
        role=role,
        attrs=_evidence(row),
        valid_from=start,
        valid_to=end,
        sources=(context.source,),
    )


def _evidence(row: dict[str, str]) -> dict[str, Scalar]:
    verified = row.get("verified") or "no"
    if verified not in VERIFIED:
        raise BadValue(f"verified {verified!r} is not one of {', '.join(VERIFIED)}")
    evidence: dict[str, Scalar] = {"verified": verified}
    for column in ("source_url", "note"):
        if row.get(column):
            evidence[column] = row[column]
    return evidence


def _money(text: str, column: str) -> float:
    plain = text.replace(",", "").removeprefix("£")
    return number(plain, column, low=0, unit="an amount in pounds")
