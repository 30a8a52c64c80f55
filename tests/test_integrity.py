"""The bundled partnership rows checked on every run: dates in order, partners that existed on
the day they took part, savings and values that say what they are, no arrangement counted twice,
and the breadth and coverage the data promises."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path

from graph import LinkKind, NetworkXStore, NodeKind
from loaders import bundled_dir

PARTNERSHIPS = bundled_dir() / "partnerships"
TODAY = date(2026, 12, 1)
"""The day coverage is measured on (fixed: arrangements end, and the data is dated)."""


def rows(name: str) -> list[dict[str, str]]:
    with (PARTNERSHIPS / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def partner_days(text: str) -> list[tuple[str, str, str]]:
    out = []
    for entry in filter(None, (e.strip() for e in text.split(";"))):
        partner, _, span = entry.partition("@")
        first, _, last = span.partition("..")
        out.append((partner, first, last))
    return out


def test_dates_are_in_order_and_partners_existed_then(loaded: NetworkXStore) -> None:
    nodes = {n.id: n for n in loaded.iter_nodes()}
    for name, who in (("shared_services.csv", "partners"),
                      ("joint_procurements.csv", "participants")):  # fmt: skip
        for row in rows(name):
            start, end = row["start_date"], row["end_date"]
            assert not (start and end) or start <= end, row["id"]
            for partner, first, last in partner_days(row[who]):
                assert not (first and last) or first <= last, (row["id"], partner)
                assert not (start and first) or start <= first, (row["id"], partner)
                assert not (end and last) or last <= end, (row["id"], partner)
                node = nodes[partner]
                began = first or start
                if began and node.valid_from:
                    assert date.fromisoformat(began) >= node.valid_from, (row["id"], partner)
                if began and node.valid_to:
                    assert date.fromisoformat(began) <= node.valid_to, (row["id"], partner)


def test_savings_and_values_say_what_they_are() -> None:
    for row in rows("shared_services.csv"):
        assert not row.get("annual_savings_gbp"), row["id"]  # the typed columns instead
        if row["savings_gbp"]:
            assert row["savings_kind"] and row["savings_year"], row["id"]
    for row in rows("joint_procurements.csv"):
        if row["value_gbp"]:
            assert row["value_kind"] and row["value_year"], row["id"]


def test_no_arrangement_is_counted_twice(loaded: NetworkXStore) -> None:
    """Two arrangements with the same partners and category that overlap in time are one,
    unless they are linked: a contract ``managed_by`` its partnership (or two contracts managed
    by one), or a note that names the other and says how they differ."""
    managers = {k.from_id: k.to_id for k in loaded.iter_links() if k.kind is LinkKind.MANAGED_BY}
    linked = {frozenset(pair) for pair in managers.items()}
    by_manager: dict[str, set[str]] = defaultdict(set)
    for contract, manager in managers.items():
        by_manager[manager].add(contract)
    linked |= {frozenset((a, b)) for group in by_manager.values() for a in group for b in group}
    by_key: dict[tuple[frozenset[str], str], list[dict[str, str]]] = defaultdict(list)
    for name, who in (("shared_services.csv", "partners"),
                      ("joint_procurements.csv", "participants")):  # fmt: skip
        for row in rows(name):
            partners = frozenset(p for p, _, _ in partner_days(row[who]))
            by_key[(partners, row["category"])].append(row)
    for same in by_key.values():
        for i, a in enumerate(same):
            for b in same[i + 1 :]:
                apart = (a["end_date"] and b["start_date"] and a["end_date"] < b["start_date"]) or (
                    b["end_date"] and a["start_date"] and b["end_date"] < a["start_date"]
                )
                explained = b["id"] in a["note"] or a["id"] in b["note"]
                pair = frozenset((a["id"], b["id"]))
                assert apart or explained or pair in linked, (a["id"], b["id"])


def test_breadth_and_coverage(loaded: NetworkXStore) -> None:
    services, procurements = rows("shared_services.csv"), rows("joint_procurements.csv")
    assert len(services) >= 300 and len(procurements) >= 80
    assert sum(1 for r in procurements if r["category"] != "waste") >= 20
    G = loaded.graph(TODAY)
    councils = {n for n, d in G.nodes(data=True) if d["kind"] == NodeKind.COUNCIL}
    working = {str(LinkKind.PARTNER_IN), str(LinkKind.PARTICIPATES_IN)}
    covered = {u for u, _, k in G.edges(keys=True) if k in working} & councils
    assert len(covered) >= 0.95 * len(councils), sorted(councils - covered)
    nations = {c[0] for c in covered}
    assert nations == {"E", "W", "S", "N"}
    uncovered_noted = (PARTNERSHIPS / "RESEARCH_NOTES.md").read_text(encoding="utf-8")
    for council in councils - covered:
        assert council in uncovered_noted, f"{council}: say in RESEARCH_NOTES.md what was searched"


def test_the_notes_describe_the_files() -> None:
    notes = Path(PARTNERSHIPS / "RESEARCH_NOTES.md").read_text(encoding="utf-8")
    assert "verified" in notes and "## Method" in notes
    services = rows("shared_services.csv")
    assert f"Counts now: {len(services)} shared services" in notes
