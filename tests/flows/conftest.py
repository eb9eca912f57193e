"""Fixtures for the flow tests: a real Prefect test server for the session, and inboxes of real reports.

Prefect reads its environment when first imported, so PREFECT_HOME and the analytics switches are set
here before anything imports Prefect.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_PREFECT_HOME = tempfile.mkdtemp(prefix="medlegal-test-prefect-")
os.environ.setdefault("PREFECT_HOME", _PREFECT_HOME)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


from prefect.testing.utilities import prefect_test_harness  # noqa: E402

from models.settings import Settings  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def prefect_api() -> Iterator[str]:
    """A real Prefect server (SQLite) for the whole session; yields its API URL for subprocesses."""
    from prefect.settings import PREFECT_API_URL

    with prefect_test_harness(server_startup_timeout=180):
        yield str(PREFECT_API_URL.value())
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def subprocess_prefect_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """PREFECT_HOME shared by the tests that start their own Prefect server (its database is migrated
    once, which is most of a server's start-up time)."""
    return tmp_path_factory.mktemp("prefect_home")


@pytest.fixture
def flow_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A fresh home, set through MEDLEGAL_* (flows load their own settings): no settling delay, short retry
    delay, one OCR worker per document, two documents at once."""
    env = {
        "MEDLEGAL_HOME": str(tmp_path / "home"),
        "MEDLEGAL_INBOX_SETTLE_S": "0",
        "MEDLEGAL_TASK_RETRY_DELAY_S": "0.1",
        "MEDLEGAL_OCR_WORKERS": "1",
        "MEDLEGAL_BATCH_WORKERS": "2",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Settings()
