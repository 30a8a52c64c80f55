"""Shared fixtures: real stores in temporary folders, the real reference data beside the repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import NetworkXStore
from loaders import load_bundled

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
PARTNERMAP = Path(sys.executable).with_name("partnermap")


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


def run_cli(home: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The installed ``partnermap`` console script, in a real subprocess."""
    env = {**os.environ, "PARTNERMAP_HOME": str(home)}
    return subprocess.run(
        [str(PARTNERMAP), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def snapshot(home: Path) -> bytes | None:
    """The store's file as bytes (``None`` when there is none), to prove it did not change."""
    path = home / "graph.json"
    return path.read_bytes() if path.exists() else None
