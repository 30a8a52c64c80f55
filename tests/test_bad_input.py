"""Bad input: one clear message naming the file, the line and the fix; exit 1; store unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PARTNERMAP, run_cli, snapshot

from api.cli import main

NODES_HEADER = "id,kind,name\n"


def load_fails(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run ``partnermap load ARGS`` on a loaded store; check it failed and changed nothing."""
    before = snapshot(home)
    assert before is not None
    code = main(["--home", str(home), "load", *args])
    err = capsys.readouterr().err
    assert code == 1
    assert snapshot(home) == before
    last = err.strip().splitlines()[-1]
    assert last.startswith("partnermap: error: ")
    return last


def test_missing_file(
    loaded_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "nope.csv"
    message = load_fails(loaded_home, capsys, str(path))
    assert f"{path}: no such file. check the path" in message


def test_empty_file(loaded_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    message = load_fails(loaded_home, capsys, str(path))
    assert f"{path}: the file is empty (0 bytes)" in message
    assert "header line" in message


def test_header_only_file_loads_nothing(loaded_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text(NODES_HEADER)
    before = snapshot(loaded_home)
    result = run_cli(loaded_home, "load", str(path))
    assert result.returncode == 0 and "rows: 0 read" in result.stdout
    assert snapshot(loaded_home) == before


def test_wrong_delimiter(
    loaded_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "semicolons.csv"
    path.write_text("id;kind;name\nE06000001;council;Hartlepool\n")
    message = load_fails(loaded_home, capsys, str(path))
    assert f"{path}:1: the columns are separated by semicolons, not commas" in message
    assert "save the file as comma-separated CSV" in message


def test_wrong_columns(
    loaded_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "columns.csv"
    path.write_text("code,title\nE06000001,Hartlepool\n")
    message = load_fails(loaded_home, capsys, str(path))
    assert f"{path}:1: cannot tell the format from the header 'code,title'" in message
    assert "--format" in message
    forced = load_fails(loaded_home, capsys, "--format", "nodes", str(path))
    assert f"{path}:1: missing columns: id, kind, name" in forced


def test_unknown_column(
    loaded_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "extra.csv"
    path.write_text("id,kind,name,colour\nE06000001,council,Hartlepool,blue\n")
    message = load_fails(loaded_home, capsys, str(path))
    assert f"{path}:1: unknown columns: colour" in message


def test_ragged_row(loaded_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(NODES_HEADER + "E06000001,council,Hartlepool\nE06000002,council\n")
    message = load_fails(loaded_home, capsys, str(path))
    assert f"{path}:3: 2 fields where the header has 3" in message


def test_non_utf8(loaded_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes((NODES_HEADER + "E06000001,council,Hartlepool\nW06000001,council,Ynys Môn\n")
                     .encode("latin-1"))  # fmt: skip
    message = load_fails(loaded_home, capsys, str(path))
    assert f"{path}:3: byte 0xf4 (byte 25 of the line) is not UTF-8" in message
    assert "save the file as UTF-8" in message


def test_duplicate_ids_with_different_names(
    loaded_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "dupes.csv"
    path.write_text(NODES_HEADER + "E06000001,council,Hartlepool\nE06000002,council,Middlesbrough\n"
                    "E06000001,council,Hartlepool Town\n")  # fmt: skip
    message = load_fails(loaded_home, capsys, str(path))
    assert f"{path}:4: E06000001 named 'Hartlepool Town'" in message
    assert "contradicts line 2" in message
    assert "--skip-invalid" in message


def test_identical_duplicates_are_fine(loaded_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text(NODES_HEADER + "E06000001,council,Hartlepool\nE06000001,council,Hartlepool\n")
    result = run_cli(loaded_home, "load", str(path))
    assert result.returncode == 0, result.stderr
    assert "2 read, 2 taken" in result.stdout


def test_unknown_gss_prefix(
    loaded_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "prefix.csv"
    path.write_text(NODES_HEADER + "E06000001,council,Hartlepool\nE99000001,council,Nowhere\n")
    message = load_fails(loaded_home, capsys, str(path))
    assert f"{path}:3: unknown GSS prefix E99 in E99000001" in message
    assert "E06 (unitary authority)" in message


def test_link_to_a_node_that_does_not_exist(
    loaded_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "links.csv"
    path.write_text(
        "from_id,kind,to_id\nE06000001,borders,E06000004\nE06000001,borders,E06000999\n"
    )
    message = load_fails(loaded_home, capsys, str(path))
    assert (
        f"{path}:3: links to E06000999, which is neither in the store nor in this load" in message
    )


def test_skip_invalid_loads_the_rest_and_reports(loaded_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(NODES_HEADER + "E06000001,council,Hartlepool\nE99000001,council,Nowhere\n"
                    "E06000002,council,Middlesbrough Renamed\n")  # fmt: skip
    result = run_cli(loaded_home, "load", "--skip-invalid", str(path))
    assert result.returncode == 0, result.stderr
    assert "3 read, 2 taken, 0 skipped, 1 rejected" in result.stdout
    assert "rejected line 3: unknown GSS prefix E99" in result.stdout
    shown = run_cli(loaded_home, "show", "E06000002")
    assert "Middlesbrough Renamed" in shown.stdout


def test_failure_in_a_later_file_stores_nothing_from_earlier_ones(
    loaded_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(NODES_HEADER + "E06000001,council,Renamed\n")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe")
    load_fails(loaded_home, capsys, str(good), str(bad))


def test_console_script_exit_code_and_one_line(loaded_home: Path, tmp_path: Path) -> None:
    result = run_cli(loaded_home, "load", str(tmp_path / "missing.csv"))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("partnermap: error: ")


@pytest.mark.slow
def test_a_200_mb_file_is_streamed_in_bounded_memory(loaded_home: Path, tmp_path: Path) -> None:
    """A 200 MB file whose last line is wrong: the error names that line, memory stays low."""
    path = tmp_path / "big.csv"
    row = ("E06000001,council,Hartlepool," + "Hartlepool Borough Council " * 6 + "\n").encode()
    rows = 200 * 2**20 // len(row) + 1
    with path.open("wb") as f:
        f.write(b"id,kind,name,official_name\n")
        for _ in range(rows // 10_000):
            f.write(row * 10_000)
        f.write(row * (rows % 10_000))
        f.write(b"E99000001,council,Nowhere,\n")
    assert path.stat().st_size >= 200 * 2**20
    before = snapshot(loaded_home)
    env = {**os.environ, "PARTNERMAP_HOME": str(loaded_home)}
    # A wrapper whose only child is the CLI reports that child's peak resident memory.
    wrapper = (
        "import resource, subprocess, sys\n"
        "code = subprocess.run(sys.argv[1:]).returncode\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", wrapper, str(PARTNERMAP), "load", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    *messages, peak_kib = result.stderr.strip().splitlines()
    assert f"{path}:{rows + 2}: unknown GSS prefix E99" in messages[-1]
    assert snapshot(loaded_home) == before
    assert int(peak_kib) < 200 * 1024, f"peak {int(peak_kib) // 1024} MiB for a 200 MB file"
