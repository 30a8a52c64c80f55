"""Public Contracts Scotland and Sell2Wales: two services on one platform (Proactis), with one
API (https://api.publiccontractsscotland.gov.uk, https://api.sell2wales.gov.wales).

``GET /v1/Notices?dateFrom=MM-YYYY&noticeType=N&outputType=0`` gives a release package (OCDS,
``outputType=0``) of one month's notices of one type: a month is one request per notice type,
and the answer is not paged. The notice types are those both services list on their API pages:
the EU forms (1-7, 12-15, 20-25), and each service's own site notices (Scotland 101-104,
Sell2Wales 51-56). Neither service documents a rate limit: partnermap asks one request at a
time, a second apart, and obeys a 429 or 403 all the same.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from loaders.fetch.service import Service
from loaders.fetch.windows import Window, next_month

PATH = "/v1/Notices"
OCDS_OUTPUT = 0

EU_FORMS = (1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 24, 25)
"""F1 PIN, F2 contract, F3 award, F4-F7 utilities, F12-F13 design contests, F14 corrigendum,
F15 VEAT, F20 modification, F21-F23 social and other specific services, F24-F25 concessions."""
SCOTLAND_NOTICES = (101, 102, 103, 104)
"""Site notices: prior information, contract, contract award, Quick Quote award."""
WALES_NOTICES = (51, 52, 53, 54, 55, 56)
"""Site notices: invitation to tender, prior information, contract award, and three kinds of
sub-contract notice."""


def month_requests(notice_types: tuple[int, ...]) -> Callable[[str, Window], list[str]]:
    def requests(base_url: str, window: Window) -> list[str]:
        month = f"{window.start:%m-%Y}"
        return [
            f"{base_url}{PATH}?"
            + urlencode({"dateFrom": month, "noticeType": kind, "outputType": OCDS_OUTPUT})
            for kind in notice_types
        ]

    return requests


PUBLIC_CONTRACTS_SCOTLAND = Service(
    name="public-contracts-scotland",
    title="Public Contracts Scotland",
    setting="public_contracts_scotland_url",
    boundary=next_month,
    requests=month_requests(EU_FORMS + SCOTLAND_NOTICES),
    delay=1.0,
    rate_limit_wait=60.0,
)

SELL2WALES = Service(
    name="sell2wales",
    title="Sell2Wales",
    setting="sell2wales_url",
    boundary=next_month,
    requests=month_requests(EU_FORMS + WALES_NOTICES),
    delay=1.0,
    rate_limit_wait=60.0,
)
