"""The review app against a hostile world, probed over real HTTP on 127.0.0.1 (issue 11, items 1-7).

Each test starts the app with uvicorn as `medlegal review` does (`web.app.server_config`), in a thread.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import re
import socket
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from PIL import Image
from reportlab.pdfgen import canvas

from models.settings import Settings
from pipeline.cli import main
from pipeline.errors import ConfigError, ExitCode
from pipeline.operations.home import Home
from pipeline.operations.store import Store
from tests.support.web import csrf_of, free_port, seed_record
from web.app import check_bind, create_app, server_config
from web.render import MAX_RENDER_PIXELS
from web.security import CSP, SESSION_COOKIE, SHARED_ACTOR, Access, hash_password

SHA = "a" * 64
PAT = "pat-" + "p" * 40
SAM = "sam-" + "s" * 40
SHARED = "shared-" + "x" * 40


@contextmanager
def serving(settings: Settings) -> Iterator[tuple[str, Any]]:
    """The review app served like `medlegal review` on a free 127.0.0.1 port: its URL and the app."""
    port = free_port()
    config = server_config(settings, "127.0.0.1", port)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the review app did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", config.app
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def served(web_settings: Settings, store: Store) -> Iterator[tuple[str, Any]]:
    with serving(web_settings) as s:
        yield s


def version_of(client: httpx.Client, sha: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', client.get(f"/doc/{sha}").text)
    assert found
    return found.group(1)


def sign_in(client: httpx.Client, token: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return client.post("/login", data={"csrf": csrf_of(client, "/login"), "token": token}, headers=headers)


def status_of(store: Store, sha: str) -> str:
    return str(store.record_versions(sha)[-1].review_status)


# --- 1. DNS rebinding and cross-site requests ------------------------------------------------------------


def test_a_request_for_another_host_name_is_refused(web_settings: Settings, store: Store) -> None:
    seed_record(store, SHA, applicant="Jane Roe")
    settings = web_settings.model_copy(
        update={"review_allowed_hosts": ["review.example", "other.example:8443"]}
    )
    with serving(settings) as (base, _app):
        port = int(base.rsplit(":", 1)[1])
        refused = [
            "evil.example",
            f"evil.example:{port}",
            f"127.0.0.1:{port + 1}",
            "localhost",
            "other.example",
        ]
        for host in refused:
            r = httpx.get(f"{base}/doc/{SHA}", headers={"Host": host})
            assert r.status_code == 400, host
            assert "Jane Roe" not in r.text
        allowed = [
            f"127.0.0.1:{port}",
            f"localhost:{port}",
            f"[::1]:{port}",
            "review.example",
            "other.example:8443",
        ]
        for host in allowed:
            r = httpx.get(f"{base}/doc/{SHA}", headers={"Host": host})
            assert r.status_code == 200, host
            assert "Jane Roe" in r.text


def test_a_state_changing_request_from_another_site_is_refused(served: tuple[str, Any], store: Store) -> None:
    base, _app = served
    seed_record(store, SHA)
    c = httpx.Client(base_url=base)
    form = {"csrf": csrf_of(c), "version": "1", "comment": "ok"}
    port = int(base.rsplit(":", 1)[1])
    foreign = [
        {"Origin": "http://evil.example"},
        {"Origin": f"http://127.0.0.1:{port + 1}"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": base, "Sec-Fetch-Site": "cross-site"},
    ]
    for headers in foreign:
        r = c.post(f"/doc/{SHA}/approve", data=form, headers=headers)
        assert r.status_code == 403, headers
    assert status_of(store, SHA) == "needs_review"
    same = {"Origin": base, "Sec-Fetch-Site": "same-origin"}
    assert c.post(f"/doc/{SHA}/approve", data=form, headers=same).status_code == 303
    assert status_of(store, SHA) == "approved"


# --- 2. CSRF tokens: signed, bound to the session ----------------------------------------------------------


def test_a_csrf_token_is_signed_and_good_for_its_own_session_only(
    served: tuple[str, Any], store: Store, web_settings: Settings
) -> None:
    base, app = served
    seed_record(store, SHA)
    alice, bob = httpx.Client(base_url=base), httpx.Client(base_url=base)
    alice_token, bob_token = csrf_of(alice), csrf_of(bob)
    assert alice_token != bob_token
    url = f"/doc/{SHA}/approve"
    assert bob.post(url, data={"csrf": alice_token, "version": "1"}).status_code == 403
    # The old double-submit pair, and a session cookie the server never issued, with a matching field.
    forged = "f" * 43
    mallory = httpx.Client(base_url=base, cookies={"medlegal_csrf": forged, SESSION_COOKIE: forged})
    assert mallory.post(url, data={"csrf": forged, "version": "1"}).status_code == 403
    # A token made for Alice's session with another key.
    session_id = alice.cookies[SESSION_COOKIE]
    guessed = hmac.new(b"k" * 32, b"medlegal-csrf\0" + session_id.encode(), hashlib.sha256).digest()
    wrong_key = base64.urlsafe_b64encode(guessed).rstrip(b"=").decode()
    assert alice.post(url, data={"csrf": wrong_key, "version": "1"}).status_code == 403
    assert status_of(store, SHA) == "needs_review"
    assert alice.post(url, data={"csrf": alice_token, "version": "1"}).status_code == 303
    # The key is made once per home folder, owner-only, and outlives the app.
    secret = Path(web_settings.home) / "review-secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert app.state.access.secret == secret.read_text().strip().encode()
    assert create_app(web_settings).state.access.secret == app.state.access.secret


# --- 3. Uploads: checked before the body is read -----------------------------------------------------------


def _raw_post(port: int, path: str, headers: dict[str, str], body: bytes, timeout: float = 10) -> bytes:
    """Send a POST's headers and the first part of its body; the response's first bytes."""
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(head.encode() + body)
        return s.recv(65536)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per multipart body the app started to parse."""
    from starlette.formparsers import MultiPartParser

    calls: list[int] = []
    parse = MultiPartParser.parse

    async def spy(self: MultiPartParser) -> Any:
        calls.append(1)
        return await parse(self)

    monkeypatch.setattr(MultiPartParser, "parse", spy)
    return calls


def test_an_upload_is_refused_before_its_body_is_read(
    web_settings: Settings, store: Store, parses: list[int]
) -> None:
    settings = web_settings.model_copy(update={"review_upload_max_mb": 64})
    inbox = Home(settings.home).inbox
    with serving(settings) as (base, _app):
        port = int(base.rsplit(":", 1)[1])
        multipart = {"Content-Type": "multipart/form-data; boundary=b0undary"}
        start = b'--b0undary\r\nContent-Disposition: form-data; name="files"; filename="big.pdf"\r\n\r\n%PDF-'
        # 40 MB without a token: 403 while the client is still sending the first 64 KiB.
        answer = _raw_post(
            port, "/upload", {**multipart, "Content-Length": str(40 << 20)}, start + b"0" * 65536
        )
        assert answer.startswith(b"HTTP/1.1 403")
        # With a token: too large by its Content-Length alone.
        c = httpx.Client(base_url=base)
        token = csrf_of(c)
        cookie = {"Cookie": f"{SESSION_COOKIE}={c.cookies[SESSION_COOKIE]}"}
        answer = _raw_post(
            port, f"/upload?csrf={token}", {**multipart, **cookie, "Content-Length": str(100 << 20)}, start
        )
        assert answer.startswith(b"HTTP/1.1 413")
        assert parses == []

        # Without a Content-Length (chunked): cut off at the cap.
        def chunks() -> Iterator[bytes]:
            yield start
            for _ in range(70):
                yield b"0" * (1 << 20)

        r = c.post(f"/upload?csrf={token}", content=chunks(), headers=multipart)
        assert r.status_code == 413
        # At most review_upload_max_files files per request.
        png = io.BytesIO()
        Image.new("RGB", (20, 20), "white").save(png, format="PNG")
        files = [("files", (f"p{i}.png", png.getvalue(), "image/png")) for i in range(25)]
        r = c.post(f"/upload?csrf={token}", files=files)
        assert r.status_code == 400 and "Too many files" in r.text
    assert [p.name for p in inbox.iterdir()] == []


# --- 4. A form for an older version of the record ----------------------------------------------------------


def test_a_form_for_an_older_version_gets_409_and_changes_nothing(
    served: tuple[str, Any], store: Store
) -> None:
    base, _app = served
    seed_record(store, SHA, wpi=8)
    pat, sam = httpx.Client(base_url=base), httpx.Client(base_url=base)
    pat_csrf, sam_csrf = csrf_of(pat), csrf_of(sam)
    assert version_of(pat, SHA) == "1"
    edit = {"mmi_status": "not_stated", "imp-0-body_part": "lumbar spine", "imp-0-wpi": "9"}
    assert sam.post(f"/doc/{SHA}/edit", data={"csrf": sam_csrf, "version": "1", **edit}).status_code == 303
    stale = [
        ("approve", {"comment": "looks right"}),
        ("reject", {"comment": "wrong"}),
        ("edit", {**edit, "imp-0-wpi": "12"}),
    ]
    for action, data in stale:
        r = pat.post(f"/doc/{SHA}/{action}", data={"csrf": pat_csrf, "version": "1", **data})
        assert r.status_code == 409, action
        assert "you looked at v1, the latest is v2" in r.text and "Nothing was saved" in r.text
    assert [v.version for v in store.record_versions(SHA)] == [1, 2]
    assert status_of(store, SHA) == "needs_review"
    assert store.record_versions(SHA)[-1].record().impairments[0].wpi == 9
    r = pat.post(f"/doc/{SHA}/approve", data={"csrf": pat_csrf, "comment": "ok"})
    assert r.status_code == 400  # no version at all
    assert (
        pat.post(f"/doc/{SHA}/approve", data={"csrf": pat_csrf, "version": version_of(pat, SHA)}).status_code
        == 303
    )
    assert status_of(store, SHA) == "approved"


# --- 5. Passwords, sessions, sign-in ---------------------------------------------------------------------


def test_a_short_review_password_is_a_startup_error(
    web_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served_apps: list[Any] = []
    monkeypatch.setattr("web.app.serve", lambda *a, **k: served_apps.append(a))
    monkeypatch.setenv("MEDLEGAL_REVIEW_TOKEN", "s3cret")
    assert main(["review", "--home", str(web_settings.home), "--port", "1"]) == ExitCode.CONFIG
    assert "at least 32" in capsys.readouterr().err
    assert served_apps == []
    for update in (
        {"review_token": "x" * 31},
        {"review_users": {"pat": "p" * 31}},
        {"review_users": {"a": PAT, "b": PAT}},
    ):
        with pytest.raises(ConfigError):
            create_app(web_settings.model_copy(update=update))


def test_sessions_end_when_idle_and_at_their_age_limit(web_settings: Settings, store: Store) -> None:
    settings = web_settings.model_copy(
        update={"review_token": SHARED, "review_session_idle_s": 60, "review_session_max_s": 300}
    )
    with serving(settings) as (base, app):
        now = [1000.0]
        app.state.access.sessions.clock = lambda: now[0]
        c = httpx.Client(base_url=base)
        assert sign_in(c, SHARED).headers["location"] == "/"
        for _ in range(4):  # active: 4 x 50 s
            now[0] += 50
            assert c.get("/").status_code == 200
        now[0] += 61
        assert c.get("/").headers.get("location") == "/login"
        sign_in(c, SHARED)
        for _ in range(6):
            now[0] += 50
            assert c.get("/").status_code == 200
        now[0] += 50  # 350 s after signing in, never idle for a minute
        assert c.get("/").headers.get("location") == "/login"


def test_sign_in_is_limited_per_client_and_overall(web_settings: Settings, store: Store) -> None:
    settings = web_settings.model_copy(
        update={
            "review_token": SHARED,
            "review_login_failures": 3,
            "review_login_failures_global": 5,
            "review_trusted_proxies": ["127.0.0.1"],
        }
    )
    with serving(settings) as (base, app):
        now = [1000.0]
        app.state.access.limiter.clock = lambda: now[0]
        c = httpx.Client(base_url=base)

        def from_(ip: str) -> dict[str, str]:
            return {"X-Forwarded-For": f"203.0.113.9, {ip}"}

        for _ in range(3):
            assert sign_in(c, "wrong", from_("10.0.0.1")).status_code == 401
        refused = sign_in(c, SHARED, from_("10.0.0.1"))
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        basic = base64.b64encode(f"x:{SHARED}".encode()).decode()
        assert c.get("/", headers={**from_("10.0.0.1"), "Authorization": f"Basic {basic}"}).status_code == 429
        for _ in range(2):
            assert sign_in(c, "wrong", from_("10.0.0.2")).status_code == 401
        assert sign_in(c, SHARED, from_("10.0.0.3")).status_code == 429  # five failures in all
        now[0] += settings.review_login_window_s + 1
        assert sign_in(c, SHARED, from_("10.0.0.1")).status_code == 303
    # Without a trusted proxy, X-Forwarded-For is the client's own say-so: one client however it varies.
    with serving(settings.model_copy(update={"review_trusted_proxies": []})) as (base, _app):
        c = httpx.Client(base_url=base)
        for i in range(3):
            assert sign_in(c, "wrong", from_(f"10.0.1.{i}")).status_code == 401
        assert sign_in(c, SHARED, from_("10.0.1.9")).status_code == 429


def _session_cookie(response: httpx.Response) -> str:
    [cookie] = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{SESSION_COOKIE}=")]
    return cookie.lower()


def test_cookies_are_secure_behind_tls(web_settings: Settings, store: Store) -> None:
    proxied = web_settings.model_copy(
        update={"review_token": SHARED, "review_trusted_proxies": ["127.0.0.1"]}
    )
    tls = {"X-Forwarded-Proto": "https"}
    with serving(proxied) as (base, _app):
        assert "; secure" in _session_cookie(httpx.get(f"{base}/login", headers=tls))
        plain = _session_cookie(httpx.get(f"{base}/login"))
        assert "; secure" not in plain and "httponly" in plain and "samesite=strict" in plain
        c = httpx.Client(base_url=base)
        csrf = csrf_of(c, "/login")
        signed_in = c.post("/login", data={"csrf": csrf, "token": SHARED}, headers=tls)
        assert "; secure" in _session_cookie(signed_in)
    with serving(proxied.model_copy(update={"review_trusted_proxies": []})) as (base, _app):
        assert "; secure" not in _session_cookie(httpx.get(f"{base}/login", headers=tls))
    with serving(proxied.model_copy(update={"review_secure_cookies": True})) as (base, _app):
        assert "; secure" in _session_cookie(httpx.get(f"{base}/login"))


def test_signing_out_ends_the_session(web_settings: Settings, store: Store) -> None:
    with serving(web_settings.model_copy(update={"review_token": SHARED})) as (base, _app):
        c = httpx.Client(base_url=base)
        sign_in(c, SHARED)
        session = c.cookies[SESSION_COOKIE]
        assert c.get("/").status_code == 200
        out = c.post("/logout", data={"csrf": csrf_of(c)})
        assert out.headers["location"] == "/login"
        assert "max-age=0" in _session_cookie(out)
        replay = httpx.Client(base_url=base, cookies={SESSION_COOKIE: session})
        assert replay.get("/").headers.get("location") == "/login"


def test_the_audit_trail_records_the_signed_in_user_not_a_typed_name(
    web_settings: Settings, store: Store
) -> None:
    settings = web_settings.model_copy(
        update={"review_users": {"pat": PAT, "sam": SAM}, "review_token": SHARED}
    )
    seed_record(store, SHA)
    with serving(settings) as (base, _app):
        sam = httpx.Client(base_url=base)
        sign_in(sam, SAM)
        sam.cookies.set("medlegal_reviewer", "Mallory")
        assert 'Signed in as <b id="signed-in-as">sam</b>' in sam.get("/").text
        csrf = csrf_of(sam)
        assert sam.post("/reviewer", data={"csrf": csrf, "name": "Mallory"}).status_code == 400
        sam.post(f"/doc/{SHA}/approve", data={"csrf": csrf, "version": "1"})
        basic = base64.b64encode(f"mallory:{PAT}".encode()).decode()
        pat = httpx.Client(base_url=base, headers={"Authorization": f"Basic {basic}"})
        pat.post(f"/doc/{SHA}/reject", data={"csrf": csrf_of(pat), "version": "1", "comment": "no"})
        shared = httpx.Client(base_url=base)
        sign_in(shared, SHARED)
        shared.post(f"/doc/{SHA}/approve", data={"csrf": csrf_of(shared), "version": "1"})
    actors = [(e["action"], e["actor"]) for e in store.document_events(SHA)[1:]]
    assert actors == [("approved", "sam"), ("rejected", "pat"), ("approved", SHARED_ACTOR)]


def test_without_passwords_the_typed_name_lives_in_the_session_not_a_cookie(
    served: tuple[str, Any], store: Store
) -> None:
    base, _app = served
    seed_record(store, SHA)
    pat = httpx.Client(base_url=base)
    csrf = csrf_of(pat)
    back = pat.post("/reviewer", data={"csrf": csrf, "name": "Pat  Paralegal", "next": f"/doc/{SHA}"})
    assert back.headers["location"] == f"/doc/{SHA}"
    assert (
        pat.post("/reviewer", data={"csrf": csrf, "name": "x", "next": "//evil.example/"}).headers["location"]
        == "/"
    )
    pat.post("/reviewer", data={"csrf": csrf, "name": "Pat  Paralegal"})
    pat.cookies.set("medlegal_reviewer", "Mallory")
    pat.post(f"/doc/{SHA}/approve", data={"csrf": csrf, "version": "1"})
    other = httpx.Client(base_url=base, cookies={"medlegal_reviewer": "Mallory"})
    other.post(f"/doc/{SHA}/reject", data={"csrf": csrf_of(other), "version": "1", "comment": "no"})
    actors = [(e["action"], e["actor"]) for e in store.document_events(SHA)[1:]]
    assert actors == [("approved", "Pat Paralegal"), ("rejected", "reviewer")]


# --- 6. Security headers ----------------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(
    web_settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_record(store, SHA)
    with serving(web_settings.model_copy(update={"review_token": SHARED})) as (base, _app):
        wrong = base64.b64encode(b"x:wrong").decode()
        signed_in = httpx.Client(base_url=base)
        sign_in(signed_in, SHARED)
        responses = {
            "login redirect": httpx.get(f"{base}/"),
            "login page": httpx.get(f"{base}/login"),
            "stylesheet": httpx.get(f"{base}/static/style.css"),
            "unknown host": httpx.get(f"{base}/", headers={"Host": "evil.example"}),
            "cross-site": httpx.post(f"{base}/login", headers={"Sec-Fetch-Site": "cross-site"}),
            "too large": httpx.post(f"{base}/login", content=b"x" * (2 << 20)),
            "wrong password": httpx.get(f"{base}/", headers={"Authorization": f"Basic {wrong}"}),
            "not found": signed_in.get("/nothing-here"),
            "queue": signed_in.get("/"),
            "document": signed_in.get(f"/doc/{SHA}"),
            "sign-in redirect": sign_in(httpx.Client(base_url=base), SHARED),
        }
        monkeypatch.setattr(Access, "csrf_token", lambda *a: 1 / 0)
        responses["server error"] = httpx.Client(base_url=base, cookies=signed_in.cookies).get("/dashboard")
    statuses = {name: r.status_code for name, r in responses.items()}
    assert statuses == {
        "login redirect": 303,
        "login page": 200,
        "stylesheet": 200,
        "unknown host": 400,
        "cross-site": 403,
        "too large": 413,
        "wrong password": 401,
        "not found": 404,
        "queue": 200,
        "document": 200,
        "sign-in redirect": 303,
        "server error": 500,
    }
    for name, r in responses.items():
        assert r.headers.get("content-security-policy") == CSP, name
        assert "default-src 'self'" in CSP and "frame-ancestors 'none'" in CSP
        assert r.headers.get("x-content-type-options") == "nosniff", name
        assert r.headers.get("referrer-policy") == "same-origin", name
        assert r.headers.get("x-frame-options") == "DENY", name
    for name in ("login page", "queue", "document"):
        html = responses[name].text
        inline_script = re.search(r"<script(?![^>]*\bsrc=)", html)
        assert not inline_script and "<style" not in html and " style=" not in html, name


# --- 7. Page images ----------------------------------------------------------------------------------------


def _archived_original(store: Store, settings: Settings, make: Any) -> Path:
    """An original in the archive, recorded as SHA's processed intake."""
    path = Home(settings.home).archive / "2026-01-01" / "report.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    make(path)
    store.start_run("intake-run", "test", "host", 1, "1")
    store.add_intake("intake-run", "report.pdf", SHA, "processed", stored_as=str(path))
    return path


def _huge_page_pdf(path: Path) -> None:
    """A 200 x 200 inch page (14400 pt, the largest PDF allows) in about 1.5 KB."""
    c = canvas.Canvas(str(path), pagesize=(14400, 14400))
    c.setFont("Helvetica", 400)
    c.drawString(1000, 7000, "8% WPI for the lumbar spine.")
    c.save()


def test_a_huge_page_is_drawn_within_the_pixel_cap(
    served: tuple[str, Any], store: Store, web_settings: Settings
) -> None:
    base, _app = served
    seed_record(store, SHA)
    original = _archived_original(store, web_settings, _huge_page_pdf)
    assert original.stat().st_size < 2000
    r = httpx.get(f"{base}/doc/{SHA}/page/1.png", timeout=60)
    assert r.status_code == 200
    with Image.open(io.BytesIO(r.content)) as image:
        width, height = image.size
    assert width * height <= MAX_RENDER_PIXELS
    assert width == height and width > 1000  # scaled down, not cropped
    assert httpx.get(f"{base}/doc/{SHA}/page/2.png").status_code == 404
    doc = httpx.get(f"{base}/doc/{SHA}").text
    assert f'<img src="/doc/{SHA}/page/1.png"' in doc


def test_a_page_image_does_not_wait_for_the_pipelines_pdfium_lock(
    served: tuple[str, Any], store: Store, web_settings: Settings
) -> None:
    from pipeline.reading import read

    base, _app = served
    seed_record(store, SHA)

    def letter(path: Path) -> None:
        c = canvas.Canvas(str(path))
        c.drawString(72, 700, "8% WPI for the lumbar spine.")
        c.save()

    _archived_original(store, web_settings, letter)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:  # a batch reading a long document
        with read.PDFIUM_LOCK:
            held.set()
            release.wait(60)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    held.wait(5)
    try:
        r = httpx.get(f"{base}/doc/{SHA}/page/1.png", timeout=30)
    finally:
        release.set()
        holder.join(10)
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG")


# --- 8. Named accounts, roles, stored sessions, single sign-on (issue 20, item 6) ---------------------------

PAT_PW = "pat's long passphrase"
ADA_PW = "ada's long passphrase"


def accounts_app(settings: Settings, store: Store, **update: Any) -> TestClient:
    """The review app over `store` with two accounts, pat (reviewer) and ada (admin)."""
    if store.user("pat") is None:
        store.add_user("pat", hash_password(PAT_PW), "reviewer")
        store.add_user("ada", hash_password(ADA_PW), "admin")
    return TestClient(create_app(settings.model_copy(update=update)), base_url="http://127.0.0.1")


def account_sign_in(c: TestClient, user: str, password: str) -> Any:
    csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text)
    assert csrf
    return c.post(
        "/login", data={"csrf": csrf.group(1), "user": user, "password": password}, follow_redirects=False
    )


def test_accounts_sign_in_with_a_user_name_and_password(web_settings: Settings, store: Store) -> None:
    seed_record(store, SHA)
    c = accounts_app(web_settings, store)
    assert c.get("/", follow_redirects=False).headers["location"] == "/login"
    page = c.get("/login").text
    assert 'name="user"' in page and 'type="password" name="password"' in page
    for user, password in (("pat", "wrong password!!"), ("nobody", PAT_PW), ("", PAT_PW)):
        refused = account_sign_in(c, user, password)
        assert refused.status_code == 401 and "wrong user name or password" in refused.text
    no_csrf = c.post("/login", data={"user": "pat", "password": PAT_PW}, follow_redirects=False)
    assert no_csrf.status_code == 403
    assert account_sign_in(c, " PAT ", PAT_PW).headers["location"] == "/"
    queue = c.get("/").text
    assert 'Signed in as <b id="signed-in-as">pat</b>' in queue
    assert 'action="/reviewer"' not in queue and "Accounts</a>" not in queue  # no typed name, not an admin
    assert c.post("/reviewer", data={"csrf": csrf_of(c), "name": "Mallory"}).status_code == 400
    c.post(f"/doc/{SHA}/approve", data={"csrf": csrf_of(c), "version": "1"})
    assert [(e["action"], e["actor"]) for e in store.document_events(SHA)[1:]] == [("approved", "pat")]
    # HTTP Basic with the account's name and password works too (scripts).
    basic = base64.b64encode(f"ada:{ADA_PW}".encode()).decode()
    assert (
        'signed-in-as">ada<'
        in TestClient(c.app, base_url="http://127.0.0.1")
        .get("/", headers={"Authorization": f"Basic {basic}"})
        .text
    )
    stored = store.user("pat")
    assert stored is not None and stored["password_hash"].startswith("$argon2id$")
    assert PAT_PW not in stored["password_hash"]


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(web_settings: Settings, store: Store) -> None:
    c = accounts_app(web_settings, store)
    account_sign_in(c, "pat", PAT_PW)
    assert c.get("/", follow_redirects=False).status_code == 200
    store.update_user("pat", disabled=True)  # as `medlegal users disable pat` does, from another process
    assert c.get("/", follow_redirects=False).headers["location"] == "/login"
    refused = account_sign_in(c, "pat", PAT_PW)
    assert refused.status_code == 401 and "disabled" in refused.text
    assert "disabled" not in account_sign_in(c, "pat", "wrong password!!").text  # no hint without it
    store.update_user("pat", disabled=False)
    assert account_sign_in(c, "pat", PAT_PW).headers["location"] == "/"
    store.update_user("pat", password_hash=hash_password("a brand new passphrase"))
    assert c.get("/", follow_redirects=False).headers["location"] == "/login"
    assert account_sign_in(c, "pat", PAT_PW).status_code == 401


def test_only_an_admin_manages_accounts(web_settings: Settings, store: Store) -> None:
    c = accounts_app(web_settings, store)
    account_sign_in(c, "pat", PAT_PW)
    assert c.get("/users").status_code == 403
    csrf = csrf_of(c)
    new = {"name": "sam", "role": "admin", "password": "sam's long passphrase"}
    assert c.post("/users", data={**new, "csrf": csrf}).status_code == 403
    assert c.post("/users/ada", data={"csrf": csrf, "action": "disable"}).status_code == 403
    assert store.user("sam") is None and not store.user("ada")["disabled"]  # type: ignore[index]

    admin = TestClient(c.app, base_url="http://127.0.0.1")
    account_sign_in(admin, "ada", ADA_PW)
    page = admin.get("/")
    assert 'id="accounts-link"' in page.text
    assert "pat" in admin.get("/users").text
    csrf = csrf_of(admin, "/users")
    assert admin.post("/users", data={**new, "csrf": "x" * 43}).status_code == 403  # CSRF still checked
    assert admin.post("/users", data={**new, "csrf": csrf, "password": "short"}).status_code == 400
    assert admin.post("/users", data={**new, "csrf": csrf, "role": "root"}).status_code == 400
    assert admin.post("/users", data={**new, "csrf": csrf}, follow_redirects=False).status_code == 303
    assert admin.post("/users", data={**new, "csrf": csrf}).status_code == 409
    sam = store.user("sam")
    assert sam is not None and sam["role"] == "admin" and sam["password_hash"].startswith("$argon2id$")
    assert admin.post("/users/pat", data={"csrf": csrf, "action": "role", "role": "admin"}).status_code == 200
    assert store.user("pat")["role"] == "admin"  # type: ignore[index]
    assert c.get("/users").status_code == 200  # pat's role is read at each request
    assert (
        admin.post("/users/ada", data={"csrf": csrf, "action": "disable"}).status_code == 400
    )  # not oneself
    assert admin.post("/users/pat", data={"csrf": csrf, "action": "disable"}).status_code == 200
    assert c.get("/", follow_redirects=False).headers["location"] == "/login"


def test_a_session_survives_a_restart_of_the_app_but_not_its_idle_limit(
    web_settings: Settings, store: Store
) -> None:
    first = accounts_app(web_settings, store)
    account_sign_in(first, "pat", PAT_PW)
    cookie = first.cookies[SESSION_COOKIE]
    assert store.review_session(cookie) is None  # the store holds a digest of the id, never the id
    restarted = accounts_app(web_settings, store)  # a new app over the same home: a restart
    restarted.cookies.set(SESSION_COOKIE, cookie)
    assert 'signed-in-as">pat<' in restarted.get("/").text
    later = time.time() + web_settings.review_session_idle_s + 1
    again = accounts_app(web_settings, store)
    again.app.state.access.sessions.clock = lambda: later
    again.cookies.set(SESSION_COOKIE, cookie)
    assert again.get("/", follow_redirects=False).headers["location"] == "/login"


def test_without_accounts_the_name_is_asked_once_and_kept_across_restarts(
    web_settings: Settings, store: Store
) -> None:
    seed_record(store, SHA)
    c = TestClient(create_app(web_settings), base_url="http://127.0.0.1")
    first = c.get("/")
    assert 'id="ask-name"' in first.text and 'value="reviewer"' not in first.text
    cookie = next(h for h in first.headers.get_list("set-cookie") if h.startswith(f"{SESSION_COOKIE}="))
    assert f"max-age={int(web_settings.review_local_session_s)}" in cookie.lower()
    c.post("/reviewer", data={"csrf": csrf_of(c), "name": "Pat Paralegal"})
    restarted = TestClient(create_app(web_settings), base_url="http://127.0.0.1")
    restarted.cookies.set(SESSION_COOKIE, c.cookies[SESSION_COOKIE])
    page = restarted.get("/").text
    assert '<b id="reviewing-as">Pat Paralegal</b>' in page and 'id="ask-name"' not in page
    restarted.post(f"/doc/{SHA}/approve", data={"csrf": csrf_of(restarted), "version": "1"})
    assert store.document_events(SHA)[-1]["actor"] == "Pat Paralegal"
    # Once accounts exist the typed name no longer counts: sign in.
    store.add_user("pat", hash_password(PAT_PW), "reviewer")
    closed = TestClient(create_app(web_settings), base_url="http://127.0.0.1")
    closed.cookies.set(SESSION_COOKIE, c.cookies[SESSION_COOKIE])
    assert closed.get("/", follow_redirects=False).headers["location"] == "/login"


def test_accounts_added_while_the_app_runs_close_it(web_settings: Settings, store: Store) -> None:
    c = TestClient(create_app(web_settings), base_url="http://127.0.0.1")
    assert c.get("/", follow_redirects=False).status_code == 200
    store.add_user("ada", hash_password(ADA_PW), "admin")
    c.app.state.access._checked = -1e9  # as if ACCOUNT_CHECK_S had passed
    assert c.get("/", follow_redirects=False).headers["location"] == "/login"
    store.update_user("ada", disabled=True)
    c.app.state.access._checked = -1e9
    assert c.get("/", follow_redirects=False).headers["location"] == "/login"  # stays closed


def test_failed_account_sign_ins_are_limited(web_settings: Settings, store: Store) -> None:
    c = accounts_app(web_settings, store, review_login_failures=3)
    for _ in range(3):
        assert account_sign_in(c, "pat", "wrong password!!").status_code == 401
    assert account_sign_in(c, "pat", PAT_PW).status_code == 429


PROXY = ("10.0.0.5", 40000)
SSO = {"review_proxy_user_header": "X-Remote-User", "review_trusted_proxies": [PROXY[0]]}


def test_the_proxys_user_header_is_believed_only_from_the_trusted_proxy(
    web_settings: Settings, store: Store
) -> None:
    seed_record(store, SHA)
    app = create_app(web_settings.model_copy(update=SSO))
    via_proxy = TestClient(app, base_url="http://127.0.0.1", client=PROXY)
    page = via_proxy.get("/", headers={"X-Remote-User": "Pat@Firm.example"})
    assert 'signed-in-as">pat@firm.example<' in page.text
    pat = {"X-Remote-User": "pat@firm.example"}
    csrf = re.search(r'name="csrf" value="([^"]+)"', via_proxy.get("/", headers=pat).text)
    assert csrf
    via_proxy.post(f"/doc/{SHA}/approve", data={"csrf": csrf.group(1), "version": "1"}, headers=pat)
    assert store.document_events(SHA)[-1]["actor"] == "pat@firm.example"
    # Another user through the proxy with the same browser: a new session, not pat's.
    other = via_proxy.get("/", headers={"X-Remote-User": "sam@firm.example"})
    assert 'signed-in-as">sam@firm.example<' in other.text
    # From anywhere else the header is ignored: sign in first.
    direct = TestClient(app, base_url="http://127.0.0.1", client=("10.0.0.9", 40000))
    forged = direct.get("/", headers={"X-Remote-User": "ada"}, follow_redirects=False)
    assert forged.headers["location"] == "/login"
    # The proxy's session cookie alone, without the proxy, is nothing.
    direct.cookies.set(SESSION_COOKIE, via_proxy.cookies[SESSION_COOKIE])
    assert direct.get("/", follow_redirects=False).headers["location"] == "/login"
    # Without the header, the proxy's requests are asked to sign in like anyone's.
    assert (
        TestClient(app, client=PROXY, base_url="http://127.0.0.1")
        .get("/", follow_redirects=False)
        .headers["location"]
        == "/login"
    )
    # An account of that name gives its role; a disabled one is refused.
    store.add_user("ada", hash_password(ADA_PW), "admin")
    assert via_proxy.get("/users", headers={"X-Remote-User": "ada"}).status_code == 200
    store.update_user("ada", disabled=True)
    assert via_proxy.get("/", headers={"X-Remote-User": "ada"}).status_code == 403


def tls_files(settings: Settings) -> Settings:
    """Settings with a TLS certificate and key (placeholders: check_bind only needs them to exist)."""
    folder = Path(settings.home).parent
    (folder / "cert.pem").write_text("certificate\n")
    (folder / "key.pem").write_text("key\n")
    return settings.model_copy(
        update={"review_tls_certfile": folder / "cert.pem", "review_tls_keyfile": folder / "key.pem"}
    )


def test_single_sign_on_needs_the_proxys_address_and_opens_no_other_door(web_settings: Settings) -> None:
    with pytest.raises(ConfigError, match="review_trusted_proxies"):
        create_app(web_settings.model_copy(update={"review_proxy_user_header": "X-Remote-User"}))
    with pytest.raises(ConfigError, match="header name"):
        create_app(web_settings.model_copy(update={**SSO, "review_proxy_user_header": "X Remote"}))
    check_bind("0.0.0.0", tls_files(web_settings).model_copy(update=SSO))


def test_binding_beyond_localhost_is_allowed_once_an_account_exists(
    web_settings: Settings, store: Store
) -> None:
    web_settings = tls_files(web_settings)
    with pytest.raises(ConfigError, match="without a password"):
        check_bind("0.0.0.0", web_settings)
    store.add_user("ada", hash_password(ADA_PW), "admin")
    check_bind("0.0.0.0", web_settings)
    store.update_user("ada", disabled=True)
    with pytest.raises(ConfigError):
        check_bind("0.0.0.0", web_settings)


def test_binding_beyond_localhost_needs_tls_even_with_accounts(web_settings: Settings, store: Store) -> None:
    """Reports would cross the network in clear: no TLS files, no bind beyond this machine (issue 21)."""
    store.add_user("ada", hash_password(ADA_PW), "admin")
    with pytest.raises(ConfigError, match="without TLS"):
        check_bind("0.0.0.0", web_settings)
    missing = web_settings.model_copy(
        update={
            "review_tls_certfile": Path("/nonexistent.pem"),
            "review_tls_keyfile": Path("/nonexistent.key"),
        }
    )
    with pytest.raises(ConfigError, match="does not exist"):
        check_bind("0.0.0.0", missing)
    check_bind("0.0.0.0", tls_files(web_settings))
    assert "ssl_certfile" in vars(server_config(tls_files(web_settings), "0.0.0.0", 8443))
    assert server_config(tls_files(web_settings), "127.0.0.1", 8000).ssl_certfile is None


def test_a_settings_password_session_ends_when_that_password_changes(
    web_settings: Settings, store: Store
) -> None:
    settings = web_settings.model_copy(update={"review_users": {"pat": PAT, "sam": SAM}})
    c = TestClient(create_app(settings), base_url="http://127.0.0.1")
    csrf = csrf_of(c, "/login")
    assert c.post("/login", data={"csrf": csrf, "user": "pat", "password": PAT}).status_code == 200
    cookie = c.cookies[SESSION_COOKIE]
    for update, kept in ((settings, True), ({"review_users": {"pat": "q" * 40, "sam": SAM}}, False)):
        restarted = TestClient(
            create_app(web_settings.model_copy(update=update) if isinstance(update, dict) else update),
            base_url="http://127.0.0.1",
        )
        restarted.cookies.set(SESSION_COOKIE, cookie)
        page = restarted.get("/", follow_redirects=False)
        assert (page.status_code == 200) is kept, update


def test_static_files_make_no_session_and_a_flood_of_new_visitors_evicts_no_reviewer(
    web_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No session (no Set-Cookie) for a style sheet; a reviewer who gave a name keeps it while many
    cookie-less requests come in, more than the anonymous sessions kept in memory (issue 21)."""
    import web.security

    monkeypatch.setattr(web.security, "MAX_SESSIONS", 20)
    app = create_app(web_settings)
    plain = TestClient(app, base_url="http://127.0.0.1")
    static = plain.get("/static/style.css")
    assert static.status_code == 200 and "set-cookie" not in static.headers
    reviewer = TestClient(app, base_url="http://127.0.0.1")
    html = reviewer.get("/").text
    token = re.search(r'name="csrf" value="([^"]+)"', html)
    assert token is not None
    assert (
        reviewer.post("/reviewer", data={"name": "Pat Paralegal", "csrf": token.group(1)}).status_code < 400
    )
    for _ in range(60):
        TestClient(app, base_url="http://127.0.0.1").get("/")
    assert "Pat Paralegal" in reviewer.get("/").text
