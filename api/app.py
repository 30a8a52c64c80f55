"""The HTTP API: a composition root (settings are read and the store opened here)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse

from graph import GraphStore, PartnermapError, Settings, node_with_links, open_store


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = open_store(settings)
        try:
            yield
        finally:
            app.state.store.close()

    app = FastAPI(
        title="partnermap",
        summary="How UK public bodies work and buy together, as a graph.",
        lifespan=lifespan,
    )

    @app.exception_handler(PartnermapError)
    async def partnermap_error(request: Request, exc: PartnermapError) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status,
            content={
                "error": {
                    "status": exc.status,
                    "type": type(exc).__name__,
                    "message": exc.message,
                    "hint": exc.hint,
                }
            },
        )

    def store_of(request: Request) -> GraphStore:
        store: GraphStore = request.app.state.store
        return store

    @app.get("/health", summary="Is the service up, and which data does it serve?")
    def health(request: Request) -> dict[str, Any]:
        store = store_of(request)
        return {"status": "ok", "store": store.name, "data_version": store.data_version()}

    @app.get("/stats", summary="Nodes and links by kind")
    def stats(
        request: Request,
        at: Annotated[date | None, Query(description="as at this date (default: today)")] = None,
        all: Annotated[bool, Query(description="count ended records too")] = False,
    ) -> dict[str, Any]:
        day = None if all else (at or date.today())
        counts = store_of(request).stats(day).as_dict()
        return {**counts, "as_at": day.isoformat() if day else None}

    @app.get("/nodes/{node_id}", summary="One node, its attributes and its links")
    def node(request: Request, node_id: str) -> dict[str, Any]:
        return node_with_links(store_of(request), node_id)

    return app
