"""The service and the graph as a whole: health, counts, sources."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.http.deps import At, ServiceDep
from api.http.schemas import Counts, Data, Health

router = APIRouter()


@router.get("/health", summary="Is the service up, and which data does it serve?")
def health(service: ServiceDep) -> Health:
    store = service.store
    return Health(status="ok", store=store.name, data_version=store.data_version())


@router.get("/stats", summary="Nodes and links by kind")
def stats(
    service: ServiceDep,
    at: At = None,
    all: Annotated[bool, Query(description="count ended records too")] = False,
) -> Counts:
    day = None if all else (at or date.today())
    counts = service.store.stats(day).as_dict()
    return Counts(**counts, as_at=day.isoformat() if day else None)


@router.get("/sources", summary="The datasets and vintages behind the loaded graph")
def sources(service: ServiceDep, at: At = None) -> Data:
    return Data(**service.data(at or date.today()))
