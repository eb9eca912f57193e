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


def test_values_out_of_range_are_flags_not_crashes(nlp: Language) -> None:
    """OCR noise such as '109% WPI' or '109% industrial / -9% nonindustrial' sends the record to review."""
    record = _record(
        nlp,
        "DISCUSSION\n\nI find the applicant has reached maximum medical improvement as of 03/15/2023. "
        "Lumbar spine: I assign 109% WPI. Cervical spine: I assign 8% WPI. "
        "Apportionment: 109% industrial and -9% nonindustrial. The injury occurred on 13/45/2021.",
    )
    codes = {f.code for f in record.review.flags}
    assert {"WPI_OUT_OF_RANGE", "APPORTIONMENT_OUT_OF_RANGE"} <= codes
    assert record.review.status == "needs_review"
    assert [(i.body_part, i.wpi) for i in record.impairments] == [("cervical spine", 8)]
    assert record.apportionment == []


def test_case_numbers_survive_ocr_confusions(nlp: Language) -> None:
    """Letters OCR reads for digits inside a case number are corrected and flagged."""
    record = _record(
        nlp,
        "QUALIFIED MEDICAL EVALUATION\n\nCase No.: ADJ12B4S67\n\nThe applicant was seen today.",
    )
    assert record.claim.case_numbers == ["ADJ1284567"]
    assert "CASE_NUMBER_OCR_CORRECTED" in {f.code for f in record.review.flags}
