"""Accessibility in a real browser: axe-core (the axe-playwright-python package carries it, so nothing is
fetched) over the queue, a record, a case and the dashboard of the `make run` sample cases. No serious or
critical violation is allowed; moderate and minor ones are listed in the failure message of a later
regression only if they turn serious.

The CSP forbids injected script, so the axe context bypasses it (the test's own browser context only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.settings import Settings
from pipeline.operations.store import Store

BLOCKING = {"serious", "critical"}


def _violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result.response["violations"]
        if v.get("impact") in BLOCKING
    ]


def _sign_in_if_asked(page: Any) -> None:
    """With no accounts the app asks for the reviewer's name once; with accounts it asks for a user name."""
    name = page.locator("form input[name=name]")
    if name.count():
        name.first.fill("Pat Paralegal")
        name.first.press("Enter")
        page.wait_for_load_state()


def test_queue_record_case_and_dashboard_have_no_serious_or_critical_violations(
    browser: Any, live_server: str, web_settings: Settings, store: Store, tmp_path: Path
) -> None:
    from pipeline.operations.batch import run_batch
    from sample_reports.cases import generate_cases

    files = generate_cases(tmp_path / "cases", seed=11, scans=False)
    run_batch(web_settings, files=files, workers=1)
    sha = store.documents_overview()[0]["sha256"]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(live_server + "/")
    _sign_in_if_asked(page)

    found: dict[str, list[str]] = {}
    for path in ("/", "/?view=needs_review", "/dashboard", f"/doc/{sha}", "/case/ADJ10217635"):
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        found[path] = _violations(page)
    context.close()
    assert found == {path: [] for path in found}
