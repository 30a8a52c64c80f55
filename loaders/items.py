"""What a parser yields for each row of its input."""

from __future__ import annotations

from dataclasses import dataclass

from graph.model import Link, Node


@dataclass(frozen=True, slots=True)
class Row:
    """A row taken: the records it gives."""

    line: int | None
    records: tuple[Node | Link, ...]


@dataclass(frozen=True, slots=True)
class Skip:
    """A row left out on purpose (nothing wrong with it), with the reason."""

    line: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class Reject:
    """A row that is wrong, with what is wrong and what to do."""

    line: int | None
    reason: str


Item = Row | Skip | Reject
