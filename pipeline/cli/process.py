"""`medlegal process`: process reports now, on demand (Prefect flow)"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.cli.common import add_batch_options, batch_settings
from pipeline.errors import ExitCode

TEMPORARY_SERVER = "starting a temporary one (10-30 s; `medlegal serve` keeps one running)"


def add(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = sub.add_parser("process", help="process reports now (copies them; prints where the records are)")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE")
    add_batch_options(p)
    p.add_argument("--reprocess", action="store_true", help="process again content already recorded")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code.

    In a running `medlegal serve` of the same home if there is one (seconds), else here against a Prefect
    server that answers, else here on a temporary Prefect server (`flows.server`).
    """
    import atexit
    import gc

    from pipeline.errors import InputNotFoundError

    for f in args.files:
        if not f.is_file():
            raise InputNotFoundError("no such file", path=f)
    settings = batch_settings(args)
    # At exit Python collects every cyclic object once more, about 0.7 s with spaCy and Prefect loaded,
    # only to free memory the OS takes back anyway; frozen objects are skipped.
    atexit.register(gc.freeze)
    from flows.server import process_in_serve, use_prefect_api

    files = [str(f.resolve()) for f in args.files]
    home = Path(settings.home)
    summary, why_not = process_in_serve(home, files, settings, reprocess=args.reprocess)
    if why_not:
        sys.stderr.write(f"medlegal: {why_not}\n")
    if summary is None:
        if settings.task_runner == "threads" and not settings.dask_address:
            from pipeline.operations.workers import warm_workers

            # The document workers load the pipeline while Prefect starts.
            warm_workers(min(settings.batch_workers, len(files)), settings.worker_memory_mb)
        # Before Prefect is imported: it reads PREFECT_API_URL once.
        api = use_prefect_api(home)
        if api.url is None:
            sys.stderr.write(f"medlegal: {api.why}; {TEMPORARY_SERVER}\n")
        sys.stderr.flush()
        from flows.on_demand import run_process_report
        from flows.tasks import build_task_runner

        summary = run_process_report(
            files,
            home=str(settings.home),
            task_runner=build_task_runner(settings),
            reprocess=args.reprocess,
            progress=not args.no_progress,
        )
    from pipeline.operations.names import safe_name
    from pipeline.operations.summaries import summary_text

    for o in summary.outcomes:
        where = o.record_path if o.record_path else f"quarantined as {o.stored_as}"
        sys.stdout.write(f"{safe_name(o.filename)}\t{o.status}\t{where}\n")
    sys.stdout.write(summary_text(summary) + "\n")
    failures = summary.failures
    return failures[0].error.exit_code if failures and failures[0].error else ExitCode.OK
