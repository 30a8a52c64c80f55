"""The whole HTTP API: every endpoint on both backends, the write endpoints and their key,
schemathesis against the OpenAPI schema, and 50 concurrent clients on a real uvicorn."""

from __future__ import annotations

import asyncio
import csv
import io
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from conftest import Neo4jServer, copied_store, serving
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import create_app
from graph import Settings, open_store
from loaders import load_bundled

KEY = "correct horse battery staple"


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """A client of the API over the bundled data, on each backend."""
    if request.param == "embedded":
        backend = Settings(home=tmp_path_factory.mktemp("api"))
    else:
        server: Neo4jServer = request.getfixturevalue("neo4j_server")
        server.wipe()
        backend = server.settings()
    with open_store(backend) as store:
        load_bundled(store)
    with TestClient(create_app(backend)) as client:
        yield client


def get(client: TestClient, url: str, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200, (url, response.text)
    return response.json()


def test_three_calls_answer_who_works_with_whom(api: TestClient) -> None:
    """Which councils does Leeds work with, through what, and who should it work with next."""
    leeds = get(api, "/nodes", q="leeds city council")["items"][0]
    assert leeds["id"] == "E08000035"
    partnerships = get(api, f"/nodes/{leeds['id']}/partnerships")
    services = {s["id"]: s for s in partnerships["shared_services"]}
    wyjs = services["ss:west-yorkshire-joint-services"]
    assert wyjs["id"] == "ss:west-yorkshire-joint-services"
    assert {p["id"] for p in wyjs["partners"]} == {
        "E08000032",
        "E08000033",
        "E08000034",
        "E08000036",
    }
    used = {b["id"]: b for b in partnerships["buying_organisations"]}
    assert {"bo:ccs", "bo:ypo", "bo:scape"} <= set(used)
    assert used["bo:ypo"]["link_attributes"]["evidence"] == "ocds-h6vhtk-0652d5"
    next_ = get(api, f"/nodes/{leeds['id']}/recommendations", top=3)
    assert next_["recommendations"][0]["id"] == "E06000065"  # North Yorkshire
    assert next_["recommendations"][0]["reasons"]
    assert next_["data"]["data_version"].endswith(":1")


def test_node_search_filters_and_pages(api: TestClient) -> None:
    west_yorkshire = get(api, "/nodes", combined_authority="E47000003", kind="council")
    assert west_yorkshire["total"] == 5
    region = get(api, "/nodes", region="E12000003", kind="council", limit=4, offset=4)
    assert region["total"] == 15 and len(region["items"]) == 4 and region["offset"] == 4
    everyone = {
        n["id"] for n in get(api, "/nodes", region="E12000003", kind="council", limit=50)["items"]
    }
    assert len(everyone) == 15
    hampshire = get(api, "/nodes", county="E10000014", council_type="district")
    assert hampshire["total"] == 11
    # any known name: the official name, and mySociety's name variants
    assert [n["id"] for n in get(api, "/nodes", q="Hull City Council")["items"]] == ["E06000010"]
    assert [n["id"] for n in get(api, "/nodes", q="Kingston Upon Hull UA")["items"]] == [
        "E06000010"
    ]
    assert get(api, "/nodes", q="no such place")["total"] == 0


def test_buying_organisations_and_analyses(api: TestClient) -> None:
    bos = get(api, "/buying-organisations", limit=100)
    assert bos["total"] == 16
    scotland_excel = next(b for b in bos["items"] if b["id"] == "bo:scotland-excel")
    assert scotland_excel["owners"] == 32 and len(scotland_excel["owner_list"]) == 32
    clusters = get(api, "/clusters")
    assert clusters["clusters"] and clusters["parameters"]["method"] == "louvain"
    assert get(api, "/clusters", method="leiden")["parameters"]["method"] == "leiden"
    candidates = get(api, "/candidates", region="W92000004", limit=2)
    assert candidates["candidates"]["total"] >= 1 and len(candidates["candidates"]["items"]) <= 2
    path = get(api, "/path", **{"from": "E08000035", "to": "E08000032"})
    assert path["found"] and path["steps"][0]["from"]["id"] == "E08000035"
    gaps = get(api, "/gaps", top=3)
    assert len(gaps["neighbours_buying_separately"]) == 3
    assert get(api, "/brokers", top=5)["brokers"][0]["betweenness"] > 0
    sources = get(api, "/sources")
    assert "partnermap-partnerships@2026-11" in sources["datasets"]
    stats = get(api, "/stats", at="2019-01-01")
    today = get(api, "/stats")["nodes"]["council"]
    assert stats["as_at"] == "2019-01-01" and stats["nodes"]["council"] not in (0, today)


def test_exports(api: TestClient) -> None:
    graphml = api.get("/export/graphml", params={"around": "E08000035", "hops": 1})
    assert graphml.status_code == 200 and "attachment" in graphml.headers["content-disposition"]
    root = ET.fromstring(graphml.content)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    ids = {n.get("id") for n in root.iterfind(".//g:node", ns)}
    assert "E08000035" in ids and "E08000032" in ids and "S12000036" not in ids
    gexf = api.get("/export/gexf", params={"kind": ["council", "combined_authority"]})
    assert gexf.status_code == 200 and b"<gexf" in gexf.content
    data = get(api, "/export/json")
    assert len(data["nodes"]) == get(api, "/stats")["nodes"]["council"] + sum(
        v for k, v in get(api, "/stats")["nodes"].items() if k != "council"
    )
    rows = list(csv.DictReader(io.StringIO(api.get("/export/nodes.csv").text)))
    assert {"id", "kind", "name"} <= set(rows[0]) and len(rows) == len(data["nodes"])
    links = list(csv.DictReader(io.StringIO(api.get("/export/links.csv").text)))
    assert len(links) == len(data["links"])
    bad = api.get("/export/xls")
    assert bad.status_code == 404 and "graphml" in bad.json()["error"]["hint"]


@pytest.mark.parametrize(
    ("url", "status", "params"),
    [
        ("/nodes/leeds", 404, {}),
        ("/nodes/E99/partnerships", 404, {}),
        ("/nodes", 422, {"kind": "nope"}),
        ("/nodes", 422, {"limit": 0}),
        ("/clusters", 422, {"weight": "friendship=1"}),
        ("/clusters", 422, {"method": "guess"}),
        ("/path", 422, {"from": "E08000035"}),
        ("/candidates", 404, {"region": "E99"}),
        ("/stats", 422, {"at": "yesterday"}),
        ("/no/such/thing", 404, {}),
    ],
)
def test_one_error_shape(api: TestClient, url: str, status: int, params: dict[str, str]) -> None:
    response = api.get(url, params=params)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["status"] == status and error["message"] and set(error) == {
        "status", "type", "message", "hint"
    }  # fmt: skip


# --- writes ---------------------------------------------------------------------------------

NODES = "id,kind,name\nE06000001,council,Hartlepool\nE06000002,council,Middlesbrough\n"
SERVICE = "id,name,category,delivery_model,partners\nss:tees-legal,Tees legal,legal,lead_authority,E06000001;E06000002\n"


def test_writes_need_the_key(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(home=tmp_path / "off"))) as off:
        response = off.post("/reload")
        assert response.status_code == 403 and response.json()["error"]["type"] == "Forbidden"
    keyed = Settings(home=tmp_path / "on", api_key=KEY, max_upload_mb=1)
    with TestClient(create_app(keyed)) as c:
        assert c.post("/reload").status_code == 401
        assert c.post("/reload", headers={"X-API-Key": "wrong"}).status_code == 401
        before = get(c, "/clusters")
        assert before["clusters"] == [] and before["data"]["data_version"] == "embedded:0"
        report = c.post("/reload", headers={"X-API-Key": KEY})
        assert report.status_code == 200 and report.json()["stored"] is True
        after = get(c, "/clusters")  # cached per data version: recomputed after the load
        assert after["clusters"] and after["data"]["data_version"] == "embedded:1"
        upload = c.post(
            "/load", params={"filename": "tees.csv"}, content=NODES + "\n",
            headers={"X-API-Key": KEY},
        )  # fmt: skip
        assert upload.status_code == 200, upload.text
        assert upload.json()["files"][0]["format"] == "nodes"
        service = c.post("/load", params={"filename": "services.csv"}, content=SERVICE,
                         headers={"X-API-Key": KEY})  # fmt: skip
        assert service.status_code == 200
        services = get(c, "/nodes/E06000001/partnerships")["shared_services"]
        assert "ss:tees-legal" in {s["id"] for s in services}
        version = get(c, "/health")["data_version"]
        bad = c.post("/load", params={"filename": "bad.csv"}, content="id,kind,name\nE99000001,council,X\n",
                     headers={"X-API-Key": KEY})  # fmt: skip
        assert bad.status_code == 422 and "E99" in bad.json()["error"]["message"]
        too_big = c.post("/load", params={"filename": "big.csv"}, content=b"x" * (2 * 2**20),
                         headers={"X-API-Key": KEY})  # fmt: skip
        assert too_big.status_code == 413 and too_big.json()["error"]["type"] == "TooLarge"
        assert get(c, "/health")["data_version"] == version  # nothing half-loaded


# --- schemathesis ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def asgi_app(bundled_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    home = copied_store(bundled_home, tmp_path_factory.mktemp("schemathesis"))
    app = create_app(Settings(home=home, api_key=KEY, max_upload_mb=1))
    with TestClient(app):  # runs the lifespan: the store is open while schemathesis calls
        yield app


def test_no_input_makes_a_server_error(asgi_app: FastAPI) -> None:
    """Schemathesis generates requests for every operation of the OpenAPI schema (valid and
    not): none may get a 5xx, and every answer, success or error, must have a status the
    schema declares for that operation and a body that matches the declared schema."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", asgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20  # every read, write, map and the explorer
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)  # fmt: skip
        def no_server_error(case: Any) -> None:
            case.call_and_validate(checks=[not_a_server_error, status_code_conformance,
                                           response_schema_conformance, content_type_conformance])  # fmt: skip

        no_server_error()


# --- a real server under load -------------------------------------------------------------


@pytest.fixture(scope="module")
def live_server(bundled_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(copied_store(bundled_home, tmp_path_factory.mktemp("live"))) as url:
        yield url


READS = [
    "/health", "/stats", "/nodes?q=leeds", "/nodes/E08000035", "/nodes/E08000035/partnerships",
    "/nodes/E08000035/recommendations", "/buying-organisations", "/clusters", "/gaps",
    "/path?from=E08000035&to=E08000032",
]  # fmt: skip


def test_fifty_clients_for_ten_seconds(live_server: str) -> None:
    """50 clients at once get what one client alone gets: every answer a 200 whose body is
    the same as the one-at-a-time answer for that URL (no half-built cache entry, no answer
    computed on another request's graph)."""
    alone = {url: httpx.get(live_server + url, timeout=120).content for url in READS}
    assert all(alone.values())

    async def client(number: int, until: float, tally: dict[int, int], wrong: list[str]) -> None:
        async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
            i = number
            while time.monotonic() < until:
                url = READS[i % len(READS)]
                response = await http.get(url)
                tally[response.status_code] = tally.get(response.status_code, 0) + 1
                if response.status_code == 200 and response.content != alone[url]:
                    wrong.append(url)
                i += 1

    async def run() -> tuple[dict[int, int], list[str]]:
        tally: dict[int, int] = {}
        wrong: list[str] = []
        until = time.monotonic() + 10
        await asyncio.gather(*(client(n, until, tally, wrong) for n in range(50)))
        return tally, wrong

    with ThreadPoolExecutor(1) as pool:  # its own event loop, whatever runs in this thread
        tally, wrong = pool.submit(asyncio.run, run()).result()
    assert set(tally) == {200}, tally
    assert tally[200] >= 50
    assert not wrong, f"{len(wrong)} answers differ from the one-client answer: {wrong[:3]}"
