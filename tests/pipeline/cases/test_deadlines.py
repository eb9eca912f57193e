"""LC 4062(a) objection deadlines and the upcoming-deadlines window."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.cases.deadlines import REMINDER, ObjectionDeadline, objection_deadline, upcoming

RECEIVED = date(2024, 3, 1)  # a Friday


def test_represented_20_days() -> None:
    deadline = objection_deadline("PTP", "reached", False, RECEIVED)
    assert deadline is not None
    assert deadline.date == "2024-03-21"
    assert deadline.basis == "LC 4062(a): 20 days from receipt (represented)"
    assert REMINDER in deadline.label and "2024-03-21" in deadline.label


def test_unrepresented_30_days() -> None:
    deadline = objection_deadline("PTP", "not_stated", True, RECEIVED, represented=False)
    assert deadline is not None
    assert deadline.date == "2024-03-31"
    assert deadline.basis == "LC 4062(a): 30 days from receipt (unrepresented)"


def test_weekend_is_flagged_not_extended() -> None:
    deadline = objection_deadline("PTP", "reached", True, RECEIVED, represented=False)
    assert deadline is not None and deadline.date == "2024-03-31"  # a Sunday, left as is
    assert "Sunday" in deadline.label and "not extended" in deadline.label


def test_year_end_and_leap_day() -> None:
    deadline = objection_deadline("PTP", "reached", False, date(2023, 12, 20))
    assert deadline is not None and deadline.date == "2024-01-09"
    leap = objection_deadline("PTP", "reached", False, date(2024, 2, 9))
    assert leap is not None and leap.date == "2024-02-29"


@pytest.mark.parametrize("report_type", ["QME", "AME", "IME", "OTHER", None, ""])
def test_not_a_treating_report(report_type: str | None) -> None:
    assert objection_deadline(report_type, "reached", True, RECEIVED) is None


@pytest.mark.parametrize("mmi", ["not_reached", "not_stated", None])
def test_ptp_without_mmi_or_impairment(mmi: str | None) -> None:
    assert objection_deadline("PTP", mmi, False, RECEIVED) is None


def test_ptp_type_is_case_insensitive() -> None:
    assert objection_deadline(" ptp ", "reached", False, RECEIVED) is not None


def _deadline(day: str) -> ObjectionDeadline:
    return ObjectionDeadline(date=day, basis="LC 4062(a): 20 days from receipt (represented)", label=day)


def test_upcoming_window_edges_and_order() -> None:
    today = date(2024, 3, 10)
    items = [
        ("late", _deadline("2024-03-25")),  # today + 15: outside
        ("edge_end", _deadline("2024-03-24")),  # today + 14: inside
        ("yesterday", _deadline("2024-03-09")),  # past: outside
        ("today", _deadline("2024-03-10")),  # today: inside
        ("mid", _deadline("2024-03-15")),
        ("bad", _deadline("not a date")),
    ]
    assert [key for key, _ in upcoming(items, today)] == ["today", "mid", "edge_end"]
    assert [key for key, _ in upcoming(items, today, days=0)] == ["today"]
    assert upcoming([], today) == []


def test_upcoming_keeps_keys_and_tie_order() -> None:
    today = date(2024, 3, 10)
    items = [(2, _deadline("2024-03-12")), (1, _deadline("2024-03-12")), (3, _deadline("2024-03-11"))]
    assert [key for key, _ in upcoming(iter(items), today)] == [3, 2, 1]
