"""Each report's full rating in the case view (CASE.md v1.1): inputs gathered from the case, apportionment
as the physician states it, and the disagreements priced."""

from __future__ import annotations

from models.case import CaseReport, Disagreement, DisagreementValue
from models.record import Apportionment, Claim, Impairment, Injury, Occupation, Report, ReportRecord, Source
from pipeline.cases.full_rating import (
    RatingInputs,
    birth_date,
    case_occupation,
    injury_date,
    price_disagreements,
    report_rating,
)


def _record(
    impairments: list[Impairment],
    *,
    occupation: str | None = "warehouse worker",
    apportionment: list[Apportionment] | None = None,
    injuries: list[Injury] | None = None,
    born: str | None = "1967-01-10",
) -> ReportRecord:
    return ReportRecord(
        source=Source(filename="r.pdf", sha256="0" * 64, media_type="application/pdf", page_count=1),
        report=Report(type="QME"),
        claim=Claim(
            injuries=[Injury(type="specific", start="2015-03-02")] if injuries is None else injuries,
            date_of_birth=born,
            occupation=Occupation(text=occupation) if occupation else None,
        ),
        impairments=impairments,
        apportionment=apportionment or [],
        rules_version="t",
    )


LUMBAR = Impairment(body_part="lumbar spine", wpi=8, method="DRE Category II", confidence=0.9)


def test_the_reports_occupation_is_used_when_it_is_a_title_of_the_schedule() -> None:
    occ = case_occupation([_record([LUMBAR])], None)
    assert (occ.title, occ.group, occ.source, occ.confirmed) == ("WAREHOUSE WORKER", 360, "report", False)


def test_a_near_title_is_only_suggested_and_a_reviewer_decides() -> None:
    occ = case_occupation([_record([LUMBAR], occupation="produce clerk")], None)
    assert occ.group is None and occ.title == "PRODUCE CLERK, RETAIL" and "confirm" in (occ.reason or "")
    picked = case_occupation(
        [_record([LUMBAR], occupation="produce clerk")], RatingInputs(group=360, title="X")
    )
    assert (picked.group, picked.source, picked.confirmed) == (360, "reviewer", True)


def test_a_reports_full_rating_string_weeks_and_money() -> None:
    record = _record([LUMBAR])
    rating = report_rating(record, case_occupation([record], None), birth_date([record], None), [], None)
    assert [p.string for p in rating.parts] == ["15.03.01.00 - 8 - [1.4] 11 - 360G - 13 - 15%"]
    assert (rating.pd, rating.weeks, rating.amount.min, rating.amount.max) == (15, 50.5, 8080, 14645)
    assert rating.parts[0].number_basis == "the report's words 'DRE'"


def test_apportionment_per_part_then_overall() -> None:
    knee = Impairment(body_part="knee", laterality="left", wpi=10, confidence=0.9)
    record = _record(
        [LUMBAR, knee],
        apportionment=[
            Apportionment(body_part="knee", laterality="left", industrial_pct=50, nonindustrial_pct=50),
            Apportionment(industrial_pct=80, nonindustrial_pct=20),
        ],
    )
    rating = report_rating(record, case_occupation([record], None), birth_date([record], None), [], None)
    assert [p.industrial_pct for p in rating.parts] == [80, 50]
    assert rating.parts[0].apportioned == 12  # 15 x 80% = 12
    assert rating.parts[0].string is not None and rating.parts[0].string.endswith(" x 80% = 12%")


def test_no_impairment_or_no_injury_date_is_a_reason() -> None:
    record = _record([])
    assert report_rating(record, case_occupation([record], None), None, [], None).reason == (
        "no whole person impairment in this report"
    )
    record = _record([LUMBAR], injuries=[])
    assert (
        report_rating(record, case_occupation([record], None), None, [], None).reason == "no date of injury"
    )


def test_a_cumulative_trauma_is_rated_by_its_end_and_the_earliest_injury_decides() -> None:
    injuries = [
        Injury(type="cumulative", start="2011-01-01", end="2013-06-30"),
        Injury(type="specific", start="2014-02-01"),
    ]
    assert injury_date(injuries) is not None and injury_date(injuries).isoformat() == "2013-06-30"  # type: ignore[union-attr]


def test_disagreements_are_priced() -> None:
    def report(sha: str, kind: str, wpi: int) -> CaseReport:
        record = _record([Impairment(body_part="lumbar spine", wpi=wpi, confidence=0.9)])
        full = report_rating(record, case_occupation([record], None), birth_date([record], None), [], None)
        return CaseReport(
            sha256=sha, filename=f"{kind}.pdf", type=kind, status="ready", record_id=1, version=1, rating=full
        )  # type: ignore[arg-type]

    reports = [report("a" * 64, "PTP", 8), report("b" * 64, "QME", 13)]
    d = Disagreement(
        field="wpi",
        body_part="lumbar spine",
        values=[
            DisagreementValue(report=r.sha256, type=r.type, value=v)
            for r, v in zip(reports, (8, 13), strict=True)
        ],
    )
    price_disagreements([d], reports)
    assert [x.pd for x in d.ratings] == [15, 23]
    assert (
        d.priced
        == "QME 23% / 90.5 weeks / $14,480.00-$26,245.00 against PTP 15% / 50.5 weeks / $8,080.00-$14,645.00"
    )
