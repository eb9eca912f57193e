"""Export of approved records: files, the webhook (retries, Idempotency-Key), re-export only after changes."""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from models.settings import Settings
from pipeline.cli import main
from pipeline.operations.export import export_file, export_webhook
from pipeline.operations.home import Home
from pipeline.operations.store import Store
from tests.support.web import seed_record
from web.app import create_app

SHA = "d" * 64


class _Hook:
    """A local webhook that fails the first `failures` POSTs with 500, then answers 200."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.requests: list[dict[str, Any]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.requests.append({"headers": dict(self.headers), "body": json.loads(body)})
                self.send_response(500 if len(hook.requests) <= hook.failures else 200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/records"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def hook(request: pytest.FixtureRequest) -> Iterator[_Hook]:
    h = _Hook(getattr(request, "param", 2))
    h.thread.start()
    yield h
    h.server.shutdown()
    h.server.server_close()


def _approve(store: Store, sha: str, **kw: Any) -> int:
    stored = seed_record(store, sha, **kw)
    store.set_review_status(stored.id, "approved", "Pat", "approved", None)
    return stored.id


def test_the_webhook_is_retried_with_an_idempotency_key(
    hook: _Hook, store: Store, web_settings: Settings
) -> None:
    _approve(store, SHA)
    result = export_webhook(store, web_settings, hook.url)
    assert result.exported == [f"{SHA}:1"] and result.failed == []
    assert len(hook.requests) == 3  # two 500s, then 200
    assert {r["headers"]["Idempotency-Key"] for r in hook.requests} == {f"{SHA}:1"}
    assert hook.requests[-1]["body"]["record"]["source"]["sha256"] == SHA
    assert hook.requests[-1]["headers"]["Content-Type"] == "application/json"
    [export] = store.exports()
    assert (export["sink"], export["status"], export["attempts"]) == ("webhook", "ok", 3)
    assert export_webhook(store, web_settings, hook.url).exported == []  # not sent twice
    assert len(hook.requests) == 3


@pytest.mark.parametrize("hook", [100], indirect=True)
def test_a_failed_delivery_is_kept_retried_later_and_shown(
    hook: _Hook, store: Store, web_settings: Settings
) -> None:
    _approve(store, SHA)
    settings = web_settings.model_copy(update={"webhook_retries": 1})
    result = export_webhook(store, settings, hook.url)
    assert result.failed == [(f"{SHA}:1", "HTTP 500")]
    assert len(hook.requests) == 2
    page = TestClient(create_app(settings)).get("/").text
    assert "Export failures" in page and "HTTP 500" in page
    hook.failures = 0
    assert export_webhook(store, settings, hook.url).exported == [f"{SHA}:1"]
    assert "Export failures" not in TestClient(create_app(settings)).get("/").text


def test_file_export_takes_each_approved_version_once(
    store: Store, web_settings: Settings, tmp_path: Path
) -> None:
    home = Home(web_settings.home)
    _approve(store, SHA, applicant="Jane Roe")
    seed_record(store, "e" * 64)  # not approved: never exported
    first = export_file(store, home, "jsonl", out=tmp_path / "a.jsonl")
    [row] = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert first.exported == [f"{SHA}:1"]
    assert (row["record_id"], row["version"], row["record"]["claim"]["applicant"]) == (SHA, 1, "Jane Roe")
    assert row["approved_at"]
    assert export_file(store, home, "jsonl", out=tmp_path / "b.jsonl").exported == []
    assert export_file(store, home, "csv", since=date(2000, 1, 1), out=tmp_path / "c.csv").exported == [
        f"{SHA}:1"
    ]
    [csv_row] = list(csv.DictReader((tmp_path / "c.csv").open()))
    assert csv_row["impairments"] == "lumbar spine 8% WPI"


def test_export_command_writes_jsonl(
    store: Store, web_settings: Settings, tmp_path: Path, capsys: Any
) -> None:
    _approve(store, SHA)
    out = tmp_path / "out.jsonl"
    assert main(["export", "--home", str(web_settings.home), "--out", str(out)]) == 0
    assert json.loads(out.read_text())["record_id"] == SHA
    assert "1 record(s) exported" in capsys.readouterr().out
    assert main(["export", "--home", str(web_settings.home), "--since", "yesterday"]) == 2
