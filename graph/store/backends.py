"""``open_store``: the one place a backend is chosen (the Neo4j driver is imported only when
the Neo4j backend is asked for)."""

from __future__ import annotations

from graph.settings import Settings
from graph.store.base import GraphStore
from graph.store.nx_store import NetworkXStore


def open_store(settings: Settings) -> GraphStore:
    if settings.store == "neo4j":
        from graph.store.neo4j_store import Neo4jStore  # noqa: PLC0415 - the driver is heavy

        return Neo4jStore(
            settings.neo4j_uri,
            username=settings.neo4j_username,
            password=settings.neo4j_password.get_secret_value(),
            database=settings.neo4j_database,
            single_transaction_rows=settings.neo4j_transaction_rows,
        )
    return NetworkXStore(settings.home)
