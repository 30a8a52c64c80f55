"""One node, finding nodes, a node's partnerships, and the buying organisations: each read
from the store natively (never the whole graph, on Neo4j), except the buying organisations'
reach, which is a whole-graph question."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.http.deps import LIMIT, At, Limit, NodeId, Offset, ServiceDep, page
from api.http.schemas import BuyingOrganisationPage, NodeWithLinks, Page, Partnerships
from graph import LinkKind, node_with_links, queries
from graph.search import search

router = APIRouter()

PARTNERSHIP_KINDS = frozenset(
    {LinkKind.PARTNER_IN, LinkKind.PARTICIPATES_IN, LinkKind.OWNS, LinkKind.BUYS_THROUGH}
)
"""What a node's partnerships are: its arrangements and buying organisations, and their other
partners (two links out)."""

Filter = Annotated[str | None, Query(max_length=40)]
Code = Annotated[str | None, Query(max_length=20)]


@router.get("/nodes", summary="Find nodes by any of their names, kind, type and place")
def nodes(
    service: ServiceDep,
    q: Annotated[str | None, Query(max_length=200, examples=["Leeds"],
                                   description="any known name, or the id: words in any order, "
                                   "prefixes and small typos are found, best first")] = None,
    kind: Annotated[str | None, Query(max_length=40, examples=["council"])] = None,
    council_type: Annotated[str | None, Query(max_length=40,
                                              examples=["metropolitan_district"])] = None,
    region: Annotated[str | None, Query(max_length=20, description="a region or nation code",
                                        examples=["E12000003"])] = None,
    combined_authority: Annotated[str | None, Query(max_length=20, examples=["E47000003"])] = None,
    county: Annotated[str | None, Query(max_length=20, examples=["E10000014"])] = None,
    at: At = None,
    limit: Limit = LIMIT,
    offset: Offset = 0,
) -> Page:  # fmt: skip
    found = search(
        service.search_rows(at), service.variants, q=q, kind=kind, council_type=council_type,
        region=region, combined_authority=combined_authority, county=county,
    )  # fmt: skip
    return Page(**page(found, limit, offset))


@router.get("/nodes/{node_id}", summary="One node, its attributes and its links with evidence")
def node(
    service: ServiceDep,
    node_id: NodeId,
    at: Annotated[
        date | None,
        Query(
            description="only the links in force that day, between bodies that existed then "
            "(default: every link, ended ones too)",
            examples=["2019-01-01"],
        ),
    ] = None,
) -> NodeWithLinks:
    return NodeWithLinks(**node_with_links(service.store, node_id, at))


@router.get(
    "/nodes/{node_id}/partnerships",
    summary="A node's shared services, joint procurements and buying organisations",
)
def partnerships(service: ServiceDep, node_id: NodeId, at: At = None) -> Partnerships:
    G = service.store.neighbourhood([node_id], 2, at or date.today(), kinds=PARTNERSHIP_KINDS)
    return Partnerships(**queries.partnerships(G, node_id))


@router.get("/buying-organisations", summary="Buying organisations, their owners, users, reach")
def buying_organisations(
    service: ServiceDep, at: At = None, limit: Limit = LIMIT, offset: Offset = 0
) -> BuyingOrganisationPage:
    found: list[Any] = queries.buying_organisations(service.graph(at))
    return BuyingOrganisationPage(**page(found, limit, offset))
