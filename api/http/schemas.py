"""The shapes the API answers with, as pydantic models: ``/openapi.json`` has a schema for every
success and every error, and schemathesis checks bodies against them.

Every model allows extra fields: records carry open attribute sets (a council's
``official_name``, a shared service's ``annual_savings_gbp``), and an analysis that adds a field
must not lose it on the way out. The fields declared are the ones a client can rely on.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

Number = int | float
"""A count or a measure, kept as the analysis gave it (3 stays 3, not 3.0)."""


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


# --- errors -------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    status: int = Field(examples=[404])
    type: str = Field(description="the error's class", examples=["NotFound"])
    message: str = Field(examples=["no node with id 'leeds'"])
    hint: str | None = Field(description="what to do", examples=["did you mean E08000035?"])


class ErrorBody(BaseModel):
    """The one error shape, for every status."""

    error: ErrorDetail


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these statuses, each with the ``ErrorBody`` schema."""
    what = {
        400: "Bad input",
        401: "Missing or wrong X-API-Key",
        403: "Writes are off: no PARTNERMAP_API_KEY is set",
        404: "Not found",
        413: "Upload larger than PARTNERMAP_MAX_UPLOAD_MB",
        422: "Invalid parameter",
        503: "The store is unreachable (Neo4j down); retry later",
    }
    return {code: {"model": ErrorBody, "description": what[code]} for code in codes}


READ_ERRORS = error_responses(400, 404, 422, 503)
HTML_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {
        "description": response["description"],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }
    for code, response in READ_ERRORS.items()
}
"""The same errors for routes whose success is an HTML page: errors are still JSON."""
WRITE_ERRORS = error_responses(400, 401, 403, 404, 413, 422, 503)


# --- records ------------------------------------------------------------------------------


class NodeRef(Open):
    id: str
    name: str
    kind: str


class NodeRecord(Open):
    id: str
    kind: str
    name: str
    valid_from: str | None
    valid_to: str | None
    sources: list[str]


class OtherEnd(BaseModel):
    id: str
    name: str | None
    kind: str | None


class LinkRecord(Open):
    from_id: str
    kind: str
    to_id: str
    role: str | None
    valid_from: str | None
    valid_to: str | None
    sources: list[str]
    direction: str = Field(description="'out' from the node, or 'in'")
    other: OtherEnd


class NodeWithLinks(BaseModel):
    node: NodeRecord
    links: list[LinkRecord]
    as_at: date | None = Field(
        default=None, description="the day asked for (`at`); the links are those in force then"
    )
    existed: bool | None = Field(
        default=None, description="whether the node existed on `as_at` (null without `at`)"
    )


class Health(BaseModel):
    status: str
    store: str
    data_version: str


class Counts(BaseModel):
    nodes: dict[str, int]
    links: dict[str, int]
    as_at: str | None


class Data(BaseModel):
    """What a result was computed from."""

    data_version: str
    as_at: str | None
    datasets: list[str] = Field(description="every DATASET@VINTAGE behind the graph")


class Page(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


class Partnership(NodeRef):
    link: str
    link_attributes: dict[str, Any]
    partners: list[NodeRef]


class Partnerships(BaseModel):
    node: NodeRef
    shared_services: list[Partnership]
    joint_procurements: list[Partnership]
    buying_organisations: list[Partnership]


class BuyingOrganisation(NodeRef):
    owners: int
    users: int
    reach: int
    users_value_gbp: Number
    by_region: dict[str, dict[str, Number]]
    owner_list: list[NodeRef]
    user_list: list[NodeRef]


class BuyingOrganisationPage(Page):
    items: list[BuyingOrganisation]  # type: ignore[assignment]


class LoadReport(Open):
    files: list[dict[str, Any]]
    stored: bool
    data_version: str | None = None


class Body(BaseModel):
    id: str
    name: str
    kind: str | None


class Placement(BaseModel):
    text: str
    placed: bool
    ids: list[str]
    bodies: list[Body]
    how: str = Field(description="how it was placed, or why not")
    agent: str | None = Field(description="who bought on the body's behalf")
    candidates: list[str] = Field(description="for a name not placed: the closest bodies")


# --- analyses -----------------------------------------------------------------------------


class Result(Open):
    data: Data
    parameters: dict[str, Any]


class Cluster(Open):
    cluster: int
    size: int
    members: list[NodeRef]
    internal_weight: Number
    regions: dict[str, int]
    evidence: list[dict[str, Any]]


class Clusters(Result):
    organisations: int
    isolated: int
    modularity: Number
    stability: dict[str, Any]
    clusters: list[Cluster]
    combined_authority_fit: dict[str, Any]


class Candidate(Open):
    rank: int
    score: Number
    breakdown: dict[str, Number]
    size: int
    members: list[NodeRef]
    councils: int
    districts: list[NodeRef]
    kind: str = Field(
        description="new (a new combined authority), extends (one whole "
        "combined authority with more councils) or collaboration_group (outside "
        "England or in London, where no combined authority is made)"
    )
    area: str
    extends: list[NodeRef]
    regional_bodies: list[NodeRef]
    population: dict[str, Any]
    evidence: dict[str, list[NodeRef]]


class CandidatePage(Page):
    items: list[Candidate]  # type: ignore[assignment]


class Candidates(Result):
    candidates: CandidatePage
    near_misses: list[dict[str, Any]]
    councils_outside_combined_authorities: list[dict[str, Any]]


class Recommendation(NodeRef):
    score: Number
    breakdown: dict[str, Number]
    common_partners: list[NodeRef]
    reasons: list[str]


class Recommendations(Result):
    node: NodeRef
    works_with: list[NodeRef]
    recommendations: list[Recommendation]


class Broker(NodeRef):
    betweenness: Number
    partners: int
    strength: Number


class Brokers(Result):
    brokers: list[Broker]
    buying_organisations: list[dict[str, Any]]


class Gaps(Result):
    councils_without_partnerships: list[NodeRef]
    combined_authorities: list[dict[str, Any]]
    neighbours_buying_separately: list[dict[str, Any]]
    neighbours_buying_separately_total: int


class Step(Open):
    link: str
    direction: str
    role: str | None
    to: NodeRef
    from_: NodeRef = Field(alias="from")


class Path(Result):
    found: bool
    steps: list[Step]
    cost: Number | None = None


class Opportunity(NodeRef):
    proximity: str = Field(description="borders, same county, same combined authority, further")
    score: Number
    breakdown: dict[str, Number]
    pairs: dict[str, int]
    evidence: dict[str, list[dict[str, Any]]]
    reasons: list[str]


class Opportunities(Result):
    node: NodeRef
    contracts: int
    opportunities: list[Opportunity]
    neighbours_frameworks: list[dict[str, Any]]


class Coverage(Result):
    organisation: NodeRef
    summary: dict[str, Number]
    users: list[dict[str, Any]] = Field(
        description="bodies calling off its frameworks, most call-offs first"
    )
    owners_not_calling_off: list[NodeRef]
    frameworks: list[dict[str, Any]] = Field(description="each reference and who calls it off")
    regions: list[dict[str, Any]] = Field(
        description="councils of each region reached: how many call off, and those that do not"
    )


RESULTS: dict[str, type[Result]] = {
    "clusters": Clusters,
    "candidates": Candidates,
    "recommend": Recommendations,
    "brokers": Brokers,
    "gaps": Gaps,
    "path": Path,
    "opportunities": Opportunities,
    "coverage": Coverage,
}
"""The response model of each analysis (``graph.analysis.ANALYSES``), by name."""


# --- scenarios ----------------------------------------------------------------------------


class ScenarioRow(Open):
    id: str
    name: str
    kind: str
    status: str
    status_date: str | None
    area: str | None
    new_councils: list[str]
    strategic_authorities: list[str]
    councils: list[str] = Field(description="the councils it replaces, divides or combines")
    source_url: str
    verified: str


class Check(Open):
    test: str
    outcome: str = Field(description="pass, fail, or unknown when the data cannot say")
    detail: str


class ScenarioBody(Open):
    id: str
    name: str
    population: int
    population_complete: bool
    tests: list[Check]
    cohesion: dict[str, Number | None]


class ScenarioReport(Open):
    as_at: str = Field(description="the day of the graph it was judged on")
    scenario: dict[str, Any]
    parameters: dict[str, Any]
    new_councils: list[ScenarioBody]
    strategic_authorities: list[ScenarioBody]
    tests: list[Check]
    joint_working: dict[str, list[dict[str, Any]]]
    cohesion: dict[str, Number | None]
    summary: dict[str, Any]


class ScenarioComparison(Open):
    parameters: dict[str, Any]
    areas: list[str]
    same_area: bool
    scenarios: list[dict[str, Any]]
    keeps_most: str | None


class AppliedScenario(Open):
    as_at: str
    scenario: str
    nodes_before: dict[str, int]
    nodes_after: dict[str, int]
    replaced: list[dict[str, Any]]
    added: list[dict[str, Any]]


class Calendar(Open):
    as_at: str
    parameters: dict[str, Any]
    councils: list[NodeRef]
    contracts: int
    value_gbp: Number
    by_year: dict[str, dict[str, Number]]
    categories: list[dict[str, Any]]
