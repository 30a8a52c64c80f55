"""The text the command line prints for each analysis (``--json`` prints the result itself).
One renderer per analysis in ``graph.analysis.ANALYSES``; a test checks none is missing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO


def show_clusters(r: dict[str, Any], out: TextIO) -> None:
    s = r["stability"]
    print(f"\n{len(r['clusters'])} clusters of {r['organisations']} organisations "
          f"({r['isolated']} with no evidence left out); modularity {r['modularity']}; "
          f"stability over {s['runs']} seeds: mean NMI {s['mean_nmi']}, mean ARI {s['mean_ari']}",
          file=out)  # fmt: skip
    for c in r["clusters"]:
        regions = ", ".join(f"{k} {v}" for k, v in c["regions"].items())
        names = ", ".join(m["name"] for m in c["members"][:12])
        more = f" and {c['size'] - 12} more" if c["size"] > 12 else ""
        print(f"\n{c['cluster']:>3}. {c['size']} members ({regions}): {names}{more}", file=out)
        for e in c["evidence"][:3]:
            print(f"       {e['evidence']}: {e['name']} ({e['pairs']} pairs)", file=out)
    fit = r["combined_authority_fit"]
    print(f"\ncombined authorities against clusters found without their own membership: "
          f"NMI {fit['overall']['nmi']}, ARI {fit['overall']['ari']}", file=out)  # fmt: skip
    for ca in fit["combined_authorities"]:
        print(f"  {ca['name']:<40} {ca['share_in_main_cluster']:>6.0%} of {ca['members']} "
              f"members in one cluster ({ca['clusters_spanned']} spanned)", file=out)  # fmt: skip


def show_candidates(r: dict[str, Any], out: TextIO) -> None:
    shown = r["candidates"]
    minimum = r["parameters"]["min_population"]
    print(f"\n{shown['total']} candidate partnerships (shown: {len(shown['items'])} from "
          f"{shown['offset'] + 1}; --limit, --offset for more). In England: whole councils, "
          f"in at most one combined authority (taken whole), {minimum:,} people or more; "
          "elsewhere, collaboration groups", file=out)  # fmt: skip
    for c in shown["items"]:
        b = c["breakdown"]
        names = ", ".join(m["name"] for m in c["members"])
        what = {
            "new": "a new combined authority",
            "collaboration_group": "collaboration group",
            "extends": "extends " + ", ".join(e["name"] for e in c["extends"]),
        }[c["kind"]]
        print(f"\n{c['rank']:>3}. score {c['score']} ({c['area']}, {what}): {names}", file=out)
        districts = f", with {len(c['districts'])} districts" if c["districts"] else ""
        people = c["population"]
        print(f"     {'at least ' if not people['complete'] else ''}{people['total']:,} people; "
              f"internal weight {b['internal_weight']}, cohesion {b['cohesion']}{districts}",
              file=out)  # fmt: skip
        if c["regional_bodies"]:
            print("     within: " + ", ".join(x["name"] for x in c["regional_bodies"]), file=out)
        for kind, items in c["evidence"].items():
            names = "; ".join(i["name"] for i in items[:4])
            more = f" and {len(items) - 4} more" if len(items) > 4 else ""
            print(f"     {kind}: {names}{more}", file=out)
    near = r["near_misses"]
    if near:
        print(f"\n{len(near)} near-misses (groups that work together but fail a test):", file=out)
        for n in near:
            names = ", ".join(m["name"] for m in n["members"][:8])
            more = f" and {len(n['members']) - 8} more" if len(n["members"]) > 8 else ""
            print(f"  {names}{more}", file=out)
            for f in n["failed"]:
                print(f"     fails {f['test']}: {f['reason']}", file=out)
    outside = r["councils_outside_combined_authorities"]
    print(f"\n{len(outside)} upper-tier English councils in no combined authority:", file=out)
    for o in outside:
        join = ", ".join(j["name"] for j in o["join_neighbouring_ca"][:3]) or "none bordering"
        groups = ", ".join(f"#{n}" for n in o["in_candidates"]) or "none"
        print(f"  {o['name']:<32} could join: {join}; in candidates: {groups}", file=out)


def show_recommend(r: dict[str, Any], out: TextIO) -> None:
    node = r["node"]
    partners = ", ".join(p["name"] for p in r["works_with"]) or "nobody recorded"
    print(f"\n{node['name']} ({node['id']}) already works with: {partners}", file=out)
    if not r["recommendations"]:
        print("no recommendations: nothing in the graph points to a new partner", file=out)
    for i, x in enumerate(r["recommendations"], start=1):
        print(f"{i:>3}. {x['name']:<30} {x['id']:<12} score {x['score']:<7} "
              + "; ".join(x["reasons"]), file=out)  # fmt: skip


def show_brokers(r: dict[str, Any], out: TextIO) -> None:
    print(
        f"\n{'broker':<32} {'id':<12} {'betweenness':>11} {'partners':>8} {'strength':>8}", file=out
    )
    for b in r["brokers"]:
        print(f"{b['name'][:32]:<32} {b['id']:<12} {b['betweenness']:>11.4f} "
              f"{b['partners']:>8} {b['strength']:>8.2f}", file=out)  # fmt: skip
    print(
        f"\n{'buying organisation':<24} {'owners':>6} {'users':>6} {'value (GBP)':>14}  by region",
        file=out,
    )
    for bo in r["buying_organisations"]:
        regions = ", ".join(
            f"{k} {v['organisations']}" for k, v in list(bo["by_region"].items())[:4]
        )
        print(f"{bo['name'][:24]:<24} {bo['owners']:>6} {bo['users']:>6} "
              f"{bo['users_value_gbp']:>14,.0f}  {regions}", file=out)  # fmt: skip


def show_gaps(r: dict[str, Any], out: TextIO) -> None:
    alone = r["councils_without_partnerships"]
    print(
        f"\n{len(alone)} councils with no recorded shared service or joint procurement:", file=out
    )
    print("  " + ", ".join(c["name"] for c in alone), file=out)
    print("\ncombined authorities: members sharing nothing with the other members", file=out)
    for ca in r["combined_authorities"]:
        lonely = ", ".join(m["name"] for m in ca["members_sharing_nothing_with_the_others"])
        print(f"  {ca['name']:<36} {ca['pairs_sharing_nothing']}/{ca['pairs']} pairs share nothing"
              + (f"; alone: {lonely}" if lonely else ""), file=out)  # fmt: skip
    print(f"\nneighbours with arrangements in the same category, none together "
          f"({r['neighbours_buying_separately_total']}):", file=out)  # fmt: skip
    for g in r["neighbours_buying_separately"]:
        a, b = g["councils"]
        print(f"  {g['category']:<22} {a['name']} / {b['name']}", file=out)


def show_path(r: dict[str, Any], out: TextIO) -> None:
    if not r["found"]:
        print(f"\n{r['from']['name']} and {r['to']['name']} are not connected", file=out)
        return
    print(
        f"\n{r['from']['name']} to {r['to']['name']}: {len(r['steps'])} steps, cost {r['cost']}",
        file=out,
    )
    for s in r["steps"]:
        role = f" [{s['role']}]" if s["role"] else ""
        print(f"  {s['from']['name']} {s['direction']} {s['link']}{role} {s['direction']} "
              f"{s['to']['name']} ({s['to']['kind']})", file=out)  # fmt: skip


def _n(count: int, thing: str) -> str:
    """``1 call-off``, ``2 call-offs``."""
    return f"{count} {thing}{'' if count == 1 else 's'}"


def show_opportunities(r: dict[str, Any], out: TextIO) -> None:
    node = r["node"]
    print(f"\n{node['name']} ({node['id']}): {r['contracts']} contracts read; bodies it could "
          "buy with, nearest first", file=out)  # fmt: skip
    if not r["opportunities"]:
        print("  none found: load contracts (Contracts Finder's export, notices) first", file=out)
    for n, o in enumerate(r["opportunities"], start=1):
        parts = ", ".join(f"{k} {v:g}" for k, v in o["breakdown"].items())
        print(f"{n:>3}. {o['name']:<32} {o['id']:<12} {o['proximity']:<24} score {o['score']:g} "
              f"({parts})", file=out)  # fmt: skip
        for reason in o["reasons"]:
            print(f"       {reason}", file=out)
    frameworks = r["neighbours_frameworks"]
    if frameworks:
        print("\nbuying organisations its neighbours use and it does not:", file=out)
    for f in frameworks[:10]:
        who = ", ".join(f"{u['name']} ({u['proximity']})" for u in f["used_by"][:4])
        refs = f" [{', '.join(f['frameworks'][:4])}]" if f["frameworks"] else ""
        uses = _n(f["notices"], "call-off")
        print(f"  {f['name']}{refs}: {uses}, £{f['value_gbp']:,.0f}, by {who}", file=out)


def show_coverage(r: dict[str, Any], out: TextIO) -> None:
    bo, s = r["organisation"], r["summary"]
    print(f"\n{bo['name']} ({bo['id']}): {s['bodies_calling_off']} bodies call off its "
          f"frameworks ({s['councils_calling_off']} councils), {_n(s['call_offs'], 'call-off')}, "
          f"£{s['value_gbp']:,.0f}; {s['owners']} owners", file=out)  # fmt: skip
    if not r["users"]:
        print("  no call-offs on record: load notices or Contracts Finder's export", file=out)
    if r["users"]:
        print(f"  {'calling off':<48} {'n':>4} {'value':>14}", file=out)
    for u in r["users"][:20]:
        owner = " owner" if u["owner"] else ""
        refs = f" [{', '.join(u['frameworks'][:4])}]" if u["frameworks"] else ""
        who = f"{u['name']} ({u['id']})"
        n = "-" if u["call_offs"] is None else u["call_offs"]
        print(f"  {who:<48} {n:>4} £{u['value_gbp']:>13,.0f}{owner}{refs}",
              file=out)  # fmt: skip
    if len(r["users"]) > 20:
        print(f"  ... and {len(r['users']) - 20} more (--json for all)", file=out)
    if r["owners_not_calling_off"]:
        names = ", ".join(o["name"] for o in r["owners_not_calling_off"][:8])
        print(f"\nowners without a call-off on record: {names}", file=out)
    if r["frameworks"]:
        print("\nframeworks called off (bodies):", file=out)
    for f in r["frameworks"][:10]:
        print(f"  {f['reference']:<12} {f['bodies']}", file=out)
    if r["regions"]:
        print("\ncouncils calling off, by region:", file=out)
    for g in r["regions"]:
        print(f"  {g['name']:<28} {g['calling_off']:>3} of {g['councils']:<3} "
              f"({g['share']:.0%})", file=out)  # fmt: skip


RENDERERS: dict[str, Callable[[dict[str, Any], TextIO], None]] = {
    "clusters": show_clusters,
    "candidates": show_candidates,
    "recommend": show_recommend,
    "brokers": show_brokers,
    "gaps": show_gaps,
    "path": show_path,
    "opportunities": show_opportunities,
    "coverage": show_coverage,
}
