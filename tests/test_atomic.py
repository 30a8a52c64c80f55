"""All-or-nothing loads on the embedded store, proven with real processes and kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PARTNERMAP, run_cli, snapshot

from graph import NetworkXStore, StoreBusy

SYNTHETIC = 300_000


@pytest.fixture(scope="module")
def big_nodes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "nodes.csv"
    with path.open("w") as f:
        f.write("id,kind,name\n")
        f.writelines(f"E06{100000 + i:06d},council,Synthetic {i}\n" for i in range(SYNTHETIC))
    return path


def start_load(home: Path, path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PARTNERMAP_HOME": str(home)}
    return subprocess.Popen(
        [str(PARTNERMAP), "load", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition: object, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert proc.poll() is None, "the load finished before it could be killed"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def assert_intact(home: Path, before: bytes | None) -> None:
    assert snapshot(home) == before
    with NetworkXStore(home) as store:
        assert store.stats(None).nodes["council"] == 456


def read_position(proc: subprocess.Popen[bytes], path: Path) -> int | None:
    """How far ``proc`` has read into ``path`` (its file offset, from /proc), or None while
    it does not have the file open."""
    fds = Path(f"/proc/{proc.pid}/fd")
    try:
        for fd in fds.iterdir():
            if fd.resolve() == path.resolve():
                info = (Path(f"/proc/{proc.pid}/fdinfo") / fd.name).read_text()
                return int(info.split("pos:")[1].split()[0])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def test_kill_9_while_reading_the_input(loaded_home: Path, big_nodes: Path) -> None:
    before = snapshot(loaded_home)
    proc = start_load(loaded_home, big_nodes)
    size = big_nodes.stat().st_size
    wait_for(lambda: 0 < (read_position(proc, big_nodes) or 0) < size, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not any(loaded_home.glob(".graph.json.*.tmp")), "the kill came after the reading"
    assert_intact(loaded_home, before)


def test_kill_9_while_writing_the_store(loaded_home: Path, big_nodes: Path) -> None:
    before = snapshot(loaded_home)
    proc = start_load(loaded_home, big_nodes)
    wait_for(lambda: any(loaded_home.glob(".graph.json.*.tmp")), proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert any(loaded_home.glob(".graph.json.*.tmp")), "the kill came after the write"
    assert_intact(loaded_home, before)
    # The next load works, and clears what the killed writer left behind.
    small = big_nodes.with_name("one.csv")
    small.write_text("id,kind,name\nE06000001,council,Hartlepool\n")
    assert run_cli(loaded_home, "load", str(small)).returncode == 0
    assert not any(loaded_home.glob(".graph.json.*.tmp"))


def test_readers_see_the_old_graph_or_the_new_never_a_mixture(
    loaded_home: Path, big_nodes: Path
) -> None:
    proc = start_load(loaded_home, big_nodes)
    seen = set()
    while proc.poll() is None:
        with NetworkXStore(loaded_home) as store:
            seen.add(store.stats(None).nodes["council"])
    assert proc.returncode == 0
    with NetworkXStore(loaded_home) as store:
        seen.add(store.stats(None).nodes["council"])
    assert seen == {456, 456 + SYNTHETIC}  # the old graph while loading, then the new


def test_an_open_store_notices_another_process_load(loaded_home: Path, tmp_path: Path) -> None:
    with NetworkXStore(loaded_home) as store:
        version = store.data_version()
        path = tmp_path / "rename.csv"
        path.write_text("id,kind,name\nE06000001,council,Hartlepool Renamed\n")
        assert run_cli(loaded_home, "load", str(path)).returncode == 0
        assert store.data_version() != version
        node = store.get_node("E06000001")
        assert node is not None and node.name == "Hartlepool Renamed"


def test_a_held_write_lock_gives_store_busy(loaded_home: Path) -> None:
    """Another process holding the write lock (filelock, as the store takes it): a write waits
    ``lock_timeout`` seconds, then fails with ``StoreBusy`` and changes nothing; once the lock
    is free the write goes through."""
    before = snapshot(loaded_home)
    hold = (
        "import sys; from filelock import FileLock; "
        f"lock = FileLock({str(loaded_home / 'write.lock')!r}); lock.acquire(); "
        "print('held', flush=True); sys.stdin.readline()"
    )
    with subprocess.Popen(
        [sys.executable, "-c", hold], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdin is not None and holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        with NetworkXStore(loaded_home, lock_timeout=0.5) as store:
            node = store.get_node("E06000001")
            assert node is not None
            started = time.monotonic()
            with pytest.raises(StoreBusy, match="another partnermap process is writing"):
                store.write([node], [])
            assert time.monotonic() - started >= 0.5
        assert snapshot(loaded_home) == before
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(timeout=30) == 0
    with NetworkXStore(loaded_home, lock_timeout=0.5) as store:
        store.write([node], [])
        assert store.data_version() == "embedded:2"
