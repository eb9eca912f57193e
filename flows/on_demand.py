"""process_report: process one or more files now (copies; the originals stay where they are)."""

from __future__ import annotations

from pathlib import Path

from prefect import flow
from prefect.runtime import flow_run

from flows.tasks import fan_out, finish, task_runner_from_env
from pipeline.operations.batch import open_batch
from pipeline.operations.outcomes import BatchSummary
from pipeline.settings import load_settings


@flow(name="process-report", task_runner=task_runner_from_env(), log_prints=False)
def process_report(
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
