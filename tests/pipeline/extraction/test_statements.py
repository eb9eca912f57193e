"""General statement finders: WPI told from PD and extremity ratings by the units around a number, body
parts before or after it, clause-scoped MMI negation, apportionment either way round."""

from __future__ import annotations

import pytest
from spacy.language import Language

from models.settings import Settings
from pipeline.extraction.extract import extract_record
from pipeline.extraction.numbers import number_value, percentages
from pipeline.reading.text import document_from_text


def _cited(
    nlp: Language, text: str
) -> list[tuple[str | None, str | None, object, list[object], list[object]]]:
    record = extract_record(document_from_text([text]), nlp, Settings())
    assert record.report.type == "OTHER"
    assert not record.impairments and record.mmi.status == "not_stated"
    return [
        (
            f.physician.name,
            f.physician.role,
            f.mmi and (f.mmi.status, f.mmi.date),
            sorted((i.body_part, i.laterality, i.wpi) for i in f.impairments),
            sorted((a.body_part, a.industrial_pct, a.nonindustrial_pct) for a in f.apportionment),
        )
        for f in record.cited_findings
    ]


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("8% WPI", "wpi"),
        ("8 percent whole person impairment", "wpi"),
        ("eight percent (8%) whole person impairment", "wpi"),
        ("3 WPI for each arm", "wpi"),
        ("24% permanent disability", "pd"),
        ("10% upper extremity impairment", "extremity"),
        ("20 percent of the lower extremity", "extremity"),
        ("25% of the permanent disability", "share"),
        ("80% industrial", "apportionment"),
        ("a GAF of 55%", "other"),
    ],
)
def test_the_unit_of_a_percentage(text: str, unit: str) -> None:
    assert percentages(text)[0].unit == unit


def test_ranges_are_marked() -> None:
    assert all(p.in_range for p in percentages("DRE Category II, 5-8% WPI"))


@pytest.mark.parametrize(
    ("words", "value"), [("eight", 8), ("twenty-two", 22), ("thirty five", 35), ("12.5", 12.5)]
)
def test_number_words(words: str, value: float) -> None:
    assert number_value(words) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Dr. Okonkwo gave the left shoulder 6% whole person impairment and the cervical spine 8%.",
            [("Dr. Okonkwo", None, None, [("cervical spine", None, 8), ("shoulder", "left", 6)], [])],
        ),
        (
            "The QME rated the applicant's WPI for the lumbar spine at 12 percent and the resulting "
            "permanent disability at 24 percent.",
            [(None, "QME", None, [("lumbar spine", None, 12)], [])],
        ),
        (
            "The AME attributed 25% of the permanent disability to pre-existing degenerative disease.",
            [(None, "AME", None, [], [(None, 75, 25)])],
        ),
        (
            "Dr. Vance found the claimant had a twelve percent impairment of the left upper extremity, which "
            "equated to a seven percent whole person impairment of the shoulder.",
            [("Dr. Vance", None, None, [("shoulder", "left", 7)], [])],
        ),
        (
            "The claimant injured both hips. The panel QME assigned 4% WPI for each hip.",
            [(None, "QME", None, [("hip", "left", 4), ("hip", "right", 4)], [])],
        ),
        (
            "Dr. Sato found the applicant permanent and stationary on Sept. 3, 2019 with 5% WPI for the "
            "cervical spine.",
            [("Dr. Sato", None, ("reached", "2019-09-03"), [("cervical spine", None, 5)], [])],
        ),
        (
            "The treating physician, Dr. Abara, found that the applicant was not yet permanent and "
            "stationary and deferred a rating.",
            [("Dr. Abara", "treating", ("not_reached", None), [], [])],
        ),
        (
            "The AME apportioned 60% of the cervical disability to industrial factors and 40% to "
            "nonindustrial factors.",
            [(None, "AME", None, [], [("cervical spine", 60, 40)])],
        ),
        (
            "The WCJ found 65% permanent disability and rejected the QME's apportionment.",
            [],
        ),
        (
            "The psyche QME found 6% WPI for the psyche. On re-evaluation, the QME rated the psyche at 9%.",
            [(None, "QME", None, [("psyche", None, 9)], [])],
        ),
        (
            "Dr. Iyer rated the lumbar spine at DRE Category II, 5% to 8% whole person impairment.",
            [],
        ),
        (
            "The arbitrator adopted 9% WPI for the left ankle, rejecting Dr. Moss's rating of 13% WPI.",
            [("Dr. Moss", None, None, [("ankle", "left", 13)], [])],
        ),
        (
            "Dr. Reyes found a 20% whole person impairment of the cervical spine, of which 30% was "
            "apportioned to nonindustrial factors.",
            [("Dr. Reyes", None, None, [("cervical spine", None, 20)], [("cervical spine", 70, 30)])],
        ),
        (
            "The QME concluded that the bilateral carpal tunnel syndrome was 3% WPI on each side.",
            [(None, "QME", None, [("wrist", "left", 3), ("wrist", "right", 3)], [])],
        ),
        (
            "The DIME physician agreed with the ATP's determination that the claimant had reached MMI.",
            [(None, "treating", ("reached", None), [], []), (None, "IME", ("reached", None), [], [])],
        ),
        (
            "The arbitrator found that Dr. Lin is the panel QME, and that the injury caused permanent "
            "disability of 30% after 40% apportionment to other factors.",
            [],
        ),
        (
            "An agreed medical examiner determined that respondent Maria Soto's left ankle condition "
            "resulted in a 4 percent whole person impairment.",
            [(None, "AME", None, [("ankle", "left", 4)], [])],
        ),
        (
            'Dr. Ngata wrote: "In my opinion the strain has resolved. I feel that she is permanent and '
            "stationary.",
            [("Dr. Ngata", None, ("reached", None), [], [])],
        ),
        (
            "Dr. Cho assigned a 20% impairment rating for her right lower extremity, which could be "
            "converted to an 8% impairment of the whole person.",
            [("Dr. Cho", None, None, [("lower extremity", "right", 8)], [])],
        ),
        (
            "Both the PTP and the panel QME found the worker permanent and stationary.",
            [(None, "QME", ("reached", None), [], []), (None, "PTP", ("reached", None), [], [])],
        ),
        (
            "Drs. Hale and Ortiz each assigned 4% WPI for the right elbow.",
            [
                ("Ortiz", None, None, [("elbow", "right", 4)], []),
                ("Dr. Hale", None, None, [("elbow", "right", 4)], []),
            ],
        ),
    ],
)
def test_findings_in_a_decision_are_cited_by_physician(
    nlp: Language, text: str, expected: list[object]
) -> None:
    assert _cited(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Dr. Quist found the applicant was not at MMI.", "not_reached"),
        ("The QME found that the applicant had not yet reached maximum medical improvement.", "not_reached"),
        ("Dr. Pell deferred MMI pending an EMG.", "not_reached"),
        ("Dr. Pell anticipated that applicant would reach MMI in three months.", "not_reached"),
        ("The orthopedic QME expected he would probably reach P&S after the fusion.", "not_reached"),
        ("The QME deferred a finding on MMI until the EMG results are in.", "not_reached"),
        ("Dr. Tan deferred the question of permanent and stationary status.", "not_reached"),
        ("Dr. Pell opined that applicant remained temporarily totally disabled.", "not_reached"),
        ("The AME found the applicant permanent and stationary.", "reached"),
        ("Dr. Ruiz declared applicant P&S as of 03/15/2023 and nothing about that has changed.", "reached"),
    ],
)
def test_mmi_status_in_a_decision(nlp: Language, text: str, status: str) -> None:
    findings = _cited(nlp, text)
    assert [f[2][0] for f in findings if f[2]] == [status]  # type: ignore[index]


def test_a_report_date_is_not_the_mmi_date(nlp: Language) -> None:
    findings = _cited(nlp, "Dr. Nunez found that the worker had reached MMI in his report of June 4, 2020.")
    assert [f[2] for f in findings] == [("reached", None)]


def test_general_statements_about_mmi_are_not_findings(nlp: Language) -> None:
    text = (
        "When the PTP determines that the condition is permanent and stationary, the PTP must issue a report. "
        "An injured worker is not entitled to temporary disability after the permanent and stationary date."
    )
    assert _cited(nlp, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "For example, an injured employee might be given 12% whole person impairment for a knee replacement.",
        "Example: a claimant receives an impairment rating of 15% to the body as a whole for a neck injury.",
        "Suppose the designated doctor certifies a 9% impairment rating for the lumbar spine.",
    ],
)
def test_examples_and_ratings_of_an_indefinite_worker_are_not_findings(nlp: Language, text: str) -> None:
    assert _cited(nlp, text) == []


def test_a_physicians_amended_rating_replaces_the_earlier_one(nlp: Language) -> None:
    text = (
        "Dr. Varga certified that the claimant reached MMI on March 2, 2019, with a 22% whole person "
        "impairment rating for the right knee. After a letter of clarification, Dr. Varga amended his "
        "rating to 13%."
    )
    assert _cited(nlp, text) == [("Dr. Varga", None, ("reached", "2019-03-02"), [("knee", "right", 13)], [])]


def test_an_initial_ends_a_sentence_before_a_sentence_opener(nlp: Language) -> None:
    text = (
        "The impairment rating is 17% whole person for the lumbar spine as certified by Dr. T. "
        "The carrier appealed the decision."
    )
    assert [f[0] for f in _cited(nlp, text)] == ["Dr. T"]


def test_who_acted_as_gives_the_role_to_the_named_physician(nlp: Language) -> None:
    text = (
        "Dr. Okafor, who acted as a designated examining doctor, found MMI on May 5, 2021, with 6% whole "
        "person impairment of the cervical spine."
    )
    assert [(f[0], f[2]) for f in _cited(nlp, text)] == [("Dr. Okafor", ("reached", "2021-05-05"))]


def test_a_physician_between_a_request_and_the_value_makes_it_theirs(nlp: Language) -> None:
    text = (
        "The claimant requested a Division IME, and the DIME physician found 7% whole person impairment "
        "of the lumbar spine."
    )
    assert [(f[1], f[3]) for f in _cited(nlp, text)] == [("IME", [("lumbar spine", None, 7)])]
