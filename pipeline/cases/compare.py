"""Where the distinct reports of one case disagree (docs/cases.md, "Disagreements").

`disagreements(reports)` takes the case's distinct reports (duplicates already folded into their canonical
report, so a fax never disagrees with its original) and lists, for each field, the values of every report
that gives one, when there are two or more different values:

- `wpi`: the same body part and side (exact `body_part` and `laterality`, null side apart from a named side)
  rated differently. The chapter 18 pain add-on is compared as its own body part, "pain". A report that
  rates one part and side more than once counts with its largest value.
- `mmi_status`: reached / not reached differing (reports that state nothing are left out), unless every
  "not reached" was examined before every "reached": a worker who was not yet P&S in the spring and is P&S
  in the autumn is progress, not a dispute. A "not reached" examined on or after a "reached" (or either
  without a date) disagrees with it.
- `mmi_date`: the MMI dates of reports that found MMI reached, differing.
- `apportionment`: the industrial share differing, overall (body_part null) or per body part and side.
  The industrial share is `industrial_pct`, or 100 - `nonindustrial_pct` when only that is stated.
- `combined_wpi`: the combined WPI the reports state differing (9 against 12).
- `rating`: the PD percent of each report's own rating (`CaseReport.rating.pd`) differing.

`rank(found)` orders them by how much they change the rating, once each side's rating is beside them
(`full_rating.price_disagreements`): the spread between the sides' PD, widest first; unpriced ones keep
their order after. `mark_differing(found, controlling)` names, in each, the reports whose value differs
from the controlling report's (when the paralegal set one and it gives a value), else from the most
common value; when no value is more common than the others, every report differs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from models.case import CaseReport, Disagreement, DisagreementValue

Value = int | float | str

Keyed = tuple[str | None, str | None]


def _value(report: CaseReport, value: Value) -> DisagreementValue:
    return DisagreementValue(
        report=report.sha256, type=report.type, evaluator=report.evaluator.name, value=value
    )


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _collect(
    reports: Sequence[CaseReport], field: str, values_of: Callable[[CaseReport], dict[Keyed, Value]]
) -> list[Disagreement]:
    by_key: dict[Keyed, list[tuple[CaseReport, Value]]] = {}
    for report in reports:
        for key, value in values_of(report).items():
            by_key.setdefault(key, []).append((report, value))
    out: list[Disagreement] = []
    for (body_part, laterality), entries in by_key.items():
        if len({v for _, v in entries}) < 2:
            continue
        out.append(
            Disagreement(
                field=field,
                body_part=body_part,
                laterality=laterality,
                values=[_value(r, v) for r, v in entries],
            )
        )
    out.sort(key=lambda d: (d.body_part or "", d.laterality or ""))
    return out


def _wpi(report: CaseReport) -> dict[Keyed, Value]:
    values: dict[Keyed, Value] = {}
    for i in report.impairments:
        key = (i.body_part.strip().lower(), i.laterality)
        values[key] = max(float(values.get(key, 0.0)), float(i.wpi))
    return {k: _number(float(v)) for k, v in values.items()}


def _mmi_status(report: CaseReport) -> dict[Keyed, Value]:
    status = report.mmi.status
    return {} if status in ("not_stated", "") else {(None, None): status}


def _mmi_date(report: CaseReport) -> dict[Keyed, Value]:
    if report.mmi.status != "reached" or not report.mmi.date:
        return {}
    return {(None, None): report.mmi.date}


def _apportionment(report: CaseReport) -> dict[Keyed, Value]:
    values: dict[Keyed, Value] = {}
    for a in report.apportionment:
        if a.industrial_pct is not None:
            share = float(a.industrial_pct)
        elif a.nonindustrial_pct is not None:
            share = 100.0 - float(a.nonindustrial_pct)
        else:
            continue
        key = (a.body_part.strip().lower() if a.body_part else None, a.laterality)
        values.setdefault(key, _number(share))
    return values


def _combined(report: CaseReport) -> dict[Keyed, Value]:
    value = report.combined_wpi
    return {} if value is None else {(None, None): _number(float(value))}


def _rating(report: CaseReport) -> dict[Keyed, Value]:
    pd = report.rating.pd if report.rating is not None else None
    return {} if pd is None else {(None, None): pd}


def _when(report: CaseReport) -> str | None:
    return report.exam_date or report.report_date


def _is_progress(reports: Sequence[CaseReport]) -> bool:
    """Every "not reached" report was examined before every "reached" one."""
    not_yet = [_when(r) for r in reports if r.mmi.status == "not_reached"]
    reached = [_when(r) for r in reports if r.mmi.status == "reached"]
    if not not_yet or not reached or None in not_yet or None in reached:
        return False
    return max(d for d in not_yet if d) < min(d for d in reached if d)


def disagreements(reports: Sequence[CaseReport]) -> list[Disagreement]:
    """Every field two or more of these distinct reports value differently: WPI per body part and side,
    combined WPI, the rating (PD), MMI status, MMI date, apportionment; in that order, each with the
    values of all reports giving one."""
    return [
        *_collect(reports, "wpi", _wpi),
        *_collect(reports, "combined_wpi", _combined),
        *_collect(reports, "rating", _rating),
        *([] if _is_progress(reports) else _collect(reports, "mmi_status", _mmi_status)),
        *_collect(reports, "mmi_date", _mmi_date),
        *_collect(reports, "apportionment", _apportionment),
    ]


def spread(d: Disagreement) -> int | None:
    """How many PD points the sides' ratings are apart; None with fewer than two rated sides."""
    pds = [r.pd for r in d.ratings if r.pd is not None]
    return max(pds) - min(pds) if len(pds) >= 2 else None


def rank(found: Sequence[Disagreement]) -> list[Disagreement]:
    """The disagreements widest rating spread first (each gets its `spread`); unpriced ones after, in
    their order."""
    for d in found:
        d.spread = spread(d)
    return sorted(found, key=lambda d: (d.spread is None, -(d.spread or 0)))


def mark_differing(found: Sequence[Disagreement], controlling: str | None = None) -> None:
    """Set each disagreement's `differing`: the reports whose value is not the reference value (the
    controlling report's, else the one value more common than any other); every report without one."""
    for d in found:
        reference: Value | None = None
        own = [v.value for v in d.values if controlling is not None and v.report == controlling]
        if own and own[0] is not None:
            reference = own[0]
        else:
            counts = Counter(v.value for v in d.values if v.value is not None).most_common()
            if counts and (len(counts) == 1 or counts[0][1] > counts[1][1]):
                reference = counts[0][0]
        d.differing = [v.report for v in d.values if reference is None or v.value != reference]
