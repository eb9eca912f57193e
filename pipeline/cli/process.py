"""`medlegal process`: process reports now, on demand (Prefect flow)"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.cli.common import add_batch_options, batch_settings
from pipeline.errors import ExitCode


def add(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = sub.add_parser("process", help="process reports now (copies them; prints where the records are)")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE")
    add_batch_options(p)
    p.add_argument("--reprocess", action="store_true", help="process again content already recorded")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code."""
    from pipeline.errors import InputNotFoundError

    for f in args.files:
        if not f.is_file():
            raise InputNotFoundError("no such file", path=f)
    settings = batch_settings(args)
    from flows.on_demand import process_report
    from flows.tasks import build_task_runner
    from pipeline.operations.summaries import summary_text

    summary = process_report.with_options(task_runner=build_task_runner(settings))(
        files=[str(f.resolve()) for f in args.files],
        home=str(settings.home),
        reprocess=args.reprocess,
        progress=not args.no_progress,
    )
    for o in summary.outcomes:
        where = o.record_path if o.record_path else f"quarantined as {o.stored_as}"
        sys.stdout.write(f"{o.filename}\t{o.status}\t{where}\n")
    sys.stdout.write(summary_text(summary) + "\n")
    failures = summary.failures
    return failures[0].error.exit_code if failures and failures[0].error else ExitCode.OK
