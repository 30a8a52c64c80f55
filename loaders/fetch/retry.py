"""When to ask again, and how long to wait first.

- 429 and 403 are a rate limit (Find a Tender answers 429, Contracts Finder 403): wait as long
  as ``Retry-After`` says (seconds or an HTTP date), else the service's own wait.
- 500, 502, 503, 504 and 408, a dropped connection, a timeout or an answer cut short: ask again
  after an exponential backoff (``backoff``, then twice that, ..., at most ``MAX_BACKOFF``), or
  after ``Retry-After`` when the answer gives one.
- Anything else (400, 404, ...) is an answer: the fetch stops and says so.

Each request is tried at most ``1 + retries`` times, whatever went wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RATE_LIMITED = frozenset({429, 403})
RETRIED = frozenset({408, 500, 502, 503, 504})
MAX_BACKOFF = 300.0
MAX_WAIT = 3600.0
"""A ``Retry-After`` longer than this stops the fetch (with the time to try again) instead."""


@dataclass(frozen=True, slots=True)
class Politeness:
    """How a fetch treats a service."""

    delay: float
    """Seconds between the end of one request and the start of the next."""
    rate_limit_wait: float
    """Seconds to wait after a 429 or 403 without ``Retry-After``."""
    backoff: float = 2.0
    retries: int = 5
    timeout: float = 120.0
    max_wait: float = MAX_WAIT


def backoff(politeness: Politeness, attempt: int) -> float:
    """The wait before retry ``attempt + 1`` (``attempt`` counts from 0)."""
    return float(min(politeness.backoff * 2**attempt, MAX_BACKOFF))


def retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (``120``, or an HTTP date), else ``None``."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
