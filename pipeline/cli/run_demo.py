"""`medlegal run-demo`: copy sample reports into a fresh home and run one nightly batch (what `make run` does)"""

from __future__ import annotations

import argparse
import sys

from pipeline.cli import run_inbox
from pipeline.cli.common import add_batch_options


def add(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = sub.add_parser(
        "run-demo", help="copy sample reports into a fresh home's inbox and run one nightly batch"
    )
    add_batch_options(p)
    p.add_argument("--count", type=int, default=10, help="born-digital sample reports (default 10)")
    p.add_argument(
        "--scanned", type=int, default=1, help="reports also dropped as office scan and fax (default 1)"
    )
    p.add_argument(
        "--no-cases",
        action="store_true",
        help="leave out the sample cases (several reports about one worker, one also scanned)",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code."""
    from flows.demo import add_demo_cases, prepare_demo_home
    from pipeline.settings import load_settings

    home = args.home or load_settings().home
    moved, digital, scanned = prepare_demo_home(home, args.count, args.scanned)
    case_digital, case_scanned = (0, 0) if args.no_cases else add_demo_cases(home)
    if moved is not None:
        sys.stderr.write(f"medlegal: {home} was not empty; kept it as {moved}\n")
    sys.stderr.write(
        f"medlegal: {digital + scanned + case_digital + case_scanned} sample reports ({digital} born-digital, "
        f"{scanned} scanned or faxed, and {case_digital + case_scanned} of multi-report sample cases, "
        f"{case_scanned} of them scanned) copied into {home / 'inbox'}; running the nightly batch once\n"
    )
    args.home = home
    args.reprocess = False
    return run_inbox.run(args)
