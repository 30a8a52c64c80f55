"""The graph: model, store interface, backends, settings and errors."""

from graph.backends import open_store
from graph.changes import Outcome, Plan, copy_graph, plan_changes
from graph.errors import (
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
from graph.neo4j_store import Neo4jStore
from graph.nx_store import NetworkXStore
from graph.settings import Settings
from graph.store import GraphStore, Stats
from graph.views import link_dict, node_dict, node_with_links, vintage

__all__ = [
    "CombinedAuthorityType",
    "CouncilType",
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
