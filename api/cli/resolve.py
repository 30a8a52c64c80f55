"""``partnermap resolve``: the names people and notices write, placed as the bodies in the
graph; one name, or a CSV of them (an analyst's spend file), every column kept."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph import Settings
    from loaders.buyers import Placement
    from loaders.resolve import Resolver

ADDED = ("id", "resolved_name", "kind", "how", "agent", "closest")
"""The columns ``--file`` adds to each row."""


def add_resolve_command(subs: Any) -> None:
    resolve = subs.add_parser("resolve", help="which bodies a name (or a CSV of names) names")
    what = resolve.add_mutually_exclusive_group(required=True)
    what.add_argument("name", nargs="?", metavar="NAME", help="a name as written")
    what.add_argument("--file", type=Path, metavar="names.csv",
                      help="a CSV with a 'name' column (and optionally 'date'); the same rows "
                      "are written out with " + ", ".join(ADDED) + " added")  # fmt: skip
    resolve.add_argument("--out", type=Path, help="write the CSV here (default: standard out)")
    resolve.add_argument("--at", type=date.fromisoformat, help="as at (default: today)")
    resolve.add_argument("--json", action="store_true", help="print the placement as JSON")
    resolve.set_defaults(run=run_resolve)


def run_resolve(settings: Settings, args: argparse.Namespace) -> int:
    from graph import open_store
    from loaders.buyers import resolver_for, successors_in

    with open_store(settings) as store:
        nodes = list(store.iter_nodes())
        resolver = resolver_for(nodes, successors=successors_in(store, nodes))
    if args.file is not None:
        return resolve_file(resolver, args.file, args.out, args.at)
    return resolve_one(resolver, args.name, args.at, as_json=args.json)


def resolve_one(resolver: Resolver, name: str, at: date | None, *, as_json: bool) -> int:
    from loaders.buyers import place, placement_dict

    found = placement_dict(resolver, place(resolver, name, at))
    if as_json:
        print(json.dumps(found, indent=2))
    elif found["placed"]:
        bodies = "; ".join(f"{b['id']} {b['name']} ({b['kind']})" for b in found["bodies"])
        agent = f", bought for by {found['agent']}" if found["agent"] else ""
        print(f"{name!r} -> {bodies} [{found['how']}{agent}]")
    else:
        closest = ", ".join(found["candidates"]) or "none"
        print(f"{name!r} -> not placed ({found['how']}); closest: {closest}")
    return 0 if found["placed"] else 1


def resolve_file(resolver: Resolver, path: Path, out: Path | None, at: date | None) -> int:
    from graph.errors import LoaderError, Problem
    from loaders.buyers import place

    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            columns = list(reader.fieldnames or [])
            if "name" not in columns:
                raise LoaderError(Problem(str(path), 1, "no 'name' column"),
                                  hint="give a CSV whose header has a 'name' column")  # fmt: skip
            rows = list(reader)
    except (OSError, UnicodeDecodeError) as e:
        raise LoaderError(Problem(str(path), None, f"cannot read it: {e}"),
                          hint="give a UTF-8 CSV file") from e  # fmt: skip
    placed = 0
    target = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        writer = csv.DictWriter(target, fieldnames=columns + [c for c in ADDED if c not in columns],
                                lineterminator="\n")  # fmt: skip
        writer.writeheader()
        for line, row in enumerate(rows, start=2):
            day = _day(row.get("date"), path, line)
            found = place(resolver, row.get("name") or "", day or at)
            placed += found.placed
            writer.writerow({**row, **_columns(resolver, found)})
        target.flush()
    finally:
        if out:
            target.close()
    print(f"{placed} of {len(rows)} names placed", file=sys.stderr)
    return 0


def _day(text: str | None, path: Path, line: int) -> date | None:
    from graph.errors import LoaderError, Problem

    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        problem = Problem(str(path), line, f"date {text!r} is not YYYY-MM-DD")
        raise LoaderError(problem, hint="write dates as 2025-02-24, or leave it empty") from None


def _columns(resolver: Resolver, found: Placement) -> dict[str, str]:
    return {
        "id": ";".join(found.ids),
        "resolved_name": ";".join(resolver.labels.get(i, i) for i in found.ids),
        "kind": ";".join(str(resolver.nodes[i].kind) for i in found.ids if i in resolver.nodes),
        "how": found.how,
        "agent": found.agent or "",
        "closest": "; ".join(found.candidates) if not found.placed else "",
    }
