"""The ``partnermap`` command line: a composition root (settings are read and wired here)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from api.analyse import add_commands as add_analysis_commands
from api.progress import TerminalProgress
from graph import (
    LoadRejected,
    Outcome,
    PartnermapError,
    Settings,
    copy_graph,
    node_with_links,
    open_store,
)
from loaders import FORMATS, load_bundled, load_files

SHOWN = 10
"""Skip reasons and notes shown per file in the readable load report (most frequent first)."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    overrides: dict[str, Any] = {}
    if args.home is not None:
        overrides["home"] = args.home
    if args.store is not None:
        overrides["store"] = args.store
    try:
        settings = Settings(**overrides)
    except ValidationError as e:
        problems = "; ".join(f"{_env_name(err['loc'])}: {err['msg']}" for err in e.errors())
        print(
            f"partnermap: error: bad setting ({problems}). see the README's Settings",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    if settings.log_level != "DEBUG":  # the driver logs each retry; our errors say it once
        logging.getLogger("neo4j").setLevel(logging.ERROR)
    try:
        result: int = args.run(settings, args)
    except LoadRejected as e:
        _print_report(e.report, sys.stderr)
        print(f"partnermap: error: {e}", file=sys.stderr)
        return 1
    except PartnermapError as e:
        print(f"partnermap: error: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return result


def _env_name(loc: tuple[int | str, ...]) -> str:
    """The environment variable behind a settings field (``port`` -> ``PARTNERMAP_PORT``)."""
    name = str(loc[0]) if loc else "setting"
    field = Settings.model_fields.get(name)
    if field is not None and isinstance(field.validation_alias, str):
        return field.validation_alias
    return f"{Settings.model_config.get('env_prefix', '')}{name}".upper()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partnermap",
        description="See and plan how UK public bodies work and buy together.",
    )
    parser.add_argument("--store", choices=["embedded", "neo4j"], help="backend (PARTNERMAP_STORE)")
    parser.add_argument("--home", type=Path, help="embedded store folder (PARTNERMAP_HOME)")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    load = commands.add_parser("load", help="load the bundled data, or the files given")
    load.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    load.add_argument("--format", choices=sorted(FORMATS), help="skip format detection")
    load.add_argument("--dataset", help="dataset id to record (default: the file's name)")
    load.add_argument("--vintage", help="vintage to record (default: read from the file name)")
    load.add_argument(
        "--skip-invalid", action="store_true", help="load the valid rows, report the rest"
    )
    load.add_argument("--json", action="store_true", help="print the load report as JSON")
    load.set_defaults(run=_load)

    stats = commands.add_parser("stats", help="count nodes and links by kind")
    when = stats.add_mutually_exclusive_group()
    when.add_argument("--at", type=date.fromisoformat, help="as at this date (default: today)")
    when.add_argument("--all", action="store_true", help="everything, ended records too")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(run=_stats)

    show = commands.add_parser("show", help="one node, its attributes and its links")
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=_show)

    copy = commands.add_parser("copy", help="copy the whole graph from one backend to the other")
    copy.add_argument("--from", dest="source", choices=["embedded", "neo4j"], required=True)
    copy.add_argument("--to", dest="target", choices=["embedded", "neo4j"], required=True)
    copy.add_argument(
        "--replace", action="store_true", help="make the target exactly the source (else merge)"
    )
    copy.set_defaults(run=_copy)

    add_analysis_commands(commands)

    serve = commands.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", help="address (PARTNERMAP_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (PARTNERMAP_PORT, default 8000)")
    serve.set_defaults(run=_serve)
    return parser


def _load(settings: Settings, args: argparse.Namespace) -> int:
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
            )
        else:
            report = load_bundled(store)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        _print_report(report.as_dict(), sys.stdout)
    return 0


def _stats(settings: Settings, args: argparse.Namespace) -> int:
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


def _show(settings: Settings, args: argparse.Namespace) -> int:
    with open_store(settings) as store:
        view = node_with_links(store, args.id)
    if args.json:
        print(json.dumps(view, indent=2))
        return 0
    node = view["node"]
    print(f"{node['id']}  {node['name']}  ({node['kind']})")
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


def _copy(settings: Settings, args: argparse.Namespace) -> int:
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


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn  # noqa: PLC0415 - only the server needs it

    from api.app import create_app  # noqa: PLC0415

    uvicorn.run(
        create_app(settings),
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level=settings.log_level.lower(),
    )
    return 0


def _print_report(report: dict[str, Any], out: TextIO) -> None:
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
