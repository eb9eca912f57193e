"""Disagreements between the distinct reports of a case."""

from __future__ import annotations

from models.case import (
    CaseApportionment,
    CaseImpairment,
    CaseMmi,
    CaseReport,
    Disagreement,
    DisagreementRating,
    DisagreementValue,
    FullRating,
)
from models.record import Evaluator
from pipeline.cases.compare import disagreements, mark_differing, rank


def _report(
    sha: str,
    kind: str,
    *,
    wpi: tuple[tuple[str, str | None, float], ...] = (),
    mmi: tuple[str, str | None] = ("not_stated", None),
    apportionment: tuple[tuple[str | None, float | None, float | None], ...] = (),
) -> CaseReport:
    return CaseReport(
        sha256=sha,
        filename=f"{sha}.pdf",
        type=kind,  # type: ignore[arg-type]
        evaluator=Evaluator(name=f"Dr {sha}"),
        status="ready",
        mmi=CaseMmi(status=mmi[0], date=mmi[1]),
        impairments=[CaseImpairment(body_part=p, laterality=s, wpi=w) for p, s, w in wpi],  # type: ignore[arg-type]
        apportionment=[
            CaseApportionment(body_part=p, industrial_pct=i, nonindustrial_pct=n) for p, i, n in apportionment
        ],
        record_id=1,
        version=1,
    )


def test_same_body_part_and_side_rated_differently() -> None:
    ptp = _report("a", "PTP", wpi=(("foot", "right", 2), ("knee", "left", 5), ("pain", None, 1)))
    qme = _report(
        "b", "QME", wpi=(("foot", "right", 3), ("knee", "left", 5), ("foot", "left", 4), ("pain", None, 3))
    )
    found = disagreements([ptp, qme])
    assert [(d.field, d.body_part, d.laterality) for d in found] == [
        ("wpi", "foot", "right"),
        ("wpi", "pain", None),
    ]
    foot = found[0].model_dump(mode="json")
    assert foot["values"] == [
        {"report": "a", "type": "PTP", "evaluator": "Dr a", "value": 2},
        {"report": "b", "type": "QME", "evaluator": "Dr b", "value": 3},
    ]


def test_agreeing_reports_have_no_disagreements() -> None:
    a = _report("a", "PTP", wpi=(("foot", "right", 2),), mmi=("reached", "2020-06-08"))
    b = _report("b", "QME", wpi=(("foot", "right", 2.0),), mmi=("reached", "2020-06-08"))
    assert disagreements([a, b]) == []
    assert disagreements([a]) == []


def test_mmi_status_and_date() -> None:
    a = _report("a", "PTP", mmi=("reached", "2020-06-08"))
    b = _report("b", "QME", mmi=("reached", "2020-09-01"))
    c = _report("c", "AME", mmi=("not_reached", None))
    d = _report("d", "OTHER")  # says nothing: left out
    found = {d.field: d for d in disagreements([a, b, c, d])}
    assert set(found) == {"mmi_status", "mmi_date"}
    assert [v.value for v in found["mmi_status"].values] == ["reached", "reached", "not_reached"]
    assert [v.report for v in found["mmi_date"].values] == ["a", "b"]


def test_apportionment_overall_and_per_body_part() -> None:
    a = _report("a", "PTP", apportionment=((None, 80, 20), ("knee", 100, None)))
    b = _report("b", "QME", apportionment=((None, None, 30), ("knee", 100, 0)))
    found = disagreements([a, b])
    assert [(d.field, d.body_part, [v.value for v in d.values]) for d in found] == [
        ("apportionment", None, [80, 70])
    ]


def test_not_yet_p_and_s_before_a_p_and_s_finding_is_progress_not_a_dispute() -> None:
    spring = _report("a", "PTP", mmi=("not_reached", None)).model_copy(update={"exam_date": "2023-03-01"})
    autumn = _report("b", "PTP", mmi=("reached", "2023-10-01")).model_copy(update={"exam_date": "2023-10-01"})
    assert disagreements([spring, autumn]) == []
    later = _report("c", "QME", mmi=("not_reached", None)).model_copy(update={"exam_date": "2023-12-01"})
    found = {d.field for d in disagreements([spring, autumn, later])}
    assert found == {"mmi_status"}  # a QME after the P&S finding says not yet: that is a dispute


def test_combined_wpi_and_the_rating_are_compared() -> None:
    a = _report("a", "PTP").model_copy(update={"combined_wpi": 9, "rating": FullRating(pd=11)})
    b = _report("b", "QME").model_copy(update={"combined_wpi": 12.0, "rating": FullRating(pd=18)})
    c = _report("c", "AME").model_copy(update={"combined_wpi": None, "rating": FullRating(pd=None)})
    found = {d.field: [(v.report, v.value) for v in d.values] for d in disagreements([a, b, c])}
    assert found == {"combined_wpi": [("a", 9), ("b", 12)], "rating": [("a", 11), ("b", 18)]}


def _priced(field: str, *pds: int | None) -> Disagreement:
    return Disagreement(
        field=field,
        ratings=[DisagreementRating(report=str(n), pd=pd) for n, pd in enumerate(pds)],
    )


def test_disagreements_are_ranked_by_how_far_apart_the_ratings_are() -> None:
    found = [
        _priced("mmi_date"),
        _priced("wpi", 10, 12),
        _priced("apportionment", 5, 20, 9),
        _priced("combined_wpi", 11),
    ]
    ranked = rank(found)
    assert [(d.field, d.spread) for d in ranked] == [
        ("apportionment", 15),
        ("wpi", 2),
        ("mmi_date", None),
        ("combined_wpi", None),
    ]


def _valued(*values: float) -> Disagreement:
    return Disagreement(
        field="wpi",
        values=[DisagreementValue(report=str(n), value=v) for n, v in enumerate(values)],
    )


def test_the_values_that_differ_are_those_off_the_controlling_report_else_off_the_most_common() -> None:
    three = _valued(8, 8, 12)
    mark_differing([three])
    assert three.differing == ["2"]  # two doctors agree: only the third one stands out

    mark_differing([three], controlling="2")
    assert three.differing == ["0", "1"]  # the controlling report decides

    two = _valued(9, 12)
    mark_differing([two])
    assert two.differing == ["0", "1"]  # no value is more common: both are marked

    spread_out = _valued(5, 8, 12)
    mark_differing([spread_out], controlling="9")  # a report not in this disagreement: most common
    assert spread_out.differing == ["0", "1", "2"]
