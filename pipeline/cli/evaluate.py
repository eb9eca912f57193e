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
    p.add_argument(
        "directory",
        type=Path,
        help="folder of reports (PDF/TIFF/PNG/JPEG), a real-text corpus (a folder with passages.jsonl), or "
        "documents that state no MMI or WPI (a folder with samples.jsonl: every value found is a false one), "
        "or real report documents (a file named *reports.jsonl)",
    )
    p.add_argument(
        "--split",
        choices=["dev", "holdout", "all"],
        default="all",
        help="real-text corpus only: the half to score (rules are written from dev; holdout is the judge)",
    )
    p.add_argument("--truth", type=Path, help="folder of NAME.json truths (default: sample_reports/truth)")
    p.add_argument(
        "--min",
        action="append",
        default=[],
        metavar="SCORE=FLOOR",
        help="fail (exit 40) when a score is below its floor, e.g. --min impairment_f1=0.98",
    )
    p.add_argument(
        "--max",
        action="append",
        default=[],
        metavar="SCORE=CEILING",
        help="fail (exit 40) when a score is above its ceiling, e.g. --max pd_as_wpi=0",
    )
    p.add_argument("--misses", action="store_true", help="list every wrong value (contains report text)")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.add_argument("--ocr-mode", choices=["auto", "force_ocr", "never_ocr"])
    p.add_argument("--workers", type=int, help="OCR processes (default: one per core)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code."""
    from pipeline.errors import EvaluationError, InputNotFoundError, UsageError
    from pipeline.evaluate import (
        PASSAGES_FILE,
        REPORTS_FILE,
        SAMPLES_FILE,
        Evaluation,
        NegativeEvaluation,
        PassageEvaluation,
        ReportDocEvaluation,
        evaluate,
        evaluate_negatives,
        evaluate_passages,
        evaluate_report_docs,
    )

    if not args.directory.exists():
        raise InputNotFoundError("no such directory", path=args.directory)
    name = args.directory.name
    negatives = name == SAMPLES_FILE or (args.directory / SAMPLES_FILE).exists()
    report_docs = name.endswith(REPORTS_FILE)
    passages = not (negatives or report_docs) and (
        args.directory.is_file() or (args.directory / PASSAGES_FILE).exists()
    )
    floors: dict[str, float] = {}
    ceilings: dict[str, float] = {}
    for option, items, bounds in (("--min", args.min, floors), ("--max", args.max, ceilings)):
        for item in items:
            name, _, value = item.partition("=")
            try:
                bounds[name] = float(value)
            except ValueError as e:
                raise UsageError(f"{option} takes SCORE=LIMIT, got {item!r}") from e
    blank: Evaluation | PassageEvaluation | NegativeEvaluation | ReportDocEvaluation = (
        NegativeEvaluation()
        if negatives
        else ReportDocEvaluation("all")
        if report_docs
        else PassageEvaluation("all")
        if passages
        else Evaluation()
    )
    known = set(blank.scores())
    unknown = (set(floors) | set(ceilings)) - known
    if unknown:
        raise UsageError(f"unknown scores {sorted(unknown)}; known: {sorted(known)}")
    result: Evaluation | PassageEvaluation | NegativeEvaluation | ReportDocEvaluation
    if report_docs:
        result = evaluate_report_docs(args.directory, settings_from_args(args), args.split)
    elif negatives:
        result = evaluate_negatives(args.directory, settings_from_args(args))
    elif passages:
        result = evaluate_passages(args.directory, settings_from_args(args), args.split)
    else:
        truth = args.truth or Path(__file__).resolve().parents[2] / "sample_reports" / "truth"
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
    below += [f"{k} {scores[k]:.3f} > {v:.3f}" for k, v in ceilings.items() if scores[k] > v]
    if below:
        raise EvaluationError(
            "scores past their limits: " + "; ".join(below),
            hint="see `medlegal evaluate --misses` for the wrong values",
        )
    return ExitCode.OK
