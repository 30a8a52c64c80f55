"""Asking a notice service for one page, politely, until it answers (httpx).

One request at a time, ``delay`` seconds apart; rate limits waited out and failures retried as
``loaders.fetch.retry`` says, each wait and retry recorded (for the report) and told to whoever
watches (for the progress bar). An answer that is still refused or failing after the retries
stops the fetch with ``FetchFailed``, naming the URL and what to do.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from graph.errors import FetchFailed
from loaders.fetch.decode import NotJson, decode_json
from loaders.fetch.report import Event
from loaders.fetch.retry import RATE_LIMITED, RETRIED, Politeness, backoff, retry_after

logger = logging.getLogger(__name__)

USER_AGENT = "partnermap (UK public bodies' partnerships; one request at a time)"
BODY_SHOWN = 200
STEP = 1.0
"""A long wait is slept in steps of this, telling the watcher the time left at each."""

Watcher = Callable[[float, str], None]
"""Told ``(seconds left, why)`` while a fetch waits."""


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    data: Any
    repaired: int
    """Invalid JSON numbers repaired in it."""
    encoding: str


class Client:
    def __init__(
        self,
        politeness: Politeness,
        *,
        encoding: str | None = None,
        watcher: Watcher | None = None,
    ) -> None:
        self._politeness = politeness
        self._encoding = encoding
        self._watcher = watcher
        self._http = httpx.Client(
            timeout=politeness.timeout,
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )
        self._last: float | None = None
        self.events: list[Event] = []

    def drain(self) -> list[Event]:
        """The waits and retries since the last drain."""
        events, self.events = self.events, []
        return events

    def get_json(self, url: str) -> Page:
        """The JSON at ``url``. Raises ``FetchFailed`` when it cannot be had."""
        politeness = self._politeness
        problem, rate_limited = "", False
        for attempt in range(politeness.retries + 1):
            self._pause()
            try:
                response = self._http.get(url)
            except httpx.TransportError as e:
                self._last = time.monotonic()
                problem = f"{type(e).__name__}: {str(e) or 'connection dropped'}"
                rate_limited, wait = False, backoff(politeness, attempt)
            else:
                self._last = time.monotonic()
                status = response.status_code
                if status == httpx.codes.OK:
                    try:
                        encoding = self._encoding or response.charset_encoding or "utf-8"
                        data, repaired = decode_json(response.content, encoding=encoding)
                    except NotJson as e:
                        problem, rate_limited = f"the answer is {e}", False
                        wait = backoff(politeness, attempt)
                    else:
                        return Page(url, data, repaired, encoding)
                elif status in RATE_LIMITED or status in RETRIED:
                    rate_limited = status in RATE_LIMITED
                    asked = retry_after(response.headers.get("Retry-After"))
                    problem = f"{status} {response.reason_phrase}".strip()
                    if asked is not None:
                        problem += f" (Retry-After {response.headers['Retry-After']})"
                        wait = asked
                    elif rate_limited:
                        wait = politeness.rate_limit_wait
                    else:
                        wait = backoff(politeness, attempt)
                else:
                    raise FetchFailed(
                        f"{url} answered {status} {response.reason_phrase}: "
                        f"{_shown(response.text)}",
                        hint="check the dates and the base URL (--base-url, or the source's "
                        "PARTNERMAP_..._URL setting); the windows fetched before it are kept",
                    )
            if attempt == politeness.retries:
                break
            if wait > politeness.max_wait:
                raise FetchFailed(
                    f"{url}: {problem}, asking to wait {wait:,.0f} s",
                    hint=f"run the same command again after {wait / 3600:.1f} hours; the "
                    "windows fetched are kept and skipped",
                )
            self.events.append(Event("wait" if rate_limited else "retry", problem, wait, url))
            logger.info("%s: %s; waiting %.1f s", url, problem, wait)
            self._sleep(wait, ("rate limit: " if rate_limited else "retrying: ") + problem)
        what = "refused" if rate_limited else "failed"
        raise FetchFailed(
            f"{url} {what} {politeness.retries + 1} times (last: {problem})",
            hint=(
                "the service is limiting this address: wait a while, or raise "
                "PARTNERMAP_FETCH_DELAY, and run the same command again"
                if rate_limited
                else "the service is failing or out of reach: run the same command again "
                "later, or use a mirror with --base-url"
            )
            + " (the windows fetched are kept and skipped)",
        )

    def _pause(self) -> None:
        """Keep ``delay`` seconds between the end of one request and the start of the next."""
        if self._last is not None:
            left = self._politeness.delay - (time.monotonic() - self._last)
            if left > 0:
                self._sleep(left, "pausing between requests")

    def _sleep(self, seconds: float, why: str) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self._watcher is not None:
                self._watcher(left, why)
            time.sleep(min(STEP, left))
        self._last = time.monotonic()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _shown(text: str) -> str:
    flat = " ".join(text.split())
    return flat[:BODY_SHOWN] + ("..." if len(flat) > BODY_SHOWN else "")
