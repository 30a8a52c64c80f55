"""What the fetch tests share: the real notices, quick politeness, fetching from the tests'
notice server, and the check that what was stored is what was served."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

from conftest import FIXTURES, PARTNERMAP
from notice_server import CF_PATH, NoticeServer, releases_of

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
        base_url=options.pop("base_url", server.url),
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


def cf_page(offset: int, window: str = "2025-01-16") -> Any:
    """Matches the request for one page (by offset) of a Contracts Finder window."""
    return lambda r: (
        r.path == CF_PATH and r.params["publishedFrom"].startswith(window) and r.offset == offset
    )


def fetch_cf(server: NoticeServer, home: Path, **options: Any) -> FetchReport:
    return fetch_from(server, "contracts-finder", home, "2025-01-16", "2025-03-16", **options)


def gap_after(server: NoticeServer, refused: int) -> float:
    """Seconds between the refused request and the one after it."""
    log = server.requests()
    index = next(i for i, r in enumerate(log) if r.status == refused)
    return log[index + 1].at - log[index].at


CF_SPAN = ("--from", "2025-01-16", "--to", "2025-03-16")


def cli_env(server: NoticeServer, **more: str) -> dict[str, str]:
    return {**QUICK_ENV, "PARTNERMAP_CONTRACTS_FINDER_URL": server.url, **more}


def start_fetch(home: Path, env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(PARTNERMAP), "fetch", "contracts-finder", *CF_SPAN, *args],
        env={**os.environ, "PARTNERMAP_HOME": str(home), "PARTNERMAP_STORE": "embedded", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
