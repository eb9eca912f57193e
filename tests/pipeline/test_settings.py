"""The configuration file: from MEDLEGAL_CONFIG or the user's config folder only, and refused when another
user could have written it, or could read it while it holds a secret."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from models.settings import config_path
from pipeline.errors import ConfigError, ExitCode
from pipeline.settings import load_settings


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("MEDLEGAL_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_medlegal_toml_in_the_working_directory_is_not_read(
    config_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (config_home / "medlegal.toml").write_text("batch_workers = 7\n")
    assert load_settings().batch_workers != 7
    assert "is not read" in caplog.text


def test_the_users_config_folder_and_medlegal_config_are_read(
    config_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = config_path()
    assert path == config_home / "xdg" / "medlegal" / "medlegal.toml"
    path.parent.mkdir(parents=True)
    path.write_text("batch_workers = 5\n")
    path.chmod(0o644)  # no secret: readable by others is fine
    assert load_settings().batch_workers == 5
    named = config_home / "elsewhere.toml"
    named.write_text("batch_workers = 3\n")
    monkeypatch.setenv("MEDLEGAL_CONFIG", str(named))
    assert load_settings().batch_workers == 3


def test_a_file_medlegal_config_names_must_exist(config_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDLEGAL_CONFIG", str(config_home / "missing.toml"))
    with pytest.raises(ConfigError, match="does not exist") as e:
        load_settings()
    assert e.value.exit_code == ExitCode.CONFIG


@pytest.mark.parametrize("mode", [0o664, 0o646, 0o666])
def test_a_config_file_others_may_write_is_refused(
    config_home: Path, monkeypatch: pytest.MonkeyPatch, mode: int
) -> None:
    named = config_home / "medlegal.conf.toml"
    named.write_text("batch_workers = 3\n")
    named.chmod(mode)
    monkeypatch.setenv("MEDLEGAL_CONFIG", str(named))
    with pytest.raises(ConfigError, match="writable by other users"):
        load_settings()


@pytest.mark.parametrize("key", ["review_secret", "database_url", "review_token"])
def test_a_config_file_holding_a_secret_must_be_private(
    config_home: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    named = config_home / "secret.toml"
    named.write_text(f'{key} = "{"s" * 40}"\n')
    named.chmod(0o640)
    monkeypatch.setenv("MEDLEGAL_CONFIG", str(named))
    with pytest.raises(ConfigError, match=f"holds {key}.*other users can read it"):
        load_settings()
    named.chmod(0o600)
    assert getattr(load_settings(), key) is not None


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_another_users_config_file_is_refused(config_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    named = config_home / "theirs.toml"
    named.write_text("batch_workers = 3\n")
    named.chmod(0o600)
    os.chown(named, 65534, 65534)
    monkeypatch.setenv("MEDLEGAL_CONFIG", str(named))
    with pytest.raises(ConfigError, match="belongs to another user"):
        load_settings()
