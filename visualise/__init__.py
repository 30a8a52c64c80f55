"""Interactive HTML maps of the graph (pyvis). Not built yet: see the maps issue."""

__all__: list[str] = []
