"""The scenarios: the list, one scenario's report, a comparison of options, and the graph's
counts as if one had happened (the analyses take ``scenario=`` to run on that graph)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi import Path as PathParam

from api.http.deps import At, ServiceDep
from api.http.routes.analyses import MAX_WEIGHTS
from api.http.schemas import (
    READ_ERRORS,
    AppliedScenario,
    ScenarioComparison,
    ScenarioReport,
    ScenarioRow,
)
from graph.analysis.collab import Weights
from graph.analysis.scenarios import PARAMS
from graph.what_if import MAX_COMPARED, applied_graph, compare, report, scenario_rows

router = APIRouter()

ScenarioId = Annotated[
    str,
    PathParam(
        max_length=120,
        examples=["surrey-two-unitaries"],
        description="a scenario id ('GET /scenarios' lists them)",
    ),
]
UnitaryMin = Annotated[
    int | None, Query(ge=0, le=100_000_000, description=PARAMS[0].describe(), examples=[500_000])
]
SaMin = Annotated[
    int | None, Query(ge=0, le=100_000_000, description=PARAMS[1].describe(), examples=[1_500_000])
]
WeightItems = Annotated[
    list[str] | None,
    Query(max_length=MAX_WEIGHTS, description=PARAMS[2].describe(), examples=[["borders=0"]]),
]


def _given(unitary_min: int | None, sa_min: int | None, weight: list[str] | None) -> dict[str, Any]:
    return {"unitary_min": PARAMS[0].default if unitary_min is None else unitary_min,
            "sa_min": PARAMS[1].default if sa_min is None else sa_min,
            "weights": Weights.parse(weight or [])}  # fmt: skip


@router.get("/scenarios", summary="The reorganisation and devolution scenarios",
            response_model=list[ScenarioRow], responses=READ_ERRORS)  # fmt: skip
def scenarios(
    service: ServiceDep,
    council: Annotated[str | None, Query(max_length=200, examples=["E07000209"],
                                         description="only those naming this council")] = None,
) -> Any:  # fmt: skip
    rows = service.remember("scenarios", None, lambda: scenario_rows(service.store))
    return [r for r in rows if council is None or council in r["councils"]]


@router.get("/scenarios/compare", summary="Options for one area side by side",
            response_model=ScenarioComparison, responses=READ_ERRORS)  # fmt: skip
def comparison(
    service: ServiceDep,
    ids: Annotated[list[str], Query(min_length=2, max_length=MAX_COMPARED,
                                    description="two or more scenario ids",
                                    examples=[["essex-three-unitaries", "essex-five-unitaries"]])],
    at: At = None,
    unitary_min: UnitaryMin = None,
    sa_min: SaMin = None,
    weight: WeightItems = None,
) -> Any:  # fmt: skip
    given = _given(unitary_min, sa_min, weight)
    chosen = service.scenarios(ids)
    key = ("compare", tuple(ids), at, tuple(sorted(given.items())))
    return service.remember(key, at, lambda: compare(chosen, service.graph, at, given))


@router.get("/scenarios/{scenario_id}", summary="What a scenario does: tests, joint working "
            "split and absorbed, inheritance, cohesion", response_model=ScenarioReport,
            responses=READ_ERRORS)  # fmt: skip
def scenario(
    service: ServiceDep,
    scenario_id: ScenarioId,
    at: At = None,
    unitary_min: UnitaryMin = None,
    sa_min: SaMin = None,
    weight: WeightItems = None,
) -> Any:
    given = _given(unitary_min, sa_min, weight)
    chosen = service.scenarios([scenario_id])[0]
    key = ("scenario", scenario_id, tuple(sorted(given.items())))
    return service.remember(key, at, lambda: report(chosen, service.graph, at, given))


@router.get("/scenarios/{scenario_id}/applied", summary="The graph's counts as if the scenario "
            "had happened (analyses take scenario= to run on it)",
            response_model=AppliedScenario, responses=READ_ERRORS)  # fmt: skip
def applied(service: ServiceDep, scenario_id: ScenarioId, at: At = None) -> Any:
    chosen = service.scenarios([scenario_id])[0]
    day, _, changes = applied_graph(chosen, service.graph, at)
    return {"as_at": day.isoformat(), **changes}
