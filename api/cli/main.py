"""The ``partnermap`` command line: a composition root (settings are read and wired here).

Only what ``--help`` needs is imported before the arguments are parsed: each command imports
its own machinery when it runs (``partnermap load`` never imports FastAPI).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from api.cli import commands, fetch
from api.cli.analyses import add_analysis_commands, add_map_command
from api.cli.contracts import add_contract_commands
from api.cli.resolve import add_resolve_command
from api.cli.scenarios import add_scenario_commands
from graph import LoadRejected, PartnermapError
from loaders.formats import FORMAT_NAMES


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from pydantic import ValidationError

    from graph.settings import Settings

    overrides: dict[str, Any] = {}
    if args.home is not None:
        overrides["home"] = args.home
    if args.store is not None:
        overrides["store"] = args.store
    try:
        settings = Settings(**overrides)
    except ValidationError as e:
        problems = "; ".join(f"{env_name(err['loc'])}: {err['msg']}" for err in e.errors())
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
        commands.print_report(e.report, sys.stderr)
        print(f"partnermap: error: {e}", file=sys.stderr)
        return 1
    except PartnermapError as e:
        print(f"partnermap: error: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return result


def env_name(loc: tuple[int | str, ...]) -> str:
    """The environment variable behind a settings field (``port`` -> ``PARTNERMAP_PORT``)."""
    from graph.settings import Settings

    name = str(loc[0]) if loc else "setting"
    field = Settings.model_fields.get(name)
    if field is not None and isinstance(field.validation_alias, str):
        return field.validation_alias
    return f"{Settings.model_config.get('env_prefix', '')}{name}".upper()


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="partnermap",
        description="See and plan how UK public bodies work and buy together.",
    )
    top.add_argument("--store", choices=["embedded", "neo4j"], help="backend (PARTNERMAP_STORE)")
    top.add_argument("--home", type=Path, help="embedded store folder (PARTNERMAP_HOME)")
    subs = top.add_subparsers(required=True, metavar="COMMAND")

    load = subs.add_parser("load", help="load the bundled data, or the files given")
    load.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    load.add_argument("--format", choices=FORMAT_NAMES, help="skip format detection")
    load.add_argument("--dataset", help="dataset id to record (default: the file's name)")
    load.add_argument("--vintage", help="vintage to record (default: read from the file name)")
    load.add_argument(
        "--skip-invalid", action="store_true", help="load the valid rows, report the rest"
    )
    load.add_argument("--json", action="store_true", help="print the load report as JSON")
    load.add_argument("--no-contracts", dest="contracts", action="store_false",
                      help="leave notices' awards out (partnership evidence only)")  # fmt: skip
    load.set_defaults(run=commands.load)

    stats = subs.add_parser("stats", help="count nodes and links by kind")
    when = stats.add_mutually_exclusive_group()
    when.add_argument("--at", type=date.fromisoformat, help="as at this date (default: today)")
    when.add_argument("--all", action="store_true", help="everything, ended records too")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(run=commands.stats)

    show = subs.add_parser("show", help="one node, its attributes and its links")
    show.add_argument("id", metavar="ID")
    show.add_argument(
        "--at", type=date.fromisoformat, help="only the links in force that day (default: all)"
    )
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=commands.show)

    copy = subs.add_parser("copy", help="copy the whole graph from one backend to the other")
    copy.add_argument("--from", dest="source", choices=["embedded", "neo4j"], required=True)
    copy.add_argument("--to", dest="target", choices=["embedded", "neo4j"], required=True)
    copy.add_argument(
        "--replace", action="store_true", help="make the target exactly the source (else merge)"
    )
    copy.set_defaults(run=commands.copy)

    add_analysis_commands(subs)
    add_map_command(subs)
    add_resolve_command(subs)
    add_scenario_commands(subs)
    add_contract_commands(subs)
    fetch.add_parser(subs)

    serve = subs.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", help="address (PARTNERMAP_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (PARTNERMAP_PORT, default 8000)")
    serve.set_defaults(run=commands.serve)
    return top
