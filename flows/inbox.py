"""nightly_inbox: one batch over the inbox (scan, claim, one task per document, summary artifact)."""

from __future__ import annotations

from typing import Any

from prefect import flow
from prefect.runtime import flow_run

from flows.tasks import fan_out, finish, task_runner_from_env
from pipeline.operations.batch import open_batch
from pipeline.operations.outcomes import BatchSummary
from pipeline.settings import load_settings

#: The home of a `medlegal run-inbox` in this process (`run_in_home`); None: the settings' own. Never a flow
#: parameter: anyone who can reach the Prefect API could then point a served flow at a home of their own
#: (an inbox that is a symbolic link to the real one, a database others can read).
_HOME: str | None = None


@flow(name="nightly-inbox", task_runner=task_runner_from_env(), log_prints=False)
def nightly_inbox(reprocess: bool = False, progress: bool = True) -> BatchSummary:
    """Process every settled file in the inbox; one bad document never fails the batch."""
    settings = load_settings(home=_HOME)
    batch = open_batch(settings, "nightly", reprocess=reprocess, flow_run_id=str(flow_run.id))
    return finish(batch, fan_out(batch, progress=progress))


def run_in_home(home: str, flow: Any, **parameters: Any) -> BatchSummary:
    """Run `flow` (nightly_inbox, maybe with other options) over `home`, in this process."""
    global _HOME
    _HOME = home
    try:
        summary: BatchSummary = flow(**parameters)
        return summary
    finally:
        _HOME = None
