"""What the routes share: the service of the process, the query parameters every read takes,
and the API key that writes need (FastAPI's ``APIKeyHeader``, so ``/docs`` documents it)."""

from __future__ import annotations

import hmac
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Security
from fastapi import Path as PathParam
from fastapi.security import APIKeyHeader

from api.http.service import Service
from graph import PartnermapError, Settings

At = Annotated[
    date | None,
    Query(description="the graph as at this date (default: today)", examples=["2024-04-01"]),
]
Limit = Annotated[int, Query(ge=1, le=1000, description="items per page")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")]
NodeId = Annotated[str, PathParam(max_length=200, description="a node id", examples=["E08000035"])]
LIMIT = 50
"""Items per page by default, in the API and the command line."""


def service(request: Request) -> Service:
    found: Service = request.app.state.service
    return found


def settings(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


ServiceDep = Annotated[Service, Depends(service)]

api_key = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="the key set in PARTNERMAP_API_KEY on the server; writes are off without one",
)


def require_key(request: Request, key: Annotated[str | None, Security(api_key)] = None) -> None:
    """Writes need the server's key, compared in constant time; with no key set, writes are
    off."""
    expected = settings(request).api_key
    if expected is None:
        raise Forbidden()
    if key is None or not hmac.compare_digest(key.encode(), expected.get_secret_value().encode()):
        raise Unauthorised()


def page(items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    return {"total": len(items), "limit": limit, "offset": offset,
            "items": items[offset : offset + limit]}  # fmt: skip


class Unauthorised(PartnermapError):
    status = 401

    def __init__(self) -> None:
        super().__init__(
            "missing or wrong X-API-Key header", hint="send the key set in PARTNERMAP_API_KEY"
        )


class Forbidden(PartnermapError):
    status = 403

    def __init__(self) -> None:
        super().__init__(
            "writes are off", hint="set PARTNERMAP_API_KEY on the server to turn them on"
        )


class TooLarge(PartnermapError):
    status = 413

    def __init__(self, limit_mb: int) -> None:
        super().__init__(
            f"the upload is larger than {limit_mb} MiB",
            hint="raise PARTNERMAP_MAX_UPLOAD_MB, or load the file with the command line",
        )
