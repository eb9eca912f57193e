"""Hand-off of approved records to the case system: a JSONL/CSV file and a webhook.

A record version is exported once per sink: `pending_exports` returns the latest version of every
document that a reviewer approved and that was not yet exported (ok) to that sink. A correction after an
export makes a new version, which needs approval again and is then exported again. `--since DATE` exports
everything approved on or after that date, exported or not.

Webhook contract (docs/review.md): `POST <url>` with the JSON of `export_row`, headers
`Content-Type: application/json` and `Idempotency-Key: <sha256>:<version>`; any 2xx is success; other
answers and network errors are retried `webhook_retries` times with exponential backoff, then the
failure is stored (shown in the review app) and the record stays pending for the next export.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from models.record import ReportRecord
from models.settings import Settings
from pipeline.errors import StoreError, WebhookError
from pipeline.operations.home import Home, write_atomic
from pipeline.operations.store import Store, StoredRecord

log = logging.getLogger(__name__)

Format = Literal["jsonl", "csv"]
EXPORT_VERSION = "1"

CSV_COLUMNS = [
    "record_id",
    "version",
    "approved_at",
    "filename",
    "applicant",
    "employer",
    "case_numbers",
    "claim_numbers",
    "report_type",
    "report_date",
    "evaluator",
    "mmi_status",
    "mmi_date",
    "impairments",
    "combined_wpi",
    "future_medical",
]


@dataclass(frozen=True)
class PendingExport:
    """An approved record version waiting for a sink."""

    stored: StoredRecord
    approved_at: datetime | None

    @property
    def key(self) -> str:
        """The idempotency key: the record id (its document's sha256) and the version."""
        return f"{self.stored.sha256}:{self.stored.version}"


@dataclass
class ExportResult:
    """What one export did."""

    exported: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    out: Path | None = None


def _since(value: date | datetime | None) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _aware(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def pending_exports(store: Store, sink: str, since: date | datetime | None = None) -> list[PendingExport]:
    """Approved latest versions not yet exported to `sink` (or approved since a date, exported or not)."""
    done = {e["record_id"] for e in store.exports() if e["status"] == "ok" and e["sink"] == sink}
    cutoff = _since(since)
    pending: list[PendingExport] = []
    for doc in store.documents_overview():
        if doc["review_status"] != "approved":
            continue
        at = _aware(store.approved_at(doc["record_id"]))
        if cutoff is not None:
            if at is None or at < cutoff:
                continue
        elif doc["record_id"] in done:
            continue
        stored = store.record_by_id(doc["record_id"])
        if stored is not None:
            pending.append(PendingExport(stored, at))
    return pending


def export_row(item: PendingExport) -> dict[str, Any]:
    """The exported JSON of one record: ids, approval time and the record (contract v1)."""
    return {
        "export_version": EXPORT_VERSION,
        "record_id": item.stored.sha256,
        "version": item.stored.version,
        "approved_at": item.approved_at.isoformat() if item.approved_at else None,
        "record": json.loads(item.stored.body),
    }


def _csv_row(item: PendingExport) -> dict[str, Any]:
    r: ReportRecord = item.stored.record()
    return {
        "record_id": item.stored.sha256,
        "version": item.stored.version,
        "approved_at": item.approved_at.isoformat() if item.approved_at else "",
        "filename": r.source.filename,
        "applicant": r.claim.applicant or "",
        "employer": r.claim.employer or "",
        "case_numbers": "; ".join(r.claim.case_numbers),
        "claim_numbers": "; ".join(r.claim.claim_numbers),
        "report_type": r.report.type or "",
        "report_date": r.report.report_date or "",
        "evaluator": r.report.evaluator.name or "",
        "mmi_status": r.mmi.status,
        "mmi_date": r.mmi.date or "",
        "impairments": "; ".join(
            f"{' '.join(x for x in (i.laterality, i.body_part) if x)} {i.wpi}% WPI" for i in r.impairments
        ),
        "combined_wpi": "" if r.combined_wpi.value is None else r.combined_wpi.value,
        "future_medical": "" if r.future_medical.provided is None else r.future_medical.provided,
    }


def render(items: Sequence[PendingExport], fmt: Format) -> str:
    """The export file's text: one JSON object per line, or a CSV table with a header."""
    if fmt == "jsonl":
        return "".join(json.dumps(export_row(i), sort_keys=True) + "\n" for i in items)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for i in items:
        writer.writerow(_csv_row(i))
    return buf.getvalue()


def export_file(
    store: Store, home: Home, fmt: Format, *, since: date | datetime | None = None, out: Path | None = None
) -> ExportResult:
    """Write the pending records to `out` (default outbox/export-<time>.<fmt>) and mark them exported."""
    items = pending_exports(store, "file", since)
    path = out or home.outbox / f"export-{datetime.now(UTC):%Y%m%dT%H%M%S}.{fmt}"
    write_atomic(path, render(items, fmt).encode())
    for item in items:
        store.add_export(item.stored.id, "file", "ok", target=path.name)
    log.info("exported %d record(s) to %s", len(items), path)
    return ExportResult(exported=[i.key for i in items], out=path)


def post_json(url: str, payload: dict[str, Any], key: str, timeout_s: float) -> int:
    """POST `payload` once; returns the HTTP status, raises WebhookError unless it is 2xx."""
    data = json.dumps(payload).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": key, "User-Agent": "medlegal"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            status = int(response.status)
    except urllib.error.HTTPError as e:
        raise WebhookError(f"HTTP {e.code}") from e
    except (urllib.error.URLError, OSError) as e:
        raise WebhookError(f"{e.__class__.__name__}: {getattr(e, 'reason', e)}") from e
    if not 200 <= status < 300:
        raise WebhookError(f"HTTP {status}")
    return status


def deliver(
    url: str,
    payload: dict[str, Any],
    key: str,
    *,
    retries: int,
    backoff_s: float,
    timeout_s: float,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[bool, int, str | None]:
    """POST with retries and exponential backoff; (delivered, attempts, last error)."""
    error: str | None = None
    for attempt in range(1, retries + 2):
        try:
            post_json(url, payload, key, timeout_s)
            return True, attempt, None
        except WebhookError as e:
            error = str(e)
            log.warning("webhook %s: attempt %d failed: %s", key, attempt, error)
            if attempt <= retries:
                sleep(backoff_s * 2 ** (attempt - 1))
    return False, retries + 1, error


def export_webhook(
    store: Store, settings: Settings, url: str, *, since: date | datetime | None = None
) -> ExportResult:
    """POST every pending record to the webhook; failures are stored and retried by the next export."""
    result = ExportResult()
    for item in pending_exports(store, "webhook", since):
        ok, attempts, error = deliver(
            url,
            export_row(item),
            item.key,
            retries=settings.webhook_retries,
            backoff_s=settings.webhook_backoff_s,
            timeout_s=settings.webhook_timeout_s,
        )
        try:
            store.add_export(
                item.stored.id,
                "webhook",
                "ok" if ok else "failed",
                attempts=attempts,
                target=url,
                error=error,
            )
        except StoreError:
            log.error("webhook %s: delivered=%s but the store could not record it", item.key, ok)
            raise
        if ok:
            result.exported.append(item.key)
        else:
            result.failed.append((item.key, error or "failed"))
    return result
