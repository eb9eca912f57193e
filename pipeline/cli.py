"""The `medlegal` command: parses arguments, calls pipeline functions, maps errors to exit codes.

Each sub-command has an `_add_<name>` (arguments) and a `_cmd_<name>` (action) pair below.
Heavy imports (pdfplumber, spaCy, Prefect) happen inside the actions so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline import __version__
from pipeline.errors import ExitCode, MedlegalError

log = logging.getLogger("medlegal")

Handler = Callable[[argparse.Namespace], int]


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from pipeline.settings import load_settings

    return load_settings(
        ocr_mode=getattr(args, "ocr_mode", None),
        ocr_workers=getattr(args, "workers", None),
        home=getattr(args, "home", None),
    )


# --- read -------------------------------------------------------------------------------------------------


def _add_read(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("read", help="read a report and print its text page by page")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="print the Document as JSON")
    p.add_argument("--ocr-mode", choices=["auto", "force_ocr", "never_ocr"])
    p.add_argument("--workers", type=int, help="OCR processes (default: one per core)")
    p.set_defaults(handler=_cmd_read)


def _cmd_read(args: argparse.Namespace) -> int:
    from pipeline.read import read_document

    doc = read_document(args.file, _settings(args))
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


# --- extract ----------------------------------------------------------------------------------------------


def _add_extract(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="read a report and print its record (JSON) on stdout")
    p.add_argument("file", type=Path)
    p.add_argument("--ocr-mode", choices=["auto", "force_ocr", "never_ocr"])
    p.add_argument("--workers", type=int, help="OCR processes (default: one per core)")
    p.set_defaults(handler=_cmd_extract)


def _cmd_extract(args: argparse.Namespace) -> int:
    from pipeline.process import process_file

    result = process_file(args.file, _settings(args))
    sys.stdout.write(json.dumps(result.record.model_dump(mode="json"), indent=2) + "\n")
    return ExitCode.OK


# --- batches: run-inbox, process, serve, run-demo (flows/, pipeline/batch.py) ------------------------------


def _add_batch_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--home", type=Path, help="home folder (default: MEDLEGAL_HOME or ./var)")
    p.add_argument("--jobs", type=int, help="documents processed at once (default: batch_workers, 2)")
    p.add_argument("--dask", action="store_true", help="fan out on a local Dask cluster instead of threads")
    p.add_argument("--dask-address", help="fan out on an existing Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _batch_settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """Settings for the batch commands, exported to the environment so flow runs see the same."""
    import os

    from flows.env import configure_prefect
    from pipeline.settings import load_settings

    exported = {
        "MEDLEGAL_HOME": str(args.home) if args.home else None,
        "MEDLEGAL_BATCH_WORKERS": str(args.jobs) if args.jobs else None,
        "MEDLEGAL_TASK_RUNNER": "dask" if args.dask or args.dask_address else None,
        "MEDLEGAL_DASK_ADDRESS": args.dask_address,
    }
    for key, value in exported.items():
        if value is not None:
            os.environ[key] = value
    settings = load_settings()
    os.umask(0o077)  # outputs, the store and Prefect's state hold medical records: owner only
    configure_prefect(settings)
    if not args.verbose:
        # One "Finished in state Completed()" per document says nothing; failures still show.
        os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL", "WARNING")
    return settings


def _add_run_inbox(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run-inbox", help="run one nightly batch over the inbox now (Prefect flow)")
    _add_batch_options(p)
    p.add_argument("--reprocess", action="store_true", help="process again content already recorded")
    p.set_defaults(handler=_cmd_run_inbox)


def _cmd_run_inbox(args: argparse.Namespace) -> int:
    settings = _batch_settings(args)
    from flows.inbox import nightly_inbox
    from flows.tasks import build_task_runner
    from pipeline.batch import summary_text

    summary = nightly_inbox.with_options(task_runner=build_task_runner(settings))(
        home=str(settings.home), reprocess=args.reprocess, progress=not args.no_progress
    )
    sys.stdout.write(summary_text(summary) + "\n")
    return ExitCode.OK


def _add_process(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("process", help="process reports now (copies them; prints where the records are)")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE")
    _add_batch_options(p)
    p.add_argument("--reprocess", action="store_true", help="process again content already recorded")
    p.set_defaults(handler=_cmd_process)


def _cmd_process(args: argparse.Namespace) -> int:
    from pipeline.errors import InputNotFoundError

    for f in args.files:
        if not f.is_file():
            raise InputNotFoundError("no such file", path=f)
    settings = _batch_settings(args)
    from flows.on_demand import process_report
    from flows.tasks import build_task_runner
    from pipeline.batch import summary_text

    summary = process_report.with_options(task_runner=build_task_runner(settings))(
        files=[str(f.resolve()) for f in args.files],
        home=str(settings.home),
        reprocess=args.reprocess,
        progress=not args.no_progress,
    )
    for o in summary.outcomes:
        where = o.record_path if o.record_path else f"quarantined as {o.stored_as}"
        sys.stdout.write(f"{o.filename}\t{o.status}\t{where}\n")
    sys.stdout.write(summary_text(summary) + "\n")
    failures = summary.failures
    return failures[0].error.exit_code if failures and failures[0].error else ExitCode.OK


def _add_serve(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the nightly batch on its cron schedule (Prefect deployment)")
    _add_batch_options(p)
    p.add_argument("--cron", help="cron schedule (default: schedule_cron, '0 2 * * *')")
    p.set_defaults(handler=_cmd_serve)


def _cmd_serve(args: argparse.Namespace) -> int:
    import os

    if args.cron:
        os.environ["MEDLEGAL_SCHEDULE_CRON"] = args.cron
    settings = _batch_settings(args)
    from flows.deploy import serve_nightly

    serve_nightly(settings)
    return ExitCode.OK


def _add_run_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run-demo", help="copy sample reports into a fresh home's inbox and run one nightly batch"
    )
    _add_batch_options(p)
    p.add_argument("--count", type=int, default=10, help="born-digital sample reports (default 10)")
    p.add_argument(
        "--scanned", type=int, default=1, help="reports also dropped as office scan and fax (default 1)"
    )
    p.set_defaults(handler=_cmd_run_demo)


def _cmd_run_demo(args: argparse.Namespace) -> int:
    from flows.demo import prepare_demo_home
    from pipeline.settings import load_settings

    home = args.home or load_settings().home
    moved, digital, scanned = prepare_demo_home(home, args.count, args.scanned)
    if moved is not None:
        sys.stderr.write(f"medlegal: {home} was not empty; kept it as {moved}\n")
    sys.stderr.write(
        f"medlegal: {digital + scanned} sample reports ({digital} born-digital, {scanned} scanned or faxed) "
        f"copied into {home / 'inbox'}; running the nightly batch once\n"
    )
    args.home = home
    args.reprocess = False
    return _cmd_run_inbox(args)


# --- evaluate ---------------------------------------------------------------------------------------------


def _add_evaluate(sub: argparse._SubParsersAction) -> None:
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
    p.set_defaults(handler=_cmd_evaluate)


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from pipeline.errors import EvaluationError, InputNotFoundError, UsageError
    from pipeline.evaluate import Evaluation, evaluate

    if not args.directory.is_dir():
        raise InputNotFoundError("no such directory", path=args.directory)
    truth = args.truth or Path(__file__).resolve().parent.parent / "sample_reports" / "truth"
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
    result = evaluate(args.directory, truth, _settings(args))
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


# --- review and export (web/, pipeline/export.py) ---------------------------------------------------------


def _add_review(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("review", help="start the paralegal review web app (http://127.0.0.1:8000)")
    p.add_argument("--home", type=Path, help="home folder (default: MEDLEGAL_HOME or ./var)")
    p.add_argument("--host", default="127.0.0.1", help="address (beyond localhost needs review_token)")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(handler=_cmd_review)


def _cmd_review(args: argparse.Namespace) -> int:
    import os

    from web.app import check_bind, serve

    settings = _settings(args)
    check_bind(args.host, settings)
    os.umask(0o077)
    sys.stderr.write(f"medlegal: review app on http://{args.host}:{args.port}/ (Ctrl-C stops it)\n")
    serve(settings, args.host, args.port)
    return ExitCode.OK


def _add_export(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export approved records (JSONL/CSV file, or POST to a webhook)")
    p.add_argument("--home", type=Path, help="home folder (default: MEDLEGAL_HOME or ./var)")
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("--since", help="export everything approved on or after this date (YYYY-MM-DD)")
    p.add_argument("--out", type=Path, help="file to write (default: outbox/export-<time>.<format>)")
    p.add_argument("--webhook", help="POST each record to this URL instead (default: export_webhook_url)")
    p.set_defaults(handler=_cmd_export)


def _cmd_export(args: argparse.Namespace) -> int:
    import os
    from datetime import date

    from pipeline.errors import UsageError
    from pipeline.export import export_file, export_webhook
    from pipeline.home import Home
    from pipeline.store import Store

    settings = _settings(args)
    try:
        since = date.fromisoformat(args.since) if args.since else None
    except ValueError as e:
        raise UsageError(f"--since takes a date like 2025-03-01, got {args.since!r}") from e
    os.umask(0o077)
    home = Home(settings.home).ensure()
    store = Store.for_home(home, settings.database_url)
    url = args.webhook or (settings.export_webhook_url if args.out is None else None)
    if url:
        result = export_webhook(store, settings, url, since=since)
        sys.stdout.write(f"{len(result.exported)} record(s) delivered, {len(result.failed)} failed\n")
        for key, error in result.failed:
            sys.stdout.write(f"failed: {key}: {error} (kept for the next export)\n")
        return ExitCode.OK if not result.failed else ExitCode.ERROR
    result = export_file(store, home, args.format, since=since, out=args.out)
    sys.stdout.write(f"{len(result.exported)} record(s) exported to {result.out}\n")
    return ExitCode.OK


# --- main -------------------------------------------------------------------------------------------------

_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_read,
    _add_extract,
    _add_evaluate,
    _add_run_inbox,
    _add_process,
    _add_serve,
    _add_run_demo,
    _add_review,
    _add_export,
]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="medlegal", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"medlegal {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more logging; -v shows tracebacks"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in _COMMANDS:
        add(sub)
    return parser


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `medlegal` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    try:
        return int(args.handler(args))
    except MedlegalError as e:
        if args.verbose:
            log.exception("failed")
        sys.stderr.write(f"medlegal: error: {e.one_line()}\n")
        return int(e.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("medlegal: interrupted\n")
        return 130


if __name__ == "__main__":
    sys.exit(main())
