"""What a load would change: each incoming record compared with the stored one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from graph.model import Link, Node, merged_link, merged_node
from graph.store.base import GraphStore


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(slots=True)
class Plan:
    node_outcomes: list[Outcome] = field(default_factory=list)
    """One per incoming node, in order."""
    link_outcomes: list[Outcome] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    """Merged records to write (created or updated)."""
    links: list[Link] = field(default_factory=list)
    missing_ends: dict[int, str] = field(default_factory=dict)
    """Index of an incoming link -> an end that is neither stored nor incoming."""


def plan_changes(store: GraphStore, nodes: Sequence[Node], links: Sequence[Link]) -> Plan:
    """Compare ``nodes`` (unique ids) and ``links`` (unique keys, canonical) with ``store``."""
    plan = Plan()
    stored_nodes = store.get_nodes(n.id for n in nodes)
    for node in nodes:
        old = stored_nodes.get(node.id)
        new = node if old is None else merged_node(old, node)
        plan.node_outcomes.append(_outcome(old, new))
        if new != old:
            plan.nodes.append(new)

    incoming = {n.id for n in nodes}
    ends = {end for k in links for end in (k.from_id, k.to_id)} - incoming
    known = incoming | set(store.get_nodes(ends))
    stored_links = store.get_links(k.key for k in links)
    for i, link in enumerate(links):
        missing = next((e for e in (link.from_id, link.to_id) if e not in known), None)
        if missing is not None:
            plan.missing_ends[i] = missing
            plan.link_outcomes.append(Outcome.UNCHANGED)
            continue
        old_link = stored_links.get(link.key)
        new_link = link if old_link is None else merged_link(old_link, link)
        plan.link_outcomes.append(_outcome(old_link, new_link))
        if new_link != old_link:
            plan.links.append(new_link)
    return plan


def _outcome(old: object | None, new: object) -> Outcome:
    if old is None:
        return Outcome.CREATED
    return Outcome.UNCHANGED if old == new else Outcome.UPDATED


def copy_graph(source: GraphStore, target: GraphStore, *, replace: bool = False) -> Plan:
    """Copy every node and link of ``source`` into ``target`` in one all-or-nothing write.

    Without ``replace`` the records are merged into what ``target`` holds; with it, ``target``
    ends up holding exactly ``source``'s graph.
    """
    nodes = sorted(source.iter_nodes(), key=lambda n: n.id)
    links = sorted(source.iter_links(), key=lambda k: k.key)
    if replace:
        plan = Plan(nodes=nodes, links=links)
        target.write(nodes, links, replace=True)
        return plan
    plan = plan_changes(target, nodes, links)
    if plan.nodes or plan.links:
        target.write(plan.nodes, plan.links)
    return plan
