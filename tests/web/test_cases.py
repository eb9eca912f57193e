"""The case page, the queue's columns, the dashboard's deadlines and the .ics download, over HTTP."""

from __future__ import annotations

import csv
import io
import os
import re
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from models.record import (
    CitedFinding,
    CitedPhysician,
    Claim,
    CombinedWpi,
    Evaluator,
    Evidence,
    Impairment,
    Injury,
    Mmi,
    Report,
    ReportRecord,
    Source,
)
from pipeline.cases.deadlines import next_court_day
from pipeline.operations.store import Store
from tests.support.web import csrf_of

LOCAL = "http://127.0.0.1"
CASE = "ADJ7310078"
PTP = "1" * 64
QME = "2" * 64


def seed_report(
    store: Store,
    sha: str,
    *,
    kind: str,
    evaluator: str,
    exam: str,
    wpi: int,
    mmi: str = "2024-02-01",
    applicant: str = "Keisha Lindqvist",
    case: str = CASE,
    **extra: object,
) -> None:
    run_id = f"seed-{uuid.uuid4().hex[:8]}"
    store.start_run(run_id, "test", "host", os.getpid(), "1")
    record = ReportRecord(
        source=Source(
            filename=f"{kind.lower()}-{sha[:4]}.pdf", sha256=sha, media_type="application/pdf", page_count=1
        ),
        report=Report(type=kind, exam_date=exam, report_date=exam, evaluator=Evaluator(name=evaluator)),  # type: ignore[arg-type]
        claim=Claim(
            applicant=applicant,
            case_numbers=[case],
            injuries=[Injury(type="specific", start="2022-05-04")],
        ),
        mmi=Mmi(status="reached", date=mmi, evidence=Evidence(page=1, text=f"MMI on {mmi}."), confidence=0.9),
        impairments=[
            Impairment(
                body_part="lumbar spine",
                wpi=wpi,
                evidence=Evidence(page=1, text=f"{wpi}% WPI lumbar spine", bbox=[72, 100, 300, 112]),
                confidence=0.9,
            ),
            Impairment(
                body_part="knee",
                laterality="right",
                wpi=6,
                evidence=Evidence(page=1, text="6% WPI right knee", bbox=[72, 120, 300, 132]),
                confidence=0.9,
            ),
        ],
        rules_version="1",
    )
    store.save_record(record.model_copy(update=extra), run_id)


@pytest.fixture
def two_reports(store: Store) -> None:
    # Seeded out of exam order: the QME examined later than the PTP, and rates the spine higher.
    seed_report(
        store, QME, kind="QME", evaluator="Dr. Quinn Evans", exam="2024-06-10", wpi=12, mmi="2024-03-01"
    )
    seed_report(store, PTP, kind="PTP", evaluator="Dr. Pat Tran", exam="2024-02-01", wpi=8)


def test_queue_shows_type_evaluator_mmi_wpi_and_links_the_case(client: TestClient, two_reports: None) -> None:
    html = client.get("/").text
    assert "Dr. Pat Tran" in html and "Dr. Quinn Evans" in html
    assert "lumbar spine 8, R knee 6" in html
    assert "reached 2024-02-01" in html
    assert f'href="/case/{CASE}"' in html


def test_case_page_shows_reports_in_exam_order_and_highlights_disagreement(
    client: TestClient, two_reports: None
) -> None:
    r = client.get(f"/case/{CASE}")
    assert r.status_code == 200
    html = r.text
    timeline = html[html.index('id="timeline"') : html.index('id="findings"')]
    assert timeline.index("Dr. Pat Tran") < timeline.index("Dr. Quinn Evans")
    spine = re.search(r'<tr class="wpi-row" data-part="lumbar spine">(.*?)</tr>', html, re.S)
    assert spine, "no lumbar spine row"
    cells = re.findall(r'<td class="([^"]*)">(.*?)</td>', spine.group(1), re.S)
    assert [c for c, _ in cells] == ["disagree", "disagree"]
    assert all("disagrees" in body for _, body in cells)  # a text marker, not colour alone
    assert f"/doc/{PTP}?field=impairments.0" in spine.group(1)
    knee = re.search(r'<tr class="wpi-row" data-part="R knee">(.*?)</tr>', html, re.S)
    assert knee and "disagree" not in knee.group(1)
    assert "an estimate, not a formal rating" in html
    assert "reminder, not legal advice" in html
    assert 'id="disagreements"' in html


def test_document_page_links_its_case(client: TestClient, two_reports: None) -> None:
    assert f'href="/case/{CASE}"' in client.get(f"/doc/{PTP}").text


def test_received_date_edit_needs_the_csrf_token(client: TestClient, two_reports: None, store: Store) -> None:
    day = (date.today() - timedelta(days=3)).isoformat()
    refused = client.post(f"/case/{CASE}/received", data={"sha256": PTP, "received": day})
    assert refused.status_code == 403
    csrf = csrf_of(client, f"/case/{CASE}")
    client.post("/reviewer", data={"csrf": csrf, "name": "Pat"})
    ok = client.post(
        f"/case/{CASE}/received", data={"csrf": csrf, "sha256": PTP, "received": day}, follow_redirects=False
    )
    assert ok.status_code == 303 and ok.headers["location"] == f"/case/{CASE}"
    assert f'value="{day}"' in client.get(f"/case/{CASE}").text
    [doc] = store.case_documents([PTP])
    assert doc["received"] == day


@pytest.mark.parametrize(
    "value", ["", "yesterday", "2024-13-01", "20240101", (date.today() + timedelta(days=3)).isoformat()]
)
def test_a_bad_received_date_is_refused(client: TestClient, two_reports: None, value: str) -> None:
    csrf = csrf_of(client, f"/case/{CASE}")
    r = client.post(f"/case/{CASE}/received", data={"csrf": csrf, "sha256": PTP, "received": value})
    assert r.status_code == 400
    assert "date" in r.text or "future" in r.text


def test_received_date_of_a_document_outside_the_case_is_refused(
    client: TestClient, two_reports: None
) -> None:
    csrf = csrf_of(client, f"/case/{CASE}")
    r = client.post(
        f"/case/{CASE}/received", data={"csrf": csrf, "sha256": "9" * 64, "received": "2024-01-01"}
    )
    assert r.status_code == 400


def test_unrepresented_gives_thirty_days_not_twenty(client: TestClient, two_reports: None) -> None:
    received = date.today() - timedelta(days=2)
    csrf = csrf_of(client, f"/case/{CASE}")
    client.post(
        f"/case/{CASE}/received", data={"csrf": csrf, "sha256": PTP, "received": received.isoformat()}
    )

    def deadline() -> str:
        html = client.get(f"/case/{CASE}").text
        row = html[html.index('id="deadline-row"') :]
        found = re.search(r"<b>(\d{4}-\d\d-\d\d)</b>", row)
        assert found, "no deadline shown"
        return found.group(1)

    assert deadline() == next_court_day(received + timedelta(days=20)).isoformat()  # CCP 12a
    assert client.post(f"/case/{CASE}/represented", data={"represented": "no"}).status_code == 403
    r = client.post(
        f"/case/{CASE}/represented", data={"csrf": csrf, "represented": "no"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert deadline() == next_court_day(received + timedelta(days=30)).isoformat()
    assert 'id="represented">unrepresented<' in client.get(f"/case/{CASE}").text
    assert (
        client.post(f"/case/{CASE}/represented", data={"csrf": csrf, "represented": "maybe"}).status_code
        == 400
    )


def test_dashboard_lists_deadlines_in_the_next_two_weeks(client: TestClient, two_reports: None) -> None:
    received = date.today() - timedelta(days=10)  # 20 days from receipt: due in 10 days
    csrf = csrf_of(client, f"/case/{CASE}")
    client.post(
        f"/case/{CASE}/received", data={"csrf": csrf, "sha256": PTP, "received": received.isoformat()}
    )
    html = client.get("/dashboard").text
    table = html[html.index('id="deadlines"') :]
    assert next_court_day(received + timedelta(days=20)).isoformat() in table  # CCP 12a
    assert f'href="/case/{CASE}"' in table and "Dr. Pat Tran" in table
    assert "reminder, not legal advice" in table
    assert 'href="/deadlines.ics"' in html


def test_deadlines_ics_is_a_calendar(client: TestClient, two_reports: None) -> None:
    r = client.get("/deadlines.ics")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert r.headers["content-disposition"].startswith("attachment;")
    lines = r.text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and "END:VCALENDAR" in lines[-2:]
    assert r.text.count("BEGIN:VEVENT") == 1  # the PTP report; a QME report has no objection deadline
    assert "DTSTART;VALUE=DATE:" in r.text
    assert all(len(line.encode()) <= 75 for line in lines)


def test_unknown_case_is_404(client: TestClient, two_reports: None) -> None:
    assert client.get("/case/ADJ0000000").status_code == 404
    assert client.get("/case/" + quote("../../etc/passwd", safe="")).status_code == 404
    csrf = csrf_of(client, "/")
    assert (
        client.post("/case/ADJ0000000/represented", data={"csrf": csrf, "represented": "no"}).status_code
        == 404
    )


def test_a_hostile_applicant_name_renders_as_text(client: TestClient, store: Store) -> None:
    seed_report(
        store, PTP, kind="PTP", evaluator="<b>Dr. X</b>", exam="2024-02-01", wpi=8,
        applicant="<script>alert('x')</script>Roe",
    )  # fmt: skip
    html = client.get(f"/case/{CASE}").text
    assert "&lt;script&gt;alert(" in html and "<script>alert(" not in html
    assert "&lt;b&gt;Dr. X&lt;/b&gt;" in html
    assert "<script" not in html and "style=" not in html  # the CSP allows neither


def test_every_case_page_form_carries_the_csrf_token(client: TestClient, two_reports: None) -> None:
    token = csrf_of(client, "/")
    forms = re.findall(r'<form method="post"(.*?)</form>', client.get(f"/case/{CASE}").text, re.S)
    assert len(forms) >= 3
    for form in forms:
        assert f'name="csrf" value="{token}"' in form


def test_a_case_form_from_another_site_is_refused(client: TestClient, two_reports: None) -> None:
    csrf = csrf_of(client, f"/case/{CASE}")
    r = client.post(
        f"/case/{CASE}/represented",
        data={"csrf": csrf, "represented": "no"},
        headers={"Origin": "https://evil.example"},
    )
    assert r.status_code == 403
    assert 'id="represented">represented<' in client.get(f"/case/{CASE}").text


# --- received dates in bulk (issue 19) ------------------------------------------------------------------


def _bulk(client: TestClient, data: dict[str, str | list[str]], csrf: str | None = None) -> httpx.Response:
    """Post the case page's received-dates form as the page fills it, with `data` changed."""
    page = client.get(f"/case/{CASE}").text
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF token on the case page"
    token = csrf if csrf is not None else found.group(1)
    shown = dict(re.findall(r'name="shown:([0-9a-f]{64})" value="([^"]*)"', page))
    form: dict[str, str | list[str]] = {"csrf": token}
    for sha, value in shown.items():
        form[f"shown:{sha}"] = value
        form[f"received:{sha}"] = value
    form.update(data)
    return client.post(f"/case/{CASE}/received", data=form, follow_redirects=False)


def _received(store: Store) -> dict[str, str | None]:
    return {d["sha256"]: d["received"] for d in store.case_documents([PTP, QME])}


def test_several_received_dates_are_saved_at_once_in_common_formats(
    client: TestClient, two_reports: None, store: Store
) -> None:
    ptp_day, qme_day = date.today() - timedelta(days=9), date.today() - timedelta(days=4)
    r = _bulk(
        client,
        {f"received:{PTP}": ptp_day.strftime("%m/%d/%Y"), f"received:{QME}": qme_day.strftime("%b %d, %Y")},
    )
    assert r.status_code == 303 and r.headers["location"] == f"/case/{CASE}"
    assert _received(store) == {PTP: ptp_day.isoformat(), QME: qme_day.isoformat()}
    html = client.get(f"/case/{CASE}").text
    assert f'name="received:{PTP}" value="{ptp_day.isoformat()}"' in html
    assert html.count("set by a person") == 2


def test_ticked_reports_get_one_date(client: TestClient, two_reports: None, store: Store) -> None:
    day = date.today() - timedelta(days=6)
    r = _bulk(client, {"pick": [PTP, QME], "received_all": day.strftime("%d %B %Y")})
    assert r.status_code == 303
    assert _received(store) == {PTP: day.isoformat(), QME: day.isoformat()}


def test_an_unchanged_row_is_not_saved_as_a_persons_date(
    client: TestClient, two_reports: None, store: Store
) -> None:
    day = date.today() - timedelta(days=2)
    assert _bulk(client, {f"received:{PTP}": day.strftime("%m/%d/%y")}).status_code == 303
    assert _received(store) == {PTP: day.isoformat(), QME: None}  # the QME row still shows the day first seen
    html = client.get(f"/case/{CASE}").text
    assert "first seen by medlegal" in html


def test_one_bad_date_refuses_the_whole_form_with_one_line(
    client: TestClient, two_reports: None, store: Store
) -> None:
    good = (date.today() - timedelta(days=3)).isoformat()
    r = _bulk(client, {f"received:{PTP}": good, f"received:{QME}": "31/31/2026"})
    assert r.status_code == 400
    text = r.text
    assert "qme-2222.pdf: not a date: &#39;31/31/2026&#39;; write it as 2026-11-20, 11/20/2026" in text
    assert _received(store) == {PTP: None, QME: None}  # nothing saved
    future = (date.today() + timedelta(days=2)).strftime("%m/%d/%Y")
    r = _bulk(client, {"pick": [PTP], "received_all": future})
    assert r.status_code == 400 and "the ticked reports:" in r.text and "is in the future" in r.text
    assert _bulk(client, {}).status_code == 400  # nothing changed


def test_bulk_received_needs_the_csrf_token_and_reports_of_this_case(
    client: TestClient, two_reports: None, store: Store
) -> None:
    day = (date.today() - timedelta(days=1)).isoformat()
    assert _bulk(client, {f"received:{PTP}": day}, csrf="forged").status_code == 403
    assert _bulk(client, {f"received:{'9' * 64}": day}).status_code == 400
    assert _bulk(client, {"pick": ["9" * 64], "received_all": day}).status_code == 400
    assert _received(store) == {PTP: None, QME: None}


def test_the_case_page_lists_each_deadline_by_statute_with_its_source(
    client: TestClient, two_reports: None
) -> None:
    html = client.get(f"/case/{CASE}").text
    row = html[html.index('id="deadline-row"') : html.index("</tr>", html.index('id="deadline-row"'))]
    assert 'data-rule="LC 4062(a)"' in row and 'data-rule="LC 4061"' in row
    assert "no fixed statutory limit (LC 4061)" in row
    assert "sullivanattorneys.com" in row and "Benson" in row
    assert "reminder, not legal advice" in row
    assert "first seen by medlegal" in html  # where the received date came from


# --- the controlling report, combined WPI, ranking, cited findings (issue 20) ------------------------------

AME = "3" * 64


def _cells(html: str, row: str) -> list[str]:
    found = re.search(rf'<tr class="wpi-row" data-part="{row}">(.*?)</tr>', html, re.S)
    assert found, f"no {row} row"
    return [c for c, _ in re.findall(r'<td class="([^"]*)">(.*?)</td>', found.group(1), re.S)]


@pytest.fixture
def three_reports(store: Store) -> None:
    """PTP 8, QME 12, AME 8 on the spine; combined 9, 12, 9."""
    seed_report(store, PTP, kind="PTP", evaluator="Dr. Pat Tran", exam="2024-02-01", wpi=8,
                combined_wpi=CombinedWpi(value=9))  # fmt: skip
    seed_report(store, QME, kind="QME", evaluator="Dr. Quinn Evans", exam="2024-06-10", wpi=12,
                combined_wpi=CombinedWpi(value=12))  # fmt: skip
    seed_report(store, AME, kind="AME", evaluator="Dr. Ana Mora", exam="2024-09-10", wpi=8,
                combined_wpi=CombinedWpi(value=9))  # fmt: skip


def test_with_three_doctors_only_the_one_apart_is_marked_until_a_controlling_report_is_set(
    client: TestClient, three_reports: None, store: Store
) -> None:
    html = client.get(f"/case/{CASE}").text
    assert _cells(html, "lumbar spine") == ["", "disagree", ""]  # PTP, QME, AME by exam date
    combined = re.search(r'<tr id="combined-row">(.*?)</tr>', html, re.S)
    assert combined and re.findall(r'<td class="([^"]*)">', combined.group(1)) == ["", "disagree", ""]
    assert 'data-field="combined_wpi"' in html  # 9 against 12 is a disagreement

    csrf = csrf_of(client, f"/case/{CASE}")
    r = client.post(f"/case/{CASE}/controlling", data={"csrf": csrf, "sha256": QME}, follow_redirects=False)
    assert r.status_code == 303
    assert store.controlling_report(CASE) == QME
    html = client.get(f"/case/{CASE}").text
    assert _cells(html, "lumbar spine") == ["disagree", "", "disagree"]
    assert 'id="controlling-now"' in html and "Dr. Quinn Evans" in html
    assert re.search(rf'<tr class="report controlling" data-sha="{QME}">', html)

    r = client.post(f"/case/{CASE}/controlling", data={"csrf": csrf, "sha256": ""}, follow_redirects=False)
    assert r.status_code == 303 and store.controlling_report(CASE) is None


def test_the_controlling_report_form_needs_the_csrf_token_and_a_report_of_this_case(
    client: TestClient, three_reports: None, store: Store
) -> None:
    r = client.post(f"/case/{CASE}/controlling", data={"csrf": "forged", "sha256": QME})
    assert r.status_code == 403
    csrf = csrf_of(client, f"/case/{CASE}")
    r = client.post(f"/case/{CASE}/controlling", data={"csrf": csrf, "sha256": "9" * 64})
    assert r.status_code == 400 and "not part of this case" in r.text
    assert store.controlling_report(CASE) is None


def test_disagreements_come_widest_rating_spread_first_each_value_linked_to_its_evidence(
    client: TestClient, three_reports: None, store: Store
) -> None:
    store.set_rating_inputs(CASE, "pat", group=360, title="WAREHOUSE WORKER", birth_date="1980-01-01")
    html = client.get(f"/case/{CASE}").text
    listed = html[html.index('<ul id="disagreements">') :]
    listed = listed[: listed.index("</ul>")]
    items = re.findall(r'<li class="disagreement" data-field="([^"]+)">(.*?)</li>', listed, re.S)
    assert {f for f, _ in items} >= {"wpi", "combined_wpi", "rating"}
    spreads = [int(m.group(1)) if (m := re.search(r"by (\d+) PD point", body)) else -1 for _, body in items]
    assert spreads[0] > 0 and spreads == sorted(spreads, reverse=True)
    spine = next(body for f, body in items if f == "wpi")
    assert f"/doc/{QME}?field=impairments.0" in spine and "12%" in spine


def test_cited_findings_link_to_where_the_report_states_them(client: TestClient, store: Store) -> None:
    cited = CitedFinding(
        physician=CitedPhysician(name="Dr. Old", role="PTP"),
        impairments=[
            Impairment(
                body_part="lumbar spine", wpi=5, evidence=Evidence(page=3, text="Dr. Old found 5% WPI")
            )
        ],
    )
    seed_report(store, QME, kind="QME", evaluator="Dr. Quinn Evans", exam="2024-06-10", wpi=12,
                cited_findings=[cited])  # fmt: skip
    html = client.get(f"/case/{CASE}").text
    row = re.search(r'<tr class="cited">(.*?)</tr>', html, re.S)
    assert row and f'href="/doc/{QME}?page=3"' in row.group(1)
    assert "lumbar spine 5</a>" in row.group(1)


def test_in_the_browser_set_the_controlling_report_then_export_from_the_app(
    browser: Any, live_server: str, store: Store, three_reports: None, tmp_path: Path
) -> None:
    """Keyboard only: set the controlling report, then download the CSV from the Export page. Set
    MEDLEGAL_SCREENSHOTS=1 to refresh docs/case-controlling.png and docs/export-screenshot.png."""
    from PIL import Image
    from playwright.sync_api import expect

    docs = Path(__file__).resolve().parents[2] / "docs"
    keep = bool(os.environ.get("MEDLEGAL_SCREENSHOTS"))
    for sha in (PTP, QME, AME):
        stored = store.latest_record(sha)
        assert stored is not None
        store.set_review_status(stored.id, "approved", "Pat Reviewer", "approved", None)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(f"{live_server}/case/{CASE}")
    spine = page.locator('#findings tr.wpi-row[data-part="lumbar spine"] td')
    assert [spine.nth(i).get_attribute("class") for i in range(3)] == ["", "disagree", ""]
    page.locator("#controlling-select").focus()
    page.keyboard.press("End")  # the AME, last by exam date
    page.locator("#save-controlling").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#controlling-now")).to_contain_text("Dr. Ana Mora")
    expect(page.locator("tr.report.controlling .controlling-mark")).to_have_count(1)
    assert [spine.nth(i).get_attribute("class") for i in range(3)] == ["", "disagree", ""]
    shot = docs / "case-controlling.png" if keep else tmp_path / "case.png"
    page.screenshot(path=str(shot), full_page=True)

    page.locator("#export-link").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#export-pending")).to_contain_text("3 approved record(s)")
    page.screenshot(path=str(docs / "export-screenshot.png" if keep else tmp_path / "export.png"))
    page.locator("#export-csv").focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename.startswith("export-") and download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text())))
    assert sorted(r["evaluator"] for r in rows) == ["Dr. Ana Mora", "Dr. Pat Tran", "Dr. Quinn Evans"]
    assert {r["approved_by"] for r in rows} == {"Pat Reviewer"}
    page.goto(f"{live_server}/export")
    expect(page.locator("#export-pending")).to_contain_text("Every approved record has been exported")
    assert refused == []
    context.close()
    if keep:
        for path in (docs / "case-controlling.png", docs / "export-screenshot.png"):
            with Image.open(path) as im:
                im.convert("RGB").quantize(colors=256).save(path, optimize=True)
