"""Interactive maps of the graph: one self-contained HTML file each, made with pyvis.

The nodes and edges are assembled with pyvis's ``Network``; the page is the project's own
template (``visualise/templates/map.html``), with vis-network's script and style (shipped inside
the pyvis package) inlined, so a map opens offline, from an email attachment, with no request to
any other host. Data goes into the page as JSON with ``<``, ``>`` and ``&`` escaped, and labels
and tooltips are plain text (vis-network shows a string ``title`` as text), so no name or note in
the data can inject markup.

Layout is geographic by default: councils and the other areas at their ``lat``/``lon``,
arrangements and buying organisations at the mean position of their members, physics off so the
map is drawn at once; ``layout="force"`` lets vis-network place the nodes instead.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

from graph.errors import InvalidInput
from graph.model import LinkKind, NodeKind
from visualise.colours import Colouring
from visualise.shapes import COS_54, Projection, page_shapes


def _style(color: str, shape: str, label: str) -> dict[str, Any]:
    return {"color": color, "shape": shape, "label": label}


def _line(color: str, dashes: bool | list[int], width: float, label: str) -> dict[str, Any]:
    return {"color": color, "dashes": dashes, "width": width, "label": label}


KIND_STYLE: dict[str, dict[str, Any]] = {
    NodeKind.COUNCIL: _style("#1f77b4", "dot", "council"),
    NodeKind.COMBINED_AUTHORITY: _style("#9467bd", "hexagon", "combined authority"),
    NodeKind.REGION: _style("#7f7f7f", "box", "region"),
    NodeKind.NATION: _style("#444444", "box", "nation"),
    NodeKind.BUYING_ORGANISATION: _style("#d62728", "diamond", "buying organisation"),
    NodeKind.SHARED_SERVICE: _style("#2ca02c", "square", "shared service"),
    NodeKind.JOINT_PROCUREMENT: _style("#ff7f0e", "triangle", "joint procurement"),
    NodeKind.PUBLIC_BODY: _style("#8c564b", "star", "other public body"),
}
LINK_STYLE: dict[str, dict[str, Any]] = {
    LinkKind.BORDERS: _line("#c7c7c7", True, 1, "borders"),
    LinkKind.MEMBER_OF: _line("#9467bd", False, 2, "member of a combined authority"),
    LinkKind.WITHIN: _line("#dddddd", [2, 6], 1, "within"),
    LinkKind.PARTNER_IN: _line("#2ca02c", False, 2, "partner in a shared service"),
    LinkKind.PARTICIPATES_IN: _line("#ff7f0e", False, 2, "in a joint procurement"),
    LinkKind.OWNS: _line("#d62728", False, 1.5, "owns a buying organisation"),
    LinkKind.BUYS_THROUGH: _line("#d62728", [6, 4], 1.5, "buys through"),
    LinkKind.SUCCEEDED_BY: _line("#000000", [1, 4], 1, "succeeded by"),
    LinkKind.MANAGED_BY: _line("#2ca02c", [2, 3], 1.5, "contract managed by a partnership"),
}
DEFAULT_LINKS = tuple(
    str(k) for k in LINK_STYLE if k not in (LinkKind.WITHIN, LinkKind.SUCCEEDED_BY)
)
DEFAULT_KINDS = tuple(str(k) for k in KIND_STYLE if k not in (NodeKind.REGION, NodeKind.NATION))
LABELLED = {
    str(k)
    for k in (
        NodeKind.COUNCIL,
        NodeKind.COMBINED_AUTHORITY,
        NodeKind.BUYING_ORGANISATION,
        NodeKind.REGION,
        NodeKind.NATION,
    )
}
"""Kinds whose names are drawn; arrangements' names are in their tooltips and the search."""
SCALE = 120.0
"""Pixels per degree of latitude in the geographic layout."""
LINK_OPACITY = 0.35
"""Links of a geographic map are drawn faint, so the shapes and their colours show through;
a selected council's are drawn in full (the page's focus)."""
SPAN = 900.0
"""The smallest extent (pixels) a geographic map is drawn at: a local map is spread to it."""
TOOLTIP_FIELDS = (
    "official_name", "council_type", "population", "population_year", "scenario", "category",
    "delivery_model", "legal_form", "body_type", "legal_basis", "value_gbp", "value_kind",
    "savings_gbp", "savings_kind", "savings_year", "start_date", "verified", "source_url",
)  # fmt: skip
LINK_FIELDS = ("role", "frameworks", "notices", "total_value_gbp", "first_date", "last_date",
               "verified", "source_url")  # fmt: skip


@dataclass(frozen=True, slots=True)
class MapOptions:
    title: str = "partnermap"
    layout: Literal["geo", "force"] = "geo"
    size_by: Literal["partnerships", "links", "none"] = "partnerships"
    links: tuple[str, ...] = DEFAULT_LINKS
    kinds: tuple[str, ...] = DEFAULT_KINDS
    category: str | None = None
    """Only arrangements (shared services, joint procurements) of this category."""
    colour_by: str = "cluster"
    """The measure the councils' shapes are coloured by first (``visualise.colours``); the
    page's control offers the others; a measure the map lacks falls back to the first."""
    subtitle: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)


def kinds_from(
    text: str | None, default: tuple[str, ...], known: Iterable[str], what: str
) -> tuple[str, ...]:
    """Comma-separated kinds as given by a person or a query (``"borders, partner_in"``), or
    ``default`` when none; an unknown kind is ``InvalidInput`` naming the known ones."""
    given = tuple(k.strip() for k in (text or "").split(",") if k.strip())
    if not given:
        return default
    known = sorted(known)
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise InvalidInput(f"unknown {what} kind {', '.join(unknown)}; known: {', '.join(known)}")
    return given


def link_kinds(text: str | None) -> tuple[str, ...]:
    return kinds_from(text, DEFAULT_LINKS, (str(k) for k in LinkKind), "link")


def node_kinds(text: str | None) -> tuple[str, ...]:
    return kinds_from(text, DEFAULT_KINDS, (str(k) for k in NodeKind), "node")


def select(
    G: nx.MultiDiGraph[str], options: MapOptions, keep: set[str] | None = None
) -> nx.MultiDiGraph[str]:
    """The part of ``G`` a map shows: nodes of ``options.kinds`` (within ``keep`` if given),
    arrangements of ``options.category`` only, links of ``options.links`` between them."""
    chosen = set(G) if keep is None else set(keep) & set(G)
    chosen = {n for n in chosen if G.nodes[n].get("kind") in options.kinds}
    if options.category is not None:
        arrangements = {str(NodeKind.SHARED_SERVICE), str(NodeKind.JOINT_PROCUREMENT)}
        chosen = {
            n for n in chosen
            if G.nodes[n].get("kind") not in arrangements
            or G.nodes[n].get("category") == options.category
        }  # fmt: skip
    H: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for n in sorted(chosen):
        H.add_node(n, **G.nodes[n])
    for u, v, k, d in G.edges(keys=True, data=True):
        if k in options.links and u in chosen and v in chosen:
            H.add_edge(u, v, key=k, **d)
    return H


def positions(
    H: nx.MultiDiGraph[str],
) -> tuple[dict[str, tuple[float, float]], Projection]:
    """Screen positions (x, y) for the geographic layout, and the projection they are in
    (which the council shapes are drawn in too): areas at their lat/lon, every other node at
    the mean of its placed neighbours; any still unplaced (a national body) in columns to the
    east, by kind and name."""
    projection = Projection(COS_54 * SCALE, SCALE)
    placed: dict[str, tuple[float, float]] = {}
    for n, d in H.nodes(data=True):
        if d.get("lat") is not None and d.get("lon") is not None:
            placed[n] = projection.point(float(d["lon"]), float(d["lat"]))
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
        f = SPAN / extent
        placed = {n: (x * f, y * f) for n, (x, y) in placed.items()}
        projection = Projection(projection.kx * f, projection.ky * f)
    east = max((x for x, _ in placed.values()), default=0.0) + 2 * SCALE
    top = min((y for _, y in placed.values()), default=0.0)
    unplaced = sorted(
        set(H) - set(placed),
        key=lambda n: (str(H.nodes[n].get("kind")), str(H.nodes[n].get("name", n))),
    )
    for i, n in enumerate(unplaced):  # columns wide enough for their names at the UK view
        placed[n] = (east + (i // 30) * 3.5 * SCALE, top + (i % 30) * SCALE / 3)
    return placed, projection


WARNING = _line("#d62728", [5, 3], 3, "an arrangement the scenario splits")
"""How a link of a council to an arrangement the scenario splits is drawn."""


@dataclass(frozen=True, slots=True)
class Panel:
    """One map of a page: a page has one, or two side by side (a comparison)."""

    H: nx.MultiDiGraph[str]
    options: MapOptions
    colourings: Mapping[str, Colouring] | None = None
    shape_codes: Mapping[str, Iterable[str]] | None = None
    """Which shapes draw a node that has none of its own (a scenario's new council: its
    predecessors' areas); every other council is drawn as its own code's shape."""
    warnings: frozenset[tuple[str, str, str]] = frozenset()
    """Links ``(from, to, kind)`` drawn in the warning style (``WARNING``)."""
    title: str = ""
    """The panel's own heading (a comparison's; a single map has the page's title)."""


def render(
    H: nx.MultiDiGraph[str],
    options: MapOptions,
    *,
    vintage: dict[str, Any] | None = None,
    colourings: Mapping[str, Colouring] | None = None,
    served: bool = False,
) -> str:
    """The map of ``H`` as one self-contained HTML page, its councils' shapes coloured by each
    of ``colourings`` in turn (the page's control; ``options.colour_by`` first)."""
    return render_panels([Panel(H, options, colourings)], options.title,
                         subtitle=options.subtitle, vintage=vintage, served=served)  # fmt: skip


def render_panels(
    panels: list[Panel],
    title: str,
    *,
    subtitle: str = "",
    vintage: dict[str, Any] | None = None,
    served: bool = False,
) -> str:
    """One self-contained HTML page of ``panels``, side by side (one above the other on a
    narrow screen), with one search, one colour control and one council card for all.
    ``served``: the page comes from the API, and its Content-Security-Policy lets the card ask
    that server (its own origin, nothing else) for a council's recommendations and
    opportunities; a file may ask nothing."""
    lib = files("pyvis") / "templates" / "lib" / "vis-9.1.2"
    template = _environment().get_template("map.html")
    return template.render(
        title=title,
        subtitle=subtitle,
        vis_js=(lib / "vis-network.min.js").read_text(encoding="utf-8"),
        vis_css=(lib / "vis-network.css").read_text(encoding="utf-8"),
        data=_script_json({"panels": [_panel_data(p) for p in panels]}),
        node_count=sum(p.H.number_of_nodes() for p in panels),
        edge_count=sum(p.H.number_of_edges() for p in panels),
        vintage=vintage or {},
        generated=date.today().isoformat(),
        connect="'self'" if served else "'none'",
    )


def _panel_data(panel: Panel) -> dict[str, Any]:
    """What the page draws of one map: nodes and edges (pyvis's), vis options, shapes,
    colourings and legend."""
    H, options, colourings = panel.H, panel.options, panel.colourings or {}
    net = Network(directed=True, cdn_resources="local")
    geo = options.layout == "geo"
    where, projection = positions(H) if geo else ({}, None)
    partnerships = {
        n: sum(1 for _, _, key in H.out_edges(n, keys=True)
               if key in (LinkKind.PARTNER_IN, LinkKind.PARTICIPATES_IN, LinkKind.OWNS,
                          LinkKind.BUYS_THROUGH))
        for n in H
    }  # fmt: skip
    for n, d in H.nodes(data=True):
        kind = str(d.get("kind", ""))
        measure = {"partnerships": partnerships[n], "links": H.degree(n), "none": 0}[
            options.size_by
        ]
        extra: dict[str, Any] = {}
        if geo:
            x, y = where[n]
            extra = {"x": round(x, 1), "y": round(y, 1), "physics": False}
        net.add_node(
            n,
            label=" ",  # names are drawn by the page (ranked, never overlapping), not vis
            name=str(d.get("name", n)),
            title=_tooltip(n, d),
            group=kind,  # colour and shape: the kind's (the page's node groups)
            size=round((3 + 1.5 * math.sqrt(measure)) if geo else (5 + 3 * math.sqrt(measure)), 1),
            kind=kind,
            rank=_label_rank(kind, d, measure),
            **extra,
        )
    for node in net.nodes:  # pyvis sets both on every node; the group gives them
        node.pop("color", None)
        node.pop("shape", None)
    for u, v, key, d in H.edges(keys=True, data=True):
        warning = {"warning": True} if (u, v, key) in panel.warnings else {}
        net.add_edge(u, v, title=_link_tooltip(key, d), kind=key, **warning)
    for edge in net.edges:  # the kind's style is the page's (linkStyles), not each edge's
        edge.pop("arrows", None)
    groups = {kind: {"color": style["color"], "shape": style["shape"]}
              for kind, style in KIND_STYLE.items()}  # fmt: skip
    styles = {**LINK_STYLE, "warning": WARNING}
    link_styles = {
        kind: {"color": {"color": style["color"], "highlight": style["color"],
                         "hover": style["color"],
                         "opacity": 1.0 if kind == "warning" or not geo else LINK_OPACITY},
               "dashes": style["dashes"],
               "width": style["width"] * (0.6 if geo and kind != "warning" else 1)}
        for kind, style in styles.items()
    }  # fmt: skip
    vis_options = {
        "physics": {"enabled": not geo, "stabilization": {"iterations": 200}},
        "interaction": {"hover": True, "tooltipDelay": 100, "hideEdgesOnDrag": True},
        "nodes": {"font": {"size": 10}, "borderWidth": 1, "opacity": 1, "color": "#999999",
                  "shape": "dot"},
        "groups": groups,
        "edges": {"smooth": False, "arrows": {"to": {"enabled": False}},
                  "color": {"color": "#999999", "opacity": LINK_OPACITY if geo else 1.0}},
        "layout": {"improvedLayout": len(H) < 1000},
    }  # fmt: skip
    drawn = [(n, n) for n, d in H.nodes(data=True) if d.get("kind") == NodeKind.COUNCIL]
    drawn += [(code, n) for n, codes in (panel.shape_codes or {}).items() if n in H
              for code in codes]  # fmt: skip
    shapes = page_shapes(drawn, projection) if projection is not None else {"areas": []}
    kinds_shown = sorted({str(d.get("kind")) for _, d in H.nodes(data=True)})
    links_shown = sorted({str(k) for _, _, k in H.edges(keys=True)})
    legend_links = [(LINK_STYLE[k]["label"], LINK_STYLE[k]["color"], bool(LINK_STYLE[k]["dashes"]))
                    for k in links_shown if k in LINK_STYLE]  # fmt: skip
    if panel.warnings:
        legend_links.append((WARNING["label"], WARNING["color"], True))
    return {
        "title": panel.title,
        "nodes": net.nodes, "edges": net.edges, "options": vis_options, "shapes": shapes,
        "linkStyles": link_styles,
        "colourings": {m: c.as_page() for m, c in colourings.items()},
        "colourBy": options.colour_by if options.colour_by in colourings
        else next(iter(colourings), None),
        "legend": {
            "kinds": [(KIND_STYLE[k]["label"], KIND_STYLE[k]["color"])
                      for k in kinds_shown if k in KIND_STYLE],
            "links": legend_links,
        },
    }  # fmt: skip


def _label_rank(kind: str, data: dict[str, Any], partnerships: int) -> float:
    """Which names the page draws first where they would overlap (higher first): nations and
    regions, then combined authorities, councils by population, buying organisations, other
    public bodies; an arrangement's name is in its tooltip and the search, never drawn."""
    if kind not in LABELLED and kind != NodeKind.PUBLIC_BODY:
        return 0.0
    base = {NodeKind.NATION: 9e9, NodeKind.REGION: 8e9, NodeKind.COMBINED_AUTHORITY: 7e9,
            NodeKind.COUNCIL: 1e7, NodeKind.BUYING_ORGANISATION: 5e6}  # fmt: skip
    population = float(data.get("population") or 0) if kind == NodeKind.COUNCIL else 0.0
    return base.get(NodeKind(kind), 1.0) + population + partnerships


def write_map(html: str, out: Path) -> Path:
    out.write_text(html, encoding="utf-8")
    return out


def _environment() -> Environment:
    folder = Path(str(files("visualise") / "templates"))
    return Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(["html"]))


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element: no ``</script>``, no HTML comment, no markup."""
    text = json.dumps(value, ensure_ascii=False, default=str, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _tooltip(node: str, data: dict[str, Any]) -> str:
    lines = [str(data.get("name", node)), f"{data.get('kind', '')} {node}"]
    for name in TOOLTIP_FIELDS:
        value = data.get(name)
        if value not in (None, ""):
            shown = f"{value:,}" if name == "population" and isinstance(value, int) else value
            lines.append(f"{name.replace('_', ' ')}: {shown}")
    return "\n".join(lines)


def _link_tooltip(kind: str, data: dict[str, Any]) -> str:
    lines = [kind.replace("_", " ")]
    for name in LINK_FIELDS:
        if data.get(name) not in (None, ""):
            lines.append(f"{name.replace('_', ' ')}: {data[name]}")
    evidence = [e for e in str(data.get("evidence") or "").split(";") if e]
    if evidence:
        more = f" and {len(evidence) - 5} more" if len(evidence) > 5 else ""
        lines.append("evidence: " + ", ".join(evidence[:5]) + more)
    return "\n".join(lines)


def neighbourhood(G: nx.MultiDiGraph[str], around: str, hops: int) -> set[str]:
    """``around`` and every node within ``hops`` links of it (``within`` not counted: every
    council is two steps from every other through its region)."""
    U: nx.Graph[str] = nx.Graph()
    U.add_nodes_from(G)
    U.add_edges_from((u, v) for u, v, k in G.edges(keys=True) if k != LinkKind.WITHIN)
    return set(nx.ego_graph(U, around, radius=hops))


def group_with_arrangements(G: nx.MultiDiGraph[str], members: set[str]) -> set[str]:
    """``members`` with the arrangements and buying organisations at least two of them share."""
    touching: dict[str, set[str]] = defaultdict(set)
    for u, v, k in G.edges(keys=True):
        if u in members and k in (LinkKind.PARTNER_IN, LinkKind.PARTICIPATES_IN, LinkKind.OWNS,
                                  LinkKind.BUYS_THROUGH, LinkKind.MEMBER_OF):  # fmt: skip
            touching[v].add(u)
    return set(members) | {v for v, us in touching.items() if len(us) >= 2}


def explorer_page() -> str:
    """The explorer: a plain HTML page that uses the HTTP API (no build step)."""
    return (files("visualise") / "templates" / "explorer.html").read_text(encoding="utf-8")
