"""A paralegal's day, end to end, in a real browser (Debian's Chromium through Playwright) over the `make run`
sample cases: find today's reports and a worker by name, review with the keyboard, correct every kind of
field (one bad value first: shown beside its field, every other edit kept), approve and go to the next
record, export from the app, open a case and set its controlling report.

Screenshots of each step go to docs/day-*.png when MEDLEGAL_UPDATE_SCREENSHOT=1 (else to a scratch folder).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from models.settings import Settings
from pipeline.operations.store import Store
from tests.web.test_browser import _shrink

DOCS = Path(__file__).resolve().parents[2] / "docs"
CASE = "ADJ10217635"


def _shot(page: Page, name: str, scratch: Path) -> None:
    path = (DOCS if os.environ.get("MEDLEGAL_UPDATE_SCREENSHOT") else scratch) / f"day-{name}.png"
    page.screenshot(path=str(path))
    _shrink(path)


def _sha_of(page: Page) -> str:
    return page.url.split("/doc/", 1)[1].split("?", 1)[0]


def test_a_paralegals_day(
    browser: Any, live_server: str, web_settings: Settings, store: Store, tmp_path: Path
) -> None:
    from pipeline.operations.batch import run_batch
    from sample_reports.cases import generate_cases

    files = generate_cases(tmp_path / "cases", seed=11, scans=False)
    run_batch(web_settings, files=files, workers=1)
    reports = store.documents_overview()
    records = [store.record_versions(r["sha256"])[-1].record() for r in reports]
    applicant = next(r.claim.applicant for r in records if CASE in r.claim.case_numbers and r.claim.applicant)
    first, last = applicant.split()[0], applicant.split()[-1]

    context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    # Morning: who is reviewing (asked once), then today's reports.
    page.goto(live_server + "/")
    name = page.locator("header input[name=name]")
    if name.count():
        name.fill("Pat Paralegal")
        name.press("Enter")
    page.click("#view-new_today")
    expect(page.locator("#queue-range")).to_contain_text(f"of {len(reports)}")
    _shot(page, "1-new-today", tmp_path)

    # A call about a worker: search by name as a paralegal types it, "Last, First".
    page.fill("#queue-search", f"{last}, {first}")
    page.press("#queue-search", "Enter")
    rows = page.locator("#queue tr")
    expect(rows.first).to_contain_text(last)
    assert all(last in rows.nth(i).inner_text() for i in range(rows.count()))

    # Review: the first record needing review, opened from the queue with the keyboard.
    page.goto(live_server + "/?view=needs_review")
    page.locator("#queue a[href^='/doc/']").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#doc-status")).to_have_text("Needs review")
    sha = _sha_of(page)
    _shot(page, "2-record", tmp_path)

    # Correct every kind of field; one date is wrong at first.
    page.fill("#in-applicant", applicant + " Jr.")
    page.fill("#in-case_numbers", "ADJ1234567, ADJ7654321")
    page.fill("#in-claim_numbers", "CLM-0001")
    page.fill("#in-report_date", "02/30/2024")  # no such day
    page.fill("#in-exam_date", "2024-01-15")
    page.select_option("#in-mmi_status", "reached")
    page.fill("#in-mmi_date", "2024-01-10")
    if page.locator("#in-imp-0-wpi").count():
        page.fill("#in-imp-0-wpi", "9")
    page.fill("#in-new-body_part", "cervical spine")
    page.fill("#in-new-wpi", "5")
    page.fill("#in-combined_wpi", "14")
    page.fill("#in-new-inj-start", "2023-03-02")
    page.fill("#in-new-ap-body_part", "cervical spine")
    page.fill("#in-new-ap-industrial", "80")
    page.fill("#in-new-ap-nonindustrial", "20")
    for i in range(page.locator("input[name$='-remove'][name^='wr-']").count()):
        page.check(f"#in-wr-{i}-remove")
    page.fill("#in-new-wr-text", "No lifting over 20 pounds")
    page.select_option("#in-fm_provided", "yes")
    page.keyboard.press("Control+s")
    expect(page.locator('[id="err-report_date"], #err-report_date')).to_be_visible()
    assert page.input_value("#in-applicant") == applicant + " Jr.", "the other edits are kept"
    assert page.input_value("#in-combined_wpi") == "14"
    _shot(page, "3-inline-error", tmp_path)
    page.fill("#in-report_date", "2024-02-29")
    page.keyboard.press("Control+s")
    expect(page.locator("#audit")).to_contain_text("Pat Paralegal")
    record = store.record_versions(sha)[-1].record()
    assert record.claim.applicant == applicant + " Jr."
    assert record.claim.case_numbers == ["ADJ1234567", "ADJ7654321"]
    assert str(record.report.report_date) == "2024-02-29" and str(record.report.exam_date) == "2024-01-15"
    assert record.mmi.status == "reached" and str(record.mmi.date) == "2024-01-10"
    assert record.combined_wpi.value == 14
    assert any(i.body_part == "cervical spine" and i.wpi == 5 for i in record.impairments)
    assert any(str(j.start) == "2023-03-02" for j in record.claim.injuries)
    assert any(a.industrial_pct == 80 and a.nonindustrial_pct == 20 for a in record.apportionment)
    assert [w.text for w in record.work_restrictions] == ["No lifting over 20 pounds"]
    assert record.future_medical.provided is True

    # Approve and go to the next record of the view: one key.
    page.locator("#field-mmi, [id='field-mmi']").first.focus()
    page.keyboard.press("a")
    page.wait_for_url(lambda url: sha not in url)
    assert store.record_versions(sha)[-1].review_status == "approved"
    if "/doc/" in page.url:  # a clean one: approve with one key again
        second = _sha_of(page)
        page.keyboard.press("a")
        page.wait_for_url(lambda url: second not in url)
        assert store.record_versions(second)[-1].review_status == "approved"

    # Export from the app: a spreadsheet with every field, marked exported.
    page.goto(live_server + "/export")
    _shot(page, "4-export", tmp_path)
    with page.expect_download() as download:
        page.click("#export-csv")
    rows_out = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    mine = next(r for r in rows_out if r["record_id"] == sha)
    assert mine["approved_by"] == "Pat Paralegal" and mine["future_medical"] == "yes"
    assert "No lifting over 20 pounds" in mine["work_restrictions"]
    assert next(r for r in store.documents_overview() if r["sha256"] == sha)["exported"]

    # A case: every doctor side by side; the paralegal marks the controlling report.
    page.goto(live_server + f"/case/{CASE}")
    options = page.locator("#controlling-select option[value]:not([value=''])")
    chosen = options.first.get_attribute("value") or ""
    page.select_option("#controlling-select", chosen)
    page.click("#save-controlling")
    expect(page.locator("#controlling-now")).to_be_visible()
    _shot(page, "5-case", tmp_path)
    assert refused == []
    context.close()
