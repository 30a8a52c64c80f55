"""Centroids of boundary polygons, for the bundled positions (``compile_bundled.py``)."""

from __future__ import annotations

import math
from itertools import pairwise

MEAN_LATITUDE = math.radians(54.0)
"""Where areas are computed in an equirectangular projection: x = lon cos(54°), y = lat."""


def _ring(points: list[list[float]]) -> tuple[float, float, float]:
    """Signed area and area-weighted centroid (x, y) of one ring, in projected degrees."""
    area = cx = cy = 0.0
    k = math.cos(MEAN_LATITUDE)
    for (x0, y0), (x1, y1) in pairwise(points):
        a, b = x0 * k, x1 * k
        cross = a * y1 - b * y0
        area += cross
        cx += (a + b) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if area == 0:
        return 0.0, 0.0, 0.0
    return area, cx / (6 * area), cy / (6 * area)


def polygon_centroid(geometry: dict[str, object]) -> tuple[float, float, float]:
    """(area, lat, lon) of a GeoJSON Polygon or MultiPolygon, holes subtracted."""
    coordinates = geometry["coordinates"]
    polygons = coordinates if geometry["type"] == "MultiPolygon" else [coordinates]
    total = sx = sy = 0.0
    for polygon in polygons:  # type: ignore[union-attr]
        for ring in polygon:
            area, cx, cy = _ring(ring)
            total += area
            sx += area * cx
            sy += area * cy
    k = math.cos(MEAN_LATITUDE)
    return abs(total), sy / total, sx / total / k
