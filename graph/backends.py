"""``open_store``: the one place a backend is chosen."""

from __future__ import annotations

from graph.nx_store import NetworkXStore
from graph.settings import Settings
from graph.store import GraphStore


def open_store(settings: Settings) -> GraphStore:
    return NetworkXStore(settings.home)
