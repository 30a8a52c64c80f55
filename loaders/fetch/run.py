"""A fetch: every window of a span, oldest first, each request's pages followed to the end.

Windows already complete on disk are skipped (unless ``refetch``). A window's pages are
followed through ``links.next``; a page that brings nothing new is counted as repeated, and
``MAX_REPEATS`` of them in a row, or a ``links.next`` that leads back to a page already read,
ends that request with a warning in the report (rather than going round for ever).
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from graph.errors import FetchFailed
from loaders.fetch.client import Client
from loaders.fetch.report import FetchProgress, FetchReport, WindowReport
from loaders.fetch.retry import Politeness
from loaders.fetch.service import Service
from loaders.fetch.storage import FetchedFolder, WindowWriter
from loaders.fetch.windows import iso, parse_time
from loaders.fetched import is_fetched_folder, read_manifest

logger = logging.getLogger(__name__)

MAX_REPEATS = 3
"""Pages in a row that bring nothing new before a request is given up as going round."""


def last_end(folder: Path, source: str) -> datetime | None:
    """Where the fetches of ``source`` in ``folder`` have got to: the latest end of a complete
    window (``None`` before the first fetch)."""
    if not is_fetched_folder(folder):
        return None
    windows = read_manifest(folder, source).ordered()
    return max((parse_time(w.end) for w in windows), default=None)


def fetch(
    service: Service,
    folder: Path,
    *,
    start: datetime,
    end: datetime,
    base_url: str,
    politeness: Politeness,
    refetch: bool = False,
    progress: FetchProgress | None = None,
) -> FetchReport:
    """Fetch ``[start, end)`` from ``service`` into ``folder``; the report of what was done.

    Raises ``FetchFailed`` when the service cannot be had; the windows completed before it stay
    on disk, and the next run skips them.
    """
    base_url = base_url.rstrip("/")
    windows = service.windows(start, end)
    report = FetchReport(service.name, base_url, str(folder), iso(start), iso(end))
    if progress is not None:
        progress.begin(service.name, len(windows))
    watcher = progress.waiting if progress is not None else None
    with (
        FetchedFolder(folder, service.name) as stored,
        Client(politeness, encoding=service.encoding, watcher=watcher) as client,
    ):
        for window in windows:
            done = stored.has(window)
            start_key, end_key = window.key
            if done and not refetch:
                report.windows.append(
                    WindowReport(start_key, end_key, window.label, "already fetched")
                )
                if progress is not None:
                    progress.window_done(skipped=True)
                continue
            if progress is not None:
                progress.window(window.label)
            result = WindowReport(
                start_key, end_key, window.label, "fetched again" if done else "fetched"
            )
            writer = stored.writer(window)
            urls = service.requests(base_url, window)
            try:
                for url in urls:
                    _follow(client, url, writer, result, progress)
                entry = stored.commit(writer, pages=result.pages, requests=urls)
            except BaseException as e:
                writer.abort()
                result.events.extend(client.drain())
                if isinstance(e, FetchFailed):
                    kept = len([w for w in report.windows if w.status != "already fetched"])
                    raise FetchFailed(
                        f"{service.title}, window {window.label}: {e.message}",
                        hint=f"{e.hint}; {kept} windows were completed in this run and are "
                        f"kept in {folder}",
                    ) from e
                raise
            result.events.extend(client.drain())
            result.file = entry.file
            result.releases = writer.releases
            result.duplicates = writer.duplicates
            report.windows.append(result)
            logger.info("%s %s: %d releases", service.name, window.label, writer.releases)
            if progress is not None:
                progress.window_done(skipped=False)
    return report


def _follow(
    client: Client,
    url: str,
    writer: WindowWriter,
    result: WindowReport,
    progress: FetchProgress | None,
) -> None:
    """Read ``url`` and every page after it into ``writer``.

    A page that brings no new release is a repeat. When it is the page before served again
    (its ``links.next`` is the page asked for), the page is asked for again; when ``links.next``
    leads back to a page already read, the cursor loops, and the request ends there. Either
    way, at most ``MAX_REPEATS`` repeats in a row.
    """
    result.requests += 1
    read: set[str] = set()
    repeats = 0
    next_url: str | None = url
    while next_url is not None:
        read.add(next_url)
        page = client.get_json(next_url)
        releases = _releases(page.data, next_url)
        result.pages += 1
        result.repaired_numbers += page.repaired
        new = sum(1 for release in releases if writer.add(release))
        if progress is not None:
            progress.page(new)
        following = _next_link(page.data, next_url)
        repeated = bool(releases) and not new
        repeats = repeats + 1 if repeated else 0
        result.repeated_pages += repeated
        if repeats > MAX_REPEATS:
            result.warnings.append(
                f"{repeats} pages in a row brought no new release (the last {next_url}): "
                "stopped there"
            )
            return
        if following is not None and following in read:
            if repeated and following == next_url:  # the page before again: ask once more
                continue
            result.warnings.append(
                f"links.next led back to {following}, a page already read: the cursor loops, "
                "stopped there"
            )
            return
        next_url = following


def _next_link(data: dict[str, Any], url: str) -> str | None:
    links = data.get("links")
    following = links.get("next") if isinstance(links, dict) else None
    return urljoin(url, following) if isinstance(following, str) and following else None


def _releases(data: Any, url: str) -> list[dict[str, Any]]:
    """The releases of a release package (none when it has no ``releases``, as Proactis's
    answers for a month without notices of a type)."""
    if not isinstance(data, dict):
        raise FetchFailed(
            f"{url} answered JSON that is not a release package",
            hint="check the base URL (--base-url) points at the service's API",
        )
    releases = data.get("releases", [])
    if not isinstance(releases, list):
        raise FetchFailed(
            f"{url} answered a release package whose releases are not a list",
            hint="check the base URL (--base-url) points at the service's API",
        )
    return [r for r in releases if isinstance(r, dict)]
