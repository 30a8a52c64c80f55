"""Every setting partnermap reads, from the environment (prefix ``PARTNERMAP_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PARTNERMAP_", extra="ignore", populate_by_name=True
    )

    home: Path = Field(
        default=Path(".partnermap"),
        description="Folder of the embedded store (created on first load).",
    )
    store: Literal["embedded", "neo4j"] = Field(
        default="embedded",
        description="Which backend holds the graph: 'embedded' (NetworkX, on disk in home) "
        "or 'neo4j' (the server at NEO4J_URI).",
    )
    host: str = Field(default="127.0.0.1", description="Address 'partnermap serve' listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port 'partnermap serve' uses.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="WARNING", description="Logging level of the command line and the server."
    )
    neo4j_uri: str = Field(
        default="bolt://127.0.0.1:7687",
        validation_alias="NEO4J_URI",
        description="Neo4j's address: bolt://, neo4j:// or neo4j+s:// (Aura).",
    )
    neo4j_username: str = Field(
        default="neo4j", validation_alias="NEO4J_USERNAME", description="Neo4j user."
    )
    neo4j_password: SecretStr = Field(
        default=SecretStr("partnermap-test"),
        validation_alias="NEO4J_PASSWORD",
        description="Neo4j password (the default is the local test server's).",
    )
    neo4j_database: str = Field(
        default="neo4j", validation_alias="NEO4J_DATABASE", description="Neo4j database name."
    )
    api_key: SecretStr | None = Field(
        default=None,
        description="Key that the HTTP API's write endpoints (POST /load, POST /reload) require "
        "in the X-API-Key header; unset, writes are off.",
    )
    max_upload_mb: int = Field(
        default=100, ge=1, description="Largest file POST /load accepts, in MiB."
    )
    neo4j_transaction_rows: int = Field(
        default=50_000,
        ge=0,
        description="Loads of up to this many records (with replace, and those stored) are one "
        "Neo4j transaction; larger ones "
        "are staged in a new generation and swapped in (0: stage every load).",
    )
    find_a_tender_url: str = Field(
        default="https://www.find-tender.service.gov.uk",
        description="Base of the Find a Tender API (partnermap fetch find-a-tender); a mirror, "
        "a proxy or a test server can stand in.",
    )
    contracts_finder_url: str = Field(
        default="https://www.contractsfinder.service.gov.uk",
        description="Base of the Contracts Finder API (partnermap fetch contracts-finder).",
    )
    public_contracts_scotland_url: str = Field(
        default="https://api.publiccontractsscotland.gov.uk",
        description="Base of the Public Contracts Scotland API "
        "(partnermap fetch public-contracts-scotland).",
    )
    sell2wales_url: str = Field(
        default="https://api.sell2wales.gov.wales",
        description="Base of the Sell2Wales API (partnermap fetch sell2wales).",
    )
    fetch_delay: float | None = Field(
        default=None,
        ge=0,
        description="Seconds between two requests to a notice service; unset, each service's "
        "own (Find a Tender 10, the others 1).",
    )
    fetch_wait: float | None = Field(
        default=None,
        ge=0,
        description="Seconds to wait after a 429 or 403 that gives no Retry-After; unset, each "
        "service's own (Contracts Finder 300, Find a Tender 120, the others 60).",
    )
    fetch_backoff: float = Field(
        default=2.0,
        ge=0,
        description="Seconds before the first retry of a 5xx answer or a dropped connection; "
        "doubled at each retry (at most 300).",
    )
    fetch_retries: int = Field(
        default=5,
        ge=0,
        le=100,
        description="Retries of one request (after errors and rate-limit waits) before the "
        "fetch stops with an error.",
    )
    fetch_timeout: float = Field(
        default=120.0, gt=0, description="Seconds a notice service may take to answer."
    )
