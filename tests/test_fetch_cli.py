"""``partnermap fetch`` run as a user runs it, against the tests' notice server: killed with
SIGKILL and run again, ``--load`` against loading the file, ``--since-last`` and
``--refetch``, the text report, a changed window refused by ``load``, the lock, and the
progress bar on a terminal."""

from __future__ import annotations

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
import sys
import termios
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import PARTNERMAP, Neo4jServer, copied_store, run_cli
from fetching import (
    CF,
    CF_FILE,
    CF_SPAN,
    PCS,
    PCS_FILE,
    QUICK_ENV,
    assert_stored_as_served,
    cf_page,
    cli_env,
    fetch_from,
    pcs_notice_type,
    start_fetch,
)
from filelock import FileLock
from notice_server import NoticeServer, hold, running, status

from graph import GraphStore, NetworkXStore, open_store
from loaders.fetched import MANIFEST

# --- the command line: resuming after kill -9, --load, --since-last, reports ----------------


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
    slow = lambda request, answer, previous: (time.sleep(0.06), answer)[1]  # noqa: E731
    with running(NoticeServer(CF, page_size=5)) as server:
        server.fault(lambda r: True, slow, times=10**6)
        kills = 0
        for _ in range(6):
            child = start_fetch(home, cli_env(server))
            time.sleep(chance.uniform(0.3, 1.2))
            if child.poll() is not None:
                child.communicate()
                break
            child.send_signal(signal.SIGKILL)
            child.communicate()
            kills += 1
        result = run_cli(home, "fetch", "contracts-finder", *CF_SPAN, "--json", env=cli_env(server))
    assert kills >= 3 and result.returncode == 0, result.stderr
    assert_stored_as_served(folder, CF)
    assert not list(folder.glob("*.part"))


def graph_evidence(home: Path | GraphStore) -> tuple[list[Any], list[Any]]:
    """The joint procurements, public bodies and the links notices give, without sources."""
    kinds = {"joint_procurement", "public_body"}
    with home if isinstance(home, GraphStore) else NetworkXStore(home) as store:
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


def test_help_lists_the_sources_and_imports_no_http_client(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "fetch", "--help")
    for source in ("find-a-tender", "contracts-finder", "public-contracts-scotland", "sell2wales"):
        assert source in result.stdout
    code = (
        "import sys; from api.cli.main import parser; parser().format_help(); "
        "import loaders.detect; print('httpx' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]


def test_fetch_then_load_into_neo4j(
    bundled_home: Path, tmp_path: Path, neo4j_server: Neo4jServer
) -> None:
    """``fetch --load`` with the Neo4j store: the window files go to the home, the graph to
    Neo4j, and Neo4j ends up with what loading the notice file into the embedded store gives."""
    direct = tmp_path / "direct"
    direct.mkdir()
    copied_store(bundled_home, direct)
    assert run_cli(direct, "load", str(CF_FILE)).returncode == 0
    neo4j_server.wipe()
    env = neo4j_server.env()
    assert run_cli(tmp_path, "load", env=env).returncode == 0
    with running(NoticeServer(CF, page_size=10)) as server:
        result = run_cli(
            tmp_path, "fetch", "contracts-finder", *CF_SPAN, "--load",
            env={**env, **QUICK_ENV, "PARTNERMAP_CONTRACTS_FINDER_URL": server.url},
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fetched" / "contracts-finder").is_dir()
    nodes, links = graph_evidence(open_store(neo4j_server.settings()))
    assert (nodes, links) == graph_evidence(direct)
    assert links
