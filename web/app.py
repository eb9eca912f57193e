"""The paralegal review app: queue, document view with evidence, corrections, approval, uploads, dashboard.

FastAPI with server-rendered Jinja2 templates (autoescaped), plain HTML forms and one stylesheet; small
script files under web/static (the document view's keys and page viewer), no front-end build. Documents are addressed by sha256 only; file paths never come from the client.
Who may call which route, from where, is `web.security` (Host and Origin checks, sessions, sign-in, CSRF
tokens signed with a server secret, security headers); every form that changes a record names the record
version it shows, and a form for an older version gets 409.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.types import Receive, Scope, Send

from models.case import CaseView
from models.record import ReportRecord
from models.settings import Settings
from pipeline.cases.calendar import ics_calendar
from pipeline.cases.deadlines import REMINDER
from pipeline.cases.view import case_view, deadline_events, upcoming_deadlines
from pipeline.errors import VersionConflict
from pipeline.operations.export import export_file, pending_exports
from pipeline.operations.home import Home, new_run_id
from pipeline.operations.store import Store
from pipeline.sanitize import printable
from web.cases import case_page, case_url, parse_received, queue_columns
from web.charts import bar_chart
from web.labels import field_label, mmi_label, status_label
from web.pages import find_text, original_path, page_image, text_pages
from web.queue import QueuePage, parse_query, queue_page, resolved, view_counts, view_tabs
from web.queue import display_row as queue_row
from web.ratings import parse_rating_inputs, ratings_context
from web.records import (
    FUTURE_MEDICAL_LABELS,
    INJURY_TYPES,
    LATERALITIES,
    MMI_STATUSES,
    apply_corrections,
    corrected_keys,
    describe_note,
    field_rows,
    fm_choice,
    note_field,
)
from web.render import RenderBusy
from web.security import (
    ROLES,
    UPLOAD_PATH,
    Access,
    Guard,
    SignInRefused,
    actor,
    check_bind,
    check_config,
    check_password,
    check_role,
    clear_session_cookie,
    hash_password,
    is_admin,
    load_secret,
    require_admin,
    security_headers,
    session_cookie,
    session_of,
    sign_in_refusal,
    user_name,
)
from web.uploads import UploadJob, Uploads, plain_error, receive

if TYPE_CHECKING:
    import uvicorn

log = logging.getLogger(__name__)

__all__ = ["check_bind", "create_app", "serve", "server_config"]

STATIC = Path(__file__).resolve().parent / "static"
CSRF_REFUSED = "missing or wrong CSRF token (or your session ended); reload the page and try again"


#: The dashboard lists the objection deadlines of the next this many days.
DEADLINE_DAYS = 14

STATUSES = ("needs_review", "ready", "approved", "rejected", "exported", "failed")


_SHA = re.compile(r"^[0-9a-f]{64}$")
_EXPORT_FILE = re.compile(r"^export-\d{8}T\d{6}-[0-9a-f]{8}\.(csv|jsonl)$")


class ReviewApp(FastAPI):
    """FastAPI that puts the security headers on every response, including Starlette's own 500 page."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, security_headers(send) if scope["type"] == "http" else send)


async def _form(request: Request) -> FormData:
    """The posted form (at most FORM_MAX_BYTES), after checking its CSRF token against the session."""
    form = await request.form()
    access: Access = request.app.state.access
    if not access.csrf_ok(session_of(request), form.get("csrf")):
        raise HTTPException(403, CSRF_REFUSED)
    return form


def _local_path(value: object) -> str:
    """A path on this app to go back to after a form (never another site)."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


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
        **queue_columns(body),
    }


def create_app(settings: Settings) -> FastAPI:
    """The review app over the home folder and store of `settings`."""
    check_config(settings)
    home = Home(settings.home).ensure()
    store = Store.for_home(home, settings.database_url)
    access = Access(settings, load_secret(settings, home.root), store)
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
    #: Held from the version check to the write, so two reviewers' forms cannot both pass the check
    #: (the store's versions are not compare-and-set).
    write_lock = threading.Lock()

    app = ReviewApp(title="medlegal review", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(Guard, access=access)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.uploads = uploads
    app.state.store = store
    app.state.access = access

    def render(
        request: Request,
        template: str,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        **ctx: Any,
    ) -> HTMLResponse:
        session = getattr(request.state, "session", None)
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            here = "/"
        html = env.get_template(template).render(
            csrf=access.csrf_token(session) if session else "",
            actor=actor(request) if session else "",
            signed_in=bool(session and session.user),
            admin=is_admin(request) if session else False,
            named=bool(session and (session.user or session.name)),
            passwords=access.passwords,
            here=here,
            **ctx,
        )
        return HTMLResponse(html, status_code=status_code, headers=headers)

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

    def load(sha256: str) -> dict[str, Any]:
        if not _SHA.match(sha256):
            raise HTTPException(404, "no such document")
        found = store.case_documents([sha256])
        if not found:
            raise HTTPException(404, "no such document")
        return _summary(found[0])

    def case_of(sha256: str) -> str | None:
        """The case page of a document, when the case index has grouped it."""
        key = store.case_keys([sha256]).get(sha256)
        return case_url(key) if key else None

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
    def queue_view(request: Request) -> HTMLResponse:
        """The queue: one page of a saved view, sorted and searched in SQL (web/queue.py)."""
        return queue_response(request)

    def queue_response(
        request: Request, status_code: int = 200, just_uploaded: list[UploadJob] | None = None
    ) -> HTMLResponse:
        session = getattr(request.state, "session", None)
        me = (session.user or session.name or "") if session else ""
        params = {k: v for k, v in request.query_params.items()} if request.method == "GET" else {}
        query = resolved(parse_query(params), me=me, timezone=settings.timezone)
        counts = store.queue_counts()
        failed = store.failed_intakes()
        counts["failed"] = len(failed)
        if query.status == "failed":
            shown = QueuePage(query=query, rows=[], total=0, pages=1)
        else:
            shown = queue_page(store, query, me=me, timezone=settings.timezone)
        keys = store.case_keys([r["sha256"] for r in shown.rows])
        rows = [queue_row(r, keys.get(r["sha256"]), zone) for r in shown.rows]
        return render(
            request,
            "queue.html",
            status_code=status_code,
            qq=shown.query,
            page=shown,
            rows=rows,
            from_q=shown.query.encoded(),
            failed=[{**f, "plain": plain_error(f.get("exit_code"))} for f in failed]
            if query.status == "failed" or (not query.status and query.view == "all" and not query.q)
            else [],
            counts=counts,
            tabs=view_tabs(
                shown.query,
                me,
                {
                    **view_counts(store, me=me, timezone=settings.timezone),
                    "all": sum(counts.values()),
                    "needs_review": counts.get("needs_review", 0),
                },
            ),
            statuses=STATUSES,
            status_label=status_label,
            me=me,
            total=sum(counts.values()),
            jobs=uploads.recent(),
            just_uploaded=just_uploaded
            or [
                uploads.jobs[i]
                for i in request.query_params.get("uploaded", "").split(",")
                if i in uploads.jobs
            ],
            export_failures=store.failed_exports(),
            upload_max_files=settings.review_upload_max_files,
        )

    @app.post("/assign")
    async def assign(request: Request) -> Response:
        """Assign the ticked records (`pick`) or one record (`one`) to the reviewer (`to=me`), to a name
        (`to=name` with `assignee_name`), or to nobody (`to=nobody`); back to the queue view it came from."""
        form = await _form(request)
        picked = [p for p in form.getlist("pick") if isinstance(p, str) and _SHA.match(p)]
        one = form.get("one")
        if isinstance(one, str) and _SHA.match(one):
            picked = [one]
        if not picked:
            raise HTTPException(400, "tick the records to assign first, then press the button again")
        to = form.get("to") or "me"
        if isinstance(one, str) and one:
            to = "me"
        session = session_of(request)
        if to == "nobody":
            name: str | None = None
        elif to == "name":
            typed = form.get("assignee_name")
            name = " ".join(typed.split())[:128] if isinstance(typed, str) else ""
            if not name:
                raise HTTPException(400, "type the name of the reviewer to assign the ticked records to")
        else:
            name = session.user or session.name
            if not name:
                raise HTTPException(
                    400, "type your name in 'Reviewing as' at the top right first, then assign again"
                )
        with write_lock:
            store.assign(picked, name, actor(request))
        back = form.get("from")
        return RedirectResponse(
            "/?" + back if isinstance(back, str) and back and "\n" not in back else "/", status_code=303
        )

    def page_view(sha256: str, rows: list[dict[str, Any]], number: int, selected: str = "") -> dict[str, Any]:
        """A page of the document for the viewer: its image (None when the original is missing) and the
        boxes of every value with evidence on it, in percent of the page."""
        try:
            image = page_image(home, store, settings, sha256, number)
        except RenderBusy:
            image = None  # the viewer shows the page as not drawn; the next turn tries again
        boxes = []
        if image is not None:
            for r in rows:
                e = r["evidence"]
                if e is None or e.bbox is None or e.page != number:
                    continue
                x0, top, x1, bottom = e.bbox
                boxes.append(
                    {
                        "key": r["key"],
                        "label": r["label"],
                        "selected": r["key"] == selected,
                        "left": 100 * x0 / image.width_pt,
                        "top": 100 * top / image.height_pt,
                        "width": 100 * (x1 - x0) / image.width_pt,
                        "height": 100 * (bottom - top) / image.height_pt,
                    }
                )
        return {
            "page": number,
            "image": f"/doc/{sha256}/page/{number}.png" if image is not None else None,
            "boxes": boxes,
        }

    def document_page(
        request: Request,
        doc: dict[str, Any],
        *,
        field: str = "",
        page: int = 0,
        from_q: str = "",
        status_code: int = 200,
        record: ReportRecord | None = None,
        submitted: Mapping[str, str] | None = None,
        errors: Mapping[str, str] | None = None,
        stale: int | None = None,
    ) -> HTMLResponse:
        """The document view: the page viewer, the values with their evidence and flags, the edit form (with
        the values a refused form sent, and its errors beside their fields), the audit trail."""
        sha256 = doc["sha256"]
        record = record or ReportRecord.model_validate(doc["record"])
        events = store.document_events(sha256)
        rows = field_rows(record, corrected_keys(events))
        selected = (
            next((r for r in rows if r["key"] == field), None)
            or next((r for r in rows if r["flags"]), None)
            or next((r for r in rows if r["evidence"] is not None), None)
            or (rows[0] if rows else None)
        )
        ev = selected["evidence"] if selected else None
        pages = max(1, record.source.page_count or 1)
        shown_page = max(1, min(page or (ev.page if ev else 1), pages))
        return render(
            request,
            "document.html",
            status_code=status_code,
            doc=doc,
            record=record,
            rows=rows,
            selected=selected,
            page=shown_page,
            pages=pages,
            view=page_view(sha256, rows, shown_page, selected["key"] if selected else ""),
            events=events,
            exports=store.exports(doc["record_id"]),
            lateralities=LATERALITIES,
            mmi_statuses=MMI_STATUSES,
            injury_types=INJURY_TYPES,
            fm_labels=FUTURE_MEDICAL_LABELS,
            fm_choice=fm_choice,
            case_href=case_of(sha256),
            from_q=from_q,
            submitted=submitted,
            errors=errors or {},
            stale=stale,
            status_label=status_label,
            mmi_label=mmi_label,
            field_label=field_label,
            note_field=note_field,
            has_original=original_path(home, store, sha256) is not None,
        )

    def from_query(value: object) -> str:
        """The queue's query string a record was opened from (`?from=`), safe to put after `/?`."""
        if not isinstance(value, str):
            return ""
        return "".join(c for c in value.lstrip("?") if c.isprintable())[:2000]

    def next_record(from_q: str, after: str, me: str) -> str | None:
        """The next record in the order of the queue view it was opened from (None at the view's end)."""
        from web.queue import next_in_view

        return next_in_view(store, from_q, after, me=me, timezone=settings.timezone)

    def after_decision(request: Request, from_q: str, sha256: str, go_next: bool) -> RedirectResponse:
        """Where a reviewer lands after a save or decision: the same record, or the next of the view (or back
        on the queue with its filter when the view has no next). A record opened from no view goes on
        through "needs review"."""
        if not go_next:
            return RedirectResponse(
                f"/doc/{sha256}" + (f"?from={quote(from_q)}" if from_q else ""), status_code=303
            )
        from_q = from_q or "view=needs_review"
        suffix = f"?from={quote(from_q)}"
        following = next_record(from_q, sha256, actor(request))
        if following is None:
            return RedirectResponse(f"/?{from_q}", status_code=303)
        return RedirectResponse(f"/doc/{following}{suffix}", status_code=303)

    def stale_of(form: FormData, doc: dict[str, Any]) -> int | None:
        """The version a form was made for when it is no longer the latest (None when it is current); 400
        when the form does not say."""
        raw = form.get("version")
        try:
            shown = int(raw) if isinstance(raw, str) else None
        except ValueError:
            shown = None
        if shown is None:
            raise HTTPException(
                400, "the form does not say which version of the record it shows; reload the page"
            )
        return shown if shown != doc["version"] else None

    def stale_page(request: Request, doc: dict[str, Any], shown: int, form: FormData) -> HTMLResponse:
        """409: the page of the version the reviewer edited, with their edits kept and a link to the newer one."""
        old = next((v for v in store.record_versions(doc["sha256"]) if v.version == shown), None)
        submitted = {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "csrf"}
        return document_page(
            request,
            doc,
            from_q=from_query(form.get("from")),
            status_code=409,
            record=old.record() if old is not None else None,
            submitted=submitted,
            stale=shown,
        )

    @app.get("/doc/{sha256}", response_class=HTMLResponse)
    def document_view(
        request: Request, sha256: str, field: str = "", page: int = 0, from_: str = Query("", alias="from")
    ) -> HTMLResponse:
        return document_page(request, load(sha256), field=field, page=page, from_q=from_query(from_))

    @app.get("/doc/{sha256}/page/{page}.png")
    def page_png(sha256: str, page: int) -> FileResponse:
        doc = load(sha256)
        pages = ReportRecord.model_validate(doc["record"]).source.page_count or 1
        if not 1 <= page <= pages:  # never start the renderer for a page the document does not have
            raise HTTPException(404, "no such page")
        try:
            image = page_image(home, store, settings, sha256, page)
        except RenderBusy:
            raise HTTPException(
                503, "pages are being drawn; try again in a moment", {"Retry-After": "5"}
            ) from None
        if image is None:
            raise HTTPException(404, "the original of this page is not in the archive")
        return FileResponse(image.png, media_type="image/png")

    @app.get("/doc/{sha256}/page/{page}.json")
    def page_json(sha256: str, page: int, field: str = "") -> dict[str, Any]:
        """A page for the viewer without reloading the record: its image address and evidence boxes."""
        doc = load(sha256)
        record = ReportRecord.model_validate(doc["record"])
        if not 1 <= page <= max(1, record.source.page_count or 1):
            raise HTTPException(404, "no such page")
        return page_view(sha256, field_rows(record), page, field)

    @app.get("/doc/{sha256}/find")
    def find(sha256: str, q: str = "") -> dict[str, Any]:
        """Where the words of `q` occur in the report's text layer (pdfplumber, on demand)."""
        load(sha256)
        original = original_path(home, store, sha256)
        if original is None:
            raise HTTPException(404, "the original of this report is not in the archive")
        pages = text_pages(original, sha256)
        hits = find_text(pages, q[:200])
        return {
            "query": q[:200],
            "text_layer": bool(pages) and any(p.words for p in pages),
            "hits": [vars(h) for h in hits],
        }

    @app.get("/doc/{sha256}/original")
    def original(sha256: str) -> FileResponse:
        """The archived original as the reviewer's browser saves it, under the name it was received as."""
        doc = load(sha256)
        path = original_path(home, store, sha256)
        if path is None:
            raise HTTPException(404, "the original of this report is not in the archive")
        source = doc["record"].get("source", {})
        name = str(source.get("filename") or doc["filename"] or f"{sha256[:12]}.pdf")
        return FileResponse(
            path,
            media_type=str(source.get("media_type") or "application/octet-stream"),
            filename=name.replace("/", "_").replace("\\", "_"),
        )

    @app.get("/doc/{sha256}/next")
    def next_view(request: Request, sha256: str, from_: str = Query("", alias="from")) -> RedirectResponse:
        """The next record of the queue view this one was opened from (the queue when there is none)."""
        load(sha256)
        return after_decision(request, from_query(from_), sha256, go_next=True)

    @app.post("/doc/{sha256}/edit")
    async def edit(request: Request, sha256: str) -> Response:
        """Save corrections (`then=save`), save and approve (`then=approve`), or save, approve and open the
        next record of the view (`then=next`). A refused form comes back with every edit and its errors."""
        form = await _form(request)
        then = form.get("then") or "save"
        from_q = from_query(form.get("from"))
        comment = form.get("comment")
        comment = printable(comment).strip()[:2000] if isinstance(comment, str) else ""
        with write_lock:
            doc = load(sha256)
            shown = stale_of(form, doc)
            if shown is not None:
                return stale_page(request, doc, shown, form)
            record = ReportRecord.model_validate(doc["record"])
            corrected = apply_corrections(record, form)
            if corrected.errors:
                submitted = {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "csrf"}
                return document_page(
                    request, doc, from_q=from_q, status_code=422, submitted=submitted, errors=corrected.errors
                )
            record_id = doc["record_id"]
            if corrected.events:
                status = doc["review_status"]
                if status in ("approved", "rejected"):
                    status = "needs_review"
                try:  # compare-and-set: another app process may have saved a version since `load`
                    saved = store.save_review_version(
                        sha256,
                        corrected.record,
                        status,
                        run_id(),
                        actor(request),
                        corrected.events,
                        expected_version=doc["version"],
                    )
                except VersionConflict:
                    return stale_page(request, load(sha256), doc["version"], form)
                record_id = saved.id
            if then in ("approve", "next"):
                try:
                    store.set_review_status(
                        record_id, "approved", actor(request), "approved", comment or None, latest_only=True
                    )
                except VersionConflict:
                    return stale_page(request, load(sha256), doc["version"], form)
        return after_decision(request, from_q, sha256, go_next=then == "next")

    async def decide(request: Request, sha256: str, action: str) -> Response:
        form = await _form(request)
        comment = form.get("comment")
        comment = printable(comment).strip()[:2000] if isinstance(comment, str) else ""
        if action == "rejected" and not comment:
            return document_page(
                request,
                load(sha256),
                from_q=from_query(form.get("from")),
                status_code=400,
                errors={"reject": "say why the record is rejected"},
            )
        with write_lock:
            doc = load(sha256)
            shown = stale_of(form, doc)
            if shown is not None:
                return stale_page(request, doc, shown, form)
            try:  # compare-and-set across app processes (the lock above covers this one)
                store.set_review_status(
                    doc["record_id"], action, actor(request), action, comment or None, latest_only=True
                )
            except VersionConflict:
                return stale_page(request, load(sha256), doc["version"], form)
        return after_decision(request, from_query(form.get("from")), sha256, go_next=bool(form.get("next")))

    @app.post("/doc/{sha256}/approve")
    async def approve(request: Request, sha256: str) -> Response:
        return await decide(request, sha256, "approved")

    @app.post("/doc/{sha256}/reject")
    async def reject(request: Request, sha256: str) -> Response:
        return await decide(request, sha256, "rejected")

    @app.post(UPLOAD_PATH)
    async def upload(request: Request) -> Response:
        """Check and queue each uploaded file; a result per file (JSON for the page's script, else the
        queue with the results on top: 303, or 400 when no file was accepted)."""
        # The token comes in the URL (or a header): it is checked before a byte of the body is parsed.
        sent = request.query_params.get("csrf") or request.headers.get("x-csrf-token")
        if not access.csrf_ok(session_of(request), sent):
            raise HTTPException(403, CSRF_REFUSED)
        async with request.form(max_files=settings.review_upload_max_files, max_fields=10) as form:
            jobs = await receive(form.getlist("files"), home, settings, store, uploads, actor(request))
        accepted = any(j.status != "failed" for j in jobs)
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(
                {"results": [j.as_json() for j in jobs]}, status_code=200 if accepted or not jobs else 400
            )
        if not jobs:
            raise HTTPException(400, "choose one or more files to upload (PDF, TIFF, PNG or JPEG)")
        if not accepted:
            return queue_response(request, status_code=400, just_uploaded=jobs)
        return RedirectResponse("/?uploaded=" + ",".join(j.id for j in jobs), status_code=303)

    @app.get("/uploads")
    def upload_status() -> dict[str, Any]:
        """The recent uploads and their state, for the queue page's script."""
        return {j.id: j.as_json() for j in uploads.recent(100)}

    @app.post("/reviewer")
    async def set_reviewer(request: Request) -> Response:
        """Without passwords: the name the audit trail records for this browser's session."""
        form = await _form(request)
        if access.passwords:
            raise HTTPException(400, "you are recorded under the name you signed in with")
        name = form.get("name")
        if isinstance(name, str) and name.strip():
            await run_in_threadpool(access.sessions.rename, session_of(request), " ".join(name.split())[:64])
        return RedirectResponse(_local_path(form.get("next")), status_code=303)

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
            deadlines=[
                {**d.model_dump(), "href": case_url(d.case_key)}
                for d in upcoming_deadlines(store, today(), days=DEADLINE_DAYS, timezone=settings.timezone)
            ],
            deadline_days=DEADLINE_DAYS,
            reminder=REMINDER,
        )

    def today() -> date:
        return datetime.now(zone).date()

    def find_case(key: str) -> CaseView:
        view = case_view(store, key=key, today=today(), timezone=settings.timezone) if key else None
        if view is None:
            raise HTTPException(404, "no such case")
        return view

    @app.get("/case/{key:path}", response_class=HTMLResponse)
    def case_page_view(request: Request, key: str) -> HTMLResponse:
        view = find_case(key)
        shas = {r.sha256 for r in view.reports} | {d for r in view.reports for d in r.duplicates}
        overview = {d["sha256"]: d for d in store.case_documents(sorted(shas))}
        bodies = {sha: json.loads(d["body"]) for sha, d in overview.items()}
        filenames = {sha: d["filename"] for sha, d in overview.items()}
        ratings = ratings_context(view, bodies, request.query_params.get("occupation"))
        return render(request, "case.html", case=case_page(view, bodies, filenames), ratings=ratings)

    @app.post("/case/{key:path}/received")
    async def case_received(request: Request, key: str) -> Response:
        """Set received dates: one report (`sha256`, `received`), or several at once from the case page
        (`received:<sha256>` per report, saved where it differs from `shown:<sha256>`; and `received_all`
        for every report ticked in `pick`). All or nothing: one bad date refuses the whole form."""
        form = await _form(request)
        view = find_case(key)
        names = {r.sha256: r.filename for r in view.reports}
        shas = set(names) | {d for r in view.reports for d in r.duplicates}
        day = today()

        def parsed(raw: object, where: str = "") -> date:
            try:
                return parse_received(raw, day)
            except ValueError as e:
                raise HTTPException(400, f"{where}: {e}" if where else str(e)) from None

        changes: dict[str, date] = {}
        if "sha256" in form:
            sha = form.get("sha256")
            if not isinstance(sha, str) or sha not in shas:
                raise HTTPException(400, "that report is not part of this case; reload the page")
            changes[sha] = parsed(form.get("received"))
        else:
            for name, raw in form.multi_items():
                if not name.startswith("received:"):
                    continue
                sha = name.removeprefix("received:")
                if sha not in shas:
                    raise HTTPException(400, "that report is not part of this case; reload the page")
                if not isinstance(raw, str) or not raw.strip() or raw.strip() == form.get(f"shown:{sha}"):
                    continue
                when = parsed(raw, names.get(sha, sha[:12]))
                if when.isoformat() != form.get(f"shown:{sha}"):
                    changes[sha] = when
            picked = [p for p in form.getlist("pick") if isinstance(p, str)]
            if picked:
                if any(p not in shas for p in picked):
                    raise HTTPException(400, "that report is not part of this case; reload the page")
                changes.update(dict.fromkeys(picked, parsed(form.get("received_all"), "the ticked reports")))
            if not changes:
                raise HTTPException(
                    400, "no received date changed: edit a date, or tick reports and give one date for them"
                )
        with write_lock:
            store.set_received_many(changes, actor(request))
        return RedirectResponse(case_url(view.key), status_code=303)

    @app.post("/case/{key:path}/rating-inputs")
    async def case_rating_inputs(request: Request, key: str) -> Response:
        """Set the occupation (a group and title of the schedule), date of birth and weekly earnings every
        report of the case is rated with."""
        form = await _form(request)
        view = find_case(key)
        try:
            inputs = parse_rating_inputs(dict(form.items()), today())
        except ValueError as e:
            raise HTTPException(400, str(e)) from None
        with write_lock:
            store.set_rating_inputs(view.key, actor(request), **inputs)
        return RedirectResponse(case_url(view.key) + "#ratings", status_code=303)

    @app.post("/case/{key:path}/represented")
    async def case_represented(request: Request, key: str) -> Response:
        form = await _form(request)
        view = find_case(key)
        choice = form.get("represented")
        if choice not in ("yes", "no"):
            raise HTTPException(400, "say whether the applicant is represented (yes or no)")
        with write_lock:
            store.set_represented(view.key, choice == "yes", actor(request))
        return RedirectResponse(case_url(view.key), status_code=303)

    @app.post("/case/{key:path}/controlling")
    async def case_controlling(request: Request, key: str) -> Response:
        """Set the report the case relies on (`sha256` of one of its reports), or clear it (empty)."""
        form = await _form(request)
        view = find_case(key)
        sha = form.get("sha256")
        shas = {r.sha256 for r in view.reports} | {d for r in view.reports for d in r.duplicates}
        if not isinstance(sha, str) or (sha and sha not in shas):
            raise HTTPException(400, "that report is not part of this case; reload the page")
        with write_lock:
            store.set_controlling_report(view.key, sha or None, actor(request))
        return RedirectResponse(case_url(view.key), status_code=303)

    def export_files() -> list[dict[str, Any]]:
        """The export files in the outbox, newest first (at most 20)."""
        found = [p for p in home.outbox.glob("export-*") if _EXPORT_FILE.match(p.name) and p.is_file()]
        found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        return [
            {
                "name": p.name,
                "size": p.stat().st_size,
                "at": datetime.fromtimestamp(p.stat().st_mtime, zone).strftime("%Y-%m-%d %H:%M"),
            }
            for p in found[:20]
        ]

    def export_page(request: Request, message: str = "", status_code: int = 200) -> HTMLResponse:
        pending = [
            {
                "sha256": p.stored.sha256,
                "version": p.stored.version,
                "approved_at": p.approved_at,
                "approved_by": p.approved_by,
                "filename": (record := p.stored.record()).source.filename,
                "applicant": record.claim.applicant,
                "case_numbers": record.claim.case_numbers,
            }
            for p in pending_exports(store, "file")
        ]
        return render(
            request,
            "export.html",
            status_code=status_code,
            pending=pending,
            files=export_files(),
            message=message,
            exported_label=status_label("exported"),
        )

    @app.get("/export", response_class=HTMLResponse)
    def export_view(request: Request) -> HTMLResponse:
        return export_page(request)

    @app.post("/export")
    async def export_download(request: Request) -> Response:
        """Write the approved records not yet exported to a file in the outbox (as `medlegal export`
        does), mark them exported, and send the file as a download."""
        form = await _form(request)
        fmt = form.get("format")
        if fmt not in ("csv", "jsonl"):
            raise HTTPException(400, "choose CSV or JSONL")
        with write_lock:
            if not pending_exports(store, "file"):
                return export_page(request, "Nothing to export: every approved record has been exported.")
            result = export_file(store, home, "csv" if fmt == "csv" else "jsonl", timezone=settings.timezone)
        if result.out is None:
            raise HTTPException(500, "the export wrote no file; try again, or run `medlegal export`")
        return FileResponse(
            result.out,
            filename=result.out.name,
            media_type="text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson",
        )

    @app.get("/export/files/{name}")
    def export_again(name: str) -> FileResponse:
        """An earlier export file, again (nothing is marked)."""
        path = home.outbox / name
        if not _EXPORT_FILE.match(name) or not path.is_file():
            raise HTTPException(404, "no such export file")
        kind = "text/csv; charset=utf-8" if name.endswith(".csv") else "application/x-ndjson"
        return FileResponse(path, filename=name, media_type=kind)

    @app.get("/deadlines.ics")
    def deadlines_ics() -> Response:
        body = ics_calendar(deadline_events(store, timezone=settings.timezone))
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="medlegal-deadlines.ics"'},
        )

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> HTMLResponse:
        return render(request, "login.html", error="")

    @app.post("/login")
    async def login(request: Request) -> Response:
        """Sign in with a user name and password: a new session for that identity (failures limited per
        client and overall). `token` is the password field's older name."""
        form = await _form(request)
        user = form.get("user")
        password = form.get("password", form.get("token"))
        if not access.passwords or not isinstance(password, str):
            return RedirectResponse("/", status_code=303)
        user = user if isinstance(user, str) else ""
        client = access.client(request.scope)
        wait = access.limiter.retry_after(client)
        if wait > 0:
            message, headers = sign_in_refusal(wait)
            return render(request, "login.html", status_code=429, headers=headers, error=message, user=user)
        try:
            identity = await run_in_threadpool(access.sign_in, user, password)
        except SignInRefused as e:
            access.limiter.failed(client)
            return render(request, "login.html", status_code=401, error=str(e), user=user)
        await run_in_threadpool(access.sessions.drop, session_of(request).id)
        fresh = await run_in_threadpool(
            lambda: access.sessions.new(
                identity.name, kind=identity.kind, role=identity.role, name=identity.mark
            )
        )
        response = RedirectResponse("/", status_code=303)
        session_cookie(response, fresh.id, access.secure(request.scope), access.cookie_age())
        return response

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        await _form(request)
        await run_in_threadpool(access.sessions.drop, session_of(request).id)
        response = RedirectResponse("/login" if access.passwords else "/", status_code=303)
        clear_session_cookie(response, access.secure(request.scope))
        return response

    @app.get("/users", response_class=HTMLResponse)
    def users_page(request: Request) -> HTMLResponse:
        """Administrators: the accounts, a form to add one, and enable / disable / role / password."""
        require_admin(request)
        return render(request, "users.html", users=store.users(), roles=ROLES, me=actor(request))

    @app.post("/users")
    async def users_add(request: Request) -> Response:
        require_admin(request)
        form = await _form(request)
        raw_name, role, password = (form.get(k) for k in ("name", "role", "password"))
        try:
            name = user_name(raw_name if isinstance(raw_name, str) else "")
            check_role(role if isinstance(role, str) else "")
            check_password(password if isinstance(password, str) else "", name)
        except ValueError as e:
            raise HTTPException(400, str(e)) from None
        assert isinstance(role, str) and isinstance(password, str)
        hashed = await run_in_threadpool(hash_password, password)
        if not store.add_user(name, hashed, role):
            raise HTTPException(409, f"there is already an account named {name}; pick another name")
        log.info("an administrator added an account")
        return RedirectResponse("/users", status_code=303)

    @app.post("/users/{name}")
    async def users_change(request: Request, name: str) -> Response:
        """One change to an account: `action` is disable, enable, role (with `role`) or password (with
        `password`). An administrator cannot disable or demote themself (someone must stay admin)."""
        require_admin(request)
        form = await _form(request)
        action = form.get("action")
        if store.user(name) is None:
            raise HTTPException(404, "no such account")
        if name == actor(request) and action in ("disable", "role"):
            raise HTTPException(
                400, "you cannot disable or change your own account; ask another administrator"
            )
        try:
            if action == "disable":
                store.update_user(name, disabled=True)
            elif action == "enable":
                store.update_user(name, disabled=False)
            elif action == "role":
                role = form.get("role")
                store.update_user(name, role=check_role(role if isinstance(role, str) else ""))
            elif action == "password":
                password = form.get("password")
                password = password if isinstance(password, str) else ""
                check_password(password, name)
                store.update_user(name, password_hash=await run_in_threadpool(hash_password, password))
            else:
                raise HTTPException(400, "unknown change; reload the page")
        except ValueError as e:
            raise HTTPException(400, str(e)) from None
        return RedirectResponse("/users", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return render(
            request, "error.html", status_code=exc.status_code, headers=exc.headers, errors=[exc.detail]
        )

    return app


def server_config(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> uvicorn.Config:
    """How uvicorn serves the review app: no access log (paths and queries can carry names), and no
    X-Forwarded-* handling of its own (`review_trusted_proxies` decides whom to believe)."""
    import uvicorn

    from web.security import is_loopback
    from web.serving import uvicorn_options

    tls = not is_loopback(host)  # check_bind refuses a non-loopback address without the TLS files
    return uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
        proxy_headers=False,
        server_header=False,
        **uvicorn_options(
            header_timeout_s=settings.review_header_timeout_s,
            max_connections=settings.review_max_connections,
            certfile=str(settings.review_tls_certfile) if tls and settings.review_tls_certfile else None,
            keyfile=str(settings.review_tls_keyfile) if tls and settings.review_tls_keyfile else None,
        ),
    )


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the review app until Ctrl-C."""
    import uvicorn

    check_bind(host, settings)
    uvicorn.Server(server_config(settings, host, port)).run()
