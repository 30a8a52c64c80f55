"""The bundled data: partnermap's own compilation of public facts, shipped in the package."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from graph.store import GraphStore
from loaders.load import load_files
from loaders.report import LoadReport

BUNDLED_FILES = ("nodes.csv", "links.csv")


def bundled_dir() -> Path:
    with as_file(files("loaders") / "bundled") as path:
        return Path(path)


def load_bundled(store: GraphStore) -> LoadReport:
    """Load every bundled file in one all-or-nothing write."""
    folder = bundled_dir()
    return load_files(store, [folder / name for name in BUNDLED_FILES])
