"""`medlegal extract`: read a report and print its record (JSON) on stdout"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.cli.common import settings_from_args
from pipeline.errors import ExitCode


def add(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = sub.add_parser("extract", help="read a report and print its record (JSON) on stdout")
    p.add_argument("file", type=Path)
    p.add_argument("--ocr-mode", choices=["auto", "force_ocr", "never_ocr"])
    p.add_argument("--workers", type=int, help="OCR processes (default: one per core)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code."""
    from pipeline.process import process_file

    result = process_file(args.file, settings_from_args(args))
    sys.stdout.write(json.dumps(result.record.model_dump(mode="json"), indent=2) + "\n")
    return ExitCode.OK
