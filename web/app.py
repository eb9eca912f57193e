"""The paralegal review app: queue, document view with evidence, corrections, approval, uploads, dashboard.

FastAPI with server-rendered Jinja2 templates (autoescaped), plain HTML forms and one stylesheet; no
script, no front-end build. Documents are addressed by sha256 only; file paths never come from the client.
Who may call which route, from where, is `web.security` (Host and Origin checks, sessions, sign-in, CSRF
tokens signed with a server secret, security headers); every form that changes a record names the record
version it shows, and a form for an older version gets 409.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import FormData, UploadFile
from starlette.types import Receive, Scope, Send

from models.case import CaseView
from models.record import ReportRecord
from models.settings import Settings
from pipeline.cases.calendar import ics_calendar
from pipeline.cases.deadlines import REMINDER
from pipeline.cases.view import case_view, deadline_events, upcoming_deadlines
from pipeline.operations.home import Home, move_noreplace, new_run_id
from pipeline.operations.store import Store
from web.cases import case_page, case_url, parse_received, queue_columns
from web.charts import bar_chart
from web.pages import page_image
from web.ratings import parse_rating_inputs, ratings_context
from web.records import LATERALITIES, MMI_STATUSES, apply_corrections, describe_note, field_rows
from web.security import (
    UPLOAD_PATH,
    Access,
    Guard,
    actor,
    check_bind,
    check_config,
    clear_session_cookie,
    load_secret,
    security_headers,
    session_cookie,
    session_of,
    sign_in_refusal,
)
from web.uploads import UploadJob, Uploads, safe_upload_name

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


def _shown_version(form: FormData, doc: dict[str, Any]) -> None:
    """Refuse (409) a form made for a version of the record that is no longer the latest."""
    raw = form.get("version")
    try:
        shown = int(raw) if isinstance(raw, str) else None
    except ValueError:
        shown = None
    if shown is None:
        raise HTTPException(
            400, "the form does not say which version of the record it shows; reload the page"
        )
    if shown != doc["version"]:
        raise HTTPException(
            409,
            f"this record changed after you opened it: you looked at v{shown}, the latest is "
            f"v{doc['version']}. Nothing was saved. Reload the page, check the latest version and try again.",
        )


def _local_path(value: object) -> str:
    """A path on this app to go back to after a form (never another site)."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


async def save_upload(upload: UploadFile, home: Home, settings: Settings) -> tuple[str, Path]:
    """Check an uploaded file like an inbox file (size, signature) and move it into the inbox."""
    from pipeline.reading.read import detect_media_type

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
    access = Access(settings, load_secret(settings, home.root))
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

    def case_of(sha256: str) -> str | None:
        """The case page of a document, when the case index has grouped it."""
        key = next((r["case_key"] for r in store.case_index() if r["sha256"] == sha256), None)
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
        cases = {row["sha256"]: row["case_key"] for row in store.case_index()}
        for d in shown:
            key = cases.get(d["sha256"])
            d["case_href"] = case_url(key) if key else None
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
        image = page_image(home, store, settings, sha256, shown_page)
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
            case_href=case_of(sha256),
        )

    @app.get("/doc/{sha256}/page/{page}.png")
    def page_png(sha256: str, page: int) -> FileResponse:
        load(sha256)
        image = page_image(home, store, settings, sha256, page)
        if image is None:
            raise HTTPException(404, "the original of this page is not in the archive")
        return FileResponse(image.png, media_type="image/png")

    @app.post("/doc/{sha256}/edit")
    async def edit(request: Request, sha256: str) -> Response:
        form = await _form(request)
        with write_lock:
            doc = load(sha256)
            _shown_version(form, doc)
            record = ReportRecord.model_validate(doc["record"])
            new, events = apply_corrections(record, form)
            if events:
                status = (
                    "needs_review"
                    if doc["review_status"] in ("approved", "rejected")
                    else doc["review_status"]
                )
                store.save_review_version(sha256, new, status, run_id(), actor(request), events)
        return RedirectResponse(f"/doc/{sha256}", status_code=303)

    async def decide(request: Request, sha256: str, action: str) -> Response:
        form = await _form(request)
        comment = form.get("comment")
        comment = comment.strip()[:2000] if isinstance(comment, str) else ""
        if action == "rejected" and not comment:
            raise HTTPException(400, "say why the record is rejected")
        with write_lock:
            doc = load(sha256)
            _shown_version(form, doc)
            store.set_review_status(doc["record_id"], action, actor(request), action, comment or None)
        return RedirectResponse(f"/doc/{sha256}", status_code=303)

    @app.post("/doc/{sha256}/approve")
    async def approve(request: Request, sha256: str) -> Response:
        return await decide(request, sha256, "approved")

    @app.post("/doc/{sha256}/reject")
    async def reject(request: Request, sha256: str) -> Response:
        return await decide(request, sha256, "rejected")

    @app.post(UPLOAD_PATH)
    async def upload(request: Request) -> Response:
        # The token comes in the URL (or a header): it is checked before a byte of the body is parsed.
        sent = request.query_params.get("csrf") or request.headers.get("x-csrf-token")
        if not access.csrf_ok(session_of(request), sent):
            raise HTTPException(403, CSRF_REFUSED)
        errors = []
        async with request.form(max_files=settings.review_upload_max_files, max_fields=10) as form:
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
        """Without passwords: the name the audit trail records for this browser's session."""
        form = await _form(request)
        if access.passwords:
            raise HTTPException(400, "you are recorded under the name you signed in with")
        name = form.get("name")
        if isinstance(name, str) and name.strip():
            session_of(request).name = " ".join(name.split())[:64]
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
        """Sign in: a new session for the identity whose password this is (limited per client and overall)."""
        form = await _form(request)
        token = form.get("token")
        if not access.passwords or not isinstance(token, str):
            return RedirectResponse("/", status_code=303)
        client = access.client(request.scope)
        wait = access.limiter.retry_after(client)
        if wait > 0:
            message, headers = sign_in_refusal(wait)
            return render(request, "login.html", status_code=429, headers=headers, error=message)
        user = access.authenticate(token)
        if user is None:
            access.limiter.failed(client)
            return render(request, "login.html", status_code=401, error="wrong password")
        access.sessions.drop(session_of(request).id)
        response = RedirectResponse("/", status_code=303)
        session_cookie(response, access.sessions.new(user).id, access.secure(request.scope))
        return response

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        await _form(request)
        access.sessions.drop(session_of(request).id)
        response = RedirectResponse("/login" if access.passwords else "/", status_code=303)
        clear_session_cookie(response, access.secure(request.scope))
        return response

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

    return uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
        proxy_headers=False,
        server_header=False,
    )


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the review app until Ctrl-C."""
    import uvicorn

    check_bind(host, settings)
    uvicorn.Server(server_config(settings, host, port)).run()
