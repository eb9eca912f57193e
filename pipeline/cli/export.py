"""`medlegal export`: export approved records or reviewed cases (file or webhook), or deadlines (.ics)"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.cli.common import settings_from_args
from pipeline.errors import ExitCode


def add(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = sub.add_parser(
        "export",
        help="export approved records or reviewed cases (JSONL/CSV file, or POST to a webhook), or deadlines (.ics)",
    )
    p.add_argument("--home", type=Path, help="home folder (default: MEDLEGAL_HOME or ./var)")
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("--since", help="export everything approved on or after this date (YYYY-MM-DD)")
    p.add_argument("--out", type=Path, help="file to write (default: outbox/export-<time>.<format>)")
    p.add_argument("--webhook", help="POST each record to this URL instead (default: export_webhook_url)")
    p.add_argument(
        "--cases",
        action="store_true",
        help="export reviewed case views (CASE.md JSON, each case version once) instead of records",
    )
    p.add_argument("--ics", type=Path, help="write the objection-deadline reminders to this .ics file")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code."""
    import os
    from datetime import date

    from pipeline.errors import UsageError
    from pipeline.operations.export import export_file, export_webhook
    from pipeline.operations.home import Home
    from pipeline.operations.store import Store

    settings = settings_from_args(args)
    try:
        since = date.fromisoformat(args.since) if args.since else None
    except ValueError as e:
        raise UsageError(f"--since takes a date like 2025-03-01, got {args.since!r}") from e
    os.umask(0o077)
    home = Home(settings.home).ensure()
    store = Store.for_home(home, settings.database_url)
    url = args.webhook or (settings.export_webhook_url if args.out is None else None)
    if args.ics is not None:
        from pipeline.operations.case_export import export_deadlines_ics

        count = export_deadlines_ics(store, settings, args.ics)
        sys.stdout.write(f"{count} objection deadline reminder(s) written to {args.ics}\n")
        return ExitCode.OK
    if args.cases:
        from pipeline.operations.case_export import export_cases_file, export_cases_webhook

        if url:
            result = export_cases_webhook(store, settings, url)
            sys.stdout.write(
                f"{len(result.exported)} case version(s) delivered, {len(result.failed)} failed\n"
            )
            for key, error in result.failed:
                sys.stdout.write(f"failed: {key}: {error} (kept for the next export)\n")
            return ExitCode.OK if not result.failed else ExitCode.ERROR
        result = export_cases_file(store, home, settings, out=args.out)
        where = f" to {result.out}" if result.out else " (no reviewed case has changed)"
        sys.stdout.write(f"{len(result.exported)} case version(s) exported{where}\n")
        return ExitCode.OK
    if url:
        result = export_webhook(store, settings, url, since=since)
        sys.stdout.write(f"{len(result.exported)} record(s) delivered, {len(result.failed)} failed\n")
        for key, error in result.failed:
            sys.stdout.write(f"failed: {key}: {error} (kept for the next export)\n")
        return ExitCode.OK if not result.failed else ExitCode.ERROR
    result = export_file(store, home, args.format, since=since, out=args.out, timezone=settings.timezone)
    sys.stdout.write(f"{len(result.exported)} record(s) exported to {result.out}\n")
    return ExitCode.OK
