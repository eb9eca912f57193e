"""Page images under load and bad input: a page the document does not have never starts the renderer,
a page that could not be drawn is not drawn again at every view, and a saturated renderer answers 503
at once (issue 21)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import web.pages
import web.render
from models.settings import Settings
from pipeline.operations.home import Home
from pipeline.operations.store import Store
from tests.web.test_review import LOCAL, archived_pdf, full_record, seed
from web.app import create_app


@pytest.fixture
def archived(web_settings: Settings, store: Store) -> tuple[TestClient, str, Path]:
    home = Home(web_settings.home).ensure()
    sha, path = archived_pdf(home.root, ["Applicant Raymond Abernathy", "8% WPI for the lumbar spine."])
    seed(store, full_record(sha))
    store.start_run("intake-run", "test", "host", os.getpid(), "1")
    store.add_intake("intake-run", "ame_008.pdf", sha, "processed", stored_as=str(path))
    client = TestClient(create_app(web_settings), base_url=LOCAL)
    client.get("/")
    return client, sha, path


def _renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the renders page_image starts (the real renderer still draws)."""
    calls: list[int] = []
    real = web.pages.render_page

    def counting(original: Path, page: int, out: Path, max_pixels: int) -> tuple[float, float]:
        calls.append(page)
        return real(original, page, out, max_pixels)

    monkeypatch.setattr(web.pages, "render_page", counting)
    return calls


@pytest.mark.parametrize("page", [0, 3, 99999])
def test_a_page_the_document_does_not_have_never_starts_the_renderer(
    archived: tuple[TestClient, str, Path], monkeypatch: pytest.MonkeyPatch, page: int
) -> None:
    client, sha, _ = archived
    calls = _renders(monkeypatch)
    assert client.get(f"/doc/{sha}/page/{page}.png").status_code == 404
    assert calls == []


def test_a_page_that_could_not_be_drawn_is_not_drawn_again(
    archived: tuple[TestClient, str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, sha, path = archived
    path.write_bytes(path.read_bytes()[:200])  # the archived file is broken
    calls = _renders(monkeypatch)
    assert client.get(f"/doc/{sha}/page/1.png").status_code == 404
    assert client.get(f"/doc/{sha}/page/1.png").status_code == 404
    assert client.get(f"/doc/{sha}").status_code == 200
    assert calls.count(1) == 1, "page 1 was drawn (and failed) once"


def test_a_saturated_renderer_answers_503_at_once(
    archived: tuple[TestClient, str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, sha, _ = archived
    held = 0
    while web.render._SLOTS.acquire(blocking=False):
        held += 1
    try:
        assert held == web.render.RENDER_QUEUE
        r = client.get(f"/doc/{sha}/page/1.png")
        assert r.status_code == 503 and r.headers["retry-after"] == "5"
        assert client.get(f"/doc/{sha}").status_code == 200, "the record still opens"
    finally:
        for _ in range(held):
            web.render._SLOTS.release()
    assert client.get(f"/doc/{sha}/page/1.png").status_code == 200
