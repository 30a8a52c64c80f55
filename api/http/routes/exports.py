"""The graph, or part of it, as a file other tools read (Gephi, spreadsheets, NetworkX)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import Response

from api.http.deps import At, ServiceDep
from api.http.schemas import READ_ERRORS
from graph import LinkKind, queries

router = APIRouter()

FILE = {
    "content": {
        "application/xml": {"schema": {"type": "string"}},
        "application/json": {"schema": {"type": "object"}},
        "text/csv": {"schema": {"type": "string"}},
    },
    "description": "the file",
}


@router.get(
    "/export/{fmt}",
    summary="The graph, or a filtered part of it, as GraphML, GEXF, JSON or CSV",
    response_class=Response,
    responses={200: FILE, **READ_ERRORS},
)
def export(
    service: ServiceDep,
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
    if around is not None:
        G = service.store.neighbourhood(
            [around], hops, at or date.today(), kinds=frozenset(LinkKind)
        )
    else:
        G = service.graph(at)
    body, media = queries.export(
        queries.subgraph(G, kinds=kind or (), around=around, hops=hops), fmt
    )
    filename = f"partnermap.{fmt}" if "." not in fmt else f"partnermap-{fmt}"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
