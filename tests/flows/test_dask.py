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
    assert runner.cluster_kwargs["n_workers"] == 2  # type: ignore[attr-defined]
    by_dask = nightly_inbox.with_options(task_runner=runner)(progress=False)

    assert by_threads.counts == by_dask.counts and by_dask.counts["processed"] == len(names)
    assert _records(dask_home) == _records(threads_home)
    assert files_in(dask_home.archive) == names
