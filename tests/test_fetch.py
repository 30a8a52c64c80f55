"""``partnermap fetch`` against a real HTTP server of the tests' own (``notice_server``) that
serves the real notices of ``tests/fixtures/ocds`` in each service's API shape and paging, and
misbehaves as the services do. Each fault test checks that the releases stored are the
releases served, each once, and the retries and waits the report counts.

The fixtures hold no Find a Tender notice: the Contracts Finder releases stand in for them,
served through Find a Tender's API (release packages, ``links.next`` cursors, 6-hour windows).
"""

from __future__ import annotations

import email.utils
import fcntl
import gzip
import json
import os
import pty
import random
import re
import signal
import struct
import subprocess
import termios
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, PARTNERMAP, copied_store, run_cli
from filelock import FileLock
from notice_server import (
    CF_PATH,
    FTS_PATH,
    PROACTIS_PATH,
    NoticeServer,
    dropped,
    hold,
    invalid_number,
    releases_of,
    repeat_previous_page,
    running,
    status,
)

from graph import FetchFailed, NetworkXStore
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
        (
            "public-contracts-scotland",
            {*range(1, 8), *range(12, 16), *range(20, 26), 101, 102, 103, 104},
        ),
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
    served = (
        PCS
        if source == "public-contracts-scotland"
        else [r for r in PCS if r.get("relatedProcesses")]
    )
    assert_stored_as_served(tmp_path / "fetched" / source, served)


# --- what a fetch must survive --------------------------------------------------------------


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


def test_429_waits_as_long_as_retry_after_says_in_seconds(tmp_path: Path) -> None:
    with running(NoticeServer(CF, page_size=10)) as server:
        server.fault(cf_page(30), status(429, **{"Retry-After": "1"}))
        report = fetch_cf(server, tmp_path)
    assert_stored_as_served(tmp_path / "fetched" / "contracts-finder", CF)
    totals = report.totals()
    assert (totals["waits"], totals["retries"], totals["waited_seconds"]) == (1, 0, 1.0)
    event = report.windows[0].events[0]
    assert event.reason == "429 Too Many Requests (Retry-After 1)" and "cursor=" in event.url
    assert gap_after(server, 429) >= 0.95


def test_429_retry_after_as_an_http_date(tmp_path: Path) -> None:
    with running(NoticeServer(CF, page_size=10)) as server:
        later = email.utils.formatdate(time.time() + 2, usegmt=True)
        server.fault(cf_page(0, "2025-03-01"), status(429, **{"Retry-After": later}))
        report = fetch_cf(server, tmp_path)
    assert_stored_as_served(tmp_path / "fetched" / "contracts-finder", CF)
    [event] = report.windows[3].events
    assert event.kind == "wait" and 0.9 <= event.seconds <= 2.0
    assert gap_after(server, 429) >= 0.9


def test_403_waits_the_services_own_time(tmp_path: Path) -> None:
    with running(NoticeServer(CF, page_size=10)) as server:
        server.fault(cf_page(50), status(403), times=2)
        report = fetch_cf(server, tmp_path)
    assert_stored_as_served(tmp_path / "fetched" / "contracts-finder", CF)
    events = report.windows[0].events
    assert [(e.kind, e.reason, e.seconds) for e in events] == [("wait", "403 Forbidden", 0.1)] * 2
    assert report.totals()["waits"] == 2 and gap_after(server, 403) >= 0.09


def test_503_is_retried_with_exponential_backoff(tmp_path: Path) -> None:
    with running(NoticeServer(CF, page_size=10)) as server:
        server.fault(cf_page(20), status(503), times=3)
        report = fetch_cf(server, tmp_path)
    assert_stored_as_served(tmp_path / "fetched" / "contracts-finder", CF)
    events = report.windows[0].events
    assert [(e.kind, e.seconds) for e in events] == [
        ("retry", 0.01),
        ("retry", 0.02),
        ("retry", 0.04),
    ]
    assert events[0].reason == "503 Service Unavailable"
    assert report.totals()["retries"] == 3 and report.totals()["waits"] == 0


def test_a_connection_dropped_mid_answer_is_retried(tmp_path: Path) -> None:
    with running(NoticeServer(CF, page_size=10)) as server:
        server.fault(cf_page(40), dropped, times=2)
        report = fetch_cf(server, tmp_path)
    assert_stored_as_served(tmp_path / "fetched" / "contracts-finder", CF)
    events = report.windows[0].events
    assert [e.kind for e in events] == ["retry", "retry"]
    assert all(e.reason.startswith("RemoteProtocolError") for e in events)


def test_a_service_that_keeps_failing_stops_the_fetch_naming_the_url(tmp_path: Path) -> None:
    folder = tmp_path / "fetched" / "contracts-finder"
    with running(NoticeServer(CF, page_size=10)) as server:
        server.fault(cf_page(0, "2025-03-01"), status(503), times=4)
        with pytest.raises(FetchFailed) as failed:
            fetch_cf(server, tmp_path)
        message = str(failed.value)
        assert "2025-03-01 to 2025-03-16" in message and "publishedFrom=2025-03-01" in message
        assert "failed 4 times (last: 503 Service Unavailable)" in message
        assert "run the same command again" in message and "3 windows" in message
        assert not list(folder.glob("*.part"))  # the window it was on left nothing behind
        before = len(server.requests())
        again = fetch_cf(server, tmp_path)  # the service is back: resumes
    assert [w.status for w in again.windows] == ["already fetched"] * 3 + ["fetched"]
    assert len(server.requests()) - before == 10  # only the last window's pages
    assert_stored_as_served(folder, CF)


def test_an_answer_that_is_not_found_stops_at_once(tmp_path: Path) -> None:
    with running(NoticeServer(CF)) as server, pytest.raises(FetchFailed) as failed:
        fetch_cf(server, tmp_path, base_url=server.url + "/elsewhere")
    assert "/elsewhere/Published/Notices/OCDS/Search?" in str(failed.value)
    assert "answered 404 Not Found" in str(failed.value) and "--base-url" in str(failed.value)
    assert len(server.requests()) == 1  # not retried


@pytest.mark.parametrize("token", [b"1e9999", b"NaN", b"-Infinity"])
def test_invalid_json_numbers_are_repaired(tmp_path: Path, token: bytes) -> None:
    with running(NoticeServer(CF, page_size=10)) as server:
        server.fault(cf_page(10), invalid_number(token))
        report = fetch_cf(server, tmp_path)
    served_page = CF[10:20]
    spoiled = next(r for r in served_page if '"amount"' in json.dumps(r))
    got = {release_key(r): r for r in stored(tmp_path / "fetched" / "contracts-finder")}
    assert report.windows[0].repaired_numbers == 1 and report.totals()["retries"] == 0
    amounts = json.dumps(got[release_key(spoiled)])
    assert '"amount": null' in amounts
    assert set(got) == {release_key(r) for r in CF}


def test_a_repeated_page_is_asked_for_again(tmp_path: Path) -> None:
    with running(NoticeServer(CF, page_size=10)) as server:
        server.fault(cf_page(30), repeat_previous_page, times=2)
        report = fetch_cf(server, tmp_path)
    assert_stored_as_served(tmp_path / "fetched" / "contracts-finder", CF)
    window = report.windows[0]
    assert (window.repeated_pages, window.pages, window.warnings) == (2, 12, [])
    assert len([r for r in server.requests() if cf_page(30)(r)]) == 3


def test_a_looping_cursor_is_stopped_and_reported(tmp_path: Path) -> None:
    with running(NoticeServer(CF, page_size=10)) as server:
        server.loop_last_page = True
        report = fetch_cf(server, tmp_path)
    assert_stored_as_served(tmp_path / "fetched" / "contracts-finder", CF)
    first = report.windows[0]
    [warning] = first.warnings
    assert "the cursor loops, stopped there" in warning
    assert first.pages == 10 + 1  # the last page's link back to the first is read once
    assert report.totals()["warnings"] == 2  # both windows with several pages


def test_the_same_release_in_two_windows_is_loaded_once(tmp_path: Path) -> None:
    updated = CF[5]
    with running(NoticeServer(CF, page_size=10)) as server:
        server.serve_also(updated, "2025-03-02T10:00:00Z")
        report = fetch_cf(server, tmp_path)
    folder = tmp_path / "fetched" / "contracts-finder"
    assert [w.releases for w in report.windows] == [100, 0, 0, 101]
    assert_stored_as_served(folder, CF)  # each once, as a load reads the folder


# --- the command line: resuming after kill -9, --load, --since-last, reports ----------------

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


def test_a_fetch_killed_midway_resumes_losing_and_repeating_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = home / "fetched" / "contracts-finder"
    go_on, reached = threading.Event(), threading.Event()
    with running(NoticeServer(CF, page_size=10)) as server:
        server.fault(cf_page(30, "2025-03-01"), hold(go_on, reached))
        child = start_fetch(home, cli_env(server))
        assert reached.wait(60), child.communicate()
        assert [p.name for p in folder.glob("*.part")] == [
            "2025-03-01T000000_2025-03-16T000000.jsonl.gz.part"
        ]
        child.send_signal(signal.SIGKILL)
        child.communicate()
        go_on.set()
        before = len(server.requests())
        result = run_cli(home, "fetch", "contracts-finder", *CF_SPAN, "--json", env=cli_env(server))
        asked = server.requests()[before:]
    assert child.returncode == -signal.SIGKILL
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)["fetch"]
    assert [w["status"] for w in report["windows"]] == ["already fetched"] * 3 + ["fetched"]
    assert {r.params["publishedFrom"] for r in asked} == {"2025-03-01T00:00:00"}
    assert len(asked) == 10 and report["totals"]["releases"] == 100
    assert_stored_as_served(folder, CF)
    assert not list(folder.glob("*.part"))


def test_killed_at_random_moments_it_still_ends_with_every_release_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = home / "fetched" / "contracts-finder"
    chance = random.Random(14)
    slow = lambda request, answer, previous: (time.sleep(0.02), answer)[1]  # noqa: E731
    with running(NoticeServer(CF, page_size=5)) as server:
        server.fault(lambda r: True, slow, times=10**6)
        kills = 0
        for _ in range(6):
            child = start_fetch(home, cli_env(server))
            time.sleep(chance.uniform(0.3, 1.2))
            if child.poll() is not None:
                break
            child.send_signal(signal.SIGKILL)
            child.communicate()
            kills += 1
        result = run_cli(home, "fetch", "contracts-finder", *CF_SPAN, "--json", env=cli_env(server))
    assert kills >= 3 and result.returncode == 0, result.stderr
    assert_stored_as_served(folder, CF)
    assert not list(folder.glob("*.part"))


def graph_evidence(home: Path) -> tuple[list[Any], list[Any]]:
    """The joint procurements, public bodies and the links notices give, without sources."""
    kinds = {"joint_procurement", "public_body"}
    with NetworkXStore(home) as store:
        nodes = sorted(
            (n.id, n.name, sorted(n.attrs.items()), n.valid_from)
            for n in store.iter_nodes()
            if n.kind in kinds
        )
        links = sorted(
            (k.from_id, k.kind, k.to_id, k.role, sorted(k.attrs.items()), k.valid_from)
            for k in store.iter_links()
            if k.kind in {"participates_in", "buys_through"}
        )
    return nodes, links


@pytest.mark.parametrize(
    ("source", "fixture", "span", "setting"),
    [
        ("contracts-finder", CF_FILE, CF_SPAN, "PARTNERMAP_CONTRACTS_FINDER_URL"),
        (
            "public-contracts-scotland",
            PCS_FILE,
            ("--from", "2019-03-01", "--to", "2019-05-01"),
            "PARTNERMAP_PUBLIC_CONTRACTS_SCOTLAND_URL",
        ),
    ],
)
def test_fetch_then_load_gives_what_loading_the_file_gives(
    bundled_home: Path,
    tmp_path: Path,
    source: str,
    fixture: Path,
    span: tuple[str, ...],
    setting: str,
) -> None:
    direct, fetched = tmp_path / "direct", tmp_path / "fetched"
    direct.mkdir(), fetched.mkdir()
    copied_store(bundled_home, direct), copied_store(bundled_home, fetched)
    assert run_cli(direct, "load", str(fixture)).returncode == 0
    releases = CF if source == "contracts-finder" else PCS
    with running(NoticeServer(releases, page_size=10, notice_type=pcs_notice_type)) as server:
        server.serve_also(releases[3], releases[-1]["date"])  # in another window too
        result = run_cli(
            fetched, "fetch", source, *span, "--load", env={**QUICK_ENV, setting: server.url}
        )
    assert result.returncode == 0, result.stderr
    assert f"{fetched / 'fetched' / source} (ocds)" in result.stdout
    assert f"rows: {len(releases)} read" in result.stdout  # the release in two windows once
    nodes, links = graph_evidence(fetched)
    assert (nodes, links) == graph_evidence(direct)
    assert links, "the notices give links"
    again = run_cli(fetched, "load", str(fetched / "fetched" / source), "--json")
    files = json.loads(again.stdout)["files"]
    assert files[0]["links"]["created"] == files[0]["links"]["updated"] == 0  # exactly again


def test_since_last_and_refetch(tmp_path: Path) -> None:
    folder = tmp_path / "fetched" / "contracts-finder"
    with running(NoticeServer(CF, page_size=10)) as server:
        none_yet = run_cli(
            tmp_path, "fetch", "contracts-finder", "--since-last", env=cli_env(server)
        )
        first = fetch_from(server, "contracts-finder", tmp_path, "2025-01-16", "2025-02-16")
        before = len(server.requests())
        later = run_cli(
            tmp_path,
            "fetch",
            "contracts-finder",
            "--since-last",
            "--to",
            "2025-03-16",
            "--json",
            env=cli_env(server),
        )
        asked = server.requests()[before:]
        sha = json.loads((folder / MANIFEST).read_text())["windows"][-1]["sha256"]
        refetched = fetch_from(
            server, "contracts-finder", tmp_path, "2025-03-01", "2025-03-16", refetch=True
        )
    assert none_yet.returncode == 2 and "give --from DATE" in none_yet.stderr
    assert [w.status for w in first.windows] == ["fetched", "fetched"]
    windows = json.loads(later.stdout)["fetch"]["windows"]
    assert [(w["start"], w["status"]) for w in windows] == [
        ("2025-02-16T00:00:00Z", "fetched"),
        ("2025-03-01T00:00:00Z", "fetched"),
    ]
    assert {r.params["publishedFrom"][:10] for r in asked} == {"2025-02-16", "2025-03-01"}
    [again] = refetched.windows
    assert (again.status, again.releases) == ("fetched again", 100)
    assert json.loads((folder / MANIFEST).read_text())["windows"][-1]["sha256"] == sha
    assert_stored_as_served(folder, CF)


def test_the_text_report(tmp_path: Path) -> None:
    with running(NoticeServer(CF, page_size=10)) as server:
        server.fault(cf_page(20), status(503))
        server.fault(cf_page(40), status(429, **{"Retry-After": "0"}))
        result = run_cli(tmp_path, "fetch", "contracts-finder", *CF_SPAN, env=cli_env(server))
    assert result.returncode == 0 and result.stderr == ""  # no bar through a pipe
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"contracts-finder from {server.url}, 2025-01-16T00:00:00Z to ")
    assert (
        "4 windows (4 fetched, 0 already fetched), 22 pages, 200 releases; 1 retries, 1 waits"
        in lines[0]
    )
    assert lines[1].split() == [
        "2025-01-16",
        "to",
        "2025-02-01",
        "fetched",
        "10",
        "pages",
        "100",
        "releases",
        "(1",
        "retries,",
        "1",
        "waits)",
    ]
    assert lines[2].startswith("    retry 0.0 s: 503 Service Unavailable (http://127.0.0.1")
    assert lines[3].startswith("    wait 0.0 s: 429 Too Many Requests (Retry-After 0)")
    assert lines[-1].startswith(f"stored in {tmp_path / 'fetched' / 'contracts-finder'}")


def test_a_load_refuses_a_window_file_changed_since_it_was_fetched(tmp_path: Path) -> None:
    with running(NoticeServer(CF, page_size=50)) as server:
        assert (
            run_cli(tmp_path, "fetch", "contracts-finder", *CF_SPAN, env=cli_env(server)).returncode
            == 0
        )
    folder = tmp_path / "fetched" / "contracts-finder"
    window = folder / "2025-03-01T000000_2025-03-16T000000.jsonl.gz"
    window.write_bytes(gzip.compress(gzip.decompress(window.read_bytes())[:-200]))
    result = run_cli(tmp_path, "load", str(folder))
    assert result.returncode == 1
    assert "changed since it was fetched (sha256 differs)" in result.stderr
    assert "--from 2025-03-01T00:00:00Z --to 2025-03-16T00:00:00Z --refetch" in result.stderr


def test_one_fetch_of_a_source_at_a_time(tmp_path: Path) -> None:
    folder = tmp_path / "fetched" / "contracts-finder"
    folder.mkdir(parents=True)
    with running(NoticeServer(CF)) as server, FileLock(folder / ".fetch.lock"):
        result = run_cli(tmp_path, "fetch", "contracts-finder", *CF_SPAN, env=cli_env(server))
    assert result.returncode == 1
    assert "another partnermap fetch of contracts-finder is running" in result.stderr
    assert server.requests() == []


def test_progress_bar_with_the_wait_and_its_reason_on_a_terminal(tmp_path: Path) -> None:
    with running(NoticeServer(CF, page_size=10)) as server:
        server.fault(cf_page(20), status(429, **{"Retry-After": "3"}))
        env = {**os.environ, "PARTNERMAP_HOME": str(tmp_path), **cli_env(server)}
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 150, 0, 0))
        with subprocess.Popen(
            [str(PARTNERMAP), "fetch", "contracts-finder", *CF_SPAN],
            stdout=subprocess.PIPE,
            stderr=follower,
            env=env,
        ) as child:
            os.close(follower)
            drawn = b""
            while True:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                drawn += chunk
            stdout = child.stdout.read() if child.stdout else b""
        os.close(leader)
    bar = drawn.decode("utf-8", "replace")
    assert child.returncode == 0, bar
    assert "contracts-finder:" in bar and "window" in bar
    assert "waiting 2 s, rate limit: 429 Too Many Requests (Retry-After 3)" in bar
    assert re.search(
        r"\| [0-4]/4 windows \[00:0\d\], 2025-0[13]-\d\d to 2025-0[23]-\d\d: \d+ pages, \d+ releases",
        bar,
    )
    assert b"4 windows (4 fetched" in stdout and b"waiting" not in stdout
