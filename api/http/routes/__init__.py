"""The routes, by resource."""

from api.http.routes import analyses, exports, graph, maps, nodes, writes

ROUTERS = (graph.router, nodes.router, analyses.router, exports.router, maps.router,
           writes.router)  # fmt: skip

__all__ = ["ROUTERS"]
