"""Shared fixtures: real stores in temporary folders, real extracts of public data in
``tests/fixtures/`` (their provenance in ``tests/fixtures/SOURCES.md``)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import GraphDatabase

from graph import GraphStore, NetworkXStore, Settings, open_store
from loaders import load_bundled

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
UPSTREAM_VARIABLE = "PARTNERMAP_SHARED_DATA"
UPSTREAM_DEFAULT = REPO.parent / "shared" / "data"
"""Where the reference data the bundled files are compiled from sits in a working copy; only
the rebuild checks read it (``upstream_data``), and a guard stops every other test."""
PARTNERMAP = Path(sys.executable).with_name("partnermap")


@pytest.fixture(scope="session")
def upstream_data() -> Path:
    """The upstream reference data the bundled files are compiled from: the folder
    ``$PARTNERMAP_SHARED_DATA``, or ``UPSTREAM_DEFAULT`` beside the repository. Only the checks
    that the bundled files rebuild from it use it; a clone with nothing beside it skips that
    check (saying which folder it looked for), except under ``CI=true``, where it fails."""
    path = Path(os.environ.get(UPSTREAM_VARIABLE) or UPSTREAM_DEFAULT)
    if not (path / "SOURCES.md").is_file():
        message = (
            f"UPSTREAM REBUILD CHECK NOT RUN: the reference data folder {path} is not there "
            f"(set {UPSTREAM_VARIABLE} to the folder that holds ons/, reference/, adjacency/ ...)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


# --- Self-contained: no test reads the reference data beside the repository ----------------
#
# A clone has nothing beside it, so a test that reads the upstream data passes here
# and fails there. An audit hook sees every file this process opens and every command line it
# starts; a test that touches the upstream folder (other than the rebuild check, which asks for
# it through the ``upstream_data`` fixture) fails, naming the path.

UPSTREAM_FOLDERS = tuple(
    {
        str(UPSTREAM_DEFAULT.parent),
        os.path.abspath(os.environ.get(UPSTREAM_VARIABLE) or UPSTREAM_DEFAULT),  # noqa: PTH100
    }
)
_touched_upstream: list[str] = []


def upstream_path(value: object) -> str | None:
    """``value`` as an absolute path when it is a path into the upstream reference data."""
    if not isinstance(value, str | bytes | os.PathLike):
        return None
    path = os.path.abspath(os.fsdecode(value))  # noqa: PTH100 - no file-system calls in a hook
    inside = any(path == f or path.startswith(f + os.sep) for f in UPSTREAM_FOLDERS)
    return path if inside else None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "open":
        candidates: list[object] = [args[0]]
    elif event == "subprocess.Popen":
        candidates = [args[0], args[2], *(args[1] or ())]
    else:
        return
    for value in candidates:
        if (path := upstream_path(value)) is not None:
            _touched_upstream.append(path)


sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def _reads_only_the_repository(request: pytest.FixtureRequest) -> Iterator[None]:
    _touched_upstream.clear()
    yield
    if _touched_upstream and "upstream_data" not in request.fixturenames:
        pytest.fail(
            f"{request.node.nodeid} read {_touched_upstream[0]}, outside the repository: a clone "
            "with nothing beside it has no such file; copy a real extract into tests/fixtures/ "
            "and record it in tests/fixtures/SOURCES.md"
        )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store(home: Path) -> Iterator[NetworkXStore]:
    with NetworkXStore(home) as s:
        yield s


@pytest.fixture(scope="session")
def bundled_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the bundled data loaded once; tests copy it before changing it."""
    path = tmp_path_factory.mktemp("bundled") / "store"
    with NetworkXStore(path) as s:
        load_bundled(s)
    return path


@pytest.fixture
def loaded_home(bundled_home: Path, home: Path) -> Path:
    shutil.copytree(bundled_home, home)
    return home


@pytest.fixture
def loaded(loaded_home: Path) -> Iterator[NetworkXStore]:
    with NetworkXStore(loaded_home) as s:
        yield s


def run_cli(
    home: Path, *args: str, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed ``partnermap`` console script, in a real subprocess (embedded store unless
    ``env`` says otherwise)."""
    env = {
        **os.environ,
        "PARTNERMAP_HOME": str(home),
        "PARTNERMAP_STORE": "embedded",
        **(env or {}),
    }
    return subprocess.run(
        [str(PARTNERMAP), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    """A TCP port nothing listens on (now) on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serving(home: Path) -> Iterator[str]:
    """``partnermap serve`` on a free port over the embedded store in ``home``, as a real
    subprocess; yields its base URL once /health answers, and stops it afterwards."""
    port = free_port()
    env = {**os.environ, "PARTNERMAP_HOME": str(home), "PARTNERMAP_STORE": "embedded"}
    log = home / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(PARTNERMAP), "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/health", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the server did not answer in 30 s"
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def copied_store(bundled_home: Path, folder: Path) -> Path:
    """A copy of the bundled embedded store in ``folder``."""
    (folder / "graph.json").write_bytes((bundled_home / "graph.json").read_bytes())
    return folder


def snapshot(home: Path) -> bytes | None:
    """The store's file as bytes (``None`` when there is none), to prove it did not change."""
    path = home / "graph.json"
    return path.read_bytes() if path.exists() else None


# --- Neo4j: a real server, started by the project's own script ---------------------------

SERVER_SCRIPT = REPO / "scripts" / "neo4j-server.sh"
NO_NEO4J = (
    "NEO4J TESTS NOT RUN: NEO4J_URI is not set and java or mvn is missing, so no Neo4j server "
    "could be started (install Java 17 and Maven, or set NEO4J_URI)"
)


@dataclass
class Neo4jServer:
    uri: str
    username: str
    password: str
    managed: bool
    """True when the project's script runs this server, so tests may stop and start it."""

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "store": "neo4j",
            "neo4j_uri": self.uri,
            "neo4j_username": self.username,
            "neo4j_password": self.password,
            **overrides,
        }
        return Settings(**values)

    def env(self) -> dict[str, str]:
        return {
            "PARTNERMAP_STORE": "neo4j",
            "NEO4J_URI": self.uri,
            "NEO4J_USERNAME": self.username,
            "NEO4J_PASSWORD": self.password,
        }

    def script(self, command: str) -> None:
        subprocess.run(["bash", str(SERVER_SCRIPT), command], check=True, timeout=300)

    def wipe(self) -> None:
        """Delete everything, in batches (a big graph is more than one transaction holds)."""
        with (
            GraphDatabase.driver(self.uri, auth=(self.username, self.password)) as driver,
            driver.session() as session,
        ):
            session.run(
                "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
            ).consume()


def _script_status() -> bool:
    result = subprocess.run(
        ["bash", str(SERVER_SCRIPT), "status"], capture_output=True, check=False, timeout=60
    )
    return result.returncode == 0


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Neo4jServer]:
    username = os.environ.get("NEO4J_USERNAME", "neo4j")
    password = os.environ.get("NEO4J_PASSWORD", "partnermap-test")
    if uri := os.environ.get("NEO4J_URI"):
        yield Neo4jServer(uri, username, password, managed=_script_status())
        return
    if not (shutil.which("java") and shutil.which("mvn")):
        if os.environ.get("CI") == "true":
            pytest.fail(NO_NEO4J)
        pytest.skip(NO_NEO4J)
    was_running = _script_status()
    result = subprocess.run(
        ["bash", str(SERVER_SCRIPT), "up"], capture_output=True, text=True, check=False, timeout=600
    )
    if result.returncode != 0:
        pytest.fail(f"the Neo4j server did not start:\n{result.stderr[-4000:]}")
    uri = result.stdout.strip().splitlines()[-1].removeprefix("NEO4J_URI=")
    yield Neo4jServer(uri, username, password, managed=True)
    if not was_running:
        subprocess.run(["bash", str(SERVER_SCRIPT), "down"], check=False, timeout=300)


@pytest.fixture(params=["embedded", "neo4j", "neo4j-staged"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for an empty store of each backend; ``neo4j-staged`` stages every write."""
    if request.param == "embedded":
        return Settings(home=tmp_path / "store")
    server: Neo4jServer = request.getfixturevalue("neo4j_server")
    server.wipe()
    if request.param == "neo4j-staged":
        return server.settings(neo4j_transaction_rows=0)
    return server.settings()


@pytest.fixture
def any_store(backend: Settings) -> Iterator[GraphStore]:
    with open_store(backend) as s:
        yield s
