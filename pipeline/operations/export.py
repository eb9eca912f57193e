"""Hand-off of approved records to the case system: a JSONL/CSV file and a webhook.

A record version is exported once per sink: `pending_exports` returns the latest version of every
document that a reviewer approved and that was not yet exported (ok) to that sink. A correction after an
export makes a new version, which needs approval again and is then exported again. `--since DATE` exports
everything approved on or after that date, exported or not.

Webhook contract (docs/review.md): `POST <url>` with the JSON of `export_row`, headers
`Content-Type: application/json` and `Idempotency-Key: <sha256>:<version>`; only a 2xx answer from that
URL is a delivery. Redirects are never followed (a 3xx is a failure: following one would send the record
elsewhere, or lose it to a GET); the URL must be https, except to this machine (loopback) or with
`webhook_allow_http`. Other answers and network errors are retried `webhook_retries` times with
exponential backoff, then the failure is stored (shown in the review app) and the record stays pending.
A crash between a delivery and storing it sends the record again with the same Idempotency-Key.

Files are written for a spreadsheet user: one row per record version, every field a column (the
apportionment, the work restrictions, the exam date, the receipt date and the deadlines it starts, who
approved it and when), yes/no for true/false, ISO dates (2025-03-01) and times, lists joined with "; ",
never a Python repr. The JSONL line carries the record as it is (contract v1) and the same extras
(`approved_by`, `received`, `deadlines`). The review app's Export button and `medlegal export` write the
same files through `export_file`.

File exports are idempotent across a crash: the batch (target path, SHA-256 of its bytes, record
versions) is stored before the file is written, and its rows are marked exported in one transaction
after. A later export first finishes batches left unfinished: a file at the target with the recorded
digest was written, so its rows are marked exported (not exported again); no such file means it never
appeared, and the batch is abandoned with its records still pending.
"""

from __future__ import annotations

import csv
import hashlib
import io
import ipaddress
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from models.record import ReportRecord
from models.settings import Settings
from pipeline.errors import ConfigError, MedlegalError, StoreError, WebhookError
from pipeline.operations.home import Home, sha256_file, write_atomic
from pipeline.operations.spreadsheet import safe_dict
from pipeline.operations.store import Store, StoredRecord

log = logging.getLogger(__name__)

Format = Literal["jsonl", "csv"]
EXPORT_VERSION = "1"

CSV_COLUMNS = [
    "record_id",
    "version",
    "approved_at",
    "approved_by",
    "filename",
    "applicant",
    "date_of_birth",
    "employer",
    "occupation",
    "case_numbers",
    "claim_numbers",
    "injuries",
    "report_type",
    "supplemental",
    "report_date",
    "exam_date",
    "received",
    "evaluator",
    "specialty",
    "mmi_status",
    "mmi_date",
    "impairments",
    "combined_wpi",
    "apportionment",
    "work_restrictions",
    "future_medical",
    "future_medical_text",
    "objection_deadline",
    "deadlines",
    "review_flags",
]

MMI_WORDS = {"reached": "reached", "not_reached": "not reached", "not_stated": "not stated"}


@dataclass(frozen=True)
class CaseFacts:
    """What the case view adds to a record for the export: the receipt date and the deadlines it starts
    (a reminder, not legal advice: the view's labels say so)."""

    received: str | None = None
    received_source: str | None = None
    deadlines: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class PendingExport:
    """An approved record version waiting for a sink."""

    stored: StoredRecord
    approved_at: datetime | None
    approved_by: str | None = None

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


def pending_exports(
    store: Store, sink: str, since: date | datetime | None = None, *, target: str | None = None
) -> list[PendingExport]:
    """Approved latest versions not yet exported to `sink` (or approved since a date, exported or not).
    With `target` (a webhook's URL) what counts is delivery to that target: a stray or test URL that took
    the records does not keep them from the real case system."""
    done = {
        e["record_id"]
        for e in store.exports()
        if e["status"] == "ok" and e["sink"] == sink and (target is None or e["target"] == target)
    }
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
            pending.append(PendingExport(stored, at, _approver(store, stored)))
    return pending


def _approver(store: Store, stored: StoredRecord) -> str | None:
    """Who approved this record version last (the review event's actor)."""
    approvals = [
        e["actor"]
        for e in store.document_events(stored.sha256)
        if e["version"] == stored.version and e["action"] == "approved"
    ]
    return approvals[-1] if approvals else None


def case_facts(
    store: Store, items: Sequence[PendingExport], timezone: str | None = None
) -> dict[str, CaseFacts]:
    """The receipt date and deadlines of each item's report, from its case view (a duplicate file takes
    its canonical report's), by sha256."""
    from pipeline.cases.view import DEFAULT_TIMEZONE, case_view

    wanted = {i.stored.sha256 for i in items}
    keys = sorted({r["case_key"] for r in store.case_index() if r["sha256"] in wanted})
    facts: dict[str, CaseFacts] = {}
    for key in keys:
        view = case_view(store, key=key, timezone=timezone or DEFAULT_TIMEZONE)
        if view is None:
            continue
        for report in view.reports:
            fact = CaseFacts(
                received=report.received,
                received_source=report.received_source,
                deadlines=[
                    {"rule": d.rule, "what": d.what, "date": d.date, "statement": d.statement}
                    for d in report.deadlines
                ],
            )
            for sha in (report.sha256, *report.duplicates):
                facts[sha] = fact
    return facts


def _time(at: datetime | None) -> str | None:
    """An ISO time to the second, in UTC (2025-03-01T17:04:05+00:00)."""
    aware = _aware(at)
    return aware.astimezone(UTC).isoformat(timespec="seconds") if aware else None


def export_row(item: PendingExport, facts: CaseFacts | None = None) -> dict[str, Any]:
    """The exported JSON of one record: ids, approval time and the record (contract v1); with the
    approver and, for a file export, the receipt date and deadlines (extensions)."""
    row: dict[str, Any] = {
        "export_version": EXPORT_VERSION,
        "record_id": item.stored.sha256,
        "version": item.stored.version,
        "approved_at": item.approved_at.isoformat() if item.approved_at else None,
        "approved_by": item.approved_by,
        "record": json.loads(item.stored.body),
    }
    if facts is not None:
        row["received"] = facts.received
        row["deadlines"] = facts.deadlines
    return row


def yes_no(value: bool | None) -> str:
    """`yes`, `no`, or empty when the report does not say."""
    return "" if value is None else "yes" if value else "no"


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _part(body_part: str | None, laterality: str | None) -> str:
    return " ".join(x for x in (laterality, body_part) if x) or "overall"


def _apportionment(r: ReportRecord) -> str:
    out = []
    for a in r.apportionment:
        shares = [
            f"{_number(a.industrial_pct)}% industrial" if a.industrial_pct is not None else "",
            f"{_number(a.nonindustrial_pct)}% non-industrial" if a.nonindustrial_pct is not None else "",
        ]
        out.append(f"{_part(a.body_part, a.laterality)}: {' / '.join(x for x in shares if x)}")
    return "; ".join(out)


def _injuries(r: ReportRecord) -> str:
    return "; ".join(
        f"{i.type} {i.start or 'date unknown'}" + (f" to {i.end}" if i.end else "") for i in r.claim.injuries
    )


def _deadlines(facts: CaseFacts | None) -> tuple[str, str]:
    """(the first dated deadline, every deadline) as text."""
    if facts is None:
        return "", ""
    dated = [d for d in facts.deadlines if d["date"]]
    first = f"{dated[0]['date']} ({dated[0]['rule']})" if dated else ""
    every = "; ".join(
        f"{d['rule']} {d['date']}: {d['what']}" if d["date"] else f"{d['rule']}: {d['statement']}"
        for d in facts.deadlines
    )
    return first, every


def csv_row(item: PendingExport, facts: CaseFacts | None = None) -> dict[str, str | int]:
    """One record as a spreadsheet row: text, ISO dates, yes/no; lists joined with "; "."""
    r: ReportRecord = item.stored.record()
    first, every = _deadlines(facts)
    return {
        "record_id": item.stored.sha256,
        "version": item.stored.version,
        "approved_at": _time(item.approved_at) or "",
        "approved_by": item.approved_by or "",
        "filename": r.source.filename,
        "applicant": r.claim.applicant or "",
        "date_of_birth": r.claim.date_of_birth or "",
        "employer": r.claim.employer or "",
        "occupation": r.claim.occupation.text if r.claim.occupation else "",
        "case_numbers": "; ".join(r.claim.case_numbers),
        "claim_numbers": "; ".join(r.claim.claim_numbers),
        "injuries": _injuries(r),
        "report_type": r.report.type or "",
        "supplemental": yes_no(r.report.supplemental),
        "report_date": r.report.report_date or "",
        "exam_date": r.report.exam_date or "",
        "received": (facts.received or "") if facts else "",
        "evaluator": r.report.evaluator.name or "",
        "specialty": r.report.evaluator.specialty or "",
        "mmi_status": MMI_WORDS.get(r.mmi.status, r.mmi.status),
        "mmi_date": r.mmi.date or "",
        "impairments": "; ".join(
            f"{_part(i.body_part, i.laterality)} {_number(i.wpi)}% WPI" for i in r.impairments
        ),
        "combined_wpi": _number(r.combined_wpi.value),
        "apportionment": _apportionment(r),
        "work_restrictions": "; ".join(w.text for w in r.work_restrictions),
        "future_medical": yes_no(r.future_medical.provided),
        "future_medical_text": r.future_medical.text or "",
        "objection_deadline": first,
        "deadlines": every,
        "review_flags": "; ".join(dict.fromkeys(f.code for f in r.review.flags)),
    }


def render(items: Sequence[PendingExport], fmt: Format, facts: Mapping[str, CaseFacts] | None = None) -> str:
    """The export file's text: one JSON object per line, or a CSV table with a header; `facts` adds each
    record's receipt date and deadlines (`case_facts`)."""
    known = facts or {}
    if fmt == "jsonl":
        return "".join(
            json.dumps(export_row(i, known.get(i.stored.sha256)), sort_keys=True) + "\n" for i in items
        )
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for i in items:
        writer.writerow(safe_dict(csv_row(i, known.get(i.stored.sha256))))
    return buf.getvalue()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def finish_unfinished_exports(store: Store) -> list[str]:
    """Finish file exports a crash left between writing the file and recording it; returns the paths of
    those whose file was written (their rows are now marked exported, so they are not exported twice)."""
    recovered: list[str] = []
    for batch in store.unfinished_export_batches("file"):
        target = Path(batch["target"])
        try:
            written = sha256_file(target) == batch["digest"]
        except (OSError, MedlegalError):  # missing, unreadable or not a regular file: not ours
            written = False
        if written:
            store.finish_export_batch(batch["id"], "done")
            recovered.append(str(target))
            log.warning(
                "export %s was written before a crash but not recorded; %d record(s) marked exported now",
                target.name,
                len(batch["record_ids"]),
            )
        else:
            store.finish_export_batch(batch["id"], "abandoned")
            log.warning(
                "export %s never appeared (a crash while writing it); its records stay pending", target.name
            )
    return recovered


def export_file(
    store: Store,
    home: Home,
    fmt: Format,
    *,
    since: date | datetime | None = None,
    out: Path | None = None,
    timezone: str | None = None,
) -> ExportResult:
    """Write the pending records to `out` (default outbox/export-<time>-<batch>.<fmt>) and mark them
    exported; the batch is stored first, so a crash in between never exports them twice. Deadlines count
    in `timezone` (the office's; default America/Los_Angeles)."""
    finish_unfinished_exports(store)
    items = pending_exports(store, "file", since)
    data = render(items, fmt, case_facts(store, items, timezone) if items else {}).encode()
    batch_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    path = (out or home.outbox / f"export-{batch_id}.{fmt}").absolute()
    store.begin_export_batch(batch_id, "file", str(path), _digest(data), [i.stored.id for i in items])
    write_atomic(path, data)
    store.finish_export_batch(batch_id, "done")
    log.info("exported %d record(s) to %s", len(items), path)
    return ExportResult(exported=[i.key for i in items], out=path)


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_webhook_url(url: str, settings: Settings) -> None:
    """Refuse a webhook URL records must not go to: not http(s), with a user:password, or plain http to
    another machine (unless `webhook_allow_http`); raises ConfigError."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(f"the webhook URL must be https://host/…, got scheme {parts.scheme or 'none'!r}")
    if parts.username or parts.password:
        raise ConfigError(
            "the webhook URL must not carry a user name or password",
            hint="let the case system authenticate medlegal another way (its network address, a proxy)",
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname) and not settings.webhook_allow_http:
        raise ConfigError(
            f"the webhook {parts.hostname} is plain http: records would cross the network unencrypted",
            hint="use https, or set webhook_allow_http = true if the network path is protected otherwise",
        )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other non-2xx: a failed delivery, never followed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)
#: A loopback webhook is reached directly: http_proxy/https_proxy from the environment would send the
#: records to a proxy (and a proxy's 2xx would count as delivered).
_DIRECT_OPENER = urllib.request.build_opener(_NoRedirects, urllib.request.ProxyHandler({}))


def post_json(url: str, payload: dict[str, Any], key: str, timeout_s: float) -> int:
    """POST `payload` once; returns the HTTP status, raises WebhookError unless it is a 2xx from `url`
    itself (3xx included: redirects are not followed)."""
    data = json.dumps(payload).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": key, "User-Agent": "medlegal"},
    )
    try:
        opener = _DIRECT_OPENER if _is_loopback(urllib.parse.urlsplit(url).hostname or "") else _OPENER
        with opener.open(request, timeout=timeout_s) as response:
            status = int(response.status)
            answered = response.geturl()
    except urllib.error.HTTPError as e:
        if 300 <= e.code < 400:
            raise WebhookError(f"HTTP {e.code} (a redirect; not followed, not delivered)") from e
        raise WebhookError(f"HTTP {e.code}") from e
    except (urllib.error.URLError, OSError) as e:
        raise WebhookError(f"{e.__class__.__name__}: {getattr(e, 'reason', e)}") from e
    if not 200 <= status < 300:
        raise WebhookError(f"HTTP {status}")
    if answered != url:
        raise WebhookError("the answer came from another URL than the configured one; not delivered")
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


def deliver_all(
    url: str,
    settings: Settings,
    items: Iterable[tuple[str, dict[str, Any]]],
    stored: Callable[[str, bool, int, str | None], None],
) -> ExportResult:
    """POST each (Idempotency-Key, payload) with retries and hand each outcome to `stored` (which records
    it: key, delivered, attempts, last error); a store failure after a delivery is logged and raised."""
    result = ExportResult()
    for key, payload in items:
        ok, attempts, error = deliver(
            url,
            payload,
            key,
            retries=settings.webhook_retries,
            backoff_s=settings.webhook_backoff_s,
            timeout_s=settings.webhook_timeout_s,
        )
        try:
            stored(key, ok, attempts, error)
        except StoreError:
            log.error("webhook %s: delivered=%s but the store could not record it", key, ok)
            raise
        if ok:
            result.exported.append(key)
        else:
            result.failed.append((key, error or "failed"))
    return result


def export_webhook(
    store: Store, settings: Settings, url: str, *, since: date | datetime | None = None
) -> ExportResult:
    """POST every pending record to the webhook; failures are stored and retried by the next export.
    Raises ConfigError for a URL records must not go to (`check_webhook_url`)."""
    check_webhook_url(url, settings)
    items = {item.key: item for item in pending_exports(store, "webhook", since, target=url)}

    def stored(key: str, ok: bool, attempts: int, error: str | None) -> None:
        status = "ok" if ok else "failed"
        store.add_export(items[key].stored.id, "webhook", status, attempts=attempts, target=url, error=error)

    return deliver_all(url, settings, ((k, export_row(i)) for k, i in items.items()), stored)
