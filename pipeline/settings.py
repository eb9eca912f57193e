"""Loading settings: one place that turns environment and medlegal.toml into a validated `Settings`."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from models.settings import Settings
from pipeline.errors import ConfigError


def load_settings(**overrides: Any) -> Settings:
    """Settings from overrides, MEDLEGAL_* variables and medlegal.toml; a bad value raises ConfigError."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"invalid setting {where}: {first['msg']}") from e
