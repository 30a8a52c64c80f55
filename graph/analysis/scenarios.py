"""What a reorganisation or devolution scenario does: the tests the law and policy set for its
new councils and strategic authorities, the joint working its boundaries split or absorb, who
inherits each buying organisation's membership and use, and its cohesion.

``scenario_report(G, scenario)`` takes the graph as at the day the scenario is judged
(``Scenario.judged_at``) and returns plain data; ``comparison(reports)`` sets several side by
side. Population counts each area once (``graph.analysis.footprint``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from graph.analysis.collab import Weights, collaboration_graph, link_scan
from graph.analysis.common import UPPER_TIER, name_of, node_ref, node_refs
from graph.analysis.footprint import (
    areas_of,
    check,
    combined_authorities_of,
    contiguity,
    footprint,
    population_check,
)
from graph.analysis.spec import WEIGHTS, Param
from graph.scenario import NewCouncil, Scenario, StrategicAuthority

if TYPE_CHECKING:
    import networkx as nx

UNITARY_MIN = 500_000
"""The population a new unitary council should have or exceed (the Government's invitation to
two-tier areas of 5 Feb 2025: 'a population of 500,000 or more', a guiding principle)."""
SA_MIN = 1_500_000
"""The population a strategic authority should have or exceed (English Devolution White Paper,
Dec 2024: 'a combined population of 1.5 million or above' as the default)."""

PARAMS = (
    Param("unitary_min", int, UNITARY_MIN, "population a new unitary council should reach",
          ge=0, le=100_000_000),
    Param("sa_min", int, SA_MIN, "population a strategic authority should reach",
          ge=0, le=100_000_000),
    WEIGHTS,
)  # fmt: skip
"""The parameters of a scenario report and comparison (CLI options, API query)."""

ARRANGEMENTS = ("shared_service", "joint_procurement")
UNASSIGNED = "?"
"""Where an abolished council's area goes when the scenario does not say."""


def fates(G: nx.MultiDiGraph[str], scenario: Scenario) -> dict[str, set[str]]:
    """Each council the scenario abolishes (or divides) with the new councils its area goes
    to: one for a whole predecessor, several for a divided district or an abolished county."""
    fate: dict[str, set[str]] = defaultdict(set)
    for council in scenario.new_councils:
        given = [*council.predecessors, *(p.id for p in council.parts)]
        for c in given:
            for area in {c, *areas_of(G, c)}:
                fate[area].add(council.id)
    for gone in scenario.abolished:
        for a in areas_of(G, gone):
            if not fate.get(a):
                fate[a] = {UNASSIGNED}
        if not fate.get(gone):
            fate[gone] = set().union(*(fate[a] for a in areas_of(G, gone)))
    return dict(fate)


def scenario_report(
    G: nx.MultiDiGraph[str],
    scenario: Scenario,
    *,
    unitary_min: int = UNITARY_MIN,
    sa_min: int = SA_MIN,
    weights: Weights | None = None,
) -> dict[str, Any]:
    """The tests, the effect on joint working and the cohesion of ``scenario`` on ``G``.

    Parameters
    ----------
    G
        The stored graph as at the day the scenario is judged.
    scenario
        The scenario (``graph.scenario.Scenario``), its ids all in ``G``.
    unitary_min, sa_min
        The population thresholds of a new unitary council and of a strategic authority.
    weights
        The collaboration graph's weights, for cohesion.

    Returns
    -------
    dict
        ``scenario`` (what it is and its source), ``parameters``, ``new_councils`` and
        ``strategic_authorities`` (each with ``population``, ``tests`` and ``cohesion``;
        new councils with what they ``inherit``), ``tests`` (of the whole scenario),
        ``joint_working`` (``split``, ``absorbed``, ``continues``, ``undecided`` where the
        scenario leaves a partner's area unassigned, ``pbo_ownership_divided``),
        ``cohesion`` (totals) and ``summary`` (the tests failed and unknown).
    """
    weights = weights or Weights()
    C = collaboration_graph(G, weights)
    fate = fates(G, scenario)
    found = link_scan(G).groups
    councils = [_new_council(G, c, fate, unitary_min) for c in scenario.new_councils]
    in_ca = combined_authorities_of(G)
    authorities = [
        _authority(G, scenario, a, in_ca, sa_min) for a in scenario.strategic_authorities
    ]
    tests = [_covers_abolished(G, scenario, fate)] if scenario.new_councils else []
    if len(scenario.strategic_authorities) > 1:
        tests.append(_one_authority_in_scenario(G, scenario))
    names = {c.id: c.name for c in scenario.new_councils}
    names[UNASSIGNED] = "no new council (the scenario does not say)"
    cohesion = _cohesion(C, {k: v - {UNASSIGNED} for k, v in fate.items()})
    for c in councils:
        c["cohesion"] = cohesion["by_body"].get(c["id"], _no_weight())
        c["inherits"] = _inherits(G, found, fate, c["id"], names)
    sa_of = _sa_areas(G, scenario)
    sa_cohesion = _cohesion(C, sa_of)
    for a in authorities:
        a["cohesion"] = sa_cohesion["by_body"].get(a["id"], _no_weight())
    every = tests + [t for body in councils + authorities for t in body["tests"]]
    return {
        "scenario": _summary(G, scenario),
        "parameters": {
            "unitary_min": unitary_min,
            "sa_min": sa_min,
            "weights": weights.as_dict(),
        },
        "new_councils": councils,
        "strategic_authorities": authorities,
        "tests": tests,
        "joint_working": _joint_working(G, found, fate, names),
        "cohesion": {k: v for k, v in cohesion.items() if k != "by_body"},
        "authority_cohesion": {k: v for k, v in sa_cohesion.items() if k != "by_body"},
        "summary": {
            "passed": all(t["outcome"] == "pass" for t in every),
            "failed": [
                f"{t.get('body', 'scenario')}: {t['test']}" for t in every if t["outcome"] == "fail"
            ],
            "unknown": [
                f"{t.get('body', 'scenario')}: {t['test']}"
                for t in every
                if t["outcome"] == "unknown"
            ],
        },
    }


def comparison(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """Several scenarios' reports side by side: population, tests, split, absorbed, cohesion."""
    areas = sorted({r["scenario"]["area"]["id"] for r in reports if r["scenario"]["area"]})
    rows = []
    for r in reports:
        joint = r["joint_working"]
        rows.append({
            "id": r["scenario"]["id"],
            "name": r["scenario"]["name"],
            "status": r["scenario"]["status"],
            "as_at": r.get("as_at"),
            "bodies": [{"id": b["id"], "name": b["name"], "population": b["population"]}
                       for b in r["new_councils"] + r["strategic_authorities"]],
            "tests_passed": r["summary"]["passed"],
            "failed": r["summary"]["failed"],
            "unknown": r["summary"]["unknown"],
            "split": len(joint["split"]),
            "absorbed": len(joint["absorbed"]),
            "continues": len(joint["continues"]),
            "cohesion": r["cohesion"],
            "authority_cohesion": r["authority_cohesion"],
            "kept_share": r["cohesion"]["kept_share"] if r["new_councils"]
            else r["authority_cohesion"]["inside_share"],
        })  # fmt: skip
    kept = [row for row in rows if row["kept_share"] is not None]
    best = max(kept, key=lambda row: (row["kept_share"], -row["split"]), default=None)
    return {
        "areas": areas,
        "same_area": len(areas) <= 1,
        "scenarios": rows,
        "keeps_most": best["id"] if best else None,
        "notes": "kept_share: of the collaboration weight among the councils a reorganisation "
        "redraws, the share its new councils keep inside (for a devolution scenario, the share of "
        "its members' weight that stays inside its strategic authorities); keeps_most: the option "
        "with the largest (ties: fewer arrangements split)",
    }


# --- new councils and strategic authorities --------------------------------------------------


def _new_council(
    G: nx.MultiDiGraph[str], council: NewCouncil, fate: dict[str, set[str]], minimum: int
) -> dict[str, Any]:
    whole = footprint(G, council.predecessors)
    divided = [p.id for p in council.parts]
    areas = whole | footprint(G, divided)
    extra = sum(p.population or 0 for p in council.parts)
    uncounted = [p.id for p in council.parts if p.population is None]
    ground = contiguity(G, areas, whole)
    name = council.name
    tests = [
        check("whole_councils", not divided,
              "built of whole council areas" if not divided else
              "divides " + ", ".join(name_of(G, d) for d in divided) + " between new councils: "
              "a boundary change that the invitation of 5 Feb 2025 allows only with a strong "
              "justification", body=name),
        check("contiguity", ground["passed"], _contiguity_text(G, ground), body=name,
              pieces=ground["pieces"], islands=ground["islands"], enclaves=ground["enclaves"]),
        {**population_check(G, whole, minimum, "new unitary", extra=extra, uncounted=uncounted),
         "body": name},
    ]  # fmt: skip
    return {
        "id": council.id,
        "name": name,
        "vesting": council.vesting.isoformat() if council.vesting else None,
        "predecessors": node_refs(G, [p for p in council.predecessors if p in G]),
        "parts": [
            {**node_ref(G, p.id), "share": p.share, "population": p.population}
            for p in council.parts
            if p.id in G
        ],
        "population": tests[-1]["population"],
        "population_complete": tests[-1]["complete"],
        "tests": tests,
    }


def _authority(
    G: nx.MultiDiGraph[str],
    scenario: Scenario,
    authority: StrategicAuthority,
    in_ca: dict[str, set[str]],
    minimum: int,
) -> dict[str, Any]:
    new = {c.id: c for c in scenario.new_councils}
    areas: set[str] = set()
    districts = []
    for m in authority.members:
        if m in new:
            areas |= footprint(G, [*new[m].predecessors, *(p.id for p in new[m].parts)])
        else:
            areas |= set(areas_of(G, m))
            if G.nodes[m].get("council_type") not in UPPER_TIER:
                districts.append(m)
    allowed = {*authority.replaces, authority.id}
    clashes = {a: sorted(in_ca.get(a, set()) - allowed) for a in sorted(areas)}
    clashes = {a: cas for a, cas in clashes.items() if cas}
    ground = contiguity(G, areas)
    name = authority.name
    other_cas = sorted({ca for cas in clashes.values() for ca in cas})
    tests = [
        check("whole_councils", not districts,
              "its members are upper-tier councils, each with its whole area" if not districts
              else "names " + ", ".join(name_of(G, d) for d in districts) + " without its county:"
              " a district joins a combined authority only with its county", body=name),
        check("one_combined_authority_each", not clashes,
              "no member is in another combined authority" if not clashes else
              f"{len(clashes)} of its areas are in another combined authority ("
              + ", ".join(name_of(G, ca) for ca in other_cas) + "), and a council may be in only "
              "one (Local Democracy, Economic Development and Construction Act 2009, s103)",
              body=name, in_other=[{**node_ref(G, a), "combined_authorities": node_refs(G, cas)}
                                   for a, cas in clashes.items()]),
        check("contiguity", ground["passed"], _contiguity_text(G, ground), body=name,
              pieces=ground["pieces"], islands=ground["islands"], enclaves=ground["enclaves"]),
        {**population_check(G, areas, minimum, "strategic authority"), "body": name},
    ]  # fmt: skip
    return {
        "id": authority.id,
        "name": name,
        "type": str(authority.type),
        "established": authority.established.isoformat() if authority.established else None,
        "members": [
            node_ref(G, m) if m in G else {"id": m, "name": new[m].name, "kind": "new"}
            for m in authority.members
            if m in G or m in new
        ],
        "replaces": node_refs(G, [r for r in authority.replaces if r in G]),
        "population": tests[-1]["population"],
        "population_complete": tests[-1]["complete"],
        "tests": tests,
    }


def _contiguity_text(G: nx.MultiDiGraph[str], ground: dict[str, Any]) -> str:
    island_ids = {i["id"] for i in ground["islands"]}
    land = [p for p in ground["pieces"] if not (len(p) == 1 and p[0]["id"] in island_ids)]
    text = "one piece through shared boundaries" if len(land) <= 1 else (
        f"{len(land)} separate pieces: " + "; ".join(
            ", ".join(a["name"] for a in piece) for piece in land))  # fmt: skip
    if island_ids:
        text += "; islands (no land boundary): " + ", ".join(i["name"] for i in ground["islands"])
    if ground["enclaves"]:
        text += (
            "; surrounds " + ", ".join(e["name"] for e in ground["enclaves"]) + " (an "
            "enclave: lawful, as York within North Yorkshire, but a boundary to plan across)"
        )
    return text


def _covers_abolished(
    G: nx.MultiDiGraph[str], scenario: Scenario, fate: dict[str, set[str]]
) -> dict[str, Any]:
    left = sorted({a for gone in scenario.abolished for a in areas_of(G, gone)
                   if UNASSIGNED in fate.get(a, ())})  # fmt: skip
    detail = (
        f"{len(left)} abolished council areas go to no new council: "
        + ", ".join(name_of(G, a) for a in left)
        if left
        else "every abolished council's area goes to a new council"
    )
    unassigned = node_refs(G, [a for a in left if a in G])
    return check("covers_abolished", not left, detail, unassigned=unassigned)


def _one_authority_in_scenario(G: nx.MultiDiGraph[str], scenario: Scenario) -> dict[str, Any]:
    seen: dict[str, str] = {}
    twice = set()
    for a in scenario.strategic_authorities:
        for m in a.members:
            for area in areas_of(G, m) if m in G else [m]:
                if area in seen and seen[area] != a.id:
                    twice.add(area)
                seen[area] = a.id
    detail = (
        "in two of its strategic authorities: " + ", ".join(name_of(G, t) for t in sorted(twice))
        if twice
        else "no council is in two of its strategic authorities"
    )
    return check("one_authority_in_scenario", not twice, detail)


def _sa_areas(G: nx.MultiDiGraph[str], scenario: Scenario) -> dict[str, set[str]]:
    """Each organisation of each strategic authority's ground, with the authority."""
    new = {c.id: c for c in scenario.new_councils}
    out: dict[str, set[str]] = defaultdict(set)
    for a in scenario.strategic_authorities:
        for m in a.members:
            given = [*new[m].predecessors, *(p.id for p in new[m].parts)] if m in new else [m]
            for c in given:
                for org in {c, *areas_of(G, c)}:
                    out[org].add(a.id)
    return dict(out)


# --- joint working ------------------------------------------------------------------------------


def _joint_working(
    G: nx.MultiDiGraph[str],
    found: dict[str, dict[str, list[str]]],
    fate: dict[str, set[str]],
    names: dict[str, str],
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {
        key: [] for key in ("split", "absorbed", "continues", "undecided", "pbo_ownership_divided")
    }
    for kind in ARRANGEMENTS:
        for via, members in found[kind].items():
            affected = [m for m in members if fate.get(m)]
            if not affected:
                continue
            news = set().union(*(fate[m] for m in affected))
            partners = [{**node_ref(G, m), "becomes": sorted(fate.get(m, set()))} for m in members]
            entry = {**node_ref(G, via), "category": G.nodes[via].get("category"),
                     "partners": partners}  # fmt: skip
            if UNASSIGNED in news:
                entry["reason"] = "the scenario does not say where all its partners go: " + _moves(
                    G, affected, fate, names
                )
                out["undecided"].append(entry)
            elif len(news) >= 2:
                entry["reason"] = "its partners end up in different new councils: " + _moves(
                    G, affected, fate, names
                )
                out["split"].append(entry)
            elif len(affected) == len(members):
                entry["reason"] = (f"all {len(members)} partners become {names[next(iter(news))]}"
                                   ", so it is no longer shared")  # fmt: skip
                out["absorbed"].append(entry)
            else:
                entry["reason"] = _moves(G, affected, fate, names) + "; the other partners stay"
                out["continues"].append(entry)
    for bo, owners in found["pbo_owner"].items():
        for m in owners:
            if len(fate.get(m, ())) >= 2:
                out["pbo_ownership_divided"].append({
                    **node_ref(G, bo), "owner": node_ref(G, m), "between": sorted(fate[m]),
                    "reason": f"{name_of(G, m)}'s share passes to "
                              + _and([names[n] for n in sorted(fate[m])])
                              + ", which must agree how to hold it"})  # fmt: skip
    return out


def _moves(
    G: nx.MultiDiGraph[str], affected: list[str], fate: dict[str, set[str]], names: dict[str, str]
) -> str:
    """Where each affected partner goes, in words."""
    whole: dict[str, list[str]] = defaultdict(list)
    said = []
    for m in affected:
        if len(fate[m]) > 1:
            said.append(f"{name_of(G, m)} is divided between "
                        + _and([names[n] for n in sorted(fate[m])]))  # fmt: skip
        else:
            whole[next(iter(fate[m]))].append(name_of(G, m))
    said += [f"{_and(who)} go{'es' if len(who) == 1 else ''} to {names[n]}"
             for n, who in sorted(whole.items())]  # fmt: skip
    return "; ".join(said)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _inherits(
    G: nx.MultiDiGraph[str],
    found: dict[str, dict[str, list[str]]],
    fate: dict[str, set[str]],
    new_id: str,
    names: dict[str, str],
) -> dict[str, list[dict[str, Any]]]:
    """The buying organisations the new council inherits: memberships and uses."""
    out: dict[str, list[dict[str, Any]]] = {"pbo_memberships": [], "buys_through": []}
    for name, key in (("pbo_owner", "pbo_memberships"), ("pbo_user", "buys_through")):
        for bo, members in found[name].items():
            heirs = [m for m in members if new_id in fate.get(m, ())]
            if not heirs:
                continue
            entry: dict[str, Any] = {**node_ref(G, bo), "from": node_refs(G, heirs)}
            if name == "pbo_user":
                entry["notices"] = sum(
                    int(G.edges[m, bo, "buys_through"].get("notices") or 0) for m in heirs
                )
            else:
                entry["shared_with"] = [
                    {"id": n, "name": names[n]}
                    for n in sorted({n for m in heirs for n in fate[m]} - {new_id})
                ]
            out[key].append(entry)
    return out


# --- cohesion -------------------------------------------------------------------------------


def _no_weight() -> dict[str, float | None]:
    return {"internal": 0.0, "cut": 0.0, "boundary": 0.0, "cohesion": None}


def _cohesion(C: nx.Graph[str], body_of: dict[str, set[str]]) -> dict[str, Any]:
    """The collaboration weight each body keeps inside, the weight its boundaries with the
    scenario's other bodies cut, and its weight with everyone outside the scenario."""
    inside: dict[str, float] = defaultdict(float)
    cut: dict[str, float] = defaultdict(float)
    boundary: dict[str, float] = defaultdict(float)
    total_cut = total_in = total_out = 0.0
    for u, v, data in C.edges(data=True):
        w: float = data["weight"]
        du, dv = body_of.get(u), body_of.get(v)
        if not du and not dv:
            continue
        if du and dv:
            shared = du & dv
            if shared:
                for b in shared:
                    inside[b] += w / len(shared)
                total_in += w
            else:
                for d in (du, dv):
                    for b in d:
                        cut[b] += w / len(d)
                total_cut += w
        else:
            d = du or dv or set()
            for b in d:
                boundary[b] += w / len(d)
            total_out += w
    bodies = set(inside) | set(cut) | set(boundary)
    by_body = {
        b: {"internal": round(inside[b], 3), "cut": round(cut[b], 3),
            "boundary": round(boundary[b], 3),
            "cohesion": round(inside[b] / (inside[b] + cut[b] + boundary[b]), 3)
            if inside[b] + cut[b] + boundary[b] else None}
        for b in sorted(bodies)
    }  # fmt: skip
    kept = total_in / (total_in + total_cut) if total_in + total_cut else None
    whole = total_in + total_cut + total_out
    return {
        "internal": round(total_in, 3),
        "cut": round(total_cut, 3),
        "boundary": round(total_out, 3),
        "kept_share": None if kept is None else round(kept, 3),
        "inside_share": round(total_in / whole, 3) if whole else None,
        "by_body": by_body,
    }


def _summary(G: nx.MultiDiGraph[str], scenario: Scenario) -> dict[str, Any]:
    return {
        "id": scenario.id,
        "name": scenario.name,
        "kind": str(scenario.kind),
        "status": str(scenario.status),
        "status_date": scenario.status_date,
        "area": node_ref(G, scenario.area) if scenario.area and scenario.area in G else None,
        "proposed_by": scenario.proposed_by,
        "source_url": scenario.source_url,
        "verified": scenario.verified,
        "note": scenario.note,
        "abolished": node_refs(G, [a for a in scenario.abolished if a in G]),
    }
