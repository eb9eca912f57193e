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
    p.add_argument(
        "--explain",
        action="store_true",
        help="print, per value, the sentence, the rules that produced it and the decision (contains report text)",
    )
    p.add_argument("--ocr-mode", choices=["auto", "force_ocr", "never_ocr"])
    p.add_argument("--workers", type=int, help="OCR processes (default: one per core)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code."""
    from pipeline.process import process_file

    settings = settings_from_args(args)
    if args.explain:
        from pipeline.extraction.explain import explain
        from pipeline.extraction.extract import extract
        from pipeline.extraction.nlp import build_nlp
        from pipeline.reading.read import read_document

        sys.stdout.write(
            explain(extract(read_document(args.file, settings), build_nlp(settings), settings)) + "\n"
        )
        return ExitCode.OK
    result = process_file(args.file, settings)
    sys.stdout.write(json.dumps(result.record.model_dump(mode="json"), indent=2) + "\n")
    return ExitCode.OK
