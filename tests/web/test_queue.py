"""The review queue over HTTP (the real app, a real SQLite store): sorting, paging, saved views, search,
assignment, the next record of a view, and uploads with a result per file."""

from __future__ import annotations

import base64
import json
import os
import re
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from models.record import (
    Claim,
    CombinedWpi,
    Evaluator,
    Evidence,
    Flag,
    Impairment,
    Report,
    ReportRecord,
    Review,
    Source,
)
from models.settings import Settings
from pipeline.operations.home import Home
from pipeline.operations.queue_index import name_sort_key, search_terms
from pipeline.operations.store import Store
from tests.support.web import csrf_of
from web.app import create_app
from web.queue import PAGE_SIZE, next_in_view, parse_query

LOCAL = "http://127.0.0.1"


def _sha(n: int) -> str:
    return f"{n:064x}"


def _seed(
    store: Store,
    n: int,
    *,
    applicant: str | None = "Jane Roe",
    evaluator: str | None = "Dr. Pat Tran",
    case: str | None = "ADJ1234567",
    wpi: float | None = 8,
    flagged: bool = False,
    kind: str | None = "QME",
    report_date: str | None = "2026-03-01",
    filename: str | None = None,
) -> str:
    """Store one small record; returns its sha256."""
    sha = _sha(n)
    run_id = f"seed-{uuid.uuid4().hex[:8]}"
    store.start_run(run_id, "test", "host", os.getpid(), "1")
    flags = [Flag.of("LOW_CONFIDENCE", "impairments[0].wpi", "check it")] if flagged else []
    record = ReportRecord(
        source=Source(
            filename=filename or f"r{n:03d}.pdf", sha256=sha, media_type="application/pdf", page_count=1
        ),
        report=Report(type=kind, report_date=report_date, evaluator=Evaluator(name=evaluator)),  # type: ignore[arg-type]
        claim=Claim(applicant=applicant, case_numbers=[case] if case else []),
        impairments=[
            Impairment(
                body_part="lumbar spine",
                wpi=wpi,
                evidence=Evidence(page=1, text=f"{wpi}% WPI.", bbox=[72, 100, 300, 112]),
                confidence=0.9,
            )
        ]
        if wpi is not None
        else [],
        combined_wpi=CombinedWpi(value=wpi),
        review=Review(status="needs_review" if flagged else "ready", flags=flags),
        rules_version="1",
    )
    store.save_record(record, run_id)
    return sha


def _order(html: str) -> list[str]:
    """The sha256 of each queue row, top to bottom."""
    return re.findall(r'<tr data-sha="([0-9a-f]{64})">', html)


def test_search_terms_and_family_name_sort_keys() -> None:
    assert search_terms("Abernathy, Raymond") == ["abernathy", "raymond"]
    assert search_terms("  raymond   ABERNATHY ") == ["raymond", "abernathy"]
    assert search_terms("ADJ-7616449") == ["adj", "7616449"]
    assert name_sort_key("Raymond Abernathy Jr.") == "abernathy raymond"
    assert name_sort_key("Abernathy, Raymond") == "abernathy raymond"
    assert name_sort_key("José Núñez") == "nunez jose"


def test_columns_sort_both_ways_with_empty_values_last(client: TestClient, store: Store) -> None:
    a = _seed(store, 1, applicant="Raymond Abernathy", evaluator="Dr. Zed Young", wpi=12)
    b = _seed(store, 2, applicant="Maria Garcia", evaluator="Dr. Ana Ruiz", wpi=3)
    c = _seed(store, 3, applicant=None, evaluator=None, wpi=None)
    assert _order(client.get("/?sort=applicant&dir=asc").text) == [a, b, c]
    assert _order(client.get("/?sort=applicant&dir=desc").text) == [b, a, c]
    assert _order(client.get("/?sort=evaluator&dir=asc").text) == [b, a, c]  # Ruiz before Young
    assert _order(client.get("/?sort=wpi&dir=desc").text) == [a, b, c]
    assert _order(client.get("/?sort=wpi&dir=asc").text) == [b, a, c]
    html = client.get("/?sort=wpi&dir=asc").text
    assert 'aria-sort="ascending"' in html
    assert 'href="/?sort=wpi"' in html  # clicking the sorted column turns it round


def test_received_column_uses_the_best_evidence_and_sorts_newest_first(
    client: TestClient, store: Store
) -> None:
    old = _seed(store, 1)
    new = _seed(store, 2)
    store.set_received(old, "2026-01-05", "Pat")
    html = client.get("/").text
    assert _order(html) == [new, old]
    assert re.search(r'class="received" title="set by a person">2026-01-05<', html)
    assert _order(client.get("/?dir=asc").text) == [old, new]


def test_pages_of_fifty_and_a_page_past_the_end_shows_the_last(client: TestClient, store: Store) -> None:
    shas = [_seed(store, n, applicant=f"Person {n:03d}") for n in range(PAGE_SIZE * 2 + 7)]
    first = client.get("/?sort=file&dir=asc").text
    assert len(_order(first)) == PAGE_SIZE
    assert f"1–{PAGE_SIZE} of {len(shas)}" in first
    assert "Page 1 of 3" in first
    third = client.get("/?sort=file&dir=asc&page=3").text
    assert _order(third) == shas[PAGE_SIZE * 2 :]
    assert _order(client.get("/?sort=file&dir=asc&page=99").text) == shas[PAGE_SIZE * 2 :]
    seen = set()
    for page in (1, 2, 3):
        seen.update(_order(client.get(f"/?sort=file&dir=asc&page={page}").text))
    assert seen == set(shas)


def test_saved_views(client: TestClient, store: Store, web_settings: Settings) -> None:
    today = _seed(store, 1, flagged=True, case="ADJ7616449", applicant="Raymond Abernathy")
    older = _seed(store, 2, case="ADJ1111111", applicant="Maria Garcia")
    store.set_received(older, "2026-01-05", "Pat")
    approved = _seed(store, 3, case="ADJ2222222", applicant="Luis Lopez")
    record = store.latest_record(approved)
    assert record is not None
    store.set_review_status(record.id, "approved", "Pat", "approved", None)
    store.assign([older], "Pat Paralegal", "Sam")

    assert _order(client.get("/?view=new_today").text) == [approved, today]
    assert _order(client.get("/?view=needs_review").text) == [today]
    assert _order(client.get("/?view=flagged").text) == [today]
    assert _order(client.get("/?view=by_case").text) == [older, approved, today]  # by case number
    assert _order(client.get("/?status=approved").text) == [approved]
    # Assigned to me: the reviewer's own records, once a name is given.
    assert _order(client.get("/?view=mine").text) == []
    client.post("/reviewer", data={"csrf": csrf_of(client), "name": "Pat Paralegal"})
    html = client.get("/?view=mine").text
    assert _order(html) == [older]
    assert "Assigned to me (1)" in html
    # The view's tabs and plain-English statuses, with the code in a tooltip.
    assert 'title="needs_review">Needs review (1)' in html
    assert '<td class="status-needs_review" title="needs_review">Needs review' in client.get("/").text
    assert "Not sure of this value" in client.get("/?view=flagged").text


def test_new_today_is_the_office_day(web_settings: Settings, store: Store) -> None:
    """A file first seen late in the evening in California is today's there, though tomorrow in UTC."""
    _seed(store, 1)
    for zone in ("America/Los_Angeles", "Pacific/Kiritimati"):  # UTC-8/-7 and UTC+14
        settings = web_settings.model_copy(update={"timezone": zone})
        c = TestClient(create_app(settings), base_url=LOCAL)
        html = c.get("/?view=new_today").text
        assert len(_order(html)) == 1
        day = datetime.now(ZoneInfo(zone)).date().isoformat()
        assert f">{day}<" in html


@pytest.mark.parametrize(
    "typed",
    ["Abernathy, Raymond", "raymond abernathy", "ABERNATHY RAYMOND", "7616449", "adj7616", "quinn evans"],
)
def test_search_by_name_in_any_order_partial_case_number_or_evaluator(
    client: TestClient, store: Store, typed: str
) -> None:
    hit = _seed(store, 1, applicant="Raymond Abernathy", case="ADJ7616449", evaluator="Dr. Quinn Evans")
    _seed(store, 2, applicant="Raymond Smith", case="ADJ1234567", evaluator="Dr. Pat Tran")
    _seed(store, 3, applicant="Mary Abernathy", case="ADJ5555555", evaluator="Dr. Pat Tran")
    html = client.get("/", params={"q": typed}).text
    assert _order(html) == [hit]
    assert f'value="{typed}"' in html  # the search box keeps what was typed


def test_search_finds_the_uploaded_name_and_a_file_name(client: TestClient, store: Store) -> None:
    sha = _seed(store, 1, filename="upload-1ab9fd56-ame_008.pdf")
    store.set_upload_name(sha, "AME 008 Abernathy.pdf", "Pat")
    html = client.get("/", params={"q": "ame 008"}).text
    assert _order(html) == [sha]
    assert "AME 008 Abernathy.pdf" in html and "upload-1ab9fd56" not in html


def test_assign_ticked_records_to_me_to_a_name_and_to_nobody(client: TestClient, store: Store) -> None:
    a, b, c = (_seed(store, n) for n in (1, 2, 3))
    csrf = csrf_of(client)
    refused = client.post("/assign", data={"csrf": csrf, "pick": [a, b], "to": "me"})
    assert refused.status_code == 400 and "Reviewing as" in refused.text  # no name given yet
    client.post("/reviewer", data={"csrf": csrf, "name": "Pat"})
    r = client.post(
        "/assign",
        data={"csrf": csrf, "pick": [a, b], "to": "me", "from": "view=all&sort=file"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/?view=all&sort=file"
    assert (store.assignee(a), store.assignee(b), store.assignee(c)) == ("Pat", "Pat", None)
    client.post("/assign", data={"csrf": csrf, "pick": [b], "to": "name", "assignee_name": " Sam  Lee "})
    assert store.assignee(b) == "Sam Lee"
    client.post("/assign", data={"csrf": csrf, "one": c})  # the row's own "Take" button
    assert store.assignee(c) == "Pat"
    client.post("/assign", data={"csrf": csrf, "pick": [a], "to": "nobody"})
    assert store.assignee(a) is None
    assert set(_order(client.get("/?view=mine").text)) == {c}
    assert _order(client.get("/", params={"assignee": "sam lee"}).text) == [b]
    assert client.post("/assign", data={"pick": [a], "to": "me"}).status_code == 403  # no CSRF token
    assert client.post("/assign", data={"csrf": csrf, "to": "me"}).status_code == 400  # nothing ticked


def test_record_links_carry_the_view_and_next_in_view_follows_its_order(
    client: TestClient, store: Store
) -> None:
    shas = [_seed(store, n, flagged=True, wpi=n) for n in (1, 2, 3)]
    _seed(store, 4, wpi=4)  # ready: not in "needs review"
    html = client.get("/?view=needs_review&sort=wpi&dir=asc").text
    assert _order(html) == shas
    link = re.search(rf'href="/doc/{shas[0]}\?from=([^"]+)"', html)
    assert link is not None
    query = parse_query(link.group(1).replace("%26", "&").replace("%3D", "="))
    assert (query.view, query.sort, query.dir) == ("needs_review", "wpi", "asc")
    from_q = "view=needs_review&sort=wpi&dir=asc"
    assert next_in_view(store, from_q, shas[0]) == shas[1]
    assert next_in_view(store, from_q, shas[2]) is None
    # Approving a record takes it out of the view; its successor is still the next one.
    record = store.latest_record(shas[0])
    assert record is not None
    store.set_review_status(record.id, "approved", "Pat", "approved", None)
    assert next_in_view(store, from_q, shas[0]) == shas[1]
    # Descending, and records without a value (no WPI) come last in either direction.
    blank = _seed(store, 5, flagged=True, wpi=None)
    assert next_in_view(store, "view=needs_review&sort=wpi&dir=desc", shas[2]) == shas[1]
    assert next_in_view(store, "view=needs_review&sort=wpi&dir=desc", shas[1]) == blank
    assert next_in_view(store, "view=needs_review&sort=wpi&dir=asc", shas[2]) == blank
    assert next_in_view(store, "view=needs_review&sort=wpi&dir=asc", blank) is None
    assert next_in_view(store, "q=nobody", shas[1]) is None


def test_a_search_that_finds_many_rows_and_one_that_finds_few_page_the_same(store: Store) -> None:
    """Searches run search-first when rare: both plans give the same rows in the same order."""
    shas = [_seed(store, n, applicant=f"Person {n}") for n in range(12)]
    many = Store.RARE_SEARCH
    try:
        Store.RARE_SEARCH = 0
        walked = next_in_view(store, "q=person&sort=file&dir=asc", shas[3])
        Store.RARE_SEARCH = 10_000
        searched = next_in_view(store, "q=person&sort=file&dir=asc", shas[3])
    finally:
        Store.RARE_SEARCH = many
    assert walked == searched == shas[4]


def test_queue_rows_follow_status_changes_exports_and_catch_up_on_an_old_database(
    web_settings: Settings, store: Store
) -> None:
    sha = _seed(store, 1)
    record = store.latest_record(sha)
    assert record is not None
    store.set_review_status(record.id, "approved", "Pat", "approved", None)
    store.add_export(record.id, "file", "ok", target="x.jsonl")
    from pipeline.operations.queue_index import QueueFilter

    assert [r["status"] for r in store.queue_page(QueueFilter(), 0, 10)[0]] == ["exported"]
    # A database from before the queue table: its rows are built when the queue is first read.
    from sqlalchemy import delete

    from pipeline.operations.store import QueueRow

    with store._session() as s:
        s.execute(delete(QueueRow))
    again = Store.for_home(Home(web_settings.home), None)
    rows, total = again.queue_page(QueueFilter(), 0, 10)
    assert total == 1 and rows[0]["status"] == "exported"


# --- uploads -------------------------------------------------------------------------------------------


def _pdf(tmp_path: Path) -> bytes:
    from sample_reports.generate import generate_corpus

    return generate_corpus(tmp_path / "corpus", count=1)[0].read_bytes()


def test_one_good_and_one_empty_file_both_show_a_result_and_the_good_one_is_queued_once(
    client: TestClient, web_settings: Settings, store: Store, tmp_path: Path
) -> None:
    files = [
        ("files", ("AME 008 Abernathy.pdf", _pdf(tmp_path), "application/pdf")),
        ("files", ("empty.pdf", b"", "application/pdf")),
    ]
    r = client.post("/upload", params={"csrf": csrf_of(client)}, files=files)
    assert r.status_code == 200  # after the redirect to the queue, with the results on top
    results = r.text[
        r.text.index('id="upload-results"') : r.text.index("</ul>", r.text.index('id="upload-results"'))
    ]
    assert "AME 008 Abernathy.pdf" in results
    assert "empty.pdf" in results and "This file is empty." in results
    assert "<details><summary>Technical reason</summary>" in results
    inbox = Home(web_settings.home).inbox
    deadline = time.monotonic() + 180
    while True:  # the good file is read in the background, once
        jobs = client.get("/uploads").json()
        done = [j for j in jobs.values() if j["name"] == "AME 008 Abernathy.pdf"]
        assert len(done) == 1
        if done[0]["status"] in ("done", "failed"):
            break
        assert time.monotonic() < deadline, "the upload was not read in time"
        time.sleep(0.5)
    assert done[0]["status"] == "done", done[0]
    assert done[0]["href"] == f"/doc/{done[0]['sha256']}"
    assert len(store.documents_overview()) == 1
    assert not [p for p in inbox.iterdir() if not p.name.startswith(".")]
    html = client.get("/").text
    assert "AME 008 Abernathy.pdf" in html  # the uploaded name, not the generated inbox name
    assert not re.search(r'<div class="file">upload-[0-9a-f]{8}-', html)
    failed = next(j for j in jobs.values() if j["name"] == "empty.pdf")
    assert failed["status"] == "failed" and failed["href"] is None  # no link to a page that does not exist


def test_upload_answers_json_per_file_for_the_page_script(client: TestClient, web_settings: Settings) -> None:
    token = csrf_of(client)
    files = [("files", ("notes.txt", b"hello, not a pdf", "text/plain"))]
    r = client.post("/upload", params={"csrf": token}, files=files, headers={"Accept": "application/json"})
    assert r.status_code == 400
    [result] = r.json()["results"]
    assert result["name"] == "notes.txt" and result["status"] == "failed"
    assert result["message"] == "This is not a PDF or an image (PDF, TIFF, PNG or JPEG)."
    assert "unknown file signature" in result["detail"]
    html = client.post("/upload", params={"csrf": token}, files=files).text  # without the script
    assert "This is not a PDF or an image" in html and "Technical reason" in html
    assert [p for p in Home(web_settings.home).inbox.iterdir()] == []
    assert json.loads(json.dumps(client.get("/uploads").json()))  # the list, for the page script


def test_the_upload_form_is_at_the_top_of_the_queue_with_its_script(client: TestClient) -> None:
    html = client.get("/").text
    assert html.index('id="upload-form"') < html.index('id="queue-table"')
    assert '<script src="/static/queue.js" defer></script>' in html
    assert client.get("/static/queue.js").status_code == 200


def test_drag_and_drop_upload_shows_progress_and_a_result_per_file_in_chromium(
    browser: Any, live_server: str, store: Store, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    good = base64.b64encode(_pdf(tmp_path)).decode()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20_000)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(live_server + "/")
    files = page.evaluate_handle(
        """(files) => {
            const dt = new DataTransfer();
            for (const [name, b64] of files) {
                const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
                dt.items.add(new File([bytes], name, {type: "application/pdf"}));
            }
            return dt;
        }""",
        [["QME Abernathy.pdf", good], ["empty.pdf", ""]],
    )
    page.dispatch_event("body", "dragenter", {"dataTransfer": files})
    expect(page.locator("#drop-hint")).to_be_visible()
    page.dispatch_event("body", "drop", {"dataTransfer": files})
    expect(page.locator("#drop-hint")).to_be_hidden()
    results = page.locator("#upload-results li")
    expect(results).to_have_count(2)
    empty = results.filter(has_text="empty.pdf")
    expect(empty).to_contain_text("Not uploaded. Could not be read: This file is empty.")
    expect(empty.locator("summary")).to_have_text("Technical reason")
    uploaded = results.filter(has_text="QME Abernathy.pdf")
    expect(uploaded.locator("a.open-upload")).to_be_visible(timeout=180_000)  # read, without a reload
    expect(uploaded).to_contain_text("Done")
    assert len(store.documents_overview()) == 1
    page.goto(live_server + "/")
    expect(page.locator("#queue .file").first).to_have_text("QME Abernathy.pdf")
    assert refused == []
    context.close()


def test_files_that_could_not_be_read_say_what_to_do_with_the_reason_one_click_away(
    client: TestClient, store: Store
) -> None:
    store.start_run("night-1", "inbox", "host", os.getpid(), "1")
    store.add_intake(
        "night-1",
        "locked.pdf",
        "d" * 64,
        "failed",
        exit_code=14,
        stage="read",
        message="the PDF is encrypted",
    )
    html = client.get("/?status=failed").text
    assert "Could not be read (1)" in html
    row = html[html.index('id="failed"') :]
    assert "locked.pdf" in row and "This PDF is protected by a password." in row
    assert "<summary>Technical reason</summary>read: the PDF is encrypted" in row
    assert f"/doc/{'d' * 64}" not in html  # no link to a record that does not exist


def test_an_uploaded_name_keeps_only_the_file_name() -> None:
    from web.uploads import display_name, plain_error

    assert display_name("C:\\Users\\pat\\AME 008.pdf") == "AME 008.pdf"
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("   ") == "report"
    assert plain_error(11) == "This file is empty."
    assert "ask IT" in plain_error(None)


def test_the_queue_by_keyboard_alone_search_move_and_open_in_chromium(
    browser: Any, live_server: str, store: Store
) -> None:
    from playwright.sync_api import expect

    hit = _seed(store, 1, applicant="Raymond Abernathy", case="ADJ7616449")
    _seed(store, 2, applicant="Maria Garcia")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.set_default_timeout(20_000)
    page.goto(live_server + "/?sort=applicant&dir=asc")
    page.wait_for_load_state("load")
    page.keyboard.press("/")
    expect(page.locator("#queue-search")).to_be_focused()
    page.keyboard.type("Abernathy, Raymond")
    page.keyboard.press("Enter")
    expect(page.locator("#queue-range")).to_have_text("1–1 of 1")
    page.wait_for_load_state("load")  # the page's script listens for the keys
    page.keyboard.press("j")
    expect(page.locator("#queue a.open").first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/doc/{hit}?from=*")
    assert "from=q%3DAbernathy" in page.url and "sort%3Dapplicant" in page.url
    page.close()
