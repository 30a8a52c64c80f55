"""The analysis commands of the command line: ``clusters``, ``candidates``, ``recommend``,
``brokers``, ``gaps`` and ``path``; readable tables for people, ``--json`` for machines. Each
result starts with the data it was computed from and the parameters used."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from graph import InvalidInput, Settings, open_store, vintage
from graph import analysis as analyses
from graph.analysis.collab import Weights
from graph.model import LinkKind, NodeKind
from visualise import views
from visualise.maps import DEFAULT_KINDS, DEFAULT_LINKS, MapOptions, render, select, write_map

Analysis = Callable[..., dict[str, Any]]


def add_commands(commands: Any) -> None:
    """Add the analysis subcommands to the CLI's ``commands`` (argparse subparsers)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--at", type=date.fromisoformat, help="the graph as at (default: today)")
    common.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="KIND=VALUE",
        help="change an evidence weight, e.g. --weight borders=0 (kinds: "
        + ", ".join(Weights().as_dict())
        + ")",
    )
    common.add_argument("--json", action="store_true", help="print the result as JSON")

    def add(name: str, help_text: str, run: Callable[..., int]) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = commands.add_parser(
            name, help=help_text, parents=[common]
        )
        parser.set_defaults(run=run)
        return parser

    clusters = add("clusters", "communities of councils that work together", _clusters)
    clusters.add_argument("--method", choices=analyses.METHODS, default="louvain")
    clusters.add_argument("--seed", type=int, default=1)
    clusters.add_argument("--resolution", type=float, default=1.0)
    clusters.add_argument("--runs", type=int, default=10, help="seeds tried for stability")

    candidates = add(
        "candidates", "candidate city-region and county-region partnerships", _candidates
    )
    candidates.add_argument("--region", metavar="CODE", help="a region or nation code")
    candidates.add_argument("--min-size", type=int, default=2)
    candidates.add_argument("--max-size", type=int, default=12)
    candidates.add_argument("--top", type=int, default=15, help="candidates shown")

    recommend = add("recommend", "partners a council does not yet work with", _recommend)
    recommend.add_argument("id", metavar="ID")
    recommend.add_argument("--top", type=int, default=10)

    brokers = add("brokers", "hubs, brokers and each buying organisation's reach", _brokers)
    brokers.add_argument("--top", type=int, default=15)

    gaps = add("gaps", "councils, combined authorities and neighbours that share nothing", _gaps)
    gaps.add_argument("--top", type=int, default=20)

    path = add("path", "how two organisations are connected, through what", _path)
    path.add_argument("a", metavar="FROM")
    path.add_argument("b", metavar="TO")

    map_ = commands.add_parser("map", help="an interactive HTML map, one file that opens offline")
    map_.add_argument("--out", type=Path, required=True, metavar="FILE.html")
    map_.add_argument("--at", type=date.fromisoformat, help="the graph as at (default: today)")
    what = map_.add_mutually_exclusive_group()
    what.add_argument("--around", metavar="ID", help="one organisation's network")
    what.add_argument("--cluster", type=int, metavar="N", help="cluster N of 'partnermap clusters'")
    what.add_argument(
        "--candidate", type=int, metavar="N", help="candidate N of 'partnermap candidates'"
    )
    what.add_argument("--pbo", metavar="ID", help="a buying organisation's owners and users")
    map_.add_argument("--hops", type=int, default=1, help="steps out for --around (1-4)")
    map_.add_argument(
        "--links",
        help="link kinds to draw, comma-separated (default: " + ",".join(DEFAULT_LINKS) + ")",
    )
    map_.add_argument(
        "--kinds",
        help="node kinds to draw, comma-separated (default: " + ",".join(DEFAULT_KINDS) + ")",
    )
    map_.add_argument(
        "--category", help="only shared services and joint procurements of this category"
    )
    map_.add_argument("--layout", choices=["geo", "force"], default="geo")
    map_.add_argument(
        "--size-by", choices=["partnerships", "links", "none"], default="partnerships"
    )
    map_.set_defaults(run=_map)


def _map(settings: Settings, args: argparse.Namespace) -> int:
    at = args.at or date.today()
    with open_store(settings) as store:
        G = store.graph(at)
        data = vintage(store, at)
    if args.around:
        view = views.around(G, args.around, args.hops)
    elif args.cluster is not None:
        view = views.cluster(G, args.cluster)
    elif args.candidate is not None:
        view = views.candidate(G, args.candidate)
    elif args.pbo:
        view = views.reach(G, args.pbo)
    else:
        view = views.whole(G)
    options = MapOptions(
        title=view.title,
        layout=args.layout,
        size_by=args.size_by,
        links=_kinds(args.links, DEFAULT_LINKS, [str(k) for k in LinkKind], "link"),
        kinds=_kinds(args.kinds, DEFAULT_KINDS, [str(k) for k in NodeKind], "node"),
        category=args.category,
    )
    H = select(G, options, view.keep)
    out = write_map(render(H, options, vintage=data), args.out)
    print(f"{out}: {H.number_of_nodes()} nodes, {H.number_of_edges()} links, "
          f"{out.stat().st_size / 1024:,.0f} KiB; opens offline in a browser")  # fmt: skip
    return 0


def _kinds(
    text: str | None, default: tuple[str, ...], known: list[str], what: str
) -> tuple[str, ...]:
    if not text:
        return default
    given = tuple(k.strip() for k in text.split(",") if k.strip())
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise InvalidInput(f"unknown {what} kind {', '.join(unknown)}; known: {', '.join(known)}")
    return given


def _weights(args: argparse.Namespace) -> Weights:
    return Weights.parse(args.weight)


def _run(
    settings: Settings, args: argparse.Namespace, analysis: Analysis, **kwargs: Any
) -> dict[str, Any]:
    at = args.at or date.today()
    with open_store(settings) as store:
        G = store.graph(at)
        data = vintage(store, at)
    result = analysis(G, **kwargs)
    return {"data": data, **result}


def _emit(
    args: argparse.Namespace,
    result: dict[str, Any],
    show: Callable[[dict[str, Any], TextIO], None],
) -> int:
    if args.json:
        print(json.dumps(result, indent=2, default=str))
        return 0
    data = result["data"]
    print(f"data: {data['data_version']}, as at {data['as_at']}, "
          f"{len(data['datasets'])} datasets (--json lists them)")  # fmt: skip
    params = {k: v for k, v in result["parameters"].items() if k != "weights"}
    weights = ", ".join(f"{k}={v:g}" for k, v in result["parameters"].get("weights", {}).items())
    print(
        "parameters: "
        + ", ".join(f"{k}={v}" for k, v in params.items())
        + (f"; weights {weights}" if weights else "")
    )
    show(result, sys.stdout)
    return 0


def _clusters(settings: Settings, args: argparse.Namespace) -> int:
    result = _run(settings, args, analyses.clusters, weights=_weights(args), method=args.method,
                  seed=args.seed, resolution=args.resolution, runs=args.runs)  # fmt: skip
    return _emit(args, result, _show_clusters)


def _show_clusters(r: dict[str, Any], out: TextIO) -> None:
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


def _candidates(settings: Settings, args: argparse.Namespace) -> int:
    result = _run(settings, args, analyses.candidates, weights=_weights(args), region=args.region,
                  min_size=args.min_size, max_size=args.max_size)  # fmt: skip
    return _emit(args, result, lambda r, out: _show_candidates(r, out, args.top))


def _show_candidates(r: dict[str, Any], out: TextIO, top: int) -> None:
    print(f"\n{len(r['candidates'])} candidate partnerships", file=out)
    for c in r["candidates"][:top]:
        b = c["breakdown"]
        names = ", ".join(m["name"] for m in c["members"])
        print(f"\n{c['rank']:>3}. score {c['score']}: {names}", file=out)
        districts = f", with {len(c['districts'])} districts" if c["districts"] else ""
        print(f"     internal weight {b['internal_weight']}, cohesion {b['cohesion']}, "
              f"pairs not yet in one CA {b['pairs_not_yet_in_one_ca']:.0%}{districts}",
              file=out)  # fmt: skip
        for kind, items in c["evidence"].items():
            names = "; ".join(i["name"] for i in items[:4])
            more = f" and {len(items) - 4} more" if len(items) > 4 else ""
            print(f"     {kind}: {names}{more}", file=out)
    outside = r["councils_outside_combined_authorities"]
    print(f"\n{len(outside)} upper-tier English councils in no combined authority:", file=out)
    for o in outside:
        join = ", ".join(j["name"] for j in o["join_neighbouring_ca"][:3]) or "none bordering"
        groups = ", ".join(f"#{n}" for n in o["in_candidates"]) or "none"
        print(f"  {o['name']:<32} could join: {join}; in candidates: {groups}", file=out)


def _recommend(settings: Settings, args: argparse.Namespace) -> int:
    result = _run(settings, args, analyses.recommend, node=args.id, weights=_weights(args),
                  top=args.top)  # fmt: skip
    return _emit(args, result, _show_recommend)


def _show_recommend(r: dict[str, Any], out: TextIO) -> None:
    node = r["node"]
    partners = ", ".join(p["name"] for p in r["works_with"]) or "nobody recorded"
    print(f"\n{node['name']} ({node['id']}) already works with: {partners}", file=out)
    if not r["recommendations"]:
        print("no recommendations: nothing in the graph points to a new partner", file=out)
    for i, x in enumerate(r["recommendations"], start=1):
        print(f"{i:>3}. {x['name']:<30} {x['id']:<12} score {x['score']:<7} "
              + "; ".join(x["reasons"]), file=out)  # fmt: skip


def _brokers(settings: Settings, args: argparse.Namespace) -> int:
    result = _run(settings, args, analyses.brokers, weights=_weights(args), top=args.top)
    return _emit(args, result, _show_brokers)


def _show_brokers(r: dict[str, Any], out: TextIO) -> None:
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


def _gaps(settings: Settings, args: argparse.Namespace) -> int:
    result = _run(settings, args, analyses.gaps, weights=_weights(args), top=args.top)
    return _emit(args, result, _show_gaps)


def _show_gaps(r: dict[str, Any], out: TextIO) -> None:
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


def _path(settings: Settings, args: argparse.Namespace) -> int:
    result = _run(settings, args, analyses.path, a=args.a, b=args.b)
    return _emit(args, result, _show_path)


def _show_path(r: dict[str, Any], out: TextIO) -> None:
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
