"""The map as it was before council shapes, colours and the page's own names (issue 18), kept
unchanged so that ``make bench`` compares today's maps with it in the same run: its
``render`` and ``positions`` as of commit acbfeaa, with its template (``map.html`` here).
Nothing else uses it."""

from __future__ import annotations

import json
import math
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

from graph.model import LinkKind
from visualise.maps import (
    KIND_STYLE,
    LABELLED,
    LINK_STYLE,
    SCALE,
    SPAN,
    MapOptions,
    _link_tooltip,
    _tooltip,
)


def _script_json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _environment() -> Environment:
    folder = Path(__file__).parent
    return Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(["html"]))


def positions(H: nx.MultiDiGraph[str]) -> dict[str, tuple[float, float]]:
    """Screen positions (x, y) for the geographic layout: areas at their lat/lon, every other
    node at the mean of its placed neighbours; any still unplaced in a column to the east."""
    k = math.cos(math.radians(54.0))
    placed: dict[str, tuple[float, float]] = {}
    for n, d in H.nodes(data=True):
        if d.get("lat") is not None and d.get("lon") is not None:
            placed[n] = (float(d["lon"]) * k * SCALE, -float(d["lat"]) * SCALE)
    U = H.to_undirected(as_view=True)
    for _ in range(2):  # arrangements first, then what links only to arrangements
        for n in sorted(set(H) - set(placed)):
            near = [placed[m] for m in U.neighbors(n) if m in placed]
            if near:
                placed[n] = (
                    sum(x for x, _ in near) / len(near),
                    sum(y for _, y in near) / len(near),
                )
    xs, ys = [x for x, _ in placed.values()], [y for _, y in placed.values()]
    extent = max(max(xs, default=0) - min(xs, default=0), max(ys, default=0) - min(ys, default=0))
    if 0 < extent < SPAN:  # a local map: spread it out, so nodes keep their size against it
        placed = {n: (x * SPAN / extent, y * SPAN / extent) for n, (x, y) in placed.items()}
    east = max((x for x, _ in placed.values()), default=0.0) + 2 * SCALE
    top = min((y for _, y in placed.values()), default=0.0)
    for i, n in enumerate(sorted(set(H) - set(placed))):
        placed[n] = (east + (i // 40) * SCALE, top + (i % 40) * SCALE / 4)
    return placed


def render(
    H: nx.MultiDiGraph[str], options: MapOptions, *, vintage: dict[str, Any] | None = None
) -> str:
    """The map of ``H`` as one self-contained HTML page."""
    net = Network(directed=True, cdn_resources="local")
    geo = options.layout == "geo"
    where = positions(H) if geo else {}
    partnerships = {
        n: sum(1 for _, _, key in H.out_edges(n, keys=True)
               if key in (LinkKind.PARTNER_IN, LinkKind.PARTICIPATES_IN, LinkKind.OWNS,
                          LinkKind.BUYS_THROUGH))
        for n in H
    }  # fmt: skip
    for n, d in H.nodes(data=True):
        kind = str(d.get("kind", ""))
        style = KIND_STYLE.get(kind, {"color": "#999999", "shape": "dot"})
        measure = {"partnerships": partnerships[n], "links": H.degree(n), "none": 0}[
            options.size_by
        ]
        extra: dict[str, Any] = {}
        if geo:
            x, y = where[n]
            extra = {"x": round(x, 1), "y": round(y, 1), "physics": False}
        labelled = kind in LABELLED
        net.add_node(
            n,
            label=str(d.get("name", n)) if labelled else " ",
            name=str(d.get("name", n)),
            title=_tooltip(n, d),
            color=style["color"],
            shape=style["shape"],
            size=5 + 3 * math.sqrt(measure),
            kind=kind,
            **extra,
        )
    for u, v, key, d in H.edges(keys=True, data=True):
        style = LINK_STYLE.get(key, {"color": "#999999", "dashes": False, "width": 1})
        net.add_edge(
            u, v, title=_link_tooltip(key, d), color=style["color"], dashes=style["dashes"],
            width=style["width"], kind=key, arrows={"to": {"enabled": False}},
        )  # fmt: skip
    vis_options = {
        "physics": {"enabled": not geo, "stabilization": {"iterations": 200}},
        "interaction": {"hover": True, "tooltipDelay": 100, "hideEdgesOnDrag": True},
        "nodes": {"font": {"size": 10}, "borderWidth": 1},
        "edges": {"smooth": False},
        "layout": {"improvedLayout": len(H) < 1000},
    }
    lib = files("pyvis") / "templates" / "lib" / "vis-9.1.2"
    template = _environment().get_template("map.html")
    kinds_shown = sorted({str(d.get("kind")) for _, d in H.nodes(data=True)})
    links_shown = sorted({str(k) for _, _, k in H.edges(keys=True)})
    return template.render(
        title=options.title,
        subtitle=options.subtitle,
        vis_js=(lib / "vis-network.min.js").read_text(encoding="utf-8"),
        vis_css=(lib / "vis-network.css").read_text(encoding="utf-8"),
        data=_script_json({"nodes": net.nodes, "edges": net.edges, "options": vis_options}),
        legend_kinds=[(KIND_STYLE[k]["label"], KIND_STYLE[k]["color"], KIND_STYLE[k]["shape"])
                      for k in kinds_shown if k in KIND_STYLE],
        legend_links=[
            (LINK_STYLE[k]["label"], LINK_STYLE[k]["color"], bool(LINK_STYLE[k]["dashes"]))
            for k in links_shown if k in LINK_STYLE
        ],
        node_count=H.number_of_nodes(),
        edge_count=H.number_of_edges(),
        vintage=vintage or {},
        parameters=options.parameters,
        generated=date.today().isoformat(),
    )  # fmt: skip
