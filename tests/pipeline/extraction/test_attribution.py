"""Attribution: whose each statement is (this evaluator, another physician, a judge), as ConText-style
agent mentions set by rules/attribution.json."""

from __future__ import annotations

import pytest
from spacy.language import Language

from pipeline.extraction.attribution import author_at, sentence_agents, surname
from pipeline.extraction.textview import ReportText
from pipeline.reading.text import document_from_text


def _author(
    nlp: Language, text: str, value: str, *, other: bool = True
) -> tuple[str, str | None, str | None]:
    rt = ReportText.build(document_from_text([text]), nlp)
    rt.is_other_document = other
    for s in rt.sentences:
        i = s.text.find(value)
        if i >= 0:
            a = author_at(rt, s, i)
            return a.kind, a.name, a.role
    raise AssertionError(f"{value!r} not in the text")


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        (
            "The psychiatric AME, Dr. Osei, found 8% WPI for the psyche.",
            "8%",
            ("physician", "Dr. Osei", "AME"),
        ),
        ("Dr. Lindqvist, the PTP, found 12% WPI.", "12%", ("physician", "Dr. Lindqvist", "PTP")),
        ("The panel QME assigned 5% WPI.", "5%", ("physician", None, "QME")),
        ("Applicant's treating physician rated the knee at 4% WPI.", "4%", ("physician", None, "treating")),
        ("The WCJ found 15% WPI instead.", "15%", ("nonphysician", None, None)),
        ("Dr. Brandt found 10% WPI, but the judge found 14% WPI.", "14%", ("nonphysician", None, None)),
        ("Dr. Brandt found 10% WPI, but the judge found 14% WPI.", "10%", ("physician", "Dr. Brandt", None)),
        (
            "Dr. Achebe disagreed with Dr. Moreau's 10% WPI and assigned 14% WPI.",
            "10%",
            ("physician", "Dr. Moreau", None),
        ),
        (
            "Dr. Achebe disagreed with Dr. Moreau's 10% WPI and assigned 14% WPI.",
            "14%",
            ("physician", "Dr. Achebe", None),
        ),
        ("Dr. Feld examined her. He found 9% WPI for the psyche.", "9%", ("physician", "Dr. Feld", None)),
        (
            "She was declared P&S by her treating physician, Dr. Ueda, in 2019.",
            "P&S",
            ("physician", "Dr. Ueda", "treating"),
        ),
        (
            "The Board held that the rating of 22% WPI was not substantial evidence.",
            "22%",
            ("nonphysician", None, None),
        ),
    ],
)
def test_author_of_a_value_in_a_decision(
    nlp: Language, text: str, value: str, expected: tuple[str, str | None, str | None]
) -> None:
    assert _author(nlp, text, value) == expected


def test_first_person_in_a_decision_is_its_author_not_a_physician(nlp: Language) -> None:
    assert _author(nlp, "I find that the applicant sustained 12% WPI.", "12%")[0] == "nonphysician"


def test_first_person_in_a_report_is_the_evaluator(nlp: Language) -> None:
    assert _author(nlp, "I find that the applicant sustained 12% WPI.", "12%", other=False)[0] == "self"


def test_a_quotation_belongs_to_the_physician_it_is_attributed_to(nlp: Language) -> None:
    text = 'Dr. Hale wrote: "I believe the lumbar spine rates 8% WPI."'
    assert _author(nlp, text, "8%") == ("physician", "Dr. Hale", None)


def test_the_evaluator_named_in_the_third_person_is_self(nlp: Language) -> None:
    rt = ReportText.build(document_from_text(["Dr. Roe finds 8% WPI for the lumbar spine."]), nlp)
    rt.evaluator_surname = "Roe"
    s = rt.sentences[0]
    assert author_at(rt, s, s.text.find("8%")).kind == "self"


def test_a_role_beside_a_name_is_one_agent() -> None:
    agents = sentence_agents("The orthopedic QME, Dr. Mbeki, found the applicant P&S.")
    physicians = [a for a in agents if a.kind == "physician"]
    assert len(physicians) == 1 and physicians[0].name == "Dr. Mbeki" and physicians[0].role == "QME"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Dr. Peter Chang-Sing", "Chang-Sing"), ("Rafael Ellingson, M.D.", "Ellingson"), ("Dr. Kim's", "Kim")],
)
def test_surname(name: str, expected: str) -> None:
    assert surname(name) == expected


def test_a_physician_naming_their_own_role_is_not_another_physician(nlp: Language) -> None:
    """ "in my capacity as primary treating physician" is the author, not another doctor: the date the
    sentence gives is this report's exam date."""
    from models.settings import Settings
    from pipeline.extraction.extract import extract_record

    text = (
        "PRIMARY TREATING PHYSICIAN'S NARRATIVE REPORT\n\nDear Counsel: I evaluated Priya Winslow, date of "
        "birth Aug. 12, 1979, on Oct. 18, 2023 in my office, in my capacity as primary treating physician, "
        "regarding a specific injury of Oct. 13, 2022."
    )
    record = extract_record(document_from_text([text]), nlp, Settings())
    assert record.report.exam_date == "2023-10-18"
