"""The API at scale: ``partnermap serve`` over the synthetic 100,000-node / 1,000,000-link graph
on each backend, in the same run.

- api_synthetic (embedded) and neo4j_api_synthetic: the graph shaped like the real one
  (``analysis_scenarios.synthetic_collaboration``: councils in communities, shared services of
  about ten partners, borders) written into the store; then p50 and p99 of API_SAMPLES
  sequential requests for one node, search, partnerships and recommendations, after a warm-up
  request each, and the server process's peak resident memory (the kernel's ``VmHWM``).
  Targets on Neo4j: p99 under 100 ms, and the API process under 300 MiB, since those reads
  no longer take the whole graph into the process; the embedded store holds the whole graph
  in memory by design and is the comparison.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
from analysis_scenarios import synthetic_collaboration
from measure import LINKS, NODES, serve

from graph import GraphStore, Link, LinkKind, NetworkXStore, Node, NodeKind, Source

API_SAMPLES = 200
P99_TARGET_MS = 100.0
RSS_TARGET_MIB = 300.0
NODE = "E06012345"
READS = {
    "one node": f"/nodes/{NODE}",
    "search": "/nodes?q=synthetic%20council%2012345",
    "partnerships": f"/nodes/{NODE}/partnerships",
    "recommendations": f"/nodes/{NODE}/recommendations",
}
SOURCE = (Source(dataset="bench-synthetic", vintage="2026"),)


def synthetic_records() -> tuple[list[Node], list[Link]]:
    """The synthetic collaboration graph as store records (councils named "Synthetic council
    N", so that search has names to rank)."""
    G = synthetic_collaboration()
    nodes = []
    for node, data in G.nodes(data=True):
        kind = NodeKind(data["kind"])
        name = f"Synthetic council {int(node[3:])}" if kind is NodeKind.COUNCIL else node
        attrs = {k: v for k, v in data.items() if k not in ("kind", "name")}
        nodes.append(Node(id=node, kind=kind, name=name, attrs=attrs, sources=SOURCE))
    links = [
        Link(from_id=u, kind=LinkKind(k), to_id=v, role=d.get("role"), sources=SOURCE)
        for u, v, k, d in G.edges(keys=True, data=True)
    ]
    assert len(nodes) == NODES and len(links) == LINKS, (len(nodes), len(links))
    return nodes, links


def write_graph(store: GraphStore) -> float:
    nodes, links = synthetic_records()
    t = time.perf_counter()
    store.write(nodes, links, replace=True)
    return time.perf_counter() - t


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident memory so far (``VmHWM``), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def latencies(
    url: str, reads: Mapping[str, str] = READS, samples: int = API_SAMPLES
) -> dict[str, Any]:
    """p50 and p99 of ``samples`` sequential requests per read, after a warm-up request. A
    path with ``{k}`` is asked with k = 1, 2, ... (the warm-up with k = samples + 1), so that
    no request is answered from the API's cache."""
    out: dict[str, Any] = {}
    with httpx.Client(base_url=url, timeout=600) as http:
        for label, path in reads.items():
            t = time.perf_counter()
            first = http.get(path.format(k=samples + 1))
            assert first.status_code == 200, (path, first.text[:300])
            warm_up = time.perf_counter() - t
            times = []
            for k in range(1, samples + 1):
                t = time.perf_counter()
                response = http.get(path.format(k=k))
                times.append(time.perf_counter() - t)
                assert response.status_code == 200
            times.sort()
            out[label] = {
                "first_ms": 1000 * warm_up,
                "p50_ms": 1000 * times[len(times) // 2],
                "p99_ms": 1000 * times[int(len(times) * 0.99) - 1],
            }
    return out


def measure(
    env: dict[str, str], port: int, reads: Mapping[str, str] = READS, samples: int = API_SAMPLES
) -> dict[str, Any]:
    """``partnermap serve`` with ``env``: ``latencies`` and the server's resident memory."""
    server, url = serve(env, port)
    try:
        started_mib = peak_rss_mib(server.pid)
        result = latencies(url, reads, samples)
        result["rss_at_start_mib"] = started_mib
        result["peak_rss_mib"] = peak_rss_mib(server.pid)
        return result
    finally:
        server.terminate()
        server.wait(timeout=60)


def scenario_api_synthetic(work: Path) -> dict[str, Any]:
    with NetworkXStore(work / "store") as store:
        write_s = write_graph(store)
    result = measure({"PARTNERMAP_HOME": str(work / "store"), "PARTNERMAP_STORE": "embedded"},
                     8767)  # fmt: skip
    return {"write_s": write_s, **result}


def scenario_neo4j_api_synthetic(
    work: Path, store: GraphStore, env: dict[str, str]
) -> dict[str, Any]:
    with store:
        write_s = write_graph(store)
    return {"write_s": write_s, **measure(env, 8768)}


def api_synthetic_report(results: dict[str, Any]) -> str:
    if not {"api_synthetic", "neo4j_api_synthetic"} <= set(results):
        return ""
    e, n = results["api_synthetic"], results["neo4j_api_synthetic"]
    rows = "\n".join(
        f"| {label} | {e[label]['p50_ms']:.1f} / {e[label]['p99_ms']:.1f} ms | "
        f"{n[label]['p50_ms']:.1f} / {n[label]['p99_ms']:.1f} ms | "
        f"{'yes' if n[label]['p99_ms'] < P99_TARGET_MS else 'no'} | "
        f"{e[label]['first_ms']:.0f} ms / {n[label]['first_ms']:.0f} ms |"
        for label in READS
    )
    rss_ok = "yes" if n["peak_rss_mib"] < RSS_TARGET_MIB else "no"
    return f"""
## The API on the synthetic {NODES:,}-node / {LINKS:,}-link graph

`partnermap serve` over each backend holding the synthetic graph (councils in communities,
shared services of about ten partners, borders); {API_SAMPLES} sequential requests per read
after a first one (which fills the caches: the name index for search). One node,
partnerships and recommendations read only their part of the graph from the store, natively
on Neo4j; search ranks the store's search rows, cached per data version.

| read | embedded p50 / p99 | Neo4j p50 / p99 | Neo4j p99 < {P99_TARGET_MS:.0f} ms | first request (embedded / Neo4j) |
|---|---|---|---|---|
{rows}

| API process | embedded | Neo4j | Neo4j < {RSS_TARGET_MIB:.0f} MiB |
|---|---|---|---|
| resident memory at start | {e["rss_at_start_mib"]:.0f} MiB | {n["rss_at_start_mib"]:.0f} MiB | |
| peak resident memory (VmHWM) | {e["peak_rss_mib"]:.0f} MiB | {n["peak_rss_mib"]:.0f} MiB | {rss_ok} |

The embedded store keeps the whole graph in the process by design (it is the graph); writing
the graph took {e["write_s"]:.0f} s embedded and {n["write_s"]:.0f} s into Neo4j (staged, with deleting
the graph the server held before, which depends on the scenario run before it).
"""
