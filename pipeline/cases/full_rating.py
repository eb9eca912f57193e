"""Each report's full PDRS rating in the case view, and the disagreements priced (CASE.md v1.1).

The rating engine is `pipeline/rating/rate.py`; this module gathers its inputs from the case: the injury date
(a specific injury's date, a cumulative trauma's end: the earliest decides), the age at injury (a reviewer's
date of birth, else the one the reports state), the occupation (a reviewer's pick, else the report's words
when they are a title of the schedule; a nearer match is only suggested), the average weekly earnings (a
reviewer's entry; without it the money is a range), and per part the method words and the industrial share
the physician stated. Every figure is labelled an estimate, not a formal rating.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from models.case import (
    CaseReport,
    Disagreement,
    DisagreementRating,
    FullRating,
    MoneyRange,
    PageRef,
    RatingOccupation,
    RatingPart,
)
from models.record import Injury, ReportRecord
from pipeline.rating.occupation import suggest
from pipeline.rating.rate import LABEL, PartInput, age_at, rate_case


@dataclass(frozen=True)
class RatingInputs:
    """What a reviewer set for a case's ratings (store: `case_rating_inputs`)."""

    group: int | None = None
    title: str | None = None
    earnings: float | None = None
    birth_date: str | None = None
    actor: str | None = None


def injury_date(injuries: Sequence[Injury]) -> date | None:
    """The date that decides the schedule: the earliest specific injury date or cumulative trauma end."""
    days = []
    for i in injuries:
        raw = (i.end or i.start) if i.type == "cumulative" else i.start
        if raw:
            try:
                days.append(date.fromisoformat(raw[:10]))
            except ValueError:
                continue
    return min(days) if days else None


def case_occupation(records: Sequence[ReportRecord], inputs: RatingInputs | None) -> RatingOccupation:
    """The occupation every report of the case is rated with: a reviewer's, else the reports' words when
    they are exactly a title of the schedule (in one group); else a suggestion with no group."""
    if inputs is not None and inputs.group is not None:
        return RatingOccupation(title=inputs.title, group=inputs.group, source="reviewer", confirmed=True)
    words = Counter(r.claim.occupation.text for r in records if r.claim.occupation is not None)
    if not words:
        return RatingOccupation(reason="no report states the occupation: pick it from the schedule's list")
    text = words.most_common(1)[0][0]
    found = suggest(text)
    if found.certain:
        return RatingOccupation(
            title=found.title,
            group=found.group,
            source="report",
            confirmed=False,
            reason=found.reason,
            report_text=text,
        )
    return RatingOccupation(
        title=found.title, group=None, source="report", confirmed=False, reason=found.reason, report_text=text
    )


def birth_date(records: Sequence[ReportRecord], inputs: RatingInputs | None) -> date | None:
    """A reviewer's date of birth, else the one most reports state."""
    raw = inputs.birth_date if inputs is not None and inputs.birth_date else None
    if raw is None:
        found = Counter(r.claim.date_of_birth for r in records if r.claim.date_of_birth)
        raw = found.most_common(1)[0][0] if found else None
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _share(record: ReportRecord, body_part: str, laterality: str | None) -> float | None:
    """The industrial share the physician stated for a part: for the part and side, the part, or overall."""
    best: tuple[int, float] | None = None
    for a in record.apportionment:
        if a.industrial_pct is None:
            continue
        rank = (
            3
            if a.body_part == body_part and a.laterality == laterality
            else 2
            if a.body_part == body_part and a.laterality is None
            else 1
            if a.body_part is None
            else 0
        )
        if rank and (best is None or rank > best[0]):
            best = (rank, float(a.industrial_pct))
    return best[1] if best else None


def report_rating(
    record: ReportRecord,
    occupation: RatingOccupation,
    birth: date | None,
    case_injuries: Sequence[Injury],
    earnings: float | None,
) -> FullRating:
    """The full rating of one report's own impairments (null figures with the reason when there are none or
    the date of injury is unknown)."""
    if not record.impairments:
        return FullRating(occupation=occupation, reason="no whole person impairment in this report")
    injury = injury_date(record.claim.injuries) or injury_date(case_injuries)
    if injury is None:
        return FullRating(occupation=occupation, reason="no date of injury")
    age = age_at(birth, injury) if birth else None
    parts = [
        PartInput(
            body_part=i.body_part,
            laterality=i.laterality,
            wpi=float(i.wpi),
            method_text=" ".join(
                x for x in (i.method, " ".join(i.table_refs), i.evidence.text if i.evidence else None) if x
            ),
            industrial_pct=_share(record, i.body_part, i.laterality),
            evidence=i.evidence,
        )
        for i in record.impairments
    ]
    rating = rate_case(parts, injury, occupation.group, age, earnings=earnings)
    body = [p for p in parts if p.body_part != "pain"]
    out_parts = [
        RatingPart(
            body_part=r.body_part,
            laterality=r.laterality,
            impairment_number=r.impairment_number,
            wpi=r.wpi,
            adjustment=r.adjustment,
            adjusted=r.adjusted,
            group=r.group,
            variant=r.variant,
            occupational=r.occupational,
            age_adjusted=r.age_adjusted,
            apportioned=r.apportioned,
            string=r.string,
            evidence=PageRef(page=p.evidence.page, bbox=p.evidence.bbox) if p.evidence else None,
            flags=list(r.reasons),
            number_basis=r.number_basis,
            pain=r.pain,
            industrial_pct=r.industrial_pct,
            excluded=r.excluded,
            steps=list(r.steps),
        )
        for r, p in zip(rating.parts, body, strict=True)
    ]
    notes = list(rating.reasons)
    if occupation.group is None:
        notes.append(occupation.reason or "no occupational group")
    elif not occupation.confirmed:
        notes.append(f"occupation from the report ({occupation.title}, group {occupation.group}): confirm it")
    if age is None:
        notes.append("no date of birth: enter it for the age adjustment")
    m = rating.money
    complete = all(p.rated or p.excluded for p in rating.parts) and rating.pd is not None
    return FullRating(
        parts=out_parts,
        occupation=occupation,
        age_at_injury=age,
        pd=rating.pd,
        weeks=m.weeks if m else None,
        weekly_rate=MoneyRange(min=m.weekly_min, max=m.weekly_max) if m else MoneyRange(),
        amount=MoneyRange(min=m.amount_min, max=m.amount_max) if m else MoneyRange(),
        basis=rating.basis,
        label=LABEL,
        reason=None if rating.pd is not None else "; ".join(dict.fromkeys(notes)) or "not rated",
        injury_date=injury.isoformat(),
        combined=list(rating.combine_steps),
        weeks_rule=m.weeks_rule if m else None,
        earnings_rule=m.earnings_rule if m else None,
        life_pension=m.life_pension if m else None,
        notes=list(dict.fromkeys([*notes, *(m.notes if m else ())])),
        complete=complete,
    )


def _money(r: FullRating) -> str:
    low, high = r.amount.min, r.amount.max
    if low is None or high is None:
        return "$ -"
    return f"${low:,.2f}" if low == high else f"${low:,.2f}-${high:,.2f}"


def _side(report: CaseReport) -> str:
    assert report.rating is not None
    r = report.rating
    weeks = "for life" if r.weeks is None else f"{r.weeks:g} weeks"
    partial = "" if r.complete else " (partial)"
    return f"{report.type or 'report'} {r.pd}%{partial} / {weeks} / {_money(r)}"


def price_disagreements(disagreements: Sequence[Disagreement], reports: Sequence[CaseReport]) -> None:
    """Beside each disagreement's values, the whole rating each side's report gives, and one line pricing
    it ("QME 18% / 65.5 weeks / $10,480-$18,995 against PTP 11% / 34.25 weeks / $5,480-$9,933")."""
    by_sha = {r.sha256: r for r in reports}
    for d in disagreements:
        sides: list[CaseReport] = []
        for v in d.values:
            report = by_sha.get(v.report)
            if report is None or report.rating is None or report.rating.pd is None:
                continue
            if any(s.sha256 == report.sha256 for s in sides):
                continue
            sides.append(report)
            d.ratings.append(
                DisagreementRating(
                    report=report.sha256,
                    type=report.type,
                    evaluator=report.evaluator.name,
                    pd=report.rating.pd,
                    weeks=report.rating.weeks,
                    amount=report.rating.amount,
                )
            )
        if len(sides) >= 2:
            ordered = sorted(sides, key=lambda r: -(r.rating.pd or 0))  # type: ignore[union-attr]
            d.priced = " against ".join(_side(r) for r in ordered)
