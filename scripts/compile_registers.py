"""Compile partnermap's register of non-council public bodies from ../shared/data/public_bodies.

Method:

- Register-derived rows come from the files in ../shared/data/public_bodies/, read unchanged:
  NHS trusts from the ODS `etr` file (every row, open or closed; ODS open and close dates become
  `valid_from` and `valid_to`; names converted from ODS upper case to title case), integrated
  care boards from ONS's ICB (Dec 2024) names and codes (cross-checked against the rcpch list),
  Welsh local health boards from the rcpch list, police forces and police and crime
  commissioners from the police force areas (E23, W15, N23, S23; the two pseudo codes left out),
  fire and rescue authorities from ONS's FRA (Dec 2019) names and codes.
- Hand-compiled rows live in loaders/bundled/registers/hand_compiled.csv, each with the page it
  was read from. A hand row whose id the registers also produce amends that row: a non-blank
  name, valid_from or valid_to replaces the register's, aliases and notes are added, the source
  is appended and `verified` becomes the weaker of the two; `body_type`, `register` and `code`
  must be blank or agree. Any other hand row is a body of its own.
- Ids follow the register (see the ids in the README); every id, body type, flag and count
  is checked, and no name or alias may point at two bodies. A failed check exits loudly.

Run (in the project environment: body types are checked against graph.model):
    .venv/bin/python scripts/compile_registers.py [--shared DIR] [--out DIR] [--hand FILE]
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import Counter
from pathlib import Path

from registers_provenance import REGISTER_ORDER, REGISTERS, VERIFIED, Row, counts, write_readme

from graph.model import PublicBodyType

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "loaders" / "bundled" / "registers"
DEFAULT_HAND = DEFAULT_OUT / "hand_compiled.csv"

HEADER = [
    "id",
    "name",
    "body_type",
    "register",
    "code",
    "aliases",
    "valid_from",
    "valid_to",
    "source",
    "verified",
    "note",
]


ID_SCHEMES: dict[str, re.Pattern[str]] = {
    "ods-etr": re.compile(r"pb:nhs-[a-z0-9]{3,5}"),
    "ons-icb-2024": re.compile(r"pb:nhs-q[a-z0-9]{2}"),
    "nhs-wales-lhb": re.compile(r"pb:nhs-7a[1-7]"),
    "ons-pfa": re.compile(r"pb:(?:police|pcc)-(?:e23|w15|n23|s23)\d{6}"),
    "ons-fra-2019": re.compile(r"pb:fire-(?:e31|w25|s38|n31)\d{6}"),
    "ons-fra": re.compile(r"pb:fire-e31\d{6}"),
    "ons-hb-2019": re.compile(r"pb:nhs-s08\d{6}"),
    "nhs-scotland": re.compile(r"pb:nhs-[a-z0-9]+(?:-[a-z0-9]+)+|pb:nhs-24"),
    "nhs-wales": re.compile(r"pb:nhs-[a-z0-9]+(?:-[a-z0-9]+)+"),
    "hscni": re.compile(r"pb:hsc-[a-z0-9]+(?:-[a-z0-9]+)*"),
    "scottish-police": re.compile(r"pb:police-[a-z]+(?:-[a-z]+)+"),
    "gov-uk-organisations": re.compile(r"pb:(?:gov|npa)-[a-z0-9]+(?:-[a-z0-9]+)*"),
    "national-parks": re.compile(r"pb:npa-[a-z0-9]+(?:-[a-z0-9]+)*"),
}
"""What an id looks like in each register; codes must also match the id where there is one."""

EXPECTED = {
    "ods-etr": 274,
    "ons-icb-2024": 42,
    "nhs-wales-lhb": 7,
    "ons-pfa": 45 + 42,
    "ons-fra-2019": 50,
    "ons-hb-2019": 14,
}
"""Rows per register after merging: 45 forces and 42 policing bodies (43 areas of England and
Wales, less the City of London, which has no police and crime commissioner)."""


def fail_unless(ok: bool, message: str) -> None:
    if not ok:
        raise SystemExit(f"compile_registers: check failed: {message}")


def read_csv(path: Path) -> list[Row]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def source_of(register: str) -> str:
    _, file, upstream, licence = REGISTERS[register]
    return f"shared/data/{file} ({upstream}; {licence})"


def iso(day: str) -> str:
    """ODS's YYYYMMDD as an ISO date."""
    return f"{day[:4]}-{day[4:6]}-{day[6:]}" if day else ""


SMALL_WORDS = {"and", "of", "upon", "on", "the", "for", "in", "at", "by"}
UPPER_WORDS = {"NHS"}


def title_case(upper: str) -> str:
    """An ODS upper-case name in title case: ``THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION
    TRUST`` -> ``The Newcastle upon Tyne Hospitals NHS Foundation Trust``."""
    words = upper.split()
    return " ".join(_word(w, first=i == 0) for i, w in enumerate(words))


def _word(word: str, *, first: bool) -> str:
    if word in UPPER_WORDS:
        return word
    parts = word.split("-")
    return "-".join(_part(p, first=first and i == 0) for i, p in enumerate(parts))


def _part(part: str, *, first: bool) -> str:
    core = part.rstrip(",")
    tail = part[len(core) :]
    lower = core.lower()
    if lower in SMALL_WORDS and not first:
        return lower + tail
    return lower[:1].upper() + lower[1:] + tail


def row(**fields: str) -> Row:
    return {col: fields.get(col, "") for col in HEADER}


def nhs_trusts(shared: Path) -> list[Row]:
    """ODS etr columns: 0 code, 1 name, 2 national grouping, 10 open date, 11 close date."""
    with (shared / "public_bodies" / "ods_etr_nhs_trusts_2026.csv").open(
        encoding="utf-8-sig", newline=""
    ) as f:
        records = list(csv.reader(f))
    fail_unless(all(len(r) == 27 for r in records), "ODS etr rows must have 27 columns")
    rows = []
    for r in records:
        code, name, grouping, opened, closed = r[0], r[1], r[2], r[10], r[11]
        title = title_case(name)
        nation = f"England (ODS national grouping {grouping})" if grouping else "Wales"
        note = f"NHS trust, {nation}" + ("; closed in ODS" if closed else "")
        aliases = title.removeprefix("The ") if title.startswith("The ") else ""
        rows.append(
            row(
                id=f"pb:nhs-{code.lower()}",
                name=title,
                body_type="nhs",
                register="ods-etr",
                code=code,
                aliases=aliases,
                valid_from=iso(opened),
                valid_to=iso(closed),
                source=source_of("ods-etr"),
                verified="yes",
                note=note,
            )
        )
    open_rows = [x for x in rows if not x["valid_to"]]
    fail_unless(len(open_rows) == 202, f"ODS etr: 202 open trusts expected, {len(open_rows)}")
    welsh = [x for x in rows if x["note"].startswith("NHS trust, Wales")]
    fail_unless(len(welsh) == 3, f"ODS etr: 3 Welsh trusts expected, got {len(welsh)}")
    return rows


def icbs(shared: Path) -> list[Row]:
    folder = shared / "public_bodies"
    ons = read_csv(folder / "icb_names_codes_dec_2024.csv")
    rcpch = {
        r["ods_code"]: r["gss_code"]
        for r in read_csv(folder / "nhs_integrated_care_boards_2024.csv")
    }
    fail_unless(
        {r["ICB24CDH"]: r["ICB24CD"] for r in ons} == rcpch,
        "ONS and rcpch ICB lists disagree on ODS/E54 codes",
    )
    return [
        row(
            id=f"pb:nhs-{r['ICB24CDH'].lower()}",
            name=r["ICB24NM"],
            body_type="nhs",
            register="ons-icb-2024",
            code=r["ICB24CDH"],
            source=source_of("ons-icb-2024"),
            verified="yes",
            note=f"integrated care board, England; ONS {r['ICB24CD']}",
        )
        for r in ons
    ]


def health_boards(shared: Path) -> list[Row]:
    return [
        row(
            id=f"pb:nhs-{r['ods_code'].lower()}",
            name=title_case(r["health_board"]),
            body_type="nhs",
            register="nhs-wales-lhb",
            code=r["ods_code"],
            source=source_of("nhs-wales-lhb"),
            verified="yes",
            note=f"local health board, Wales; ONS {r['gss_code']}",
        )
        for r in read_csv(shared / "public_bodies" / "nhs_local_health_boards_2024.csv")
    ]


NO_PCC = {
    "E23000001": "policing body: the Mayor's Office for Policing and Crime (hand-compiled row)",
    "E23000034": "no police and crime commissioner: the Common Council of the City of London "
    "is the police authority",
    "N23000001": "no police and crime commissioner (Northern Ireland Policing Board)",
    "S23000009": "no police and crime commissioner (Scottish Police Authority)",
}
"""Police areas for which no commissioner row is formed from the register."""


def police(shared: Path) -> list[Row]:
    """A force row for each police area and a commissioner row for each area that has one, in
    the statutory form of the title (Police Reform and Social Responsibility Act 2011)."""
    areas = [
        r
        for r in read_csv(shared / "public_bodies" / "police_force_areas.csv")
        if re.fullmatch(r"(?:E23|W15|N23|S23)\d{6}", r["pfa_code"])
    ]
    fail_unless(len(areas) == 45, f"45 police force areas expected, got {len(areas)}")
    fail_unless(all(r["status"] == "active" for r in areas), "every police area must be active")
    rows = []
    for r in areas:
        code, label = r["pfa_code"], r["pfa_name"]
        area = label.replace(" & ", " and ")
        rows.append(
            row(
                id=f"pb:police-{code.lower()}",
                name=label if label.startswith("Police Service") else f"{area} Police",
                body_type="police",
                register="ons-pfa",
                code=code,
                source=source_of("ons-pfa"),
                verified="yes" if label.startswith("Police Service") else "partial",
                note=f"police force of police area {code} (register name '{label}')"
                + ("" if label.startswith("Police Service") else "; name formed from it"),
            )
        )
        if code in NO_PCC:
            continue
        rows.append(
            row(
                id=f"pb:pcc-{code.lower()}",
                name=f"Police and Crime Commissioner for {area}",
                body_type="police",
                register="ons-pfa",
                code=code,
                aliases=f"{area} Police and Crime Commissioner;"
                f"Office of the Police and Crime Commissioner for {area}",
                source=source_of("ons-pfa"),
                verified="partial",
                note=f"elected local policing body of police area {code}; title in the "
                "statutory form, not read per area",
            )
        )
    return rows


def fire(shared: Path) -> list[Row]:
    rows = []
    for r in read_csv(shared / "public_bodies" / "fra_dec2019_names_codes.csv"):
        code, label = r["FRA19CD"], r["FRA19NM"]
        named = label.endswith(("Fire and Rescue Service", "Authority"))
        rows.append(
            row(
                id=f"pb:fire-{code.lower()}",
                name=label
                if named
                else f"{label.replace(' & ', ' and ')} Fire and Rescue Authority",
                body_type="fire",
                register="ons-fra-2019",
                code=code,
                source=source_of("ons-fra-2019"),
                verified="yes" if named else "partial",
                note=f"ONS FRA19 name '{label}'"
                + (
                    ""
                    if named
                    else "; name formed from it (statutory names vary, and in some areas the "
                    "county or unitary council is itself the fire and rescue authority)"
                ),
            )
        )
    return rows


def weaker(a: str, b: str) -> str:
    return min(a, b, key=VERIFIED.index)


def joined(*parts: str, sep: str = ";") -> str:
    seen: list[str] = []
    for part in parts:
        for raw in part.split(sep) if part else []:
            item = raw.strip()
            if item and item not in seen:
                seen.append(item)
    return sep.join(seen)


def merge(registered: list[Row], hand: list[Row]) -> list[Row]:
    by_id = {r["id"]: r for r in registered}
    fail_unless(len(by_id) == len(registered), "register-derived ids must be unique")
    added: list[Row] = []
    for h in hand:
        fail_unless(h["verified"] in VERIFIED, f"{h['id']}: verified must be one of {VERIFIED}")
        fail_unless(bool(h["source"]), f"{h['id']}: hand-compiled rows need a source")
        old = by_id.get(h["id"])
        if old is None:
            missing = [c for c in ("name", "body_type", "register") if not h[c]]
            fail_unless(not missing, f"{h['id']}: new hand-compiled row lacks {missing}")
            added.append(row(**h))
            continue
        for col in ("body_type", "register", "code"):
            fail_unless(h[col] in ("", old[col]), f"{h['id']}: amendment may not change {col}")
        for col in ("name", "valid_from", "valid_to"):
            if h[col]:
                old[col] = h[col]
        old["aliases"] = joined(old["aliases"], h["aliases"])
        old["note"] = joined(old["note"], h["note"], sep="; ")
        old["source"] = f"{old['source']} | {h['source']}"
        old["verified"] = weaker(old["verified"], h["verified"])
    rows = registered + added
    for r in rows:
        r["aliases"] = ";".join(a for a in r["aliases"].split(";") if a and a != r["name"])
    return sorted(rows, key=lambda r: (REGISTER_ORDER.index(r["register"]), r["id"]))


def check(rows: list[Row]) -> None:
    ids = [r["id"] for r in rows]
    fail_unless(
        len(set(ids)) == len(ids), f"duplicate ids: {[i for i, n in Counter(ids).items() if n > 1]}"
    )
    types = {t.value for t in PublicBodyType}
    for r in rows:
        rid = r["id"]
        fail_unless(r["register"] in ID_SCHEMES, f"{rid}: unknown register {r['register']!r}")
        fail_unless(
            bool(ID_SCHEMES[r["register"]].fullmatch(rid)),
            f"{rid}: id does not follow its register",
        )
        if r["code"] and r["register"] not in ("gov-uk-organisations",):
            fail_unless(
                rid.endswith("-" + r["code"].lower()), f"{rid}: id does not carry {r['code']}"
            )
        fail_unless(
            r["body_type"] in types, f"{rid}: body_type {r['body_type']!r} not in the model"
        )
        fail_unless(bool(r["name"] and r["source"]), f"{rid}: name and source are required")
        fail_unless(r["verified"] in VERIFIED, f"{rid}: verified {r['verified']!r}")
        for day in (r["valid_from"], r["valid_to"]):
            fail_unless(
                not day or bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", day)), f"{rid}: date {day}"
            )
    owner: dict[str, str] = {}
    for r in rows:
        for name in {r["name"], *filter(None, r["aliases"].split(";"))}:
            key = name.casefold()
            fail_unless(
                owner.setdefault(key, r["id"]) == r["id"],
                f"name {name!r} belongs to both {owner[key]} and {r['id']}",
            )
    counts = Counter(r["register"] for r in rows)
    for register, wanted in EXPECTED.items():
        fail_unless(
            counts[register] == wanted,
            f"{register}: {wanted} rows expected, got {counts[register]}",
        )


def write_csv(path: Path, rows: list[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows([r[c] for c in HEADER] for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--hand", type=Path, default=DEFAULT_HAND)
    args = parser.parse_args()
    registered = (
        nhs_trusts(args.shared)
        + icbs(args.shared)
        + health_boards(args.shared)
        + police(args.shared)
        + fire(args.shared)
    )
    hand = [row(**r) for r in read_csv(args.hand)]
    rows = merge(registered, hand)
    check(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(args.out / "public_bodies.csv", rows)
    method = __doc__.split("Method:\n\n")[1].split("Run:")[0].strip()
    write_readme(args.out / "README.md", rows, method)
    print("\n".join(counts(rows)))


if __name__ == "__main__":
    main()
