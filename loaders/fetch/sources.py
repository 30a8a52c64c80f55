"""The four notice services ``partnermap fetch`` reads, by name (importing this module stays
light: no HTTP client)."""

from __future__ import annotations

from loaders.fetch import contracts_finder, find_a_tender, proactis
from loaders.fetch.service import Service

SERVICES: dict[str, Service] = {
    s.name: s
    for s in (
        find_a_tender.SERVICE,
        contracts_finder.SERVICE,
        proactis.PUBLIC_CONTRACTS_SCOTLAND,
        proactis.SELL2WALES,
    )
}
SOURCE_NAMES = tuple(SERVICES)
