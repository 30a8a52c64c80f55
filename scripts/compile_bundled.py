"""Compile partnermap's bundled council graph from the read-only data in ../shared/data.

Method:

- Nodes: the 361 UK LADs of 2025 (ONS ltla25) and 21 county councils (ONS cty23) are current;
  the 20 councils abolished on 1 April 2023 (ONS 2023 code changes, plus Cumbria County Council
  from mySociety) are historical. Type and nation come from the GSS prefix; official names and
  dates from mySociety, joined on GSS code (Barnsley and Sheffield via their pre-2025 codes,
  kept as `former_codes`). mySociety's end-date is the first day a body no longer exists, so
  `valid_to` = end-date - 1 day. Plus 15 combined authorities, 9 regions and 4 nations.
- `within` (geography): district -> county and council -> region from derived/lad25_hierarchy
  (cross-checked against ONS LAD25->CAUTH25 and LAD21->CTY21); county -> the one region of its
  districts; region -> England; Welsh, Scottish, NI council -> nation; LAD -> CA (ONS lookup).
- `member_of` (constitutional, role `constituent`): E06/E08/E09 councils in a CA's area; in a
  combined county authority the county council instead of its districts; in a two-tier `ca`
  area (Cambridgeshire and Peterborough) the districts and the county council.
- `borders` (undirected, from_id < to_id): English pairs from the May 2024 BUC-derived adjacency
  (approximate km); pairs with a non-English side from the ONS 2021 neighbour list (old codes
  mapped to successors); county-council borders derived from their districts' pairs.
- `succeeded_by`: the 2023 reorganisation (dated 1 April 2023).
- Councils abolished since 1 April 2015 (`scripts/council_history.py`): England's 2019-2021
  reorganisations from mySociety (each council's last day the day before its successor began,
  `succeeded_by` dated that day), and Northern Ireland's 26 councils of 1973-2015 (ids
  `snac:95a`..., no GSS code) with their 11 successors of 1 April 2015 per the Local Government
  (Boundaries) Order (Northern Ireland) 2012 (`share` `part` where a council went to two).
  Their `within` links from mySociety's county and region; their borders from the ONS 2014-2026
  TopoJSON (outlines sharing an arc in a year both were in use), counties' borders derived from
  their districts'; English positions at their outline's centroid, Northern Ireland's old
  councils at the successor that took the whole of them (no outline bundled; no borders).
  Every count is checked; a mismatch exits loudly.

Run: python scripts/compile_bundled.py [--shared DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from pathlib import Path

from ca_history import authorities, member_areas, memberships
from council_history import (
    Cited,
    abolished_councils,
    abolished_geography,
    day_before,
    load_topology,
)
from geometry import polygon_centroid
from population import populations

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "loaders" / "bundled"

OGL = "Open Government Licence v3.0"
OGL_OS = OGL + "; contains OS data © Crown copyright and database right"
GEO = (
    "https://github.com/ONSvisual/geo-scripts",
    "at commit af296d6123cc4abfaddf7f4dfee292900e1e9e2d (2025-07-16)",
)


def ons_list(name: str, vintage: str, title: str, extra: str = "") -> tuple[str, ...]:
    """A codes-and-names list from ONSvisual/geo-scripts output/lists/."""
    note = f"output/lists/{name.removeprefix('ons-')}.csv {GEO[1]}. {extra}".strip()
    return (name, vintage, title + ", codes and names", "ONS", OGL, GEO[0], note)


# (dataset, vintage, title, publisher, licence, url, note); this order also orders `sources`.
DATASETS: list[tuple[str, ...]] = [
    ons_list(
        "ons-ltla25",
        "2025",
        "Local authority districts 2025 (UK)",
        "Barnsley E08000038 and Sheffield E08000039 have 2025 codes (were E08000016, E08000019).",
    ),
    ons_list("ons-cty23", "2023", "Counties (E10) 2023"),
    ons_list("ons-rgn22", "2022", "Regions (E12) 2022"),
    ons_list("ons-ctry22", "2022", "Countries 2022"),
    ons_list("ons-cauth25", "2025", "Combined authorities 2025"),
    (
        "ons-lad25-cauth25",
        "2025-05",
        "Local Authority District to Combined Authority (May 2025) Lookup in EN",
        "ONS",
        OGL,
        "https://github.com/dfe-analytical-services/lsip_dashboard",
        "Unmodified ONS lookup in Data/1-3_CA_lookup/ at commit "
        "b07ac8c3336dcd8ac4ebb53275ecf88c27fd3676 (2025-09-18). Geographic: every district in a "
        "CA's area, not constitutional membership.",
    ),
    (
        "ons-lad-changes-2023",
        "2023",
        "LAD code changes, 1 April 2023 reorganisation",
        "ONS",
        OGL,
        GEO[0],
        "config/lookups/lookup_changes.csv at commit "
        "ef0b5220976585b3c26bc0995002830223f610d0 (2023-06-09). Lacks Cumbria County Council "
        "E10000006 (taken from mySociety).",
    ),
    (
        "mysociety-register",
        "2025-07-10",
        "UK local authority names and codes register",
        "mySociety",
        "CC BY 4.0 (attribution: mySociety)",
        "https://github.com/mysociety/uk_local_authority_names_and_codes",
        "data/uk_local_authorities.csv at commit 67ef8b118938678401a452f4f19f669a7221cc73 "
        "(2025-07-10); LAD county/region via derived/lad25_hierarchy.csv. Stale: still has NECA "
        "E47000010 and North of Tyne E47000011 (replaced by North East E47000014, May 2024), lacks "
        "E47000014, E47000015 Devon and Torbay and E47000018 Lancashire, and keeps Barnsley and "
        "Sheffield's pre-2025 codes. start-date is often the register's entry date (2005-06-xx).",
    ),
    (
        "ons-lad24-buc-adjacency",
        "2024-05",
        "England LAD pairs sharing a boundary, May 2024 BUC",
        "partnermap (derived from ONS boundaries)",
        OGL_OS,
        "https://github.com/a-b-street/ltn",
        "DERIVED, not published: pairs of intersecting ONS LAD May 2024 BUC polygons (ultra-"
        "generalised, coast-clipped) from data_prep/england/boundaries.geojson at commit "
        "72f99f1467f2eac31aa863076c2c3190e1c8036e (2025-05-22), joined by name to ltla23; km "
        "approximate (derived/england_lad24_adjacency_from_buc.csv). "
        "Segments < 0.5 km may be artefacts; estuary pairs are dropped.",
    ),
    (
        "ons-lad21-neighbours",
        "2021-12",
        "Local Authority Districts (December 2021) neighbours",
        "ONS Data Visualisation team (ONSvisual)",
        OGL_OS,
        "https://github.com/ONSvisual/Local-Authority-Districts-2021-neighbours",
        "data.json at commit 79d1bd9305236a4f201e70b11ef12363aa477555 (2022-03-04), index 0 "
        "of each list. Pre-2023 codes (mapped to successors); counts estuary edges as shared; "
        "repo has no licence file (derived from ONS boundaries). "
        "Used only for pairs with a non-English side.",
    ),
    (
        "ons-els-areas",
        "2014-2026",
        "Areas of the Explore Local Statistics app: districts, counties and combined authorities "
        "of 2014-2026 (TopoJSON)",
        "ONS",
        "Open Government Licence v3.0 (Crown copyright ONS); repository MIT",
        "https://github.com/ONSdigital/explore-local-statistics-app",
        "src/lib/data/topo.json at commit ca9faecc8cab26e33faff935b2b58a4fc10d6c0d; layers ltla "
        "and cty with the years each area was in use. Used for the borders and positions of the "
        "councils abolished since 2015 (two areas border when their outlines share an arc in a "
        "year both were in use); ONS's 2016 super-generalised outlines.",
    ),
    (
        "ni-boundaries-order-2012",
        "2012",
        "The Local Government (Boundaries) Order (Northern Ireland) 2012 (SR 2012/421)",
        "legislation.gov.uk",
        OGL,
        "https://www.legislation.gov.uk/nisr/2012/421/contents/made",
        "The 11 districts of Northern Ireland from 1 April 2015 and the 26 they replaced, as "
        "compiled in scripts/council_history.py (NI_NEW); a council that went to two new "
        "districts (Castlereagh and Lisburn, parts to Belfast) is succeeded_by both.",
    ),
    (
        "ons-mye",
        "2024",
        "Population estimates for England and Wales, mid-2024 (MYE2, persons, 2023 boundaries)",
        "ONS",
        OGL,
        "https://github.com/LibrariesHacked/public-libraries-activity-dataset",
        "data/mye24tablesew.csv at commit a1e657fb1ea32a5f81d475d0b09d1d3ac8730e8d (2025-08-21), "
        "an unmodified copy of ONS's MYE2 table; rows filtered on Geography to councils; Barnsley "
        "and Sheffield under their pre-2025 codes. England and Wales only.",
    ),
    (
        "ons-mye-uk",
        "2022",
        "Population estimates for the UK, mid-2022, on 2023 council codes",
        "ONS",
        OGL,
        "https://github.com/jnebe/travel_data",
        "census_data/uk_2022.csv at commit d5ff3f519e8b50e1683686ed5b3cbae0a9747f2a; copied from "
        "ONS's mid-2022 file (the repository states no licence; the figures are ONS's, OGL v3). "
        "Used for Scotland's councils only: no newer Scottish file was found.",
    ),
    (
        "nisra-mye",
        "2024",
        "Northern Ireland mid-2024 population estimates by district (table MYE01T06)",
        "NISRA",
        OGL,
        "https://github.com/nisra-explore/local-stats",
        "github_action_jsons/N09000001.json ... N09000011.json at commit "
        "7b6887d998d97e721bb14c666c2a1f03815dfda7 (data.MYETotal.value, updated 2025-09-17).",
    ),
    (
        "partnermap-ca-register",
        "2026-12",
        "Combined authorities and combined county authorities, dated by their establishment "
        "orders, with their dated constituent members",
        "partnermap (compiled)",
        "OGL v3.0 facts (legislation.gov.uk); compiled by partnermap",
        "https://www.legislation.gov.uk/",
        "Hand-compiled in loaders/bundled/history/ (combined_authorities.csv, ca_members.csv; "
        "RESEARCH_CA.md gives what was read for each row), each row with its order, the page "
        "that confirms its dates and a verified flag; rows verified 'no' are not bundled. Today's "
        "constituent members are checked against ONS LAD25->CAUTH25 by the rule in "
        "scripts/compile_bundled.py.",
    ),
    (
        "mysociety-names",
        "2022-06-27",
        "Council name variants (messy or alternative name -> council)",
        "mySociety",
        "CC BY 4.0 (attribution: mySociety)",
        "https://github.com/mysociety/uk_local_authority_names_and_codes",
        "data/lookup_name_to_registry.csv at commit 5b865509f51d67f82723c28984fab9eaafde283a "
        "(2022-06-27), with the register's alt-names; codes mapped to GSS through the register "
        "(Barnsley and Sheffield to their 2025 codes). Used by the name resolver.",
    ),
    (
        "partnermap-partnerships",
        "2026-11",
        "Buying organisations and owners, shared services, joint procurements, public bodies",
        "partnermap (compiled)",
        "facts from public pages; compiled by partnermap",
        "",
        "Compiled by hand from the public page cited in each row's source_url, each with a "
        "verified flag (yes / partial / no); loaders/bundled/partnerships/RESEARCH_NOTES.md.",
    ),
    (
        "partnermap-scenarios",
        "2026-12",
        "Reorganisation and devolution scenarios (proposed, decided, enacted)",
        "partnermap (compiled)",
        "facts from public pages; compiled by partnermap",
        "",
        "Compiled by hand from the proposals, decisions and orders cited in each scenario's "
        "source_url, each with a verified flag; loaders/bundled/scenarios/RESEARCH.md.",
    ),
    (
        "partnermap-public-body-registers",
        "2026-12",
        "Public bodies that buy: NHS bodies of the four nations, police forces and policing "
        "bodies, fire and rescue authorities, national park authorities, government departments "
        "and agencies, devolved governments",
        "partnermap (compiled from ODS, ONS and GOV.UK registers)",
        "Open Government Licence v3.0 (ODS, ONS, GOV.UK data); hand-compiled rows: facts from "
        "the pages cited",
        "",
        "loaders/bundled/registers/public_bodies.csv, rebuilt by scripts/compile_registers.py "
        "from the registers named in each row's source; ids follow the register (ODS code, ONS "
        "code, GOV.UK slug); registers/README.md gives origins and caveats. Used by the name "
        "resolver: a body becomes a node when a notice links it to another.",
    ),
]
SOURCE_ORDER = [f"{d[0]}@{d[1]}" for d in DATASETS]
(LTLA, CTY, RGN, CTRY, CAUTH, LAD_CA, CHANGES, MYSOC, BUC, NEIGH, ELS, NI2012, MYE, MYE_UK, NISRA,
 CAREG, NAMES, _, _, _) = SOURCE_ORDER  # fmt: skip

NODE_HEADER = [
    "id",
    "kind",
    "name",
    "official_name",
    "council_type",
    "nation",
    "ca_type",
    "mayoral",
    "former_codes",
    "lat",
    "lon",
    "population",
    "population_year",
    "valid_from",
    "valid_to",
    "source_url",
    "verified",
    "note",
    "sources",
]
LINK_HEADER = [
    "from_id",
    "kind",
    "to_id",
    "role",
    "valid_from",
    "valid_to",
    "shared_boundary_km",
    "share",
    "source_url",
    "verified",
    "note",
    "sources",
]
DATASET_HEADER = ["dataset", "title", "publisher", "licence", "url", "vintage", "note"]
DATASET_FIELDS = ["dataset", "vintage", "title", "publisher", "licence", "url", "note"]
KIND_ORDER = ["council", "combined_authority", "region", "nation"]
COUNCIL_TYPES = {
    "E06": "unitary",
    "E07": "district",
    "E08": "metropolitan_district",
    "E09": "london_borough",
    "E10": "county",
    "W06": "welsh_principal",
    "S12": "scottish_council",
    "N09": "ni_district",
}
NATIONS = {"E": "england", "W": "wales", "S": "scotland", "N": "northern_ireland"}
NATION_CODES = {"E": "E92000001", "W": "W92000004", "S": "S92000003", "N": "N92000002"}
FORMER_CODES = {"E08000038": "E08000016", "E08000039": "E08000019"}
CCAS = {"E47000013", "E47000015", "E47000017", "E47000018"}
NON_MAYORAL = {"E47000015", "E47000018"}
EXPECTED_MEMBERS = {
    "E47000001": 10,
    "E47000002": 4,
    "E47000003": 5,
    "E47000004": 6,
    "E47000006": 5,
    "E47000007": 7,
    "E47000008": 7,
    "E47000009": 3,
    "E47000012": 2,
    "E47000013": 4,
    "E47000014": 7,
    "E47000015": 2,
    "E47000016": 2,
    "E47000017": 3,
    "E47000018": 3,
}
CUMBRIA, CUMBRIA_HEIRS = "E10000006", ["E06000063", "E06000064"]
REORG_DAY = "2023-04-01"

Row = dict[str, str]


def fail_unless(ok: bool, message: str) -> None:
    if not ok:
        raise SystemExit(f"compile_bundled: check failed: {message}")


def expect(label: str, actual: int, wanted: int) -> None:
    fail_unless(actual == wanted, f"{label}: expected {wanted}, got {actual}")


def read_csv(path: Path) -> list[Row]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, header: list[str], rows: list[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([row.get(col, "") for col in header] for row in rows)


def sources(*items: str) -> str:
    return ";".join(sorted(set(items), key=SOURCE_ORDER.index))


def creation_day(iso: str) -> str:
    """mySociety's start-date where it is a reorganisation day (1 April), else blank.

    Reorganisations of UK local government take effect on 1 April; other start-dates in the
    register (2005-06-18 for Aberdeenshire, created 1996) are the day the entry was made.
    """
    return iso if iso.endswith("-04-01") else ""


def council(code: str, name: str, ms: Row | None, *srcs: str) -> Row:
    ms = ms or {}
    return {
        "id": code,
        "kind": "council",
        "name": name,
        "official_name": ms.get("official-name", ""),
        "council_type": COUNCIL_TYPES[code[:3]],
        "nation": NATIONS[code[0]],
        "former_codes": FORMER_CODES.get(code, ""),
        "valid_from": creation_day(ms.get("start-date", "")),
        "valid_to": day_before(ms.get("end-date", "")),
        "sources": sources(*srcs, *([MYSOC] if ms else [])),
    }


def build_nodes(shared: Path, ms_by_gss: dict[str, Row], ms_by_code: dict[str, Row]) -> list[Row]:
    ons = shared / "ons"
    lads = read_csv(ons / "ltla25_codes_names.csv")
    counties = read_csv(ons / "cty23_codes_names.csv")
    expect("2025 LADs", len(lads), 361)
    expect("county councils", len(counties), 21)
    nodes = [
        council(
            r["areacd"],
            r["areanm"],
            ms_by_gss.get(FORMER_CODES.get(r["areacd"], r["areacd"])),
            LTLA,
        )
        for r in lads
    ]
    nodes += [council(r["areacd"], r["areanm"], ms_by_gss.get(r["areacd"]), CTY) for r in counties]
    fail_unless(
        all(n["official_name"] and not n["valid_to"] for n in nodes),
        "every current council must be current in mySociety",
    )
    for r in read_csv(ons / "lad_code_changes_2023.csv"):
        nodes.append(council(r["areacd"], r["areanm"], ms_by_gss.get(r["areacd"]), CHANGES))
    cumbria = ms_by_gss[CUMBRIA]
    heirs = [ms_by_code[c]["gss-code"] for c in cumbria["replaced-by"].split(",")]
    fail_unless(sorted(heirs) == CUMBRIA_HEIRS, f"Cumbria replaced-by gives {heirs}")
    nodes.append(council(CUMBRIA, cumbria["nice-name"], cumbria))
    abolished = [n for n in nodes if n["id"] not in {r["areacd"] for r in lads + counties}]
    expect("abolished councils", len(abolished), 20)
    fail_unless(
        all(n["valid_to"] == day_before(REORG_DAY) for n in abolished),
        "abolished councils must end on 2023-03-31 (mySociety end-date 2023-04-01)",
    )
    cas = authorities(sources(CAUTH, CAREG))
    ons_cas = {r["areacd"]: r["areanm"] for r in read_csv(ons / "cauth25_codes_names.csv")}
    current_cas = {n["id"] for n in cas if not n["valid_to"] and n["id"].startswith("E47")}
    fail_unless(current_cas == set(ons_cas), f"CA register {current_cas} != ONS {set(ons_cas)}")
    for n in cas:
        n["sources"] = sources(CAUTH, CAREG) if n["id"] in ons_cas else CAREG
        fail_unless(
            (n["ca_type"] == "cca") == (n["id"] in CCAS) or n["id"] not in ons_cas,
            f"{n['id']}: ca_type {n['ca_type']} disagrees with the CCA list",
        )
    nodes += cas
    for file, kind, src in [
        ("rgn22_codes_names.csv", "region", RGN),
        ("ctry22_codes_names.csv", "nation", CTRY),
    ]:
        for r in read_csv(ons / file):
            nation = "england" if kind == "region" else ""
            nodes.append(
                {
                    "id": r["areacd"],
                    "kind": kind,
                    "name": r["areanm"],
                    "nation": nation,
                    "sources": src,
                }
            )
    for kind, wanted in [("combined_authority", 25), ("region", 9), ("nation", 4)]:
        expect(f"{kind} nodes", sum(n["kind"] == kind for n in nodes), wanted)
    expect("unique node ids", len({n["id"] for n in nodes}), len(nodes))
    return sorted(nodes, key=lambda n: (KIND_ORDER.index(n["kind"]), n["id"]))


def link(
    a: str, kind: str, b: str, srcs: str, role: str = "", valid_from: str = "", km: str = ""
) -> Row:
    return {
        "from_id": a,
        "kind": kind,
        "to_id": b,
        "role": role,
        "valid_from": valid_from,
        "shared_boundary_km": km,
        "sources": srcs,
    }


def within_links(hier: list[Row], ca_lookup: list[Row], counties: list[str]) -> list[Row]:
    county_src, region_src = sources(CTY, MYSOC), sources(RGN, MYSOC)
    english = [r for r in hier if r["lad25cd"].startswith("E")]
    districts = [r for r in english if r["lad25cd"].startswith("E07")]
    out = [link(r["lad25cd"], "within", r["cty_cd"], county_src) for r in districts]
    expect("district -> county links", len(out), 164)
    fail_unless({r["cty_cd"] for r in districts} == set(counties), "district counties != cty23")
    regions = [link(r["lad25cd"], "within", r["rgn_cd"], region_src) for r in english]
    for cty in counties:
        cty_regions = {r["rgn_cd"] for r in districts if r["cty_cd"] == cty}
        fail_unless(len(cty_regions) == 1, f"county {cty} spans regions {sorted(cty_regions)}")
        regions.append(link(cty, "within", cty_regions.pop(), region_src))
    fail_unless(all(r["to_id"].startswith("E12") for r in regions), "English council lacks region")
    expect("council -> region links", len(regions), 317)
    region_ids = sorted({r["to_id"] for r in regions})
    tops = [link(r, "within", NATION_CODES["E"], sources(RGN, CTRY)) for r in region_ids]
    expect("region -> England links", len(tops), 9)
    devolved = [
        link(r["lad25cd"], "within", NATION_CODES[r["lad25cd"][0]], sources(LTLA, CTRY))
        for r in hier
        if not r["lad25cd"].startswith("E")
    ]
    expect("Welsh/Scottish/NI council -> nation links", len(devolved), 65)
    cas = [link(r["LAD25CD"], "within", r["CAUTH25CD"], LAD_CA) for r in ca_lookup]
    expect("LAD -> combined authority links", len(cas), 106)
    return out + regions + tops + devolved + cas


def member_links(ca_lookup: list[Row], county_of: dict[str, str]) -> list[Row]:
    members: dict[str, set[str]] = defaultdict(set)
    for r in ca_lookup:
        lad, ca = r["LAD25CD"], r["CAUTH25CD"]
        if lad.startswith("E07"):
            members[ca].add(county_of[lad])
            if ca not in CCAS:
                members[ca].add(lad)
        else:
            members[ca].add(lad)
    for ca, wanted in EXPECTED_MEMBERS.items():
        expect(f"constituent members of {ca}", len(members[ca]), wanted)
    every = [m for ms in members.values() for m in ms]
    expect("constituent councils (each in one CA only)", len(set(every)), len(every))
    bundled = {r["id"] for r in authorities(CAREG)}
    current = {old: new for new, old in FORMER_CODES.items()}
    out = memberships(CAREG, current, bundled)
    today = {(m["from_id"], m["to_id"]) for m in out if not m["valid_to"] and m["to_id"] in members}
    derived = {(m, ca) for ca, ms in members.items() for m in ms}
    fail_unless(today == derived, f"register != ONS rule: {sorted(today ^ derived)}")
    for m in out:
        if m["to_id"] in members:
            m["sources"] = sources(LAD_CA, CAREG)
    expect("member_of links (93 of combined authorities, 22 of Welsh CJCs)", len(out), 115)
    return out


def add_border(borders: dict[tuple[str, str], Row], a: str, b: str, src: str, km: str = "") -> None:
    if a == b:
        return
    a, b = sorted((a, b))
    if (a, b) in borders:
        old = borders[(a, b)]
        old["sources"] = sources(*old["sources"].split(";"), *src.split(";"))
    else:
        borders[(a, b)] = link(a, "borders", b, src, km=km)


def border_links(
    shared: Path, successor: dict[str, str], county_of: dict[str, str], current: set[str]
) -> list[Row]:
    borders: dict[tuple[str, str], Row] = {}
    for r in read_csv(shared / "derived" / "england_lad24_adjacency_from_buc.csv"):
        a, b = (successor.get(c, c) for c in (r["lad_a_cd"], r["lad_b_cd"]))
        add_border(borders, a, b, BUC, km=r["shared_boundary_km"])
    neighbours = json.loads((shared / "adjacency" / "ons_lad21_neighbours.json").read_text())
    for code, entry in sorted(neighbours.items()):
        for other in entry[0] or []:
            a, b = successor.get(code, code), successor.get(other, other)
            if not (a.startswith("E") and b.startswith("E")):
                add_border(borders, a, b, NEIGH)
    for (a, b), row in sorted(borders.items()):
        ca, cb = county_of.get(a), county_of.get(b)
        if ca and cb != ca:
            add_border(borders, ca, b, row["sources"])
        if cb and ca != cb:
            add_border(borders, a, cb, row["sources"])
        if ca and cb and ca != cb:
            add_border(borders, ca, cb, row["sources"])
    stray = sorted({c for pair in borders for c in pair} - current)
    fail_unless(not stray, f"border endpoints not current nodes: {stray}")
    return list(borders.values())


def succession_links(shared: Path) -> list[Row]:
    out = [
        link(r["areacd"], "succeeded_by", r["newcd"], CHANGES, valid_from=REORG_DAY)
        for r in read_csv(shared / "ons" / "lad_code_changes_2023.csv")
    ]
    out += [
        link(CUMBRIA, "succeeded_by", heir, MYSOC, valid_from=REORG_DAY) for heir in CUMBRIA_HEIRS
    ]
    expect("succeeded_by links", len(out), 21)
    return out


def check_hierarchy(shared: Path, hier: list[Row], ca_lookup: list[Row]) -> None:
    """Cross-check the derived hierarchy against the ONS lookups it should agree with."""
    expect("hierarchy rows", len(hier), 361)
    lad_ca = {r["LAD25CD"]: r["CAUTH25CD"] for r in ca_lookup}
    cty21 = {
        r["LAD21CD"]: r["CTY21CD"]
        for r in read_csv(shared / "ons" / "LAD21_CTY21_EN_LU_April2021.csv")
    }
    clash = [
        r["lad25cd"]
        for r in hier
        if r["cauth25cd"] != lad_ca.get(r["lad25cd"], "")
        or (r["cty_cd"] and r["cty_cd"] != cty21.get(r["lad25cd"]))
    ]
    fail_unless(not clash, f"hierarchy disagrees with ONS LAD25->CAUTH25 / LAD21->CTY21: {clash}")


PROVENANCE = """# Bundled data: provenance

Generated by `python scripts/compile_bundled.py` from `../shared/data` (see its `SOURCES.md`);
deterministic, do not edit by hand.

## Files

- `nodes.csv`: councils (current and abolished), combined authorities, regions, nations, each
  with a position (`lat`, `lon`, WGS84) for the geographic maps: for England's districts and
  unitaries the area-weighted centroid of the ONS May 2024 BUC boundary (computed in an
  equirectangular projection at 54°N); for Scotland, Wales, Northern Ireland and councils with
  no 2024 boundary, mySociety's `lat`/`long`; for counties, combined authorities, regions and
  nations the area-weighted mean of their districts' centroids.
- `links.csv`: `within`, `member_of`, `borders` and `succeeded_by` relations.
- `datasets.csv`: each dataset cited in the `sources` columns (`DATASET@VINTAGE` =
  `dataset`@`vintage`) with publisher, licence, upstream URL and commit.

Counts:

{counts}

## Method

{method}

## Datasets

{datasets}

Contains public sector information licensed under the Open Government Licence v3.0.
Contains OS data © Crown copyright and database right.
Council register data: mySociety, uk_local_authority_names_and_codes, licensed CC BY 4.0.

## Caveats

- Positions are for drawing maps, not for measuring: a centroid can fall outside an odd-shaped
  area, and the projection is approximate far from 54°N.
- BUC boundaries are ultra-generalised and coast-clipped: km are approximate, borders < 0.5 km
  may be artefacts (Bromley-Lambeth, North Northamptonshire-South Kesteven, Watford-St Albans).
- Estuary pairs: the BUC clipping drops them; the ONS 2021 list (non-English pairs here) counts
  water edges as shared (e.g. Bristol-Cardiff, Wirral-Flintshire, Cumberland-Dumfries and
  Galloway).
- mySociety is stale for the North East (old NECA / North of Tyne) and lacks North East CA and
  the Devon and Torbay and Lancashire CCAs (blank `official_name`). Its start-date is often the
  day the register entry was made (e.g. 2005-06-18 for Aberdeenshire, created in 1996), so a
  council's `valid_from` is kept only where it is a reorganisation day (1 April) and is blank
  otherwise; combined authorities' `valid_from` is blank (the register's dates for them are not
  their establishment dates, e.g. 2014-04-01 for Greater Manchester, established 2011).
"""


def name_variants(shared: Path, register: list[Row], ids: set[str]) -> list[Row]:
    """Every known name of each council partnermap has a node for: mySociety's variants file
    and the register's alt-names, as ``name,id`` rows (a name naming two councils is dropped)."""
    reference = shared / "reference"
    gss_of = {r["local-authority-code"]: r["gss-code"] for r in register if r["gss-code"]}
    current_code = {old: new for new, old in FORMER_CODES.items()}
    pairs: set[tuple[str, str]] = set()
    for row in read_csv(reference / "mysociety_lookup_name_to_registry.csv"):
        pairs.add((row["la-name"].strip(), row["local-authority-code"]))
    for row in register:
        for alt in row["alt-names"].split(","):
            if alt.strip():
                pairs.add((alt.strip(), row["local-authority-code"]))
    by_name: dict[str, set[str]] = {}
    for name, code in pairs:
        gss = current_code.get(gss_of.get(code, ""), gss_of.get(code, ""))
        if gss in ids:
            by_name.setdefault(name, set()).add(gss)
    rows = [{"name": n, "id": next(iter(g)), "sources": NAMES} for n, g in by_name.items()]
    return sorted(
        (r for r in rows if len(by_name[r["name"]]) == 1), key=lambda r: (r["id"], r["name"])
    )


def summary(nodes: list[Row], links: list[Row]) -> list[str]:
    """Counts per node kind (current vs abolished) and per link kind."""
    lines = []
    for kind in KIND_ORDER:
        rows = [n for n in nodes if n["kind"] == kind]
        old = sum(bool(n.get("valid_to")) for n in rows)
        lines.append(f"nodes {kind}: {len(rows) - old} current, {old} abolished")
    kinds = sorted({r["kind"] for r in links})
    return lines + [f"links {k}: {sum(r['kind'] == k for r in links)}" for k in kinds]


def write_provenance(out: Path, counts: list[str]) -> None:
    method = __doc__.split("Method:\n\n")[1].split("Run:")[0].strip()
    datasets = "\n".join(
        f"- `{d[0]}@{d[1]}`: {d[2]}. {d[3]}, {d[4]}. <{d[5]}>. {d[6]}" for d in DATASETS
    )
    text = PROVENANCE.format(
        counts="\n".join(f"- {c}" for c in counts), method=method, datasets=datasets
    )
    (out / "PROVENANCE.md").write_text(text, encoding="utf-8", newline="\n")


NATION_CODES = {"E": "E92000001", "N": "N92000002", "S": "S92000003", "W": "W92000004"}


def positions(shared: Path, nodes: list[Row], ms_by_gss: dict[str, Row]) -> None:
    """Give every council, combined authority, region and nation a ``lat``/``lon``: the
    area-weighted centroid of its boundary for England's districts and unitaries (ONS BUC May
    2024), mySociety's point for the rest of the UK and for councils without a 2024 boundary,
    and the area-weighted mean of their districts for counties, combined authorities, regions
    and nations."""
    ons = shared / "ons"
    code_of = {r["areanm"]: r["areacd"] for r in read_csv(ons / "ltla23_codes_names.csv")}
    code_of.update({r["areanm"]: r["areacd"] for r in read_csv(ons / "ltla25_codes_names.csv")})
    current = {r["areacd"] for r in read_csv(ons / "ltla25_codes_names.csv")}
    renamed = {old: new for new, old in FORMER_CODES.items()}
    geo = json.loads((shared / "adjacency" / "england_lad24_may_buc_names.geojson").read_text())
    found: dict[str, tuple[float, float, float]] = {}
    for feature in geo["features"]:
        code = code_of[feature["properties"]["name"]]
        code = renamed.get(code, code) if renamed.get(code, code) in current else code
        found[code] = polygon_centroid(feature["geometry"])
    expect("England district and unitary boundaries", len(found), 296)
    by_id = {n["id"]: n for n in nodes}
    for n in nodes:
        if n["kind"] != "council" or n["id"] in found:
            continue
        ms = ms_by_gss.get(FORMER_CODES.get(n["id"], n["id"])) or {}
        if ms.get("lat") and ms.get("long"):
            found[n["id"]] = (0.0, float(ms["lat"]), float(ms["long"]))
    hier = read_csv(shared / "derived" / "lad25_hierarchy.csv")
    groups: dict[str, list[str]] = defaultdict(list)
    for r in hier:
        for key in ("cty_cd", "cauth25cd", "rgn_cd"):
            if r[key]:
                groups[r[key]].append(r["lad25cd"])
        groups[NATION_CODES[r["lad25cd"][0]]].append(r["lad25cd"])
    for group, members in groups.items():
        placed = [found[m] for m in members if m in found]
        weight = sum(a for a, _, _ in placed) or 0.0
        if weight > 0:
            found[group] = (
                weight,
                sum(a * la for a, la, _ in placed) / weight,
                sum(a * lo for a, _, lo in placed) / weight,
            )
        elif placed:
            found[group] = (
                0.0,
                sum(la for _, la, _ in placed) / len(placed),
                sum(lo for _, _, lo in placed) / len(placed),
            )
    for code, (_, lat, lon) in found.items():
        if code in by_id:
            by_id[code]["lat"], by_id[code]["lon"] = f"{lat:.4f}", f"{lon:.4f}"
    missing = [
        n["id"]
        for n in nodes
        if not n.get("lat") and not n.get("valid_to") and n["kind"] != "combined_authority"
    ]
    fail_unless(not missing, f"nodes without a position: {missing}")


def place_abolished(
    nodes: list[Row], places: dict[str, tuple[float, float, float]], successions: list[Row]
) -> None:
    """Abolished English councils at the centroid of their own outline; Northern Ireland's
    councils of 1973-2015 (no outline here) at the council that took the whole of them."""
    by_id = {n["id"]: n for n in nodes}
    for code, (_, lat, lon) in places.items():
        by_id[code]["lat"], by_id[code]["lon"] = f"{lat:.4f}", f"{lon:.4f}"
    for r in successions:
        old, heir = by_id[r["from_id"]], by_id[r["to_id"]]
        if r["from_id"].startswith("snac:") and r["share"] == "whole":
            old["lat"], old["lon"] = heir["lat"], heir["lon"]


def add_population(shared: Path, nodes: list[Row]) -> None:
    """Every current council's population and its year, cited."""
    found = populations(shared, FORMER_CODES)
    cited = {"ew": MYE, "scotland": MYE_UK, "ni": NISRA}
    current = [n for n in nodes if n["kind"] == "council" and not n.get("valid_to")]
    for n in current:
        people, year, key = found[n["id"]]
        n["population"], n["population_year"] = str(people), year
        n["sources"] = sources(*n["sources"].split(";"), cited[key])
    expect("councils with a population", sum(bool(n.get("population")) for n in nodes), 382)
    england = sum(int(n["population"]) for n in current if n["council_type"] != "county"
                  and n["nation"] == "england")  # fmt: skip
    expect("England's population, mid-2024 (districts and unitaries)", england, 58_620_101)


def place_authorities(nodes: list[Row], links: list[Row]) -> None:
    """Combined authorities ONS's lookup does not cover at the mean of their areas' places."""
    by_id = {n["id"]: n for n in nodes}
    areas: dict[str, list[Row]] = defaultdict(list)
    for r in links:
        if r["kind"] == "within" and by_id[r["to_id"]]["kind"] == "combined_authority":
            areas[r["to_id"]].append(by_id[r["from_id"]])
    for n in nodes:
        if n["kind"] == "combined_authority" and not n.get("lat"):
            placed = areas[n["id"]]
            n["lat"] = f"{sum(float(a['lat']) for a in placed) / len(placed):.4f}"
            n["lon"] = f"{sum(float(a['lon']) for a in placed) / len(placed):.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    shared, out = args.shared, args.out
    register = read_csv(shared / "reference" / "mysociety_uk_local_authorities.csv")
    ms_by_gss = {r["gss-code"]: r for r in register if r["gss-code"]}
    ms_by_code = {r["local-authority-code"]: r for r in register}
    nodes = build_nodes(shared, ms_by_gss, ms_by_code)
    cited = Cited(MYSOC, ELS, NI2012)
    starts = {n["id"]: n["valid_from"] for n in nodes if n["kind"] == "council"}
    old_nodes, successions = abolished_councils(register, cited, starts)
    nodes = sorted(nodes + old_nodes, key=lambda n: (KIND_ORDER.index(n["kind"]), n["id"]))
    positions(shared, nodes, ms_by_gss)
    add_population(shared, nodes)
    current = {n["id"] for n in nodes if not n.get("valid_to")}
    hier = read_csv(shared / "derived" / "lad25_hierarchy.csv")
    ca_lookup = read_csv(shared / "ons" / "LAD25_CAUTH25_EN_LU_May2025.csv")
    check_hierarchy(shared, hier, ca_lookup)
    county_of = {r["lad25cd"]: r["cty_cd"] for r in hier if r["cty_cd"]}
    counties = [n["id"] for n in nodes if n["id"].startswith("E10") and n["id"] in current]
    successor = {
        r["areacd"]: r["newcd"] for r in read_csv(shared / "ons" / "lad_code_changes_2023.csv")
    }
    successor.update({old: new for new, old in FORMER_CODES.items()})
    regions = {r["areanm"]: r["areacd"] for r in read_csv(shared / "ons" / "rgn22_codes_names.csv")}
    topology = load_topology(shared / "boundaries" / "ons_els_areas_2014-2026.topo.json")
    past_links, past_places = abolished_geography(topology, register, nodes, regions, cited)
    place_abolished(nodes, past_places, successions)
    members = member_links(ca_lookup, county_of)
    districts_of: dict[str, list[str]] = defaultdict(list)
    for district, county in county_of.items():
        districts_of[county].append(district)
    ons_areas = {r["CAUTH25CD"] for r in ca_lookup}
    links = (
        within_links(hier, ca_lookup, counties)
        + members
        + member_areas(members, districts_of, ons_areas, CAREG)
        + border_links(shared, successor, county_of, current)
        + succession_links(shared)
        + successions
        + past_links
    )
    place_authorities(nodes, links)
    missing = [n["id"] for n in nodes if not n.get("lat")]
    fail_unless(not missing, f"nodes without a position: {missing}")
    keys = [(r["kind"], r["from_id"], r["to_id"]) for r in links]
    expect("unique (kind, from_id, to_id) links", len(set(keys)), len(keys))
    unknown = sorted({c for _, a, b in keys for c in (a, b)} - {n["id"] for n in nodes})
    fail_unless(not unknown, f"link endpoints missing from nodes: {unknown}")
    links.sort(key=lambda r: (r["kind"], r["from_id"], r["to_id"]))
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "nodes.csv", NODE_HEADER, nodes)
    write_csv(out / "links.csv", LINK_HEADER, links)
    rows = [dict(zip(DATASET_FIELDS, d, strict=True)) for d in DATASETS]
    write_csv(out / "datasets.csv", DATASET_HEADER, rows)
    names = name_variants(shared, register, {n["id"] for n in nodes})
    write_csv(out / "names.csv", ["name", "id", "sources"], names)
    counts = [*summary(nodes, links), f"name variants: {len(names)}"]
    write_provenance(out, counts)
    print("\n".join(counts))


if __name__ == "__main__":
    main()
