"""The text-layer-or-OCR decision: one explicit call per page, with the reason recorded and logged.

In `auto` mode a page is OCR'd when its text layer is missing, too sparse (`min_text_chars`), junk
(fewer than `min_text_quality` of its tokens look like words: a scanner's garbage invisible layer, a
font without a usable encoding) or when the page is mostly a picture with only a stamp of text on it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from models.settings import OcrMode, Settings

log = logging.getLogger(__name__)

#: A page at least this much covered by images ...
IMAGE_PAGE_COVERAGE = 0.5
#: ... with fewer text characters than this is a scan with a stamp (fax header, Bates number) on it.
IMAGE_PAGE_MAX_CHARS = 200

_WORD = re.compile(r"^(?:[A-Za-z][a-z]*(?:['’-][A-Za-z][a-z]*)*|[A-Z]+(?:['’-][A-Z]+)*)$")
_NUMBER = re.compile(r"^[$(]?\d+(?:[.,/:-]\d+)*[%)]?$")
_CODE = re.compile(r"^[A-Z]{1,4}-?\d+(?:[-./][A-Z]{0,3}\d+)*[A-Z]?$")
_PUNCT = "\"'“”‘’()[]{}<>.,;:!?*•·-–—/\\|_"
_VOWELS = set("aeiouyAEIOUY")


@dataclass(frozen=True)
class TriageDecision:
    """Whether to OCR a page, and why (goes into Page.triage_reason)."""

    ocr: bool
    reason: str


def _word_like(token: str) -> bool:
    core = token.strip(_PUNCT)
    if not core:
        return False
    if _NUMBER.match(core) or _CODE.match(core):
        return True
    if not _WORD.match(core):
        return False
    letters = [c for c in core if c.isalpha()]
    # Long runs of letters without a vowel ("xqzkvt") are what broken OCR layers look like.
    return len(letters) <= 3 or any(c in _VOWELS for c in letters)


def text_quality(text: str) -> float:
    """Share of whitespace-separated tokens that look like words, numbers or codes (0-1)."""
    tokens = text.split()
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if _word_like(t)) / len(tokens)


def needs_ocr(
    text: str | None,
    settings: Settings,
    *,
    image_coverage: float = 0.0,
    page_number: int | None = None,
) -> TriageDecision:
    """Decide whether a page is read from its text layer (`text`; None if it has none) or OCR'd."""
    decision = _decide(text, settings, image_coverage)
    log.debug(
        "page %s: %s (%s)", page_number or "?", "ocr" if decision.ocr else "text layer", decision.reason
    )
    return decision


def _decide(text: str | None, settings: Settings, image_coverage: float) -> TriageDecision:
    if text is None:
        return TriageDecision(True, "image without a text layer")
    mode = settings.ocr_mode
    if mode == OcrMode.FORCE_OCR:
        return TriageDecision(True, "ocr_mode=force_ocr")
    chars = sum(1 for c in text if not c.isspace())
    if mode == OcrMode.NEVER_OCR:
        return TriageDecision(False, f"ocr_mode=never_ocr ({chars} characters in the text layer)")
    if chars == 0:
        return TriageDecision(True, "no text layer")
    if chars < settings.min_text_chars:
        return TriageDecision(True, f"text layer too sparse ({chars} < {settings.min_text_chars} characters)")
    quality = text_quality(text)
    if quality < settings.min_text_quality:
        return TriageDecision(
            True, f"text layer looks like junk ({quality:.0%} word-like < {settings.min_text_quality:.0%})"
        )
    if image_coverage >= IMAGE_PAGE_COVERAGE and chars < IMAGE_PAGE_MAX_CHARS:
        return TriageDecision(
            True, f"page is {image_coverage:.0%} image with only {chars} characters of text (a stamped scan)"
        )
    return TriageDecision(False, f"text layer ok ({chars} characters, {quality:.0%} word-like)")
