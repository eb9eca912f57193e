"""Hand-off of case views (`docs/cases.md`, contract CASE.md) to the case system, through the same sinks as
records: a JSONL file in the outbox, or a webhook; and the objection deadlines as an iCalendar file.

A **case version** is the case view's JSON with each report's review status left out (a record moving from
approved to exported is not news to the case system), hashed with SHA-256: `case_version`. Each case version
goes to each sink once. A case is exported when every one of its reports has been reviewed (approved,
exported or rejected) and at least one was approved: the case system gets what a paralegal checked, never
a case half in review. A correction or a new report about the case makes a new version, exported again
once reviewed.

File exports are idempotent across a crash, as record exports are: the batch (target, SHA-256 of the file's
bytes, case versions) is stored as `writing` before the file is written and marked `ok` after; a later
export finds a file with the recorded digest (written: its versions are exported) or none (abandoned: they
stay pending). Webhook: `POST <url>` with one case's JSON, `Idempotency-Key: case:<key>:<case_version>`;
the webhook rules of `pipeline/operations/export.py` apply (https, no redirects, 2xx only, retries).
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models.case import CaseView
from models.settings import Settings
from pipeline.cases.calendar import ics_calendar
from pipeline.cases.view import all_case_views, deadline_events
from pipeline.errors import MedlegalError
from pipeline.operations.export import ExportResult, check_webhook_url, deliver_all
from pipeline.operations.home import Home, sha256_file, write_atomic
from pipeline.operations.store import Store

log = logging.getLogger(__name__)

CASE_EXPORT_VERSION = "1"
REVIEWED = {"approved", "exported", "rejected"}
APPROVED = {"approved", "exported"}


@dataclass(frozen=True)
class PendingCase:
    """A case version waiting for a sink."""

    view: CaseView
    version: str

    @property
    def key(self) -> str:
        return f"case:{self.view.key}:{self.version[:16]}"


def case_version(view: CaseView) -> str:
    """SHA-256 of the case's canonical JSON, each report's review status and its deadlines' days left (a
    countdown, not a change of the case) left out."""
    data = view.model_dump(mode="json")
    for report in data.get("reports", []):
        report.pop("status", None)
        for deadline in report.get("deadlines", []):
            deadline.pop("days_left", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def is_exportable(view: CaseView) -> bool:
    """Every report reviewed, at least one approved."""
    statuses = {r.status for r in view.reports}
    return bool(view.reports) and statuses <= REVIEWED and bool(statuses & APPROVED)


def pending_case_exports(store: Store, sink: str, settings: Settings) -> list[PendingCase]:
    """The reviewed case versions not yet delivered to `sink`."""
    done = store.exported_case_versions(sink)
    out: list[PendingCase] = []
    for view in all_case_views(store, timezone=settings.timezone):
        if not is_exportable(view):
            continue
        version = case_version(view)
        if (view.key, version) not in done:
            out.append(PendingCase(view=view, version=version))
    return out


def case_payload(item: PendingCase) -> dict[str, Any]:
    """What the case system receives for one case version."""
    return {
        "export_version": CASE_EXPORT_VERSION,
        "case_version": item.version,
        **item.view.model_dump(mode="json"),
    }


def finish_unfinished_case_exports(store: Store) -> list[str]:
    """Settle file batches a crash left as `writing`; returns the targets found written."""
    recovered: list[str] = []
    for batch in store.unfinished_case_batches():
        target = Path(batch["target"] or "")
        try:
            written = bool(batch["target"]) and sha256_file(target) == batch["file_digest"]
        except (OSError, MedlegalError):
            written = False
        store.finish_case_batch(batch["batch"], "ok" if written else "abandoned")
        if written:
            recovered.append(str(target))
        log.warning(
            "case export %s %s before a crash; its cases are %s",
            target.name,
            "was written" if written else "never appeared",
            "marked exported" if written else "still pending",
        )
    return recovered


def export_cases_file(
    store: Store, home: Home, settings: Settings, *, out: Path | None = None
) -> ExportResult:
    """Write every pending case version as one JSON line to `out` (default outbox/cases-<time>.jsonl);
    no file when nothing is pending."""
    finish_unfinished_case_exports(store)
    items = pending_case_exports(store, "file", settings)
    if not items:
        return ExportResult()
    data = "".join(json.dumps(case_payload(i), sort_keys=True) + "\n" for i in items).encode()
    batch = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    path = (out or home.outbox / f"cases-{batch}.jsonl").absolute()
    versions = [(i.view.key, i.version) for i in items]
    store.add_case_exports(
        versions,
        "file",
        "writing",
        batch=batch,
        target=str(path),
        file_digest=hashlib.sha256(data).hexdigest(),
    )
    write_atomic(path, data)
    store.finish_case_batch(batch, "ok")
    log.info("exported %d case version(s) to %s", len(items), path.name)
    return ExportResult(exported=[i.key for i in items], out=path)


def export_cases_webhook(store: Store, settings: Settings, url: str) -> ExportResult:
    """POST every pending case version to the webhook; failures are stored and retried next time."""
    check_webhook_url(url, settings)
    items = {item.key: item for item in pending_case_exports(store, "webhook", settings)}

    def stored(key: str, ok: bool, attempts: int, error: str | None) -> None:
        version = [(items[key].view.key, items[key].version)]
        status = "ok" if ok else "failed"
        store.add_case_exports(version, "webhook", status, target=url, attempts=attempts, error=error)

    return deliver_all(url, settings, ((k, case_payload(i)) for k, i in items.items()), stored)


def export_deadlines_ics(store: Store, settings: Settings, out: Path) -> int:
    """Write the objection-deadline reminders of every case as an iCalendar file; returns the event count."""
    events = deadline_events(store, timezone=settings.timezone)
    write_atomic(out, ics_calendar(events).encode())
    return len(events)
