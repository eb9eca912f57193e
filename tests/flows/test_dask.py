"""Scale-out: the inbox flow on a 2-worker Dask LocalCluster makes the same records as the default runner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flows.inbox import nightly_inbox
from flows.tasks import build_task_runner
from models.settings import Settings
from pipeline.operations.home import Home
from tests.support.batch import files_in, make_inbox


def _records(home: Home) -> dict[str, dict[str, object]]:
    return {p.stem: json.loads(p.read_text()) for p in home.outbox.glob("*.json")}


def test_dask_local_cluster_makes_the_same_records_as_threads(
    flow_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "src"
    names = make_inbox(src, 4, scans=1)
    threads_home = Home(flow_settings.home).ensure()
    for n in names:
        shutil.copyfile(src / n, threads_home.inbox / n)
    by_threads = nightly_inbox(progress=False)

    dask_home = Home(tmp_path / "dask_home").ensure()
    for n in names:
        shutil.copyfile(src / n, dask_home.inbox / n)
    monkeypatch.setenv("MEDLEGAL_HOME", str(dask_home.root))
    monkeypatch.setenv("MEDLEGAL_TASK_RUNNER", "dask")
    runner = build_task_runner(Settings())
    assert type(runner).__name__ == "DaskTaskRunner"
    kwargs = runner.cluster_kwargs  # type: ignore[attr-defined]
    assert kwargs["n_workers"] == 2
    assert (kwargs["protocol"], kwargs["security"], kwargs["host"]) == ("tls://", True, "127.0.0.1")
    by_dask = nightly_inbox.with_options(task_runner=runner)(progress=False)

    assert by_threads.counts == by_dask.counts and by_dask.counts["processed"] == len(names)
    assert _records(dask_home) == _records(threads_home)
    assert files_in(dask_home.archive) == names


def test_a_scheduler_beyond_this_machine_must_be_tls_and_tasks_carry_no_review_secrets(
    tmp_path: Path,
) -> None:
    from pipeline.errors import ConfigError
    from pipeline.operations.batch import task_settings

    with pytest.raises(ConfigError, match="in clear"):
        build_task_runner(Settings(home=tmp_path, dask_address="tcp://10.1.2.3:8786"))
    with pytest.raises(ConfigError, match="TLS files"):
        build_task_runner(Settings(home=tmp_path, dask_address="tls://10.1.2.3:8786"))
    secret = Settings(
        home=tmp_path, review_token="t" * 40, review_secret="s" * 40, review_users={"a": "p" * 40}
    )
    sent = task_settings(secret)
    assert (sent.review_token, sent.review_secret, sent.review_users) == (None, None, {})


def test_daemonic_workers_are_found_before_the_inbox_is_claimed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An existing cluster (`dask scheduler`, `dask worker`) started without
    DASK_DISTRIBUTED__WORKER__DAEMON=False: one line, exit 3, every file still in the inbox (issue 21)."""
    import os
    import subprocess
    import sys
    import time

    from pipeline.cli import main
    from tests.support.web import free_port

    home = Home(tmp_path / "home").ensure()
    names = make_inbox(home.inbox, 2)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DASK_", "MEDLEGAL_"))}
    dask_cli = str(Path(sys.executable).parent / "dask")
    scheduler = subprocess.Popen(
        [dask_cli, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [
            dask_cli,
            "worker",
            f"tcp://127.0.0.1:{port}",
            "--nworkers",
            "1",
            "--nthreads",
            "1",
            "--no-dashboard",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        from distributed import Client

        with Client(f"tcp://127.0.0.1:{port}", timeout=60) as client:
            client.wait_for_workers(1, timeout=60)
        # main() exports these for the flows; monkeypatch takes them back after the test.
        monkeypatch.setenv("MEDLEGAL_HOME", str(home.root))
        monkeypatch.setenv("MEDLEGAL_TASK_RUNNER", "dask")
        monkeypatch.setenv("MEDLEGAL_DASK_ADDRESS", f"tcp://127.0.0.1:{port}")
        code = main(["run-inbox", "--dask-address", f"tcp://127.0.0.1:{port}", "--no-progress"])
    finally:
        for p in (worker, scheduler):
            p.terminate()
            p.wait(timeout=30)
        time.sleep(0)
    assert code == 3
    assert files_in(home.inbox) == names and files_in(home.processing) == []


def _servers_of(home: Path) -> list[int]:
    """Prefect server processes started for this home (their environment names it)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes()
            env = (proc / "environ").read_bytes()
        except OSError:
            continue
        if b"prefect" in cmd and b"server" in cmd and f"MEDLEGAL_HOME={home}".encode() in env:
            found.append(int(proc.name))
    return found


def test_a_dask_run_without_a_server_starts_one_for_the_run_and_none_outlives_it(
    tmp_path: Path, subprocess_prefect_home: Path
) -> None:
    """No temporary server per Dask worker: the run starts one and gives it to the workers; after the run
    none is left, and none after the run is killed with SIGKILL either (issue 21)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    home = Home(tmp_path / "home").ensure()
    names = make_inbox(home.inbox, 2)
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL" and not k.startswith("MEDLEGAL_")}
    env.update(
        MEDLEGAL_HOME=str(home.root), MEDLEGAL_INBOX_SETTLE_S="0", PREFECT_HOME=str(subprocess_prefect_home)
    )
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run-inbox", "--dask", "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-800:]
    assert "Starting temporary server" not in done.stderr
    assert files_in(home.archive) == names
    assert _servers_of(home.root) == []

    make_inbox(home.inbox, 1)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "run-inbox", "--dask", "--no-progress"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not _servers_of(home.root):
        assert proc.poll() is None and time.monotonic() < deadline, "the run's server never started"
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30
    while _servers_of(home.root) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _servers_of(home.root) == [], "the run's Prefect server outlived the killed run"
