"""The analysis routes, made from their declarations (``graph.analysis.ANALYSES``): one route
per analysis, whose query and path parameters (names, defaults, bounds, help) are the spec's,
and whose answer is the analysis's result with the data it was computed from."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi import Path as PathParam

from api.http.deps import LIMIT, At, Limit, Offset, ServiceDep, page
from api.http.schemas import READ_ERRORS, RESULTS
from api.http.service import Service
from graph.analysis import ANALYSES, Analysis, Param, Weights

router = APIRouter()

MAX_WEIGHTS = 20
"""``weight=`` items one request may give."""
ScenarioQuery = Annotated[
    str | None,
    Query(max_length=120, examples=["surrey-two-unitaries"],
          description="on the graph as if this scenario had happened (GET /scenarios)"),
]  # fmt: skip


def annotation(p: Param) -> Any:
    """The FastAPI parameter for ``p``: its type, bounds, help and examples."""
    if p.type is Weights:
        return Annotated[
            list[str] | None,
            Query(alias=p.query, max_length=MAX_WEIGHTS, description=p.describe(),
                  examples=list(p.examples)),
        ]  # fmt: skip
    kind: Any = Literal[p.choices] if p.choices else p.type
    if not p.required:
        kind = kind | None
    where = PathParam if p.in_path else Query
    options: dict[str, Any] = {"description": p.describe(), "examples": list(p.examples)}
    if not p.in_path and p.api_name:
        options["alias"] = p.api_name
    for bound in ("ge", "gt", "le", "max_length"):
        if getattr(p, bound) is not None:
            options[bound] = getattr(p, bound)
    return Annotated[kind, where(**options)]


def signature(spec: Analysis) -> inspect.Signature:
    keyword = inspect.Parameter.KEYWORD_ONLY
    params = [inspect.Parameter("service", keyword, annotation=ServiceDep)]
    for p in spec.params:
        default = inspect.Parameter.empty if p.required else p.default
        params.append(inspect.Parameter(p.name, keyword, annotation=annotation(p), default=default))
    params.append(inspect.Parameter("at", keyword, annotation=At, default=None))
    params.append(inspect.Parameter("scenario", keyword, annotation=ScenarioQuery, default=None))
    if spec.paginate:
        params.append(inspect.Parameter("limit", keyword, annotation=Limit, default=LIMIT))
        params.append(inspect.Parameter("offset", keyword, annotation=Offset, default=0))
    return inspect.Signature(params)


def arguments(spec: Analysis, given: dict[str, Any]) -> dict[str, Any]:
    """The spec's checked arguments from the request's values (``weight`` items parsed)."""
    values = {p.name: given[p.name] for p in spec.params}
    for p in spec.params:
        if p.type is Weights:
            values[p.name] = Weights.parse(given[p.name] or [])
    return spec.arguments(values)


def run(service: Service, spec: Analysis, given: dict[str, Any]) -> dict[str, Any]:
    at: date | None = given["at"]
    result = service.analysis(spec, at, arguments(spec, given), given["scenario"])
    if spec.paginate:
        items = result[spec.paginate]
        result = {**result, spec.paginate: page(items, given["limit"], given["offset"])}
    return result


def endpoint(spec: Analysis) -> Callable[..., Any]:
    def answer(**given: Any) -> Any:
        return run(given.pop("service"), spec, given)

    answer.__signature__ = signature(spec)  # type: ignore[attr-defined]
    answer.__name__ = spec.name
    answer.__doc__ = (inspect.getdoc(spec.run) or "").split("\n\n")[0]
    return answer


def route_path(spec: Analysis) -> str:
    return spec.route


for _spec in ANALYSES.values():
    router.add_api_route(
        route_path(_spec),
        endpoint(_spec),
        methods=["GET"],
        summary=_spec.summary,
        response_model=RESULTS[_spec.name],
        responses=READ_ERRORS,
        name=_spec.name,
    )
