"""The batch commands: process, run-inbox, serve (with and without a Prefect server configured)."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from flows.env import prefect_environment
from models.settings import Settings
from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.operations.home import Home
from tests.support import inputs, privileges
from tests.support.batch import files_in, make_inbox


def test_process_prints_where_the_records_are(
    flow_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = make_inbox(tmp_path / "mine", 2)
    code = main(["process", *(str(tmp_path / "mine" / n) for n in names), "--no-progress"])
    out = capsys.readouterr().out
    assert code == ExitCode.OK
    heads = [line for line in out.splitlines() if not line.startswith(" ") and ": processed" in line]
    assert [h.split(": ")[0] for h in heads] == names
    records = [line.removeprefix("  record: ") for line in out.splitlines() if line.startswith("  record: ")]
    assert len(records) == len(names)
    for where in records:
        assert json.loads(Path(where).read_text())["schema_version"] == "1"


def test_process_exits_with_the_failure_code_and_quarantines(
    flow_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = inputs.encrypted_pdf(tmp_path / "locked.pdf")
    assert main(["process", str(bad), "--no-progress"]) == ExitCode.ENCRYPTED_PDF
    assert "quarantined" in capsys.readouterr().out
    assert files_in(Home(flow_settings.home).quarantine) == ["locked.pdf", "locked.pdf.error.json"]
    assert bad.exists()


def test_process_of_a_missing_file_changes_nothing(flow_settings: Settings, tmp_path: Path) -> None:
    assert main(["process", str(tmp_path / "nope.pdf")]) == ExitCode.INPUT_NOT_FOUND
    assert not flow_settings.home.exists()


def _without_prefect_api(home: Path, prefect_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MEDLEGAL_"))}
    env.update(
        {
            "MEDLEGAL_INBOX_SETTLE_S": "0",
            "MEDLEGAL_OCR_WORKERS": "1",
            "MEDLEGAL_HOME": str(home),
            "PREFECT_HOME": str(prefect_home),
        }
    )
    return env


def test_prefect_state_is_kept_under_the_home_folder_with_analytics_off(tmp_path: Path) -> None:
    env = prefect_environment(tmp_path / "home")
    assert env["PREFECT_HOME"] == str((tmp_path / "home" / "prefect").resolve())
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false" and env["DO_NOT_TRACK"] == "1"


def test_run_inbox_works_without_a_prefect_server(tmp_path: Path, subprocess_prefect_home: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    names = make_inbox(home.inbox, 2)
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run-inbox", "--no-progress"],
        env=_without_prefect_api(home.root, subprocess_prefect_home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "processed 2" in proc.stdout
    assert files_in(home.archive) == names


def _ignore_sigint() -> None:
    # What a non-interactive shell does to a command it starts in the background (`medlegal serve &`).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_starts_a_local_server_with_the_schedule_and_stops_on_a_signal(
    tmp_path: Path, subprocess_prefect_home: Path, stop: signal.Signals
) -> None:
    home = tmp_path / "home"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "serve", "--cron", "30 3 * * *"],
        env=_without_prefect_api(home, subprocess_prefect_home),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        preexec_fn=_ignore_sigint,
    )
    api = None
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 240
        while api is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            assert line or proc.poll() is None, "serve exited early"
            if m := re.search(r"Prefect API (http://127\.0\.0\.1:\d+/api)", line):
                api = m.group(1)
        assert api is not None
        body = json.dumps({"deployments": {"name": {"any_": ["nightly"]}}}).encode()
        deployment = None
        while not (home / "prefect" / "server.json").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        # The API asks for the password serve recorded in its owner-only server.json (issue 21).
        auth = json.loads((home / "prefect" / "server.json").read_text())["api_auth"]
        refused = urllib.request.Request(
            f"{api}/deployments/filter", data=body, headers={"Content-Type": "application/json"}
        )
        with pytest.raises(urllib.error.HTTPError, match="401"):
            urllib.request.urlopen(refused, timeout=10)
        basic = "Basic " + base64.b64encode(auth.encode()).decode()
        while deployment is None and time.monotonic() < deadline:
            req = urllib.request.Request(
                f"{api}/deployments/filter",
                data=body,
                headers={"Content-Type": "application/json", "Authorization": basic},
            )
            with urllib.request.urlopen(req, timeout=10) as r:
                found = json.loads(r.read())
            deployment = found[0] if found else None
            time.sleep(0.5)
        assert deployment is not None
        schedule = deployment["schedules"][0]["schedule"]
        assert schedule["cron"] == "30 3 * * *" and schedule["timezone"] == "America/Los_Angeles"
    finally:
        proc.send_signal(stop)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail(f"medlegal serve did not stop within 30 s of {stop.name}")
    assert api is not None
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{api}/health", timeout=2)


def test_run_inbox_without_permission_on_the_inbox_fails_in_one_line_with_exit_32(
    tmp_path: Path, subprocess_prefect_home: Path
) -> None:
    home = Home(tmp_path / "home").ensure()
    names = make_inbox(home.inbox, 1)
    home.inbox.chmod(0o555)  # a scanner's folder medlegal may read but not move files out of
    try:
        proc = subprocess.run(
            privileges.unprivileged([sys.executable, "-m", "pipeline.cli", "run-inbox", "--no-progress"]),
            env=_without_prefect_api(home.root, subprocess_prefect_home),
            capture_output=True,
            text=True,
            timeout=120,
        )
        mode = stat.S_IMODE(home.inbox.stat().st_mode)
    finally:
        home.inbox.chmod(0o700)
    assert proc.returncode == ExitCode.HOME_PERMISSION, proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith("medlegal: error: ") and f"{home.inbox} (mode 0555" in line
    assert "A shared inbox" in line
    assert mode == 0o555, "the inbox's mode is never changed"
    assert files_in(home.inbox) == names
