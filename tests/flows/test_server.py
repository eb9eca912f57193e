"""Where `medlegal process` runs: a running `serve` (its on-demand listener), a Prefect server, or none.

The listener tests run it in this process on the session's Prefect server; faults are injected by
replacing the flow call (the only mock)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client

import flows.on_demand
from flows.deploy import on_demand_listener
from flows.server import (
    Listener,
    find_prefect_api,
    process_in_serve,
    record_server,
    recorded_listener,
    recorded_server,
    settings_fingerprint,
    state_path,
    summary_from_json,
    summary_to_json,
)
from flows.tasks import HIDDEN
from models.settings import Settings
from pipeline.errors import StoreError
from pipeline.operations.home import Home
from tests.support.batch import files_in, make_inbox


@pytest.fixture
def serving(flow_settings: Settings, prefect_api: str) -> Iterator[Listener]:
    """The on-demand listener in this process, recorded in the home's server.json as `serve` does."""
    home = Path(flow_settings.home)
    with on_demand_listener(flow_settings) as listener, record_server(home, prefect_api, listener):
        yield listener


def _flow_run_id(settings: Settings, run_id: str) -> str | None:
    """The Prefect flow run the store recorded for a medlegal run."""
    with sqlite3.connect(Path(settings.home) / "medlegal.db") as db:
        row = db.execute("SELECT flow_run_id FROM runs WHERE id = ?", (run_id,)).fetchone()
    return row[0] if row else None


def test_a_running_serve_processes_the_files_and_the_flow_run_is_on_its_server(
    flow_settings: Settings, serving: Listener, tmp_path: Path
) -> None:
    names = make_inbox(tmp_path / "mine", 2)
    files = [str(tmp_path / "mine" / n) for n in names]

    summary, why_not = process_in_serve(Path(flow_settings.home), files, flow_settings)

    assert why_not == "" and summary is not None
    assert [(o.filename, o.status) for o in summary.outcomes] == [(n, "processed") for n in names]
    assert all(o.record is None for o in summary.outcomes)  # records stay in the outbox
    assert all(Path(o.record_path or "").is_file() for o in summary.outcomes)
    flow_run_id = _flow_run_id(flow_settings, summary.run_id)
    assert flow_run_id is not None
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(UUID(flow_run_id))
        assert client.read_flow(run.flow_id).name == "process-report"
    assert run.state is not None and run.state.is_completed()
    assert run.parameters["files"] == HIDDEN  # file names are often patients' names
    assert all(Path(f).exists() for f in files)  # copies were processed; the originals stay


def test_serve_refuses_files_when_its_settings_differ_and_the_caller_runs_them(
    flow_settings: Settings, serving: Listener, tmp_path: Path
) -> None:
    names = make_inbox(tmp_path / "mine", 1)
    other = flow_settings.model_copy(update={"batch_workers": 3})
    summary, why_not = process_in_serve(Path(flow_settings.home), [str(tmp_path / "mine" / names[0])], other)
    assert summary is None and "other settings" in why_not
    assert files_in(Home(flow_settings.home).archive) == []


def test_a_prefect_api_url_naming_another_server_bypasses_serve(
    flow_settings: Settings, serving: Listener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = make_inbox(tmp_path / "mine", 1)
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    summary, why_not = process_in_serve(
        Path(flow_settings.home), [str(tmp_path / "mine" / names[0])], flow_settings
    )
    assert (summary, why_not) == (None, "")
    assert files_in(Home(flow_settings.home).archive) == []


def test_a_wrong_token_is_refused(flow_settings: Settings, serving: Listener, tmp_path: Path) -> None:
    names = make_inbox(tmp_path / "mine", 1)
    home = Path(flow_settings.home)
    state = json.loads(state_path(home).read_text())
    state["on_demand"]["token"] = "x" * 43
    state_path(home).write_text(json.dumps(state))
    summary, why_not = process_in_serve(home, [str(tmp_path / "mine" / names[0])], flow_settings)
    assert summary is None and "token" in why_not
    assert files_in(Home(home).archive) == []


def test_an_unexpected_failure_in_serve_hands_the_files_back(
    flow_settings: Settings, serving: Listener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("injected")

    monkeypatch.setattr(flows.on_demand, "run_process_report", crash)
    names = make_inbox(tmp_path / "mine", 1)
    summary, why_not = process_in_serve(
        Path(flow_settings.home), [str(tmp_path / "mine" / names[0])], flow_settings
    )
    assert summary is None and "RuntimeError" in why_not


def test_a_medlegal_error_in_serve_is_raised_by_the_caller_with_its_exit_code(
    flow_settings: Settings, serving: Listener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def store_down(*args: object, **kwargs: object) -> None:
        raise StoreError("the database is locked", hint="try again")

    monkeypatch.setattr(flows.on_demand, "run_process_report", store_down)
    names = make_inbox(tmp_path / "mine", 1)
    with pytest.raises(StoreError, match="the database is locked; try again"):
        process_in_serve(Path(flow_settings.home), [str(tmp_path / "mine" / names[0])], flow_settings)


def test_the_server_record_is_owner_only_and_removed_on_the_way_out(tmp_path: Path) -> None:
    home = tmp_path / "home"
    listener = Listener(port=1, token="t")
    with record_server(home, "http://127.0.0.1:1/api", listener) as path:
        assert path.stat().st_mode & 0o777 == 0o600
        assert recorded_server(home) == "http://127.0.0.1:1/api"
        assert recorded_listener(home) == listener
    assert not path.exists()
    assert recorded_server(home) is None and recorded_listener(home) is None


def test_the_record_of_a_serve_that_died_is_ignored(tmp_path: Path) -> None:
    home = tmp_path / "home"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    with record_server(home, "http://127.0.0.1:1/api", Listener(port=1, token="t")) as path:
        state = json.loads(path.read_text())
        state["pid"] = int(dead.stdout)
        path.write_text(json.dumps(state))
        assert recorded_listener(home) is None


def test_no_answering_server_means_the_ephemeral_one_and_the_message_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert find_prefect_api(home).url is None
    assert find_prefect_api(home).why == "no Prefect server running"

    monkeypatch.setenv("PREFECT_API_URL", "http://user:secret@127.0.0.1:9/api")
    with record_server(home, "http://127.0.0.1:9/api"):
        api = find_prefect_api(home)
    assert api.url is None and api.source == "ephemeral"
    assert api.why == "no Prefect server answers at PREFECT_API_URL=http://127.0.0.1:9/api"
    assert "secret" not in api.why


def test_a_recorded_server_that_answers_is_used(
    tmp_path: Path, prefect_api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with record_server(home, prefect_api):
        api = find_prefect_api(home)
    assert (api.url, api.source) == (prefect_api, "serve")


def test_a_summary_survives_the_trip_between_serve_and_process(
    flow_settings: Settings, tmp_path: Path
) -> None:
    from pipeline.operations.batch import run_batch

    make_inbox(tmp_path / "mine", 1)
    bad = tmp_path / "mine" / "empty.pdf"
    bad.write_bytes(b"")
    summary = run_batch(flow_settings, files=sorted((tmp_path / "mine").glob("*.pdf")), workers=1)
    back = summary_from_json(json.loads(json.dumps(summary_to_json(summary))))
    assert back.outcomes == [o.__class__(**{**o.__dict__, "record": None}) for o in summary.outcomes]
    assert (back.run_id, back.counts, back.home, back.csv_path) == (
        summary.run_id,
        summary.counts,
        summary.home,
        summary.csv_path,
    )
    assert back.failures[0].error is not None and back.failures[0].error.exit_code == 11


def test_serve_and_process_must_agree_on_processing_settings_only(tmp_path: Path) -> None:
    base = Settings(home=tmp_path / "home")
    same = settings_fingerprint(base)
    for update in ({"schedule_cron": "30 3 * * *"}, {"review_token": "t" * 32}, {"webhook_retries": 9}):
        assert settings_fingerprint(base.model_copy(update=update)) == same, update
    for update in ({"ocr_mode": "force_ocr"}, {"batch_workers": 3}, {"home": tmp_path / "other"}):
        assert settings_fingerprint(base.model_copy(update=update)) != same, update


def test_the_prefect_server_serve_starts_asks_for_a_password_and_allows_no_other_origin(
    tmp_path: Path,
) -> None:
    """Any local account reaches 127.0.0.1: the API of the server `serve` starts answers 401 without the
    password this process was given (recorded in the 0600 server.json for `process`), names no foreign
    origin in CORS, and its log is owner-only (issue 21)."""
    import base64
    import stat
    import urllib.error
    import urllib.request

    from flows.deploy import local_prefect_server

    home = tmp_path / "home"

    def call(url: str, auth: str | None, origin: str | None = None) -> tuple[int, dict[str, str]]:
        request = urllib.request.Request(url, data=b"{}", method="POST")
        request.add_header("Content-Type", "application/json")
        if auth:
            request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
        if origin:
            request.add_header("Origin", origin)
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                return r.status, dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers)

    with local_prefect_server(home) as api_url:
        auth = os.environ["PREFECT_API_AUTH_STRING"]
        assert call(f"{api_url}/flows/filter", None)[0] == 401
        status, headers = call(f"{api_url}/flows/filter", auth, origin="http://evil.example")
        assert status == 200
        assert headers.get("access-control-allow-origin") in (None, api_url.rsplit("/api", 1)[0])
        with record_server(home, api_url, auth=auth) as path:
            assert json.loads(path.read_text())["api_auth"] == auth
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE((home / "prefect" / "server.log").stat().st_mode) == 0o600
    assert "PREFECT_API_AUTH_STRING" not in os.environ
