"""Every setting partnermap reads, from the environment (prefix ``PARTNERMAP_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARTNERMAP_", extra="ignore")

    home: Path = Field(
        default=Path(".partnermap"),
        description="Folder of the embedded store (created on first load).",
    )
    store: Literal["embedded"] = Field(
        default="embedded",
        description="Which backend holds the graph: 'embedded' (NetworkX, on disk in home).",
    )
    host: str = Field(default="127.0.0.1", description="Address 'partnermap serve' listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port 'partnermap serve' uses.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="WARNING", description="Logging level of the command line and the server."
    )
