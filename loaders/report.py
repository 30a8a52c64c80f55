"""What a load did, file by file: rows read, taken, skipped (and why), rejected (and where),
and the nodes and links it created, updated or left unchanged."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from graph.errors import Problem

KEPT_PROBLEMS = 100
KEPT_LINES = 5


@dataclass(slots=True)
class FileReport:
    file: str
    format: str
    rows_read: int = 0
    rows_taken: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    skip_lines: dict[str, list[int]] = field(default_factory=dict)
    rejected: list[Problem] = field(default_factory=list)
    rejected_total: int = 0
    nodes: Counter[str] = field(default_factory=Counter)
    links: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    """Things done to taken rows that a reader should know (e.g. a former code replaced)."""

    def skip(self, line: int | None, reason: str) -> None:
        self.skipped[reason] += 1
        lines = self.skip_lines.setdefault(reason, [])
        if line is not None and len(lines) < KEPT_LINES:
            lines.append(line)

    def reject(self, line: int | None, reason: str) -> None:
        self.rejected_total += 1
        if len(self.rejected) < KEPT_PROBLEMS:
            self.rejected.append(Problem(self.file, line, reason))

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "rows_read": self.rows_read,
            "rows_taken": self.rows_taken,
            "rows_skipped": sum(self.skipped.values()),
            "skipped": [
                {"reason": r, "rows": n, "example_lines": self.skip_lines.get(r, [])}
                for r, n in self.skipped.most_common()
            ],
            "rows_rejected": self.rejected_total,
            "rejected": [
                {"line": p.line, "reason": p.reason}
                for p in sorted(self.rejected, key=lambda p: p.line or 0)
            ],
            "notes": [{"note": n, "rows": k} for n, k in self.notes.most_common()],
            "nodes": _outcomes(self.nodes),
            "links": _outcomes(self.links),
        }


@dataclass(slots=True)
class LoadReport:
    files: list[FileReport] = field(default_factory=list)
    stored: bool = False
    data_version: str = ""

    @property
    def rejected_total(self) -> int:
        return sum(f.rejected_total for f in self.files)

    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.rejected]

    def as_dict(self) -> dict[str, Any]:
        return {
            "stored": self.stored,
            "data_version": self.data_version,
            "files": [f.as_dict() for f in self.files],
        }


def _outcomes(counts: Counter[str]) -> dict[str, int]:
    return {o: counts.get(o, 0) for o in ("created", "updated", "unchanged")}
