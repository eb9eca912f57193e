"""`medlegal evaluate`: score extraction over a labelled directory"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.cli.common import settings_from_args
from pipeline.errors import ExitCode


def add(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = sub.add_parser("evaluate", help="score extraction over a labelled directory (per-field accuracy)")
    p.add_argument("directory", type=Path, help="folder of reports (PDF/TIFF/PNG/JPEG)")
    p.add_argument("--truth", type=Path, help="folder of NAME.json truths (default: sample_reports/truth)")
    p.add_argument(
        "--min",
        action="append",
        default=[],
        metavar="SCORE=FLOOR",
        help="fail (exit 40) when a score is below its floor, e.g. --min impairment_f1=0.98",
    )
    p.add_argument("--misses", action="store_true", help="list every wrong value (contains report text)")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.add_argument("--ocr-mode", choices=["auto", "force_ocr", "never_ocr"])
    p.add_argument("--workers", type=int, help="OCR processes (default: one per core)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code."""
    from pipeline.errors import EvaluationError, InputNotFoundError, UsageError
    from pipeline.evaluate import Evaluation, evaluate

    if not args.directory.is_dir():
        raise InputNotFoundError("no such directory", path=args.directory)
    truth = args.truth or Path(__file__).resolve().parents[2] / "sample_reports" / "truth"
    floors: dict[str, float] = {}
    for item in args.min:
        name, _, value = item.partition("=")
        try:
            floors[name] = float(value)
        except ValueError as e:
            raise UsageError(f"--min takes SCORE=FLOOR, got {item!r}") from e
    known = set(Evaluation().scores())
    unknown = set(floors) - known
    if unknown:
        raise UsageError(f"unknown scores {sorted(unknown)}; known: {sorted(known)}")
    result = evaluate(args.directory, truth, settings_from_args(args))
    scores = result.scores()
    if args.json:
        sys.stdout.write(
            json.dumps({"documents": result.documents, "failed": result.failed, "scores": scores}, indent=2)
            + "\n"
        )
    else:
        sys.stdout.write(result.table() + "\n")
        for line in result.failed:
            sys.stdout.write(f"failed: {line}\n")
    if args.misses:
        for line in result.misses:
            sys.stdout.write(f"miss: {line}\n")
    below = [f"{k} {scores[k]:.3f} < {v:.3f}" for k, v in floors.items() if scores[k] < v]
    if below:
        raise EvaluationError(
            "scores below their floors: " + "; ".join(below),
            hint="see `medlegal evaluate --misses` for the wrong values",
        )
    return ExitCode.OK
