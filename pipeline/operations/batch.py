"""Batches over the home folder, in plain Python: open (claim), process each claim, close (summaries).

The Prefect flows call exactly these functions (one task per `process_claim`); `run_batch` is the same
batch on a thread pool without Prefect, used by tests and as the benchmark's baseline.

For one document the order of effects is what makes a killed batch safe to run again:
    store the record (commit) -> write outbox/<sha256>.json -> move the original to archive/
A file still under processing/ of a dead run is taken over by the next run; if its record was already
stored it is then a duplicate (archived, not processed twice), and a missing outbox file is rewritten
from the store. Failures move the original to quarantine/ with NAME.error.json."""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from models.record import ReportRecord
from models.settings import Settings
from pipeline.errors import (
    DocumentTimeoutError,
    ExitCode,
    InputNotFoundError,
    InternalError,
    MedlegalError,
    StoreError,
)
from pipeline.operations.home import (
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
from pipeline.operations.home import archive_claim as _archive
from pipeline.operations.outcomes import BatchSummary, DocumentOutcome, ErrorInfo, Status
from pipeline.operations.progress import Progress
from pipeline.operations.store import Store, database_url
from pipeline.operations.summaries import csv_text, jsonl_row

log = logging.getLogger(__name__)


def rules_version() -> str:
    """The version of the extraction rules (`pipeline.extraction.extract.RULES_VERSION`), "0" when not declared."""
    try:
        from pipeline.extraction import extract
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


@dataclass
class Batch:
    """An opened batch: its context and the files it claimed."""

    context: BatchContext
    trigger: str
    claims: list[Claim]
    started: float
    waiting: int = 0


_local = threading.local()


def _nlp(settings: Settings) -> Any:
    """The spaCy pipeline of this thread, built on first use (building it is slow; calls are not shared
    across threads because spaCy components are not guaranteed thread-safe)."""
    nlp = getattr(_local, "nlp", None)
    if nlp is None:
        from pipeline.extraction.nlp import build_nlp

        nlp = build_nlp(settings)
        _local.nlp = nlp
    return nlp


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
    write_atomic(jsonl, "".join(json.dumps(jsonl_row(o)) + "\n" for o in ordered).encode())
    write_atomic(csv_path, csv_text(ordered).encode())
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


def error_info(exc: BaseException) -> ErrorInfo:
    """The reason recorded for a failed document: the error's own exit code, message and stage."""
    if isinstance(exc, InternalError) and exc.__cause__ is not None:
        cause = exc.__cause__
        return ErrorInfo(
            exit_code=int(ExitCode.ERROR),
            error=type(cause).__name__,
            message=f"internal error: {type(cause).__name__}: {cause}",
            stage=exc.stage,
        )
    if isinstance(exc, MedlegalError):
        return ErrorInfo(
            exit_code=int(exc.exit_code), error=type(exc).__name__, message=exc.one_line(), stage=exc.stage
        )
    return ErrorInfo(
        exit_code=int(ExitCode.ERROR),
        error=type(exc).__name__,
        message=f"internal error: {type(exc).__name__}: {exc}",
        stage="process",
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
