"""The expiry calendars: of an area (a council with its districts, a combined authority), of a
scenario's councils with its vesting day, or of a list of councils; as JSON or as a timeline
page (``visualise.timeline``). Each reads only its councils' contracts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse

from api.http.deps import At, ServiceDep
from api.http.schemas import HTML_ERRORS, READ_ERRORS, Calendar
from graph.what_if import calendar
from visualise.timeline import timeline_html

router = APIRouter()

AreaId = Annotated[str, PathParam(max_length=200, examples=["E10000011"],
                                  description="a council (a county: with its districts) or a "
                                  "combined authority")]  # fmt: skip
ScenarioId = Annotated[str, PathParam(max_length=120, examples=["surrey-two-unitaries"])]
Months = Annotated[
    int,
    Query(ge=1, le=120, description="contracts of different councils ending within this many "
          "months of one another form a group"),
]  # fmt: skip


def _area(service: Any, area: str, at: date | None, months: int) -> dict[str, Any]:
    return dict(service.remember(("expiries", area, months), at, lambda: calendar(
        service.store, area=area, at=at, months=months)))  # fmt: skip


def _scenario(service: Any, name: str, at: date | None, months: int) -> dict[str, Any]:
    chosen = service.scenarios([name])[0]
    return dict(service.remember(("expiries-scenario", name, months), at, lambda: calendar(
        service.store, scenario=chosen, at=at, months=months)))  # fmt: skip


@router.get("/areas/{area}/expiries", summary="When an area's contracts end, by category",
            response_model=Calendar, responses=READ_ERRORS)  # fmt: skip
def area_expiries(service: ServiceDep, area: AreaId, at: At = None, months: Months = 6) -> Any:
    return _area(service, area, at, months)


@router.get("/areas/{area}/expiries/timeline", summary="The same, as a timeline page",
            response_class=HTMLResponse, responses=HTML_ERRORS)  # fmt: skip
def area_timeline(service: ServiceDep, area: AreaId, at: At = None, months: Months = 6) -> Any:
    result = _area(service, area, at, months)
    names = ", ".join(c["name"] for c in result["councils"][:3])
    return HTMLResponse(timeline_html(result, f"Contracts ending: {names}"))


@router.get("/scenarios/{scenario_id}/expiries", summary="When the contracts of a scenario's "
            "councils end, and which run past vesting day", response_model=Calendar,
            responses=READ_ERRORS)  # fmt: skip
def scenario_expiries(
    service: ServiceDep, scenario_id: ScenarioId, at: At = None, months: Months = 6
) -> Any:
    return _scenario(service, scenario_id, at, months)


@router.get("/scenarios/{scenario_id}/expiries/timeline", summary="The same, as a timeline",
            response_class=HTMLResponse, responses=HTML_ERRORS)  # fmt: skip
def scenario_timeline(
    service: ServiceDep, scenario_id: ScenarioId, at: At = None, months: Months = 6
) -> Any:
    result = _scenario(service, scenario_id, at, months)
    name = service.scenarios([scenario_id])[0].name
    return HTMLResponse(timeline_html(result, f"Contracts ending: {name}"))


@router.get("/expiries", summary="When a group of councils' contracts end (a candidate group)",
            response_model=Calendar, responses=READ_ERRORS)  # fmt: skip
def councils_expiries(
    service: ServiceDep,
    councils: Annotated[list[str], Query(min_length=1, max_length=200,
                                         examples=[["E07000064", "E07000065"]])],
    at: At = None,
    months: Months = 6,
) -> Any:  # fmt: skip
    key = ("expiries-councils", tuple(sorted(councils)), months)
    return service.remember(key, at, lambda: calendar(service.store, councils=councils, at=at,
                                                      months=months))  # fmt: skip
