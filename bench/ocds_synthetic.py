"""A synthetic OCDS JSON Lines file shaped like Contracts Finder's, for the load benchmark.

``python bench/ocds_synthetic.py OUT.jsonl --releases 1000000`` writes releases with the fields
partnermap reads (parties and roles, buyer, tender title, description, method details, value,
CPV, dates, awards) in the proportions seen in the real files under tests/fixtures/ocds:
most releases have one buyer, named as councils name themselves (taken from the bundled name
variants); about a fifth are bodies that are not councils (most unresolvable, some NHS trusts);
one in seven is a framework call-off naming ESPO, YPO, NEPO or a CCS RM number; one in thirty
has several buyers. The same seed gives the same file.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import date, timedelta
from pathlib import Path

import orjson

from loaders.resolve import names_file

OTHER_BUYERS = [f"{place} {what}" for place in (
    "Northfield", "Eastbrook", "Westmoor", "Southdale", "Kingsmere", "Ashford Vale", "Millbrook",
    "Oakridge", "Riverside", "Highcliffe",
) for what in (
    "Housing Trust", "Academy Trust", "University", "College", "Leisure Ltd", "Homes",
    "Procurement Unit", "Water Ltd",
)]  # fmt: skip
NHS_BUYERS = [f"{place} NHS Foundation Trust" for place in (
    "Northfield General Hospital", "Eastbrook Healthcare", "Westmoor Community Health",
    "Southdale University Hospitals",
)]  # fmt: skip
CALL_OFFS = [
    ("Call-off from ESPO framework 509_23 {lot}", "bo:espo"),
    ("Direct award via YPO framework 1140 - {lot}", "bo:ypo"),
    ("Further competition under NEPO framework 117 {lot}", "bo:nepo"),
    ("Call-off from CCS RM6187 Lot {n} {lot}", "bo:ccs"),
]
TOPICS = [
    "Road resurfacing",
    "Temporary staff",
    "Legal services",
    "Fleet vehicles",
    "Office supplies",
    "Grounds maintenance",
    "Software licences",
    "Energy supply",
    "Waste collection vehicles",
    "Consultancy support",
    "Catering equipment",
    "Cleaning services",
]
CPV = ["45233142", "79620000", "79100000", "34100000", "30192000", "77310000", "48000000"]
START = date(2019, 1, 1)


def council_names() -> list[str]:
    with names_file().open(encoding="utf-8") as f:
        return sorted({row["name"] for row in csv.DictReader(f) if row["id"][:1] in "ENSW"})


def write_releases(path: Path, count: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    councils = council_names()
    with path.open("wb") as out:
        for i in range(count):
            out.write(orjson.dumps(_release(rng, i, councils)))
            out.write(b"\n")
    return path


def _buyer_name(rng: random.Random, councils: list[str]) -> str:
    roll = rng.random()
    if roll < 0.78:
        return rng.choice(councils)
    if roll < 0.96:
        return rng.choice(OTHER_BUYERS)
    return rng.choice(NHS_BUYERS)


def _release(rng: random.Random, i: int, councils: list[str]) -> dict[str, object]:
    day = START + timedelta(days=rng.randrange(6 * 365))
    ocid = f"ocds-synth0-{i:08d}"
    buyers = [_buyer_name(rng, councils)]
    if rng.random() < 1 / 30:
        buyers += rng.sample(councils, rng.randint(1, 4))
    topic = rng.choice(TOPICS)
    title, details = topic, rng.choice(["Open procedure", "Restricted procedure", "Direct award"])
    if rng.random() < 1 / 7:
        template, _ = rng.choice(CALL_OFFS)
        title = template.format(lot=topic, n=rng.randint(1, 8))
        details = "Call-off from a framework agreement"
    value = round(rng.lognormvariate(11, 1.5), 2)
    parties: list[dict[str, object]] = [
        {
            "id": f"GB-CFS-{rng.randrange(10**6)}",
            "name": name,
            "identifier": {"legalName": name},
            "address": {"locality": "Somewhere", "countryName": "United Kingdom"},
            "roles": ["buyer"],
        }
        for name in buyers
    ]
    parties.append(
        {
            "id": f"GB-COH-{rng.randrange(10**8):08d}",
            "name": f"Supplier {rng.randrange(50_000)} Ltd",
            "roles": ["supplier"],
        }
    )
    return {
        "ocid": ocid,
        "id": f"{ocid}-{day.isoformat()}",
        "date": f"{day.isoformat()}T10:00:00Z",
        "tag": ["award"],
        "initiationType": "tender",
        "parties": parties,
        "buyer": {"id": parties[0]["id"], "name": buyers[0]},
        "tender": {
            "id": f"tender-{i}",
            "title": title,
            "description": f"{title}. Provision of {topic.lower()} for the authority. " * 2,
            "status": "complete",
            "classification": {"scheme": "CPV", "id": rng.choice(CPV)},
            "value": {"amount": value, "currency": "GBP"},
            "procurementMethod": "open",
            "procurementMethodDetails": details,
            "tenderPeriod": {"endDate": f"{day.isoformat()}T12:00:00Z"},
            "mainProcurementCategory": "services",
        },
        "awards": [
            {
                "id": f"{ocid}-award",
                "status": "active",
                "date": f"{day.isoformat()}T00:00:00Z",
                "value": {"amount": value, "currency": "GBP"},
                "suppliers": [parties[-1]],
            }
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--releases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_releases(args.out, args.releases, args.seed)


if __name__ == "__main__":
    main()
