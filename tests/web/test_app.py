"""The review app without a browser: CSRF, escaping, binding, authentication, uploads, corrections."""

from __future__ import annotations

import base64
import json
import re

import pytest
from fastapi.testclient import TestClient

from models.settings import Settings
from pipeline.cli import main
from pipeline.errors import ConfigError, ExitCode
from pipeline.operations.store import Store
from tests.support.web import csrf_of, seed_record
from web.app import check_bind, create_app

SHA = "a" * 64
TOKEN = "s3cret-" + "x" * 32
LOCAL = "http://127.0.0.1"


def test_script_in_a_report_renders_as_text(client: TestClient, store: Store) -> None:
    seed_record(store, SHA, applicant="<script>alert('x')</script>Roe")
    for path in ("/", f"/doc/{SHA}"):
        html = client.get(path).text
        assert "&lt;script&gt;alert(" in html
        assert "<script>alert(" not in html


def test_post_without_or_with_a_wrong_csrf_token_is_refused(client: TestClient, store: Store) -> None:
    stored = seed_record(store, SHA)
    assert client.post(f"/doc/{SHA}/approve", data={"comment": "ok", "version": "1"}).status_code == 403
    wrong = {"csrf": "x" * 43, "comment": "ok", "version": "1"}
    assert client.post(f"/doc/{SHA}/approve", data=wrong).status_code == 403
    assert store.record_by_id(stored.id).review_status == "needs_review"  # type: ignore[union-attr]
    ok = client.post(
        f"/doc/{SHA}/approve", data={"csrf": csrf_of(client), "version": "1"}, follow_redirects=False
    )
    assert ok.status_code == 303
    assert store.record_by_id(stored.id).review_status == "approved"  # type: ignore[union-attr]


def test_every_post_form_carries_the_csrf_token(client: TestClient, store: Store) -> None:
    seed_record(store, SHA)
    token = csrf_of(client)
    for path in ("/", f"/doc/{SHA}"):
        forms = re.findall(r'<form method="post"(.*?)</form>', client.get(path).text, re.S)
        assert forms
        for form in forms:  # in a hidden field, or in the URL for uploads (checked before the body is read)
            assert f'name="csrf" value="{token}"' in form or f"?csrf={token}" in form


def test_binding_beyond_localhost_needs_a_token(web_settings: Settings) -> None:
    check_bind("127.0.0.1", web_settings)
    check_bind("::1", web_settings)
    with pytest.raises(ConfigError, match="without TLS"):
        check_bind("0.0.0.0", web_settings)
    from tests.web.test_security import tls_files

    with pytest.raises(ConfigError, match="without a password"):
        check_bind("0.0.0.0", tls_files(web_settings))
    check_bind("0.0.0.0", tls_files(web_settings).model_copy(update={"review_token": TOKEN}))
    code = main(["review", "--home", str(web_settings.home), "--host", "0.0.0.0", "--port", "1"])
    assert code == ExitCode.CONFIG


def test_a_configured_token_is_required(web_settings: Settings, store: Store) -> None:
    seed_record(store, SHA)
    app = create_app(web_settings.model_copy(update={"review_token": TOKEN}))
    c = TestClient(app, base_url=LOCAL)
    assert c.get("/", follow_redirects=False).headers["location"] == "/login"
    basic = base64.b64encode(f"pat:{TOKEN}".encode()).decode()
    assert (
        TestClient(app, base_url=LOCAL).get("/", headers={"Authorization": f"Basic {basic}"}).status_code
        == 200
    )
    wrong = base64.b64encode(b"pat:nope").decode()
    assert c.get("/", headers={"Authorization": f"Basic {wrong}"}, follow_redirects=False).status_code == 401
    csrf = csrf_of(c, "/login")
    assert c.post("/login", data={"csrf": csrf, "token": "nope"}).status_code == 401
    c.post("/login", data={"csrf": csrf, "token": TOKEN})
    assert SHA in c.get("/").text


def test_an_upload_that_is_not_a_report_is_refused(client: TestClient, web_settings: Settings) -> None:
    files = [("files", ("notes.txt", b"hello, not a pdf", "text/plain"))]
    r = client.post("/upload", params={"csrf": csrf_of(client)}, files=files)
    assert r.status_code == 400
    assert "unknown file signature" in r.text
    assert list((web_settings.home / "inbox").iterdir()) == []


def test_documents_are_addressed_by_sha256_only(client: TestClient) -> None:
    assert client.get("/doc/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get(f"/doc/{'b' * 64}/page/1.png").status_code == 404


def test_corrections_make_a_new_version_with_an_audit_trail(client: TestClient, store: Store) -> None:
    seed_record(store, SHA, wpi=8)
    csrf = csrf_of(client)
    client.post("/reviewer", data={"csrf": csrf, "name": "Pat"})
    form = {
        "csrf": csrf,
        "version": "1",
        "mmi_status": "reached",
        "mmi_date": "2025-03-01",
        "imp-0-body_part": "lumbar spine",
        "imp-0-laterality": "",
        "imp-0-wpi": "10",
        "new-body_part": "knee",
        "new-laterality": "left",
        "new-wpi": "4",
    }
    assert client.post(f"/doc/{SHA}/edit", data=form, follow_redirects=False).status_code == 303
    versions = store.record_versions(SHA)
    assert [v.version for v in versions] == [1, 2]
    record = versions[-1].record()
    assert [(i.body_part, i.laterality, i.wpi) for i in record.impairments] == [
        ("lumbar spine", None, 10),
        ("knee", "left", 4),
    ]
    assert record.mmi.status == "reached" and record.mmi.date == "2025-03-01"
    events = [(e["action"], e["actor"], json.loads(e["note"])) for e in store.document_events(SHA)[1:]]
    assert ("corrected", "Pat", {"field": "impairments[0].wpi", "from": 8, "to": 10}) in events
    assert ("added", "Pat", {"field": "impairments[1]", "from": None, "to": "left knee 4% WPI"}) in events
    remove = {**form, "version": "2", "imp-1-remove": "1", "new-body_part": "", "new-wpi": ""}
    remove.update({"imp-1-body_part": "knee", "imp-1-laterality": "left", "imp-1-wpi": "4"})
    client.post(f"/doc/{SHA}/edit", data=remove)
    assert len(store.record_versions(SHA)[-1].record().impairments) == 1
    assert "Impairment 2: left knee 4% WPI → —" in client.get(f"/doc/{SHA}").text


def test_reject_needs_a_comment(client: TestClient, store: Store) -> None:
    stored = seed_record(store, SHA)
    csrf = csrf_of(client)
    empty = {"csrf": csrf, "version": "1", "comment": ""}
    assert client.post(f"/doc/{SHA}/reject", data=empty).status_code == 400
    client.post(f"/doc/{SHA}/reject", data={**empty, "comment": "wrong applicant"})
    assert store.record_by_id(stored.id).review_status == "rejected"  # type: ignore[union-attr]
    assert "Rejected (1)" in client.get("/").text


def test_queue_filters_and_searches(client: TestClient, store: Store) -> None:
    seed_record(store, SHA, applicant="Jane Roe")
    seed_record(store, "c" * 64, applicant="John Doe")
    html = client.get("/", params={"q": "roe"}).text
    assert "Jane Roe" in html and "John Doe" not in html
    assert "John Doe" not in client.get("/", params={"status": "approved"}).text
    assert "Needs review (2)" in client.get("/").text
    assert client.get("/dashboard").text.count("<rect") >= 6
