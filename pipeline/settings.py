"""Loading settings: one place that turns the environment and the configuration file into a validated
`Settings`, after checking the file is safe to trust."""

from __future__ import annotations

import logging
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from models.settings import SECRET_SETTINGS, Settings, config_path
from pipeline.errors import ConfigError

log = logging.getLogger(__name__)


def check_config_file(path: Path, *, named: bool) -> None:
    """Refuse a configuration file another local user could have written, or could read while it holds a
    secret (SECRET_SETTINGS); a file MEDLEGAL_CONFIG names must exist. Raises ConfigError (exit 10)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if named:
            raise ConfigError(
                f"MEDLEGAL_CONFIG names {path}, which does not exist",
                hint="point MEDLEGAL_CONFIG at the configuration file, or unset it",
            ) from None
        return
    except OSError as e:
        raise ConfigError(f"cannot read the configuration file {path}: {e.strerror}") from e
    if not stat.S_ISREG(st.st_mode):
        raise ConfigError(f"the configuration file {path} is not a regular file")
    if st.st_uid not in (os.geteuid(), 0):
        raise ConfigError(
            f"the configuration file {path} belongs to another user; medlegal reads only its own user's or root's",
            hint=f"chown it to the user that runs medlegal: chown $(id -un) {path}",
        )
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o022:
        raise ConfigError(
            f"the configuration file {path} is writable by other users (mode {mode:04o}); they could change "
            "where the reports go",
            hint=f"chmod go-w {path}",
        )
    if mode & 0o044:
        try:
            keys = set(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise ConfigError(f"cannot read the configuration file {path}: {e}") from e
        secrets = sorted(keys & SECRET_SETTINGS)
        if secrets:
            raise ConfigError(
                f"the configuration file {path} holds {', '.join(secrets)} and other users can read it "
                f"(mode {mode:04o})",
                hint=f"chmod 600 {path}",
            )


def load_settings(**overrides: Any) -> Settings:
    """Settings from overrides, MEDLEGAL_* variables and the configuration file (`config_path`, checked by
    `check_config_file`); a bad value or an unsafe file raises ConfigError."""
    check_config_file(config_path(), named=bool(os.environ.get("MEDLEGAL_CONFIG")))
    if Path("medlegal.toml").is_file() and Path("medlegal.toml").resolve() != config_path().resolve():
        log.warning(
            "medlegal.toml in the working directory is not read; move it to %s or set MEDLEGAL_CONFIG",
            config_path(),
        )
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"invalid setting {where}: {first['msg']}") from e
