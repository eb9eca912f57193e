"""Extraction rules on single phrasings: MMI status and date, WPI per body part, and the traps."""

from __future__ import annotations

import pytest
from spacy.language import Language

from models.record import ReportRecord
from models.settings import Settings
from pipeline.extract import extract_record
from pipeline.nlp import build_nlp
from tests.textdoc import document_from_text

HEAD = "QUALIFIED MEDICAL EVALUATION\nDate of Examination: 03/15/2023\nDate of Report: 04/02/2023\n\n"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp()


def _record(nlp: Language, body: str) -> ReportRecord:
    return extract_record(document_from_text([HEAD + body]), nlp, Settings())


@pytest.mark.parametrize(
    ("body", "status", "date"),
    [
        ("DISABILITY STATUS\n\nThe applicant reached MMI as of 03/15/2023.", "reached", "2023-03-15"),
        (
            "The patient is permanent and stationary as of the date of this evaluation.",
            "reached",
            "2023-03-15",
        ),
        ("He is not yet MMI; re-evaluate in 90 days.", "not_reached", None),
        ("MMI is deferred pending EMG studies.", "not_reached", None),
        (
            "In my opinion, the applicant has attained maximal medical improvement effective February 1, 2023.",
            "reached",
            "2023-02-01",
        ),
        ("She has not reached maximum medical improvement.", "not_reached", None),
        ("I anticipate that he will reach MMI in approximately three months.", "not_reached", None),
        ("The applicant will be P&S after the recommended surgery.", "not_reached", None),
        ("Mr. Doe is deemed permanent and stationary as of today's exam.", "reached", "2023-03-15"),
        (
            "His condition has stabilized and is not expected to change substantially in the next year; he is "
            "therefore at MMI as of 3/15/23.",
            "reached",
            "2023-03-15",
        ),
        ("Permanent & Stationary Date: 01/10/2023", "reached", "2023-01-10"),
        (
            "Dr. Smith declared the applicant P&S on 01/02/2022. I agree the applicant is P&S as of 03/15/2023.",
            "reached",
            "2023-03-15",
        ),
        (
            "RECORDS REVIEWED\n\n01/02/2022 PR-4, Dr. Smith: Patient is P&S as of 01/02/2022 with 5% WPI.",
            "not_stated",
            None,
        ),
        (
            "The applicant's condition is permanent and stationary for rating purposes as of May 2023.",
            "reached",
            None,
        ),
        (
            "She remains temporarily totally disabled and is not permanent and stationary.",
            "not_reached",
            None,
        ),
        ("It would be premature to declare him permanent and stationary at this time.", "not_reached", None),
        ("Once she completes physical therapy, I will re-evaluate her for P&S status.", "not_reached", None),
        (
            "The applicant should be considered permanent and stationary as of the date of my examination.",
            "reached",
            "2023-03-15",
        ),
        ("He has achieved MMI with respect to the lumbar spine as of 02/20/2023.", "reached", "2023-02-20"),
    ],
)
def test_extract_mmi_status_and_date(nlp: Language, body: str, status: str, date: str | None) -> None:
    record = _record(nlp, body)
    assert (record.mmi.status, record.mmi.date) == (status, date)


def test_extract_mmi_month_only_date_is_null_and_flagged(nlp: Language) -> None:
    record = _record(nlp, "She became permanent and stationary in May of 2023.")
    assert record.mmi.status == "reached"
    assert record.mmi.date is None
    assert "MMI_DATE_MONTH_ONLY" in {f.code for f in record.review.flags}
    assert record.review.status == "needs_review"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "IMPAIRMENT RATING\n\nLumbar spine: DRE Category II (Table 15-3), 5-8% WPI; I assign 8% WPI.",
            {("lumbar spine", None, 8)},
        ),
        (
            "For the cervical spine, I find DRE Cervical Category II, which provides 5% to 8% whole person "
            "impairment. I assign 6%.",
            {("cervical spine", None, 6)},
        ),
        ("The right knee warrants 4% whole person impairment (Table 17-33).", {("knee", "right", 4)}),
        (
            "Based on range of motion, the left shoulder has 10% upper extremity impairment, which converts to 6% "
            "WPI.",
            {("shoulder", "left", 6)},
        ),
        ("The applicant has a GAF of 58, which equates to 14% WPI for the psyche.", {("psyche", None, 14)}),
        ("He rates 45% permanent disability after apportionment.", set()),
        ("Grip strength was reduced by 20% on the right. Pain was rated 7/10.", set()),
        ("I add 2% WPI for pain pursuant to Chapter 18.", {("pain", None, 2)}),
        ("Left knee: 2% WPI. Right knee: 3% WPI.", {("knee", "left", 2), ("knee", "right", 3)}),
        ("Using Table 16-3, 14% UEI x 0.6 = 8% WPI for the right wrist.", {("wrist", "right", 8)}),
        ("Whole person impairment for the lumbar spine is 13%.", {("lumbar spine", None, 13)}),
        ("I rate the applicant's hypertension at 15% WPI.", {("hypertension", None, 15)}),
        ("The sleep disorder results in 3 percent WPI.", {("sleep", None, 3)}),
        ("The lumbar spine is rated eight percent (8%) WPI.", {("lumbar spine", None, 8)}),
        ("RECORDS REVIEWED\n\nDr. Jones, the PTP, assigned 12% WPI to the lumbar spine.", set()),
        ("Dr. Jones assigned 12% WPI to the lumbar spine. I disagree.", set()),
        (
            "Alternatively, under Almaraz/Guzman, a 12% WPI could be considered; however, I adopt the strict "
            "rating of 8% WPI for the lumbar spine.",
            {("lumbar spine", None, 8)},
        ),
    ],
)
def test_extract_wpi_per_body_part(
    nlp: Language, body: str, expected: set[tuple[str, str | None, int]]
) -> None:
    record = _record(nlp, body)
    assert {(i.body_part, i.laterality, i.wpi) for i in record.impairments} == expected


def test_extract_every_value_carries_evidence(nlp: Language) -> None:
    record = _record(
        nlp,
        "IMPAIRMENT RATING\n\nThe right knee warrants 4% whole person impairment.\n\n"
        "The applicant reached MMI as of 03/15/2023.",
    )
    for value in [record.mmi, *record.impairments]:
        assert value.evidence is not None
        assert value.evidence.page == 1
        assert value.evidence.bbox is not None
        assert 0 < value.confidence <= 1


@pytest.mark.parametrize(
    ("body", "industrial"),
    [
        ("APPORTIONMENT\n\n80% industrial and 20% non-industrial.", 80),
        (
            "APPORTIONMENT\n\n30% of the permanent disability is caused by degenerative disease and 70% by the "
            "industrial injury.",
            70,
        ),
        ("APPORTIONMENT\n\nThere is no basis for apportionment; the disability is 100% industrial.", 100),
        (
            "APPORTIONMENT\n\nI find that 90 percent is due to the underlying condition and 10 percent is due to the "
            "stress of the industrial injuries.",
            10,
        ),
    ],
)
def test_extract_apportionment_either_direction(nlp: Language, body: str, industrial: int) -> None:
    record = _record(nlp, body)
    assert [a.industrial_pct for a in record.apportionment] == [industrial]


def test_combined_wpi_mismatch_is_flagged(nlp: Language) -> None:
    record = _record(
        nlp,
        "IMPAIRMENT RATING\n\nLumbar spine: 8% WPI.\n\nLeft knee: 6% WPI.\n\n"
        "These combine to 16% WPI using the Combined Values Chart.",
    )
    assert record.combined_wpi.value == 16
    assert "COMBINED_WPI_MISMATCH" in {f.code for f in record.review.flags}


@pytest.mark.parametrize(
    ("body", "status", "date"),
    [
        (
            "MAXIMUM MEDICAL IMPROVEMENT\n\nYes. The examinee has reached MMI. The date of MMI is 03/01/2023.",
            "reached",
            "2023-03-01",
        ),
        (
            "P&S STATUS\n\nThe applicant is considered to have reached permanent and stationary status on 2/14/2023.",
            "reached",
            "2023-02-14",
        ),
        (
            "It is my opinion that Ms. Lee is at maximum medical improvement. MMI date: January 5, 2023.",
            "reached",
            "2023-01-05",
        ),
        (
            "The applicant is currently temporarily totally disabled. She is not at maximal medical improvement.",
            "not_reached",
            None,
        ),
        (
            "Given the pending surgical consultation, a determination of MMI would be premature.",
            "not_reached",
            None,
        ),
        (
            "I find the applicant permanent and stationary effective the date of today's examination.",
            "reached",
            "2023-03-15",
        ),
        ("The patient has plateaued and has reached MMI status as of 1/20/2023.", "reached", "2023-01-20"),
        (
            "The applicant's orthopedic condition became permanent and stationary on or about 12/01/2022.",
            "reached",
            "2022-12-01",
        ),
        ("The applicant has not yet reached MMI and should return in 6 weeks.", "not_reached", None),
        ("Work status: temporarily totally disabled until next visit. P&S: No.", "not_reached", None),
        (
            "She was found to be permanent and stationary by her treating physician, Dr. Patel, on 10/10/2022. In my "
            "opinion she reached MMI on 11/15/2022.",
            "reached",
            "2022-11-15",
        ),
        ("The prior QME found MMI on 05/05/2021.", "not_stated", None),
        (
            "It is medically probable that the applicant will be at MMI within three months following surgery.",
            "not_reached",
            None,
        ),
    ],
)
def test_extract_mmi_other_phrasings(nlp: Language, body: str, status: str, date: str | None) -> None:
    record = _record(nlp, body)
    assert (record.mmi.status, record.mmi.date) == (status, date)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "IMPAIRMENT\n\nCervical Spine\n\nThe applicant falls within DRE Cervical Category II. I place him at 7% "
            "whole person impairment.",
            {("cervical spine", None, 7)},
        ),
        (
            "Right Shoulder: Flexion loss 3% UE, abduction loss 2% UE, total 5% UE = 3% WPI.",
            {("shoulder", "right", 3)},
        ),
        ("Psychiatric: GAF 60 = 12% WPI.", {("psyche", None, 12)}),
        ("The impairment for the lumbosacral spine is 5% of the whole person.", {("lumbar spine", None, 5)}),
        ("I assign 10 WPI for the left hip.", {("hip", "left", 10)}),
        (
            "Left Knee: Using the diagnosis-based estimate for partial meniscectomy (Table 17-33), 1% WPI.",
            {("knee", "left", 1)},
        ),
        ("He qualifies for an additional 1% WPI for pain under Chapter 18.", {("pain", None, 1)}),
        ("The thoracic spine is assigned 0% WPI (DRE Category I).", {("thoracic spine", None, 0)}),
        ("The applicant's headaches warrant 3% whole person impairment.", {("head", None, 3)}),
        (
            "With respect to GERD, she falls in Class 1, 0-9% WPI; I rate her at 5% WPI.",
            {("gastrointestinal", None, 5)},
        ),
        ("Right wrist 6% WPI, left wrist 4% WPI.", {("wrist", "right", 6), ("wrist", "left", 4)}),
        (
            "The lumbar spine DRE method yields 13% WPI, while the ROM method yields 11% WPI. I find the DRE method "
            "more appropriate and assign 13% WPI.",
            {("lumbar spine", None, 13)},
        ),
        ("Per the PTP, 10% WPI was assigned for the knee.", set()),
        ("Her permanent disability, after adjustment for age and occupation, is 23%.", set()),
        ("The applicant has 25% loss of range of motion of the right shoulder.", set()),
    ],
)
def test_extract_wpi_other_phrasings(
    nlp: Language, body: str, expected: set[tuple[str, str | None, int]]
) -> None:
    record = _record(nlp, body)
    assert {(i.body_part, i.laterality, i.wpi) for i in record.impairments} == expected
