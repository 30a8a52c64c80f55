"""The HTTP API through TestClient, and a real uvicorn process over real HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx
from conftest import Neo4jServer, free_port, serving
from fastapi.testclient import TestClient

from api import create_app
from graph import Settings, open_store
from loaders import load_bundled


def client(home: Path) -> TestClient:
    return TestClient(create_app(Settings(home=home)))


def test_health_and_stats(loaded_home: Path) -> None:
    with client(loaded_home) as c:
        health = c.get("/health")
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "store": "embedded", "data_version": "embedded:1"}
        stats = c.get("/stats").json()
        assert {
            k: stats["nodes"][k] for k in ("combined_authority", "council", "nation", "region")
        } == {
            "combined_authority": 22,
            "council": 382,
            "nation": 4,
            "region": 9,
        }
        assert c.get("/stats", params={"all": True}).json()["nodes"]["council"] == 456


def test_node_and_error_shape(loaded_home: Path) -> None:
    with client(loaded_home) as c:
        leeds = c.get("/nodes/E08000035").json()
        assert leeds["node"]["official_name"] == "Leeds City Council"
        missing = c.get("/nodes/leeds")
        assert missing.status_code == 404
        assert missing.json() == {
            "error": {
                "status": 404,
                "type": "NotFound",
                "message": "no node with id 'leeds'",
                "hint": "did you mean E08000035 (Leeds)?",
            }
        }
        assert c.get("/stats", params={"at": "not-a-date"}).status_code == 422


def test_partnermap_serve_over_real_http(loaded_home: Path) -> None:
    with serving(loaded_home) as url:
        assert httpx.get(f"{url}/health").json()["status"] == "ok"
        assert httpx.get(f"{url}/stats").json()["nodes"]["council"] == 382


def test_api_on_each_backend(backend: Settings) -> None:
    with TestClient(create_app(backend)) as c:
        assert c.get("/stats").json()["nodes"] == {}
        with open_store(backend) as store:
            load_bundled(store)
        health = c.get("/health").json()
        assert health["store"] == backend.store and health["data_version"].endswith(":1")
        assert c.get("/stats").json()["nodes"]["council"] == 382
        assert c.get("/nodes/E08000035").json()["node"]["name"] == "Leeds"


def test_neo4j_unreachable_is_a_503(neo4j_server: Neo4jServer) -> None:
    settings = neo4j_server.settings(neo4j_uri=f"bolt://127.0.0.1:{free_port()}")
    with TestClient(create_app(settings)) as c:
        response = c.get("/stats")
        assert response.status_code == 503
        error = response.json()["error"]
        assert error["type"] == "StoreUnavailable"
        assert error["message"] == f"cannot reach Neo4j at {settings.neo4j_uri}"
        assert "make neo4j-up" in error["hint"]
