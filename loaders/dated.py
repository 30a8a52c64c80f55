"""Records dated outside the life of a body they name.

A partnership begun in 2014 cannot have North Yorkshire Council (created 1 April 2023) as a
partner from its start: the partners then were the councils of that time. A link is
anachronistic when the day it starts (its own ``valid_from``, else for a partnership the
arrangement's start) falls before a body at either end began, or after it ended. Such a record is
refused with the councils of the time named, never silently kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from graph.model import Link, LinkKind, Node

DATED_KINDS = frozenset(
    {
        LinkKind.MEMBER_OF,
        LinkKind.OWNS,
        LinkKind.PARTNER_IN,
        LinkKind.PARTICIPATES_IN,
        LinkKind.BUYS_THROUGH,
    }
)
"""Links that say a body took part in something from a day: geography is left out (a border
or a place in a county is as old as the bodies it joins)."""


def anachronisms(
    links: Sequence[Link],
    node: Callable[[str], Node | None],
    heirs: Callable[[str], Mapping[str, list[str]]],
) -> dict[int, str]:
    """For each link (by index) that starts outside the life of a body it joins, why.

    ``node`` finds a node (staged or stored); ``heirs(id)`` gives ``{"predecessors": [...],
    "successors": [...]}`` of a council, named in the reason so the fix is plain.
    """
    problems: dict[int, str] = {}
    for i, link in enumerate(links):
        if link.kind not in DATED_KINDS:
            continue
        start = link.valid_from
        if start is None and link.kind in (LinkKind.PARTNER_IN, LinkKind.PARTICIPATES_IN):
            arrangement = node(link.to_id)
            start = arrangement.valid_from if arrangement is not None else None
        if start is None:
            continue
        for end in (link.from_id, link.to_id):
            body = node(end)
            if body is None:
                continue
            reason = _outside(body, start, heirs)
            if reason is not None:
                problems[i] = reason
                break
    return problems


def _outside(
    body: Node, start: date, heirs: Callable[[str], Mapping[str, list[str]]]
) -> str | None:
    if body.valid_from is not None and start < body.valid_from:
        before = heirs(body.id).get("predecessors", [])
        fix = (
            f"name the councils of that time ({', '.join(before)}) until the day before, "
            f"and {body.id} from then (a partner's own days: {body.id}@"
            f"{body.valid_from.isoformat()}..)"
            if before
            else f"start it on or after {body.valid_from.isoformat()}"
        )
        return (
            f"dated {start.isoformat()}, before {body.id} ({body.name}) existed: it began on "
            f"{body.valid_from.isoformat()}; {fix}"
        )
    if body.valid_to is not None and start > body.valid_to:
        after = heirs(body.id).get("successors", [])
        fix = f"name its successors ({', '.join(after)})" if after else "check the date"
        return (
            f"dated {start.isoformat()}, after {body.id} ({body.name}) ended on "
            f"{body.valid_to.isoformat()}; {fix}"
        )
    return None
