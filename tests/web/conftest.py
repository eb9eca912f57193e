"""Fixtures of the review app tests: a seeded store, a live server on a free port, a Chromium browser."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from models.record import Claim, Evidence, Impairment, ReportRecord, Source
from models.settings import Settings
from pipeline.home import Home
from pipeline.store import Store, StoredRecord
from web.app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def seed_record(store: Store, sha: str, *, applicant: str = "Jane Roe", wpi: int = 8) -> StoredRecord:
    """Store a small record (no original in the archive) as its document's next version."""
    run_id = f"seed-{uuid.uuid4().hex[:8]}"
    store.start_run(run_id, "test", "host", os.getpid(), "1")
    record = ReportRecord(
        source=Source(filename=f"{sha[:6]}.pdf", sha256=sha, media_type="application/pdf", page_count=1),
        claim=Claim(applicant=applicant, case_numbers=["ADJ1234567"]),
        impairments=[
            Impairment(
                body_part="lumbar spine",
                wpi=wpi,
                evidence=Evidence(page=1, text=f"{wpi}% WPI for the lumbar spine.", bbox=[72, 100, 300, 112]),
                confidence=0.9,
            )
        ],
        rules_version="1",
    )
    return store.save_record(record, run_id).stored


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
