"""``/resolve``: which bodies a name, as people and notices write it, names."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.http.deps import At, ServiceDep
from api.http.schemas import Placement
from loaders.buyers import place, placement_dict, resolver_for

router = APIRouter()


@router.get("/resolve", summary="The bodies a name names (departments, agents, several bodies)")
def resolve(
    service: ServiceDep,
    name: Annotated[str, Query(min_length=1, max_length=500,
                               examples=["Chorley Council and South Ribble Borough Council"])],
    at: At = None,
) -> Placement:  # fmt: skip
    resolver = service.remember(
        ("resolver",), None, lambda: resolver_for(service.store.iter_nodes())
    )
    return Placement(**placement_dict(resolver, place(resolver, name, at)))
