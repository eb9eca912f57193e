"""Export of approved records: files, the webhook (retries, Idempotency-Key), re-export only after changes;
no redirects, https only, and no double export after a crash."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
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
from pipeline.errors import ConfigError, ExitCode
from pipeline.operations.export import check_webhook_url, export_file, export_webhook, pending_exports
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


# --- redirects, https, and a crash between the export file and the store (items 8, 9) -----------------


class _Redirect:
    """A webhook that answers every POST with `status` and a Location on a second server, which
    records what reaches it and answers 200 (what a redirect to an attacker's host would look like)."""

    def __init__(self, status: int) -> None:
        self.landed: list[str] = []
        self.posts = 0
        outer = self

        class Landing(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                outer.landed.append(self.command)
                self.send_response(200)
                self.end_headers()

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Hook(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                outer.posts += 1
                self.send_response(status)
                self.send_header("Location", outer.landing_url)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.servers = [ThreadingHTTPServer(("127.0.0.1", 0), h) for h in (Hook, Landing)]
        self.url = f"http://127.0.0.1:{self.servers[0].server_address[1]}/records"
        self.landing_url = f"http://127.0.0.1:{self.servers[1].server_address[1]}/elsewhere"
        for server in self.servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_webhook_redirect_is_a_failed_delivery_and_the_record_stays_pending(
    status: int, store: Store, web_settings: Settings
) -> None:
    _approve(store, SHA)
    hook = _Redirect(status)
    try:
        settings = web_settings.model_copy(update={"webhook_retries": 1})
        result = export_webhook(store, settings, hook.url)
    finally:
        hook.close()
    assert result.exported == [] and result.failed == [
        (f"{SHA}:1", f"HTTP {status} (a redirect; not followed, not delivered)")
    ]
    assert hook.posts == 2 and hook.landed == [], "the redirect was never followed"
    assert [(e["status"], e["sink"]) for e in store.exports()] == [("failed", "webhook")]
    assert [p.key for p in pending_exports(store, "webhook")] == [f"{SHA}:1"]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://cases.example/api/medlegal", True),
        ("http://127.0.0.1:8080/hook", True),
        ("http://localhost/hook", True),
        ("http://[::1]:9000/hook", True),
        ("http://cases.example/api/medlegal", False),
        ("http://10.0.0.5/hook", False),
        ("ftp://cases.example/drop", False),
        ("file:///etc/passwd", False),
        ("https://medlegal:secret@cases.example/api", False),
    ],
)
def test_the_webhook_must_be_https_unless_it_is_this_machine(
    url: str, allowed: bool, web_settings: Settings
) -> None:
    if allowed:
        check_webhook_url(url, web_settings)
    else:
        with pytest.raises(ConfigError):
            check_webhook_url(url, web_settings)


def test_plain_http_to_another_host_needs_the_explicit_setting(
    store: Store, web_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    _approve(store, SHA)
    url = "http://cases.example/api/medlegal"
    assert main(["export", "--home", str(web_settings.home), "--webhook", url]) == ExitCode.CONFIG
    assert "plain http" in capsys.readouterr().err
    assert store.exports() == [], "nothing was sent"
    check_webhook_url(url, web_settings.model_copy(update={"webhook_allow_http": True}))


_CRASH_AFTER_WRITE = """
import os, sys
from pathlib import Path
import pipeline.operations.export as export
from pipeline.operations.home import Home
from pipeline.operations.store import Store
real = export.write_atomic
def write_then_die(path, data):
    if sys.argv[2] == "after":
        real(path, data)
    os._exit(9)  # the power goes: nothing after this runs, no finally, no commit
export.write_atomic = write_then_die
home = Home(Path(sys.argv[1]))
export.export_file(Store.for_home(home, None), home, "jsonl")
"""


def _crash_export(home: Path, when: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _CRASH_AFTER_WRITE, str(home), when],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 9, proc.stderr


def _exported_ids(outbox: Path) -> list[str]:
    return sorted(
        json.loads(line)["record_id"]
        for f in outbox.glob("export-*.jsonl")
        for line in f.read_text().splitlines()
    )


def test_a_crash_after_writing_the_export_file_does_not_export_its_records_again(
    store: Store, web_settings: Settings
) -> None:
    home = Home(web_settings.home)
    _approve(store, SHA)
    _crash_export(home.root, "after")
    assert _exported_ids(home.outbox) == [SHA], "the file was written, its rows not marked"

    again = export_file(store, home, "jsonl")

    assert again.exported == [] and _exported_ids(home.outbox) == [SHA], "recognised, not exported twice"
    assert [(e["sink"], e["status"]) for e in store.exports()] == [("file", "ok")]
    _approve(store, "e" * 64)
    assert export_file(store, home, "jsonl").exported == [f"{'e' * 64}:1"]
    assert _exported_ids(home.outbox) == sorted([SHA, "e" * 64])


def test_a_crash_before_the_export_file_appeared_leaves_its_records_pending(
    store: Store, web_settings: Settings
) -> None:
    home = Home(web_settings.home)
    _approve(store, SHA)
    _crash_export(home.root, "before")
    assert _exported_ids(home.outbox) == []

    assert export_file(store, home, "jsonl").exported == [f"{SHA}:1"]
    assert _exported_ids(home.outbox) == [SHA]


@pytest.mark.parametrize("hook", [0], indirect=True)
@pytest.mark.parametrize("variable", ["http_proxy", "HTTP_PROXY"])
def test_a_loopback_webhook_never_goes_through_a_proxy(hook: _Hook, variable: str) -> None:
    """A proxy from the environment would receive the records and its 200 would count as delivered; the
    proxy here answers 200 to anything, so only the hook's own log proves the records reached it."""
    proxy = _Hook(0)
    proxy.thread.start()
    script = (
        "import sys; from pipeline.operations.export import post_json; "
        "print(post_json(sys.argv[1], {'n': 1}, 'k-1', 5))"
    )
    env = {**os.environ, variable: proxy.url.rsplit("/", 1)[0]}
    env.pop("no_proxy", None)
    env.pop("NO_PROXY", None)
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, hook.url], env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        proxy.server.shutdown()
        proxy.server.server_close()
    assert done.returncode == 0, done.stderr[-500:]
    assert len(hook.requests) == 1 and proxy.requests == []


@pytest.mark.parametrize("hook", [0], indirect=True)
def test_a_stray_webhook_target_does_not_keep_the_records_from_the_real_one(
    hook: _Hook, store: Store, web_settings: Settings
) -> None:
    """Exports are remembered per (sink, target): records a test URL took still go to the case system,
    once (issue 21)."""
    _approve(store, SHA)
    stray = _Hook(0)
    stray.thread.start()
    try:
        assert export_webhook(store, web_settings, stray.url).exported == [f"{SHA}:1"]
    finally:
        stray.server.shutdown()
        stray.server.server_close()
    assert export_webhook(store, web_settings, hook.url).exported == [f"{SHA}:1"]
    assert export_webhook(store, web_settings, hook.url).exported == []
    assert len(hook.requests) == 1 and len(stray.requests) == 1
