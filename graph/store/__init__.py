"""Where the graph lives: the ``GraphStore`` interface, the embedded NetworkX store, the Neo4j
store (imported only when used: the driver is heavy) and ``open_store``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph.model import ContractRow
from graph.store.backends import open_store
from graph.store.base import GraphStore, Stats
from graph.store.nx_store import NetworkXStore
from graph.store.records import SearchRow, to_networkx

if TYPE_CHECKING:
    from graph.store.neo4j_store import Neo4jStore

__all__ = [
    "ContractRow",
    "GraphStore",
    "Neo4jStore",
    "NetworkXStore",
    "SearchRow",
    "Stats",
    "open_store",
    "to_networkx",
]


def __getattr__(name: str) -> Any:
    if name == "Neo4jStore":
        from graph.store.neo4j_store import Neo4jStore  # noqa: PLC0415

        return Neo4jStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
