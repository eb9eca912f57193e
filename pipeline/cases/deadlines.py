"""Deadlines by statute for a medical-legal document: a reminder, not legal advice.

The rules are data (`rules/deadlines.json`): each says which document and which finding start it, how it
is counted, its legal basis and what was read for it. Three today:

- ``lc4062a-objection``: a treating physician's (``PTP``) report that states whether temporary disability
  continues or ends (MMI reached or not) or sets work restrictions: object within 20 days of receipt if
  the worker is represented, 30 if not (LC 4062(a)).
- ``lc4061-pd-objection``: a PTP report with MMI, impairment or future medical care: an objection under
  LC 4061 has no fixed statutory limit; the deadline says so instead of inventing a date.
- ``lc4062.2c-panel-strike``: a QME panel, represented worker: strike within 10 days of the panel's
  assignment (LC 4062.2(c)).

Days are counted per CCP 12 (the first day excluded, the last included); a last day that is a Saturday,
Sunday or California judicial holiday (``rules/court_holidays.json``, CCP 135 with the CRC 1.11 observed
dates) moves to the next court day (CCP 12a). Each deadline also keeps the date before that move
(``unadjusted``), which is never later than the real last day. Pure functions: no database, no web.
Sources and what is not known: docs/rating.md.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

K = TypeVar("K")

REMINDER = "reminder, not legal advice"

TREATING_REPORT_TYPES = frozenset({"PTP"})
"""Report types that are treating physicians' reports in our record (PR-2 and PR-4 are typed PTP)."""

Finding = Literal["mmi_reached", "mmi_not_reached", "impairment", "future_medical", "work_restrictions"]
Representation = Literal["represented", "unrepresented"]
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


# --- the rule tables -----------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """What a rule rests on: a citation, where it was read, and whether its text was read (`read`)."""

    cite: str
    url: str | None = None
    read: bool
    note: str = ""


class Trigger(_Strict):
    """Which document starts a rule: a report of one of `report_types` with any of the findings
    `any_of`, or a QME panel list; `represented_only` rules apply to represented workers only."""

    document: Literal["report", "qme_panel_list"]
    report_types: list[str] = Field(default_factory=list)
    any_of: list[Finding] = Field(default_factory=list)
    represented_only: bool = False


class Clock(_Strict):
    """Calendar days from `starts` (receipt of the report, or the panel's assignment), by representation."""

    starts: Literal["receipt", "panel_assignment"]
    days: dict[Representation, int]


class DeadlineRule(_Strict):
    """One deadline rule: a fixed `clock`, or `no_limit` (the statement shown instead of a date)."""

    id: str
    rule: str
    what: str
    calendar_uid: str | None = None
    trigger: Trigger
    clock: Clock | None = None
    no_limit: str | None = None
    basis: str
    sources: list[Source] = Field(min_length=1)
    not_known: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _clock_or_statement(self) -> DeadlineRule:
        if (self.clock is None) == (self.no_limit is None):
            raise ValueError(f"rule {self.id}: give exactly one of clock and no_limit")
        return self

    @property
    def source(self) -> str:
        """The sources as one line: each citation with its address."""
        return "; ".join(f"{s.cite} ({s.url})" if s.url else s.cite for s in self.sources)


class Counting(_Strict):
    rule: str
    basis: str
    sources: list[Source]
    not_known: list[str] = Field(default_factory=list)


class DeadlineTable(_Strict):
    version: str
    doc: str
    rules: list[DeadlineRule]
    counting: Counting

    @model_validator(mode="after")
    def _unique_ids(self) -> DeadlineTable:
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError("deadline rule ids must be unique")
        return self

    def rule(self, rule_id: str) -> DeadlineRule:
        """The rule with this id (KeyError if none)."""
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


class Holiday(_Strict):
    """A judicial holiday: a fixed `month`/`day`, the `nth` `weekday` of a month (-1: the last), or
    `offset_days` after another holiday; in force from `first_year` through `last_year`."""

    id: str
    name: str
    month: int | None = Field(None, ge=1, le=12)
    day: int | None = Field(None, ge=1, le=31)
    weekday: Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"] | None = None
    nth: Literal[1, 2, 3, 4, 5, -1] | None = None
    relative_to: str | None = None
    offset_days: int = 0
    first_year: int | None = None
    last_year: int | None = None
    note: str = ""

    @model_validator(mode="after")
    def _one_form(self) -> Holiday:
        fixed = self.month is not None and self.day is not None and self.weekday is None
        nth = (
            self.month is not None and self.weekday is not None and self.nth is not None and self.day is None
        )
        relative = self.relative_to is not None and self.month is None
        if [fixed, nth, relative].count(True) != 1:
            raise ValueError(f"holiday {self.id}: give month+day, month+weekday+nth, or relative_to")
        return self


class Observed(_Strict):
    rule: str
    saturday: int
    sunday: int
    source: Source


class HolidayTable(_Strict):
    version: str
    doc: str
    observed: Observed
    sources: list[Source]
    holidays: list[Holiday]


def _read(name: str) -> str:
    return resources.files("pipeline.cases").joinpath("rules", name).read_text(encoding="utf-8")


@cache
def deadline_rules() -> DeadlineTable:
    """The deadline rules (`rules/deadlines.json`), validated strictly; a bad file fails loudly."""
    return DeadlineTable.model_validate(json.loads(_read("deadlines.json")))


@cache
def holiday_rules() -> HolidayTable:
    """The judicial holiday rules (`rules/court_holidays.json`), validated strictly."""
    table = HolidayTable.model_validate(json.loads(_read("court_holidays.json")))
    ids = {h.id for h in table.holidays}
    for h in table.holidays:
        if h.relative_to is not None and h.relative_to not in ids:
            raise ValueError(f"holiday {h.id}: unknown relative_to {h.relative_to!r}")
    return table


# --- court days ----------------------------------------------------------------------------------------


def _nth_weekday(year: int, month: int, weekday: str, nth: int) -> date:
    wanted = WEEKDAYS.index(weekday)
    days = [
        d
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, d).weekday() == wanted
    ]
    return date(year, month, days[nth - 1] if nth > 0 else days[-1])


def _actual(holiday: Holiday, year: int, table: HolidayTable) -> date | None:
    if holiday.relative_to is not None:
        base = next(h for h in table.holidays if h.id == holiday.relative_to)
        day = _actual(base, year, table)
        return day + timedelta(days=holiday.offset_days) if day else None
    assert holiday.month is not None
    if holiday.day is not None:
        return date(year, holiday.month, holiday.day)
    assert holiday.weekday is not None and holiday.nth is not None
    return _nth_weekday(year, holiday.month, holiday.weekday, holiday.nth)


def _in_force(holiday: Holiday, year: int) -> bool:
    return (holiday.first_year is None or year >= holiday.first_year) and (
        holiday.last_year is None or year <= holiday.last_year
    )


@cache
def court_holidays(year: int) -> dict[date, str]:
    """The judicial holidays observed in `year` (other than plain Saturdays and Sundays), by observed date.

    A holiday on a Saturday is observed the Friday before, one on a Sunday the Monday after (CRC 1.11), so
    New Year's Day on a Saturday closes the courts on the previous 31 December.
    """
    table = holiday_rules()
    shift = {5: table.observed.saturday, 6: table.observed.sunday}
    out: dict[date, str] = {}
    for y in (year, year + 1):
        for h in table.holidays:
            if not _in_force(h, y):
                continue
            actual = _actual(h, y, table)
            if actual is None:
                continue
            observed = actual + timedelta(days=shift.get(actual.weekday(), 0))
            if observed.year == year:
                name = h.name if observed == actual else f"{h.name} (observed)"
                out.setdefault(observed, name)
    return dict(sorted(out.items()))


def court_holiday(day: date) -> str | None:
    """The name of the judicial holiday observed on `day`, or None."""
    return court_holidays(day.year).get(day)


def is_court_day(day: date) -> bool:
    """Not a Saturday, a Sunday or a judicial holiday."""
    return day.weekday() < 5 and court_holiday(day) is None


def next_court_day(day: date) -> date:
    """`day` if it is a court day, else the next one (CCP 12a)."""
    while not is_court_day(day):
        day += timedelta(days=1)
    return day


def why_not_a_court_day(day: date) -> str:
    """`a Saturday`, `a Sunday`, `Veterans Day`: why the courts are closed on `day` (empty if open)."""
    if day.weekday() >= 5:
        return f"a {day.strftime('%A')}"
    return court_holiday(day) or ""


def last_day(start: date, days: int) -> tuple[date, date]:
    """(the last day counted per CCP 12, that day moved to the next court day per CCP 12a)."""
    counted = start + timedelta(days=days)
    return counted, next_court_day(counted)


# --- deadlines of one document -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFacts:
    """What a report says that can start a deadline."""

    report_type: str | None
    mmi_status: str | None = None
    has_impairment: bool = False
    future_medical: bool = False
    work_restrictions: bool = False

    def findings(self) -> set[str]:
        """The findings the rules' triggers name that this report makes."""
        found = set()
        if self.mmi_status == "reached":
            found.add("mmi_reached")
        if self.mmi_status == "not_reached":
            found.add("mmi_not_reached")
        if self.has_impairment:
            found.add("impairment")
        if self.future_medical:
            found.add("future_medical")
        if self.work_restrictions:
            found.add("work_restrictions")
        return found


@dataclass(frozen=True)
class Deadline:
    """One deadline: the rule, the last day (ISO) or None with the `statement` why there is none, the
    day counted before any CCP 12a move, the basis and sources, days left from `today`, and a label."""

    rule_id: str
    rule: str
    what: str
    date: str | None
    unadjusted: str | None
    statement: str
    basis: str
    source: str
    days_left: int | None
    label: str


def _label(rule: DeadlineRule, statement: str) -> str:
    return f"{rule.rule}: {rule.what}: {statement} ({REMINDER})"


def _dated(
    rule: DeadlineRule, start: date | None, start_name: str, who: Representation, today: date | None
) -> Deadline:
    assert rule.clock is not None
    days = rule.clock.days.get(who)
    if days is None:
        raise ValueError(f"rule {rule.id} has no clock for {who} workers")
    if start is None:
        statement = f"{days} days from the {start_name}, which is not known"
        return Deadline(
            rule.id,
            rule.rule,
            rule.what,
            None,
            None,
            statement,
            rule.basis,
            rule.source,
            None,
            _label(rule, statement),
        )
    counted, moved = last_day(start, days)
    statement = f"{days} days from the {start_name} on {start.isoformat()} ({who})"
    if moved != counted:
        statement += (
            f"; day {days} is {counted.isoformat()}, {why_not_a_court_day(counted)}, moved to the next court day"
            f" (CCP 12a)"
        )
    days_left = (moved - today).days if today is not None else None
    label = _label(rule, f"by {moved.isoformat()}, {statement}")
    return Deadline(
        rule.id,
        rule.rule,
        rule.what,
        moved.isoformat(),
        counted.isoformat(),
        statement,
        rule.basis,
        rule.source,
        days_left,
        label,
    )


def _undated(rule: DeadlineRule) -> Deadline:
    assert rule.no_limit is not None
    return Deadline(
        rule.id,
        rule.rule,
        rule.what,
        None,
        None,
        rule.no_limit,
        rule.basis,
        rule.source,
        None,
        _label(rule, rule.no_limit),
    )


def _order(deadline: Deadline) -> tuple[bool, str, str]:
    return (deadline.date is None, deadline.date or "", deadline.rule_id)


def report_deadlines(
    facts: ReportFacts, received: date | None, represented: bool = True, today: date | None = None
) -> list[Deadline]:
    """The deadlines a report starts, dated ones first (soonest first), then those with no fixed limit.

    `received` is when the report was received (the clock of the receipt rules); `today`, when given, sets
    `days_left`. A report no rule applies to (a QME report, a PTP report with no finding) has none.
    """
    kind = (facts.report_type or "").strip().upper()
    findings = facts.findings()
    who: Representation = "represented" if represented else "unrepresented"
    out = []
    for rule in deadline_rules().rules:
        t = rule.trigger
        if t.document != "report" or kind not in t.report_types or not findings & set(t.any_of):
            continue
        if t.represented_only and not represented:
            continue
        out.append(
            _dated(rule, received, "receipt of the report", who, today) if rule.clock else _undated(rule)
        )
    return sorted(out, key=_order)


def panel_strike_deadlines(
    assigned: date, represented: bool = True, today: date | None = None
) -> list[Deadline]:
    """The deadlines a QME panel list starts, from the panel's assignment date: for a represented worker,
    the LC 4062.2(c) strike; none for an unrepresented one (LC 4062.1, not covered)."""
    who: Representation = "represented" if represented else "unrepresented"
    out = []
    for rule in deadline_rules().rules:
        if rule.trigger.document != "qme_panel_list" or (rule.trigger.represented_only and not represented):
            continue
        out.append(_dated(rule, assigned, "panel's assignment", who, today) if rule.clock else _undated(rule))
    return sorted(out, key=_order)


# --- the v1 objection deadline and the upcoming window ---------------------------------------------------


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
    *,
    future_medical: bool = False,
    work_restrictions: bool = False,
) -> ObjectionDeadline | None:
    """The soonest dated objection deadline of a report (case view contract v1's `objection_deadline`).

    Today that is LC 4062(a)'s, for a PTP report that states MMI (reached or not) or work restrictions;
    None for other reports, and for a PTP report whose only deadline is LC 4061's (no fixed limit).
    """
    facts = ReportFacts(report_type, mmi_status, has_impairment, future_medical, work_restrictions)
    for d in report_deadlines(facts, received, represented):
        if d.date is not None:
            return ObjectionDeadline(date=d.date, basis=f"{d.rule}: {d.statement}", label=d.label)
    return None


class _Dated(Protocol):
    @property
    def date(self) -> str | None: ...


D = TypeVar("D", bound=_Dated)


def upcoming(deadlines: Iterable[tuple[K, D]], today: date, days: int = 14) -> list[tuple[K, D]]:
    """The deadlines due from ``today`` through ``today + days`` (both ends included), soonest first.

    A deadline with no date, or one whose date cannot be read, is left out rather than raising; ties keep
    their input order.
    """
    end = today + timedelta(days=days)
    due: list[tuple[date, int, tuple[K, D]]] = []
    for position, item in enumerate(deadlines):
        try:
            day = date.fromisoformat(item[1].date or "")
        except ValueError:
            continue
        if today <= day <= end:
            due.append((day, position, item))
    due.sort(key=lambda entry: (entry[0], entry[1]))
    return [item for _, _, item in due]
