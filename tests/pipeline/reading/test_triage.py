"""The per-page text-layer-or-OCR decision."""

from __future__ import annotations

import logging

import pytest

from models.settings import OcrMode, Settings
from pipeline.reading.triage import needs_ocr, text_quality

GOOD = (
    "The applicant was evaluated on 03/14/2023 for injuries to the cervical spine (C5-6) and right "
    "shoulder. In my opinion she reached maximal medical improvement; WPI is 8% per the AMA Guides."
)
GARBAGE = "xQ7#kf ~|}{ p@@z Zq9&w ]][; rTTk* 9#@x QqQq%% vv~^ kK|k bzzt#"


def test_good_text_layer_is_used(settings: Settings) -> None:
    decision = needs_ocr(GOOD, settings)
    assert not decision.ocr
    assert "text layer ok" in decision.reason


@pytest.mark.parametrize("text", ["", "   \n ", "Page 3"])
def test_missing_or_sparse_text_layer_is_ocrd(settings: Settings, text: str) -> None:
    decision = needs_ocr(text, settings)
    assert decision.ocr
    assert "no text layer" in decision.reason or "too sparse" in decision.reason


def test_garbage_text_layer_is_ocrd(settings: Settings) -> None:
    decision = needs_ocr(GARBAGE * 3, settings)
    assert decision.ocr
    assert "junk" in decision.reason


def test_mostly_image_page_with_a_stamp_is_ocrd(settings: Settings) -> None:
    stamp = "RECEIVED Workers' Compensation Appeals Board 01/02/2024 ADJ12345678"
    assert needs_ocr(stamp, settings, image_coverage=0.95).ocr
    assert not needs_ocr(stamp, settings, image_coverage=0.0).ocr


def test_force_ocr_mode_ocrs_good_text(settings: Settings) -> None:
    forced = settings.model_copy(update={"ocr_mode": OcrMode.FORCE_OCR})
    assert needs_ocr(GOOD, forced).ocr


def test_never_ocr_mode_keeps_even_an_empty_layer(settings: Settings) -> None:
    never = settings.model_copy(update={"ocr_mode": OcrMode.NEVER_OCR})
    decision = needs_ocr("", never)
    assert not decision.ocr
    assert "never_ocr" in decision.reason


def test_images_are_always_ocrd_whatever_the_mode(settings: Settings) -> None:
    never = settings.model_copy(update={"ocr_mode": OcrMode.NEVER_OCR})
    assert needs_ocr(None, never).ocr


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [(GOOD, 0.95, 1.0), (GARBAGE, 0.0, 0.2), ("L4-5 C5-6 ADJ1234567 12/01/2023 8% $1,250.00", 1.0, 1.0)],
)
def test_text_quality(text: str, low: float, high: float) -> None:
    assert low <= text_quality(text) <= high


def test_decision_is_logged_without_the_text(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="pipeline.reading.triage"):
        needs_ocr(GOOD, settings, page_number=7)
    assert "page 7" in caplog.text
    assert "applicant" not in caplog.text
