"""The routes, by resource."""

from api.http.routes import (
    analyses,
    contracts,
    exports,
    graph,
    maps,
    nodes,
    resolve,
    scenarios,
    writes,
)

ROUTERS = (graph.router, nodes.router, resolve.router, analyses.router, scenarios.router,
           contracts.router, exports.router, maps.router, writes.router)  # fmt: skip

__all__ = ["ROUTERS"]
