"""Windows of time a fetch asks a service for, one at a time.

A service gives its notices for a span of time; a fetch cuts the span asked for into windows on
a fixed grid (Find a Tender: 6 hours from midnight UTC; Contracts Finder: the 1st to the 16th
and the 16th to the end of each month; Proactis: calendar months), so the same dates give the
same windows run after run, and a window fetched once is known again. The first and last
windows are cut to the span. Times are UTC throughout; a date alone is its midnight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

Boundary = Callable[[datetime], datetime]
"""The grid: the first window boundary after a moment."""


@dataclass(frozen=True, slots=True, order=True)
class Window:
    start: datetime
    end: datetime

    @property
    def key(self) -> tuple[str, str]:
        return (iso(self.start), iso(self.end))

    @property
    def file_name(self) -> str:
        return f"{self.start:%Y-%m-%dT%H%M%S}_{self.end:%Y-%m-%dT%H%M%S}.jsonl.gz"

    @property
    def label(self) -> str:
        return f"{_short(self.start)} to {_short(self.end)}"


def iso(moment: datetime) -> str:
    """``2025-03-01T06:00:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plain(moment: datetime) -> str:
    """``2025-03-01T06:00:00`` (UTC), the form the services' date parameters take."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _short(moment: datetime) -> str:
    return (
        moment.strftime("%Y-%m-%d")
        if moment.time() == datetime.min.time()
        else (moment.strftime("%Y-%m-%d %H:%M"))
    )


def parse_time(text: str) -> datetime:
    """A date (``2025-03-01``) or a date and time (``2025-03-01T06:00``, with or without a
    zone; without one it is UTC), as an aware UTC datetime. Raises ``ValueError``."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def windows(start: datetime, end: datetime, boundary: Boundary) -> list[Window]:
    """The grid's windows that meet ``[start, end)``, the first and last cut to it."""
    cut: list[Window] = []
    moment = start
    while moment < end:
        following = min(boundary(moment), end)
        cut.append(Window(moment, following))
        moment = following
    return cut


def every(step: timedelta) -> Boundary:
    """A grid of ``step`` from midnight UTC (``step`` divides a day)."""

    def boundary(moment: datetime) -> datetime:
        midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        steps = (moment - midnight) // step
        return midnight + step * (steps + 1)

    return boundary


def next_month(moment: datetime) -> datetime:
    first = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (first + timedelta(days=32)).replace(day=1)


def half_month(moment: datetime) -> datetime:
    """The 16th of the month, or the 1st of the next: windows of 15 or 16 days."""
    if moment.day < 16:
        return moment.replace(day=16, hour=0, minute=0, second=0, microsecond=0)
    return next_month(moment)
