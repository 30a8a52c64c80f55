"""A long load draws a progress bar on a terminal, and nothing when its output is a pipe."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

import orjson
from conftest import FIXTURES, PARTNERMAP, run_cli

CF = FIXTURES / "ocds" / "contracts_finder_2025-01_to_03_releases.jsonl"


def big_ocds(path: Path, copies: int = 300) -> Path:
    """The real Contracts Finder releases again and again under new OCIDs (about 190 MB):
    a load long enough for the bar to show (it waits a second before drawing)."""
    releases = [orjson.loads(line) for line in CF.read_bytes().splitlines() if line.strip()]
    with path.open("wb") as f:
        for copy in range(copies):
            for release in releases:
                f.write(orjson.dumps({**release, "ocid": f"{release['ocid']}-copy{copy}"}))
                f.write(b"\n")
    return path


def test_progress_bar_on_a_terminal_only(loaded_home: Path, tmp_path: Path) -> None:
    notices = big_ocds(tmp_path / "notices.jsonl")
    env = {**os.environ, "PARTNERMAP_HOME": str(loaded_home), "PARTNERMAP_STORE": "embedded"}
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [str(PARTNERMAP), "load", str(notices)],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
    ) as child:
        os.close(follower)
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            drawn += chunk
        stdout = child.stdout.read() if child.stdout else b""
    os.close(leader)
    assert child.returncode == 0, drawn
    bar = drawn.decode("utf-8", "replace")
    assert "notices.jsonl:" in bar and "%|" in bar and "MB/s" in bar
    assert "100%|" in bar  # the bar reaches the end of the file
    assert "checking" in bar and "against the store" in bar
    # The report is on standard output, untouched by the bar.
    assert b"notices.jsonl (ocds)" in stdout and b"%|" not in stdout
    # Through a pipe (scripts, CI), no bar.
    again = run_cli(loaded_home, "load", str(notices))
    assert again.returncode == 0 and "%|" not in again.stderr and again.stderr == ""
