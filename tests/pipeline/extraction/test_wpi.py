"""WPI: ratings per body part and side, on single phrasings, and the traps that are not WPI."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.support.textdoc import record_from_text as _record


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


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "IMPAIRMENT RATING\n\nI rate the right knee at eight percent whole person impairment.",
            [("knee", "right", 8)],
        ),
        ("IMPAIRMENT RATING\n\nI assign 3% WPI for each hip.", [("hip", "left", 3), ("hip", "right", 3)]),
    ],
)
def test_extract_wpi_number_words_and_each_side(
    nlp: Language, body: str, expected: list[tuple[str, str | None, int]]
) -> None:
    r = _record(nlp, body)
    assert sorted((i.body_part, i.laterality, i.wpi) for i in r.impairments) == expected
    assert all(i.evidence is not None and i.evidence.rules for i in r.impairments)


def test_record_review_ratings_are_cited_not_own(nlp: Language) -> None:
    body = (
        "REVIEW OF RECORDS\n\n06/22/2021 - PR-4 by Dr. Kimura. Patient declared P&S as of 06/22/2021. "
        "Right knee: 6% WPI.\n\nIMPAIRMENT RATING\n\nI assign 8% WPI for the right knee."
    )
    r = _record(nlp, body)
    assert [(i.body_part, i.laterality, i.wpi) for i in r.impairments] == [("knee", "right", 8)]
    cited = [
        (c.physician.name, c.report_date, [(i.body_part, i.wpi) for i in c.impairments])
        for c in r.cited_findings
    ]
    assert cited == [("Dr. Kimura", "2021-06-22", [("knee", 6)])]


@pytest.mark.parametrize("sum_text", ["4 + 4 + 3 = 11% WPI", "4% + 4% + 3% = 11% whole person impairment"])
def test_the_value_a_written_sum_comes_to_is_the_combined_total(nlp: Language, sum_text: str) -> None:
    """ "4 + 4 + 3 = 11% WPI" after the ratings is their total (here added, per Kite), not an unlinked WPI."""
    record = _record(
        nlp,
        "IMPAIRMENT RATING\n\nRight shoulder: 3% WPI. Left shoulder: 4% WPI. Bilateral wrists: 4% WPI.\n\n"
        "Per Kite, I add rather than combine the impairments, as there is no overlap in activities of daily "
        f"living: {sum_text}.",
    )
    assert (record.combined_wpi.value, record.combined_wpi.method) == (11, "added")
    assert "WPI_UNLINKED" not in {f.code for f in record.review.flags}
