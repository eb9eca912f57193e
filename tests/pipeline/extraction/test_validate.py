"""Review flags raised by the consistency checks."""

from __future__ import annotations

from spacy.language import Language

from tests.support.textdoc import record_from_text as _record


def test_combined_wpi_mismatch_is_flagged(nlp: Language) -> None:
    record = _record(
        nlp,
        "IMPAIRMENT RATING\n\nLumbar spine: 8% WPI.\n\nLeft knee: 6% WPI.\n\n"
        "These combine to 16% WPI using the Combined Values Chart.",
    )
    assert record.combined_wpi.value == 16
    assert "COMBINED_WPI_MISMATCH" in {f.code for f in record.review.flags}
