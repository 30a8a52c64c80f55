"""The bundled registers of public bodies that buy (``loaders/bundled/registers/``): NHS
bodies, police forces and policing bodies, fire and rescue authorities, national park
authorities, government departments and agencies. The resolver places buyer names as these
bodies; a body becomes a node of the graph only when a notice links it to another."""

from __future__ import annotations

import csv
from datetime import date
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path

from graph.model import Node, NodeKind, PublicBodyType, Source

REGISTER_DATASET = Source(dataset="partnermap-public-body-registers", vintage="2026-12")


def register_file() -> Path:
    with as_file(files("loaders") / "bundled" / "registers" / "public_bodies.csv") as path:
        return Path(path)


def register_body(node_id: str) -> Node | None:
    """The register's body with this id, if it has one."""
    return _by_id().get(node_id)


@cache
def _by_id() -> dict[str, Node]:
    return {b.id: b for b in register_bodies()}


@cache
def register_bodies() -> tuple[Node, ...]:
    """Every body in the bundled register, as a ``public_body`` node (not stored)."""
    bodies = []
    with register_file().open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            attrs = {
                "body_type": str(PublicBodyType(row["body_type"])),
                "register": row["register"],
                "source_url": row["source"],
                "verified": row["verified"],
            }
            attrs |= {k: row[k] for k in ("code", "aliases", "note") if row[k]}
            bodies.append(
                Node(
                    id=row["id"],
                    kind=NodeKind.PUBLIC_BODY,
                    name=row["name"],
                    attrs=attrs,
                    valid_from=date.fromisoformat(row["valid_from"]) if row["valid_from"] else None,
                    valid_to=date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
                    sources=(REGISTER_DATASET,),
                )
            )
    return tuple(bodies)
