"""What a parser yields for each row of its input."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.model import Link, Node, Source

if TYPE_CHECKING:
    from loaders.resolve import Resolver


@dataclass(frozen=True, slots=True)
class Row:
    """A row taken: the records it gives."""

    line: int | None
    records: tuple[Node | Link, ...]
    notes: tuple[str, ...] = ()
    """What a reader of the report should know about this row (e.g. an unresolved name)."""
    counted: bool = True
    """False for records a parser gives after its rows (aggregates), not for a row."""


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


@dataclass(frozen=True, slots=True)
class ParseContext:
    """What a parser may need besides its file."""

    dataset: str
    """The dataset id to record where the file does not say (default: the file's name)."""
    vintage: str
    """The vintage to record where the file does not say."""
    resolver: Callable[[], Resolver]
    """The name resolver over the store and what this load has read so far (built on demand)."""
    contracts: bool = True
    """Whether notices' awards are loaded as contracts (the partnership evidence alone when
    not: joint procurements and buying-organisation use)."""

    @property
    def source(self) -> Source:
        return Source(dataset=self.dataset, vintage=self.vintage)
