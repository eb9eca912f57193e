"""`medlegal process` as a command: in a running `serve`, against a Prefect server, or here without one.

Each test runs real commands in subprocesses, with real Prefect servers; what is asserted is where the
flow run went (the Prefect API and the store's run row) and what the command said on stderr."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli.process import WITHOUT_SERVER
from tests.support.batch import files_in, make_inbox


def _env(home: Path, prefect_home: Path, **extra: str) -> dict[str, str]:
    """This environment without Prefect or medlegal configuration, plus a home and `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MEDLEGAL_"))}
    env.update({"MEDLEGAL_OCR_WORKERS": "1", "MEDLEGAL_HOME": str(home), "PREFECT_HOME": str(prefect_home)})
    env.update(extra)
    return env


def _process(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "process", *args, "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _run_row(home: Path, stdout: str) -> tuple[int, str]:
    """The pid and Prefect flow run id the store recorded for the run the command printed."""
    m = re.search(r"^run (\S+) \(on_demand\)", stdout, re.M)
    assert m, stdout
    with sqlite3.connect(home / "medlegal.db") as db:
        pid, flow_run_id = db.execute(
            "SELECT pid, flow_run_id FROM runs WHERE id = ?", (m.group(1),)
        ).fetchone()
    return int(pid), str(flow_run_id)


def _get(api: str, path: str, auth: str | None = None) -> Any:
    request = urllib.request.Request(f"{api}/{path}")
    if auth:  # the Prefect server `serve` starts asks for the password in its server.json
        request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read())


def _assert_flow_run_on(api: str, flow_run_id: str, files: list[str], auth: str | None = None) -> None:
    run = _get(api, f"flow_runs/{flow_run_id}", auth)
    assert _get(api, f"flows/{run['flow_id']}", auth)["name"] == "process-report"
    assert run["state_type"] == "COMPLETED"
    assert not any(Path(f).name in json.dumps(run) for f in files)  # file names are often patients' names


def test_process_runs_against_the_prefect_server_in_prefect_api_url(
    prefect_api: str, tmp_path: Path, subprocess_prefect_home: Path
) -> None:
    report = tmp_path / "mine" / make_inbox(tmp_path / "mine", 1)[0]
    home = tmp_path / "home"

    proc = _process(_env(home, subprocess_prefect_home, PREFECT_API_URL=prefect_api), str(report))

    assert proc.returncode == 0, proc.stderr
    assert not [line for line in proc.stderr.splitlines() if line.startswith("medlegal:")]
    _, flow_run_id = _run_row(home, proc.stdout)
    _assert_flow_run_on(prefect_api, flow_run_id, [str(report)])


@pytest.mark.parametrize(
    ("api_url", "why"),
    [
        (None, "no Prefect server running"),
        ("http://127.0.0.1:9/api", "no Prefect server answers at PREFECT_API_URL=http://127.0.0.1:9/api"),
    ],
    ids=["none-configured", "configured-one-down"],
)
def test_process_without_a_server_runs_here_without_prefect_and_the_run_is_recorded(
    tmp_path: Path, subprocess_prefect_home: Path, api_url: str | None, why: str
) -> None:
    report = tmp_path / "mine" / make_inbox(tmp_path / "mine", 1)[0]
    home = tmp_path / "home"
    extra = {"PREFECT_API_URL": api_url} if api_url else {}

    proc = _process(_env(home, subprocess_prefect_home, **extra), str(report))

    assert proc.returncode == 0, proc.stderr
    ours = [line for line in proc.stderr.splitlines() if line.startswith("medlegal:")]
    assert ours == [f"medlegal: {why}; {WITHOUT_SERVER}"]
    assert "Starting temporary server" not in proc.stderr  # no Prefect server was started
    assert f"{report.name}: processed" in proc.stdout
    assert files_in(home / "archive") == [report.name]
    _, flow_run_id = _run_row(home, proc.stdout)  # recorded in the store, with no Prefect flow run
    assert flow_run_id == "None"
    with sqlite3.connect(home / "medlegal.db") as db:
        [(trigger, finished)] = db.execute('SELECT "trigger", finished_at FROM runs').fetchall()
    assert trigger == "on_demand" and finished


def test_process_prints_what_it_found_in_plain_english_and_the_review_link(
    tmp_path: Path, subprocess_prefect_home: Path
) -> None:
    report = tmp_path / "mine" / make_inbox(tmp_path / "mine", 1)[0]
    home = tmp_path / "home"

    proc = _process(_env(home, subprocess_prefect_home), str(report))

    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    with sqlite3.connect(home / "medlegal.db") as db:
        [(sha,)] = db.execute("SELECT sha256 FROM documents").fetchall()
    assert f"{report.name}: processed, needs review" in out
    assert "  QME by Jane Roe, M.D." in out
    assert "  MMI: MMI reached (P&S), 2023-03-15" in out
    assert "  WPI: lumbar spine 5%" in out
    assert re.search(r"^  flags: \S", out, re.M) and "_" not in out.split("flags:")[1].splitlines()[0]
    assert f"  review: http://127.0.0.1:8000/doc/{sha}" in out
    assert "prefect" not in (out + proc.stderr).lower().replace("without prefect", "").replace(
        "prefect server running", ""
    )


def test_serve_takes_process_requests_and_records_its_server_for_them(
    tmp_path: Path, subprocess_prefect_home: Path
) -> None:
    home = tmp_path / "home"
    names = make_inbox(tmp_path / "mine", 2)
    reports = [str(tmp_path / "mine" / n) for n in names]
    state = home / "prefect" / "server.json"
    env = _env(home, subprocess_prefect_home)
    with (tmp_path / "serve.log").open("wb") as log:
        serve = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        deadline = time.monotonic() + 240
        while not state.exists():
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "serve did not record its server"
            time.sleep(0.5)
        assert state.stat().st_mode & 0o777 == 0o600
        recorded = json.loads(state.read_text())
        api = recorded["api_url"]
        assert recorded["pid"] == serve.pid

        # In the serve process: its pid on the run, the flow run on its server, no temporary server.
        first = _process(env, reports[0])
        assert first.returncode == 0, first.stderr
        assert not [line for line in first.stderr.splitlines() if line.startswith("medlegal:")]
        pid, flow_run_id = _run_row(home, first.stdout)
        assert pid == serve.pid
        _assert_flow_run_on(api, flow_run_id, reports[:1], recorded["api_auth"])

        # Other settings: this process runs the flow, still on serve's Prefect server.
        second = _process(env, reports[1], "--jobs", "3")
        assert second.returncode == 0, second.stderr
        assert "runs with other settings" in second.stderr and "temporary" not in second.stderr
        pid, flow_run_id = _run_row(home, second.stdout)
        assert pid != serve.pid
        _assert_flow_run_on(api, flow_run_id, reports[1:], recorded["api_auth"])
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            serve.kill()
            pytest.fail("serve did not stop within 30 s of SIGTERM")
    assert not state.exists()
    assert files_in(home / "archive") == names
