"""The paralegal review app: queue, document view with evidence, corrections, approval, uploads, dashboard.

FastAPI with server-rendered Jinja2 templates (autoescaped) and plain HTML forms; no front-end build.
Documents are addressed by sha256 only; file paths never come from the client. Every POST form carries a
CSRF token (double submit: a random cookie that the form must repeat). Bound to 127.0.0.1 unless a
`review_token` is configured, which is then required (HTTP Basic password, or the login form's cookie).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import queue
import re
import secrets
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import FormData, UploadFile
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from models.record import Impairment, ReportRecord
from models.settings import Settings
from pipeline.errors import ConfigError, MedlegalError
from pipeline.home import Home, move_noreplace, new_run_id
from pipeline.store import Store
from web.pages import page_image

log = logging.getLogger(__name__)

STATUSES = ("needs_review", "ready", "approved", "rejected", "exported", "failed")
CSRF_COOKIE = "medlegal_csrf"
AUTH_COOKIE = "medlegal_auth"
NAME_COOKIE = "medlegal_reviewer"
_SHA = re.compile(r"^[0-9a-f]{64}$")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_EXT = {"application/pdf": ".pdf", "image/tiff": ".tif", "image/png": ".png", "image/jpeg": ".jpg"}
LATERALITIES = ("", "left", "right", "bilateral")
MMI_STATUSES = ("reached", "not_reached", "not_stated")


# --- binding and authentication ---------------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, settings: Settings) -> None:
    """Refuse to listen beyond this machine unless a review token is configured."""
    if not is_loopback(host) and not settings.review_token:
        raise ConfigError(
            f"refusing to serve the review app on {host} without a password",
            hint="set MEDLEGAL_REVIEW_TOKEN (or review_token in medlegal.toml), or bind to 127.0.0.1",
        )


def _auth_cookie_value(token: str) -> str:
    return hmac.new(token.encode(), b"medlegal-review-login", hashlib.sha256).hexdigest()


def _basic_user(request: Request, token: str) -> str | None:
    """The HTTP Basic user name when the password is the token."""
    import base64
    import binascii

    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user or "reviewer") if hmac.compare_digest(password.encode(), token.encode()) else None


class _Guard(BaseHTTPMiddleware):
    """Authentication (when a token is set) and the CSRF cookie."""

    def __init__(self, app: Any, settings: Settings) -> None:
        super().__init__(app)
        self.token = settings.review_token

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        csrf = request.cookies.get(CSRF_COOKIE) or ""
        new_csrf = None
        if len(csrf) < 32:
            csrf = new_csrf = secrets.token_urlsafe(32)
        request.state.csrf = csrf
        request.state.user = None
        if self.token:
            user = _basic_user(request, self.token)
            cookie = request.cookies.get(AUTH_COOKIE, "")
            if user is None and hmac.compare_digest(cookie, _auth_cookie_value(self.token)):
                user = "reviewer"
            request.state.user = user
            if user is None and request.url.path not in ("/login",):
                response: Response = RedirectResponse("/login", status_code=303)
                if new_csrf:
                    _set_cookie(response, CSRF_COOKIE, new_csrf)
                return response
        response = await call_next(request)
        if new_csrf:
            _set_cookie(response, CSRF_COOKIE, new_csrf)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")
        return response


def _set_cookie(response: Response, name: str, value: str) -> None:
    response.set_cookie(name, value, httponly=True, samesite="strict", path="/")


async def _form(request: Request) -> FormData:
    """The posted form, after checking its CSRF token against the cookie."""
    form = await request.form()
    sent = form.get("csrf")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not isinstance(sent, str) or not cookie or not hmac.compare_digest(sent, cookie):
        raise HTTPException(403, "missing or wrong CSRF token; reload the page and try again")
    return form


def _actor(request: Request) -> str:
    user = getattr(request.state, "user", None)
    name = request.cookies.get(NAME_COOKIE, "").strip()
    return (name or user or "reviewer")[:128]


# --- uploads ----------------------------------------------------------------------------------------------


@dataclass
class UploadJob:
    id: str
    name: str
    stored_as: str
    status: str = "queued"
    message: str = ""
    sha256: str | None = None
    at: datetime = field(default_factory=datetime.now)


class Uploads:
    """Uploaded files waiting for (or done with) processing, one at a time on a background thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.jobs: dict[str, UploadJob] = {}
        self._queue: queue.Queue[tuple[UploadJob, Path]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, job: UploadJob, path: Path) -> None:
        self.jobs[job.id] = job
        self._queue.put((job, path))
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="medlegal-uploads", daemon=True)
                self._thread.start()

    def _work(self) -> None:
        from pipeline.batch import run_batch

        while True:
            try:
                job, path = self._queue.get(timeout=30)
            except queue.Empty:
                return
            job.status = "processing"
            try:
                summary = run_batch(self.settings, trigger="upload", files=[path], workers=1)
            except (MedlegalError, OSError) as e:
                job.status, job.message = "failed", str(e)
                continue
            except Exception as e:  # never let the worker die silently
                log.exception("upload %s failed", job.id)
                job.status, job.message = "failed", e.__class__.__name__
                continue
            if not summary.outcomes:
                job.status, job.message = "done", "picked up by another run"
                continue
            outcome = summary.outcomes[0]
            job.sha256 = outcome.sha256
            if outcome.status == "failed":
                job.status = "failed"
                job.message = outcome.error.message if outcome.error else "failed"
            else:
                job.status, job.message = "done", outcome.status


def safe_upload_name(original: str, media_type: str) -> str:
    """A generated inbox name: random prefix, the original's letters and digits, the type's extension."""
    stem = Path(original.replace("\\", "/")).name.rsplit(".", 1)[0]
    stem = _SAFE.sub("_", stem).strip("._-")[:60] or "report"
    return f"upload-{uuid.uuid4().hex[:8]}-{stem}{_EXT[media_type]}"


async def save_upload(upload: UploadFile, home: Home, settings: Settings) -> tuple[str, Path]:
    """Check an uploaded file like an inbox file (size, signature) and move it into the inbox."""
    from pipeline.read import detect_media_type

    limit = int(settings.max_file_mb * 1024 * 1024)
    tmp = home.inbox / f".upload-{uuid.uuid4().hex}.part"
    size = 0
    head = b""
    try:
        with tmp.open("xb") as f:
            tmp.chmod(0o600)
            while chunk := await upload.read(1 << 20):
                if len(head) < 1024:
                    head += chunk[: 1024 - len(head)]
                size += len(chunk)
                if size > limit:
                    raise ValueError(f"over the {settings.max_file_mb:g} MB limit")
                f.write(chunk)
        if size == 0:
            raise ValueError("the file is empty")
        media_type = detect_media_type(head)
        if media_type is None:
            raise ValueError("not a PDF or an image (unknown file signature)")
        name = safe_upload_name(upload.filename or "report", media_type)
        final = home.inbox / name
        move_noreplace(tmp, final)
        return name, final
    finally:
        tmp.unlink(missing_ok=True)


# --- record views and edits -------------------------------------------------------------------------------


def _flag_key(field_name: str) -> str:
    """`impairments[0].wpi` -> `impairments.0`; `mmi.date` -> `mmi`."""
    parts = re.sub(r"\[(\d+)\]", r".\1", field_name).split(".")
    if len(parts) > 1 and parts[1].isdigit():
        return f"{parts[0]}.{parts[1]}"
    return parts[0]


def _fmt_imp(i: Impairment) -> str:
    return f"{' '.join(x for x in (i.laterality, i.body_part) if x)} {i.wpi}% WPI"


def field_rows(record: ReportRecord) -> list[dict[str, Any]]:
    """The record's evidence-bearing fields for the document view, with their flags."""
    rows: list[dict[str, Any]] = []

    def add(key: str, label: str, value: str, evidence: Any, confidence: float | None) -> None:
        rows.append(
            {
                "key": key,
                "label": label,
                "value": value,
                "evidence": evidence,
                "confidence": confidence,
                "flags": [f for f in record.review.flags if _flag_key(f.field) == key],
            }
        )

    mmi = record.mmi
    add("mmi", "MMI", f"{mmi.status}" + (f" on {mmi.date}" if mmi.date else ""), mmi.evidence, mmi.confidence)
    for i, imp in enumerate(record.impairments):
        add(f"impairments.{i}", f"Impairment {i + 1}", _fmt_imp(imp), imp.evidence, imp.confidence)
    cw = record.combined_wpi
    if cw.value is not None or cw.evidence is not None:
        add("combined_wpi", "Combined WPI", f"{cw.value}%", cw.evidence, None)
    for i, ap in enumerate(record.apportionment):
        value = (
            f"{ap.body_part or ''} industrial {ap.industrial_pct}% / non-industrial {ap.nonindustrial_pct}%"
        )
        add(f"apportionment.{i}", f"Apportionment {i + 1}", value, ap.evidence, None)
    for i, wr in enumerate(record.work_restrictions):
        add(f"work_restrictions.{i}", f"Work restriction {i + 1}", wr.text, wr.evidence, None)
    fm = record.future_medical
    if fm.provided is not None:
        add(
            "future_medical",
            "Future medical",
            "provided" if fm.provided else "not provided",
            fm.evidence,
            None,
        )
    known = {r["key"] for r in rows}
    for f in record.review.flags:
        if _flag_key(f.field) not in known:
            add(_flag_key(f.field), f.field, "", None, None)
            known.add(_flag_key(f.field))
    return rows


def apply_corrections(record: ReportRecord, form: FormData) -> tuple[ReportRecord, list[tuple[str, str]]]:
    """The record with the form's corrections, and one (action, note JSON) event per change."""
    events: list[tuple[str, str]] = []

    def change(path: str, old: Any, new: Any, action: str = "corrected") -> None:
        events.append((action, json.dumps({"field": path, "from": old, "to": new})))

    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    mmi = record.mmi
    status = text("mmi_status") or mmi.status
    if status not in MMI_STATUSES:
        raise HTTPException(400, "unknown MMI status")
    date = text("mmi_date") or None
    updates: dict[str, Any] = {}
    if status != mmi.status:
        change("mmi.status", mmi.status, status)
        updates["status"] = status
    if date != mmi.date:
        change("mmi.date", mmi.date, date)
        updates["date"] = date
    if updates:
        mmi = mmi.model_copy(update={**updates, "confidence": 1.0})

    impairments: list[Impairment] = []
    for i, imp in enumerate(record.impairments):
        if form.get(f"imp-{i}-remove"):
            change(f"impairments[{i}]", _fmt_imp(imp), None, "removed")
            continue
        new = _impairment(text, f"imp-{i}", imp)
        for name in ("body_part", "laterality", "wpi"):
            old_v, new_v = getattr(imp, name), getattr(new, name)
            if old_v != new_v:
                change(f"impairments[{i}].{name}", old_v, new_v)
        impairments.append(new)
    if text("new-body_part") or text("new-wpi"):
        added = _impairment(text, "new", None)
        change(f"impairments[{len(impairments)}]", None, _fmt_imp(added), "added")
        impairments.append(added)

    applicant = text("applicant") or None
    claim = record.claim
    if "applicant" in form and applicant != claim.applicant:
        change("claim.applicant", claim.applicant, applicant)
        claim = claim.model_copy(update={"applicant": applicant})
    new_record = record.model_copy(update={"mmi": mmi, "impairments": impairments, "claim": claim})
    return ReportRecord.model_validate(new_record.model_dump()), events


def _impairment(text: Any, prefix: str, old: Impairment | None) -> Impairment:
    body_part = text(f"{prefix}-body_part") or (old.body_part if old else "")
    laterality = text(f"{prefix}-laterality") or None
    if laterality not in (None, "left", "right", "bilateral"):
        raise HTTPException(400, "unknown laterality")
    raw = text(f"{prefix}-wpi")
    try:
        wpi: int | float = float(raw) if raw else (old.wpi if old else 0)
    except ValueError as e:
        raise HTTPException(400, f"WPI must be a number, got {raw!r}") from e
    if isinstance(wpi, float) and wpi.is_integer():
        wpi = int(wpi)
    if not body_part or not 0 <= wpi <= 100:
        raise HTTPException(400, "an impairment needs a body part and a WPI from 0 to 100")
    if old is not None and (body_part, laterality, wpi) == (old.body_part, old.laterality, old.wpi):
        return old
    base = old.model_dump() if old else {}
    base.update({"body_part": body_part, "laterality": laterality, "wpi": wpi, "confidence": 1.0})
    return Impairment.model_validate(base)


def describe_note(note: str | None) -> str:
    """A review event's note for people: `field: old → new` for corrections, else the note itself."""
    if not note:
        return ""
    try:
        data = json.loads(note)
    except ValueError:
        return note
    if isinstance(data, dict) and "field" in data:
        return f"{data['field']}: {_show(data.get('from'))} → {_show(data.get('to'))}"
    if isinstance(data, list):
        return ", ".join(str(x) for x in data)
    return note


def _show(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


# --- the app ----------------------------------------------------------------------------------------------


def _status_of(doc: dict[str, Any]) -> str:
    if doc["review_status"] == "approved" and doc["exported"]:
        return "exported"
    return str(doc["review_status"])


def _summary(doc: dict[str, Any]) -> dict[str, Any]:
    body = json.loads(doc["body"])
    claim = body.get("claim", {})
    return {
        **doc,
        "status": _status_of(doc),
        "applicant": claim.get("applicant") or "",
        "case_numbers": claim.get("case_numbers") or [],
        "flags": [f["code"] for f in body.get("review", {}).get("flags", [])],
        "record": body,
    }


def bar_chart(items: list[tuple[str, int]], width: int = 520, bar_h: int = 18) -> dict[str, Any]:
    """Geometry of a horizontal SVG bar chart (drawn by the template)."""
    top = max((v for _, v in items), default=0) or 1
    label_w = 170
    bars = [
        {
            "label": label,
            "value": value,
            "y": i * (bar_h + 6),
            "w": round((width - label_w - 50) * value / top, 1),
        }
        for i, (label, value) in enumerate(items)
    ]
    return {
        "bars": bars,
        "width": width,
        "height": max(1, len(bars)) * (bar_h + 6),
        "bar_h": bar_h,
        "label_w": label_w,
    }


def create_app(settings: Settings) -> FastAPI:
    """The review app over the home folder and store of `settings`."""
    home = Home(settings.home).ensure()
    store = Store.for_home(home, settings.database_url)
    uploads = Uploads(settings)
    env = Environment(
        loader=PackageLoader("web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["pct"] = lambda v: "" if v is None else f"{float(v) * 100:.0f}%"
    zone = ZoneInfo(settings.timezone)
    env.filters["local"] = lambda at: at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else ""
    env.filters["describe"] = describe_note
    review_run: dict[str, str] = {}
    run_lock = threading.Lock()

    app = FastAPI(title="medlegal review", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(_Guard, settings=settings)
    app.state.uploads = uploads
    app.state.store = store

    def render(request: Request, template: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
        html = env.get_template(template).render(
            csrf=request.state.csrf, actor=_actor(request), token_required=bool(settings.review_token), **ctx
        )
        return HTMLResponse(html, status_code=status_code)

    def documents() -> list[dict[str, Any]]:
        return [_summary(d) for d in store.documents_overview()]

    def failed_intakes(known: set[str]) -> list[dict[str, Any]]:
        latest: dict[str, dict[str, Any]] = {}
        for intake in store.intakes():
            key = intake["sha256"] or intake["filename"]
            latest[key] = intake
        return [
            {"filename": i["filename"], "message": i["message"], "stage": i["stage"], "status": "failed"}
            for k, i in latest.items()
            if i["status"] == "failed" and k not in known
        ]

    def export_failures() -> list[dict[str, Any]]:
        seen: set[tuple[int, str]] = set()
        failures = []
        for e in store.exports():  # newest first: the latest attempt per record version and sink
            key = (e["record_id"], e["sink"])
            if key in seen:
                continue
            seen.add(key)
            if e["status"] == "failed":
                failures.append(e)
        return failures

    def load(sha256: str) -> dict[str, Any]:
        if not _SHA.match(sha256):
            raise HTTPException(404, "no such document")
        for d in store.documents_overview():
            if d["sha256"] == sha256:
                return _summary(d)
        raise HTTPException(404, "no such document")

    def run_id() -> str:
        import os
        import socket

        with run_lock:
            if "id" not in review_run:
                rid = f"review-{new_run_id()}"
                store.start_run(rid, "review", socket.gethostname(), os.getpid(), "review")
                review_run["id"] = rid
            return review_run["id"]

    @app.get("/", response_class=HTMLResponse)
    def queue_view(request: Request, status: str = "", q: str = "") -> HTMLResponse:
        docs = documents()
        failed = failed_intakes({d["sha256"] for d in docs})
        counts = Counter(d["status"] for d in docs)
        counts["failed"] = len(failed)
        needle = q.strip().lower()

        def hit(d: dict[str, Any]) -> bool:
            hay = [d.get("filename", ""), d.get("applicant", ""), *d.get("case_numbers", [])]
            return not needle or any(needle in (h or "").lower() for h in hay)

        shown = [d for d in docs if (not status or d["status"] == status) and hit(d)]
        shown_failed = [f for f in failed if status in ("", "failed") and hit(f)]
        if status == "failed":
            shown = []
        return render(
            request,
            "queue.html",
            docs=shown,
            failed=shown_failed,
            counts=counts,
            statuses=STATUSES,
            status=status,
            q=q,
            total=len(docs) + len(failed),
            jobs=sorted(uploads.jobs.values(), key=lambda j: j.at, reverse=True)[:20],
            export_failures=export_failures(),
        )

    @app.get("/doc/{sha256}", response_class=HTMLResponse)
    def document_view(request: Request, sha256: str, field: str = "", page: int = 0) -> HTMLResponse:
        doc = load(sha256)
        record = ReportRecord.model_validate(doc["record"])
        rows = field_rows(record)
        selected = next((r for r in rows if r["key"] == field), None)
        if selected is None:
            selected = next((r for r in rows if r["evidence"] is not None), None)
        ev = selected["evidence"] if selected else None
        shown_page = page or (ev.page if ev else 1)
        shown_page = max(1, min(shown_page, record.source.page_count or 1))
        image = page_image(home, store, sha256, shown_page)
        boxes = []
        if image is not None:
            for r in rows:
                e = r["evidence"]
                if e is None or e.bbox is None or e.page != shown_page:
                    continue
                x0, top, x1, bottom = e.bbox
                boxes.append(
                    {
                        "key": r["key"],
                        "selected": selected is not None and r["key"] == selected["key"],
                        "left": 100 * x0 / image.width_pt,
                        "top": 100 * top / image.height_pt,
                        "width": 100 * (x1 - x0) / image.width_pt,
                        "height": 100 * (bottom - top) / image.height_pt,
                    }
                )
        return render(
            request,
            "document.html",
            doc=doc,
            record=record,
            rows=rows,
            selected=selected,
            page=shown_page,
            image=image,
            boxes=boxes,
            events=store.document_events(sha256),
            exports=store.exports(doc["record_id"]),
            lateralities=LATERALITIES,
            mmi_statuses=MMI_STATUSES,
        )

    @app.get("/doc/{sha256}/page/{page}.png")
    def page_png(sha256: str, page: int) -> FileResponse:
        load(sha256)
        image = page_image(home, store, sha256, page)
        if image is None:
            raise HTTPException(404, "the original of this page is not in the archive")
        return FileResponse(image.png, media_type="image/png")

    @app.post("/doc/{sha256}/edit")
    async def edit(request: Request, sha256: str) -> Response:
        form = await _form(request)
        doc = load(sha256)
        record = ReportRecord.model_validate(doc["record"])
        new, events = apply_corrections(record, form)
        if events:
            status = (
                "needs_review" if doc["review_status"] in ("approved", "rejected") else doc["review_status"]
            )
            store.save_review_version(sha256, new, status, run_id(), _actor(request), events)
        return RedirectResponse(f"/doc/{sha256}", status_code=303)

    async def decide(request: Request, sha256: str, action: str) -> Response:
        form = await _form(request)
        doc = load(sha256)
        comment = form.get("comment")
        comment = comment.strip()[:2000] if isinstance(comment, str) else ""
        if action == "rejected" and not comment:
            raise HTTPException(400, "say why the record is rejected")
        store.set_review_status(doc["record_id"], action, _actor(request), action, comment or None)
        return RedirectResponse(f"/doc/{sha256}", status_code=303)

    @app.post("/doc/{sha256}/approve")
    async def approve(request: Request, sha256: str) -> Response:
        return await decide(request, sha256, "approved")

    @app.post("/doc/{sha256}/reject")
    async def reject(request: Request, sha256: str) -> Response:
        return await decide(request, sha256, "rejected")

    @app.post("/upload")
    async def upload(request: Request) -> Response:
        form = await _form(request)
        errors = []
        for item in form.getlist("files"):
            if not isinstance(item, UploadFile) or not item.filename:
                continue
            try:
                name, path = await save_upload(item, home, settings)
            except ValueError as e:
                errors.append(f"{item.filename}: {e}")
                continue
            uploads.submit(UploadJob(id=uuid.uuid4().hex[:12], name=item.filename, stored_as=name), path)
        if errors:
            return render(request, "error.html", status_code=400, errors=errors)
        return RedirectResponse("/", status_code=303)

    @app.get("/uploads")
    def upload_status() -> dict[str, Any]:
        return {
            j.id: {"name": j.name, "status": j.status, "message": j.message, "sha256": j.sha256}
            for j in uploads.jobs.values()
        }

    @app.post("/reviewer")
    async def set_reviewer(request: Request) -> Response:
        form = await _form(request)
        name = form.get("name")
        response = RedirectResponse(request.headers.get("referer") or "/", status_code=303)
        if isinstance(name, str) and name.strip():
            _set_cookie(response, NAME_COOKIE, name.strip()[:64])
        return response

    @app.get("/dashboard", response_class=HTMLResponse)
    def dashboard(request: Request) -> HTMLResponse:
        docs = documents()
        failed = failed_intakes({d["sha256"] for d in docs})
        per_status = Counter(d["status"] for d in docs)
        per_status["failed"] = len(failed)
        flags: Counter[str] = Counter()
        ocr_pages: Counter[str] = Counter()
        for d in docs:
            flags.update(d["flags"])
            night = d["first_seen"].astimezone(zone).strftime("%Y-%m-%d") if d["first_seen"] else "?"
            pages = d["record"].get("source", {}).get("pages", [])
            ocr_pages[night] += sum(1 for p in pages if p.get("text_source") == "ocr")
            ocr_pages.setdefault(night, 0)
        return render(
            request,
            "dashboard.html",
            status_chart=bar_chart([(s, per_status.get(s, 0)) for s in STATUSES]),
            ocr_chart=bar_chart(sorted(ocr_pages.items())[-14:]),
            flag_chart=bar_chart(flags.most_common(15)),
            total=len(docs) + len(failed),
        )

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> HTMLResponse:
        return render(request, "login.html", error="")

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = await _form(request)
        token = form.get("token")
        if not settings.review_token or not isinstance(token, str):
            return RedirectResponse("/", status_code=303)
        if not hmac.compare_digest(token.encode(), settings.review_token.encode()):
            return render(request, "login.html", status_code=401, error="wrong password")
        response = RedirectResponse("/", status_code=303)
        _set_cookie(response, AUTH_COOKIE, _auth_cookie_value(settings.review_token))
        return response

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        csrf = getattr(request.state, "csrf", "")
        html = env.get_template("error.html").render(
            errors=[str(exc.detail)], csrf=csrf, actor=_actor(request), token_required=False
        )
        return HTMLResponse(html, status_code=exc.status_code)

    return app


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the review app until Ctrl-C (no access log: paths and queries can carry names)."""
    import uvicorn

    check_bind(host, settings)
    uvicorn.run(create_app(settings), host=host, port=port, access_log=False, log_level="warning")
