"""``open_store``: the one place a backend is chosen."""

from __future__ import annotations

from graph.neo4j_store import Neo4jStore
from graph.nx_store import NetworkXStore
from graph.settings import Settings
from graph.store import GraphStore


def open_store(settings: Settings) -> GraphStore:
    if settings.store == "neo4j":
        return Neo4jStore(
            settings.neo4j_uri,
            username=settings.neo4j_username,
            password=settings.neo4j_password.get_secret_value(),
            database=settings.neo4j_database,
            single_transaction_rows=settings.neo4j_transaction_rows,
        )
    return NetworkXStore(settings.home)
