"""Contracts Finder: England's notices below the thresholds, and those of procurements begun
under PCR 2015 (since 24 February 2025 it takes no others).

``GET /Published/Notices/OCDS/Search?publishedFrom=&publishedTo=&limit=100`` gives a release
package of the releases published in the span, with ``links.next`` (a ``cursor``) while more
are left (https://www.contractsfinder.service.gov.uk/apidocumentation/Notices/1/
GET-Published-Notice-OCDS-Search). A client that asks too fast gets 403 "The request rate limit
may have been exceeded", and "no further requests should be made until after 5 minutes" (the
service's documentation). kingfisher-collect asks one request at a time, in 15-day windows, and
reads every answer as ISO-8859-1, whatever it declares; so does partnermap. (Guessing from the
bytes does not work: ISO-8859-1 text of the mojibake Contracts Finder carries, such as
``Ã©``, is also valid UTF-8.)
"""

from __future__ import annotations

from urllib.parse import urlencode

from loaders.fetch.service import Service
from loaders.fetch.windows import Window, half_month, plain

PATH = "/Published/Notices/OCDS/Search"
PAGE_SIZE = 100


def requests(base_url: str, window: Window) -> list[str]:
    query = {
        "publishedFrom": plain(window.start),
        "publishedTo": plain(window.end),
        "limit": PAGE_SIZE,
    }
    return [f"{base_url}{PATH}?{urlencode(query)}"]


SERVICE = Service(
    name="contracts-finder",
    title="Contracts Finder",
    setting="contracts_finder_url",
    boundary=half_month,
    requests=requests,
    delay=1.0,
    rate_limit_wait=300.0,
    encoding="iso-8859-1",
)
