"""``make bench``: time and peak memory of partnermap's heavy paths, each against a peer.

Every scenario runs in a fresh subprocess so its peak resident memory is its own. Results are
written to ``bench/results.md`` (and ``bench/results.json``) with the machine they ran on.

Scenarios:
- bundled: ``load_bundled`` into a new embedded store, against the floor of reading the same
  CSV files with ``csv.DictReader`` (the ratio is our validation and storage overhead);
- synthetic: a 100,000-node / 1,000,000-link graph in the plain CSV format: load (parse,
  validate, plan, write), then reopen from disk; against NetworkX's own ``node_link_data`` +
  ``json`` save and reopen of the same graph (the peer);
- reads_embedded, neo4j_reads: each read of part of the graph (stats, sources, search rows,
  neighbourhoods, what recommendations and partnerships read) on the bundled graph, against the
  same answer from the whole graph, and search itself;
- ocds_*: 1,000,000 synthetic releases (``bench/ocds_synthetic.py``) parsed alone, against the
  floor of decoding the same lines with orjson, and loaded in full into each backend on top of
  the bundled graph; peak memory must stay under 500 MiB;
- analysis_*: every analysis on the bundled graph, and ``clusters`` on a 1,000,000-link graph
  against igraph's Louvain alone on the same graph (``bench/analysis_scenarios.py``);
- what_if: a scenario's report, a comparison of four options and the graph as if a scenario
  had happened, against the collaboration graph alone (``bench/what_if_bench.py``);
- contracts_cf: a year of Contracts Finder's CSV export loaded, against reading it with the csv
  module; one council's opportunities and a county's expiry calendar (``bench/contracts_bench.py``).

``python bench/run.py --only ocds_parse,ocds_embedded`` runs some scenarios and keeps the
stored results of the others.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import baseline
import httpx
import networkx as nx
import orjson
from analysis_scenarios import (
    analysis_report,
    scenario_analysis_bundled,
    scenario_analysis_synthetic,
)
from api_scenarios import api_synthetic_report, scenario_api_synthetic
from api_scenarios import scenario_neo4j_api_synthetic as _neo4j_api_synthetic
from contracts_bench import contracts_report, scenario_contracts_cf
from contracts_synthetic import (
    contracts_synthetic_report,
    scenario_contracts_embedded,
    scenario_contracts_neo4j,
)
from measure import LINKS, NODES, peak_mib, serve
from neo4j import GraphDatabase
from ocds_synthetic import write_releases
from playwright.sync_api import sync_playwright
from what_if_bench import scenario_what_if, what_if_report

from graph import Neo4jStore, NetworkXStore, analysis, queries
from graph.search import search
from loaders import bundled_files, load_bundled, load_files
from loaders.buyers import PARTNER_KINDS
from loaders.detect import FORMATS
from loaders.items import ParseContext, Row, Skip
from loaders.resolve import Resolver, names_file, read_variants
from visualise.colours import analysis_groups, colourings
from visualise.maps import MapOptions, render, select

HERE = Path(__file__).resolve().parent


def scenario_bundled(work: Path) -> dict[str, Any]:
    t = time.perf_counter()
    for path in bundled_files():
        with path.open(encoding="utf-8") as f:
            sum(1 for _ in csv.DictReader(f))
    floor = time.perf_counter() - t
    t = time.perf_counter()
    with NetworkXStore(work / "store") as store:
        report = load_bundled(store)
    ours = time.perf_counter() - t
    return {
        "load_s": ours,
        "csv_read_s": floor,
        "ratio": ours / floor,
        "peak_mib": peak_mib(),
        "rows": sum(f.rows_read for f in report.files),
        "files": len(report.files),
    }


def write_synthetic(folder: Path) -> tuple[Path, Path]:
    rng = random.Random(20261127)
    ids = [f"E06{100000 + i:06d}" for i in range(NODES)]
    nodes, links = folder / "nodes.csv", folder / "links.csv"
    with nodes.open("w") as f:
        f.write("id,kind,name\n")
        f.writelines(f"{i},council,Synthetic council {n}\n" for n, i in enumerate(ids))
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < LINKS:
        a, b = rng.randrange(NODES), rng.randrange(NODES)
        if a != b:
            pairs.add((min(a, b), max(a, b)))
    with links.open("w") as f:
        f.write("from_id,kind,to_id,shared_boundary_km\n")
        f.writelines(
            f"{ids[a]},borders,{ids[b]},{(a * b) % 97 / 7:.2f}\n" for a, b in sorted(pairs)
        )
    return nodes, links


def scenario_synthetic(work: Path) -> dict[str, Any]:
    nodes, links = write_synthetic(work)
    t = time.perf_counter()
    with NetworkXStore(work / "store") as store:
        load_files(store, [nodes, links])
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    reopened = NetworkXStore(work / "store")
    reopen_s = time.perf_counter() - t
    stats = reopened.stats(None)
    assert stats.nodes == {"council": NODES} and stats.links == {"borders": LINKS}, stats
    return {
        "load_s": load_s,
        "reopen_s": reopen_s,
        "file_mib": (work / "store" / "graph.json").stat().st_size / 2**20,
        "peak_mib": peak_mib(),
    }


def scenario_peer(work: Path) -> dict[str, Any]:
    """NetworkX alone: build the same graph from the same CSVs, save and reopen as JSON."""
    nodes, links = write_synthetic(work)
    t = time.perf_counter()
    G: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    with nodes.open() as f:
        G.add_nodes_from(
            (r["id"], {"kind": r["kind"], "name": r["name"]}) for r in csv.DictReader(f)
        )
    with links.open() as f:
        G.add_edges_from(
            (r["from_id"], r["to_id"], r["kind"], {"km": float(r["shared_boundary_km"])})
            for r in csv.DictReader(f)
        )
    path = work / "peer.json"
    path.write_text(json.dumps(nx.node_link_data(G, edges="links")))
    load_s = time.perf_counter() - t
    del G
    t = time.perf_counter()
    H = nx.node_link_graph(json.loads(path.read_text()), edges="links")
    reopen_s = time.perf_counter() - t
    assert H.number_of_edges() == LINKS
    return {"load_s": load_s, "reopen_s": reopen_s, "peak_mib": peak_mib()}


NEO4J_URI = "bolt://127.0.0.1:7688"
NEO4J_AUTH = ("neo4j", "partnermap-test")
SAMPLE = 1_000


def neo4j_store(**kwargs: Any) -> Neo4jStore:
    with GraphDatabase.driver(NEO4J_URI, auth=NEO4J_AUTH) as driver, driver.session() as session:
        # relationships first, then nodes: a dense node (a council of thousands of contracts)
        # detached in one batch can exceed the server's transaction memory
        session.run(
            "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS"
        ).consume()
        session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 20000 ROWS").consume()
    return Neo4jStore(NEO4J_URI, username=NEO4J_AUTH[0], password=NEO4J_AUTH[1], **kwargs)


def scenario_neo4j_bundled(work: Path) -> dict[str, Any]:
    """The bundled load twice into an emptied database: the first pays for Neo4j planning
    each query shape (cold), the second finds the plans cached (warm)."""
    times = []
    for _ in range(2):
        with neo4j_store() as store:
            t = time.perf_counter()
            report = load_bundled(store)
            times.append(time.perf_counter() - t)
    rows = sum(f.rows_read for f in report.files)
    cold, warm = times
    return {
        "load_s": cold,
        "warm_s": warm,
        "rows": rows,
        "rows_per_s": rows / cold,
        "warm_rows_per_s": rows / warm,
        "peak_mib": peak_mib(),
    }


def scenario_neo4j_rows(work: Path) -> dict[str, Any]:
    """The same sample written batched (one write) and one row per transaction."""
    nodes_csv, links_csv = write_synthetic(work)
    with NetworkXStore(work / "store") as staging:
        load_files(staging, [nodes_csv, links_csv])
        nodes = sorted(staging.iter_nodes(), key=lambda n: n.id)[:SAMPLE]
        ids = {n.id for n in nodes}
        links = [k for k in staging.iter_links() if k.from_id in ids and k.to_id in ids][:SAMPLE]
    rows = len(nodes) + len(links)
    with neo4j_store() as store:  # warm-up: both ways run the same statements; plan them once
        store.write(nodes, links)
    with neo4j_store() as store:
        t = time.perf_counter()
        store.write(nodes, links)
        batched = time.perf_counter() - t
    with neo4j_store() as store:
        t = time.perf_counter()
        for node in nodes:
            store.write([node], [])
        for link in links:
            store.write([], [link])
        single = time.perf_counter() - t
    return {
        "rows": rows,
        "batched_rows_per_s": rows / batched,
        "single_rows_per_s": rows / single,
        "ratio": single / batched,
    }


def scenario_neo4j_synthetic(work: Path) -> dict[str, Any]:
    nodes, links = write_synthetic(work)
    with neo4j_store() as store:
        t = time.perf_counter()
        load_files(store, [nodes, links])
        load_s = time.perf_counter() - t
        stats = store.stats(None)
    assert stats.links == {"borders": LINKS}, stats
    return {"load_s": load_s, "rows_per_s": (NODES + LINKS) / load_s, "peak_mib": peak_mib()}


RELEASES = 1_000_000
OCDS_MEMORY_LIMIT_MIB = 500


def ocds_file(work: Path) -> Path:
    return write_releases(work / "releases.jsonl", RELEASES)


def scenario_ocds_parse(work: Path) -> dict[str, Any]:
    """Parsing and resolving alone (no store write), against decoding the lines with orjson."""
    path = ocds_file(work)
    t = time.perf_counter()
    with path.open("rb") as f:
        floor_count = sum(1 for line in f if orjson.loads(line))
    floor = time.perf_counter() - t
    with NetworkXStore(work / "store") as store:
        load_bundled(store)
        resolver = Resolver.build(
            store.iter_nodes(), read_variants(names_file()), kinds=PARTNER_KINDS
        )
    context = ParseContext("bench", "2026", lambda: resolver, contracts=False)
    t = time.perf_counter()
    counted = taken = 0
    for item in FORMATS["ocds"](path, context):
        if isinstance(item, Row) and item.counted:
            taken += 1
        counted += isinstance(item, Skip) or (isinstance(item, Row) and item.counted)
    ours = time.perf_counter() - t
    assert counted == floor_count == RELEASES, (counted, floor_count)
    return {
        "releases": RELEASES,
        "parse_s": ours,
        "releases_per_s": RELEASES / ours,
        "floor_s": floor,
        "floor_per_s": RELEASES / floor,
        "ratio": ours / floor,
        "resolved_share": taken / RELEASES,
        "file_mib": path.stat().st_size / 2**20,
        "peak_mib": peak_mib(),
    }


def _ocds_load(work: Path, store: NetworkXStore | Neo4jStore) -> dict[str, Any]:
    path = ocds_file(work)
    load_bundled(store)
    t = time.perf_counter()
    report = load_files(store, [path], contracts=False)  # the partnership evidence
    load_s = time.perf_counter() - t
    f = report.files[0]
    assert f.rows_read == RELEASES, f.rows_read
    peak = peak_mib()
    return {
        "releases": RELEASES,
        "load_s": load_s,
        "releases_per_s": RELEASES / load_s,
        "taken": f.rows_taken,
        "nodes_created": f.nodes["created"],
        "links_created": f.links["created"],
        "peak_mib": peak,
        "under_limit": peak < OCDS_MEMORY_LIMIT_MIB,
    }


def scenario_ocds_embedded(work: Path) -> dict[str, Any]:
    with NetworkXStore(work / "store") as store:
        return _ocds_load(work, store)


def scenario_neo4j_ocds(work: Path) -> dict[str, Any]:
    with neo4j_store() as store:
        return _ocds_load(work, store)


API_READS = {
    "/nodes?q=leeds": "search",
    "/nodes/E08000035": "one node",
    "/nodes/E08000035/partnerships": "partnerships",
    "/nodes/E08000035/recommendations": "recommendations",
    "/buying-organisations": "buying organisations",
    "/clusters": "clusters",
    "/candidates": "candidates",
    "/path?from=E08000035&to=S12000036": "path",
}
API_SAMPLES = 200
API_CLIENTS = 20
API_SECONDS = 10


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    return serve(env, 8765 if env.get("PARTNERMAP_STORE") == "embedded" else 8766)


def _latencies(url: str) -> dict[str, Any]:
    """Per endpoint: p50 and p99 of API_SAMPLES sequential requests (after one warm-up, which
    fills the cache), then API_CLIENTS concurrent clients on the mix for API_SECONDS."""
    out: dict[str, Any] = {}
    with httpx.Client(base_url=url, timeout=60) as http:
        for path, label in API_READS.items():
            assert http.get(path).status_code == 200, path
            times = []
            for _ in range(API_SAMPLES):
                t = time.perf_counter()
                response = http.get(path)
                times.append(time.perf_counter() - t)
                assert response.status_code == 200
            times.sort()
            out[label] = {
                "p50_ms": 1000 * times[len(times) // 2],
                "p99_ms": 1000 * times[int(len(times) * 0.99) - 1],
            }

    async def client(number: int, until: float, counts: list[int]) -> None:
        paths = list(API_READS)
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            i = number
            while time.monotonic() < until:
                response = await http.get(paths[i % len(paths)])
                counts[response.status_code == 200] += 1
                i += 1

    async def run() -> list[int]:
        counts = [0, 0]
        until = time.monotonic() + API_SECONDS
        await asyncio.gather(*(client(n, until, counts) for n in range(API_CLIENTS)))
        return counts

    errors, ok = asyncio.run(run())
    out["mix"] = {"requests_per_s": ok / API_SECONDS, "errors": errors}
    return out


def scenario_api_embedded(work: Path) -> dict[str, Any]:
    with NetworkXStore(work / "store") as store:
        load_bundled(store)
    server, url = _serve({"PARTNERMAP_HOME": str(work / "store"), "PARTNERMAP_STORE": "embedded"})
    try:
        return _latencies(url)
    finally:
        server.terminate()
        server.wait(timeout=30)


def scenario_neo4j_api(work: Path) -> dict[str, Any]:
    with neo4j_store() as store:
        load_bundled(store)
    env = {
        "PARTNERMAP_STORE": "neo4j",
        "NEO4J_URI": NEO4J_URI,
        "NEO4J_USERNAME": NEO4J_AUTH[0],
        "NEO4J_PASSWORD": NEO4J_AUTH[1],
    }
    server, url = _serve(env)
    try:
        return _latencies(url)
    finally:
        server.terminate()
        server.wait(timeout=30)


READ_RUNS = 21


def _median_ms(call: Any, runs: int = READ_RUNS) -> float:
    call()  # the first call plans the statements (Neo4j) and fills caches
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2] * 1000


def _reads(store: NetworkXStore | Neo4jStore) -> dict[str, Any]:
    """Median time of each read of part of the graph, and of the same answer from the whole
    graph (``store.graph(today)`` then the pure function) on the same store."""
    today = date.today()
    spec = analysis.ANALYSES["recommend"]
    leeds = spec.arguments({"node": "E08000035"})
    reads = {
        "graph(today), the whole graph": lambda: store.graph(today),
        "stats(today)": lambda: store.stats(today),
        "sources(today)": lambda: store.sources(today),
        "search_rows(today)": lambda: store.search_rows(today),
        "neighbourhood(Leeds, 1 hop)": lambda: store.neighbourhood(["E08000035"], 1, today),
        "neighbourhood(Leeds, 2 hops)": lambda: store.neighbourhood(["E08000035"], 2, today),
        "neighbourhood(Leeds, 3 hops)": lambda: store.neighbourhood(["E08000035"], 3, today),
        "recommend Leeds: recommend_graph + recommend": lambda: spec.compute(
            spec.fetch(store, today, leeds), leeds
        ),
        "recommend Leeds: graph(today) + recommend": lambda: spec.compute(
            store.graph(today), leeds
        ),
        "partnerships Leeds: partnerships_graph + partnerships": lambda: queries.partnerships(
            queries.partnerships_graph(store, "E08000035", today), "E08000035"
        ),
        "partnerships Leeds: graph(today) + partnerships": lambda: queries.partnerships(
            store.graph(today), "E08000035"
        ),
    }
    out: dict[str, Any] = {name: _median_ms(call) for name, call in reads.items()}
    sizes = spec.fetch(store, today, leeds)
    out["recommend_graph_nodes"] = sizes.number_of_nodes()
    return out


def scenario_reads_embedded(work: Path) -> dict[str, Any]:
    with NetworkXStore(work / "store") as store:
        load_bundled(store)
        out = _reads(store)
        rows = store.search_rows(date.today())
    variants: dict[str, list[str]] = {}
    for name, node in read_variants(names_file()):
        variants.setdefault(node, []).append(name)
    for q in ("leeds city council", "East Kent Services", "Lancashre"):
        out[f"search {q!r}"] = _median_ms(lambda q=q: search(rows, variants, q=q))
    out["search index, once per rows and variants"] = _median_ms(
        lambda: search(list(rows), {k: list(v) for k, v in variants.items()}, q="leeds")
    )
    return out


def scenario_neo4j_reads(work: Path) -> dict[str, Any]:
    with neo4j_store() as store:
        load_bundled(store)
        return _reads(store)


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _time_to_draw(path: Path, runs: int = 3) -> float:
    """Median seconds from navigation to vis-network's first drawing, in headless Chromium."""
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1200, "height": 1000})
            t = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function("window.partnermap && window.partnermap.drawn", timeout=120_000)
            times.append(time.perf_counter() - t)
            page.close()
        browser.close()
    return sorted(times)[len(times) // 2]


def scenario_maps(work: Path) -> dict[str, Any]:
    """The whole UK map and a synthetic 5,000-node map: file size, time to render the file, and
    time until drawn in headless Chromium."""
    with NetworkXStore(work / "store") as store:
        load_bundled(store)
        G = store.graph(date.today())
    out: dict[str, Any] = {}
    rng = random.Random(1)
    S: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for i in range(5000):
        S.add_node(
            f"E06{i:06d}",
            kind="council",
            name=f"Council {i}",
            lat=rng.uniform(50.0, 58.5),
            lon=rng.uniform(-5.5, 1.7),
        )
    ids = list(S)
    for _ in range(15_000):
        a, b = rng.sample(ids, 2)
        S.add_edge(min(a, b), max(a, b), key="borders")
    for name, graph in (("uk", G), ("synthetic_5000", S)):
        options = MapOptions()
        t = time.perf_counter()
        H = select(graph, options)
        groups = analysis_groups(graph) if name == "uk" else {}
        html = render(H, options, colourings=colourings(graph, H, groups))
        render_s = time.perf_counter() - t
        t = time.perf_counter()
        before = baseline.render(select(graph, options), options)
        before_s = time.perf_counter() - t
        path, old = work / f"{name}.html", work / f"{name}.before.html"
        path.write_text(html, encoding="utf-8")
        old.write_text(before, encoding="utf-8")
        out[name] = {
            "nodes": H.number_of_nodes(),
            "links": H.number_of_edges(),
            "file_kib": path.stat().st_size / 1024,
            "render_s": render_s,
            "drawn_s": _time_to_draw(path),
            "before": {"file_kib": old.stat().st_size / 1024, "render_s": before_s,
                       "drawn_s": _time_to_draw(old)},
        }  # fmt: skip
    out["peak_mib"] = peak_mib()
    return out


SCENARIOS = {
    "bundled": scenario_bundled,
    "synthetic": scenario_synthetic,
    "peer": scenario_peer,
    "neo4j_bundled": scenario_neo4j_bundled,
    "neo4j_rows": scenario_neo4j_rows,
    "neo4j_synthetic": scenario_neo4j_synthetic,
    "ocds_parse": scenario_ocds_parse,
    "ocds_embedded": scenario_ocds_embedded,
    "neo4j_ocds": scenario_neo4j_ocds,
    "analysis_bundled": scenario_analysis_bundled,
    "analysis_synthetic": scenario_analysis_synthetic,
    "api_embedded": scenario_api_embedded,
    "neo4j_api": scenario_neo4j_api,
    "reads_embedded": scenario_reads_embedded,
    "neo4j_reads": scenario_neo4j_reads,
    "maps": scenario_maps,
    "what_if": scenario_what_if,
    "contracts_cf": scenario_contracts_cf,
    "contracts_embedded": scenario_contracts_embedded,
    "neo4j_contracts": lambda work: scenario_contracts_neo4j(work, neo4j_store(), NEO4J_API_ENV),
    "api_synthetic": scenario_api_synthetic,
    "neo4j_api_synthetic": lambda work: _neo4j_api_synthetic(work, neo4j_store(), NEO4J_API_ENV),
}
NEO4J_API_ENV = {
    "PARTNERMAP_STORE": "neo4j",
    "NEO4J_URI": NEO4J_URI,
    "NEO4J_USERNAME": NEO4J_AUTH[0],
    "NEO4J_PASSWORD": NEO4J_AUTH[1],
}
NEO4J_ENV = {"NEO4J_RUN_DIR": str(HERE.parent / ".neo4j-bench"), "NEO4J_BOLT_PORT": "7688"}


def neo4j_server(command: str) -> None:
    subprocess.run(
        ["bash", str(HERE.parent / "scripts" / "neo4j-server.sh"), command],
        env={**os.environ, **NEO4J_ENV},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def run_child(name: str) -> dict[str, Any]:
    child = subprocess.run(
        [sys.executable, __file__, "--scenario", name], capture_output=True, text=True, check=False
    )
    if child.returncode != 0:
        sys.exit(f"bench scenario {name} failed:\n{child.stderr}")
    out = child.stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", choices=SCENARIOS, help="run one scenario, print JSON")
    parser.add_argument(
        "--report", action="store_true", help="only rewrite results.md from results.json"
    )
    parser.add_argument(
        "--only", help="comma-separated scenarios to run; the others keep their stored results"
    )
    args = parser.parse_args()
    if args.scenario:
        with tempfile.TemporaryDirectory() as work:
            print(json.dumps(SCENARIOS[args.scenario](Path(work))))
        return
    if args.report:
        write_report(json.loads((HERE / "results.json").read_text()))
        return
    wanted = args.only.split(",") if args.only else list(SCENARIOS)
    unknown = set(wanted) - set(SCENARIOS)
    if unknown:
        sys.exit(f"unknown scenarios: {', '.join(sorted(unknown))}; known: {', '.join(SCENARIOS)}")
    stored = HERE / "results.json"
    results = json.loads(stored.read_text()) if args.only and stored.exists() else {}
    results |= {name: run_child(name) for name in wanted if not name.startswith("neo4j")}
    if any(name.startswith("neo4j") for name in wanted):
        neo4j_server("up")  # a server of the bench's own (run dir .neo4j-bench, port 7688)
        try:
            results |= {name: run_child(name) for name in wanted if name.startswith("neo4j")}
        finally:
            neo4j_server("down")
    results["machine"] = machine()
    results["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    write_report(results)


def write_report(results: dict[str, Any]) -> None:
    b, s, p = results["bundled"], results["synthetic"], results["peer"]
    nb, nr, ns = results["neo4j_bundled"], results["neo4j_rows"], results["neo4j_synthetic"]
    table = f"""# Benchmark results

Written by `make bench` ({results["date"]}), on {results["machine"]}.

## Embedded store

| scenario | partnermap | peer | ratio | peak memory |
|---|---|---|---|---|
| bundled data: full load ({b["files"]} files, {b["rows"]:,} rows) | {b["load_s"]:.3f} s | csv.DictReader of the same files {b["csv_read_s"]:.3f} s | {b["ratio"]:.1f}x | {b["peak_mib"]:.0f} MiB |
| synthetic {NODES:,} nodes / {LINKS:,} links: load + save | {s["load_s"]:.1f} s | networkx + node_link_data JSON {p["load_s"]:.1f} s | {s["load_s"] / p["load_s"]:.2f}x | {s["peak_mib"]:.0f} MiB (peer {p["peak_mib"]:.0f} MiB) |
| synthetic: reopen from disk | {s["reopen_s"]:.1f} s | node_link_graph {p["reopen_s"]:.1f} s | {s["reopen_s"] / p["reopen_s"]:.2f}x | store file {s["file_mib"]:.0f} MiB |

The bundled ratio is what validation, change planning and an atomic write cost over merely
reading the CSV. The synthetic peer builds the same graph with NetworkX alone, without
validation, provenance or an atomic write.

## Neo4j 5.26 (local server, heap 1 GiB, page cache 512 MiB)

| scenario | result | baseline | ratio | Python peak memory |
|---|---|---|---|---|
| batched writes (UNWIND, one transaction) on a {nr["rows"]:,}-row sample, plans warm | {nr["batched_rows_per_s"]:,.0f} rows/s | one row per transaction {nr["single_rows_per_s"]:,.0f} rows/s | {nr["ratio"]:.0f}x faster | |
| bundled data: full load ({nb["rows"]:,} rows) into an empty database | cold {nb["load_s"]:.1f} s ({nb["rows_per_s"]:,.0f} rows/s), warm {nb["warm_s"]:.1f} s ({nb["warm_rows_per_s"]:,.0f} rows/s) | embedded store {b["load_s"]:.2f} s | warm {nb["warm_s"] / b["load_s"]:.0f}x the embedded time | {nb["peak_mib"]:.0f} MiB |
| synthetic {NODES:,} nodes / {LINKS:,} links: full load (parse, plan, staged write, swap) | {ns["load_s"]:.0f} s, {ns["rows_per_s"]:,.0f} rows/s | embedded store {s["load_s"]:.0f} s | {ns["load_s"] / s["load_s"]:.1f}x the embedded time | {ns["peak_mib"]:.0f} MiB |

"Cold" includes Neo4j planning each query shape the first time it sees it (about 0.3 s each
here); the server caches the plans, so later loads run warm.

A load this large is staged (more than `PARTNERMAP_NEO4J_TRANSACTION_ROWS` records): written
into a new generation in batches of their own transactions and swapped in at the end; as one
transaction it fails on a 1 GiB server (`dbms.memory.transaction.total.max` reached).
"""
    table += ocds_report(results) + analysis_report(results) + what_if_report(results)
    table += contracts_report(results) + contracts_synthetic_report(results)
    table += api_report(results)
    table += maps_report(results) + reads_report(results) + api_synthetic_report(results)
    (HERE / "results.md").write_text(table)
    print(table)


def reads_report(results: dict[str, Any]) -> str:
    if not {"reads_embedded", "neo4j_reads"} <= set(results):
        return ""
    e, n = results["reads_embedded"], results["neo4j_reads"]
    rows = "\n".join(
        f"| {name} | {e[name]:.1f} ms | {n[name]:.1f} ms |"
        for name in n
        if name != "recommend_graph_nodes"
    )
    searches = "\n".join(f"| {name} | {ms:.1f} ms |" for name, ms in e.items() if "search " in name)
    return f"""
## Store reads

The bundled graph; median of {READ_RUNS} calls after a first one, in the bench process (on
Neo4j each statement is one Bolt round trip to the local server). `recommend_graph` reads
{n["recommend_graph_nodes"]} nodes for Leeds, of the whole graph's 556.

| read | embedded | Neo4j |
|---|---|---|
{rows}

`graph.search.search` over the rows (pure Python, the same on both backends):

| search | time |
|---|---|
{searches}
"""


MAP_TARGETS = {"uk": (3 * 1024, 1.0), "synthetic_5000": (None, 1.8)}
"""(file KiB, seconds until drawn) each map must stay under; None: no size target."""


def maps_report(results: dict[str, Any]) -> str:
    if "maps" not in results:
        return ""
    m = results["maps"]
    lines = []
    for key, label in (("uk", "the whole UK network"), ("synthetic_5000", "synthetic")):
        r = m[key]
        size, drawn = MAP_TARGETS[key]
        met = (size is None or r["file_kib"] < size) and r["drawn_s"] < drawn
        target = (f"under {size / 1024:.0f} MB, " if size else "") + f"drawn within {drawn} s"
        if "before" in r:
            b = r["before"]
            lines.append(f"| {label}, before (no shapes, vis-network's names) | "
                         f"{r['nodes']:,} nodes, {r['links']:,} links | {b['file_kib']:,.0f} KiB | "
                         f"{b['render_s']:.2f} s | {b['drawn_s']:.2f} s | |")  # fmt: skip
        lines.append(f"| {label}, today | {r['nodes']:,} nodes, {r['links']:,} links | "
                     f"{r['file_kib']:,.0f} KiB | {r['render_s']:.2f} s | {r['drawn_s']:.2f} s | "
                     f"{target}: {'met' if met else 'NOT met'} |")  # fmt: skip
    rows = "\n".join(lines)
    return f"""
## Maps

Self-contained HTML (vis-network inlined, about 690 KiB of it), geographic layout, physics off.
"Today" draws every council's shape under the network, colours them (six measures, with the
cluster and candidate analyses run for the UK map) and draws the names itself; "before" is the
map as it was before that (``bench/baseline``), rendered from the same graph in the same run.
"Drawn" is the median of 3 loads in headless Chromium (Debian's), from navigation to the
first drawing (shapes, network and names). The synthetic map's 5,000 councils are random points
with no shapes.

| map | size | file | partnermap render | drawn in Chromium | target |
|---|---|---|---|---|---|
{rows}
"""


def api_report(results: dict[str, Any]) -> str:
    if not {"api_embedded", "neo4j_api"} <= set(results):
        return ""
    e, n = results["api_embedded"], results["neo4j_api"]
    rows = "\n".join(
        f"| {label} | {e[label]['p50_ms']:.1f} ms | {e[label]['p99_ms']:.1f} ms "
        f"| {n[label]['p50_ms']:.1f} ms | {n[label]['p99_ms']:.1f} ms |"
        for label in API_READS.values()
    )
    return f"""
## HTTP API

`partnermap serve` (one uvicorn worker) over the bundled data; a Python client (httpx) on the
same machine. Each endpoint: {API_SAMPLES} requests one after another after a first one that
fills the cache (the analyses are cached per data version), p50 and p99. Then {API_CLIENTS}
concurrent clients on the mix of all of them for {API_SECONDS} s.

| endpoint | embedded p50 | embedded p99 | Neo4j p50 | Neo4j p99 |
|---|---|---|---|---|
{rows}
| **mix, {API_CLIENTS} clients** | {e["mix"]["requests_per_s"]:,.0f} requests/s, {e["mix"]["errors"]} errors | | {n["mix"]["requests_per_s"]:,.0f} requests/s, {n["mix"]["errors"]} errors | |

On Neo4j every request asks the server for the data version (one round trip) before it uses
the cached graph; a cached analysis costs that round trip and the JSON.
"""


def ocds_report(results: dict[str, Any]) -> str:
    if not {"ocds_parse", "ocds_embedded", "neo4j_ocds"} <= set(results):
        return ""
    op, oe, on = results["ocds_parse"], results["ocds_embedded"], results["neo4j_ocds"]
    limit = OCDS_MEMORY_LIMIT_MIB

    def verdict(r: dict[str, Any]) -> str:
        return "under" if r["peak_mib"] < limit else "OVER"

    return f"""
## Procurement notices (OCDS)

{op["releases"]:,} synthetic releases in JSON Lines ({op["file_mib"]:,.0f} MiB, made by
`bench/ocds_synthetic.py`, shaped like Contracts Finder's), of which
{op["resolved_share"]:.0%} name a buyer the resolver places. Loads go on top of the bundled graph.

| scenario | partnermap | baseline | ratio | peak memory (limit {limit} MiB) |
|---|---|---|---|---|
| parse and resolve only | {op["parse_s"]:.0f} s, {op["releases_per_s"]:,.0f} releases/s | orjson decoding the lines {op["floor_s"]:.1f} s ({op["floor_per_s"]:,.0f}/s) | {op["ratio"]:.1f}x | {op["peak_mib"]:.0f} MiB ({verdict(op)}) |
| full load, embedded store | {oe["load_s"]:.0f} s, {oe["releases_per_s"]:,.0f} releases/s | parse only {op["parse_s"]:.0f} s | {oe["load_s"] / op["parse_s"]:.2f}x | {oe["peak_mib"]:.0f} MiB ({verdict(oe)}) |
| full load, Neo4j | {on["load_s"]:.0f} s, {on["releases_per_s"]:,.0f} releases/s | parse only {op["parse_s"]:.0f} s | {on["load_s"] / op["parse_s"]:.2f}x | {on["peak_mib"]:.0f} MiB ({verdict(on)}) |

These rows measure the partnership evidence (`--no-contracts`: joint procurements and buying
organisation use); contracts are measured under Contracts below.
The full loads created {oe["nodes_created"]:,} nodes (joint procurements and public bodies) and
{oe["links_created"]:,} links on the embedded store ({on["links_created"]:,} on Neo4j). Peak
memory is the whole process's, the bundled graph and resolver included.
"""


if __name__ == "__main__":
    main()
