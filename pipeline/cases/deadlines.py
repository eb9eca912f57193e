"""Objection deadlines for treating physicians' reports: a reminder, not legal advice.

Labor Code 4062(a): a party objecting to a medical determination of the treating physician must notify
the other party in writing within 20 days of receipt of the report if the employee is represented by
an attorney, or within 30 days if not. A report of the primary treating physician (``PTP`` in our
record, which includes PR-2 and PR-4 reports) that finds maximal medical improvement or ratable
impairment is the one whose findings a party most often needs to dispute.

Days are calendar days counted from the day after receipt (Code of Civil Procedure 12: the first day
excluded, the last included). CCP 12a would carry a deadline that falls on a Saturday, Sunday or court
holiday to the next day that is not one; this module deliberately does not extend it, so the date it
gives is never later than the real last day. The paralegal checks court holidays. Sources:
docs/rating.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

K = TypeVar("K")

REMINDER = "reminder, not legal advice"

TREATING_REPORT_TYPES = frozenset({"PTP"})
"""Report types that are treating physicians' reports in our record (PR-2 and PR-4 are typed PTP)."""

OBJECTION_DAYS: dict[bool, tuple[int, str]] = {
    True: (20, "LC 4062(a): 20 days from receipt (represented)"),
    False: (30, "LC 4062(a): 30 days from receipt (unrepresented)"),
}
"""Days to object under LC 4062(a), keyed by whether the employee has an attorney, with the basis text."""


@dataclass(frozen=True)
class ObjectionDeadline:
    """The last day (ISO ``date``) to object to a report, the rule (``basis``) and a display ``label``."""

    date: str
    basis: str
    label: str


def objection_deadline(
    report_type: str | None,
    mmi_status: str | None,
    has_impairment: bool,
    received: date,
    represented: bool = True,
) -> ObjectionDeadline | None:
    """The LC 4062(a) objection deadline for a treating physician's report, or None.

    Only a ``PTP`` report that finds MMI (``mmi_status == "reached"``) or impairment gets a deadline;
    QME, AME, IME and other reports, and treating reports with neither finding, get None. The date is
    ``received`` plus 20 calendar days (represented) or 30 (unrepresented), not moved off a weekend or
    holiday (see the module docstring).
    """
    if (report_type or "").strip().upper() not in TREATING_REPORT_TYPES:
        return None
    if mmi_status != "reached" and not has_impairment:
        return None
    days, basis = OBJECTION_DAYS[bool(represented)]
    last_day = received + timedelta(days=days)
    label = f"object to the treating physician's report by {last_day.isoformat()} ({REMINDER})"
    if last_day.weekday() >= 5:
        label += f"; falls on a {last_day.strftime('%A')}, not extended, check CCP 12a and court holidays"
    return ObjectionDeadline(date=last_day.isoformat(), basis=basis, label=label)


def upcoming(
    deadlines: Iterable[tuple[K, ObjectionDeadline]], today: date, days: int = 14
) -> list[tuple[K, ObjectionDeadline]]:
    """The deadlines due from ``today`` through ``today + days`` (both ends included), soonest first.

    A deadline whose date cannot be read is left out rather than raising; ties keep their input order.
    """
    end = today + timedelta(days=days)
    due: list[tuple[date, int, tuple[K, ObjectionDeadline]]] = []
    for position, item in enumerate(deadlines):
        try:
            day = date.fromisoformat(item[1].date)
        except ValueError:
            continue
        if today <= day <= end:
            due.append((day, position, item))
    due.sort(key=lambda entry: (entry[0], entry[1]))
    return [item for _, _, item in due]
