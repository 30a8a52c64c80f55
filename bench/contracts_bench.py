"""The contract benchmarks of ``make bench`` (``bench/run.py`` runs them and writes the report).

- contracts_cf: a year of Contracts Finder's own CSV export (the 2022 awards, 50 daily files
  beside the repository, ``PARTNERMAP_SHARED_DATA``) loaded on top of the bundled graph into
  the embedded store, against reading the same files with the csv module alone; then one
  council's opportunities and a county's expiry calendar, read from the store as the API reads
  them, each the median of ``RUNS``.
"""

from __future__ import annotations

import csv
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from measure import peak_mib

from graph import NetworkXStore
from graph.analysis import ANALYSES
from graph.what_if import calendar
from loaders import load_bundled, load_files

REPO = Path(__file__).resolve().parents[1]
RUNS = 21
COUNCIL, COUNTY, DAY = "E07000064", "E10000011", date(2022, 12, 1)
"""Rother's opportunities and East Sussex's calendar, on the day the year's awards were live."""


def export_files() -> list[Path]:
    shared = Path(os.environ.get("PARTNERMAP_SHARED_DATA", REPO.parent / "shared" / "data"))
    return sorted((shared / "contracts_finder_csv").glob("[0-9]*.csv"))


def _median_ms(call: Any) -> float:
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def scenario_contracts_cf(work: Path) -> dict[str, Any]:
    files = export_files()
    if not files:
        raise SystemExit("contracts_cf: no Contracts Finder export beside the repository")
    csv.field_size_limit(sys.maxsize)
    t = time.perf_counter()
    rows = 0
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows += sum(1 for _ in csv.DictReader(f))
    floor = time.perf_counter() - t
    with NetworkXStore(work / "store") as store:
        load_bundled(store)
        before = peak_mib()
        t = time.perf_counter()
        report = load_files(store, files)
        load_s = time.perf_counter() - t
        peak = peak_mib()
        contracts = store.stats(None).nodes.get("contract", 0)
        spec = ANALYSES["opportunities"]
        given = spec.arguments({"node": COUNCIL})
        found = spec.compute(spec.fetch(store, DAY, given), given)
        opportunities_ms = _median_ms(lambda: spec.compute(spec.fetch(store, DAY, given), given))
        county = calendar(store, area=COUNTY, at=DAY)
        calendar_ms = _median_ms(lambda: calendar(store, area=COUNTY, at=DAY))
    return {
        "files": len(files),
        "rows": rows,
        "taken": sum(f.rows_taken for f in report.files),
        "contracts": contracts,
        "load_s": load_s,
        "rows_per_s": rows / load_s,
        "floor_s": floor,
        "ratio": load_s / floor,
        "peak_mib": peak,
        "bundled_peak_mib": before,
        "opportunities_ms": opportunities_ms,
        "opportunities": len(found["opportunities"]),
        "calendar_ms": calendar_ms,
        "calendar_contracts": county["contracts"],
    }


def contracts_report(results: dict[str, Any]) -> str:
    if "contracts_cf" not in results:
        return ""
    c = results["contracts_cf"]
    return f"""
## Contracts

A year of Contracts Finder's CSV export ({c["files"]} daily files of 2022 awards, {c["rows"]:,}
rows), loaded on top of the bundled graph into the embedded store: {c["taken"]:,} rows taken (the
others are not awards of a council or known public body, or repeat a row), {c["contracts"]:,}
contracts.

| what | partnermap | baseline | ratio | peak memory |
|---|---|---|---|---|
| load the year, all or nothing | {c["load_s"]:.1f} s, {c["rows_per_s"]:,.0f} rows/s | reading the files with `csv.DictReader` {c["floor_s"]:.1f} s | {c["ratio"]:.1f}x | {c["peak_mib"]:.0f} MiB (bundled graph alone {c["bundled_peak_mib"]:.0f} MiB) |
| Rother's opportunities as at {DAY} (read around it, median of {RUNS}) | {c["opportunities_ms"]:.0f} ms, {c["opportunities"]} bodies | | | |
| East Sussex's expiry calendar (its councils' contracts, median of {RUNS}) | {c["calendar_ms"]:.0f} ms, {c["calendar_contracts"]} contracts | | | |
"""
