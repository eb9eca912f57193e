"""The review app in a real browser (Debian's Chromium through Playwright): upload, review, approve, export.

Set MEDLEGAL_UPDATE_SCREENSHOT=1 to refresh docs/review-screenshot.png from this test.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import Page, expect

from models.settings import Settings
from pipeline.cases.deadlines import next_court_day
from pipeline.cli import main
from pipeline.operations.store import Store
from sample_reports.generate import generate_corpus

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _wait_for_upload(page: Page, base: str, timeout_s: float = 240) -> str:
    deadline = time.monotonic() + timeout_s
    while True:
        page.goto(base + "/")
        status = page.locator("#uploads .job-status").first.get_attribute("data-status")
        if status in ("done", "failed"):
            return status
        assert time.monotonic() < deadline, f"the upload is still {status} after {timeout_s} s"
        time.sleep(0.5)


def test_upload_review_correct_approve_and_export(
    browser: Any, live_server: str, web_settings: Settings, store: Store, tmp_path: Path
) -> None:
    # The third sample report is an AME with two rated impairments.
    report = generate_corpus(tmp_path / "corpus", count=3)[2]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    # The CSP allows no inline script or style: anything the page needs and the browser refused shows here.
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(live_server + "/")
    header = page.locator("header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header == "rgb(32, 58, 90)", "the stylesheet did not apply"
    page.fill("input[name=name]", "Pat Paralegal")
    page.click("header button")
    page.set_input_files("input[name=files]", str(report))
    page.click("text=Upload and process")
    assert _wait_for_upload(page, live_server) == "done"

    page.locator("#queue a").first.click()
    expect(page.locator("#doc-status")).to_be_visible()
    page.locator('[id="field-impairments.0"] a').click()

    # The selected field's evidence box is drawn over the page image, inside it.
    box = page.locator(".ev.selected")
    expect(box).to_be_visible()
    assert box.get_attribute("data-field") == "impairments.0"
    expect(page.locator("#page img")).to_be_visible()
    page.wait_for_function("document.querySelector('#page img').complete")
    b, img = box.bounding_box(), page.locator("#page img").bounding_box()
    assert b is not None and img is not None
    assert b["width"] > 100 and b["height"] > 5
    assert img["x"] <= b["x"] and b["x"] + b["width"] <= img["x"] + img["width"] + 1
    assert img["y"] <= b["y"] and b["y"] + b["height"] <= img["y"] + img["height"] + 1
    evidence = page.locator('[id="field-impairments.0"] .evidence').inner_text()
    assert "WPI" in evidence

    # Correct the WPI of the first impairment.
    wpi = page.locator('[name="imp-0-wpi"]')
    old = int(float(wpi.input_value()))
    new = old + 1
    wpi.fill(str(new))
    page.click("#save")
    expect(page.locator('[name="imp-0-wpi"]')).to_have_value(str(new))
    page.locator('[id="field-impairments.0"] a').click()
    expect(page.locator(".ev.selected")).to_be_visible()
    shot = (
        DOCS / "review-screenshot.png" if os.environ.get("MEDLEGAL_UPDATE_SCREENSHOT") else tmp_path / "s.png"
    )
    page.screenshot(path=str(shot))
    _shrink(shot)

    page.fill('[aria-label="approve comment"]', "checked against the report")
    page.click("#approve")
    expect(page.locator("#doc-status")).to_have_text("Approved")
    audit = page.locator("#audit").inner_text()
    assert "Pat Paralegal" in audit
    assert f"Impairment 1: WPI: {old} → {new}" in audit

    out = tmp_path / "export.jsonl"
    assert main(["export", "--home", str(web_settings.home), "--out", str(out)]) == 0
    [row] = [json.loads(line) for line in out.read_text().splitlines()]
    sha = row["record_id"]
    assert row["version"] == 2
    assert row["record"]["impairments"][0]["wpi"] == new
    assert row["record"]["source"]["filename"].startswith("upload-")
    events = store.document_events(sha)
    corrected = [json.loads(e["note"]) for e in events if e["action"] == "corrected"]
    assert {"field": "impairments[0].wpi", "from": old, "to": new} in corrected
    assert [e["actor"] for e in events if e["action"] == "approved"] == ["Pat Paralegal"]

    page.reload()
    expect(page.locator("#doc-status")).to_have_text("Sent to the case system")
    assert refused == []
    context.close()


def _shrink(path: Path) -> None:
    """Keep the screenshot small enough to commit (a 256-colour palette)."""
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256)
    small.save(path, optimize=True)
    assert path.stat().st_size < 300_000


def test_queue_to_case_page_with_the_wpi_table_and_a_highlighted_disagreement(
    browser: Any, live_server: str, store: Store, tmp_path: Path
) -> None:
    """Set MEDLEGAL_SCREENSHOTS=1 to refresh docs/case-screenshot.png from this test."""
    from tests.web.test_cases import CASE, PTP, QME, seed_report

    seed_report(
        store, QME, kind="QME", evaluator="Dr. Quinn Evans", exam="2024-06-10", wpi=12, mmi="2024-03-01"
    )
    seed_report(store, PTP, kind="PTP", evaluator="Dr. Pat Tran", exam="2024-02-01", wpi=8)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(live_server + "/")
    expect(page.locator("#queue .wpi").first).to_contain_text("lumbar spine")
    page.locator("#queue a.case-link").first.click()
    expect(page.locator("#case-title")).to_contain_text(CASE)
    assert page.url.endswith(f"/case/{CASE}")

    exams = page.locator("#timeline .exam-date").all_inner_texts()
    assert exams == sorted(exams) == ["2024-02-01", "2024-06-10"]
    spine = page.locator('#findings tr.wpi-row[data-part="lumbar spine"] td')
    expect(spine).to_have_count(2)
    assert spine.nth(0).locator("a").inner_text() == "8" and spine.nth(1).locator("a").inner_text() == "12"
    for i in range(2):
        cell = spine.nth(i)
        assert "disagree" in (cell.get_attribute("class") or "")
        assert cell.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 227, 194)"
        expect(cell.locator(".disagree-mark")).to_be_visible()
    knee = page.locator('#findings tr.wpi-row[data-part="R knee"] td').first
    assert "disagree" not in (knee.get_attribute("class") or "")
    expect(page.locator("#mmi-row td.disagree")).to_have_count(2)
    expect(page.locator("#rating-row")).to_contain_text("not a formal rating")
    expect(page.locator("#deadline-row")).to_contain_text("reminder, not legal advice")

    shot = DOCS / "case-screenshot.png" if os.environ.get("MEDLEGAL_SCREENSHOTS") else tmp_path / "case.png"
    page.screenshot(path=str(shot), full_page=True)
    _shrink(shot)

    # A WPI value leads to its evidence on the report's page.
    spine.nth(0).locator("a").click()
    expect(page.locator(".ev.selected")).to_have_count(0)  # no original in the archive: no page image
    expect(page.locator('[id="field-impairments.0"].selected')).to_be_visible()
    page.locator("#case-link").click()
    expect(page.locator("#case-title")).to_contain_text(CASE)
    assert refused == []
    context.close()


def test_received_dates_are_set_for_several_reports_at_once(
    browser: Any, live_server: str, store: Store
) -> None:
    """The case page's received-dates form: one report edited in a common format, then two ticked reports
    given one date; a bad date is refused with one line and nothing changes."""
    from datetime import date, timedelta

    from tests.web.test_cases import CASE, PTP, QME, seed_report

    seed_report(
        store, QME, kind="QME", evaluator="Dr. Quinn Evans", exam="2024-06-10", wpi=12, mmi="2024-03-01"
    )
    seed_report(store, PTP, kind="PTP", evaluator="Dr. Pat Tran", exam="2024-02-01", wpi=8)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(live_server + f"/case/{CASE}")
    expect(page.locator("#deadline-row")).to_contain_text("no fixed statutory limit (LC 4061)")
    expect(page.locator("#timeline .received-source")).to_have_count(2)
    first = date.today() - timedelta(days=8)
    page.fill(f'input[name="received:{PTP}"]', first.strftime("%m/%d/%Y"))
    page.click("#save-received")
    expect(page.locator(f'input[name="received:{PTP}"]')).to_have_value(first.isoformat())
    expect(page.locator('tr.report[data-sha="' + PTP + '"] .received-source')).to_have_text("set by a person")
    expect(page.locator('tr.report[data-sha="' + QME + '"] .received-source')).to_have_text(
        "first seen by medlegal"
    )

    both = date.today() - timedelta(days=5)
    page.check(f'input[name="pick"][value="{PTP}"]')
    page.check(f'input[name="pick"][value="{QME}"]')
    page.fill('input[name="received_all"]', both.strftime("%b %d, %Y"))
    page.click("#save-received")
    for sha in (PTP, QME):
        expect(page.locator(f'input[name="received:{sha}"]')).to_have_value(both.isoformat())
    ptp_deadline = page.locator("#deadline-row td.deadline").first.locator("b").first
    expect(ptp_deadline).to_have_text(next_court_day(both + timedelta(days=20)).isoformat())

    page.fill(f'input[name="received:{QME}"]', "someday")
    page.click("#save-received")
    expect(page.locator("body")).to_contain_text("not a date: 'someday'")
    assert {d["sha256"]: d["received"] for d in store.case_documents([PTP, QME])} == {
        PTP: both.isoformat(),
        QME: both.isoformat(),
    }
    assert refused == []
    context.close()


def test_the_sample_cases_show_every_reports_rating_and_price_the_disagreements(
    browser: Any, live_server: str, web_settings: Settings, store: Store, tmp_path: Path
) -> None:
    """The `make run` sample cases: every report's rating string, PD, weeks and dollars on the case page,
    each string linked to its evidence, the disagreements priced; then the paralegal searches the schedule's
    occupations, picks one and gives the weekly earnings, and the figures follow."""
    from pipeline.operations.batch import run_batch
    from sample_reports.cases import generate_cases

    files = generate_cases(tmp_path / "cases", seed=11, scans=False)
    run_batch(web_settings, files=files, workers=1)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    for case in ("ADJ7616449", "ADJ10217635"):
        page.goto(live_server + f"/case/{case}")
        rows = page.locator("#rating-table tr.full-rating")
        reports = page.locator("#timeline tr.report").count()
        expect(rows).to_have_count(reports)
        for i in range(reports):
            row = rows.nth(i)
            expect(row.locator(".rating-string").first).to_contain_text(" - [1.4] ")
            assert row.locator(".pd b").inner_text().endswith("%")
            assert float(row.locator(".weeks").inner_text().split()[0]) > 0
            assert row.locator(".amount b").inner_text().startswith("$")
            assert (row.locator("a.rating-string").first.get_attribute("href") or "").startswith("/doc/")
        expect(page.locator("#priced-disagreements li").first).to_contain_text(" against ")
        expect(page.locator("#ratings")).to_contain_text("estimate, not a formal rating")

    # ADJ10217635 is a bus driver: search the schedule, pick another title, give the earnings.
    page.fill("input[name=occupation]", "shuttle bus")
    page.click("#search-occupation")
    page.check('input[name=occupation_pick][value="250|SHUTTLE BUS DRIVER"]')
    page.fill("input[name=earnings]", "900")
    page.click("#save-rating-inputs")
    expect(page.locator("#occupation-now")).to_contain_text("SHUTTLE BUS DRIVER (group 250)")
    expect(page.locator("#occupation-now .confirmed")).to_be_visible()
    amount = page.locator("#rating-table tr.full-rating .amount b").first.inner_text()
    assert "–" not in amount, "with the earnings known the amount is one figure"
    assert refused == []
    context.close()
