"""The maps (one self-contained HTML page each) and the explorer. A map of one item of an
analysis (``/maps/clusters/3``) takes that analysis's parameters, declared once, and shows item
3 of the very result ``/clusters`` gives with the same parameters."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

import networkx as nx
from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse

from api.http.deps import At, NodeId, ServiceDep
from api.http.routes.analyses import annotation, arguments
from api.http.schemas import HTML_ERRORS
from api.http.service import Service
from graph.analysis import ANALYSES, Analysis
from visualise import views
from visualise.colours import analysis_groups, colourings
from visualise.maps import MapOptions, explorer_page, link_kinds, render, select

router = APIRouter(default_response_class=HTMLResponse)

Links = Annotated[str | None, Query(max_length=300, description="link kinds, comma-separated",
                                    examples=["borders,partner_in"])]  # fmt: skip
Category = Annotated[str | None, Query(max_length=40, examples=["waste"])]
Layout = Annotated[Literal["geo", "force"], Query()]
Hops = Annotated[int, Query(ge=1, le=4, description="links out from the node")]
Number = Annotated[int, PathParam(ge=1, le=100_000, description="the item's number, from 1")]


def draw(
    service: Service, at: date | None, G: nx.MultiDiGraph[str], view: views.View,
    links: str | None, category: str | None, layout: Literal["geo", "force"],
    *, whole: bool = True,
) -> str:  # fmt: skip
    """The page of ``view``; ``whole``: ``G`` is the whole graph as at the day, so the shapes
    can be coloured by cluster and candidate partnership too (cached per data version)."""
    options = MapOptions(title=view.title, layout=layout, links=link_kinds(links),
                         category=category)  # fmt: skip
    H = select(G, options, view.keep)
    groups = service.remember(("colour-groups",), at, lambda: analysis_groups(G)) if whole else {}
    return render(H, options, vintage=service.data(at or date.today()),
                  colourings=colourings(G, H, groups), served=True)  # fmt: skip


def cached_page(
    service: Service, key: Any, at: date | None, make: Callable[[], str]
) -> HTMLResponse:
    return HTMLResponse(service.remember(("map", key), at, make))


@router.get("/maps/network", summary="Map: the whole network", responses=HTML_ERRORS)
def network(
    service: ServiceDep, at: At = None, links: Links = None, category: Category = None,
    layout: Layout = "geo",
) -> HTMLResponse:  # fmt: skip
    def make() -> str:
        G = service.graph(at)
        return draw(service, at, G, views.whole(G), links, category, layout)

    return cached_page(service, ("network", links, category, layout), at, make)


@router.get("/maps/nodes/{node_id}", summary="Map: one node's network", responses=HTML_ERRORS)
def around(
    service: ServiceDep, node_id: NodeId, at: At = None, hops: Hops = 1, links: Links = None,
    category: Category = None, layout: Layout = "geo",
) -> HTMLResponse:  # fmt: skip
    def make() -> str:
        G = service.store.neighbourhood([node_id], hops, at or date.today())
        return draw(
            service, at, G, views.around(G, node_id, hops), links, category, layout, whole=False
        )

    return cached_page(service, ("node", node_id, hops, links, category, layout), at, make)


@router.get("/maps/buying-organisations/{node_id}", summary="Map: a buying organisation's reach",
            responses=HTML_ERRORS)  # fmt: skip
def reach(
    service: ServiceDep, node_id: NodeId, at: At = None, links: Links = None,
    category: Category = None, layout: Layout = "geo",
) -> HTMLResponse:  # fmt: skip
    def make() -> str:
        G = service.graph(at)
        return draw(service, at, G, views.reach(G, node_id), links, category, layout)

    return cached_page(service, ("reach", node_id, links, category, layout), at, make)


def item_map(spec: Analysis) -> Callable[..., HTMLResponse]:
    """``/maps/{analysis}/{number}``: item ``number`` of the analysis's result, computed with
    the parameters given (the spec's), as ``/{analysis}`` gives it."""
    view = views.RESULT_VIEWS[spec.name]

    def answer(**given: Any) -> HTMLResponse:
        service: Service = given.pop("service")
        at, number = given["at"], given["number"]
        result = service.analysis(spec, at, arguments(spec, given))

        def make() -> str:
            G = service.graph(at)
            return draw(service, at, G, view(G, result, number), given["links"],
                        given["category"], given["layout"])  # fmt: skip

        key = (spec.name, number, given["links"], given["category"], given["layout"],
               tuple(sorted(arguments(spec, given).items())))  # fmt: skip
        return cached_page(service, key, at, make)

    keyword = inspect.Parameter.KEYWORD_ONLY
    params = [
        inspect.Parameter("service", keyword, annotation=ServiceDep),
        inspect.Parameter("number", keyword, annotation=Number),
        *(inspect.Parameter(p.name, keyword, annotation=annotation(p), default=p.default)
          for p in spec.params),
        inspect.Parameter("at", keyword, annotation=At, default=None),
        inspect.Parameter("links", keyword, annotation=Links, default=None),
        inspect.Parameter("category", keyword, annotation=Category, default=None),
        inspect.Parameter("layout", keyword, annotation=Layout, default="geo"),
    ]  # fmt: skip
    answer.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    answer.__name__ = f"map_{spec.name}"
    return answer


for _spec in ANALYSES.values():
    if _spec.map_view:
        router.add_api_route(
            f"/maps/{_spec.name}/{{number}}",
            item_map(_spec),
            methods=["GET"],
            summary=f"Map: one item of /{_spec.name} ({_spec.summary.lower()})",
            responses=HTML_ERRORS,
            response_class=HTMLResponse,
            name=f"map_{_spec.name}",
        )


@router.get("/", summary="The explorer page", responses=HTML_ERRORS)
def explorer() -> HTMLResponse:
    return HTMLResponse(explorer_page())
