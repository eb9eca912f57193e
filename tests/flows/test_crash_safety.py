"""Crash safety: a batch killed with SIGKILL part-way, and two batches started at once, lose nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from flows.inbox import nightly_inbox
from models.settings import Settings
from pipeline.operations.home import Home
from pipeline.operations.store import Store, database_url
from tests.support.batch import files_in, make_inbox


def _run_inbox(home: Path, api_url: str, jobs: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PREFECT_API_URL": api_url,
        "MEDLEGAL_INBOX_SETTLE_S": "0",
        "MEDLEGAL_OCR_WORKERS": "1",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "run-inbox",
            "--home",
            str(home),
            "--jobs",
            str(jobs),
            "--no-progress",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _assert_nothing_lost_or_doubled(home: Home, names: list[str]) -> None:
    finished = Counter(p.name for p in home.archive.rglob("*") if p.is_file())
    finished.update(p.name for p in home.quarantine.iterdir() if not p.name.endswith(".error.json"))
    assert finished == Counter(names), "every input in archive/ or quarantine/ exactly once"
    assert files_in(home.inbox) == [] and files_in(home.processing) == []
    store = Store(database_url(home, None))
    shas = [i["sha256"] for i in store.intakes() if i["status"] == "processed"]
    assert len(shas) == len(set(shas)), "no record stored twice"
    assert store.counts()["records"] == len(names)
    records = sorted(home.outbox.glob("*.json"))
    assert len(records) == len(names)
    for path in records:
        assert json.loads(path.read_text())["source"]["sha256"] == path.stem, "no partial output"
    assert not list(home.outbox.glob(".*")), "no temporary output left"


def test_a_batch_killed_part_way_is_finished_by_the_next_run(
    flow_settings: Settings, prefect_api: str
) -> None:
    home = Home(flow_settings.home).ensure()
    names = make_inbox(home.inbox, 12)
    proc = _run_inbox(home.root, prefect_api, jobs=1)
    deadline = time.monotonic() + 180
    while len(files_in(home.archive)) < 3:
        assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
        assert time.monotonic() < deadline, "the batch did not start"
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    archived_before = len(files_in(home.archive))
    assert len(files_in(home.processing)) > 1, "killed part-way: claimed files (and owner.json) are left"

    summary = nightly_inbox(progress=False)

    assert summary.counts["recovered"] >= 1
    assert summary.counts["files"] == len(names) - archived_before
    _assert_nothing_lost_or_doubled(home, names)


def test_two_batches_started_at_once_process_each_file_once(
    flow_settings: Settings, prefect_api: str
) -> None:
    home = Home(flow_settings.home).ensure()
    names = make_inbox(home.inbox, 10)
    procs = [_run_inbox(home.root, prefect_api, jobs=2) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs

    _assert_nothing_lost_or_doubled(home, names)
    store = Store(database_url(home, None))
    handled = Counter(i["filename"] for i in store.intakes())
    assert handled == Counter(names), "each file taken by exactly one of the two runs"
