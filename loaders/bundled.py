"""The bundled data: partnermap's own compilation of public facts, shipped in the package."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from graph.store.base import GraphStore
from loaders.load import LoadInput, load_files
from loaders.report import LoadReport

BUNDLED_FILES = ("nodes.csv", "links.csv")
PARTNERSHIP_FILES = (
    "public_bodies.csv",
    "buying_organisations.csv",
    "buying_organisation_owners.csv",
    "shared_services.csv",
    "joint_procurements.csv",
    "buying_organisation_users.csv",
)
PARTNERSHIPS_DATASET = ("partnermap-partnerships", "2026-11")
SCENARIOS_DATASET = ("partnermap-scenarios", "2026-12")


def bundled_dir() -> Path:
    with as_file(files("loaders") / "bundled") as path:
        return Path(path)


def bundled_files() -> list[Path]:
    """Every bundled data file, in load order."""
    folder = bundled_dir()
    return (
        [folder / name for name in BUNDLED_FILES]
        + [folder / "partnerships" / name for name in PARTNERSHIP_FILES]
        + sorted((folder / "scenarios").glob("*.json"))
    )


def load_bundled(store: GraphStore) -> LoadReport:
    """Load every bundled file in one all-or-nothing write."""
    datasets = {"partnerships": PARTNERSHIPS_DATASET, "scenarios": SCENARIOS_DATASET}
    inputs: list[Path | LoadInput] = [
        LoadInput(path, dataset=dataset, vintage=vintage)
        if (dataset, vintage) != ("", "")
        else path
        for path in bundled_files()
        for dataset, vintage in [datasets.get(path.parent.name, ("", ""))]
    ]
    return load_files(store, inputs)
