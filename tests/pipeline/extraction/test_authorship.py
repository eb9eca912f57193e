"""Authorship from what the document says: a physician's report in any format is the author's; a decision
or summary is OTHER; the report type comes from the title and the author's own role, never from the
physicians a record review mentions."""

from __future__ import annotations

import pytest
from spacy.language import Language

from models.settings import Settings
from pipeline.extraction.extract import extract_record
from tests.support.textdoc import document_from_text


def _record(nlp: Language, text: str):  # type: ignore[no-untyped-def]
    return extract_record(document_from_text([text]), nlp, Settings())


DICTATED_IME = (
    "HISTORY OF PRESENT ILLNESS: The patient is a 52-year-old laborer who injured his low back lifting a "
    "pallet at work.\n\nPHYSICAL EXAMINATION: There is tenderness over the lumbar paraspinals. Range of "
    "motion is reduced.\n\nIMPRESSION: Lumbar strain with L5 radiculopathy.\n\nDISCUSSION: I examined the "
    "patient and reviewed the records. In my opinion he has reached maximum medical improvement. Using the "
    "AMA Guides, Fifth Edition, I assign 8% whole person impairment for the lumbar spine."
)


def test_a_dictated_report_without_title_or_signature_is_the_physicians_own(nlp: Language) -> None:
    record = _record(nlp, DICTATED_IME)
    assert record.report.type != "OTHER"
    assert record.mmi.status == "reached"
    assert [(i.body_part, i.wpi) for i in record.impairments] == [("lumbar spine", 8)]
    assert record.cited_findings == []


def test_a_decision_is_other_and_its_findings_are_cited(nlp: Language) -> None:
    record = _record(
        nlp,
        "The WCJ found that the applicant sustained injury to his lumbar spine. The panel QME, Dr. Ames, "
        "found him permanent and stationary on 03/01/2020 with 8% WPI for the lumbar spine. We affirm.",
    )
    assert record.report.type == "OTHER"
    assert record.impairments == []
    assert [(c.physician.name, [i.wpi for i in c.impairments]) for c in record.cited_findings] == [
        ("Dr. Ames", [8])
    ]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            "PRIMARY TREATING PHYSICIAN'S PERMANENT AND STATIONARY REPORT\n\nRECORDS REVIEWED\n\n"
            "03/01/2021 - Panel QME report of Dr. Lee. Not P&S.",
            "PTP",
        ),
        ("Dear Counsel:\n\nI was asked to perform an independent medical examination of Mr. Smith.", "IME"),
        ("In my capacity as the primary treating physician I saw Ms. Jones on 03/01/2021.", "PTP"),
        (
            "Jane Roe, M.D. | Qualified Medical Evaluator\n\nSUPPLEMENTAL REPORT\nAgreed Medical Evaluator",
            "AME",
        ),
    ],
)
def test_the_report_type_comes_from_the_title_and_the_authors_own_role(
    nlp: Language, head: str, expected: str
) -> None:
    body = head + "\n\nDISCUSSION\n\nI examined the patient. In my opinion she is not yet at MMI."
    assert _record(nlp, body).report.type == expected
