"""`medlegal serve`: serve the nightly batch on its cron schedule (Prefect deployment)"""

from __future__ import annotations

import argparse

from pipeline.cli.common import add_batch_options, batch_settings
from pipeline.errors import ExitCode


def add(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = sub.add_parser("serve", help="serve the nightly batch on its cron schedule (Prefect deployment)")
    add_batch_options(p)
    p.add_argument("--cron", help="cron schedule (default: schedule_cron, '0 2 * * *')")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code."""
    import os

    if args.cron:
        os.environ["MEDLEGAL_SCHEDULE_CRON"] = args.cron
    settings = batch_settings(args)
    from flows.deploy import serve_nightly

    serve_nightly(settings)
    return ExitCode.OK
