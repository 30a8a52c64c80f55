"""``partnermap fetch SOURCE``: notices from a service's own API into the home, then, with
``--load``, into the store. The parser is built without the fetcher; the runner imports it."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from datetime import datetime

    from graph import Settings
    from loaders.fetch import FetchReport


def add_parser(subs: Any) -> None:
    from loaders.fetch.sources import SERVICES

    names = ", ".join(SERVICES)
    fetch = subs.add_parser(
        "fetch",
        help="fetch notices (OCDS) from a notice service's API into the home",
        description=f"Fetch the notices of SOURCE ({names}) published or updated in a span "
        "of time, window by window, into PARTNERMAP_HOME/fetched/SOURCE/. A window fetched "
        "before is skipped; a fetch that stopped is resumed by running it again.",
    )
    fetch.add_argument("source", choices=list(SERVICES), metavar="SOURCE", help=names)
    when = fetch.add_mutually_exclusive_group(required=True)
    when.add_argument("--from", dest="start", type=_time, metavar="DATE", help="start (UTC)")
    when.add_argument(
        "--since-last", action="store_true", help="start where the last fetch of SOURCE ended"
    )
    fetch.add_argument("--to", dest="end", type=_time, metavar="DATE", help="end (default: now)")
    fetch.add_argument(
        "--refetch", action="store_true", help="fetch the windows fetched before again"
    )
    fetch.add_argument("--load", action="store_true", help="then load everything fetched of SOURCE")
    fetch.add_argument(
        "--base-url", metavar="URL", help="a mirror, proxy or test server instead of the service"
    )
    fetch.add_argument(
        "--delay",
        type=float,
        metavar="SECONDS",
        help="between requests (PARTNERMAP_FETCH_DELAY; default: the service's)",
    )
    fetch.add_argument("--json", action="store_true", help="print the report as JSON")
    fetch.set_defaults(run=run)


def _time(text: str) -> datetime:
    from loaders.fetch.windows import parse_time

    try:
        return parse_time(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (2025-03-01) or a date and time (2025-03-01T06:00)"
        ) from e


def run(settings: Settings, args: argparse.Namespace) -> int:
    from api.cli.commands import print_report
    from api.cli.progress import FetchBar, TerminalProgress
    from graph import open_store
    from loaders import load_files
    from loaders.fetch import SERVICES, Politeness, fetch, last_end
    from loaders.fetch.windows import iso, now

    service = SERVICES[args.source]
    folder = settings.home / "fetched" / service.name
    start = last_end(folder, service.name) if args.since_last else args.start
    if start is None:
        print(
            f"partnermap: error: no earlier fetch of {service.name} in {folder}. "
            "give --from DATE for the first one",
            file=sys.stderr,
        )
        return 2
    end = args.end or now()
    if start >= end:
        print(
            f"partnermap: error: nothing to fetch from {iso(start)} to {iso(end)}. "
            "give a --to after the start",
            file=sys.stderr,
        )
        return 2
    delay = args.delay if args.delay is not None else settings.fetch_delay
    politeness = Politeness(
        delay=service.delay if delay is None else delay,
        rate_limit_wait=(
            service.rate_limit_wait if settings.fetch_wait is None else settings.fetch_wait
        ),
        backoff=settings.fetch_backoff,
        retries=settings.fetch_retries,
        timeout=settings.fetch_timeout,
    )
    base_url = args.base_url or str(getattr(settings, service.setting))
    with FetchBar() as bar:
        report = fetch(
            service,
            folder,
            start=start,
            end=end,
            base_url=base_url,
            politeness=politeness,
            refetch=args.refetch,
            progress=bar,
        )
    loaded = None
    if args.load:
        with open_store(settings) as store, TerminalProgress() as progress:
            loaded = load_files(store, [folder], progress=progress).as_dict()
    if args.json:
        print(json.dumps({"fetch": report.as_dict(), "load": loaded}, indent=2))
        return 0
    print_fetch_report(report, sys.stdout)
    if loaded is not None:
        print_report(loaded, sys.stdout)
    return 0


def print_fetch_report(report: FetchReport, out: TextIO) -> None:
    """The fetch report for people: totals, each window fetched, each wait and retry."""
    totals = report.totals()
    waited = f" ({totals['waited_seconds']:,.1f} s)" if totals["waits"] else ""
    print(
        f"{report.source} from {report.base_url}, {report.start} to {report.end}: "
        f"{totals['windows']} windows ({totals['windows_fetched']} fetched, "
        f"{totals['windows_skipped']} already fetched), {totals['pages']} pages, "
        f"{totals['releases']} releases; {totals['retries']} retries, "
        f"{totals['waits']} waits{waited}",
        file=out,
    )
    for window in report.fetched():
        extra = [
            f"{n} {what}"
            for n, what in (
                (window.duplicates, "served twice"),
                (window.repeated_pages, "repeated pages"),
                (window.repaired_numbers, "numbers repaired"),
                (window.retries, "retries"),
                (window.waits, "waits"),
            )
            if n
        ]
        more = f"  ({', '.join(extra)})" if extra else ""
        print(
            f"  {window.label:<36} {window.status:<13} {window.pages:>4} pages "
            f"{window.releases:>7} releases{more}",
            file=out,
        )
        for warning in window.warnings:
            print(f"    warning: {warning}", file=out)
        for event in window.events:
            what = f"{event.kind} {event.seconds:,.1f} s: {event.reason}"
            print(f"    {what} ({event.url})", file=out)
    print(f"stored in {report.folder} (partnermap load {report.folder})", file=out)
