"""Every setting is documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, run_cli

from graph import Settings


def env_names() -> list[str]:
    prefix = Settings.model_config.get("env_prefix", "")
    names = []
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.append(alias if isinstance(alias, str) else f"{prefix}{name}".upper())
    return names


@pytest.mark.parametrize("name", env_names())
def test_setting_is_in_the_readme(name: str) -> None:
    assert f"`{name}`" in (REPO / "README.md").read_text(encoding="utf-8")


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERMAP_HOME", "/tmp/elsewhere")
    monkeypatch.setenv("PARTNERMAP_PORT", "9001")
    settings = Settings()
    assert settings.home == Path("/tmp/elsewhere") and settings.port == 9001


def test_a_bad_setting_names_its_variable(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "stats", env={"PARTNERMAP_PORT": "eighty"})
    assert result.returncode == 2
    assert result.stderr.startswith("partnermap: error: bad setting (PARTNERMAP_PORT: ")
    assert "README" in result.stderr
