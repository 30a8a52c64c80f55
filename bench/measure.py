"""What every bench scenario shares: the size of the synthetic graphs and how memory is read."""

from __future__ import annotations

import resource

NODES = 100_000
LINKS = 1_000_000


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
