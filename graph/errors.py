"""One error tree. Each class carries the HTTP status the API answers with; the CLI prints
the message (which says what to do) on one line and exits non-zero."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class PartnermapError(Exception):
    status = 500

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}. {self.hint}" if self.hint else self.message


class NotFound(PartnermapError):
    status = 404


class InvalidInput(PartnermapError):
    status = 422


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with one place of one input file."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.reason}"


class LoaderError(InvalidInput):
    """Input that cannot be loaded: names the file, the line and the fix."""

    def __init__(self, problem: Problem, *, hint: str) -> None:
        super().__init__(str(problem), hint=hint)
        self.problem = problem


class LoadRejected(InvalidInput):
    """Rows were rejected and the load was refused as a whole; nothing was stored."""

    def __init__(
        self, problems: list[Problem], *, total: int, hint: str, report: dict[str, Any]
    ) -> None:
        more = f" (and {total - 1} more rejected rows)" if total > 1 else ""
        super().__init__(f"{problems[0]}{more}", hint=hint)
        self.problems = problems
        self.total = total
        self.report = report


class StoreUnavailable(PartnermapError):
    status = 503


class StoreBusy(StoreUnavailable):
    """Another process holds the store's write lock."""


class FetchFailed(PartnermapError):
    """A notice service could not be fetched from (refused, unreachable, or answering what is
    not OCDS): names the URL and what to do. What was fetched before it stays on disk."""

    status = 502
