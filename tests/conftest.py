"""The one conftest: Prefect's environment (set before anything imports Prefect), shared settings, the
Prefect test server the flow tests use, the review app's live server and Debian's Chromium.

Fixtures that start something (a Prefect server, uvicorn, a browser) are not autouse: a test asks for them.
Helpers that are not fixtures live in `tests/support/`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

_PREFECT_HOME = tempfile.mkdtemp(prefix="medlegal-test-prefect-")
os.environ.setdefault("PREFECT_HOME", _PREFECT_HOME)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


import uvicorn  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from spacy.language import Language  # noqa: E402

from models.settings import Settings  # noqa: E402
from pipeline.extraction.nlp import build_nlp  # noqa: E402
from pipeline.operations.home import Home  # noqa: E402
from pipeline.operations.store import Store  # noqa: E402
from tests.support.web import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402
from web.app import create_app  # noqa: E402


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings with a private home folder and two OCR workers."""
    return Settings(home=tmp_path / "home", ocr_workers=2)


@pytest.fixture(scope="session")
def session_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Like `settings`, for module- and session-scoped fixtures (OCR results shared by many tests)."""
    return Settings(home=tmp_path_factory.mktemp("home"), ocr_workers=2)


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The medlegal spaCy pipeline, built once for the session."""
    return build_nlp()


@pytest.fixture(scope="session")
def inputs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session-wide folder for generated test documents."""
    return tmp_path_factory.mktemp("inputs")


# --- flows: a real Prefect server -------------------------------------------------------------------


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """A real Prefect server (SQLite) for the whole session; yields its API URL for subprocesses."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield str(PREFECT_API_URL.value())
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def subprocess_prefect_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """PREFECT_HOME shared by the tests that start their own Prefect server (its database is migrated
    once, which is most of a server's start-up time)."""
    return tmp_path_factory.mktemp("prefect_home")


@pytest.fixture
def flow_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_api: str) -> Settings:
    """A fresh home, set through MEDLEGAL_* (flows load their own settings): no settling delay, short retry
    delay, one OCR worker per document, two documents at once; the session's Prefect server is up."""
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


# --- PostgreSQL -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[object]:
    """A real PostgreSQL on 127.0.0.1 for the session (tests/support/postgres.py); skipped, with the reason,
    where it cannot start."""
    from tests.support.postgres import start

    cluster, why = start()
    if cluster is None:
        pytest.skip(f"PostgreSQL: {why}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store's URL: SQLite in a home folder, and a new database on the session's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{Home(tmp_path / 'db-home').ensure().database}"
    cluster = request.getfixturevalue("postgres_cluster")
    return str(cluster.new_database())  # type: ignore[attr-defined]


# --- the review app -------------------------------------------------------------------------------------


@pytest.fixture
def web_settings(tmp_path: Path) -> Settings:
    return Settings(
        home=tmp_path / "home",
        ocr_workers=1,
        webhook_backoff_s=0.01,
        webhook_retries=3,
        webhook_timeout_s=5,
    )


@pytest.fixture
def store(web_settings: Settings) -> Store:
    home = Home(web_settings.home).ensure()
    return Store.for_home(home, None)


@pytest.fixture
def client(web_settings: Settings, store: Store) -> TestClient:
    """The review app through Starlette's TestClient on this machine's address, its session started."""
    c = TestClient(create_app(web_settings), base_url="http://127.0.0.1")
    c.get("/")
    return c


@pytest.fixture
def live_server(web_settings: Settings) -> Iterator[str]:
    """The review app served by uvicorn on a free 127.0.0.1 port, in a background thread."""
    port = free_port()
    config = uvicorn.Config(
        create_app(web_settings), host="127.0.0.1", port=port, access_log=False, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the review app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install it with `make sysdeps` (or `apt-get install -y chromium`); "
            "the browser tests do not download a browser"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()
