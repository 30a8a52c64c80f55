"""``partnermap scenarios`` and ``partnermap scenario ID | compare ID ID... | apply ID``:
reorganisation and devolution scenarios listed, judged, compared and applied (``graph.what_if``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

from api.cli.analyses import add_param

if TYPE_CHECKING:
    from graph import Settings

ACTIONS = ("compare", "apply")


def add_scenario_commands(subs: Any) -> None:
    from graph.analysis.scenarios import PARAMS

    listing = subs.add_parser("scenarios", help="the reorganisation and devolution scenarios")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=list_scenarios)

    one = subs.add_parser(
        "scenario",
        help="a scenario's tests and effects: scenario ID, scenario compare ID ID..., "
        "scenario apply ID",
        description="scenario ID: the legal tests, thresholds, the joint working it splits or "
        "absorbs, who inherits what, and cohesion. scenario compare ID ID...: options side by "
        "side. scenario apply ID: the graph as if it had happened (analyses and maps take "
        "--scenario ID to run on it).",
    )
    one.add_argument("words", nargs="+", metavar="ID | compare ID ID... | apply ID")
    one.add_argument("--at", type=date.fromisoformat,
                     help="judge on the graph of this day (default: today, or the day before "
                     "the scenario took effect when that is past)")  # fmt: skip
    one.add_argument("--json", action="store_true", help="print the result as JSON")
    for p in PARAMS:
        add_param(one, p)
    one.set_defaults(run=scenario)


def list_scenarios(settings: Settings, args: argparse.Namespace) -> int:
    from graph import open_store
    from graph.what_if import scenario_rows

    with open_store(settings) as store:
        rows = scenario_rows(store)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print("no scenarios stored: 'partnermap load' loads the bundled ones")
    for r in rows:
        when = f" {r['status_date']}" if r["status_date"] else ""
        bodies = r["new_councils"] + r["strategic_authorities"]
        print(f"{r['id']:<36} {r['status']}{when:<12} {r['kind']:<14} {len(bodies)} new: "
              + ", ".join(bodies)[:90])  # fmt: skip
    return 0


def scenario(settings: Settings, args: argparse.Namespace) -> int:
    from graph import InvalidInput, open_store
    from graph.analysis.collab import Weights
    from graph.what_if import applied_graph, compare, report, scenarios_named

    action, ids = (args.words[0], args.words[1:]) if args.words[0] in ACTIONS else ("", args.words)
    if action == "compare" and len(ids) < 2:
        raise InvalidInput("scenario compare needs two or more scenario ids")
    if action != "compare" and len(ids) != 1:
        raise InvalidInput("give one scenario id (or: scenario compare ID ID ...)")
    given = {"unitary_min": args.unitary_min, "sa_min": args.sa_min,
             "weights": Weights.parse(args.weights)}  # fmt: skip
    with open_store(settings) as store:
        chosen = scenarios_named(store, ids)
        memo: dict[date, Any] = {}

        def graph_at(day: date) -> Any:
            if day not in memo:
                memo[day] = store.graph(day)
            return memo[day]

        if action == "apply":
            day, _, result = applied_graph(chosen[0], graph_at, args.at)
            result = {"as_at": day.isoformat(), **result}
        elif action == "compare":
            result = compare(chosen, graph_at, args.at, given)
        else:
            result = report(chosen[0], graph_at, args.at, given)
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    elif action == "apply":
        show_applied(result, sys.stdout)
    elif action == "compare":
        show_comparison(result, sys.stdout)
    else:
        show_report(result, sys.stdout)
    return 0


def show_report(r: dict[str, Any], out: TextIO) -> None:
    s = r["scenario"]
    print(f"{s['name']}\n  {s['status']} {s['status_date'] or ''} ({s['kind']}), proposed by "
          f"{s['proposed_by'] or 'not given'}; verified {s['verified']}\n  source: "
          f"{s['source_url']}\n  judged on the graph of {r['as_at']}", file=out)  # fmt: skip
    print("\nresult: " + ("every test passed" if r["summary"]["passed"] else
          f"{len(r['summary']['failed'])} failed, {len(r['summary']['unknown'])} unknown"),
          file=out)  # fmt: skip
    for t in r["tests"]:
        print(f"  [{t['outcome']}] {t['test']}: {t['detail']}", file=out)
    for body in r["new_councils"] + r["strategic_authorities"]:
        when = body.get("vesting") or body.get("established") or "date not given"
        print(f"\n{body['name']} ({body['id']}, from {when}): population {body['population']:,}"
              + ("" if body["population_complete"] else " at least"), file=out)  # fmt: skip
        made_of = body.get("predecessors", body.get("members", []))
        print("  " + ", ".join(m["name"] for m in made_of)
              + "".join(f"; part of {p['name']} ({p['share']})" for p in body.get("parts", [])),
              file=out)  # fmt: skip
        for t in body["tests"]:
            print(f"  [{t['outcome']}] {t['test']}: {t['detail']}", file=out)
        c = body["cohesion"]
        print(f"  cohesion {c['cohesion']}: weight {c['internal']} inside, {c['cut']} cut from "
              f"the scenario's other bodies, {c['boundary']} with others", file=out)  # fmt: skip
        for key, what in (("pbo_memberships", "inherits membership of"),
                          ("buys_through", "inherits the use of")):  # fmt: skip
            for e in body.get("inherits", {}).get(key, []):
                print(f"  {what} {e['name']} from " + ", ".join(f["name"] for f in e["from"]),
                      file=out)  # fmt: skip
    joint = r["joint_working"]
    for key in ("split", "absorbed", "continues", "undecided", "pbo_ownership_divided"):
        if joint[key]:
            print(f"\n{key.replace('_', ' ')} ({len(joint[key])})", file=out)
            for e in joint[key]:
                print(f"  {e['name']} ({e['id']}): {e['reason']}", file=out)
    c = r["cohesion"]
    if r["new_councils"]:
        print(
            f"\ncohesion: the new councils keep {c['internal']} of the collaboration weight "
            f"among their councils and cut {c['cut']} (kept share {c['kept_share']})",
            file=out,
        )


def show_comparison(r: dict[str, Any], out: TextIO) -> None:
    if not r["same_area"]:
        print("note: these scenarios are for different areas: " + ", ".join(r["areas"]), file=out)
    for row in r["scenarios"]:
        verdict = "all tests pass" if row["tests_passed"] else (
            f"{len(row['failed'])} failed, {len(row['unknown'])} unknown")  # fmt: skip
        print(f"\n{row['id']} ({row['status']}): {verdict}; split {row['split']}, absorbed "
              f"{row['absorbed']}, continues {row['continues']}; kept share {row['kept_share']}",
              file=out)  # fmt: skip
        for b in row["bodies"]:
            print(f"  {b['name']:<50} {b['population']:>12,}", file=out)
        for f in row["failed"]:
            print(f"  fails {f}", file=out)
    if r["keeps_most"]:
        print(f"\nkeeps most of today's working relationships: {r['keeps_most']}", file=out)


def show_applied(r: dict[str, Any], out: TextIO) -> None:
    print(f"the graph of {r['as_at']} as if {r['scenario']} had happened (not stored):", file=out)
    print("  replaced: " + ", ".join(n["name"] for n in r["replaced"]), file=out)
    print("  added: " + ", ".join(f"{n['name']} ({n['id']})" for n in r["added"]), file=out)
    for kind in sorted(set(r["nodes_before"]) | set(r["nodes_after"])):
        before, after = r["nodes_before"].get(kind, 0), r["nodes_after"].get(kind, 0)
        print(f"  {kind:<20} {before:>6} -> {after:>6}", file=out)
    print(f"  {'links':<20} {r['links_before']:>6} -> {r['links_after']:>6}", file=out)
    print(f"analyses and maps take --scenario {r['scenario']} to run on it", file=out)
