"""What the network says: clusters, candidate partnerships, recommendations, brokers, gaps and
paths, as pure functions of a stored graph and the parameters given.

Each function returns plain data (dicts and lists, JSON-ready) that carries its own
explanation: the evidence behind every group, score and recommendation, and the parameters it
was computed with. The heavy steps (community detection, betweenness) run in python-igraph;
graphs are built in sorted order and seeded, so the same data gives the same answer whatever
order it was loaded in.
"""

from graph.analysis import brokers as _brokers
from graph.analysis import candidates as _candidates
from graph.analysis import clusters as _clusters
from graph.analysis import coverage as _coverage
from graph.analysis import gaps as _gaps
from graph.analysis import opportunities as _opportunities
from graph.analysis import path as _path
from graph.analysis import recommend as _recommend
from graph.analysis.brokers import brokers, reach
from graph.analysis.candidates import candidates
from graph.analysis.clusters import clusters
from graph.analysis.collab import Weights, collaboration_graph
from graph.analysis.common import node_ref, regions
from graph.analysis.coverage import coverage
from graph.analysis.detection import METHODS
from graph.analysis.gaps import gaps
from graph.analysis.opportunities import opportunities
from graph.analysis.path import path
from graph.analysis.recommend import recommend
from graph.analysis.spec import REQUIRED, WEIGHTS, Analysis, Param

ANALYSES: dict[str, Analysis] = {
    spec.name: spec
    for spec in (
        _clusters.SPEC,
        _candidates.SPEC,
        _recommend.SPEC,
        _brokers.SPEC,
        _gaps.SPEC,
        _path.SPEC,
        _opportunities.SPEC,
        _coverage.SPEC,
    )
}
"""Every analysis, declared once; the API routes, CLI subcommands and map views come from it."""

__all__ = [
    "ANALYSES",
    "METHODS",
    "REQUIRED",
    "WEIGHTS",
    "Analysis",
    "Param",
    "Weights",
    "brokers",
    "candidates",
    "clusters",
    "collaboration_graph",
    "coverage",
    "gaps",
    "node_ref",
    "opportunities",
    "path",
    "reach",
    "recommend",
    "regions",
]
