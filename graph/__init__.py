"""The graph: model, store interface, backends, settings, errors and analysis.

Names are loaded on first use (PEP 562), so ``import graph.model`` stays light: it does not
import the Neo4j driver, NetworkX or pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph.changes import Outcome, Plan, copy_graph, plan_changes
    from graph.errors import (
        FetchFailed,
        InvalidInput,
        LoaderError,
        LoadRejected,
        NotFound,
        PartnermapError,
        Problem,
        StoreBusy,
        StoreUnavailable,
    )
    from graph.model import (
        CombinedAuthorityType,
        CouncilType,
        Link,
        LinkKey,
        LinkKind,
        MemberRole,
        Nation,
        Node,
        NodeKind,
        Source,
    )
    from graph.settings import Settings
    from graph.store import GraphStore, Neo4jStore, NetworkXStore, SearchRow, Stats, open_store
    from graph.views import link_dict, node_dict, node_with_links, vintage

_WHERE = {
    "graph.changes": ("Outcome", "Plan", "copy_graph", "plan_changes"),
    "graph.errors": ("FetchFailed", "InvalidInput", "LoaderError", "LoadRejected", "NotFound",
                     "PartnermapError", "Problem", "StoreBusy", "StoreUnavailable"),
    "graph.model": ("CombinedAuthorityType", "CouncilType", "Link", "LinkKey", "LinkKind",
                    "MemberRole", "Nation", "Node", "NodeKind", "Source"),
    "graph.settings": ("Settings",),
    "graph.store": ("GraphStore", "Neo4jStore", "NetworkXStore", "SearchRow", "Stats",
                    "open_store"),
    "graph.views": ("link_dict", "node_dict", "node_with_links", "vintage"),
}  # fmt: skip
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}

__all__ = [
    "CombinedAuthorityType",
    "CouncilType",
    "FetchFailed",
    "GraphStore",
    "InvalidInput",
    "Link",
    "LinkKey",
    "LinkKind",
    "LoadRejected",
    "LoaderError",
    "MemberRole",
    "Nation",
    "Neo4jStore",
    "NetworkXStore",
    "Node",
    "NodeKind",
    "NotFound",
    "Outcome",
    "PartnermapError",
    "Plan",
    "Problem",
    "SearchRow",
    "Settings",
    "Source",
    "Stats",
    "StoreBusy",
    "StoreUnavailable",
    "copy_graph",
    "link_dict",
    "node_dict",
    "node_with_links",
    "open_store",
    "plan_changes",
    "vintage",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'graph' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
