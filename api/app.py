"""The HTTP API: a composition root (settings are read and the store opened here).

One store per process (one Neo4j driver), opened in the lifespan. Read endpoints take the
graph as at a date (``at``, default today); lists are paginated with a total; analyses are
cached per data version (``api.service``). Writes need ``PARTNERMAP_API_KEY`` in the
``X-API-Key`` header, compared in constant time, and are off when no key is set. Every error,
bad input included, has one shape: ``{"error": {"status", "type", "message", "hint"}}``.
"""

from __future__ import annotations

import hmac
import tempfile
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import networkx as nx
from fastapi import FastAPI, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from api.service import Service
from graph import PartnermapError, Settings, node_with_links, open_store, queries
from graph import analysis as analyses
from graph.analysis.collab import Weights
from graph.errors import InvalidInput
from graph.model import LinkKind
from loaders import FORMATS, load_bundled, load_files
from visualise import views
from visualise.maps import DEFAULT_LINKS, MapOptions, explorer_page, render, select

ERROR = {
    "description": "The one error shape",
    "content": {
        "application/json": {
            "example": {
                "error": {
                    "status": 404,
                    "type": "NotFound",
                    "message": "no node with id 'leeds'",
                    "hint": "did you mean E08000035 (Leeds)?",
                }
            }
        }
    },
}
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {**ERROR, "description": what}
    for code, what in {
        400: "Bad input",
        404: "Not found",
        422: "Invalid parameter",
        503: "The store is unreachable (Neo4j down); retry later",
    }.items()
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    401: {**ERROR, "description": "Missing or wrong X-API-Key"},
    403: {**ERROR, "description": "Writes are off: no PARTNERMAP_API_KEY is set"},
    413: {**ERROR, "description": "Upload larger than PARTNERMAP_MAX_UPLOAD_MB"},
}

At = Annotated[
    date | None,
    Query(description="the graph as at this date (default: today)", examples=["2024-04-01"]),
]
Limit = Annotated[int, Query(ge=1, le=1000, description="items per page")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")]
NodeId = Annotated[str, PathParam(max_length=200, description="a node id", examples=["E08000035"])]
WeightParams = Annotated[
    list[str] | None,
    Query(
        max_length=20,
        description="evidence weights to change, KIND=VALUE (kinds: "
        + ", ".join(Weights().as_dict())
        + ")",
        examples=[["borders=0"]],
    ),
]


Links = Annotated[str | None, Query(max_length=300, description="link kinds, comma-separated",
                                    examples=["borders,partner_in"])]  # fmt: skip
Category = Annotated[str | None, Query(max_length=40, examples=["waste"])]
Layout = Annotated[Literal["geo", "force"], Query()]


def _error(status: int, kind: str, message: str, hint: str | None = None) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content={"error": {"status": status, "type": kind, "message": message, "hint": hint}},
    )


def _weights(given: list[str] | None) -> Weights:
    return Weights.parse(given or [])


def _page(items: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    return {
        "total": len(items),
        "limit": limit,
        "offset": offset,
        "items": items[offset : offset + limit],
    }


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
        responses=ERRORS,
    )

    @app.exception_handler(PartnermapError)
    async def partnermap_error(request: Request, exc: PartnermapError) -> JSONResponse:
        return _error(exc.status, type(exc).__name__, exc.message, exc.hint)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}"
            for e in exc.errors()
        )
        return _error(422, "InvalidInput", problems, "see /docs for the parameters")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        kind = "NotFound" if exc.status_code == 404 else "HTTPError"
        return _error(exc.status_code, kind, str(exc.detail), "see /docs for the resources")

    def service(request: Request) -> Service:
        found: Service = request.app.state.service
        return found

    # --- the graph ---------------------------------------------------------------------

    @app.get("/health", summary="Is the service up, and which data does it serve?")
    def health(request: Request) -> dict[str, Any]:
        store = service(request).store
        return {"status": "ok", "store": store.name, "data_version": store.data_version()}

    @app.get("/stats", summary="Nodes and links by kind")
    def stats(
        request: Request,
        at: At = None,
        all: Annotated[bool, Query(description="count ended records too")] = False,
    ) -> dict[str, Any]:
        day = None if all else (at or date.today())
        counts = service(request).store.stats(day).as_dict()
        return {**counts, "as_at": day.isoformat() if day else None}

    @app.get("/sources", summary="The datasets and vintages behind the loaded graph")
    def sources(request: Request, at: At = None) -> dict[str, Any]:
        return service(request).data(at or date.today())

    @app.get("/nodes", summary="Find nodes by any of their names, kind, type and place")
    def nodes(
        request: Request,
        q: Annotated[
            str | None,
            Query(
                max_length=200,
                description="part of any known name, or of the id",
                examples=["Leeds"],
            ),
        ] = None,
        kind: Annotated[str | None, Query(max_length=40, examples=["council"])] = None,
        council_type: Annotated[
            str | None, Query(max_length=40, examples=["metropolitan_district"])
        ] = None,
        region: Annotated[
            str | None,
            Query(max_length=20, description="a region or nation code", examples=["E12000003"]),
        ] = None,
        combined_authority: Annotated[
            str | None, Query(max_length=20, examples=["E47000003"])
        ] = None,
        county: Annotated[str | None, Query(max_length=20, examples=["E10000014"])] = None,
        at: At = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        s = service(request)
        G, _ = s.graph(at)
        found = queries.search_nodes(
            G,
            s.names(at),
            q=q,
            kind=kind,
            council_type=council_type,
            region=region,
            combined_authority=combined_authority,
            county=county,
        )
        return _page(found, limit, offset)

    @app.get("/nodes/{node_id}", summary="One node, its attributes and its links with evidence")
    def node(request: Request, node_id: NodeId) -> dict[str, Any]:
        return node_with_links(service(request).store, node_id)

    @app.get(
        "/nodes/{node_id}/partnerships",
        summary="A node's shared services, joint procurements and buying organisations",
    )
    def node_partnerships(request: Request, node_id: NodeId, at: At = None) -> dict[str, Any]:
        G, _ = service(request).graph(at)
        return queries.partnerships(G, node_id)

    @app.get(
        "/nodes/{node_id}/recommendations",
        summary="Who a council should work with next, and why",
    )
    def recommendations(
        request: Request,
        node_id: NodeId,
        at: At = None,
        top: Annotated[int, Query(ge=1, le=100)] = 10,
        weight: WeightParams = None,
    ) -> dict[str, Any]:
        weights = _weights(weight)
        return service(request).analysis(
            "recommend",
            at,
            lambda G: analyses.recommend(G, node_id, weights=weights, top=top),
            (node_id, top, weights),
        )

    @app.get("/buying-organisations", summary="Buying organisations, their owners, users, reach")
    def buying_organisations(
        request: Request, at: At = None, limit: Limit = 50, offset: Offset = 0
    ) -> dict[str, Any]:
        G, _ = service(request).graph(at)
        return _page(queries.buying_organisations(G), limit, offset)

    # --- analysis ----------------------------------------------------------------------

    @app.get("/clusters", summary="Communities of organisations that work together")
    def clusters(
        request: Request,
        at: At = None,
        method: Literal["louvain", "leiden"] = "louvain",
        seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 1,
        resolution: Annotated[float, Query(gt=0, le=100)] = 1.0,
        runs: Annotated[int, Query(ge=1, le=50)] = 10,
        weight: WeightParams = None,
    ) -> dict[str, Any]:
        weights = _weights(weight)
        return service(request).analysis(
            "clusters",
            at,
            lambda G: analyses.clusters(
                G, weights=weights, method=method, seed=seed, resolution=resolution, runs=runs
            ),
            (method, seed, resolution, runs, weights),
        )

    @app.get("/candidates", summary="Candidate city-region and county-region partnerships")
    def candidates(
        request: Request,
        at: At = None,
        region: Annotated[str | None, Query(max_length=20, examples=["E12000003"])] = None,
        min_size: Annotated[int, Query(ge=2, le=100)] = 2,
        max_size: Annotated[int, Query(ge=2, le=100)] = 12,
        weight: WeightParams = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        weights = _weights(weight)
        result = service(request).analysis(
            "candidates",
            at,
            lambda G: analyses.candidates(
                G, weights=weights, region=region, min_size=min_size, max_size=max_size
            ),
            (region, min_size, max_size, weights),
        )
        return {**result, "candidates": _page(result["candidates"], limit, offset)}

    @app.get("/path", summary="How two organisations are connected, through what")
    def path(
        request: Request,
        from_: Annotated[str, Query(alias="from", max_length=200, examples=["E08000035"])],
        to: Annotated[str, Query(max_length=200, examples=["E08000032"])],
        at: At = None,
    ) -> dict[str, Any]:
        return service(request).analysis(
            "path", at, lambda G: analyses.path(G, from_, to), (from_, to)
        )

    @app.get("/gaps", summary="Councils, combined authorities and neighbours that share nothing")
    def gaps(
        request: Request,
        at: At = None,
        top: Annotated[int, Query(ge=1, le=1000)] = 50,
        weight: WeightParams = None,
    ) -> dict[str, Any]:
        weights = _weights(weight)
        return service(request).analysis(
            "gaps", at, lambda G: analyses.gaps(G, weights=weights, top=top), (top, weights)
        )

    @app.get("/brokers", summary="Hubs, brokers and each buying organisation's reach")
    def brokers(
        request: Request,
        at: At = None,
        top: Annotated[int, Query(ge=1, le=1000)] = 20,
        weight: WeightParams = None,
    ) -> dict[str, Any]:
        weights = _weights(weight)
        return service(request).analysis(
            "brokers", at, lambda G: analyses.brokers(G, weights=weights, top=top), (top, weights)
        )

    # --- export ------------------------------------------------------------------------

    @app.get(
        "/export/{fmt}",
        summary="The graph, or a filtered part of it, as GraphML, GEXF, JSON or CSV",
        response_class=Response,
    )
    def export(
        request: Request,
        fmt: Annotated[
            str, PathParam(description=", ".join(queries.EXPORT_FORMATS), examples=["graphml"])
        ],
        at: At = None,
        kind: Annotated[
            list[str] | None, Query(max_length=10, description="only nodes of these kinds")
        ] = None,
        around: Annotated[
            str | None,
            Query(max_length=200, description="only nodes near this one", examples=["E08000035"]),
        ] = None,
        hops: Annotated[int, Query(ge=1, le=4)] = 1,
    ) -> Response:
        G, _ = service(request).graph(at)
        body, media = queries.export(
            queries.subgraph(G, kinds=kind or (), around=around, hops=hops), fmt
        )
        filename = f"partnermap.{fmt}" if "." not in fmt else f"partnermap-{fmt}"
        return Response(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    # --- maps and the explorer ---------------------------------------------------------

    def map_page(
        request: Request, at: date | None, view: Callable[[nx.MultiDiGraph[str]], views.View],
        key: Hashable, links: str | None, category: str | None, layout: Literal["geo", "force"],
    ) -> HTMLResponse:  # fmt: skip
        s = service(request)
        link_kinds = tuple(k for k in (links or "").split(",") if k) or DEFAULT_LINKS
        unknown = set(link_kinds) - {str(k) for k in LinkKind}
        if unknown:
            raise InvalidInput(f"unknown link kind {', '.join(sorted(unknown))}")

        def draw(G: nx.MultiDiGraph[str]) -> dict[str, Any]:
            chosen = view(G)
            options = MapOptions(title=chosen.title, layout=layout,
                                 links=link_kinds, category=category)  # fmt: skip
            H = select(G, options, chosen.keep)
            return {"html": render(H, options, vintage=s.data(at or date.today()))}

        page = s.analysis("map", at, draw, (key, link_kinds, category, layout))
        return HTMLResponse(page["html"])

    @app.get("/maps/network", summary="Map: the whole network", response_class=HTMLResponse)
    def map_network(
        request: Request, at: At = None, links: Links = None, category: Category = None,
        layout: Layout = "geo",
    ) -> HTMLResponse:  # fmt: skip
        return map_page(request, at, views.whole, "network", links, category, layout)

    @app.get(
        "/maps/nodes/{node_id}", summary="Map: one node's network", response_class=HTMLResponse
    )
    def map_node(
        request: Request, node_id: NodeId, at: At = None,
        hops: Annotated[int, Query(ge=1, le=4)] = 1, links: Links = None,
        category: Category = None, layout: Layout = "geo",
    ) -> HTMLResponse:  # fmt: skip
        return map_page(request, at, lambda G: views.around(G, node_id, hops),
                        ("node", node_id, hops), links, category, layout)  # fmt: skip

    @app.get("/maps/clusters/{number}", summary="Map: one cluster", response_class=HTMLResponse)
    def map_cluster(
        request: Request, number: Annotated[int, PathParam(ge=1, le=100_000)], at: At = None,
        links: Links = None, category: Category = None, layout: Layout = "geo",
    ) -> HTMLResponse:  # fmt: skip
        return map_page(request, at, lambda G: views.cluster(G, number), ("cluster", number),
                        links, category, layout)  # fmt: skip

    @app.get("/maps/candidates/{rank}", summary="Map: one candidate partnership",
             response_class=HTMLResponse)  # fmt: skip
    def map_candidate(
        request: Request, rank: Annotated[int, PathParam(ge=1, le=100_000)], at: At = None,
        links: Links = None, category: Category = None, layout: Layout = "geo",
    ) -> HTMLResponse:  # fmt: skip
        return map_page(request, at, lambda G: views.candidate(G, rank), ("candidate", rank),
                        links, category, layout)  # fmt: skip

    @app.get("/maps/buying-organisations/{node_id}", summary="Map: a buying organisation's reach",
             response_class=HTMLResponse)  # fmt: skip
    def map_reach(
        request: Request, node_id: NodeId, at: At = None, links: Links = None,
        category: Category = None, layout: Layout = "geo",
    ) -> HTMLResponse:  # fmt: skip
        return map_page(request, at, lambda G: views.reach(G, node_id), ("reach", node_id),
                        links, category, layout)  # fmt: skip

    @app.get("/", summary="The explorer page", response_class=HTMLResponse)
    def explorer() -> HTMLResponse:
        return HTMLResponse(explorer_page())

    # --- writes ------------------------------------------------------------------------

    def authorise(key: str | None) -> None:
        if settings.api_key is None:
            raise Forbidden()
        expected = settings.api_key.get_secret_value().encode()
        if key is None or not hmac.compare_digest(key.encode(), expected):
            raise Unauthorised()

    @app.post("/load", summary="Load an uploaded file (the request body)", responses=WRITE_ERRORS)
    async def load(
        request: Request,
        filename: Annotated[
            str,
            Query(
                max_length=200,
                description="the file's name (its vintage may be read from it)",
                examples=["councils_2025.csv"],
            ),
        ],
        format: Annotated[
            str | None, Query(max_length=40, description="skip detection: " + ", ".join(FORMATS))
        ] = None,
        dataset: Annotated[str | None, Query(max_length=200)] = None,
        vintage: Annotated[str | None, Query(max_length=40)] = None,
        skip_invalid: bool = False,
        x_api_key: Annotated[str | None, Header(max_length=500)] = None,
    ) -> dict[str, Any]:
        authorise(x_api_key)
        if format is not None and format not in FORMATS:
            raise InvalidInput(
                f"unknown format {format!r}", hint=f"use one of {', '.join(FORMATS)}"
            )
        limit = settings.max_upload_mb * 2**20
        name = Path(filename).name or "upload"
        with tempfile.TemporaryDirectory(prefix="partnermap-upload-") as folder:
            path = Path(folder) / name
            size = 0
            with path.open("wb") as f:
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge(settings.max_upload_mb)
                    f.write(chunk)
            s = service(request)
            report = await run_in_threadpool(
                load_files,
                s.store,
                [path],
                fmt=format,
                dataset=dataset,
                vintage=vintage,
                skip_invalid=skip_invalid,
            )
        return report.as_dict()

    @app.post("/reload", summary="Load the bundled data again", responses=WRITE_ERRORS)
    async def reload(
        request: Request, x_api_key: Annotated[str | None, Header(max_length=500)] = None
    ) -> dict[str, Any]:
        authorise(x_api_key)
        report = await run_in_threadpool(load_bundled, service(request).store)
        return report.as_dict()

    return app


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


__all__ = ["Forbidden", "TooLarge", "Unauthorised", "create_app"]
