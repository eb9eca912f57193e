"""The record's own findings from the one engine: the failure classes seen on another publisher's reports
(issue 18) each as a case: counted once, never merged; headings name parts, never state; the main clause
and the author's own statement win."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.support.textdoc import record_from_text as _record


@pytest.mark.parametrize(
    ("body", "status", "date"),
    [
        (
            "PERMANENT AND STATIONARY STATUS / MMI\n\nIn my opinion the patient is not at MMI; a surgical "
            "consultation is recommended.",
            "not_reached",
            None,
        ),
        (
            "PERMANENT AND STATIONARY STATUS / MMI\n\nThe applicant has not yet reached maximum medical "
            "improvement. I anticipate MMI in approximately three to four months.",
            "not_reached",
            None,
        ),
        (
            "DISCUSSION\n\nAlthough the treating physician has not yet declared her P&S, in my opinion she "
            "reached MMI on 04/24/2021.",
            "reached",
            "2021-04-24",
        ),
        (
            "Has the patient's condition reached maximal medical improvement (MMI)? [X] Yes [ ] No",
            "reached",
            None,
        ),
        (
            "Question 3: Is the applicant P&S?\n\nAnswer: She is not P&S; re-evaluate in six weeks.",
            "not_reached",
            None,
        ),
        (
            "DISCUSSION\n\nFuture medical care will be addressed when the applicant is permanent and stationary.",
            "not_stated",
            None,
        ),
        (
            "DISCUSSION\n\nI would place the date of maximum medical improvement at 02/01/2023.",
            "reached",
            "2023-02-01",
        ),
        (
            "IMPRESSION\n\nThe patient is medically stable and was transferred to the floor.",
            "not_stated",
            None,
        ),
        ("OPINION\n\nThe patient became medically stationary on 01/15/2023.", "reached", "2023-01-15"),
        ("OPINION\n\nShe reached a healing plateau on 01/15/2023.", "reached", "2023-01-15"),
    ],
)
def test_mmi_the_main_clause_and_the_authors_own_statement_win(
    nlp: Language, body: str, status: str, date: str | None
) -> None:
    record = _record(nlp, body)
    assert (record.mmi.status, record.mmi.date) == (status, date)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "IMPAIRMENT RATING\n\nRegarding the head, the applicant has two percent (2%) whole person "
            "impairment per Chapter 18 pain.\n\nBody part | Method | WPI\n\nHeadaches | Chapter 18 pain | 2%",
            {("head", None, 2)},
        ),
        (
            "IMPAIRMENT RATING\n\nRight hip: total hip arthroplasty, good result, equal to 20% WPI.\n\n"
            "Left hip: total hip arthroplasty, good result, equal to 20% WPI.",
            {("hip", "right", 20), ("hip", "left", 20)},
        ),
        (
            "IMPAIRMENT RATING\n\nRight Shoulder -- Chapter 16 (Upper Extremity)\n\nROM method -- Severe loss "
            "of ROM; 24% UEI.\n\nWPI: 14%.\n\nLumbar Spine -- DRE Method (Table 15-3)\n\nCategory III.\n\n"
            "WPI: 11%.",
            {("shoulder", "right", 14), ("lumbar spine", None, 11)},
        ),
        (
            "IMPAIRMENT RATING\n\nLumbar spine: 8% WPI. Pain add-on (Chapter 18): 2% WPI.",
            {("lumbar spine", None, 8), ("pain", None, 2)},
        ),
        (
            "IMPAIRMENT RATING\n\nThe right knee warrants 4% whole person impairment.\n\nSUMMARY\n\n"
            "Right knee | 4% WPI",
            {("knee", "right", 4)},
        ),
    ],
)
def test_wpi_counted_once_and_never_merged(
    nlp: Language, body: str, expected: set[tuple[str, str | None, int]]
) -> None:
    record = _record(nlp, body)
    assert {(i.body_part, i.laterality, i.wpi) for i in record.impairments} == expected


def test_every_own_value_names_the_rules_that_produced_it(nlp: Language) -> None:
    record = _record(nlp, "IMPAIRMENT RATING\n\nLumbar spine: DRE Category II, 5-8% WPI; I assign 8% WPI.")
    (imp,) = record.impairments
    assert imp.evidence is not None and "unit.wpi_after" in imp.evidence.rules


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "In a TWCC-69, the designated doctor certified MMI on 5/1/2012 with a 5% IR for the lumbar spine.",
            ["texas"],
        ),
        ("The DIME physician placed the claimant at MMI.", ["colorado"]),
        ("Claimant became medically stationary on June 1, 2001.", ["oregon"]),
    ],
)
def test_the_record_names_the_conventions_it_saw(nlp: Language, sentence: str, expected: list[str]) -> None:
    assert set(expected) <= set(_record(nlp, sentence).report.conventions)
