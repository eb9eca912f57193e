"""The one Prefect task (one per document) and the fan-out shared by the flows; task runners.

File names are often patients' names, and Prefect keeps what it is given in its own database: task runs
are named by the document's sha256 prefix (`Claim.label`), never by its file name, and flows that take
file names send them to Prefect hidden (`HIDDEN`, see `flows.on_demand`).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.futures import PrefectFuture, as_completed
from prefect.states import State
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from models.settings import Settings
from pipeline.errors import ConfigError, MedlegalError
from pipeline.operations.batch import Batch, close_batch, fail_claim, process_claim, submit_bounded
from pipeline.operations.home import Claim
from pipeline.operations.outcomes import BatchSummary, DocumentOutcome
from pipeline.operations.progress import Progress
from pipeline.operations.summaries import summary_markdown

log = logging.getLogger(__name__)

#: What Prefect records instead of a parameter that names files.
HIDDEN = "<hidden: file names are not sent to Prefect>"


def _only_transient(task: Any, task_run: TaskRun, state: State) -> bool:
    """Retry a document only when it failed with a transient MedlegalError (database busy, …)."""
    try:
        state.result()
    except MedlegalError as e:
        return e.transient
    except Exception:
        return False
    return False


@task(
    name="process-document",
    cache_policy=NO_CACHE,
    retry_condition_fn=_only_transient,
    task_run_name="{claim.label}",
)
def process_document(claim: Claim, ctx: Any) -> DocumentOutcome:
    """Process one claimed file to its end (archived or quarantined)."""
    return process_claim(claim, ctx)


def fan_out(batch: Batch, *, progress: bool = True) -> list[DocumentOutcome]:
    """Submit one task per claimed file and collect every outcome; a failed task quarantines its file."""
    settings = batch.context.settings
    doc_task = process_document.with_options(
        retries=settings.task_retries, retry_delay_seconds=settings.task_retry_delay_s
    )
    bar = Progress(batch.expected, enabled=progress)
    outcomes: list[DocumentOutcome] = []

    def first_done(futures: set[PrefectFuture[DocumentOutcome]]) -> PrefectFuture[DocumentOutcome]:
        return next(as_completed(list(futures)))

    # Files are claimed as task slots free up (twice the workers in flight), so runs sharing a home split it.
    in_flight = 2 * settings.batch_workers
    try:
        for future, claim in submit_bounded(
            batch, lambda c: doc_task.submit(c, batch.context), first_done, in_flight
        ):
            try:
                outcome = future.result()
            except Exception as e:  # retries exhausted, or the worker died: quarantine, go on
                outcome = fail_claim(claim, batch.context, e)
            outcomes.append(outcome)
            bar.advance(outcome)
    finally:
        bar.close()
    return outcomes


def finish(batch: Batch, outcomes: list[DocumentOutcome]) -> BatchSummary:
    """Close the batch and publish its markdown artifact on the flow run."""
    summary = close_batch(batch, outcomes)
    create_markdown_artifact(
        key="medlegal-batch",
        markdown=summary_markdown(summary),
        description=f"medlegal run {summary.run_id}",
    )
    get_run_logger().info(
        "run %s: %s", summary.run_id, ", ".join(f"{k} {v}" for k, v in summary.counts.items())
    )
    return summary


def _loopback_address(address: str) -> bool:
    host = address.split("://", 1)[-1].rsplit(":", 1)[0].strip("[]")
    return host in ("localhost", "127.0.0.1", "::1")


def dask_security(settings: Settings) -> Any:
    """distributed's Security for `dask_address`: TLS with the configured files, required for a scheduler
    beyond this machine; None for a loopback tcp:// one. Raises ConfigError otherwise."""
    address = settings.dask_address or ""
    if address.startswith("tls://"):
        from distributed.security import Security

        files = (settings.dask_tls_ca_file, settings.dask_tls_cert, settings.dask_tls_key)
        if not all(files):
            raise ConfigError(
                f"the Dask scheduler {address} is tls:// but the TLS files are not set",
                hint="set dask_tls_ca_file, dask_tls_cert and dask_tls_key",
            )
        return Security(
            tls_ca_file=str(settings.dask_tls_ca_file),
            tls_client_cert=str(settings.dask_tls_cert),
            tls_client_key=str(settings.dask_tls_key),
            require_encryption=True,
        )
    if not _loopback_address(address):
        raise ConfigError(
            f"refusing to send reports to the Dask scheduler {address} in clear",
            hint="start the cluster with TLS and give dask_address as tls://host:port with the dask_tls_* files",
        )
    return None


def build_task_runner(settings: Settings) -> TaskRunner[Any]:
    """Threads by default; Dask for `dask_address` (an existing cluster, tls:// beyond this machine) or
    task_runner="dask" (a local cluster: TLS with temporary credentials, so no other local account can
    send it code; listening on 127.0.0.1 only; its HTTP servers on random loopback ports with no routes,
    so no dashboard)."""
    if settings.dask_address or settings.task_runner == "dask":
        import dask
        from prefect_dask import DaskTaskRunner

        if settings.dask_address:
            security = dask_security(settings)
            return DaskTaskRunner(
                address=settings.dask_address, client_kwargs={"security": security} if security else {}
            )
        # Each task starts a document worker process, which a daemonic Dask worker may not do.
        dask.config.set(
            {
                "distributed.worker.daemon": False,
                "distributed.scheduler.http.routes": [],
                "distributed.worker.http.routes": [],
            }
        )
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": settings.batch_workers,
                "threads_per_worker": 1,
                "processes": True,
                "host": "127.0.0.1",
                "protocol": "tls://",
                "security": True,
                "dashboard_address": "127.0.0.1:0",
                "worker_dashboard_address": "127.0.0.1:0",
            }
        )
    return ThreadPoolTaskRunner(max_workers=settings.batch_workers)


def check_dask_workers(settings: Settings, timeout_s: float = 30.0) -> None:
    """Before the inbox is claimed: an existing cluster's workers must be able to start the document
    worker processes (not daemonic), or every document would be quarantined. Raises ConfigError."""
    if not settings.dask_address:
        return
    import multiprocessing

    from distributed import Client

    security = dask_security(settings)
    try:
        client = Client(settings.dask_address, timeout=timeout_s, security=security)
    except OSError as e:
        raise ConfigError(
            f"no Dask scheduler answers at {settings.dask_address} ({e.__class__.__name__})"
        ) from e
    try:
        daemonic = client.run(lambda: multiprocessing.current_process().daemon)
    finally:
        client.close()
    if any(daemonic.values()):
        raise ConfigError(
            f"{sum(daemonic.values())} of the {len(daemonic)} Dask workers are daemonic processes and cannot "
            "start a document's worker process; nothing was claimed",
            hint="restart them with DASK_DISTRIBUTED__WORKER__DAEMON=False (docs/operations.md, Scale-out)",
        )


def task_runner_from_env() -> TaskRunner[Any]:
    """The task runner the MEDLEGAL_* environment asks for (served flow runs start in a subprocess)."""
    from pipeline.settings import load_settings

    try:
        return build_task_runner(load_settings())
    except MedlegalError:
        return ThreadPoolTaskRunner(max_workers=int(os.environ.get("MEDLEGAL_BATCH_WORKERS", "2") or 2))
