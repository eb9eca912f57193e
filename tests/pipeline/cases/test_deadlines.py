"""Deadlines by statute: each rule of rules/deadlines.json, CCP 12 counting, CCP 12a roll-over past
weekends and California judicial holidays (several years, observed dates), the v1 objection deadline, and
the upcoming-deadlines window."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from pipeline.cases.deadlines import (
    REMINDER,
    Deadline,
    ObjectionDeadline,
    ReportFacts,
    court_holidays,
    deadline_rules,
    holiday_rules,
    is_court_day,
    last_day,
    next_court_day,
    objection_deadline,
    panel_strike_deadlines,
    report_deadlines,
    upcoming,
)

RECEIVED = date(2024, 3, 1)  # a Friday
LC4062A = "lc4062a-objection"
LC4061 = "lc4061-pd-objection"
STRIKE = "lc4062.2c-panel-strike"


def _by_rule(
    facts: ReportFacts, received: date | None = RECEIVED, represented: bool = True, today: date | None = None
) -> dict[str, Deadline]:
    return {d.rule_id: d for d in report_deadlines(facts, received, represented, today)}


# --- the rule table -------------------------------------------------------------------------------------


def test_every_rule_has_a_basis_a_read_source_and_a_clock_or_a_statement() -> None:
    table = deadline_rules()
    assert {r.id for r in table.rules} == {LC4062A, LC4061, STRIKE}  # each has its tests below
    for rule in table.rules:
        assert rule.basis and rule.what and rule.rule
        assert any(s.read for s in rule.sources), f"{rule.id}: no source that was read"
        assert all(s.url and s.url.startswith("http") for s in rule.sources)
        assert (rule.clock is None) != (rule.no_limit is None)
    assert table.rule(LC4061).no_limit == "no fixed statutory limit (LC 4061)"


def test_a_rule_with_both_a_clock_and_a_statement_is_refused() -> None:
    from pipeline.cases.deadlines import DeadlineTable

    data = json.loads(deadline_rules().model_dump_json())
    data["rules"][0]["no_limit"] = "also none"
    with pytest.raises(ValueError, match="exactly one of clock and no_limit"):
        DeadlineTable.model_validate(data)


# --- LC 4062(a): 20 / 30 days from receipt -------------------------------------------------------------


@pytest.mark.parametrize("mmi", ["reached", "not_reached"])
def test_lc4062a_represented_20_days_from_receipt(mmi: str) -> None:
    d = _by_rule(ReportFacts("PTP", mmi), today=date(2024, 3, 11))[LC4062A]
    assert d.date == "2024-03-21" and d.unadjusted == "2024-03-21"
    assert d.days_left == 10
    assert d.rule == "LC 4062(a)" and "represented" in d.statement
    assert REMINDER in d.label and "workcompcentral" in d.source


def test_lc4062a_unrepresented_30_days_rolls_past_sunday_and_cesar_chavez_day() -> None:
    d = _by_rule(ReportFacts("PTP", "reached"), represented=False)[LC4062A]
    # Day 30 is Sunday 2024-03-31, Cesar Chavez Day, observed Monday 2024-04-01: the next court day is 04-02.
    assert d.unadjusted == "2024-03-31" and d.date == "2024-04-02"
    assert "CCP 12a" in d.statement and "Sunday" in d.statement


def test_lc4062a_for_work_restrictions_alone() -> None:
    assert LC4062A in _by_rule(ReportFacts("PTP", "not_stated", work_restrictions=True))
    assert LC4061 not in _by_rule(ReportFacts("PTP", "not_stated", work_restrictions=True))


# --- LC 4061: no fixed limit ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "facts",
    [
        ReportFacts("PTP", "reached"),
        ReportFacts("PTP", "not_stated", has_impairment=True),
        ReportFacts("PTP", "not_stated", future_medical=True),  # Martinez (2026): future care suffices
    ],
)
def test_lc4061_states_no_fixed_limit_instead_of_a_date(facts: ReportFacts) -> None:
    d = _by_rule(facts, today=date(2024, 3, 2))[LC4061]
    assert d.date is None and d.unadjusted is None and d.days_left is None
    assert d.statement == "no fixed statutory limit (LC 4061)"
    assert "Benson" in d.basis and "Martinez" in d.basis
    assert REMINDER in d.label


def test_an_mmi_report_gets_both_and_the_dated_one_comes_first() -> None:
    deadlines = report_deadlines(ReportFacts("PTP", "reached", has_impairment=True), RECEIVED)
    assert [d.rule_id for d in deadlines] == [LC4062A, LC4061]


@pytest.mark.parametrize("kind", ["QME", "AME", "IME", "OTHER", None, ""])
def test_no_deadline_for_a_report_that_is_not_a_treating_physicians(kind: str | None) -> None:
    facts = ReportFacts(kind, "reached", has_impairment=True, future_medical=True, work_restrictions=True)
    assert report_deadlines(facts, RECEIVED) == []


def test_no_deadline_for_a_ptp_report_with_no_finding_and_case_is_ignored() -> None:
    assert report_deadlines(ReportFacts("PTP", "not_stated"), RECEIVED) == []
    assert [d.rule_id for d in report_deadlines(ReportFacts(" ptp ", "reached"), RECEIVED)] == [
        LC4062A,
        LC4061,
    ]


def test_without_a_receipt_date_the_clock_is_named_but_not_dated() -> None:
    d = _by_rule(ReportFacts("PTP", "reached"), received=None)[LC4062A]
    assert d.date is None and "not known" in d.statement


# --- LC 4062.2(c): strike within 10 days of assignment ---------------------------------------------------


def test_panel_strike_ten_days_from_assignment_past_thanksgiving() -> None:
    (d,) = panel_strike_deadlines(date(2026, 11, 16), today=date(2026, 11, 20))
    assert d.rule_id == STRIKE and d.rule == "LC 4062.2(c)"
    assert d.unadjusted == "2026-11-26"  # Thanksgiving; the day after is a judicial holiday too
    assert d.date == "2026-11-30" and d.days_left == 10
    assert "assignment" in d.statement and "Razo" in d.source


def test_panel_strike_is_for_represented_workers_only() -> None:
    assert panel_strike_deadlines(date(2026, 11, 2), represented=False) == []
    (d,) = panel_strike_deadlines(date(2026, 11, 2))
    assert d.date == "2026-11-12"  # Veterans Day (Wednesday 11-11) is day 9: no effect on day 10


# --- counting: CCP 12 and 12a ---------------------------------------------------------------------------


def test_ccp12_excludes_the_first_day_and_includes_the_last() -> None:
    assert last_day(date(2026, 12, 1), 20) == (date(2026, 12, 21), date(2026, 12, 21))
    assert last_day(date(2023, 12, 20), 20)[0] == date(2024, 1, 9)  # over the year end
    assert last_day(date(2024, 2, 9), 20)[0] == date(2024, 2, 29)  # leap day


@pytest.mark.parametrize(
    ("counted", "moved"),
    [
        (date(2026, 12, 19), date(2026, 12, 21)),  # Saturday -> Monday
        (date(2026, 12, 20), date(2026, 12, 21)),  # Sunday -> Monday
        (date(2026, 12, 25), date(2026, 12, 28)),  # Christmas (Friday) -> Monday
        (date(2026, 11, 26), date(2026, 11, 30)),  # Thanksgiving and the day after
        (date(2026, 7, 3), date(2026, 7, 6)),  # July 4 is a Saturday: observed Friday 07-03
        (date(2022, 12, 31), date(2023, 1, 3)),  # Saturday, Sunday, New Year's Day observed Monday 01-02
        (date(2021, 12, 31), date(2022, 1, 3)),  # New Year's Day 2022 (a Saturday) observed Friday 12-31
        (date(2026, 12, 22), date(2026, 12, 22)),  # a court day stays
    ],
)
def test_ccp12a_moves_a_last_day_to_the_next_court_day(counted: date, moved: date) -> None:
    assert next_court_day(counted) == moved


def test_judicial_holidays_2025_and_2026_match_the_published_court_calendar() -> None:
    """San Bernardino Superior Court's published list of judicial holidays for 2025 and 2026."""
    assert [d.isoformat() for d in court_holidays(2025)] == [
        "2025-01-01", "2025-01-20", "2025-02-12", "2025-02-17", "2025-03-31", "2025-05-26", "2025-06-19",
        "2025-07-04", "2025-09-01", "2025-09-26", "2025-11-11", "2025-11-27", "2025-11-28", "2025-12-25",
    ]  # fmt: skip
    assert [d.isoformat() for d in court_holidays(2026)] == [
        "2026-01-01", "2026-01-19", "2026-02-12", "2026-02-16", "2026-03-31", "2026-05-25", "2026-06-19",
        "2026-07-03", "2026-09-07", "2026-09-25", "2026-11-11", "2026-11-26", "2026-11-27", "2026-12-25",
    ]  # fmt: skip


def test_observed_dates_move_saturday_to_friday_and_sunday_to_monday() -> None:
    h2021, h2022, h2027 = court_holidays(2021), court_holidays(2022), court_holidays(2027)
    assert h2021[date(2021, 7, 5)] == "Independence Day (observed)"  # July 4 2021 a Sunday
    assert h2021[date(2021, 12, 24)] == "Christmas Day (observed)"  # Dec 25 2021 a Saturday
    assert h2021[date(2021, 12, 31)] == "New Year's Day (observed)"  # Jan 1 2022 a Saturday
    assert date(2022, 1, 1) not in h2022 and date(2022, 2, 11) in h2022  # Lincoln Day 2022 a Saturday
    assert h2022[date(2022, 12, 26)] == "Christmas Day (observed)"  # Dec 25 2022 a Sunday
    assert h2027[date(2027, 6, 18)] == "Juneteenth (observed)"  # June 19 2027 a Saturday
    assert date(2023, 1, 2) in court_holidays(2023)  # Jan 1 2023 a Sunday


def test_holidays_change_with_the_law() -> None:
    columbus_2021, columbus_2022 = date(2021, 10, 11), date(2022, 10, 10)
    assert columbus_2021 in court_holidays(2021) and columbus_2022 not in court_holidays(2022)  # AB 855
    assert date(2022, 9, 23) in court_holidays(2022) and date(2021, 9, 24) not in court_holidays(2021)
    assert date(2022, 6, 20) not in court_holidays(2022) and date(2023, 6, 19) in court_holidays(2023)
    assert is_court_day(date(2026, 9, 9))  # Admission Day is no judicial holiday (CCP 135)
    assert is_court_day(date(2026, 4, 3))  # Good Friday is a holiday from noon to 3 only, not a full day


def test_holiday_rules_are_data_with_their_sources() -> None:
    table = holiday_rules()
    assert len({h.id for h in table.holidays}) == len(table.holidays) == 15
    assert table.observed.rule == "CRC 1.11" and table.observed.source.read
    assert all(s.url for s in table.sources)


# --- the v1 objection deadline and the window ------------------------------------------------------------


def test_objection_deadline_is_the_dated_lc4062a_one() -> None:
    deadline = objection_deadline("PTP", "reached", False, RECEIVED)
    assert deadline is not None and deadline.date == "2024-03-21"
    assert deadline.basis.startswith("LC 4062(a): 20 days") and REMINDER in deadline.label
    assert objection_deadline("QME", "reached", True, RECEIVED) is None
    # A PTP report whose only deadline is LC 4061's has no dated objection deadline.
    assert objection_deadline("PTP", "not_stated", True, RECEIVED) is None
    assert objection_deadline("PTP", "not_stated", False, RECEIVED, work_restrictions=True) is not None


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


def test_upcoming_keeps_keys_and_tie_order_and_skips_undated() -> None:
    today = date(2024, 3, 10)
    undated = report_deadlines(ReportFacts("PTP", "not_stated", has_impairment=True), today)
    items = [(2, _deadline("2024-03-12")), (1, _deadline("2024-03-12")), (3, _deadline("2024-03-11"))]
    assert [key for key, _ in upcoming(iter(items), today)] == [3, 2, 1]
    assert upcoming([(4, undated[0])], today) == []


def test_days_left_counts_to_the_moved_day() -> None:
    received = date(2026, 11, 30)  # + 20 = Sunday 12-20 -> Monday 12-21
    d = _by_rule(ReportFacts("PTP", "reached"), received=received, today=date(2026, 12, 20))[LC4062A]
    assert d.date == "2026-12-21" and d.days_left == 1
    assert next_court_day(received + timedelta(days=20)) == date(2026, 12, 21)
