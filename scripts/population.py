"""Population of each current council, for ``compile_bundled.py``: a dated attribute with its
vintage (``population``, ``population_year``).

- England and Wales: ONS mid-2024 estimates (MYE2, on 2023 boundaries); rows filtered on
  ``Geography`` to councils (districts, unitaries, London and metropolitan boroughs, counties),
  Barnsley and Sheffield under their pre-2025 codes.
- Scotland: ONS's UK mid-2022 file (council areas), the newest real copy found.
- Northern Ireland: NISRA mid-2024 (table MYE01T06), one file per district.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

Row = dict[str, str]

COUNCIL_GEOGRAPHIES = {
    "Non-metropolitan District",
    "Unitary Authority",
    "London Borough",
    "Metropolitan District",
    "County",
}


def populations(shared: Path, former_codes: dict[str, str]) -> dict[str, tuple[int, str, str]]:
    """``{GSS code: (people, "mid-2024", dataset key)}`` for every council found, where the
    key is ``ew``, ``scotland`` or ``ni``."""
    folder = shared / "population"
    current = {old: new for new, old in former_codes.items()}
    found: dict[str, tuple[int, str, str]] = {}
    with (folder / "mye24tablesew.csv").open(encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            if r["Geography"] in COUNCIL_GEOGRAPHIES:
                code = current.get(r["Code"], r["Code"])
                found[code] = (int(r["All ages"]), "mid-2024", "ew")
    with (folder / "uk_mid2022_lad23.csv").open(encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            if r["Code"].startswith("S12"):
                found[r["Code"]] = (int(r["Population"]), "mid-2022", "scotland")
    for path in sorted((folder / "nisra_mid2024").glob("N09*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        year = data["meta_data"]["MYETotal"][0]["year"]
        found[data["code"]] = (int(data["data"]["MYETotal"]["value"]), f"mid-{year}", "ni")
    return found
