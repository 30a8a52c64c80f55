"""What partnermap knows of one notice service: where it is, how it is windowed and paged,
and how politely it must be asked (the service modules each make one ``Service``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from loaders.fetch.windows import Boundary, Window, windows


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    """The command line's name for it (``find-a-tender``)."""
    title: str
    setting: str
    """The settings field holding its base URL (``find_a_tender_url``)."""
    boundary: Boundary
    """The grid its windows are cut on."""
    requests: Callable[[str, Window], list[str]]
    """The first URL of each request for a window, given the base URL; each request's pages
    follow from ``links.next``."""
    delay: float
    """Seconds between two requests, by default."""
    rate_limit_wait: float
    """Seconds to wait after a 429 or 403 that says nothing (no ``Retry-After``)."""
    encoding: str | None = None
    """The encoding its answers are in, whatever they declare (Contracts Finder's are
    ISO-8859-1); ``None``: as the answer declares, else UTF-8."""

    def windows(self, start: datetime, end: datetime) -> list[Window]:
        return windows(start, end, self.boundary)
