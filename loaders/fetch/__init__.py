"""Fetching notices from the four services' own APIs into the home, to load them later.

``fetch`` asks a service (``SERVICES``) for a span of time, window by window, politely and
surviving what the services do (rate limits, failures, invalid numbers, pages that repeat), and
keeps each window as a gzip JSON Lines file under a manifest (``loaders.fetched`` reads it back).
Names are loaded on first use (PEP 562): ``loaders.fetch.sources`` is read without httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.lazy import lazy_exports

if TYPE_CHECKING:
    from loaders.fetch.report import FetchProgress, FetchReport, WindowReport
    from loaders.fetch.retry import Politeness
    from loaders.fetch.run import fetch, last_end
    from loaders.fetch.service import Service
    from loaders.fetch.sources import SERVICES, SOURCE_NAMES

_WHERE = {
    "loaders.fetch.report": ("FetchProgress", "FetchReport", "WindowReport"),
    "loaders.fetch.retry": ("Politeness",),
    "loaders.fetch.run": ("fetch", "last_end"),
    "loaders.fetch.service": ("Service",),
    "loaders.fetch.sources": ("SERVICES", "SOURCE_NAMES"),
}

__all__ = [
    "SERVICES",
    "SOURCE_NAMES",
    "FetchProgress",
    "FetchReport",
    "Politeness",
    "Service",
    "WindowReport",
    "fetch",
    "last_end",
]


__getattr__ = lazy_exports(__name__, _WHERE)
