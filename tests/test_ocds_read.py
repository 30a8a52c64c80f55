"""Reading OCDS releases from every layout, streamed, on the real notices in tests/fixtures."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import FIXTURES

from graph import LoaderError
from loaders.ocds_read import iter_releases, ocds_layout

OCDS = FIXTURES / "ocds"
CF = OCDS / "contracts_finder_2025-01_to_03_releases.jsonl"
PCS = OCDS / "public_contracts_scotland_2019-03_to_04_releases.jsonl"
PACKAGE = OCDS / "contracts_finder_release_package_2025-01-23_sample.json"


def releases(path: Path) -> list[dict[str, object]]:
    return [release for _, release in iter_releases(path)]


def test_json_lines_of_the_real_notices() -> None:
    assert ocds_layout(CF) == "json-lines"
    cf = list(iter_releases(CF))
    assert len(cf) == 200 and cf[0][0] == "line 1"
    assert all(str(r["ocid"]).startswith("ocds-b5fd17-") for _, r in cf)
    assert len(releases(PCS)) == 90


def test_release_package() -> None:
    assert ocds_layout(PACKAGE) == "release-package"
    (release,) = releases(PACKAGE)
    assert str(release["ocid"]).startswith("ocds-b5fd17-")


def test_every_layout_gives_the_same_releases(tmp_path: Path) -> None:
    expected = releases(PCS)
    layouts = {
        "array.json": json.dumps(expected),
        "package.json": json.dumps({"uri": "x", "version": "1.1", "releases": expected}),
        "records.json": json.dumps(
            {"version": "1.1", "records": [{"ocid": r["ocid"], "releases": [r]} for r in expected]}
        ),
        "compiled.json": json.dumps(
            {"records": [{"ocid": r["ocid"], "compiledRelease": r} for r in expected]}
        ),
    }
    for name, text in layouts.items():
        path = tmp_path / name
        path.write_text(text)
        assert releases(path) == expected, name
        zipped = tmp_path / f"{name}.gz"
        zipped.write_bytes(gzip.compress(text.encode()))
        assert releases(zipped) == expected, f"{name}.gz"
    zipped_lines = tmp_path / "lines.jsonl.gz"
    zipped_lines.write_bytes(gzip.compress(PCS.read_bytes()))
    assert releases(zipped_lines) == expected


def test_malformed_line_names_the_line(tmp_path: Path) -> None:
    lines = PCS.read_text().splitlines()
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([*lines[:5], lines[5][:200], *lines[6:]]) + "\n")
    with pytest.raises(LoaderError) as caught:
        releases(path)
    assert f"{path}:6: not valid JSON" in str(caught.value)


def test_truncated_package(tmp_path: Path) -> None:
    text = json.dumps({"releases": releases(PCS)})
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2])
    with pytest.raises(LoaderError) as caught:
        releases(path)
    assert "unreadable after release" in str(caught.value)
    assert "truncated" in str(caught.value)


def test_not_ocds(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    assert ocds_layout(path) is None
    with pytest.raises(LoaderError) as caught:
        releases(path)
    assert f"{path}:1: not OCDS" in str(caught.value)
