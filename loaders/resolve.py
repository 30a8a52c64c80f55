"""One name resolver: council names and codes, as people and procurement notices write them,
to node ids.

In order: an id or GSS code of a stored node (or a former code); an exact known name (the
node's name, official name, and mySociety's name variants); the same after normalising
(case, punctuation, "&", and words such as "council", "borough", "city of"); and last a fuzzy
match (rapidfuzz) that is accepted only when it is close and clearly better than the next
candidate. A name that fits two nodes equally is refused, never guessed.

Names are placed as at a day: a name of a council that did not exist that day is placed as its
successor of the day (``how`` ``successor``: a 2024 notice from "Richmondshire District Council"
is North Yorkshire Council's), or refused when it went to several.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from graph.model import HISTORY_FROM, Node, NodeKind

FUZZY_MIN = 90.0
"""Lowest fuzzy score accepted (0-100, rapidfuzz ``token_sort_ratio`` on normalised names)."""
FUZZY_MARGIN = 4.0
"""How far the best fuzzy candidate must lead the next one that names another node."""
MEMO_SIZE = 100_000
"""Answers remembered (a notice file names the same buyers again and again)."""

NOISE = re.compile(
    r"\b(the|council|borough|district|metropolitan|county|city|of|royal|london borough|"
    r"corporation|unitary|authority|cyngor|comhairle|and city|mbc|bc|dc|cc|limited|ltd|plc)\b"
)
KEEP_WHOLE = {"city of london", "county durham", "city of edinburgh"}
SHORT_FORMS = {
    "beds": "bedfordshire", "berks": "berkshire", "bucks": "buckinghamshire",
    "cambs": "cambridgeshire", "glos": "gloucestershire", "hants": "hampshire",
    "herts": "hertfordshire", "lancs": "lancashire", "leics": "leicestershire",
    "lincs": "lincolnshire", "northants": "northamptonshire", "notts": "nottinghamshire",
    "oxon": "oxfordshire", "staffs": "staffordshire", "wilts": "wiltshire",
    "worcs": "worcestershire", "yorks": "yorkshire", "st": "saint",
}  # fmt: skip
"""The counties' customary short forms (``East Herts Council`` is East Hertfordshire), and
``St`` for ``Saint``, expanded on both sides of every comparison."""
_SHORT = re.compile(r"\b(" + "|".join(SHORT_FORMS) + r")\b")


def tidied(name: str) -> str:
    """Case, punctuation, ``&``, short forms and legal suffixes evened out: ``"Mid & West
    Wales Fire & Rescue Ltd."`` -> ``"mid and west wales fire and rescue"``."""
    text = name.casefold().replace("&", " and ").replace("\u2019", "'")
    text = re.sub(r"[^\w\s]", " ", text)
    text = _SHORT.sub(lambda m: SHORT_FORMS[m.group(1)], text)
    text = re.sub(r"\b(?:the|limited|ltd|plc)\b", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def normalised(name: str) -> str:
    """``"Leeds City Council"`` and ``"LEEDS CITY COUNCIL."`` -> ``"leeds"``: tidied, and
    the words that every council's name has dropped (only councils' and combined
    authorities' names are keyed so: ``Metropolitan Police`` must not become ``police``)."""
    text = name.casefold().replace("&", " and ").replace("\u2019", "'")
    text = re.sub(r"[^\w\s]", " ", text)
    text = _SHORT.sub(lambda m: SHORT_FORMS[m.group(1)], text)
    text = re.sub(r"\s+", " ", text).strip()
    if text in KEEP_WHOLE:
        return text
    stripped = re.sub(r"\s+", " ", NOISE.sub(" ", text)).strip()
    return stripped or text


AREAS = frozenset({NodeKind.COUNCIL, NodeKind.COMBINED_AUTHORITY})
"""The bodies named after their area, whose names are keyed without the council words."""


@dataclass(frozen=True, slots=True)
class Resolution:
    text: str
    id: str | None
    how: str
    """How: ``id``, ``former_code``, ``name``, ``normalised``, ``fuzzy``, ``successor`` (the
    name of a council that no longer existed that day, placed as the one that took it over);
    refused: ``ambiguous`` or ``unknown``."""
    candidates: tuple[str, ...] = ()
    """For a refusal: the closest names with their ids, best first."""
    dated: bool = False
    """Whether the answer depended on the date (a name of a body that ended and of another)."""

    @property
    def resolved(self) -> bool:
        return self.id is not None


@dataclass(slots=True)
class Resolver:
    names: dict[str, set[str]] = field(default_factory=dict)
    keys: dict[str, set[str]] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    former: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    nodes: dict[str, Node] = field(default_factory=dict)
    _memo: dict[str, Resolution] = field(default_factory=dict)
    """Answers that do not depend on the date, by query."""
    unstored: set[str] = field(default_factory=set)
    """Ids of bodies known from a register but not in the store (yet)."""
    placements: dict[Any, Any] = field(default_factory=dict)
    """``loaders.buyers.place``'s answers, remembered with the resolver they came from."""
    successors: Callable[[str], list[str]] | None = None
    """The councils that took the whole of a council over (its ``succeeded_by`` links), for
    names of councils that did not exist on the day asked."""
    _choices: list[str] | None = None

    @classmethod
    def build(
        cls,
        nodes: Iterable[Node],
        variants: Iterable[tuple[str, str]] = (),
        kinds: Iterable[NodeKind] | None = None,
    ) -> Resolver:
        """A resolver over ``nodes`` (of ``kinds``), with extra ``(name, id)`` ``variants``."""
        wanted = set(kinds) if kinds is not None else None
        resolver = cls()
        for node in nodes:
            if wanted is not None and node.kind not in wanted:
                continue
            resolver.ids.add(node.id)
            resolver.labels[node.id] = node.name
            resolver.nodes[node.id] = node
            for name in names_of(node):
                resolver._add(name, node.id, node.kind in AREAS)
            for code in str(node.attrs.get("former_codes", "")).split(";"):
                if code:
                    resolver.former[code] = node.id
        for name, node_id in variants:
            if node_id in resolver.ids:
                resolver._add(name, node_id, resolver.nodes[node_id].kind in AREAS)
        return resolver

    def _add(self, name: str, node_id: str, area: bool) -> None:
        self.names.setdefault(name.casefold().strip(), set()).add(node_id)
        self.keys.setdefault(normalised(name) if area else tidied(name), set()).add(node_id)

    def resolve(self, text: str, at: date | None = None) -> Resolution:
        """The node ``text`` names; where a name fits a body that existed on ``at`` (default:
        today) and others that did not, the one that existed is taken."""
        query = text.strip()
        if (known := self._memo.get(query)) is not None:
            return known if known.text == text else replace(known, text=text)
        found, dated = self._resolve(text, query, at)
        if dated:
            found = replace(found, dated=True)
        else:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[query] = found
        return found

    def _resolve(self, text: str, query: str, at: date | None) -> tuple[Resolution, bool]:
        """The resolution, and whether it depended on the date."""
        if query in self.ids:
            return Resolution(text, query, "id"), False
        if query.upper() in self.former:
            return Resolution(text, self.former[query.upper()], "former_code"), False
        for how, table, key in (
            ("name", self.names, query.casefold()),
            ("normalised", self.keys, normalised(query)),
            ("normalised", self.keys, tidied(query)),
        ):
            found = table.get(key)
            dated = bool(found and len(found) > 1)
            if found and dated:
                day = at or date.today()
                found = {i for i in found if self.nodes[i].valid_at(day)} or found
            if found and len(found) == 1:
                placed = self._of_the_day(text, next(iter(found)), how, at)
                return placed, dated or placed.dated
            if found:
                return Resolution(text, None, "ambiguous", self._labelled(sorted(found))), dated
        fuzzy = self._fuzzy(text, normalised(query))
        if fuzzy.id is None:
            return fuzzy, False
        placed = self._of_the_day(text, fuzzy.id, "fuzzy", at)
        return placed, placed.dated

    def _of_the_day(self, text: str, node_id: str, how: str, at: date | None) -> Resolution:
        """``node_id`` if it existed on every day the graph covers (the answer needs no day) or
        on ``at`` (default: today); else the council of that day that took the whole of it over
        (followed through several reorganisations), or a refusal when several did; else
        ``node_id`` itself (a record dated outside its life is then the loaders' to refuse)."""
        node = self.nodes[node_id]
        if node.valid_to is None and (node.valid_from is None or node.valid_from <= HISTORY_FROM):
            return Resolution(text, node_id, how)
        day = at or date.today()
        seen, current = {node_id}, [node_id]
        while self.successors is not None and not any(self._alive(i, day) for i in current):
            later = sorted({s for i in current for s in self.successors(i)} - seen)
            if not later:
                break
            seen |= set(later)
            current = later
        alive = [i for i in current if self._alive(i, day)]
        if len(alive) == 1 and alive != [node_id]:
            return Resolution(text, alive[0], "successor", dated=True)
        if len(alive) > 1:
            return Resolution(text, None, "ambiguous", self._labelled(alive), dated=True)
        return Resolution(text, node_id, how, dated=True)

    def _alive(self, node_id: str, day: date) -> bool:
        node = self.nodes.get(node_id)
        return node is not None and node.valid_at(day)

    def _fuzzy(self, text: str, key: str) -> Resolution:
        if self._choices is None:
            self._choices = list(self.keys)
        matches = process.extract(key, self._choices, scorer=fuzz.token_sort_ratio, limit=8)
        ranked: list[tuple[float, str]] = []
        for candidate, score, _ in matches:
            for node_id in sorted(self.keys[candidate]):
                if node_id not in {i for _, i in ranked}:
                    ranked.append((score, node_id))
        suggestions = self._labelled([i for _, i in ranked[:3]])
        if not ranked or ranked[0][0] < FUZZY_MIN:
            return Resolution(text, None, "unknown", suggestions)
        best_score, best = ranked[0]
        runner_up = next((s for s, i in ranked[1:] if i != best), 0.0)
        if best_score - runner_up < FUZZY_MARGIN:
            return Resolution(text, None, "ambiguous", suggestions)
        return Resolution(text, best, "fuzzy")

    def _labelled(self, ids: list[str]) -> tuple[str, ...]:
        return tuple(f"{i} ({self.labels.get(i, '?')})" for i in ids)


NAME_ATTRIBUTES = ("official_name", "full_name")
"""A node's other names (besides ``name``); ``aliases`` holds more, ``;``-separated."""
PARENTHESES = re.compile(r"\s*\([^)]*\)\s*$")


def names_of(node: Node) -> list[str]:
    """Every name a node is known by: its name, official and full names, aliases, and each
    without a trailing parenthesis (``LHC Procurement Group (formerly London Housing
    Consortium)`` is also ``LHC Procurement Group``)."""
    given = [node.name, *(str(node.attrs.get(a) or "") for a in NAME_ATTRIBUTES)]
    given += str(node.attrs.get("aliases") or "").split(";")
    names = [n.strip() for n in given if n and n.strip()]
    names += [PARENTHESES.sub("", n) for n in names if PARENTHESES.search(n)]
    return list(dict.fromkeys(n for n in names if n))


def names_file() -> Path:
    """The bundled name variants (``loaders/bundled/names.csv``)."""
    with as_file(files("loaders") / "bundled" / "names.csv") as path:
        return Path(path)


def read_variants(path: Path) -> list[tuple[str, str]]:
    """``(name, id)`` pairs from a ``name,id`` CSV such as the bundled ``names.csv``."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [(row["name"], row["id"]) for row in csv.DictReader(f)]
