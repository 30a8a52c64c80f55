"""Scenario files: reorganisation and devolution scenarios as JSON (``graph.scenario``).

A file holds one scenario object, a list of them, or ``{"scenarios": [...]}``::

    {"id": "surrey-two-unitaries", "name": "...", "kind": "reorganisation",
     "status": "decided", "status_date": "2025-10-28", "source_url": "https://...",
     "verified": "yes", "area": "E10000030", "proposed_by": "...", "note": "...",
     "new_councils": [{"id": "new:west-surrey", "name": "West Surrey", "vesting": "2027-04-01",
                       "predecessors": ["E07000209", ...],
                       "parts": [{"id": "E07000149", "share": "in words", "population": 1234}]}],
     "abolished": ["E10000030", ...],
     "strategic_authorities": [{"id": "new:sa-x", "name": "...", "type": "ca|cca|sa",
                                "members": ["E10000012", "new:..."], "established": null,
                                "replaces": ["E47000..."]}]}

Each scenario is one row of the load report. Its shape is checked here, each problem named by
its place in the file (``new_councils[1].predecessors[0]``) and its line; the councils it
names are checked against the graph by ``reference_problems`` when the load has read every
file (they must be councils on the day the scenario is judged: ``Scenario.judged_at``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from graph.errors import LoaderError, Problem
from graph.ids import UnknownCode, check_id, kind_of
from graph.model import Node, NodeKind
from graph.scenario import AuthorityType, Scenario, ScenarioKind, Status, from_dict
from loaders.items import Item, ParseContext, Reject, Row
from loaders.tables import UTF8_HINT, check_readable

MAX_BYTES = 8 * 1024 * 1024
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
NEW_ID = re.compile(r"^new:[a-z0-9][a-z0-9._-]{0,99}$")
MONTH = re.compile(r"^\d{4}-\d{2}$")
VERIFIED = ("yes", "partial", "no")
FIELDS = {"id", "name", "kind", "status", "status_date", "source_url", "verified", "area",
          "proposed_by", "note", "new_councils", "abolished", "strategic_authorities"}  # fmt: skip
COUNCIL_FIELDS = {"id", "name", "vesting", "predecessors", "parts"}
PART_FIELDS = {"id", "share", "population"}
AUTHORITY_FIELDS = {"id", "name", "type", "members", "established", "replaces"}
HINT = "see the README's 'Scenario files' for the format"


def looks_like_scenarios(head: bytes) -> bool:
    return b'"new_councils"' in head or b'"strategic_authorities"' in head


class _Bad(ValueError):
    """One problem at one place of a scenario."""

    def __init__(self, where: str, what: str, needle: str | None = None) -> None:
        super().__init__(f"{where}: {what}" if where else what)
        self.needle = needle


def parse_scenarios(path: Path, context: ParseContext) -> Iterator[Item]:
    """One ``scenario`` node per scenario of the file, or a ``Reject`` naming what is wrong."""
    check_readable(path)
    name = str(path)
    if path.stat().st_size > MAX_BYTES:
        raise LoaderError(
            Problem(name, None, "too large for a scenario file"),
            hint=f"a scenario file is a few KB; the limit is {MAX_BYTES // 2**20} MB",
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
        data = orjson.loads(raw)
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise LoaderError(Problem(name, line, "bytes that are not UTF-8"), hint=UTF8_HINT) from e
    except orjson.JSONDecodeError as e:
        raise LoaderError(
            Problem(name, e.lineno, f"not valid JSON: {e.msg}"), hint="fix the JSON"
        ) from e
    if isinstance(data, dict) and "scenarios" in data and len(data) == 1:
        data = data["scenarios"]
    items = data if isinstance(data, list) else [data]
    lines = text.split("\n")
    start = 0
    for i, item in enumerate(items):
        where = f"[{i}]" if isinstance(data, list) else ""
        found = _line_of(lines, f'"{item.get("id")}"', start) if isinstance(item, dict) else None
        line = found or start + 1
        start = max(start, line - 1)
        try:
            scenario = checked(item, where)
        except _Bad as e:
            at = _line_of(lines, f'"{e.needle}"', start) if e.needle else None
            yield Reject(at or line, f"{e}; {HINT}")
            continue
        yield Row(line, (scenario.node(context.source),))


def checked(item: Any, where: str = "") -> Scenario:
    """The scenario ``item`` describes, or ``_Bad`` naming the first thing wrong with it."""
    obj = _object(item, where or "the scenario", FIELDS)
    for key in ("id", "name", "kind", "status", "source_url"):
        if key not in obj:
            raise _Bad(where or "the scenario", f"{key} is missing")
    _text(obj, "id", where, SLUG, "lower-case letters, digits and '-' (surrey-two-unitaries)")
    _text(obj, "name", where)
    _choice(obj, "kind", where, ScenarioKind)
    _choice(obj, "status", where, Status)
    if obj.get("status_date") is not None:
        day = obj["status_date"]
        if not isinstance(day, str) or not (MONTH.match(day) or _is_day(day)):
            raise _Bad(_at(where, "status_date"), f"{day!r} is not YYYY-MM-DD or YYYY-MM", day)
    url = _text(obj, "source_url", where)
    if not url.startswith(("https://", "http://")):
        raise _Bad(_at(where, "source_url"), "give the page the scenario comes from (http...)")
    if obj.get("verified", "no") not in VERIFIED:
        raise _Bad(_at(where, "verified"), f"must be one of {', '.join(VERIFIED)}")
    for key in ("proposed_by", "note"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise _Bad(_at(where, key), "must be text")
    if obj.get("area") is not None:
        _ids([obj["area"]], _at(where, "area"))
    seen: set[str] = set()
    councils = _list(obj, "new_councils", where)
    for n, council in enumerate(councils):
        _council(council, _at(where, f"new_councils[{n}]"), seen)
    _ids(_list(obj, "abolished", where), _at(where, "abolished"))
    new_ids = {c["id"] for c in councils}
    for n, authority in enumerate(_list(obj, "strategic_authorities", where)):
        _authority(authority, _at(where, f"strategic_authorities[{n}]"), seen, new_ids)
    if not councils and not obj.get("strategic_authorities"):
        raise _Bad(where or "the scenario", "has no new_councils and no strategic_authorities")
    _whole_once(councils, where)
    return from_dict(obj)


def reference_problems(
    scenario: Scenario, node_of: Callable[[str], Node | None], today: date
) -> list[str]:
    """What ``scenario`` names that is not in the graph as it should be: councils (and
    combined authorities it replaces) that do not exist on the day it is judged."""
    day = scenario.judged_at(today)
    problems = []
    named = named_in(scenario)
    for where, node_id, kind in named:
        node = node_of(node_id)
        if node is None:
            problems.append(f"{where}: {node_id} is not in the graph (load the file that defines "
                            "it first, or in the same command)")  # fmt: skip
        elif node.kind != kind:
            problems.append(f"{where}: {node_id} ({node.name}) is a {node.kind}, not a {kind}")
        elif not node.valid_at(day):
            life = f"{node.valid_from or '...'} to {node.valid_to or 'today'}"
            problems.append(
                f"{where}: {node_id} ({node.name}) did not exist on {day}, the day the scenario "
                f"is judged on (it existed {life}); name the council of that day"
            )
    return problems


def named_in(scenario: Scenario) -> list[tuple[str, str, NodeKind]]:
    """Every id a scenario names in the graph: where, the id, and the kind it must be."""
    named: list[tuple[str, str, NodeKind]] = []
    if scenario.area:
        named.append(("area", scenario.area, NodeKind.COUNCIL))
    for n, c in enumerate(scenario.new_councils):
        named += [(f"new_councils[{n}].predecessors", p, NodeKind.COUNCIL) for p in c.predecessors]
        named += [(f"new_councils[{n}].parts", p.id, NodeKind.COUNCIL) for p in c.parts]
    named += [("abolished", a, NodeKind.COUNCIL) for a in scenario.abolished]
    new_ids = {c.id for c in scenario.new_councils}
    for n, a in enumerate(scenario.strategic_authorities):
        named += [(f"strategic_authorities[{n}].members", m, NodeKind.COUNCIL)
                  for m in a.members if m not in new_ids]  # fmt: skip
        named += [(f"strategic_authorities[{n}].replaces", r, NodeKind.COMBINED_AUTHORITY)
                  for r in a.replaces]  # fmt: skip
        if not a.id.startswith("new:"):
            named.append((f"strategic_authorities[{n}].id", a.id, NodeKind.COMBINED_AUTHORITY))
    return named


# --- the shape of each part -------------------------------------------------------------------


def _council(council: Any, where: str, seen: set[str]) -> None:
    obj = _object(council, where, COUNCIL_FIELDS)
    for key in ("id", "name"):
        if key not in obj:
            raise _Bad(where, f"{key} is missing")
    _new_id(obj, where, seen)
    _text(obj, "name", where)
    if obj.get("vesting") is not None and not _is_day(obj["vesting"]):
        raise _Bad(_at(where, "vesting"), f"{obj['vesting']!r} is not a date (YYYY-MM-DD)",
                   str(obj["vesting"]))  # fmt: skip
    predecessors = _list(obj, "predecessors", where)
    _ids(predecessors, _at(where, "predecessors"))
    parts = _list(obj, "parts", where)
    for n, part in enumerate(parts):
        at = _at(where, f"parts[{n}]")
        p = _object(part, at, PART_FIELDS)
        if "id" not in p:
            raise _Bad(at, "id is missing")
        _ids([p["id"]], _at(at, "id"))
        if not isinstance(p.get("share", ""), str):
            raise _Bad(_at(at, "share"), "must be text: which part, in words")
        population = p.get("population")
        if population is not None and (
            not isinstance(population, int) or isinstance(population, bool) or population < 0
        ):
            raise _Bad(_at(at, "population"), f"{population!r} is not a whole number, 0 or more")
    if not predecessors and not parts:
        raise _Bad(where, "has no predecessors and no parts: name the councils it is made of",
                   obj["id"])  # fmt: skip


def _authority(authority: Any, where: str, seen: set[str], new_ids: set[str]) -> None:
    obj = _object(authority, where, AUTHORITY_FIELDS)
    for key in ("id", "name", "type", "members"):
        if key not in obj:
            raise _Bad(where, f"{key} is missing")
    node_id = obj["id"]
    if isinstance(node_id, str) and not node_id.startswith("new:"):
        _ids([node_id], _at(where, "id"))  # an existing combined authority, changed
        if node_id in seen:
            raise _Bad(_at(where, "id"), f"{node_id} is given twice", node_id)
        seen.add(node_id)
    else:
        _new_id(obj, where, seen)
    _text(obj, "name", where)
    _choice(obj, "type", where, AuthorityType)
    members = _list(obj, "members", where)
    if len(members) < 1:
        raise _Bad(_at(where, "members"), "name its member councils")
    for m in members:
        if isinstance(m, str) and m.startswith("new:") and m not in new_ids:
            raise _Bad(_at(where, "members"), f"{m} is none of this scenario's new councils", m)
    _ids([m for m in members if not (isinstance(m, str) and m in new_ids)], _at(where, "members"))
    if len(set(members)) != len(members):
        raise _Bad(_at(where, "members"), "names a council twice")
    if obj.get("established") is not None and not _is_day(obj["established"]):
        raise _Bad(_at(where, "established"), f"{obj['established']!r} is not a date")
    _ids(_list(obj, "replaces", where), _at(where, "replaces"))


def _whole_once(councils: list[dict[str, Any]], where: str) -> None:
    """A council's whole area goes to one new council, and then no part of it to another."""
    whole: dict[str, str] = {}
    for council in councils:
        for p in council.get("predecessors") or ():
            if p in whole:
                raise _Bad(_at(where, "new_councils"),
                           f"{p} is wholly in both {whole[p]} and {council['id']}",
                           council["id"])  # fmt: skip
            whole[p] = council["id"]
    for council in councils:
        for part in council.get("parts") or ():
            if part["id"] in whole:
                raise _Bad(
                    _at(where, "new_councils"),
                    f"{part['id']} is wholly in {whole[part['id']]} and in part in {council['id']}",
                    council["id"],
                )


def _object(value: Any, where: str, fields: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(where, "must be an object ({...})")
    unknown = sorted(set(value) - fields)
    if unknown:
        known = ", ".join(sorted(fields))
        raise _Bad(where, f"unknown field {', '.join(unknown)} (fields: {known})", unknown[0])
    return value


def _text(obj: dict[str, Any], key: str, where: str, pattern: re.Pattern[str] | None = None,
          form: str = "") -> str:  # fmt: skip
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _Bad(_at(where, key), "must be text, not empty")
    if pattern is not None and not pattern.match(value):
        raise _Bad(_at(where, key), f"{value!r} is not {form}", value)
    return value


def _choice(obj: dict[str, Any], key: str, where: str, kind: Any) -> None:
    if obj.get(key) not in {str(k) for k in kind}:
        raise _Bad(_at(where, key), f"{obj.get(key)!r} is not one of {', '.join(map(str, kind))}",
                   str(obj.get(key)))  # fmt: skip


def _list(obj: dict[str, Any], key: str, where: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Bad(_at(where, key), "must be a list ([...])")
    return value


def _ids(values: list[Any], where: str) -> None:
    for n, value in enumerate(values):
        if not isinstance(value, str):
            raise _Bad(f"{where}[{n}]", f"{value!r} is not an id")
        try:
            check_id(value)
            kind = kind_of(value)
        except UnknownCode as e:
            raise _Bad(f"{where}[{n}]", str(e), value) from None
        if kind not in (NodeKind.COUNCIL, NodeKind.COMBINED_AUTHORITY):
            raise _Bad(f"{where}[{n}]", f"{value} is a {kind}, not a council", value)


def _new_id(obj: dict[str, Any], where: str, seen: set[str]) -> None:
    node_id = obj.get("id")
    if not isinstance(node_id, str) or not NEW_ID.match(node_id):
        raise _Bad(_at(where, "id"), f"{node_id!r} is not new:<slug> (new:west-surrey)",
                   str(node_id))  # fmt: skip
    if node_id in seen:
        raise _Bad(_at(where, "id"), f"{node_id} is given twice", node_id)
    seen.add(node_id)


def _is_day(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _at(where: str, key: str) -> str:
    return f"{where}.{key}" if where and not key.startswith("[") else f"{where}{key}"


def _line_of(lines: list[str], needle: str, start: int) -> int | None:
    """The 1-based line, from ``start`` (0-based) on, where ``needle`` first appears."""
    for n in range(start, len(lines)):
        if needle in lines[n]:
            return n + 1
    return None
