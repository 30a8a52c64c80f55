"""The graph: model, store interface, backends, settings, errors and analysis.

Names are loaded on first use (PEP 562), so ``import graph.model`` stays light: it does not
import the Neo4j driver, NetworkX or pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.lazy import lazy_exports

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


__getattr__ = lazy_exports(__name__, _WHERE)
