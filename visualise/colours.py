"""What the councils' shapes are coloured by (``--colour-by``, and the page's control): each
measure gives every council drawn a colour and the legend says what each colour means.

Categorical measures (cluster, candidate partnership, combined authority, buying organisation)
take a colour each for their largest groups and grey for the rest; numeric ones (number of
arrangements, population) take five classes of one hue, light to dark, with the class bounds
in the legend.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.model import LinkKind, NodeKind

if TYPE_CHECKING:  # the command line's --help reads MEASURES without loading NetworkX
    import networkx as nx

CATEGORICAL = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#8cd17d", "#86bcb6", "#d4a6c8", "#a0cbe8", "#ffbe7d", "#f1ce63", "#d37295",
)  # fmt: skip
"""Distinct fills (Tableau 10 and its lighter tones), for the largest groups."""
SEQUENTIAL = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
"""Five classes of blue, few to many."""
NONE = "#eef1f4"
"""A council the measure says nothing of."""
OTHER = "#c9ced4"
"""A council of a group too small to have a colour of its own."""


@dataclass(frozen=True, slots=True)
class Colouring:
    """One measure's colour for each council drawn, and its legend."""

    measure: str
    label: str
    fills: dict[str, str]
    legend: list[tuple[str, str]]
    """(what it means, colour), in the order a reader looks them up."""

    def as_page(self) -> dict[str, Any]:
        return {"label": self.label, "fills": self.fills,
                "legend": [{"text": t, "colour": c} for t, c in self.legend]}  # fmt: skip


def categorical(
    measure: str, label: str, groups: Mapping[str, str], councils: Iterable[str], none: str
) -> Colouring:
    """Colours for ``groups`` (council -> group name): the largest groups a colour each (most
    members first), the rest grey; councils in no group ``none``."""
    councils = sorted(councils)
    sizes = Counter(groups[c] for c in councils if c in groups)
    ranked = sorted(sizes, key=lambda g: (-sizes[g], g))
    coloured = {g: CATEGORICAL[i] for i, g in enumerate(ranked[: len(CATEGORICAL)])}
    fills = {c: coloured.get(groups[c], OTHER) if c in groups else NONE for c in councils}
    legend = [(f"{g} ({sizes[g]})", coloured[g]) for g in ranked[: len(CATEGORICAL)]]
    rest = len(ranked) - len(coloured)
    if rest:
        legend.append((f"{rest} smaller groups", OTHER))
    if any(c not in groups for c in councils):
        legend.append((none, NONE))
    return Colouring(measure, label, fills, legend)


def numeric(
    measure: str, label: str, values: Mapping[str, float], councils: Iterable[str], unit: str
) -> Colouring:
    """Five classes of ``values`` (council -> number) by quantile, light to dark."""
    councils = sorted(councils)
    known = sorted(values[c] for c in councils if values.get(c) is not None)
    if not known:
        return Colouring(measure, label, dict.fromkeys(councils, NONE), [("not known", NONE)])
    bounds = sorted({known[min(len(known) - 1, len(known) * i // 5)] for i in range(1, 5)})

    def klass(v: float) -> int:
        return sum(v >= b for b in bounds)

    fills = {c: SEQUENTIAL[klass(values[c])] if values.get(c) is not None else NONE
             for c in councils}  # fmt: skip
    edges = [known[0], *bounds, known[-1]]
    legend = []
    for i in range(len(bounds) + 1):
        low, high = edges[i], edges[i + 1]
        text = f"{_number(low)} to {_number(high)} {unit}" if i == len(bounds) else (
            f"{_number(low)} to under {_number(high)} {unit}")  # fmt: skip
        legend.append((text, SEQUENTIAL[i]))
    if any(values.get(c) is None for c in councils):
        legend.append(("not known", NONE))
    return Colouring(measure, label, fills, legend)


def _number(v: float) -> str:
    if v >= 1_000_000:
        return f"{v / 1_000_000:.1f}m"
    if v >= 10_000:
        return f"{v / 1000:.0f}k"
    return f"{v:,.0f}"


def councils_of(H: nx.MultiDiGraph[str]) -> list[str]:
    return sorted(n for n, d in H.nodes(data=True) if d.get("kind") == NodeKind.COUNCIL)


def by_combined_authority(G: nx.MultiDiGraph[str], councils: list[str]) -> Colouring:
    ca = str(NodeKind.COMBINED_AUTHORITY)
    groups = {}
    for c in councils:
        found = sorted(
            str(G.nodes[v].get("name", v)) for _, v, k in G.out_edges(c, keys=True)
            if k in (LinkKind.MEMBER_OF, LinkKind.WITHIN) and G.nodes[v].get("kind") == ca
        )  # fmt: skip
        if found:
            groups[c] = found[0]
    return categorical("combined_authority", "combined authority", groups, councils,
                       "in no combined authority")  # fmt: skip


def by_buying_organisation(G: nx.MultiDiGraph[str], councils: list[str]) -> Colouring:
    """The buying organisation a council owns (its own), else the one it calls off most."""
    groups = {}
    for c in councils:
        owned, used = [], []
        for _, v, k, d in G.out_edges(c, keys=True, data=True):
            name = str(G.nodes[v].get("name", v))
            if k == LinkKind.OWNS:
                owned.append(name)
            elif k == LinkKind.BUYS_THROUGH:
                used.append((-int(d.get("notices") or 0), name))
        if owned:
            groups[c] = f"owns {sorted(owned)[0]}"
        elif used:
            groups[c] = f"uses {sorted(used)[0][1]}"
    return categorical("pbo", "buying organisation owned, else used most", groups, councils,
                       "none on record")  # fmt: skip


def by_arrangements(G: nx.MultiDiGraph[str], councils: list[str]) -> Colouring:
    kinds = (LinkKind.PARTNER_IN, LinkKind.PARTICIPATES_IN)
    values = {c: float(sum(1 for _, _, k in G.out_edges(c, keys=True) if k in kinds))
              for c in councils}  # fmt: skip
    return numeric("arrangements", "shared services and joint procurements", values, councils,
                   "arrangements")  # fmt: skip


def by_population(G: nx.MultiDiGraph[str], councils: list[str]) -> Colouring:
    values = {c: float(G.nodes[c]["population"]) for c in councils
              if G.nodes[c].get("population") not in (None, "")}  # fmt: skip
    return numeric("population", "population", values, councils, "people")


MEASURES: dict[str, str] = {
    "cluster": "cluster (who works with whom most)",
    "candidate": "candidate partnership",
    "combined_authority": "combined authority",
    "pbo": "buying organisation owned or used",
    "arrangements": "number of shared services and joint procurements",
    "population": "population",
    "scenario": "a scenario's new councils",
}
"""Every measure a map can be coloured by, and what the control calls it."""

Builder = Callable[["nx.MultiDiGraph[str]", list[str]], Colouring]
BUILDERS: dict[str, Builder] = {
    "combined_authority": by_combined_authority,
    "pbo": by_buying_organisation,
    "arrangements": by_arrangements,
    "population": by_population,
}
"""The measures read from the graph the map is drawn from; the others come from an analysis
or a scenario (``colourings``' ``groups``)."""


def analysis_groups(G: nx.MultiDiGraph[str]) -> dict[str, tuple[str, dict[str, str]]]:
    """The cluster and the best candidate partnership of each council, by the analyses with
    their default parameters on ``G`` (the whole graph as at the map's day)."""
    from graph.analysis import ANALYSES  # noqa: PLC0415 - only for maps of the whole graph

    clusters, candidates = ANALYSES["clusters"], ANALYSES["candidates"]
    found = clusters.compute(G, clusters.arguments({}))["clusters"]
    by_cluster = {}
    for c in found:
        names = ", ".join(m["name"] for m in c["members"][:2])
        for m in c["members"]:
            by_cluster[m["id"]] = f"{c['cluster']}: {names}..."
    by_candidate: dict[str, str] = {}
    for c in candidates.compute(G, candidates.arguments({}))["candidates"]:
        names = ", ".join(m["name"] for m in c["members"][:3])
        for m in [*c["members"], *c["districts"]]:
            by_candidate.setdefault(m["id"], f"#{c['rank']} {names}")
    return {
        "cluster": ("cluster (community detection, default parameters)", by_cluster),
        "candidate": ("best candidate partnership it is in", by_candidate),
    }


def colourings(
    G: nx.MultiDiGraph[str],
    H: nx.MultiDiGraph[str],
    groups: Mapping[str, tuple[str, Mapping[str, str]]] | None = None,
) -> dict[str, Colouring]:
    """Every colouring of the councils ``H`` draws, read from ``G`` (the graph it was drawn
    from): the graph's own measures, and ``groups`` (measure -> (label, council -> group))
    from analyses or a scenario."""
    councils = councils_of(H)
    out = {name: build(G, councils) for name, build in BUILDERS.items()}
    for measure, (label, grouped) in (groups or {}).items():
        out[measure] = categorical(measure, label, grouped, councils, "in none")
    return {m: out[m] for m in MEASURES if m in out}
