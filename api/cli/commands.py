"""The command line's commands that are not analyses: load, stats, show, copy and serve. Each
takes the settings and the parsed arguments and returns the exit status, and imports what it
needs when it runs (so ``--help`` is quick and ``load`` never imports FastAPI)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from graph import Settings

SHOWN = 10
"""Skip reasons and notes shown per file in the readable load report (most frequent first)."""


def load(settings: Settings, args: argparse.Namespace) -> int:
    from api.cli.progress import TerminalProgress
    from graph import open_store
    from loaders import load_bundled, load_files

    with open_store(settings) as store, TerminalProgress() as progress:
        if args.paths:
            report = load_files(
                store,
                args.paths,
                fmt=args.format,
                dataset=args.dataset,
                vintage=args.vintage,
                skip_invalid=args.skip_invalid,
                progress=progress,
                contracts=args.contracts,
            )
        else:
            report = load_bundled(store)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print_report(report.as_dict(), sys.stdout)
    return 0


def stats(settings: Settings, args: argparse.Namespace) -> int:
    from graph import open_store

    at = None if args.all else (args.at or date.today())
    with open_store(settings) as store:
        stats = store.stats(at).as_dict()
    if args.json:
        print(json.dumps({**stats, "as_at": at.isoformat() if at else None}, indent=2))
        return 0
    print(f"as at {at.isoformat()}" if at else "all records, ended ones too")
    for part in ("nodes", "links"):
        print(f"\n{part}")
        for kind, count in stats[part].items():
            print(f"  {kind:<20} {count:>8}")
        print(f"  {'total':<20} {sum(stats[part].values()):>8}")
    return 0


def show(settings: Settings, args: argparse.Namespace) -> int:
    from graph import node_with_links, open_store

    with open_store(settings) as store:
        view = node_with_links(store, args.id, args.at)
    if args.json:
        print(json.dumps(view, indent=2))
        return 0
    node = view["node"]
    print(f"{node['id']}  {node['name']}  ({node['kind']})")
    if view.get("existed") is False:
        print(f"  did not exist on {view['as_at']}: valid {node['valid_from'] or '...'} to "
              f"{node['valid_to'] or 'today'}")  # fmt: skip
    elif "as_at" in view:
        print(f"  as at {view['as_at']}")
    for key, value in node.items():
        if key not in {"id", "name", "kind"} and value not in (None, "", []):
            shown = ", ".join(value) if isinstance(value, list) else value
            print(f"  {key:<14} {shown}")
    print(f"\nlinks ({len(view['links'])})")
    for link in view["links"]:
        other = link["other"]
        arrow = "->" if link["direction"] == "out" else "<-"
        if link["kind"] == "borders":
            arrow = "--"
        extra = [link["role"]] if link["role"] else []
        if link.get("shared_boundary_km") is not None:
            extra.append(f"{link['shared_boundary_km']} km")
        for bound in ("valid_from", "valid_to"):
            if link[bound]:
                extra.append(f"{bound} {link[bound]}")
        note = f"  [{', '.join(extra)}]" if extra else ""
        who = f"{other['id']:<10} {other['name']} ({other['kind']})"
        print(f"  {link['kind']:<13} {arrow} {who}{note}")
    return 0


def copy(settings: Settings, args: argparse.Namespace) -> int:
    from graph import Outcome, copy_graph, open_store

    if args.source == args.target:
        print("partnermap: error: --from and --to name the same store", file=sys.stderr)
        return 2
    source_settings = settings.model_copy(update={"store": args.source})
    target_settings = settings.model_copy(update={"store": args.target})
    with open_store(source_settings) as source, open_store(target_settings) as target:
        plan = copy_graph(source, target, replace=args.replace)
        version = target.data_version()
    if args.replace:
        print(f"{args.target} now holds {len(plan.nodes)} nodes and {len(plan.links)} links")
    else:
        for part, outcomes in (("nodes", plan.node_outcomes), ("links", plan.link_outcomes)):
            counts = {o: outcomes.count(o) for o in Outcome}
            print(f"{part}: " + ", ".join(f"{n} {o}" for o, n in counts.items()))
    print(f"stored ({version})")
    return 0


YOUNG_OBJECTS = 10_000
"""Allocations between collections of the youngest generation while serving (Python's default
is 700)."""


def serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from api.http import create_app

    app = create_app(settings)
    tune_gc()
    uvicorn.run(
        app,
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level=settings.log_level.lower(),
    )
    return 0


def tune_gc() -> None:
    """Keep full garbage collections off the requests' path. A request about contracts makes
    tens of thousands of short-lived objects (rows, records, graphs). Collected every 700
    allocations, many live through two collections and reach the oldest generation, and every
    few requests they set off a full collection of everything the process holds, the cached
    answers included (on Neo4j at 1M contracts, p99 through the API: one council's
    opportunities 195 ms, a county's expiry calendar 936 ms). Collected every
    ``YOUNG_OBJECTS``, most are gone first, and what lives as long as the process (modules,
    the app) is frozen out of collections: 106 and 156 ms. Far larger is worse: a large
    answer then reaches the middle generation all at once (at 50,000, 230 ms pauses)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])


def print_report(report: dict[str, Any], out: TextIO) -> None:
    """The load report (``LoadReport.as_dict()``) for people."""
    for f in report["files"]:
        print(f"{f['file']} ({f['format']})", file=out)
        print(
            f"  rows: {f['rows_read']} read, {f['rows_taken']} taken, {f['rows_skipped']} skipped, "
            f"{f['rows_rejected']} rejected",
            file=out,
        )
        for skip in f["skipped"][:SHOWN]:
            lines = ", ".join(map(str, skip["example_lines"]))
            where = f" (lines {lines}, ...)" if lines else ""
            print(f"    skipped {skip['rows']}: {skip['reason']}{where}", file=out)
        if len(f["skipped"]) > SHOWN:
            print(
                f"    ... and {len(f['skipped']) - SHOWN} more reasons (--json lists all)", file=out
            )
        for note in f["notes"][:SHOWN]:
            print(f"    note ({note['rows']}): {note['note']}", file=out)
        if len(f["notes"]) > SHOWN:
            print(f"    ... and {len(f['notes']) - SHOWN} more notes (--json lists all)", file=out)
        for problem in f["rejected"]:
            print(f"    rejected line {problem['line']}: {problem['reason']}", file=out)
        if f["rows_rejected"] > len(f["rejected"]):
            print(f"    ... and {f['rows_rejected'] - len(f['rejected'])} more", file=out)
        for part in ("nodes", "links"):
            text = ", ".join(f"{n} {outcome}" for outcome, n in f[part].items())
            print(f"  {part}: {text}", file=out)
    if report["stored"]:
        print(f"stored ({report['data_version']})", file=out)
    else:
        print("nothing stored: the store is unchanged", file=out)
