"""Helpers of the review app and export tests: a seeded store record, the CSRF token of a page, a free port,
Debian's Chromium."""

from __future__ import annotations

import os
import re
import socket
import uuid
from typing import Any

from models.record import Claim, Evidence, Impairment, ReportRecord, Source
from pipeline.operations.store import Store, StoredRecord

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def csrf_of(client: Any, path: str = "/") -> str:
    """The CSRF token the page at `path` puts in its forms (bound to the client's session); `client` is a
    TestClient or an httpx.Client."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)
