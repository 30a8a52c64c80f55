"""Writes: load an uploaded file, or the bundled data again. Each needs the API key and goes
through the same validating, all-or-nothing loader as the command line."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from api.http.deps import ServiceDep, TooLarge, require_key, settings
from api.http.schemas import WRITE_ERRORS, LoadReport
from graph.errors import InvalidInput
from loaders import FORMATS, load_bundled, load_files

router = APIRouter(dependencies=[Depends(require_key)], responses=WRITE_ERRORS)


@router.post("/load", summary="Load an uploaded file (the request body)")
async def load(
    request: Request,
    service: ServiceDep,
    filename: Annotated[
        str,
        Query(max_length=200, description="the file's name (its vintage may be read from it)",
              examples=["councils_2025.csv"]),
    ],
    format: Annotated[
        str | None, Query(max_length=40, description="skip detection: " + ", ".join(FORMATS))
    ] = None,
    dataset: Annotated[str | None, Query(max_length=200)] = None,
    vintage: Annotated[str | None, Query(max_length=40)] = None,
    skip_invalid: bool = False,
) -> LoadReport:  # fmt: skip
    if format is not None and format not in FORMATS:
        raise InvalidInput(f"unknown format {format!r}", hint=f"use one of {', '.join(FORMATS)}")
    most = settings(request).max_upload_mb
    name = Path(filename).name or "upload"
    with tempfile.TemporaryDirectory(prefix="partnermap-upload-") as folder:
        path = Path(folder) / name
        size = 0
        with path.open("wb") as f:
            async for chunk in request.stream():
                size += len(chunk)
                if size > most * 2**20:
                    raise TooLarge(most)
                f.write(chunk)
        report = await run_in_threadpool(
            load_files, service.store, [path], fmt=format, dataset=dataset, vintage=vintage,
            skip_invalid=skip_invalid,
        )  # fmt: skip
    return LoadReport(**report.as_dict())


@router.post("/reload", summary="Load the bundled data again")
async def reload(service: ServiceDep) -> LoadReport:
    report = await run_in_threadpool(load_bundled, service.store)
    return LoadReport(**report.as_dict())
