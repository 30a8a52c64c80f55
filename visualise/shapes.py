"""Council shapes drawn under a map's network: the generalised boundaries of ONS's Explore Local
Statistics topology (every district and county of 2014 to 2026), compiled into
``visualise/shapes.json`` by ``scripts/compile_shapes.py``.

Each shape is kept as rings of whole thousandths of a degree, delta-encoded; the page decodes
them and draws them on vis-network's own canvas before the network (its ``beforeDrawing``
event, in the network's coordinates), so shapes and nodes pan and zoom as one picture with no
second layer to keep in step. The projection is the layout's (``visualise.maps.positions``):
``x = lon cos(54°) * scale``, ``y = -lat * scale``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

SHAPES_FILE = "shapes.json"
COS_54 = math.cos(math.radians(54.0))


@dataclass(frozen=True, slots=True)
class Projection:
    """Degrees to map pixels: ``x = lon * kx``, ``y = -lat * ky`` (the geographic layout's)."""

    kx: float
    ky: float

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return lon * self.kx, -lat * self.ky

    def for_page(self, precision: int) -> dict[str, float]:
        """The factors the page multiplies the shapes' whole thousandths by."""
        return {"a": self.kx / precision, "b": -self.ky / precision}


@cache
def _shapes() -> dict[str, Any]:
    text = (files("visualise") / SHAPES_FILE).read_text(encoding="utf-8")
    shapes: dict[str, Any] = json.loads(text)
    return shapes


def shape_ids() -> frozenset[str]:
    """Every code with a shape."""
    return frozenset(_shapes()["areas"])


def area(code: str) -> dict[str, Any] | None:
    """The shape of ``code`` (``name``, ``layer`` district or county, ``from``/``to`` years,
    delta-encoded ``rings``), or ``None``."""
    found: dict[str, Any] | None = _shapes()["areas"].get(code)
    return found


def page_shapes(drawn: Iterable[tuple[str, str]], projection: Projection) -> dict[str, Any]:
    """What a page needs to draw the shapes of ``drawn`` (``(shape code, node id)`` pairs: a
    new council of a scenario is drawn as its predecessors' shapes): each area's node, layer
    and rings, and the projection's factors. Codes without a shape are left out."""
    areas = []
    for code, node in sorted(set(drawn)):
        shape = area(code)
        if shape is not None:
            areas.append({"code": code, "node": node, "layer": shape["layer"],
                          "rings": shape["rings"]})  # fmt: skip
    return {"areas": areas, **projection.for_page(int(_shapes()["precision"]))}


def decoded(code: str) -> list[list[tuple[float, float]]]:
    """The rings of ``code`` as (lon, lat) degrees (for tests and checks)."""
    shape = area(code)
    if shape is None:
        return []
    precision = float(_shapes()["precision"])
    rings = []
    for ring in shape["rings"]:
        lon = lat = 0
        points = []
        for i in range(0, len(ring), 2):
            lon, lat = lon + ring[i], lat + ring[i + 1]
            points.append((lon / precision, lat / precision))
        rings.append(points)
    return rings


def area_km2(code: str) -> float:
    """The area of ``code``'s shape in square kilometres (each ring projected at its own mean
    latitude; holes, wound the other way, subtract)."""
    total = 0.0
    for ring in decoded(code):
        if len(ring) < 3:
            continue
        k = math.cos(math.radians(sum(lat for _, lat in ring) / len(ring)))
        twice = sum(
            x0 * k * y1 - x1 * k * y0
            for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)
        )
        total += twice / 2
    return abs(total) * 111.32**2
