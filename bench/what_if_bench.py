"""The scenario benchmarks of ``make bench`` (``bench/run.py`` runs them and writes the report).

- what_if: on the bundled UK graph, one scenario's report (Surrey's two unitaries), a
  comparison of Essex's four options, and the graph as if Surrey's scenario had happened with
  ``clusters`` run on it; against, in the same run, the collaboration graph alone (which every
  report builds once) and ``clusters`` on today's graph. Each is the best of ``REPEATS``.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from measure import peak_mib

from graph import NetworkXStore, analysis
from graph.analysis.apply import applied
from graph.analysis.collab import collaboration_graph
from graph.what_if import compare, report, scenarios_named
from loaders import load_bundled

REPEATS = 5
ESSEX = [
    "essex-three-unitaries",
    "essex-five-unitaries",
    "essex-four-unitaries-rochford",
    "essex-four-unitaries-thurrock",
]
GIVEN = {"unitary_min": 500_000, "sa_min": 1_500_000}


def _best(call: Callable[[], Any]) -> float:
    times = []
    for _ in range(REPEATS):
        gc.collect()
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return min(times)


def scenario_what_if(work: Path) -> dict[str, Any]:
    with NetworkXStore(work / "store") as store:
        load_bundled(store)
        today = date.today()
        t = time.perf_counter()
        G = store.graph(today)
        graph_s = time.perf_counter() - t
        [surrey] = scenarios_named(store, ["surrey-two-unitaries"])
        essex = scenarios_named(store, ESSEX)

    def graph_at(day: date) -> Any:
        return G  # every scenario here is judged on today's graph (none has taken effect)

    clusters = analysis.clusters
    seconds = {
        "report": _best(lambda: report(surrey, graph_at, today, GIVEN)),
        "compare": _best(lambda: compare(essex, graph_at, today, GIVEN)),
        "apply": _best(lambda: applied(G, surrey)),
        "clusters_applied": _best(lambda: clusters(applied(G, surrey), runs=1)),
        "collaboration_graph": _best(lambda: collaboration_graph(G)),
        "clusters_today": _best(lambda: clusters(G, runs=1)),
    }
    return {
        "nodes": G.number_of_nodes(),
        "links": G.number_of_edges(),
        "graph_s": graph_s,
        "seconds": seconds,
        "compared": len(essex),
        "peak_mib": peak_mib(),
    }


def what_if_report(results: dict[str, Any]) -> str:
    """The Scenarios section of ``results.md``."""
    if "what_if" not in results:
        return ""
    w = results["what_if"]
    s = w["seconds"]
    base = s["collaboration_graph"]
    rows = [
        ("one scenario's report (Surrey's two unitaries)", s["report"], "collaboration graph"),
        (f"a comparison of {w['compared']} options (Essex)", s["compare"], "collaboration graph"),
        ("the graph as if Surrey's scenario had happened", s["apply"], "collaboration graph"),
    ]
    table = "\n".join(f"| {what} | {sec * 1000:.0f} ms | {base * 1000:.0f} ms | {sec / base:.1f}x |"
                      for what, sec, _ in rows)  # fmt: skip
    return f"""
## Scenarios

On the bundled UK graph ({w["nodes"]:,} nodes, {w["links"]:,} links as at today, taken from the
embedded store in {w["graph_s"]:.2f} s; peak memory {w["peak_mib"]:.0f} MiB). Each time is the
best of {REPEATS}; the peer is building the collaboration graph alone on the same graph, which
each report does once.

| what | time | collaboration graph alone | ratio |
|---|---|---|---|
{table}

`clusters` (one run) on the graph as if Surrey's scenario had happened: {s["clusters_applied"] * 1000:.0f} ms,
against {s["clusters_today"] * 1000:.0f} ms on today's graph.
"""
