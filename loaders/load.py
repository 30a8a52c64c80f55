"""Loading files into a store: parse every file, check every row, then write all or nothing."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Generic, TypeVar

from graph.changes import plan_changes
from graph.errors import LoaderError, LoadRejected, Problem
from graph.model import Link, LinkKey, Node, NodeKind, merged_link, merged_node
from graph.scenario import of_node
from graph.store.base import GraphStore
from loaders.areas import vintage_from_name
from loaders.buyers import resolver_for, successors_in
from loaders.dated import DATED_KINDS, anachronisms
from loaders.detect import FORMATS, detect_format
from loaders.items import Item, ParseContext, Reject, Row, Skip
from loaders.progress import LoadProgress, watching
from loaders.report import FileReport, LoadReport
from loaders.resolve import Resolver
from loaders.scenarios import named_in, reference_problems

logger = logging.getLogger(__name__)

REJECT_HINT = "fix those rows and load again, or add --skip-invalid to load the other rows"


R = TypeVar("R", Node, Link)


@dataclass(slots=True)
class _Staged(Generic[R]):
    record: R
    file: int
    line: int | None


@dataclass(frozen=True, slots=True)
class LoadInput:
    """A file to load, with what to record for it where the file does not say."""

    path: Path
    format: str | None = None
    dataset: str | None = None
    vintage: str | None = None


def load_files(
    store: GraphStore,
    paths: Sequence[Path | LoadInput],
    *,
    fmt: str | None = None,
    dataset: str | None = None,
    vintage: str | None = None,
    skip_invalid: bool = False,
    progress: LoadProgress | None = None,
    contracts: bool = True,
) -> LoadReport:
    """Load ``paths`` into ``store`` in one all-or-nothing write and report what happened.

    Raises ``LoaderError`` for a file that cannot be read at all and ``LoadRejected`` when rows
    were rejected (unless ``skip_invalid``); in both cases the store is left as it was.
    """
    if fmt is not None and fmt not in FORMATS:
        raise LoaderError(
            Problem(fmt, None, "unknown format"), hint=f"use one of {', '.join(FORMATS)}"
        )
    report = LoadReport()
    nodes: dict[str, _Staged[Node]] = {}
    links: dict[LinkKey, _Staged[Link]] = {}
    built: list[Resolver] = []

    def resolver() -> Resolver:
        """Names of what is stored and what earlier files of this load gave, built once."""
        if not built:
            known = {n.id: n for n in store.iter_nodes()}
            known.update((i, s.record) for i, s in nodes.items())
            given = [s.record for s in links.values()]
            successors = successors_in(store, known.values(), given)
            built.append(resolver_for(known.values(), successors=successors))
        return built[0]

    for index, given in enumerate(paths):
        source = given if isinstance(given, LoadInput) else LoadInput(given)
        path = source.path
        name = source.format or fmt or detect_format(path)
        file_report = FileReport(file=str(path), format=name)
        report.files.append(file_report)
        context = ParseContext(
            source.dataset or dataset or path.name,
            source.vintage or vintage or vintage_from_name(path),
            resolver,
            contracts,
        )
        with watching(progress, path):
            for item in FORMATS[name](path, context):
                _take(item, index, file_report, nodes, links)
        logger.info("read %s: %d rows", path, file_report.rows_read)

    if progress is not None:
        progress.stage(f"checking {len(nodes):,} nodes and {len(links):,} links against the store")
    _apply_former_codes(store, nodes, links, report)
    _check_scenarios(store, nodes, report)
    staged_nodes = list(nodes.values())
    staged_links = list(links.values())
    plan = plan_changes(store, [s.record for s in staged_nodes], [s.record for s in staged_links])
    dropped: set[tuple[int, int | None]] = set()
    for i, missing in sorted(plan.missing_ends.items()):
        reason = (
            f"links to {missing}, which is neither in the store nor in this load "
            f"(load the file that defines {missing} first, or in the same command)"
        )
        _drop(report, staged_links[i], reason, dropped)
    for i, reason in sorted(_anachronisms(store, nodes, staged_links).items()):
        if i not in plan.missing_ends:
            _drop(report, staged_links[i], reason, dropped)
    for node, outcome in zip(staged_nodes, plan.node_outcomes, strict=True):
        report.files[node.file].nodes[outcome] += 1
    for i, (link, outcome) in enumerate(zip(staged_links, plan.link_outcomes, strict=True)):
        if i not in plan.missing_ends:
            report.files[link.file].links[outcome] += 1

    if report.rejected_total and not skip_invalid:
        raise LoadRejected(
            report.problems(),
            total=report.rejected_total,
            hint=REJECT_HINT,
            report=report.as_dict(),
        )
    if plan.nodes or plan.links:
        if progress is not None:
            progress.stage(f"writing {len(plan.nodes):,} nodes and {len(plan.links):,} links")
        store.write(plan.nodes, plan.links)
    report.stored = True
    report.data_version = store.data_version()
    return report


def _check_scenarios(
    store: GraphStore, nodes: dict[str, _Staged[Node]], report: LoadReport
) -> None:
    """Reject (and unstage) each scenario that names councils not in the graph as they should
    be (``loaders.scenarios.reference_problems``)."""
    staged = [s for s in nodes.values() if s.record.kind == NodeKind.SCENARIO]
    if not staged:
        return
    scenarios = {s.record.id: of_node(dict(s.record.attrs)) for s in staged}
    wanted = {i for sc in scenarios.values() for _, i, _ in named_in(sc)}
    stored = store.get_nodes(wanted - nodes.keys())

    def node_of(node_id: str) -> Node | None:
        known = nodes.get(node_id)
        return known.record if known is not None else stored.get(node_id)

    today = date.today()
    for s in staged:
        problems = reference_problems(scenarios[s.record.id], node_of, today)
        if problems:
            file_report = report.files[s.file]
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            file_report.reject(s.line, problems[0] + more)
            file_report.rows_taken -= 1
            del nodes[s.record.id]


def _drop(
    report: LoadReport,
    staged: _Staged[Link],
    reason: str,
    dropped: set[tuple[int, int | None]],
) -> None:
    """Reject the row that gave a staged link (a row is counted as taken no more once)."""
    file_report = report.files[staged.file]
    file_report.reject(staged.line, reason)
    if (staged.file, staged.line) not in dropped:
        dropped.add((staged.file, staged.line))
        file_report.rows_taken -= 1


def _anachronisms(
    store: GraphStore, nodes: dict[str, _Staged[Node]], staged: list[_Staged[Link]]
) -> dict[int, str]:
    """Links dated outside the life of a body they join (``loaders.dated``), by index."""
    links = [s.record for s in staged]
    wanted = {e for k in links if k.kind in DATED_KINDS for e in (k.from_id, k.to_id)}
    stored = store.get_nodes(wanted - nodes.keys())

    def node(node_id: str) -> Node | None:
        known = nodes.get(node_id)
        return known.record if known is not None else stored.get(node_id)

    def heirs(node_id: str) -> dict[str, list[str]]:
        around = [*store.links_of(node_id), *links]
        return {
            "predecessors": sorted(
                {k.from_id for k in around if k.kind == "succeeded_by" and k.to_id == node_id}
            ),
            "successors": sorted(
                {k.to_id for k in around if k.kind == "succeeded_by" and k.from_id == node_id}
            ),
        }

    return anachronisms(links, node, heirs)


def _take(
    item: Item,
    index: int,
    file_report: FileReport,
    nodes: dict[str, _Staged[Node]],
    links: dict[LinkKey, _Staged[Link]],
) -> None:
    """Count one parsed item in the report and stage its records, unless it contradicts."""
    if isinstance(item, Skip):
        file_report.rows_read += 1
        file_report.skip(item.line, item.reason)
        return
    if isinstance(item, Reject):
        file_report.rows_read += 1
        file_report.reject(item.line, item.reason)
        return
    if item.counted:
        file_report.rows_read += 1
    for note in item.notes:
        file_report.notes[note] += 1
    if (conflict := _conflict(item, index, nodes, links)) is not None:
        file_report.reject(item.line, conflict)
        return
    _stage(item, index, nodes, links)
    if item.counted:
        file_report.rows_taken += 1


def _apply_former_codes(
    store: GraphStore,
    nodes: dict[str, _Staged[Node]],
    links: dict[LinkKey, _Staged[Link]],
    report: LoadReport,
) -> None:
    """Records under a former code (Barnsley's E08000016) are filed under the current one."""
    aliases = store.former_codes()
    for staged in nodes.values():
        for code in str(staged.record.attrs.get("former_codes", "")).split(";"):
            if code:
                aliases[code] = staged.record.id
    for code in [c for c in nodes if c in aliases]:
        old = nodes.pop(code)
        report.files[old.file].notes[
            f"{code} is a former code: recorded under {aliases[code]}"
        ] += 1
        moved = replace(old.record, id=aliases[code])
        current = nodes.get(moved.id)
        nodes[moved.id] = (
            _Staged(moved, old.file, old.line)
            if current is None
            else _Staged(merged_node(moved, current.record), current.file, current.line)
        )
    for key in [k for k in links if k[0] in aliases or k[2] in aliases]:
        old_link = links.pop(key)
        record = replace(
            old_link.record,
            from_id=aliases.get(key[0], key[0]),
            to_id=aliases.get(key[2], key[2]),
        ).canonical()
        present = links.get(record.key)
        links[record.key] = (
            _Staged(record, old_link.file, old_link.line)
            if present is None
            else _Staged(merged_link(record, present.record), present.file, present.line)
        )


def _conflict(
    row: Row, index: int, nodes: dict[str, _Staged[Node]], links: dict[LinkKey, _Staged[Link]]
) -> str | None:
    """Why ``row`` contradicts an earlier row of the same file, if it does."""
    for record in row.records:
        if isinstance(record, Node):
            node = nodes.get(record.id)
            if node is not None and node.file == index and _differ(node.record, record):
                return f"{_describe(record)} contradicts line {node.line}: {_describe(node.record)}"
        else:
            link = links.get(record.key)
            if link is not None and link.file == index and _differ(link.record, record):
                return f"{_describe(record)} contradicts line {link.line}: {_describe(link.record)}"
    return None


def _differ(old: R, new: R) -> bool:
    return replace(old, sources=()) != replace(new, sources=())


def _describe(record: Node | Link) -> str:
    if isinstance(record, Node):
        return f"{record.id} named {record.name!r} ({record.kind}, {dict(record.attrs)})"
    role = f" ({record.role})" if record.role else ""
    return f"{record.from_id} -{record.kind}{role}-> {record.to_id} {dict(record.attrs)}"


def _stage(
    row: Row, index: int, nodes: dict[str, _Staged[Node]], links: dict[LinkKey, _Staged[Link]]
) -> None:
    """Add ``row``'s records; a record already staged by an earlier file is updated by it."""
    for record in row.records:
        if isinstance(record, Node):
            node = nodes.get(record.id)
            nodes[record.id] = (
                _Staged(record, index, row.line)
                if node is None
                else _Staged(merged_node(node.record, record), index, _line(node, index, row))
            )
        else:
            link = links.get(record.key)
            links[record.key] = (
                _Staged(record, index, row.line)
                if link is None
                else _Staged(merged_link(link.record, record), index, _line(link, index, row))
            )


def _line(staged: _Staged[R], index: int, row: Row) -> int | None:
    """The line a staged record is reported on: its first line in the latest file giving it."""
    return staged.line if staged.file == index else row.line
