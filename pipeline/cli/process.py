"""`medlegal process`: process reports now, on demand, and say what was found"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.cli.common import add_batch_options, batch_settings
from pipeline.errors import ExitCode

if TYPE_CHECKING:
    from pipeline.operations.outcomes import BatchSummary, DocumentOutcome

WITHOUT_SERVER = (
    "processing here, without Prefect (the run is recorded in the medlegal store; "
    "`medlegal serve` keeps a Prefect server running)"
)
RUN_SERVER = "starting one for this run and its Dask workers (10-30 s; `medlegal serve` keeps one running)"
REVIEW_URL = "http://127.0.0.1:8000"
"""Where `medlegal review` serves by default: the review link printed for each record."""


def add(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = sub.add_parser(
        "process", help="process reports now (copies them; prints what was found and the review link)"
    )
    p.add_argument("files", type=Path, nargs="+", metavar="FILE")
    add_batch_options(p)
    p.add_argument("--reprocess", action="store_true", help="process again content already recorded")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code.

    In a running `medlegal serve` of the same home if there is one (seconds), else here against a Prefect
    server that answers, else here without Prefect (`run_batch`: the same batch, recorded in the store as
    a run like any other, without a temporary Prefect server that would take 10-30 s to start). A local
    Dask cluster or scheduler still goes through Prefect (its task runner), on a temporary server if none
    answers.
    """
    import atexit
    import gc

    from pipeline.errors import InputNotFoundError

    for f in args.files:
        if not f.is_file():
            raise InputNotFoundError("no such file", path=f)
    settings = batch_settings(args)
    # At exit Python collects every cyclic object once more, about 0.7 s with spaCy and Prefect loaded,
    # only to free memory the OS takes back anyway; frozen objects are skipped.
    atexit.register(gc.freeze)
    from flows.server import process_in_serve, use_prefect_api

    files = [str(f.resolve()) for f in args.files]
    home = Path(settings.home)
    summary, why_not = process_in_serve(home, files, settings, reprocess=args.reprocess)
    if why_not:
        sys.stderr.write(f"medlegal: {why_not}\n")
    if summary is None:
        threads = settings.task_runner == "threads" and not settings.dask_address
        if threads:
            from pipeline.operations.workers import warm_workers

            # The document workers load the pipeline (2 s or so) while this process finds where to run
            # and opens the batch.
            warm_workers(min(settings.batch_workers, len(files)), settings.worker_memory_mb)
        # Before Prefect is imported: it reads PREFECT_API_URL once.
        api = use_prefect_api(home)
        if api.url is None and threads:
            from pipeline.operations.batch import run_batch

            sys.stderr.write(f"medlegal: {api.why}; {WITHOUT_SERVER}\n")
            sys.stderr.flush()
            summary = run_batch(
                settings,
                trigger="on_demand",
                files=[Path(f) for f in files],
                reprocess=args.reprocess,
                progress=not args.no_progress,
            )
        else:
            from flows.deploy import prefect_for_run

            if api.url is None:
                sys.stderr.write(f"medlegal: {api.why}; {RUN_SERVER}\n")
            sys.stderr.flush()
            with prefect_for_run(settings):  # one server for the run and its Dask workers
                from flows.on_demand import run_process_report
                from flows.tasks import build_task_runner, check_dask_workers

                check_dask_workers(settings)
                summary = run_process_report(
                    files,
                    home=str(settings.home),
                    task_runner=build_task_runner(settings),
                    reprocess=args.reprocess,
                    progress=not args.no_progress,
                )
    sys.stdout.write(found_text(summary) + "\n")
    failures = summary.failures
    return failures[0].error.exit_code if failures and failures[0].error else ExitCode.OK


# --- what was found ----------------------------------------------------------------------------------


def _record_of(outcome: DocumentOutcome) -> dict[str, Any] | None:
    """The record body: carried by the outcome, else read back from the outbox (a `serve` sends none)."""
    if outcome.record is not None:
        return outcome.record
    if not outcome.record_path:
        return None
    try:
        body = json.loads(Path(outcome.record_path).read_text())
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def _num(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _part(body_part: object, laterality: object) -> str:
    return " ".join(str(x) for x in (laterality, body_part) if x) or "overall"


def record_lines(body: dict[str, Any]) -> list[str]:
    """What a record says, in a few plain lines: type and evaluator, MMI, WPI per part, flags."""
    from web.labels import field_label, flag_label, mmi_label

    report = body.get("report") or {}
    kind = report.get("type") or "report type not stated"
    if report.get("supplemental"):
        kind += " (supplemental)"
    evaluator = (report.get("evaluator") or {}).get("name") or "evaluator not found"
    dated = f", dated {report['report_date']}" if report.get("report_date") else ""
    mmi = body.get("mmi") or {}
    mmi_text = mmi_label(mmi.get("status") or "not_stated") + (f", {mmi['date']}" if mmi.get("date") else "")
    parts = [
        f"{_part(i.get('body_part'), i.get('laterality'))} {_num(i.get('wpi'))}%"
        for i in body.get("impairments") or []
    ]
    combined = (body.get("combined_wpi") or {}).get("value")
    wpi = "; ".join(parts) or "none found"
    if combined is not None:
        wpi += f" (combined {_num(combined)}%)"
    flags = [f for f in (body.get("review") or {}).get("flags") or [] if isinstance(f, dict)]
    labels = list(
        dict.fromkeys(
            flag_label(f.get("code")) + (f" ({field_label(f['field'])})" if f.get("field") else "")
            for f in flags
        )
    )
    return [
        f"  {kind} by {evaluator}{dated}",
        f"  MMI: {mmi_text}",
        f"  WPI: {wpi}",
        f"  flags: {'; '.join(labels) if labels else 'none'}",
    ]


def outcome_lines(outcome: DocumentOutcome, review_url: str = REVIEW_URL) -> list[str]:
    """One document: its name and what happened, what it says, and where to review it."""
    from pipeline.operations.names import safe_name
    from web.labels import status_label

    name = safe_name(outcome.filename)
    if outcome.status == "failed":
        reason = outcome.error.message if outcome.error else "failed"
        return [f"{name}: could not be read: {reason}", f"  quarantined as {outcome.stored_as}"]
    head = "already processed (duplicate)" if outcome.status == "duplicate" else "processed"
    if outcome.review_status:
        head += f", {status_label(outcome.review_status).lower()}"
    lines = [f"{name}: {head}"]
    body = _record_of(outcome)
    if body is not None:
        lines += record_lines(body)
    if outcome.sha256:
        lines.append(f"  review: {review_url}/doc/{outcome.sha256}")
    if outcome.record_path:
        lines.append(f"  record: {outcome.record_path}")
    return lines


def found_text(summary: BatchSummary, review_url: str = REVIEW_URL) -> str:
    """What `medlegal process` prints: each document and what it says, then the run in one line."""
    lines: list[str] = []
    for o in summary.outcomes:
        lines += outcome_lines(o, review_url)
    c = summary.counts
    lines.append(
        f"run {summary.run_id} ({summary.trigger}): {c.get('files', 0)} file(s), {c.get('pages', 0)} page(s)"
        f" in {summary.seconds:.1f} s; processed {c.get('processed', 0)} (needs review"
        f" {c.get('needs_review', 0)}), duplicates {c.get('duplicates', 0)}, failed {c.get('failed', 0)}"
    )
    lines.append(f"records: {summary.home / 'outbox'}; batch: {summary.jsonl_path.name}")
    return "\n".join(lines)
