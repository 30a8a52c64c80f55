"""The HTTP API (FastAPI): the app factory, its routes by resource, schemas and service."""

from api.http.app import create_app

__all__ = ["create_app"]
