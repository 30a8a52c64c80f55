"""Buyer names as procurement notices and spend files write them, placed as the bodies they
name: one, several, or none with the reason.

The resolver (``loaders.resolve``) places a clean name. Real buyer fields are rarely clean:

- HTML entities (``Chorley Council &amp; South Ribble Borough Council``) and stray spaces;
- a department or service before or after the body (``Blackpool Borough Council Trading
  Standards``, ``Legal, Democratic and Business Intelligence, Swansea Council,``);
- an agent buying for the body (``Muse Developments Limited on behalf of Blackpool Borough
  Council``): the body is the buyer, the agent is recorded;
- two languages (``Llywodraeth Cymru / Welsh Government``), or another name given in
  brackets (``The Common Services Agency (more commonly known as NHS National Services
  Scotland)``), or an agent's address (``Scottish Enterprise c/o Colliers International``);
- several bodies in one field (``Blackpool Council and Wyre Council``, ``A, B and C``): each is
  placed, which makes the notice a joint procurement of them.

The whole name is always tried first, so ``Brighton and Hove City Council`` is one council and
``Mid and West Wales Fire and Rescue Authority`` one authority; a field is split into several
bodies only when every part is a body. Nothing is guessed: a part that does not resolve makes
the split fail, and a name that nothing explains is refused with the closest bodies.

>>> clean("Chorley Council  &amp;amp; South Ribble,")
'Chorley Council & South Ribble'
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.model import Link, LinkKind, Node, NodeKind, merged_node
from graph.store.base import GraphStore
from loaders.registers import register_bodies
from loaders.resolve import Resolution, Resolver, names_file, read_variants

PARTNER_KINDS = (
    NodeKind.COUNCIL,
    NodeKind.COMBINED_AUTHORITY,
    NodeKind.BUYING_ORGANISATION,
    NodeKind.PUBLIC_BODY,
)
"""What a buyer can be: the kinds of node the resolver places names as."""

KNOWN_AS = re.compile(r"\((?:more commonly |also |better |now |formerly )?known as ([^)]+)\)", re.I)
CARE_OF = re.compile(r"\s+c/o\s+", re.I)
AGENT = re.compile(r"\s+(?:acting\s+)?(?:for\s+and\s+)?on\s+behalf\s+of\s+|\s+obo\s+", re.I)
LANGUAGES = re.compile(r"\s+/\s+|\s*\|\s*")
SEVERAL = re.compile(r"\s*,\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+", re.I)
SEVERAL_KEPT = re.compile(f"({SEVERAL.pattern})", re.I)
SEGMENTS = re.compile(r"\s*[,;]\s*|\s+[-\u2013\u2014:]\s+|(?<=[a-z])-(?=[A-Z])")
EXACT = frozenset({"id", "former_code", "name", "normalised"})
"""Resolutions certain enough to anchor a department or a part of a list (not fuzzy)."""
LOCAL_COUNCIL = re.compile(r"\b(?:parish|town|community|village)\s+council\b", re.I)
"""England's parish and town councils and Wales's community councils: local councils below
the principal ones, not held in the graph (refused, with that reason)."""
MEMO_SIZE = 200_000
"""Placements remembered per resolver."""
MAX_WORDS = 30
"""Longer fields are not searched word by word (they are descriptions, not names)."""
BODY_WORDS = frozenset({
    "council", "councils", "authority", "authorities", "government", "board", "trust",
    "group", "partnership", "commissioner", "service", "executive", "agency", "office",
})  # fmt: skip
"""The last word of a name that is a body's, not a place's: a department or a list is split
off only at one of them, so ``North Yorkshire Police`` is never North Yorkshire Council."""


@dataclass(frozen=True, slots=True)
class Placement:
    """What a buyer field names."""

    text: str
    ids: tuple[str, ...]
    """The bodies, in the order named (empty when refused)."""
    how: str
    """How the whole or each part was placed (``name``, ``fuzzy``, ``department``,
    ``on behalf of``, ``several``, ``other language``...), or why not (``unknown``,
    ``ambiguous``, ``empty``)."""
    agent: str | None = None
    """Who bought on the body's behalf (``X`` in ``X on behalf of Y``)."""
    candidates: tuple[str, ...] = ()
    """For a refusal: the closest bodies, best first."""

    @property
    def placed(self) -> bool:
        return bool(self.ids)


def clean(text: str) -> str:
    """Entities decoded (twice: ``&amp;amp;`` is common), spaces collapsed, and the stray
    punctuation at either end removed."""
    text = html.unescape(html.unescape(text))
    text = " ".join(text.replace("\u00a0", " ").split())
    return text.strip(" ,;:.-")


def place(resolver: Resolver, text: str, at: date | None = None) -> Placement:
    """The bodies ``text`` names as at ``at``, or a refusal with the closest bodies.
    Remembered: a notice file names the same buyers again and again (by name alone, unless
    the answer depended on the date)."""
    memo = resolver.placements
    known: Placement | None = memo.get((text, None)) or memo.get((text, at))
    if known is not None:
        return known
    dated: list[bool] = []
    found = _place(resolver, text, at, dated)
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    memo[(text, at) if any(dated) else (text, None)] = found
    return found


def _look(resolver: Resolver, name: str, at: date | None, dated: list[bool]) -> Resolution:
    found = resolver.resolve(name, at)
    if found.dated:
        dated.append(True)
    return found


def _place(resolver: Resolver, text: str, at: date | None, dated: list[bool]) -> Placement:
    name = clean(text)
    if not name:
        return Placement(text, (), "empty")
    whole = _look(resolver, name, at, dated)
    if whole.resolved:
        return Placement(text, (str(whole.id),), whole.how)
    if (also := KNOWN_AS.search(name)) is not None:
        other = _look(resolver, clean(also.group(1)), at, dated)
        if other.resolved:
            return Placement(text, (str(other.id),), f"known as, {other.how}")
    cared = CARE_OF.split(name, maxsplit=1)
    if len(cared) == 2:
        found = _place_one(resolver, clean(cared[0]), at, dated)
        if found is not None:
            return Placement(text, found[0], f"care of, {found[1]}", agent=clean(cared[1]))
    agent_split = AGENT.split(name, maxsplit=1)
    if len(agent_split) == 2:
        agent, body = agent_split
        found = _place_one(resolver, clean(body), at, dated)
        if found is not None:
            return Placement(text, found[0], f"on behalf of, {found[1]}", agent=clean(agent))
    found = _place_one(resolver, name, at, dated, whole=whole)
    if found is not None:
        return Placement(text, found[0], found[1])
    if LOCAL_COUNCIL.search(name):
        return Placement(text, (), "parish or town council (not in the graph)")
    return Placement(text, (), whole.how, candidates=whole.candidates)


def _place_one(
    resolver: Resolver,
    name: str,
    at: date | None,
    dated: list[bool],
    whole: Resolution | None = None,
) -> tuple[tuple[str, ...], str] | None:
    """(ids, how) for a name with no agent in it, or None."""
    whole = whole or _look(resolver, name, at, dated)
    if whole.resolved:
        return (str(whole.id),), whole.how
    languages = [p for p in LANGUAGES.split(name) if p]
    if len(languages) > 1:
        ids = {i for p in languages if (i := _exact(resolver, p, at, dated))}
        if len(ids) == 1:
            return (ids.pop(),), "other language"
    several = _several(resolver, name, at, dated)
    if several is not None:
        return several, "several"
    department = _department(resolver, name, at, dated)
    if department is not None:
        return (department,), "department"
    return None


def _exact(resolver: Resolver, name: str, at: date | None, dated: list[bool]) -> str | None:
    found = _look(resolver, clean(name), at, dated)
    return found.id if found.resolved and found.how in EXACT else None


def _body_like(name: str) -> bool:
    words = clean(name).casefold().split()
    return bool(words) and words[-1].strip("().,") in BODY_WORDS


def _several(
    resolver: Resolver, name: str, at: date | None, dated: list[bool]
) -> tuple[str, ...] | None:
    """Two or more bodies, when the list splits into runs that are each one body (by name or
    department): ``Cheshire East Council, Cheshire West and Chester Council and Warrington
    Borough Council`` is three councils, the second keeping its own "and"."""
    pieces = SEVERAL_KEPT.split(name)
    parts, separators = pieces[0::2], pieces[1::2]
    if len(parts) < 2 or not _body_like(name):
        return None

    def run(i: int, j: int) -> str:
        return "".join(parts[k] + (separators[k] if k < j else "") for k in range(i, j + 1))

    def split(departments: bool) -> list[str] | None:
        """Runs that are each one body: exact names only, or also departments of one."""
        memo: dict[int, list[str] | None] = {}

        def split_from(i: int) -> list[str] | None:
            if i == len(parts):
                return []
            if i not in memo:
                memo[i] = None
                for j in range(len(parts) - 1, i - 1, -1):  # the longest run first
                    if i == 0 and j == len(parts) - 1:
                        continue  # the whole name, tried already
                    text = run(i, j)
                    found = _exact(resolver, text, at, dated)
                    if found is None and departments:
                        found = _department(resolver, text, at, dated)
                    rest = split_from(j + 1) if found else None
                    if found and rest is not None:
                        memo[i] = [found, *rest]
                        break
            return memo[i]

        return split_from(0)

    ids = list(dict.fromkeys(split(departments=False) or split(departments=True) or []))
    return tuple(ids) if len(ids) >= 2 else None


def _department(resolver: Resolver, name: str, at: date | None, dated: list[bool]) -> str | None:
    """The one body that a segment, or the longest run of leading or trailing words, names
    exactly: ``Blackpool Borough Council Trading Standards`` is Blackpool."""
    segments = [s for s in SEGMENTS.split(name) if s]
    if len(segments) > 1:
        found = {i for s in segments if _body_like(s) and (i := _exact(resolver, s, at, dated))}
        if len(found) == 1:
            return found.pop()
        if len(found) > 1:
            return None  # two bodies named: not a department of one
    words = name.split()
    if len(words) > MAX_WORDS:
        return None
    for size in range(len(words) - 1, 1, -1):
        for run in (words[:size], words[-size:]):
            if not _body_like(run[-1]):
                continue
            found_id = _exact(resolver, " ".join(run), at, dated)
            if found_id is not None:
                return found_id
    return None


def resolver_for(
    nodes: Iterable[Node],
    *,
    registers: bool = True,
    successors: Callable[[str], list[str]] | None = None,
) -> Resolver:
    """The resolver the loaders use, over ``nodes`` (a store's): councils, combined
    authorities, buying organisations and public bodies, with mySociety's name variants, and
    (``registers``) the bundled registers' public bodies that are not stored yet, listed in
    the resolver's ``unstored``; ``successors`` (``successors_in``) places names of councils
    that no longer existed on a notice's day as their successors."""
    register = {b.id: b for b in register_bodies()} if registers else {}
    # a register body stored by a partnership file keeps the register's aliases for placing
    stored = [merged_node(register[n.id], n) if n.id in register else n for n in nodes]
    known = {n.id for n in stored}
    extra = [b for b in register.values() if b.id not in known]
    resolver = Resolver.build([*stored, *extra], read_variants(names_file()), kinds=PARTNER_KINDS)
    resolver.unstored = {b.id for b in extra}
    resolver.successors = successors
    return resolver


def successors_in(
    store: GraphStore, nodes: Iterable[Node], links: Iterable[Link] = ()
) -> Callable[[str], list[str]]:
    """The councils that took the whole of each ended one of ``nodes`` over, by its
    ``succeeded_by`` links in ``store`` and in ``links`` (a load's own), read now."""
    given = [k for k in links if k.kind is LinkKind.SUCCEEDED_BY]
    known: dict[str, list[str]] = {}
    for node in nodes:
        if node.valid_to is None:
            continue
        around = [*store.links_of(node.id), *(k for k in given if k.from_id == node.id)]
        known[node.id] = sorted(
            {
                k.to_id
                for k in around
                if k.kind is LinkKind.SUCCEEDED_BY
                and k.from_id == node.id
                and k.attrs.get("share", "whole") == "whole"
            }
        )
    return lambda node_id: known.get(node_id, [])


def placement_dict(resolver: Resolver, found: Placement) -> dict[str, Any]:
    """A placement as JSON: the bodies with their names and kinds, how, the agent, and for a
    refusal the closest bodies."""
    bodies = [
        {"id": i, "name": resolver.labels.get(i, i),
         "kind": str(resolver.nodes[i].kind) if i in resolver.nodes else None}
        for i in found.ids
    ]  # fmt: skip
    return {
        "text": found.text,
        "placed": found.placed,
        "ids": list(found.ids),
        "bodies": bodies,
        "how": found.how,
        "agent": found.agent,
        "candidates": list(found.candidates),
    }
