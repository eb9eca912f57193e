"""nightly_inbox: one batch over the inbox (scan, claim, one task per document, summary artifact)."""

from __future__ import annotations

from prefect import flow
from prefect.runtime import flow_run

from flows.tasks import fan_out, finish, task_runner_from_env
from pipeline.operations.batch import open_batch
from pipeline.operations.outcomes import BatchSummary
from pipeline.settings import load_settings


@flow(name="nightly-inbox", task_runner=task_runner_from_env(), log_prints=False)
def nightly_inbox(home: str | None = None, reprocess: bool = False, progress: bool = True) -> BatchSummary:
    """Process every settled file in the inbox; one bad document never fails the batch."""
    settings = load_settings(home=home)
    batch = open_batch(settings, "nightly", reprocess=reprocess, flow_run_id=str(flow_run.id))
    return finish(batch, fan_out(batch, progress=progress))
