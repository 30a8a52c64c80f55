"""The composition roots: the HTTP API (``api.http.create_app``) and the ``partnermap``
command line (``api.cli.main``). ``create_app`` is loaded on first use, so the command line
does not import FastAPI."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from api.http import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from api.http import create_app  # noqa: PLC0415

        return create_app
    raise AttributeError(f"module 'api' has no attribute {name!r}")
