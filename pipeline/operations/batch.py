"""Batches over the home folder, in plain Python: open (claim), process each claim, close (summaries).

The Prefect flows call exactly these functions (one task per `process_claim`); `run_batch` is the same
batch on a thread pool without Prefect, used by tests and as the benchmark's baseline.

Opening a batch claims the inbox's regular files and hashes them; symlinks, pipes and devices, and files
medlegal may not read, are quarantined there and then (`Batch.settled`). Each claimed document is then
read and extracted in a worker process (`pipeline.operations.workers`: memory cap, killed on timeout,
a crash costs only that document).

For one document the order of effects is what makes a killed batch safe to run again:
    count the attempt -> store the record (commit) -> write outbox/<sha256>.json -> move the original
A file still under processing/ of a dead run is taken over by the next run; if its record was already
stored it is then a duplicate (archived, not processed twice), and a missing outbox file is rewritten
from the store. A content that `max_claim_attempts` runs started and none finished (it kills the batch
process) is quarantined instead of being tried again. Failures move the original to quarantine/ with
NAME.error.json."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from models.record import ReportRecord
from models.settings import Settings
from pipeline.cases.received import DetectedReceipt, detect_received
from pipeline.errors import (
    InputNotFoundError,
    MedlegalError,
    NotRegularFileError,
    RepeatedCrashError,
    StoreError,
)
from pipeline.operations.home import (
    Claim,
    Home,
    check_inbox,
    claim_copy,
    claim_inbox_file,
    clean_temp_outputs,
    close_run,
    local_day,
    new_run_id,
    open_run,
    quarantine_claim,
    recover_stale_claims,
    refused_entries,
    regular_files,
    scan_inbox,
    sha256_file,
    write_atomic,
)
from pipeline.operations.home import archive_claim as _archive
from pipeline.operations.outcomes import BatchSummary, DocumentOutcome, ErrorInfo, Status, error_info
from pipeline.operations.progress import Progress
from pipeline.operations.store import Store, database_url
from pipeline.operations.summaries import csv_text, jsonl_row
from pipeline.operations.workers import run_in_worker, warm_workers, worker_nlp

log = logging.getLogger(__name__)

F = TypeVar("F")


def rules_version() -> str:
    """The version of the extraction rules (`pipeline.extraction.rules.RULES_VERSION`), "0" when not declared.

    Read from the rules package, not from the extraction stage that re-exports it: importing that loads
    spaCy (2 s), which the batch process does not need (its document workers load it)."""
    try:
        from pipeline.extraction import rules
    except ImportError:
        return "0"
    return str(getattr(rules, "RULES_VERSION", "0"))


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
    """An opened batch: its context, the files it claimed, the inbox files it will claim one at a time
    (`take`), and those it quarantined while claiming.

    Inbox files are claimed as workers free up, not all at once: two runs sharing one home (two
    processes, or two machines on a shared folder) split the inbox between them, each claim a rename only
    one of them wins. A run killed mid-batch leaves only the files it was working on claimed; the next run
    recovers them (`recover_stale_claims`)."""

    context: BatchContext
    trigger: str
    claims: list[Claim]
    started: float
    waiting: int = 0
    #: Outcomes of claims finished while the batch opened: refused (not a regular file) or unreadable.
    settled: list[DocumentOutcome] = field(default_factory=list)
    #: Settled inbox files not claimed yet; `take` claims them one by one.
    pending: list[Path] = field(default_factory=list)
    #: How many files `take` claimed (the given and recovered ones included).
    taken: int = 0

    @property
    def expected(self) -> int:
        """How many documents this batch expects to process (for a progress bar): some pending files
        may go to another run."""
        return len(self.claims) + len(self.pending)

    def take(self) -> Iterator[Claim]:
        """The batch's claims, hashed: first those claimed when it opened, then each pending inbox file as
        it is claimed (one another run took first is skipped; one that cannot be hashed is quarantined
        into `settled`)."""
        while self.claims:
            self.taken += 1
            yield self.claims.pop(0)
        ctx = self.context
        while self.pending:
            path = self.pending.pop(0)
            claim = claim_inbox_file(path, ctx.home, ctx.run_id)
            if claim is None:
                continue
            hashed = _hash_claims([claim], ctx, self.settled)
            if hashed:
                self.taken += 1
                yield hashed[0]


def submit_bounded(
    batch: Batch, submit: Callable[[Claim], F], wait_one: Callable[[set[F]], F], limit: int
) -> Iterator[tuple[F, Claim]]:
    """Feed the batch's claims to `submit` with at most `limit` in flight (so files are claimed only as
    workers free up), yielding each finished future with its claim. `wait_one` blocks until one of the
    given futures is done and returns it."""
    inflight: dict[F, Claim] = {}
    claims = batch.take()
    more = True
    while True:
        while more and len(inflight) < max(1, limit):
            claim = next(claims, None)
            if claim is None:
                more = False
                break
            inflight[submit(claim)] = claim
        if not inflight:
            return
        done = wait_one(set(inflight))
        yield done, inflight.pop(done)


#: Settings no document task needs: the review app's passwords and signing key. They are left out of the
#: context that travels to every task (pickled to Dask workers, possibly on other machines).
_NOT_FOR_TASKS: dict[str, Any] = {"review_token": None, "review_users": {}, "review_secret": None}


def task_settings(settings: Settings) -> Settings:
    """`settings` without what no document task needs to see (`_NOT_FOR_TASKS`)."""
    return settings.model_copy(update=_NOT_FOR_TASKS)


def _in_process_workers(settings: Settings) -> bool:
    """Whether this process runs the batch's documents (threads), rather than Dask workers."""
    return settings.task_runner == "threads" and not settings.dask_address


def _hash_claims(claims: Sequence[Claim], ctx: BatchContext, settled: list[DocumentOutcome]) -> list[Claim]:
    """The claims with their sha256 (which names them in Prefect); those that cannot be hashed (not a
    regular file, no permission to read) are quarantined into `settled`."""
    hashed: list[Claim] = []
    for claim in claims:
        try:
            hashed.append(dataclasses.replace(claim, sha256=sha256_file(claim.path)))
        except MedlegalError as e:
            settled.append(fail_claim(claim, ctx, e))
        except FileNotFoundError:
            log.warning("%s: gone from processing/ before it was hashed", claim.safe_name)
    return hashed


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
    if files is None:
        for warning in check_inbox(home):
            log.warning("%s", warning)
    run_id = new_run_id()
    url = database_url(home, settings.database_url)
    version = rules_version()
    store = Store(url)
    store.start_run(run_id, trigger, socket.gethostname(), os.getpid(), version, flow_run_id)
    open_run(home, run_id)
    ctx = BatchContext(
        settings=task_settings(settings),
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
    refused: list[tuple[Claim, str]] = []
    pending: list[Path] = []
    if files is None:
        for path, why in refused_entries(home):
            claim = claim_inbox_file(path, home, run_id)
            if claim is not None:
                refused.append((claim, why))
        pending = scan_inbox(home, settings.inbox_settle_s)
        waiting = len(regular_files(home.inbox)) - len(pending)
    else:
        inbox = home.inbox.resolve()
        for path in files:
            # The folder it is in, not where a symlink points: a link in the inbox is refused as one.
            if path.absolute().parent.resolve() == inbox:
                claim = claim_inbox_file(path, home, run_id)
                if claim is not None:
                    claims.append(claim)
            else:
                claims.append(claim_copy(path, home, run_id))
    settled = [fail_claim(c, ctx, NotRegularFileError(why)) for c, why in refused]
    claims = _hash_claims(claims, ctx, settled)
    if (claims or pending) and _in_process_workers(settings):
        warm_workers(min(settings.batch_workers, len(claims) + len(pending)), settings.worker_memory_mb)
    log.info(
        "run %s (%s): %d file(s) claimed, %d recovered, %d refused, %d to claim, %d waiting",
        run_id,
        trigger,
        len(claims) + len(settled),
        sum(c.origin == "recovered" for c in claims),
        len(settled),
        len(pending),
        max(waiting, 0),
    )
    return Batch(
        context=ctx,
        trigger=trigger,
        claims=claims,
        started=time.monotonic(),
        waiting=max(waiting, 0),
        settled=settled,
        pending=pending,
    )


def close_batch(batch: Batch, outcomes: Sequence[DocumentOutcome]) -> BatchSummary:
    """Write batch-<run>.jsonl and .csv to the outbox, finish the run in the store, release the folder."""
    ctx = batch.context
    home = ctx.home
    ordered = sorted([*batch.settled, *outcomes], key=lambda o: o.filename)
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


def _process(path: Path, settings: Settings) -> tuple[ReportRecord, DetectedReceipt | None]:
    """Read and extract one file, and find the receipt date its first pages show (a received stamp or a
    fax header: the page text is not kept, so it is looked for now); runs in a document worker process."""
    from pipeline.process import process_file

    result = process_file(path, settings, worker_nlp())
    return result.record, detect_received(result.document)


def _note_receipt(store: Store, sha: str, detected: DetectedReceipt | None) -> None:
    """Store (or clear) the receipt date the pages show; the document is done either way, so never raise."""
    try:
        if detected is None:
            store.clear_detected_received(sha)
        else:
            store.set_detected_received(
                sha, detected.received, detected.kind, detected.rule, detected.page, detected.text
            )
    except StoreError as e:
        log.error("%s: the receipt date its pages show was not stored: %s", sha[:12], e)


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
            "%s (%s): %s, but the store could not record the intake: %s", claim.safe_name, sha[:12], status, e
        )


def _finished_earlier(store: Store, ctx: BatchContext, claim: Claim, t0: float) -> DocumentOutcome | None:
    """The outcome of a claim this run already finished (its file archived, its intake stored), for a task
    that runs again (a Dask worker lost after finishing it, a retry): success, not a missing file."""
    try:
        intakes = [
            i
            for i in store.intakes(ctx.run_id)
            if i["filename"] == claim.name and i["status"] in ("processed", "duplicate") and i["sha256"]
        ]
        if not intakes:
            return None
        done = intakes[-1]
        stored = store.latest_record(done["sha256"])
    except StoreError:
        return None
    if stored is None:
        return None
    record = stored.record()
    log.info(
        "%s (%s): finished earlier in this run; not processed again", claim.safe_name, stored.sha256[:12]
    )
    return DocumentOutcome(
        filename=claim.name,
        sha256=stored.sha256,
        status=done["status"],
        stored_as=done.get("stored_as") or "",
        seconds=time.monotonic() - t0,
        record_path=str(ctx.home.record_path(stored.sha256)),
        record_version=stored.version,
        review_status=record.review.status,
        flags=tuple(f.code for f in record.review.flags),
        pages=record.source.page_count,
        recovered=claim.origin == "recovered",
        record=json.loads(stored.body),
    )


def process_claim(claim: Claim, ctx: BatchContext) -> DocumentOutcome:
    """Process one claimed file to its end (archived or quarantined).

    Raises only a transient MedlegalError, before anything is finished, so the caller may retry it.
    """
    t0 = time.monotonic()
    settings = ctx.settings
    store = ctx.store()
    recovered = claim.origin == "recovered"
    if not claim.path.exists() and not claim.path.is_symlink():
        finished = _finished_earlier(store, ctx, claim, t0)
        if finished is not None:
            return finished
    try:
        sha = claim.sha256 or sha256_file(claim.path)
    except MedlegalError as e:
        return fail_claim(claim, ctx, e, started=t0)
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
    attempts = store.start_attempt(sha, ctx.run_id)
    if attempts > settings.max_claim_attempts:
        crashed = RepeatedCrashError(
            f"{attempts - 1} runs started this document and none finished it (the process reading it "
            f"died each time: a crash or the system's out-of-memory killer); not tried again"
        )
        return fail_claim(claim, ctx, crashed, sha=sha, started=t0)
    try:
        record, detected = run_in_worker(
            _process,
            claim.path,
            settings,
            memory_mb=settings.worker_memory_mb,
            timeout_s=settings.document_timeout_s,
        )
    except MedlegalError as e:
        if e.transient:
            raise
        return fail_claim(claim, ctx, e, sha=sha, started=t0)
    except Exception as e:
        log.debug("%s: unexpected error", claim.safe_name, exc_info=True)
        return fail_claim(claim, ctx, e, sha=sha, started=t0)
    # The record names the file as it was dropped, not the claimed path.
    source = record.source.model_copy(update={"filename": claim.name, "sha256": sha})
    record = record.model_copy(
        update={"source": source, "rules_version": record.rules_version or ctx.rules_version}
    )
    saved = store.save_record(record, ctx.run_id, reprocess=ctx.reprocess)
    _note_receipt(store, sha, detected)
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
    info = _scrubbed(error_info(exc), claim)
    if not claim.path.is_symlink() and not claim.path.exists():
        # Already moved by whoever raised after finishing it; nothing to quarantine.
        log.error("%s: failed after it left processing/: %s", claim.safe_name, info.message)
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
            sha = claim.sha256 or sha256_file(claim.path)
        except (OSError, MedlegalError):
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
        log.error("%s: quarantined, but the store could not record it: %s", claim.safe_name, e)
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


def _scrubbed(info: ErrorInfo, claim: Claim) -> ErrorInfo:
    """The reason without the file's path or name (a library's message may quote them): it is stored
    beside the file and with its name already, and shown where names must not go (Prefect)."""
    message = info.message
    for text in (str(claim.path), claim.path.name, claim.name):
        if text:
            message = message.replace(text, "the file")
    return dataclasses.replace(info, message=message)


def process_with_retries(claim: Claim, ctx: BatchContext) -> DocumentOutcome:
    """`process_claim` with the configured retries for transient errors, then quarantine."""
    attempts = ctx.settings.task_retries + 1
    for attempt in range(1, attempts + 1):
        try:
            return process_claim(claim, ctx)
        except MedlegalError as e:
            if attempt == attempts:
                return fail_claim(claim, ctx, e)
            log.warning("%s: %s; retry %d of %d", claim.safe_name, e.reason(), attempt, attempts - 1)
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
    bar = Progress(batch.expected, enabled=progress)
    outcomes: list[DocumentOutcome] = []
    size = workers or settings.batch_workers
    try:
        with ThreadPoolExecutor(max_workers=size) as pool:

            def first_done(futures: set[Future[DocumentOutcome]]) -> Future[DocumentOutcome]:
                return next(as_completed(futures))

            for fut, claim in submit_bounded(
                batch, lambda c: pool.submit(process_with_retries, c, batch.context), first_done, size
            ):
                try:
                    outcome = fut.result()
                except Exception as e:  # a bug in finishing a claim: quarantine, go on
                    outcome = fail_claim(claim, batch.context, e)
                outcomes.append(outcome)
                bar.advance(outcome)
    finally:
        bar.close()
    return close_batch(batch, outcomes)
