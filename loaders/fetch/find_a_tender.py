"""Find a Tender (the Central Digital Platform): every notice under the Procurement Act 2023
since 24 February 2025, and the above-threshold notices before it.

``GET /api/1.0/ocdsReleasePackages?updatedFrom=&updatedTo=&limit=100`` gives a release package
of the releases last updated in the span, 100 a page, and ``links.next`` (with a ``cursor``)
while more are left (https://www.find-tender.service.gov.uk/apidocumentation/1.0/
GET-ocdsReleasePackages: dates ``YYYY-MM-DDTHH:MM:SS``, ``limit`` 1 to 100). The service
answers 429 ("12 request limit in 2 minute exceeded") to a client that asks faster: one request
every 10 seconds keeps under it, as kingfisher-collect does. Spans longer than 6 hours were seen
(by kingfisher-collect) to miss releases, so windows are 6 hours. Some answers hold numbers JSON
does not allow (``1e9999``); the client repairs them.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from loaders.fetch.service import Service
from loaders.fetch.windows import Window, every, plain

PATH = "/api/1.0/ocdsReleasePackages"
PAGE_SIZE = 100


def requests(base_url: str, window: Window) -> list[str]:
    query = {"updatedFrom": plain(window.start), "updatedTo": plain(window.end), "limit": PAGE_SIZE}
    return [f"{base_url}{PATH}?{urlencode(query)}"]


SERVICE = Service(
    name="find-a-tender",
    title="Find a Tender",
    setting="find_a_tender_url",
    boundary=every(timedelta(hours=6)),
    requests=requests,
    delay=10.0,
    rate_limit_wait=120.0,
)
