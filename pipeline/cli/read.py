"""`medlegal read`: read a report and print its text page by page"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.cli.common import in_worker, settings_from_args
from pipeline.errors import ExitCode


def add(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = sub.add_parser("read", help="read a report and print its text page by page")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="print the Document as JSON")
    p.add_argument("--ocr-mode", choices=["auto", "force_ocr", "never_ocr"])
    p.add_argument("--workers", type=int, help="OCR processes (default: one per core)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code."""
    from pipeline.reading.read import read_document

    doc = in_worker(read_document, args.file, settings_from_args(args))
    if args.json:
        sys.stdout.write(doc.model_dump_json(indent=2) + "\n")
        return ExitCode.OK
    for page in doc.pages:
        detail = f"{page.text_source}"
        if page.ocr_confidence is not None:
            detail += f", confidence {page.ocr_confidence:.1f}"
        if page.rotation:
            detail += f", rotated {page.rotation}"
        sys.stdout.write(f"=== page {page.number} ({detail}) ===\n{page.text}\n")
    return ExitCode.OK
