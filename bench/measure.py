"""What every bench scenario shares: the size of the synthetic graphs and how memory is read."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import httpx

NODES = 100_000
LINKS = 1_000_000


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def serve(env: dict[str, str], port: int) -> tuple[subprocess.Popen[bytes], str]:
    """``partnermap serve`` on ``port`` with ``env``, once /health answers (a store of a
    million links takes a while to open): the process and its URL."""
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("partnermap")), "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(1200):
        try:
            httpx.get(url + "/health", timeout=1)
            return server, url
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the API server did not start")
