"""The HTTP API's composition root: settings are read and the store opened here.

One store per process (one Neo4j driver), opened in the lifespan. Read endpoints take the
graph as at a date (``at``, default today); lists are paginated with a total; analyses are
cached per data version. Writes need ``PARTNERMAP_API_KEY`` in the ``X-API-Key`` header and
are off when no key is set. Every error, bad input included, has one shape (``ErrorBody``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from api.http.routes import ROUTERS
from api.http.schemas import READ_ERRORS, ErrorBody, ErrorDetail
from api.http.service import Service
from graph import PartnermapError, Settings, open_store


def error(status: int, kind: str, message: str, hint: str | None = None) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(status=status, type=kind, message=message, hint=hint))
    return JSONResponse(status_code=status, content=body.model_dump())


async def partnermap_error(request: Request, exc: PartnermapError) -> JSONResponse:
    return error(exc.status, type(exc).__name__, exc.message, exc.hint or None)


async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}" for e in exc.errors()
    )
    return error(422, "InvalidInput", problems, "see /docs for the parameters")


async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    kind = "NotFound" if exc.status_code == 404 else "HTTPError"
    return error(exc.status_code, kind, str(exc.detail), "see /docs for the resources")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(settings)
        app.state.service = Service(store)
        try:
            yield
        finally:
            store.close()

    app = FastAPI(
        title="partnermap",
        summary="How UK public bodies work and buy together, as a graph, and what it says.",
        lifespan=lifespan,
        responses=READ_ERRORS,
    )
    app.state.settings = settings
    app.exception_handler(PartnermapError)(partnermap_error)
    app.exception_handler(RequestValidationError)(invalid)
    app.exception_handler(HTTPException)(http_error)
    for router in ROUTERS:
        app.include_router(router)
    return app
