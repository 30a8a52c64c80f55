"""The composition roots: the HTTP API (``create_app``) and the ``partnermap`` command line."""

from api.app import create_app

__all__ = ["create_app"]
