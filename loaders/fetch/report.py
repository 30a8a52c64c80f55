"""What a fetch did, window by window, and what it tells whoever watches it as it goes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Event:
    """A wait for a rate limit (``wait``) or a retry after a failure (``retry``)."""

    kind: str
    reason: str
    seconds: float
    url: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "reason": self.reason, "seconds": self.seconds, "url": self.url}


class FetchProgress(Protocol):
    """What ``fetch`` tells about its progress (the command line draws it in a terminal)."""

    def begin(self, source: str, windows: int) -> None:
        """A fetch of ``windows`` windows starts."""

    def window(self, label: str) -> None:
        """A window is being fetched."""

    def page(self, releases: int) -> None:
        """A page of ``releases`` releases came."""

    def window_done(self, *, skipped: bool) -> None:
        """The window is stored (or was, by an earlier run: ``skipped``)."""

    def waiting(self, seconds: float, reason: str) -> None:
        """The fetch waits ``seconds`` more, for ``reason`` (a rate limit, a retry)."""


@dataclass(slots=True)
class WindowReport:
    start: str
    end: str
    label: str
    status: str
    """``fetched``, ``fetched again`` (``--refetch``) or ``already fetched`` (skipped)."""
    file: str = ""
    requests: int = 0
    pages: int = 0
    releases: int = 0
    duplicates: int = 0
    """Releases served again within the window (kept once)."""
    repeated_pages: int = 0
    """Pages that brought no release the window did not have."""
    repaired_numbers: int = 0
    warnings: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def retries(self) -> int:
        return sum(1 for e in self.events if e.kind == "retry")

    @property
    def waits(self) -> int:
        return sum(1 for e in self.events if e.kind == "wait")

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "status": self.status,
            "file": self.file,
            "requests": self.requests,
            "pages": self.pages,
            "releases": self.releases,
            "duplicates": self.duplicates,
            "repeated_pages": self.repeated_pages,
            "repaired_numbers": self.repaired_numbers,
            "retries": self.retries,
            "waits": self.waits,
            "waited_seconds": round(sum(e.seconds for e in self.events), 3),
            "warnings": self.warnings,
            "events": [e.as_dict() for e in self.events],
        }


@dataclass(slots=True)
class FetchReport:
    source: str
    base_url: str
    folder: str
    start: str
    end: str
    windows: list[WindowReport] = field(default_factory=list)

    def fetched(self) -> list[WindowReport]:
        return [w for w in self.windows if w.status != "already fetched"]

    def totals(self) -> dict[str, Any]:
        fetched = self.fetched()
        events = [e for w in self.windows for e in w.events]
        return {
            "windows": len(self.windows),
            "windows_fetched": len(fetched),
            "windows_skipped": len(self.windows) - len(fetched),
            "requests": sum(w.requests for w in fetched),
            "pages": sum(w.pages for w in fetched),
            "releases": sum(w.releases for w in fetched),
            "duplicates": sum(w.duplicates for w in fetched),
            "repeated_pages": sum(w.repeated_pages for w in fetched),
            "repaired_numbers": sum(w.repaired_numbers for w in fetched),
            "retries": sum(1 for e in events if e.kind == "retry"),
            "waits": sum(1 for e in events if e.kind == "wait"),
            "waited_seconds": round(sum(e.seconds for e in events), 3),
            "warnings": sum(len(w.warnings) for w in self.windows),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "base_url": self.base_url,
            "folder": self.folder,
            "from": self.start,
            "to": self.end,
            "totals": self.totals(),
            "windows": [w.as_dict() for w in self.windows],
        }
