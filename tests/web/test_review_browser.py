"""Reviewing with the keyboard only, and the page viewer, in a real browser (Debian's Chromium through
Playwright): open from the queue on the first flagged value, move between values, correct one, save,
approve and land on the next record of the view; zoom, thumbnails, go to page and find.

Set MEDLEGAL_UPDATE_SCREENSHOT=1 to refresh docs/review-keyboard.png from this test.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from models.settings import Settings
from pipeline.operations.home import Home
from pipeline.operations.store import Store
from tests.web.test_browser import _shrink
from tests.web.test_review import archived_pdf, full_record, seed

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _archived_record(store: Store, home: Path, applicant: str, marker: str) -> str:
    sha, path = archived_pdf(home, [f"Applicant {applicant} {marker}", "8% WPI for the lumbar spine."])
    seed(store, full_record(sha, applicant=applicant))
    store.start_run(f"intake-{sha[:8]}", "test", "host", os.getpid(), "1")
    store.add_intake(f"intake-{sha[:8]}", "ame_008.pdf", sha, "processed", stored_as=str(path))
    return sha


def _active_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def test_review_a_record_with_the_keyboard_and_use_the_viewer(
    browser: Any, live_server: str, web_settings: Settings, store: Store, tmp_path: Path
) -> None:
    home = Home(web_settings.home).ensure().root
    shas = [
        _archived_record(store, home, "Jane Roe", "first"),
        _archived_record(store, home, "Raymond Abernathy", "second"),
    ]
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(20_000)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    # Action 1: open the first record of "needs review" from the queue (focus its link, Enter).
    page.goto(live_server + "/?view=needs_review")
    html = page.content()
    newer, older = sorted(shas, key=lambda sha: html.index(f"/doc/{sha}"))  # the view's order
    page.locator(f'a[href^="/doc/{newer}"]').first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#doc-status")).to_have_text("Needs review")
    # It opens on its first flagged value, focused, with its box drawn and in view.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'field-impairments.0'")
    expect(page.locator('#overlay rect.ev.selected[data-field="impairments.0"]')).to_have_count(1)
    assert page.locator('[id="field-impairments.0"]').is_visible()

    # j / k move between values; the page and box follow without reloading the record.
    page.evaluate("window.__sameDocument = true")
    page.keyboard.press("j")
    page.wait_for_function("document.activeElement.id === 'field-impairments.1'")
    expect(page.locator('#overlay rect.ev.selected[data-field="impairments.1"]')).to_have_count(1)
    page.keyboard.press("k")
    page.keyboard.press("k")
    page.wait_for_function("document.activeElement.id === 'field-mmi'")
    expect(page.locator("#page-img")).to_have_attribute("src", f"/doc/{newer}/page/1.png")
    assert page.evaluate("window.__sameDocument") is True
    page.keyboard.press("f")  # the next flagged value
    page.wait_for_function("document.activeElement.id === 'field-impairments.0'")

    # The help overlay.
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()

    # Action 2 (the correction): e edits the selected value; type the right WPI.
    page.keyboard.press("e")
    assert _active_id(page) == "in-imp-0-wpi"
    page.keyboard.type("9")
    # Action 3: Ctrl+Enter saves, approves and opens the next record of the view.
    page.keyboard.press("Control+Enter")
    page.wait_for_url(f"**/doc/{older}?from=view%3Dneeds_review")
    versions = store.record_versions(newer)
    assert versions[-1].review_status == "approved" and versions[-1].record().impairments[0].wpi == 9
    assert "LOW_CONFIDENCE" not in [f.code for f in versions[-1].record().review.flags]

    # The viewer on this record: zoom, thumbnails, go to page, find; none reloads the record.
    page.wait_for_function("document.activeElement.id === 'field-impairments.0'")
    page.evaluate("window.__sameDocument = true")
    box = page.locator("#page")
    width = box.bounding_box()["width"]  # type: ignore[index]
    page.click("#zoom-in")
    page.click("#zoom-in")
    expect(page.locator("#zoom-level")).to_have_text("150%")
    assert box.bounding_box()["width"] > width * 1.4  # type: ignore[index]
    page.click("#zoom-fit")
    page.locator('#thumbs .thumb[data-page="1"]').click()
    expect(page.locator("#page-img")).to_have_attribute("src", f"/doc/{older}/page/1.png")
    expect(page.locator('#thumbs .thumb[data-page="1"]')).to_have_attribute("aria-current", "page")
    page.keyboard.press("g")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    expect(page.locator("#page-img")).to_have_attribute("src", f"/doc/{older}/page/2.png")
    page.locator('#thumbs .thumb[data-page="1"]').click()
    page.fill("#find", "lumbar spine")
    page.keyboard.press("Enter")
    expect(page.locator("#find-count")).to_have_text("1 of 1")
    expect(page.locator("#page-img")).to_have_attribute("src", f"/doc/{older}/page/2.png")
    expect(page.locator("#overlay rect.hit.current")).to_have_count(1)
    page.fill("#find", "applicant")
    page.keyboard.press("Enter")
    expect(page.locator("#page-img")).to_have_attribute("src", f"/doc/{older}/page/1.png")
    assert page.evaluate("window.__sameDocument") is True
    original = page.locator("#original")
    assert original.get_attribute("href") == f"/doc/{older}/original"
    with page.expect_download() as download:
        original.click()
    assert download.value.suggested_filename == "ame_008.pdf"
    if os.environ.get("MEDLEGAL_UPDATE_SCREENSHOT"):
        shot = DOCS / "review-keyboard.png"
        page.screenshot(path=str(shot))
        _shrink(shot)

    # A clean approval is one key: a approves and goes on (back to the queue view at its end).
    page.locator('[id="field-mmi"]').focus()
    page.keyboard.press("a")
    page.wait_for_url("**/?view=needs_review")
    assert store.record_versions(older)[-1].review_status == "approved"
    assert refused == []
    context.close()
