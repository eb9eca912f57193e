"""MMI / P&S: status and date of this evaluator's conclusion, on single phrasings."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.support.textdoc import record_from_text as _record


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
    ("body", "status", "date"),
    [
        (
            "DISCUSSION\n\nWhile Dr. Park has not yet declared him P&S, I find that he reached MMI on 04/02/2022.",
            "reached",
            "2022-04-02",
        ),
        (
            "DISCUSSION\n\nThe applicant reached P&S status on 05/01/2021 and nothing about it has changed.",
            "reached",
            "2021-05-01",
        ),
        ("DISCUSSION\n\nStatus: (a) permanent and stationary; (b) no TTD.", "reached", None),
        ("DISCUSSION\n\nThe patient is not at MMI.", "not_reached", None),
        ("DISCUSSION\n\nThe applicant is not yet permanent and stationary.", "not_reached", None),
        ("PERMANENT AND STATIONARY STATUS\n\nThe applicant continues to treat.", "not_stated", None),
    ],
)
def test_extract_mmi_clause_scoped_negation_and_headings(
    nlp: Language, body: str, status: str, date: str | None
) -> None:
    r = _record(nlp, body)
    assert (r.mmi.status, r.mmi.date) == (status, date)


def test_another_physicians_negated_mmi_is_cited_not_own(nlp: Language) -> None:
    r = _record(
        nlp,
        "DISCUSSION\n\nWhile Dr. Park has not yet declared him P&S, I find that he reached MMI on 04/02/2022.",
    )
    assert [(c.physician.name, c.mmi and c.mmi.status) for c in r.cited_findings] == [
        ("Dr. Park", "not_reached")
    ]
