"""A real HTTP server on 127.0.0.1 that serves real notices (from ``tests/fixtures/ocds``) the
way each notice service's API does, and misbehaves as the services do when told to.

- Find a Tender: ``/api/1.0/ocdsReleasePackages?updatedFrom=&updatedTo=&limit=&cursor=``,
  release packages paged through ``links.next`` with a ``cursor``.
- Contracts Finder: ``/Published/Notices/OCDS/Search?publishedFrom=&publishedTo=&limit=
  &cursor=``, the same, the body in ISO-8859-1 (characters beyond it as ``\\uXXXX``).
- Proactis (Public Contracts Scotland, Sell2Wales): ``/v1/Notices?dateFrom=MM-YYYY
  &noticeType=N&outputType=0``, one month of one notice type, unpaged; a package without
  ``releases`` when there are none.

A release is served in the span that holds its ``date`` (both ends included, as the services'
``From``/``To`` are). ``faults`` are matched against each request in turn; each one's action
replaces or spoils the answer. Every request is logged with its time and the status sent.
"""

from __future__ import annotations

import base64
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import orjson

FTS_PATH = "/api/1.0/ocdsReleasePackages"
CF_PATH = "/Published/Notices/OCDS/Search"
PROACTIS_PATH = "/v1/Notices"
AMOUNT = re.compile(rb'"amount": ?-?[0-9.eE+]+')


@dataclass
class Request:
    path: str
    params: dict[str, str]
    url: str
    at: float
    status: int = 0

    @property
    def offset(self) -> int:
        cursor = self.params.get("cursor")
        return int(base64.b64decode(cursor).decode().split("=")[1]) if cursor else 0


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    """Send the headers and half the body, then close the connection."""


Action = Callable[[Request, Answer, bytes], Answer]
"""What a fault does to an answer, given the page answered before it."""


@dataclass
class Fault:
    matches: Callable[[Request], bool]
    action: Action
    times: int = 1


def parse_date(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class NoticeServer:
    def __init__(
        self,
        releases: list[dict[str, Any]],
        *,
        page_size: int = 10,
        notice_type: Callable[[dict[str, Any]], int] = lambda r: 2,
    ) -> None:
        self.served: list[tuple[datetime, dict[str, Any]]] = [
            (parse_date(r["date"]), r) for r in releases
        ]
        self.page_size = page_size
        self.notice_type = notice_type
        self.faults: list[Fault] = []
        self.log: list[Request] = []
        self.loop_last_page = False
        """The last page of every span links back to its first (a cursor that loops)."""
        self._lock = threading.Lock()
        self._previous: dict[str, bytes] = {}
        self.url = ""

    def serve_also(self, release: dict[str, Any], at: str) -> None:
        """Serve ``release`` again in the span that holds ``at`` (an updated notice)."""
        self.served.append((parse_date(at), release))

    def fault(
        self,
        matches: Callable[[Request], bool],
        action: Action,
        times: int = 1,
    ) -> None:
        self.faults.append(Fault(matches, action, times))

    def requests(self, path: str | None = None) -> list[Request]:
        with self._lock:
            return [r for r in self.log if path is None or r.path == path]

    # --- the APIs ---------------------------------------------------------------------

    def answer(self, request: Request) -> Answer:
        if request.path == FTS_PATH:
            return self._paged(request, "updatedFrom", "updatedTo", "utf-8")
        if request.path == CF_PATH:
            return self._paged(request, "publishedFrom", "publishedTo", "iso-8859-1")
        if request.path == PROACTIS_PATH:
            return self._monthly(request)
        return Answer(404, b"<html><body>Not Found</body></html>")

    def _paged(self, request: Request, low: str, high: str, encoding: str) -> Answer:
        start, end = parse_date(request.params[low]), parse_date(request.params[high])
        chosen = [r for at, r in self.served if start <= at <= end]
        size = min(int(request.params.get("limit", 100)), self.page_size)
        offset = request.offset
        package: dict[str, Any] = {
            "uri": request.url,
            "publishedDate": "2025-04-01T00:00:00Z",
            "releases": chosen[offset : offset + size],
        }
        base = {k: v for k, v in request.params.items() if k != "cursor"}
        if offset + size < len(chosen):
            package["links"] = {"next": self._link(request.path, base, offset + size)}
        elif self.loop_last_page and offset > 0:
            package["links"] = {"next": self._link(request.path, base, 0)}
        return Answer(200, encoded(package, encoding), {"Content-Type": "application/json"})

    def _link(self, path: str, params: dict[str, str], offset: int) -> str:
        cursor = base64.b64encode(f"offset={offset}".encode()).decode()
        return f"{self.url}{path}?{urlencode({**params, 'cursor': cursor})}"

    def _monthly(self, request: Request) -> Answer:
        month = datetime.strptime(request.params["dateFrom"], "%m-%Y")
        kind = int(request.params["noticeType"])
        chosen = [
            r
            for at, r in self.served
            if (at.year, at.month) == (month.year, month.month) and self.notice_type(r) == kind
        ]
        package: dict[str, Any] = {"uri": request.url, "publishedDate": "2019-05-01T00:00:00Z"}
        if chosen:
            package["releases"] = chosen
        return Answer(200, encoded(package, "utf-8"), {"Content-Type": "application/json"})

    def respond(self, request: Request) -> Answer:
        answer = self.answer(request)
        with self._lock:
            fault = next((f for f in self.faults if f.times > 0 and f.matches(request)), None)
            if fault is not None:
                fault.times -= 1
            previous = self._previous.get(request.path, answer.body)
        sent = answer if fault is None else fault.action(request, answer, previous)
        if sent.status == 200 and not sent.drop:
            with self._lock:
                self._previous[request.path] = sent.body
        return sent


def encoded(package: dict[str, Any], encoding: str) -> bytes:
    text = json.dumps(package, ensure_ascii=False, indent=1)
    if encoding != "utf-8":  # what the encoding cannot hold goes as a JSON escape
        text = re.sub(r"[^\x00-\xff]", lambda m: json.dumps(m.group())[1:-1], text)
    return text.encode(encoding)


# --- faults ---------------------------------------------------------------------------------


def status(code: int, **headers: str) -> Action:
    def act(request: Request, answer: Answer, previous: bytes) -> Answer:
        return Answer(code, f"<html><body>{code}</body></html>".encode(), dict(headers))

    return act


def dropped(request: Request, answer: Answer, previous: bytes) -> Answer:
    return Answer(answer.status, answer.body, answer.headers, drop=True)


def invalid_number(token: bytes) -> Action:
    """The first amount in the page written as ``token`` (``1e9999``, ``NaN``)."""

    def act(request: Request, answer: Answer, previous: bytes) -> Answer:
        body = AMOUNT.sub(b'"amount": ' + token, answer.body, count=1)
        assert body != answer.body, "no amount on that page"
        return Answer(answer.status, body, answer.headers)

    return act


def repeat_previous_page(request: Request, answer: Answer, previous: bytes) -> Answer:
    """The page before this one again, with its ``links.next`` (to this page)."""
    return Answer(200, previous, {"Content-Type": "application/json"})


def hold(until: threading.Event, reached: threading.Event) -> Action:
    """Say the request came, then keep it waiting until ``until`` is set."""

    def act(request: Request, answer: Answer, previous: bytes) -> Answer:
        reached.set()
        until.wait(30)
        return answer

    return act


# --- the server -----------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each answer waits 40 ms for a delayed ACK
    server: _Server

    def do_GET(self) -> None:
        notices = self.server.notices
        parts = urlsplit(self.path)
        request = Request(
            parts.path, dict(parse_qsl(parts.query)), notices.url + self.path, time.monotonic()
        )
        with notices._lock:
            notices.log.append(request)
        answer = notices.respond(request)
        request.status = answer.status
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if answer.drop:
            self.wfile.write(answer.body[: len(answer.body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self.wfile.write(answer.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    notices: NoticeServer


@contextmanager
def running(notices: NoticeServer) -> Iterator[NoticeServer]:
    """``notices`` served on a free port of 127.0.0.1 until the block ends."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.notices = notices
    notices.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield notices
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def releases_of(lines: bytes) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in lines.splitlines() if line.strip()]
