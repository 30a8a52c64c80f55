"""``partnermap expiries --area ID | --scenario ID | --councils A,B``: the expiry calendar of an
area's contracts (``graph.what_if.calendar``), as text, JSON, or a chart (``--out``)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from graph import Settings

SHOWN = 12
"""Contracts listed per category in the text."""


def add_contract_commands(subs: Any) -> None:
    parser = subs.add_parser(
        "expiries",
        help="when an area's contracts end: by category, with the groups ending together",
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--area", metavar="ID", help="a council (a county: with its districts) "
                       "or a combined authority")  # fmt: skip
    which.add_argument(
        "--scenario", metavar="ID", help="a scenario's councils, with its vesting day"
    )
    which.add_argument("--councils", metavar="ID,ID", help="a group of councils (a candidate)")
    parser.add_argument("--months", type=int, default=6,
                        help="contracts ending within this many months of one another form a "
                        "group (default 6)")  # fmt: skip
    parser.add_argument("--at", type=date.fromisoformat, help="the day (default: today)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--out", type=Path, metavar="FILE.html", help="also draw the timeline")
    parser.set_defaults(run=run_expiries)


def run_expiries(settings: Settings, args: argparse.Namespace) -> int:
    from graph import open_store
    from graph.what_if import calendar, scenarios_named

    with open_store(settings) as store:
        scenario = scenarios_named(store, [args.scenario])[0] if args.scenario else None
        councils = [c.strip() for c in args.councils.split(",")] if args.councils else None
        result = calendar(store, area=args.area, scenario=scenario, councils=councils,
                          at=args.at, months=args.months)  # fmt: skip
    if args.out:
        from visualise.timeline import write_timeline

        title = args.area or args.scenario or "councils"
        out = write_timeline(result, f"Contracts ending: {title}", args.out)
        print(f"{out}: the timeline of {result['contracts']} contracts", file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        show_calendar(result, sys.stdout)
    return 0


def show_calendar(r: dict[str, Any], out: TextIO) -> None:
    names = ", ".join(c["name"] for c in r["councils"][:12])
    more = f" and {len(r['councils']) - 12} more" if len(r["councils"]) > 12 else ""
    print(f"{r['contracts']} contracts of {names}{more} running on {r['as_at']} or later, "
          f"£{r['value_gbp']:,.0f}", file=out)  # fmt: skip
    if r.get("live_on_vesting"):
        live = r["live_on_vesting"]
        print(f"still running on vesting day {r['parameters']['vesting']}: {live['contracts']} "
              f"contracts, £{live['value_gbp']:,.0f}", file=out)  # fmt: skip
    print("ending by year: " + "; ".join(f"{y} {v['contracts']}" for y, v in r["by_year"].items()),
          file=out)  # fmt: skip
    for c in r["categories"]:
        print(f"\n{c['category']} ({len(c['contracts'])}, £{c['value_gbp']:,.0f})", file=out)
        for g in c["groups"]:
            print(f"  together: {g['reason']}: " + ", ".join(x["name"] for x in g["councils"]),
                  file=out)  # fmt: skip
        for k in c["contracts"][:SHOWN]:
            buyers = ", ".join(b["name"] for b in k["buyers"])
            who = ", ".join(s["name"] for s in k["suppliers"][:2]) or "supplier not given"
            print(f"  {k['end_date'] or 'no end':<10}  {buyers[:28]:<28}  {who[:30]:<30}  "
                  f"{k['name'][:60]}", file=out)  # fmt: skip
        if len(c["contracts"]) > SHOWN:
            print(f"  ... and {len(c['contracts']) - SHOWN} more (--json lists all)", file=out)
