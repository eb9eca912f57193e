"""`medlegal extract`: read a report and print its record (JSON) on stdout"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from models.settings import Settings
from pipeline.cli.common import in_worker, settings_from_args
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
    """Run the sub-command; returns the exit code. The report is read and extracted in a document worker
    process under the batch's limits (worker_memory_mb, document_timeout_s)."""
    settings = settings_from_args(args)
    if args.explain:
        sys.stdout.write(in_worker(explained, args.file, settings) + "\n")
        return ExitCode.OK
    record = in_worker(record_json, args.file, settings)
    sys.stdout.write(json.dumps(record, indent=2) + "\n")
    return ExitCode.OK


def record_json(path: Path, settings: Settings) -> dict[str, Any]:
    """In the worker: the report's record as JSON data."""
    from pipeline.operations.workers import worker_nlp
    from pipeline.process import process_file

    return process_file(path, settings, worker_nlp()).record.model_dump(mode="json")


def explained(path: Path, settings: Settings) -> str:
    """In the worker: per value, the sentence, the rules and the decision (`--explain`)."""
    from pipeline.extraction.explain import explain
    from pipeline.extraction.extract import extract
    from pipeline.operations.workers import worker_nlp
    from pipeline.reading.read import read_document

    return explain(extract(read_document(path, settings), worker_nlp(), settings))
