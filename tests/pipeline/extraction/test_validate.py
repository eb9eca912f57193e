"""Review flags raised by the consistency checks."""

from __future__ import annotations

from spacy.language import Language

from models.document import Document, TextSource
from models.settings import Settings
from pipeline.extraction.extract import extract_record
from pipeline.reading.repair import repair_date_token
from tests.support.textdoc import document_from_text
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


def _as_ocr(document: Document, low: dict[str, float] | None = None) -> Document:
    """The document as if Tesseract had read it at 95% confidence (the words of `low` at theirs), with the
    reader's date repairs."""
    pages = []
    for page in document.pages:
        lines = []
        for line in page.lines:
            words = []
            for w in line.words:
                fixed = repair_date_token(w.text)
                words.append(
                    w.model_copy(
                        update={
                            "text": fixed or w.text,
                            "confidence": (low or {}).get(w.text, 95.0),
                            "ocr_text": w.text if fixed else None,
                        }
                    )
                )
            lines.append(
                line.model_copy(
                    update={"words": words, "text": " ".join(w.text for w in words), "confidence": 95.0}
                )
            )
        pages.append(
            page.model_copy(update={"lines": lines, "text_source": TextSource.OCR, "ocr_confidence": 95.0})
        )
    return document.model_copy(update={"pages": pages})


def test_a_header_date_read_with_letters_is_repaired_and_flagged_unless_read_clean_elsewhere(
    nlp: Language,
) -> None:
    head = "QUALIFIED MEDICAL EVALUATION\nDate of Examination: O3/l5/2O23\nDate of Report: 04/02/2023\n\n"
    once = extract_record(
        _as_ocr(document_from_text([head + "The applicant was seen today."])), nlp, Settings()
    )
    assert once.report.exam_date == "2023-03-15"
    repaired = [f for f in once.review.flags if f.code == "OCR_REPAIRED"]
    assert [f.field for f in repaired] == ["report.exam_date"]
    assert "03/15/2023" in repaired[0].message
    again = extract_record(
        _as_ocr(document_from_text([head + "I examined the applicant on 03/15/2023 in my office."])),
        nlp,
        Settings(),
    )
    assert again.report.exam_date == "2023-03-15"
    assert "OCR_REPAIRED" not in {f.code for f in again.review.flags}


def test_a_low_confidence_header_value_read_again_elsewhere_is_trusted_and_a_slip_is_corrected(
    nlp: Language,
) -> None:
    """The header field reads "Rentena" at 48%; the running header of two later pages reads "Renteria" clean:
    the name is the repeated one. A claim number read once at 60% still goes to review."""
    head = (
        "QUALIFIED MEDICAL EVALUATION\nApplicant: Pedro Rentena\nClaim No.: 4471-22\n"
        "Date of Examination: 03/15/2023\nDate of Report: 04/02/2023\nDate of Injury: 01/05/2022\n\n"
        "Mr. Renteria was seen for an injury of 01/05/2022. I examined him on 03/15/2023 in my office."
    )
    later = "Applicant: Pedro Renteria | Page {}\n\nThe applicant was seen today."
    doc = document_from_text([head, later.format(2), later.format(3)])
    record = extract_record(_as_ocr(doc, {"Rentena": 48.0, "4471-22": 60.0}), nlp, Settings())
    assert record.claim.applicant == "Pedro Renteria"
    low = {f.field for f in record.review.flags if f.code == "LOW_OCR_CONFIDENCE"}
    assert low == {"claim.claim_numbers"}
