"""Compile the council shapes the maps draw (``visualise/shapes.json``) from ONS's boundaries.

    python scripts/compile_shapes.py [--shared ../shared/data] [--out visualise/shapes.json]

Reads ``boundaries/ons_els_areas_2014-2026.topo.json`` (ONS's Explore Local Statistics
topology: every year's districts and counties from 2014 to 2026, "super generalised") and
writes each district (layer ``ltla``) and county (``cty``) as rings of whole thousandths of a
degree, delta-encoded, with the years it was in use. Deterministic: the shipped file is
checked byte for byte against a rebuild (``tests/test_bundled.py``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from council_history import LAST_YEAR, load_topology, topology_areas

REPO = Path(__file__).resolve().parent.parent
SOURCE = "boundaries/ons_els_areas_2014-2026.topo.json"
LAYERS = {"ltla": "district", "cty": "county"}
PRECISION = 1000
"""Coordinates in thousandths of a degree (about 110 m north-south, 65 m east-west): finer than
the generalised boundaries, and a whole number each."""


def ring_deltas(ring: list[tuple[float, float]]) -> list[int]:
    """``[lon0, lat0, dlon1, dlat1, ...]`` in thousandths of a degree, repeated points dropped."""
    out: list[int] = []
    last: tuple[int, int] | None = None
    for lon, lat in ring:
        point = (round(lon * PRECISION), round(lat * PRECISION))
        if point == last:
            continue
        if last is None:
            out += point
        else:
            out += (point[0] - last[0], point[1] - last[1])
        last = point
    return out


def compile_shapes(topology: dict[str, Any]) -> dict[str, Any]:
    areas: dict[str, Any] = {}
    for layer, kind in LAYERS.items():
        names = {
            g["properties"]["areacd"]: g["properties"]["areanm"]
            for g in topology["objects"][layer]["geometries"]
        }
        for area in topology_areas(topology, layer):
            rings = [ring_deltas(r) for polygon in area.polygons for r in polygon]
            last = area.years.stop - 1
            areas[area.code] = {
                "name": names[area.code],
                "layer": kind,
                "from": area.years.start,
                "to": None if last == LAST_YEAR else last,
                "rings": [r for r in rings if len(r) >= 6],
            }
    return {
        "format": "partnermap-shapes",
        "source": f"ONSdigital/explore-local-statistics-app src/lib/data/topo.json ({SOURCE})",
        "licence": "Open Government Licence v3; contains OS data (c) Crown copyright and "
        "database right; source: Office for National Statistics",
        "precision": PRECISION,
        "encoding": "each ring [lon, lat, dlon, dlat, ...] in thousandths of a degree, WGS84",
        "areas": {code: areas[code] for code in sorted(areas)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO / "visualise" / "shapes.json")
    args = parser.parse_args()
    shapes = compile_shapes(load_topology(args.shared / SOURCE))
    text = json.dumps(shapes, separators=(",", ":"), ensure_ascii=False)
    args.out.write_text(text + "\n", encoding="utf-8")
    points = sum(len(r) // 2 for a in shapes["areas"].values() for r in a["rings"])
    print(f"{len(shapes['areas'])} areas, {points:,} points, {len(text):,} bytes -> {args.out}")


if __name__ == "__main__":
    main()
