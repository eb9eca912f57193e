"""Batches over the home folder, in plain Python: open (claim), process each claim, close (summaries).

The Prefect flows call exactly these functions (one task per `process_claim`); `run_batch` is the same
batch on a thread pool without Prefect, used by tests and as the benchmark's baseline.

For one document the order of effects is what makes a killed batch safe to run again:
    store the record (commit) -> write outbox/<sha256>.json -> move the original to archive/
A file still under processing/ of a dead run is taken over by the next run; if its record was already
stored it is then a duplicate (archived, not processed twice), and a missing outbox file is rewritten
from the store. Failures move the original to quarantine/ with NAME.error.json.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from models.record import ReportRecord
from models.settings import Settings
from pipeline.errors import (
    ExitCode,
    InputError,
    InputNotFoundError,
    MedlegalError,
    OcrError,
    RulesError,
    StoreError,
)
from pipeline.home import (
    Claim,
    Home,
    claim_copy,
    claim_inbox_file,
    clean_temp_outputs,
    close_run,
    local_day,
    new_run_id,
    open_run,
    quarantine_claim,
    recover_stale_claims,
    scan_inbox,
    sha256_file,
    write_atomic,
)
from pipeline.home import archive_claim as _archive
from pipeline.store import Store, database_url

log = logging.getLogger(__name__)

Status = Literal["processed", "duplicate", "failed"]


class DocumentTimeoutError(MedlegalError):
    """One document took longer than `document_timeout_s` as a whole."""

    exit_code = ExitCode.OCR_TIMEOUT
    hint = "the document is too slow to read (often a noisy scan); rescan it, or raise document_timeout_s"


def rules_version() -> str:
    """The version of the extraction rules (`pipeline.extract.RULES_VERSION`), "0" when not declared."""
    try:
        from pipeline import extract
    except ImportError:
        return "0"
    return str(getattr(extract, "RULES_VERSION", "0"))


@dataclass(frozen=True)
class BatchContext:
    """What every document task needs; small and picklable so it can travel to a Dask worker."""

    settings: Settings
    run_id: str
    home_root: Path
    db_url: str
    day: str
    rules_version: str
    reprocess: bool = False

    @property
    def home(self) -> Home:
        return Home(self.home_root)

    def store(self) -> Store:
        return Store(self.db_url)


@dataclass(frozen=True)
class ErrorInfo:
    """Why a document failed: exit code, error class, one-line message, and the stage that raised."""

    exit_code: int
    error: str
    message: str
    stage: str


@dataclass(frozen=True)
class DocumentOutcome:
    """What happened to one claimed file."""

    filename: str
    sha256: str | None
    status: Status
    #: Where the original is now (archive/… or quarantine/…).
    stored_as: str
    seconds: float
    record_path: str | None = None
    record_version: int | None = None
    review_status: str | None = None
    flags: tuple[str, ...] = ()
    pages: int = 0
    error: ErrorInfo | None = None
    recovered: bool = False
    record: dict[str, Any] | None = None

    def log_line(self) -> str:
        """One line for logs and progress: name, sha256 prefix, what happened; never the report's text."""
        sha = f" ({self.sha256[:12]})" if self.sha256 else ""
        if self.status == "failed" and self.error is not None:
            what = f"quarantined, {self.error.error} at {self.error.stage}: {self.error.message}"
        elif self.status == "duplicate":
            what = f"duplicate of stored record v{self.record_version}, archived"
        else:
            what = f"{self.review_status}, {len(self.flags)} flag(s), {self.pages} page(s)"
        return f"{self.filename}{sha}: {what} [{self.seconds:.1f} s]"


@dataclass
class Batch:
    """An opened batch: its context and the files it claimed."""

    context: BatchContext
    trigger: str
    claims: list[Claim]
    started: float
    waiting: int = 0


@dataclass
class BatchSummary:
    """The result of a batch: outcomes, counts and where the outputs are."""

    run_id: str
    trigger: str
    home: Path
    outcomes: list[DocumentOutcome]
    seconds: float
    jsonl_path: Path
    csv_path: Path
    waiting: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def needs_review(self) -> list[DocumentOutcome]:
        return [o for o in self.outcomes if o.status == "processed" and o.review_status == "needs_review"]

    @property
    def failures(self) -> list[DocumentOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


# --- the spaCy pipeline, once per worker thread -----------------------------------------------------------

_local = threading.local()


def _nlp(settings: Settings) -> Any:
    """The spaCy pipeline of this thread, built on first use (building it is slow; calls are not shared
    across threads because spaCy components are not guaranteed thread-safe)."""
    nlp = getattr(_local, "nlp", None)
    if nlp is None:
        from pipeline.nlp import build_nlp

        nlp = build_nlp(settings)
        _local.nlp = nlp
    return nlp


# --- opening and closing a batch --------------------------------------------------------------------------


def open_batch(
    settings: Settings,
    trigger: str,
    *,
    files: Sequence[Path] | None = None,
    reprocess: bool = False,
    flow_run_id: str | None = None,
) -> Batch:
    """Create the home, record the run, recover dead runs' claims, then claim the inbox (or `files`)."""
    for path in files or ():
        if not path.is_file():
            raise InputNotFoundError("no such file", path=path)
    home = Home(settings.home).ensure()
    run_id = new_run_id()
    url = database_url(home, settings.database_url)
    version = rules_version()
    store = Store(url)
    store.start_run(run_id, trigger, socket.gethostname(), os.getpid(), version, flow_run_id)
    open_run(home, run_id)
    ctx = BatchContext(
        settings=settings,
        run_id=run_id,
        home_root=home.root.resolve(),
        db_url=url,
        day=local_day(settings.timezone),
        rules_version=version,
        reprocess=reprocess,
    )
    clean_temp_outputs(home)
    claims = recover_stale_claims(home, run_id, settings.stale_claim_s)
    waiting = 0
    if files is None:
        ready = scan_inbox(home, settings.inbox_settle_s)
        waiting = sum(1 for p in home.inbox.iterdir() if p.is_file()) - len(ready)
        for path in ready:
            claim = claim_inbox_file(path, home, run_id)
            if claim is not None:
                claims.append(claim)
    else:
        inbox = home.inbox.resolve()
        for path in files:
            if path.resolve().parent == inbox:
                claim = claim_inbox_file(path, home, run_id)
                if claim is not None:
                    claims.append(claim)
            else:
                claims.append(claim_copy(path, home, run_id))
    log.info(
        "run %s (%s): %d file(s) claimed, %d recovered, %d waiting",
        run_id,
        trigger,
        len(claims),
        sum(c.origin == "recovered" for c in claims),
        max(waiting, 0),
    )
    return Batch(
        context=ctx, trigger=trigger, claims=claims, started=time.monotonic(), waiting=max(waiting, 0)
    )


def close_batch(batch: Batch, outcomes: Sequence[DocumentOutcome]) -> BatchSummary:
    """Write batch-<run>.jsonl and .csv to the outbox, finish the run in the store, release the folder."""
    ctx = batch.context
    home = ctx.home
    ordered = sorted(outcomes, key=lambda o: o.filename)
    jsonl = home.outbox / f"batch-{ctx.run_id}.jsonl"
    csv_path = home.outbox / f"batch-{ctx.run_id}.csv"
    write_atomic(jsonl, "".join(json.dumps(_jsonl_row(o)) + "\n" for o in ordered).encode())
    write_atomic(csv_path, _csv(ordered).encode())
    counts = {
        "files": len(ordered),
        "processed": sum(o.status == "processed" for o in ordered),
        "duplicates": sum(o.status == "duplicate" for o in ordered),
        "failed": sum(o.status == "failed" for o in ordered),
        "needs_review": sum(o.status == "processed" and o.review_status == "needs_review" for o in ordered),
        "pages": sum(o.pages for o in ordered),
        "recovered": sum(o.recovered for o in ordered),
        "waiting": batch.waiting,
    }
    try:
        ctx.store().finish_run(ctx.run_id, counts)
    except StoreError as e:
        log.error("run %s: could not record the end of the run: %s", ctx.run_id, e)
    close_run(home, ctx.run_id)
    return BatchSummary(
        run_id=ctx.run_id,
        trigger=batch.trigger,
        home=home.root,
        outcomes=ordered,
        seconds=time.monotonic() - batch.started,
        jsonl_path=jsonl,
        csv_path=csv_path,
        waiting=batch.waiting,
        counts=counts,
    )


def _jsonl_row(o: DocumentOutcome) -> dict[str, Any]:
    row = asdict(o)
    row["flags"] = list(o.flags)
    return row


_CSV_FIELDS = [
    "filename",
    "sha256",
    "status",
    "review_status",
    "flags",
    "pages",
    "record_version",
    "record_path",
    "stored_as",
    "exit_code",
    "error",
    "stage",
    "message",
    "seconds",
]


def _csv(outcomes: Iterable[DocumentOutcome]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(_CSV_FIELDS)
    for o in outcomes:
        e = o.error
        w.writerow(
            [
                o.filename,
                o.sha256 or "",
                o.status,
                o.review_status or "",
                " ".join(o.flags),
                o.pages,
                o.record_version or "",
                o.record_path or "",
                o.stored_as,
                e.exit_code if e else "",
                e.error if e else "",
                e.stage if e else "",
                e.message if e else "",
                f"{o.seconds:.2f}",
            ]
        )
    return buf.getvalue()


# --- one document -----------------------------------------------------------------------------------------


def _stage(exc: BaseException) -> str:
    """The pipeline stage that raised: the deepest pipeline module in the traceback, else by error type."""
    if isinstance(exc, DocumentTimeoutError):
        return "timeout"
    stage = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        if module.startswith("pipeline.") and module not in ("pipeline.batch", "pipeline.process"):
            stage = module.rsplit(".", 1)[1]
        tb = tb.tb_next
    if stage:
        return stage
    for kind, name in (
        (InputError, "read"),
        (OcrError, "ocr"),
        (RulesError, "extract"),
        (StoreError, "store"),
    ):
        if isinstance(exc, kind):
            return name
    return "process"


def error_info(exc: BaseException) -> ErrorInfo:
    """The reason recorded for a failed document."""
    if isinstance(exc, MedlegalError):
        return ErrorInfo(
            exit_code=int(exc.exit_code), error=type(exc).__name__, message=exc.one_line(), stage=_stage(exc)
        )
    return ErrorInfo(
        exit_code=int(ExitCode.ERROR),
        error=type(exc).__name__,
        message=f"internal error: {type(exc).__name__}: {exc}",
        stage=_stage(exc),
    )


def _call_with_timeout(fn: Callable[[], Any], timeout_s: float, name: str) -> Any:
    """Run `fn` in a helper thread and give up after `timeout_s`; the late thread's result is discarded."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn()
        except BaseException as e:
            box["error"] = e

    worker = threading.Thread(target=target, name=f"medlegal-doc-{name}", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise DocumentTimeoutError(f"not finished after {timeout_s:g} s", path=name)
    if "error" in box:
        raise box["error"]
    return box["result"]


def _process(path: Path, settings: Settings, nlp: Any) -> Any:
    from pipeline.process import process_file

    return process_file(path, settings, nlp)


def _ensure_outbox(ctx: BatchContext, sha: str, body: str) -> Path:
    out = ctx.home.record_path(sha)
    if not out.exists():
        write_atomic(out, body.encode())
    return out


def _note_intake(
    store: Store, ctx: BatchContext, claim: Claim, sha: str, status: Status, record_id: int, dst: Path
) -> None:
    """Record the intake of a finished document; the document is done either way, so never raise."""
    try:
        store.add_intake(ctx.run_id, claim.name, sha, status, record_id=record_id, stored_as=str(dst))
    except StoreError as e:
        log.error(
            "%s (%s): %s, but the store could not record the intake: %s", claim.name, sha[:12], status, e
        )


def process_claim(claim: Claim, ctx: BatchContext) -> DocumentOutcome:
    """Process one claimed file to its end (archived or quarantined).

    Raises only a transient MedlegalError, before anything is finished, so the caller may retry it.
    """
    t0 = time.monotonic()
    settings = ctx.settings
    store = ctx.store()
    recovered = claim.origin == "recovered"
    sha = sha256_file(claim.path)
    existing = None if ctx.reprocess else store.find_record(sha, ctx.rules_version)
    if existing is not None:
        out = _ensure_outbox(ctx, sha, existing.body)
        dst = _archive(claim, ctx.home, ctx.day)
        _note_intake(store, ctx, claim, sha, "duplicate", existing.id, dst)
        outcome = DocumentOutcome(
            filename=claim.name,
            sha256=sha,
            status="duplicate",
            stored_as=str(dst),
            seconds=time.monotonic() - t0,
            record_path=str(out),
            record_version=existing.version,
            review_status=existing.review_status,
            recovered=recovered,
            record=json.loads(existing.body),
        )
        log.info("%s", outcome.log_line())
        return outcome
    try:
        nlp = _nlp(settings)
        result = _call_with_timeout(
            lambda: _process(claim.path, settings, nlp), settings.document_timeout_s, claim.name
        )
    except DocumentTimeoutError as e:
        # The late thread may still be using this pipeline: the next document gets a fresh one.
        _local.nlp = None
        return fail_claim(claim, ctx, e, sha=sha, started=t0)
    except MedlegalError as e:
        if e.transient:
            raise
        return fail_claim(claim, ctx, e, sha=sha, started=t0)
    except Exception as e:
        log.debug("%s: unexpected error", claim.name, exc_info=True)
        return fail_claim(claim, ctx, e, sha=sha, started=t0)
    record: ReportRecord = result.record
    # The record names the file as it was dropped, not the claimed path.
    source = record.source.model_copy(update={"filename": claim.name, "sha256": sha})
    record = record.model_copy(
        update={"source": source, "rules_version": record.rules_version or ctx.rules_version}
    )
    saved = store.save_record(record, ctx.run_id, reprocess=ctx.reprocess)
    status: Status = "processed" if saved.created else "duplicate"
    out = ctx.home.record_path(sha)
    if saved.created:
        write_atomic(out, saved.stored.body.encode())
    else:
        _ensure_outbox(ctx, sha, saved.stored.body)
    dst = _archive(claim, ctx.home, ctx.day)
    _note_intake(store, ctx, claim, sha, status, saved.stored.id, dst)
    stored = saved.stored.record()
    outcome = DocumentOutcome(
        filename=claim.name,
        sha256=sha,
        status=status,
        stored_as=str(dst),
        seconds=time.monotonic() - t0,
        record_path=str(out),
        record_version=saved.stored.version,
        review_status=stored.review.status,
        flags=tuple(f.code for f in stored.review.flags),
        pages=stored.source.page_count,
        recovered=recovered,
        record=json.loads(saved.stored.body),
    )
    log.info("%s", outcome.log_line())
    return outcome


def fail_claim(
    claim: Claim,
    ctx: BatchContext,
    exc: BaseException,
    *,
    sha: str | None = None,
    started: float | None = None,
) -> DocumentOutcome:
    """Quarantine a claimed file with the reason it failed; never raises for a store problem."""
    t0 = started if started is not None else time.monotonic()
    info = error_info(exc)
    if not claim.path.exists():
        # Already moved by whoever raised after finishing it; nothing to quarantine.
        log.error("%s: failed after it left processing/: %s", claim.name, info.message)
        return DocumentOutcome(
            filename=claim.name,
            sha256=sha,
            status="failed",
            stored_as="",
            seconds=time.monotonic() - t0,
            error=info,
        )
    if sha is None:
        try:
            sha = sha256_file(claim.path)
        except OSError:
            sha = None
    dst = quarantine_claim(claim, ctx.home, {"sha256": sha, **asdict(info)})
    try:
        ctx.store().add_intake(
            ctx.run_id,
            claim.name,
            sha,
            "failed",
            exit_code=info.exit_code,
            stage=info.stage,
            message=info.message,
            stored_as=str(dst),
        )
    except StoreError as e:
        log.error("%s: quarantined, but the store could not record it: %s", claim.name, e)
    outcome = DocumentOutcome(
        filename=claim.name,
        sha256=sha,
        status="failed",
        stored_as=str(dst),
        seconds=time.monotonic() - t0,
        error=info,
        recovered=claim.origin == "recovered",
    )
    log.warning("%s", outcome.log_line())
    return outcome


def process_with_retries(claim: Claim, ctx: BatchContext) -> DocumentOutcome:
    """`process_claim` with the configured retries for transient errors, then quarantine."""
    attempts = ctx.settings.task_retries + 1
    for attempt in range(1, attempts + 1):
        try:
            return process_claim(claim, ctx)
        except MedlegalError as e:
            if attempt == attempts:
                return fail_claim(claim, ctx, e)
            log.warning("%s: %s; retry %d of %d", claim.name, e.one_line(), attempt, attempts - 1)
            time.sleep(ctx.settings.task_retry_delay_s)
    raise AssertionError("unreachable")


# --- progress ---------------------------------------------------------------------------------------------


class Progress:
    """A progress bar (files and pages) on a terminal, one plain line per file otherwise."""

    def __init__(self, total: int, *, enabled: bool = True, bar: bool | None = None) -> None:
        self.total = total
        self.done = 0
        self.pages = 0
        self.enabled = enabled and total > 0
        self._bar: Any = None
        if self.enabled and (sys.stderr.isatty() if bar is None else bar):
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("files"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[pages]} pages"),
                TimeElapsedColumn(),
                transient=False,
            )
            self._task = self._bar.add_task("files", total=total, pages=0)
            self._bar.start()

    def advance(self, outcome: DocumentOutcome) -> None:
        self.done += 1
        self.pages += outcome.pages
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, advance=1, pages=self.pages)
        else:
            sys.stderr.write(f"[{self.done}/{self.total}] {outcome.log_line()}\n")
            sys.stderr.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


# --- the plain-Python batch -------------------------------------------------------------------------------


def run_batch(
    settings: Settings,
    *,
    trigger: str = "batch",
    files: Sequence[Path] | None = None,
    reprocess: bool = False,
    workers: int | None = None,
    progress: bool = False,
) -> BatchSummary:
    """One batch on a thread pool, without Prefect (same effects as the nightly flow)."""
    batch = open_batch(settings, trigger, files=files, reprocess=reprocess)
    bar = Progress(len(batch.claims), enabled=progress)
    outcomes: list[DocumentOutcome] = []
    try:
        with ThreadPoolExecutor(max_workers=workers or settings.batch_workers) as pool:
            futures = {pool.submit(process_with_retries, c, batch.context): c for c in batch.claims}
            for fut in as_completed(futures):
                try:
                    outcome = fut.result()
                except Exception as e:  # a bug in finishing a claim: quarantine, go on
                    outcome = fail_claim(futures[fut], batch.context, e)
                outcomes.append(outcome)
                bar.advance(outcome)
    finally:
        bar.close()
    return close_batch(batch, outcomes)


# --- summaries --------------------------------------------------------------------------------------------


def summary_text(summary: BatchSummary) -> str:
    """The plain-text summary printed by the CLI."""
    c = summary.counts
    lines = [
        f"run {summary.run_id} ({summary.trigger}): {c.get('files', 0)} file(s) in {summary.seconds:.1f} s, "
        f"{c.get('pages', 0)} page(s)",
        f"  processed {c.get('processed', 0)}  (needs review {c.get('needs_review', 0)}), "
        f"duplicates {c.get('duplicates', 0)}, failed {c.get('failed', 0)}"
        + (f", recovered from a dead run {c['recovered']}" if c.get("recovered") else "")
        + (f", waiting for the next run {summary.waiting}" if summary.waiting else ""),
    ]
    for o in summary.needs_review:
        lines.append(f"  review: {o.filename} ({(o.sha256 or '')[:12]}) {_flag_list(o.flags)}")
    for o in summary.failures:
        assert o.error is not None
        lines.append(
            f"  failed: {o.filename} -> {Path(o.stored_as).name}: {o.error.message} "
            f"(exit {o.error.exit_code}, stage {o.error.stage})"
        )
    home = summary.home
    lines += [
        f"records:    {home / 'outbox'}/<sha256>.json",
        f"batch:      {summary.jsonl_path}",
        f"summary:    {summary.csv_path}",
        f"archive:    {home / 'archive'}",
        f"quarantine: {home / 'quarantine'}",
    ]
    return "\n".join(lines)


def summary_markdown(summary: BatchSummary) -> str:
    """The markdown summary published as the flow run's Prefect artifact."""
    c = summary.counts
    md = [
        f"# medlegal run `{summary.run_id}` ({summary.trigger})",
        "",
        "| files | processed | needs review | duplicates | failed | pages | recovered | waiting | seconds |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {c.get('files', 0)} | {c.get('processed', 0)} | {c.get('needs_review', 0)} | "
        f"{c.get('duplicates', 0)} | {c.get('failed', 0)} | {c.get('pages', 0)} | {c.get('recovered', 0)} | "
        f"{summary.waiting} | {summary.seconds:.1f} |",
        "",
    ]
    if summary.needs_review:
        md += ["## Records needing review", "", "| file | sha256 | flags |", "|---|---|---|"]
        md += [
            f"| {_md(o.filename)} | `{(o.sha256 or '')[:12]}` | {_md(_flag_list(o.flags))} |"
            for o in summary.needs_review
        ]
        md.append("")
    if summary.failures:
        md += ["## Failures (quarantined)", "", "| file | exit | stage | reason |", "|---|---:|---|---|"]
        md += [
            f"| {_md(o.filename)} | {o.error.exit_code} | {o.error.stage} | {_md(o.error.message)} |"
            for o in summary.failures
            if o.error is not None
        ]
        md.append("")
    md.append(f"Records: `{summary.home / 'outbox'}`; batch file `{summary.jsonl_path.name}`.")
    return "\n".join(md)


def _flag_list(flags: Sequence[str]) -> str:
    """Flag codes once each, with a count when repeated: "LOW_CONFIDENCE x3, WPI_AMBIGUOUS"."""
    counts = Counter(flags)
    return ", ".join(f"{c} x{n}" if n > 1 else c for c, n in counts.items()) or "no flags"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
