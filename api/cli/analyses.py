"""The analysis subcommands, made from their declarations (``graph.analysis.ANALYSES``): one
subcommand per analysis with the spec's parameters as options (``min_size`` is
``--min-size``, with its default, bounds and help), readable text from ``api.cli.render``,
``--json`` for machines; and ``partnermap map``, whose ``--cluster N`` and ``--candidate N``
take the parameters of those analyses and draw item N of the same result."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.analysis.spec import Analysis, Param
from graph.errors import InvalidInput

if TYPE_CHECKING:
    from graph import Settings

LIMIT = 50
"""Items per page of a paginated result by default (as the API's ``limit``)."""


def checked(p: Param) -> Any:
    """An argparse ``type`` that converts and checks a value against ``p``'s bounds."""

    def convert(text: str) -> Any:
        try:
            return p.check(p.type(text))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {p.type.__name__}") from None
        except InvalidInput as e:
            raise argparse.ArgumentTypeError(e.message) from None

    convert.__name__ = p.type.__name__
    return convert


def add_param(parser: argparse.ArgumentParser, p: Param) -> None:
    from graph.analysis.collab import Weights

    if p.type is Weights:
        parser.add_argument(p.flag, dest=p.name, action="append", default=[],
                            metavar=p.metavar, help=p.describe())  # fmt: skip
    elif p.positional:
        parser.add_argument(p.name, type=checked(p), metavar=p.metavar, help=p.describe())
    else:
        parser.add_argument(p.flag, dest=p.name, type=checked(p), default=p.default,
                            choices=p.choices, metavar=p.metavar, help=p.describe())  # fmt: skip


def common() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--at", type=date.fromisoformat, help="the graph as at (default: today)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--scenario", metavar="ID", help="on the graph as if this scenario had "
                        "happened ('partnermap scenarios' lists them)")  # fmt: skip
    return parser


def add_analysis_commands(subs: Any) -> None:
    """One subcommand per analysis, on ``subs`` (argparse subparsers)."""
    from graph.analysis import ANALYSES

    parents = [common()]
    for spec in ANALYSES.values():
        parser = subs.add_parser(spec.name, help=spec.summary[0].lower() + spec.summary[1:],
                                 parents=parents)  # fmt: skip
        for p in spec.params:
            add_param(parser, p)
        if spec.paginate:
            parser.add_argument("--limit", type=int, default=LIMIT, help=f"{spec.paginate} shown")
            parser.add_argument("--offset", type=int, default=0, help=f"{spec.paginate} skipped")
        parser.set_defaults(run=run_analysis, spec=spec)


def arguments(spec: Analysis, args: argparse.Namespace) -> dict[str, Any]:
    from graph.analysis.collab import Weights

    values = {p.name: getattr(args, p.name) for p in spec.params}
    for p in spec.params:
        if p.type is Weights:
            values[p.name] = Weights.parse(values[p.name])
    return spec.arguments(values)


def compute(settings: Settings, spec: Analysis, args: argparse.Namespace) -> dict[str, Any]:
    """``spec`` on what it reads from the store, with the data it was computed from."""
    from graph import open_store, vintage

    at = args.at or date.today()
    given = arguments(spec, args)
    with open_store(settings) as store:
        if args.scenario:
            at, G = scenario_graph(store, args.scenario, args.at)
        else:
            G = spec.fetch(store, at, given)
        data = vintage(store, at)
    scenario = {"scenario": args.scenario} if args.scenario else {}
    return {"data": data, **scenario, **spec.compute(G, given)}


def scenario_graph(store: Any, name: str, at: date | None) -> tuple[date, Any]:
    """The day and the graph as if scenario ``name`` had happened (``graph.what_if``)."""
    from graph.what_if import applied_graph, scenarios_named

    day, H, _ = applied_graph(scenarios_named(store, [name])[0], store.graph, at)
    return day, H


def run_analysis(settings: Settings, args: argparse.Namespace) -> int:
    from api.cli.render import RENDERERS

    spec: Analysis = args.spec
    result = compute(settings, spec, args)
    if spec.paginate:
        items = result[spec.paginate]
        shown = items[args.offset : args.offset + args.limit]
        result[spec.paginate] = {"total": len(items), "limit": args.limit,
                                 "offset": args.offset, "items": shown}  # fmt: skip
    if args.json:
        print(json.dumps(result, indent=2, default=str))
        return 0
    data = result["data"]
    print(f"data: {data['data_version']}, as at {data['as_at']}, "
          f"{len(data['datasets'])} datasets (--json lists them)")  # fmt: skip
    if result.get("scenario"):
        print(f"as if scenario {result['scenario']} had happened (not stored)")
    params = {k: v for k, v in result["parameters"].items() if k != "weights"}
    weights = ", ".join(f"{k}={v:g}" for k, v in result["parameters"].get("weights", {}).items())
    print("parameters: " + ", ".join(f"{k}={v}" for k, v in params.items())
          + (f"; weights {weights}" if weights else ""))  # fmt: skip
    RENDERERS[spec.name](result, sys.stdout)
    return 0


# --- the map command ----------------------------------------------------------------------


def add_map_command(subs: Any) -> None:
    from graph.analysis import ANALYSES

    map_ = subs.add_parser("map", help="an interactive HTML map, one file that opens offline")
    map_.add_argument("--out", type=Path, required=True, metavar="FILE.html")
    map_.add_argument("--at", type=date.fromisoformat, help="the graph as at (default: today)")
    map_.add_argument("--scenario", metavar="ID", action="append",
                      help="alone: the scenario's map (its new councils coloured, the "
                      "arrangements it splits drawn as warnings); twice: two options side by "
                      "side; with --around, --cluster, --candidate or --pbo: that map on the "
                      "graph as if the scenario had happened")  # fmt: skip
    what = map_.add_mutually_exclusive_group()
    what.add_argument("--around", metavar="ID", help="one organisation's network")
    what.add_argument(
        "--cluster",
        type=int,
        metavar="N",
        help="cluster N of 'partnermap clusters' (with the same options)",
    )
    what.add_argument(
        "--candidate",
        type=int,
        metavar="N",
        help="candidate N of 'partnermap candidates' (with the same options)",
    )
    what.add_argument("--pbo", metavar="ID", help="a buying organisation's owners and users")
    map_.add_argument("--hops", type=int, default=1, choices=range(1, 5), metavar="1-4",
                      help="steps out for --around (1-4)")  # fmt: skip
    map_.add_argument("--links", help="link kinds to draw, comma-separated (default: all but "
                      "within and succeeded_by)")  # fmt: skip
    map_.add_argument("--kinds", help="node kinds to draw, comma-separated (default: all but "
                      "regions and nations)")  # fmt: skip
    map_.add_argument("--category", help="only shared services and joint procurements of it")
    map_.add_argument("--layout", choices=["geo", "force"], default="geo")
    map_.add_argument("--size-by", choices=["partnerships", "links", "none"],
                      default="partnerships")  # fmt: skip
    from visualise.colours import MEASURES

    map_.add_argument("--colour-by", choices=list(MEASURES), default="cluster",
                      help="what the councils' shapes are coloured by first (the page's "
                      "control offers the others): " + "; ".join(
                          f"{k}: {v}" for k, v in MEASURES.items()))  # fmt: skip
    seen: set[str] = set()
    options = map_.add_argument_group("options of the analysis behind --cluster and --candidate")
    for spec in ANALYSES.values():
        if spec.map_view:
            for p in spec.params:
                if p.name not in seen:
                    seen.add(p.name)
                    add_param(options, p)
    map_.set_defaults(run=draw_map)


MAP_OPTIONS = {"cluster": "clusters", "candidate": "candidates"}
"""The map options that draw one item of an analysis, and that analysis."""


def draw_map(settings: Settings, args: argparse.Namespace) -> int:
    from graph import open_store, vintage
    from graph.analysis import ANALYSES
    from visualise import views
    from visualise.colours import analysis_groups, colourings
    from visualise.maps import MapOptions, link_kinds, node_kinds, render, select, write_map

    at = args.at or date.today()
    links, kinds = link_kinds(args.links), node_kinds(args.kinds)
    item = next(((o, a) for o, a in MAP_OPTIONS.items() if getattr(args, o) is not None), None)
    scenarios = args.scenario or []
    if scenarios and not (args.around or args.pbo or item):
        return draw_scenario_maps(settings, args, scenarios, links, kinds)
    if len(scenarios) > 1:
        raise InvalidInput("two scenarios are drawn side by side alone, not with --around, "
                           "--cluster, --candidate or --pbo")  # fmt: skip
    with open_store(settings) as store:
        if scenarios:
            at, G = scenario_graph(store, scenarios[0], args.at)
        elif args.around:
            G = store.neighbourhood([args.around], args.hops, at)
        else:
            G = store.graph(at)
        data = vintage(store, at)
    if args.around:
        view = views.around(G, args.around, args.hops)
    elif item is not None:
        spec = ANALYSES[item[1]]
        result = spec.compute(G, arguments(spec, args))
        view = views.RESULT_VIEWS[spec.name](G, result, getattr(args, item[0]))
    elif args.pbo:
        view = views.reach(G, args.pbo)
    else:
        view = views.whole(G)
    options = MapOptions(title=view.title, layout=args.layout, size_by=args.size_by,
                         links=links, kinds=kinds, category=args.category,
                         colour_by=args.colour_by)  # fmt: skip
    H = select(G, options, view.keep)
    groups = {} if args.around else analysis_groups(G)  # a neighbourhood is no whole graph
    colours = colourings(G, H, groups)
    out = write_map(render(H, options, vintage=data, colourings=colours), args.out)
    print(f"{out}: {H.number_of_nodes()} nodes, {H.number_of_edges()} links, "
          f"{out.stat().st_size / 1024:,.0f} KiB; opens offline in a browser")  # fmt: skip
    return 0


def draw_scenario_maps(
    settings: Settings,
    args: argparse.Namespace,
    names: list[str],
    links: tuple[str, ...],
    kinds: tuple[str, ...],
) -> int:
    """``map --scenario ID``: the scenario's own map; twice: two options side by side."""
    from graph import open_store, vintage
    from graph.analysis.scenarios import scenario_report
    from graph.what_if import applied_graph, scenarios_named
    from visualise import views
    from visualise.colours import categorical, colourings, councils_of
    from visualise.maps import MapOptions, Panel, render_panels, select, write_map

    if len(names) > 2:
        raise InvalidInput(f"draw one scenario, or two side by side (got {len(names)})")
    panels, totals, areas = [], [], []
    with open_store(settings) as store:
        chosen = scenarios_named(store, names)
        for scenario in chosen:
            day, after, _ = applied_graph(scenario, store.graph, args.at)
            before = store.graph(day)
            view = views.scenario(before, after, scenario, scenario_report(before, scenario))
            options = MapOptions(title=view.title, layout=args.layout, size_by=args.size_by,
                                 links=links, kinds=kinds, category=args.category,
                                 colour_by=args.colour_by)  # fmt: skip
            H = select(after, options, view.keep)
            new = {c: view.new_councils[c] for c in councils_of(H) if c in view.new_councils}
            colours = {"scenario": categorical("scenario", "the scenario's new councils", new,
                                               councils_of(H), "not changed by it"),
                       **colourings(after, H)}  # fmt: skip
            first = "scenario" if args.colour_by == "cluster" else args.colour_by
            options = replace(options, colour_by=first)
            panels.append(
                Panel(
                    H,
                    options,
                    colours,
                    view.shape_codes,
                    view.warnings,
                    title=scenario.name if len(names) > 1 else "",
                )
            )
            totals.append((H.number_of_nodes(), len(view.warnings)))
            area = scenario.area or ""
            area = str(before.nodes[area].get("name")) if area in before else ""
            areas.append(area)
        data = vintage(store, args.at or date.today())
    same = f": {areas[0]}" if len(set(areas)) == 1 and areas[0] else ""
    title = chosen[0].name if len(chosen) == 1 else f"Two options side by side{same}"
    out = write_map(render_panels(panels, title, vintage=data), args.out)
    for scenario, (n, warned) in zip(chosen, totals, strict=True):
        print(f"{scenario.id}: {n} nodes, {warned} links to arrangements it splits")
    print(f"{out}: {out.stat().st_size / 1024:,.0f} KiB; opens offline in a browser")
    return 0
