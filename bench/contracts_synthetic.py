"""Contracts at the scale of the whole UK over years: ``CONTRACTS`` synthetic contracts on top
of the bundled graph, spread over today's councils, from a pool of suppliers of uneven size, in
the CPV divisions councils buy most, ending over eight years; a tenth called off a buying
organisation's framework. Then ``partnermap serve`` on each backend and the p50 and p99 of one
council's opportunities and of a county's expiry calendar through the API.

The records are written straight into the store (``GraphStore.write``): this measures the
questions, not the loader (``contracts_cf`` measures loading a real year).
"""

from __future__ import annotations

import os
import random
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from api_scenarios import measure
from measure import peak_mib

from graph import GraphStore, Link, LinkKind, NetworkXStore, Node, NodeKind, Source
from graph.cpv import DIVISIONS
from loaders import load_bundled

CONTRACTS = int(os.environ.get("BENCH_CONTRACTS", "1000000"))
SUPPLIERS = 50_000
SAMPLES = 50
P99_TARGET_MS = 200.0
COUNCIL, COUNTY, DAY = "E07000064", "E10000011", "2026-12-01"
READS = {
    "one council's opportunities": f"/nodes/{COUNCIL}/opportunities?at={DAY}&months={{k}}",
    "a county's expiry calendar": f"/areas/{COUNTY}/expiries?at={DAY}&months={{k}}",
}
"""Each request asks a different number of months, so none is answered from the API's cache."""
COMMON = ["45", "50", "71", "72", "79", "85", "90", "48", "60", "34", "09", "66", "80", "98",
          "30", "39", "44", "55", "64", "77"]  # fmt: skip
SOURCE = (Source(dataset="bench-contracts", vintage="2026"),)
BOS = ["bo:ccs", "bo:ypo", "bo:espo", "bo:nepo"]


def synthetic_contracts(councils: list[str], seed: int = 1) -> tuple[list[Node], list[Link]]:
    rng = random.Random(seed)
    weights = [1 / (i + 1) ** 0.8 for i in range(SUPPLIERS)]  # a few large suppliers
    suppliers = [f"su:ch-{i:08d}" for i in range(SUPPLIERS)]
    nodes = [Node(id=s, kind=NodeKind.SUPPLIER, name=f"Synthetic supplier {i}", sources=SOURCE)
             for i, s in enumerate(suppliers)]  # fmt: skip
    links: list[Link] = []
    chosen = rng.choices(suppliers, weights=weights, k=CONTRACTS)
    start_day = date(2023, 1, 1)
    for i in range(CONTRACTS):
        contract = f"ct:syn-{i:07d}"
        division = rng.choice(COMMON)
        end = start_day + timedelta(days=rng.randrange(8 * 365))
        start = end - timedelta(days=rng.randrange(180, 5 * 365))
        attrs = {"category": DIVISIONS[division], "cpv_division": division,
                 "value_gbp": round(rng.lognormvariate(11, 1.5), 2),
                 "start_date": start.isoformat(), "end_date": end.isoformat()}  # fmt: skip
        nodes.append(Node(id=contract, kind=NodeKind.CONTRACT, name=f"Synthetic contract {i}",
                          attrs=attrs, valid_from=start, valid_to=end, sources=SOURCE))  # fmt: skip
        links.append(Link(from_id=councils[i % len(councils)], kind=LinkKind.AWARDED,
                          to_id=contract, role="buyer", sources=SOURCE))  # fmt: skip
        links.append(Link(from_id=chosen[i], kind=LinkKind.SUPPLIES, to_id=contract,
                          sources=SOURCE))  # fmt: skip
        if rng.random() < 0.1:
            links.append(Link(from_id=contract, kind=LinkKind.CALLED_OFF, to_id=rng.choice(BOS),
                              attrs={"frameworks": f"RM{rng.randrange(6000, 6300)}"},
                              sources=SOURCE))  # fmt: skip
    return nodes, links


def _fill(store: GraphStore) -> dict[str, Any]:
    load_bundled(store)
    councils = sorted(n.id for n in store.iter_nodes()
                      if n.kind is NodeKind.COUNCIL and n.valid_to is None)  # fmt: skip
    nodes, links = synthetic_contracts(councils)
    t = time.perf_counter()
    store.write(nodes, links)
    return {"write_s": time.perf_counter() - t, "contracts": CONTRACTS, "links": len(links)}


def scenario_contracts_embedded(work: Path) -> dict[str, Any]:
    with NetworkXStore(work / "store") as store:
        filled = _fill(store)
    filled["writer_peak_mib"] = peak_mib()
    env = {"PARTNERMAP_HOME": str(work / "store"), "PARTNERMAP_STORE": "embedded"}
    return {**filled, **measure(env, 8771, READS, SAMPLES)}


def scenario_contracts_neo4j(work: Path, store: GraphStore, env: dict[str, str]) -> dict[str, Any]:
    with store:  # emptied by the bench's ``neo4j_store``
        filled = _fill(store)
    server = (
        f"heap {os.environ.get('NEO4J_HEAP', '1g')}, "
        f"page cache {os.environ.get('NEO4J_PAGECACHE', '512m')}"
    )
    return {**filled, "server": server, **measure(env, 8772, READS, SAMPLES)}


def _met(latency: dict[str, float]) -> str:
    return "yes" if latency["p99_ms"] < P99_TARGET_MS else "no"


def contracts_synthetic_report(results: dict[str, Any]) -> str:
    if not {"contracts_embedded", "neo4j_contracts"} <= set(results):
        return ""
    e, n = results["contracts_embedded"], results["neo4j_contracts"]
    first, last = READS
    rows = "\n".join(
        f"| {label} | {e[label]['p50_ms']:.0f} / {e[label]['p99_ms']:.0f} ms | "
        f"{n[label]['p50_ms']:.0f} / {n[label]['p99_ms']:.0f} ms | "
        f"{_met(e[label])} / {_met(n[label])} |"
        for label in READS
    )
    return f"""
## Contracts at scale: {CONTRACTS:,} synthetic contracts

On top of the bundled graph: {CONTRACTS:,} contracts of today's councils ({e["links"]:,} links), from
{SUPPLIERS:,} suppliers of uneven size, in 20 CPV divisions, ending over 2023-2030, a tenth called off a
framework. Written in {e["write_s"]:.0f} s embedded and {n["write_s"]:.0f} s into Neo4j (the bench's own
server: {n.get("server", "heap 1g, page cache 512m")}). {SAMPLES} sequential
requests each through `partnermap serve`, after a warm-up, each asking a different `months` so
that none is answered from the API's cache.

| read (p50 / p99) | embedded | Neo4j | p99 under {P99_TARGET_MS:.0f} ms (embedded / Neo4j) |
|---|---|---|---|
{rows}

The first request after the server started (the warm-up): opportunities
{e[first]["first_ms"] / 1000:.1f} s embedded and {n[first]["first_ms"] / 1000:.1f} s on Neo4j, the calendar {e[last]["first_ms"] / 1000:.1f} s and
{n[last]["first_ms"] / 1000:.1f} s.

The embedded API process holds the whole graph: {e["peak_rss_mib"]:,.0f} MiB at its peak (the writer
{e["writer_peak_mib"]:,.0f} MiB); the Neo4j API process {n["peak_rss_mib"]:,.0f} MiB.
"""
