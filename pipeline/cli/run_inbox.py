"""`medlegal run-inbox`: run one nightly batch over the inbox now (Prefect flow)"""

from __future__ import annotations

import argparse
import sys

from pipeline.cli.common import add_batch_options, batch_settings
from pipeline.errors import ExitCode


def add(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = sub.add_parser("run-inbox", help="run one nightly batch over the inbox now (Prefect flow)")
    add_batch_options(p)
    p.add_argument("--reprocess", action="store_true", help="process again content already recorded")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code (32 when the inbox lacks a permission medlegal needs)."""
    settings = batch_settings(args)
    from pipeline.operations.home import Home, check_inbox, regular_files
    from pipeline.operations.workers import warm_workers

    home = Home(settings.home).ensure()
    check_inbox(home)  # before Prefect starts: a missing permission is one line and exit 32
    if regular_files(home.inbox) and settings.task_runner == "threads" and not settings.dask_address:
        # The document workers load the pipeline while Prefect starts.
        warm_workers(settings.batch_workers, settings.worker_memory_mb)
    from flows.deploy import prefect_for_run

    # Before Prefect is imported (it reads PREFECT_API_URL once): a Dask run without a server gets one.
    with prefect_for_run(settings):
        from flows.inbox import nightly_inbox, run_in_home
        from flows.tasks import build_task_runner, check_dask_workers
        from pipeline.operations.summaries import summary_text

        check_dask_workers(settings)  # daemonic workers: one line, before anything is claimed
        summary = run_in_home(
            str(settings.home),
            nightly_inbox.with_options(task_runner=build_task_runner(settings)),
            reprocess=args.reprocess,
            progress=not args.no_progress,
        )
    sys.stdout.write(summary_text(summary) + "\n")
    return ExitCode.OK
