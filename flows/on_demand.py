"""process_report: process one or more files now (copies; the originals stay where they are)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import Flow
from prefect.runtime import flow_run
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.task_runners import TaskRunner

from flows.tasks import HIDDEN, fan_out, finish, task_runner_from_env
from pipeline.operations.batch import open_batch
from pipeline.operations.outcomes import BatchSummary
from pipeline.settings import load_settings


def _process_report(
    files: list[str], home: str | None = None, reprocess: bool = False, progress: bool = True
) -> BatchSummary:
    """Process the given files on demand, with the same store, outbox and archive as the nightly batch."""
    settings = load_settings(home=home)
    batch = open_batch(
        settings,
        "on_demand",
        files=[Path(f) for f in files],
        reprocess=reprocess,
        flow_run_id=str(flow_run.id),
    )
    return finish(batch, fan_out(batch, progress=progress))


class _JsonParametersFlow(Flow[..., BatchSummary]):
    """A flow whose parameters are JSON values already (strings, lists of strings, booleans).

    Prefect encodes a flow run's parameters with FastAPI's `jsonable_encoder`, and importing FastAPI for
    that costs about 0.7 s of CPU in every `medlegal process`; for these parameters it returns them as
    they are. The file paths are hidden: Prefect stores a flow run's parameters, and file names are
    often patients' names (the flow itself runs with the real values).
    """

    def serialize_parameters(self, parameters: dict[str, Any]) -> dict[str, Any]:
        """The parameters unchanged (they are JSON values), `files` hidden."""
        return {k: HIDDEN if k == "files" else v for k, v in parameters.items()}


def _flow(task_runner: TaskRunner[Any]) -> Flow[..., BatchSummary]:
    """The process-report flow with this task runner."""
    return _JsonParametersFlow(
        _process_report, name="process-report", task_runner=task_runner, log_prints=False
    )


process_report = _flow(task_runner_from_env())


def run_process_report(
    files: list[str],
    *,
    home: str,
    task_runner: TaskRunner[Any],
    reprocess: bool = False,
    progress: bool = True,
) -> BatchSummary:
    """Run `process_report` in this process, as `medlegal process` does, without flow run heartbeats.

    A heartbeat thread sleeps in one-second steps and the flow waits for it to notice the end (half a
    second on average, a second at worst: a large share of an on-demand run). Heartbeats only feed
    automations that spot crashed runs, which medlegal does not set up; the nightly flow keeps them.
    """
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return _flow(task_runner)(files=files, home=home, reprocess=reprocess, progress=progress)
