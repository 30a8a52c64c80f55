"""The test fixtures are real files, recorded with their provenance, and the suite reads nothing
outside the repository."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import FIXTURES, REPO, UPSTREAM_DEFAULT, upstream_path

SOURCES = (FIXTURES / "SOURCES.md").read_text(encoding="utf-8")


def fixture_files() -> list[Path]:
    return sorted(
        p for p in FIXTURES.rglob("*") if p.is_file() and p.name not in {"SOURCES.md", "SHA256SUMS"}
    )


def checksums() -> dict[str, str]:
    lines = (FIXTURES / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines)}


def test_every_fixture_has_its_provenance_and_checksum() -> None:
    files = fixture_files()
    assert len(files) == 11
    sums = checksums()
    assert sorted(sums) == [p.relative_to(FIXTURES).as_posix() for p in files]
    for path in files:
        assert f"`{path.name}`" in SOURCES, f"{path.name} is not described in SOURCES.md"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest == sums[path.relative_to(FIXTURES).as_posix()], f"{path} has changed"


def test_the_guard_knows_a_path_into_the_upstream_folder() -> None:
    assert upstream_path(UPSTREAM_DEFAULT / "ons" / "x.csv")
    assert upstream_path(str(REPO / ".." / UPSTREAM_DEFAULT.relative_to(REPO.parent)))
    assert upstream_path(REPO / "tests" / "fixtures" / "ons") is None
    assert (
        upstream_path(UPSTREAM_DEFAULT.parent.with_name(UPSTREAM_DEFAULT.parent.name + "-other"))
        is None
    )
    assert upstream_path(3) is None
