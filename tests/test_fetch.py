"""``partnermap fetch`` against a real HTTP server of the tests' own (``notice_server``) that
serves the real notices of ``tests/fixtures/ocds`` in each service's API shape and paging, and
misbehaves as the services do. Each fault test checks that the releases stored are the
releases served, each once, and the retries and waits the report counts.

The fixtures hold no Find a Tender notice: the Contracts Finder releases stand in for them,
served through Find a Tender's API (release packages, ``links.next`` cursors, 6-hour windows).
"""

from __future__ import annotations

import email.utils
import gzip
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import FIXTURES, run_cli
from filelock import FileLock
from notice_server import (
    CF_PATH,
    FTS_PATH,
    PROACTIS_PATH,
    NoticeServer,
    Request,
    dropped,
    invalid_number,
    releases_of,
    repeat_previous_page,
    running,
    status,
)

from graph import FetchFailed
from loaders.fetch import SERVICES, FetchReport, Politeness, fetch
from loaders.fetch.windows import parse_time
from loaders.fetched import MANIFEST, iter_fetched_releases, release_key

CF_FILE = FIXTURES / "ocds" / "contracts_finder_2025-01_to_03_releases.jsonl"
PCS_FILE = FIXTURES / "ocds" / "public_contracts_scotland_2019-03_to_04_releases.jsonl"
CF = releases_of(CF_FILE.read_bytes())
PCS = releases_of(PCS_FILE.read_bytes())
JANUARY = [r for r in CF if r["date"] < "2025-02"]
QUICK = Politeness(delay=0, rate_limit_wait=0.1, backoff=0.01, retries=3, timeout=10)
QUICK_ENV = {
    "PARTNERMAP_FETCH_DELAY": "0",
    "PARTNERMAP_FETCH_WAIT": "0.1",
    "PARTNERMAP_FETCH_BACKOFF": "0.01",
    "PARTNERMAP_FETCH_RETRIES": "3",
}


def pcs_notice_type(release: dict[str, Any]) -> int:
    """The server's own sorting of the Scottish notices into types: those in a framework or
    other related process as OJEU contract notices (2), the rest as site notices (102)."""
    return 2 if release.get("relatedProcesses") else 102


def fetch_from(
    server: NoticeServer, source: str, home: Path, start: str, end: str, **options: Any
) -> FetchReport:
    politeness = options.pop("politeness", QUICK)
    return fetch(
        SERVICES[source],
        home / "fetched" / source,
        start=parse_time(start),
        end=parse_time(end),
        base_url=server.url,
        politeness=politeness,
        **options,
    )


def stored(folder: Path) -> list[dict[str, Any]]:
    """The releases a load of the folder reads."""
    return [release for _, release in iter_fetched_releases(folder)]


def assert_stored_as_served(folder: Path, served: list[dict[str, Any]]) -> None:
    """None lost, none twice, each as served: in the folder as a load reads it, and in each
    window's file."""
    got = stored(folder)
    counts = Counter(release_key(r) for r in got)
    assert [k for k, n in counts.items() if n > 1] == []
    assert set(counts) == {release_key(r) for r in served}
    by_key = {release_key(r): r for r in served}
    assert all(r == by_key[release_key(r)] for r in got)
    for window in json.loads((folder / MANIFEST).read_text())["windows"]:
        lines = releases_of(gzip.decompress((folder / window["file"]).read_bytes()))
        assert len(lines) == len({release_key(r) for r in lines}) == window["releases"]


# --- each service's API, paging and windows ------------------------------------------------


def test_find_a_tender_windows_and_cursor_paging(tmp_path: Path) -> None:
    with running(NoticeServer(CF, page_size=10)) as server:
        report = fetch_from(server, "find-a-tender", tmp_path, "2025-01-23", "2025-02-01")
    folder = tmp_path / "fetched" / "find-a-tender"
    assert_stored_as_served(folder, JANUARY)
    assert len(report.windows) == 9 * 4  # 6 hours each
    first = server.requests(FTS_PATH)[0]
    assert first.params == {
        "updatedFrom": "2025-01-23T00:00:00",
        "updatedTo": "2025-01-23T06:00:00",
        "limit": "100",
    }
    paged = [r for r in server.requests(FTS_PATH) if "cursor" in r.params]
    assert paged and report.totals()["pages"] == len(server.requests(FTS_PATH))
    assert report.totals()["releases"] == len(JANUARY) and report.totals()["retries"] == 0


def test_contracts_finder_half_months_and_iso_8859_1(tmp_path: Path) -> None:
    with running(NoticeServer(CF, page_size=10)) as server:
        report = fetch_from(server, "contracts-finder", tmp_path, "2025-01-16", "2025-03-16")
    folder = tmp_path / "fetched" / "contracts-finder"
    assert_stored_as_served(folder, CF)  # every character as served, read as ISO-8859-1
    assert [(w.start, w.end) for w in report.windows] == [
        ("2025-01-16T00:00:00Z", "2025-02-01T00:00:00Z"),
        ("2025-02-01T00:00:00Z", "2025-02-16T00:00:00Z"),
        ("2025-02-16T00:00:00Z", "2025-03-01T00:00:00Z"),
        ("2025-03-01T00:00:00Z", "2025-03-16T00:00:00Z"),
    ]
    assert [w.pages for w in report.windows] == [10, 1, 1, 10]
    body = gzip.decompress((folder / report.windows[0].file).read_bytes())
    assert "\u20ac" in body.decode()  # a euro sign, served as \\u20ac in ISO-8859-1 text
    assert {frozenset(r.params) - {"cursor"} for r in server.requests(CF_PATH)} == {
        frozenset({"publishedFrom", "publishedTo", "limit"})
    }


@pytest.mark.parametrize(
    ("source", "types"),
    [
        ("public-contracts-scotland", {*range(1, 8), *range(12, 16), *range(20, 26), 101, 102, 103, 104}),
        ("sell2wales", {*range(1, 8), *range(12, 16), *range(20, 26), *range(51, 57)}),
    ],
)
def test_proactis_one_request_per_month_and_notice_type(
    tmp_path: Path, source: str, types: set[int]
) -> None:
    with running(NoticeServer(PCS, notice_type=pcs_notice_type)) as server:
        report = fetch_from(server, source, tmp_path, "2019-03-01", "2019-05-01")
    asked = server.requests(PROACTIS_PATH)
    assert len(asked) == 2 * len(types)
    for month in ("03-2019", "04-2019"):
        got = {int(r.params["noticeType"]) for r in asked if r.params["dateFrom"] == month}
        assert got == types
    assert {r.params["outputType"] for r in asked} == {"0"}
    assert [w.requests for w in report.windows] == [len(types), len(types)]
    served = PCS if source == "public-contracts-scotland" else [r for r in PCS if r.get("relatedProcesses")]
    assert_stored_as_served(tmp_path / "fetched" / source, served)
