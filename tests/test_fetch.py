"""``partnermap fetch``'s fetcher against a real HTTP server of the tests' own
(``notice_server``) that serves the real notices of ``tests/fixtures/ocds`` in each service's
API shape and paging, and misbehaves as the services do. Each fault test checks that the
releases stored are the releases served, each once, and the retries and waits the report
counts. (The command line, kill -9 and --load: ``test_fetch_cli.py``.)

The fixtures hold no Find a Tender notice: the Contracts Finder releases stand in for them,
served through Find a Tender's API (release packages, ``links.next`` cursors, 6-hour windows).
"""

from __future__ import annotations

import email.utils
import gzip
import json
import time
from pathlib import Path

import pytest
from fetching import (
    CF,
    JANUARY,
    PCS,
    assert_stored_as_served,
    cf_page,
    fetch_cf,
    fetch_from,
    gap_after,
    pcs_notice_type,
    stored,
)
from notice_server import (
    CF_PATH,
    FTS_PATH,
    PROACTIS_PATH,
    NoticeServer,
    dropped,
    invalid_number,
    repeat_previous_page,
    running,
    status,
)

from graph import FetchFailed
from loaders.fetched import release_key

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
