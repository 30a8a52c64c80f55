"""``/resolve``: which bodies a name, as people and notices write it, names."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.http.deps import At, ServiceDep
from api.http.schemas import Placement
from graph.store.base import GraphStore
from loaders.buyers import place, placement_dict, resolver_for, successors_in
from loaders.resolve import Resolver

router = APIRouter()


@router.get("/resolve", summary="The bodies a name names (departments, agents, several bodies)")
def resolve(
    service: ServiceDep,
    name: Annotated[str, Query(min_length=1, max_length=500,
                               examples=["Chorley Council and South Ribble Borough Council"])],
    at: At = None,
) -> Placement:  # fmt: skip
    resolver = service.remember(("resolver",), None, lambda: _resolver(service.store))
    return Placement(**placement_dict(resolver, place(resolver, name, at)))


def _resolver(store: GraphStore) -> Resolver:
    nodes = list(store.iter_nodes())
    return resolver_for(nodes, successors=successors_in(store, nodes))
