"""The permanent disability rating a rater would write, from a report's whole person impairments.

Per rated body part (PDRS 2005, Section 1):

    impairment number - WPI - [FEC rank or 1.4] adjusted - group+variant - occupational - age-adjusted%

then apportionment (LC 4663/4664) per part, as the physician states it, rounded half up; the parts combined
by the Combined Values Chart, largest first, rounded at each step; weeks by the injury date's subdivision of
LC 4658; the weekly rate from average weekly earnings within LC 4453(b)'s limits (two thirds of them), as a
range when the earnings are not known; a life pension note at 70% or more (LC 4659(a)).

Everything is a pure function over the schedule's tables (`schedule.py`) and the statutes' numbers
(`rules/statutes.json`). What the schedule cannot place (an impairment number the report does not decide, an
occupation not in the schedule, no age) is a reason on the part or the case, never a guess. Sources and
worked examples: docs/rating.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.rating.schedule import Schedule, load_schedule

RULES = Path(__file__).resolve().parent / "rules"
LABEL = "estimate, not a formal rating"
PAIN = "pain"
PAIN_MAX = 3
#: Parts whose ratings LC 4660.1(c)(1) bars from increasing a physical injury's rating (injuries 2013 on).
NO_ADD_ON_AFTER_PHYSICAL = frozenset({"psyche", "sleep", "sexual function"})


@cache
def statutes() -> dict[str, Any]:
    """The statutes' numbers: LC 4658 weeks, LC 4453(b) earnings limits, LC 4659(a) life pension."""
    data: dict[str, Any] = json.loads((RULES / "statutes.json").read_text(encoding="utf-8"))
    return data


@cache
def part_numbers() -> dict[str, Any]:
    """The record's body parts -> the impairment numbers they can take (`rules/part_numbers.json`)."""
    data: dict[str, Any] = json.loads((RULES / "part_numbers.json").read_text(encoding="utf-8"))["parts"]
    return data


def half_up(value: Decimal | float | int) -> int:
    """A whole number, .5 going up (never banker's rounding)."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _num(value: float | int | Decimal) -> str:
    """8, 7.5: a number as a rater writes it."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def _in(day: date, rule: dict[str, Any]) -> bool:
    start, end = rule.get("from"), rule.get("to")
    return (start is None or day >= date.fromisoformat(start)) and (
        end is None or day <= date.fromisoformat(end)
    )


# --- which schedule ------------------------------------------------------------------------------------


def adjustment_kind(injury: date) -> str | None:
    """'1.4' for injuries on or after 2013-01-01 (LC 4660.1(b)), 'fec' for 2005-2012 (the PDRS's FEC
    adjustment), None before 2005 (the 1997 schedule applies: not rated here)."""
    if injury >= date.fromisoformat(statutes()["x1_4_from"]):
        return "1.4"
    if injury >= date.fromisoformat(statutes()["pdrs_2005_from"]):
        return "fec"
    return None


def age_at(birth: date, injury: date) -> int:
    """Age in whole years on the date of injury."""
    return injury.year - birth.year - ((injury.month, injury.day) < (birth.month, birth.day))


# --- the impairment number ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberChoice:
    """The impairment number for a rated part, how it was chosen, and why none was when it is None."""

    number: str | None
    basis: str
    reason: str | None = None


def _family(schedule: Schedule, prefixes: Sequence[str]) -> list[str]:
    return sorted(n for n in schedule.numbers if any(n.startswith(p) for p in prefixes))


def impairment_number(
    body_part: str, method_text: str, group: int | None, schedule: Schedule | None = None
) -> NumberChoice:
    """The Section 2 number for a body part: the one the report's method words name; else the part's usual
    number when every number the part can take has the same FEC rank and the same variant for the worker's
    group (the rating is then the same whichever was meant); else none, with the reason."""
    schedule = schedule or load_schedule()
    entry = part_numbers().get(body_part)
    if entry is None or not entry["family"]:
        return NumberChoice(None, "", f"no impairment number for '{body_part}': choose one from Section 2")
    for pattern, number in entry["methods"]:
        found = re.search(pattern, method_text, re.IGNORECASE) if method_text else None
        if found:
            return NumberChoice(number, f"the report's words '{found.group(0)}'")
    family = _family(schedule, entry["family"])
    ranks = {schedule.fec_rank(n) for n in family}
    variants = {schedule.variant(group, n) for n in family} if group is not None else {None}
    default = entry["default"] or (family[0] if family else None)
    if default and len(ranks) == 1 and len(variants) == 1 and None not in ranks:
        same = "FEC rank and variant" if group is not None else "FEC rank"
        return NumberChoice(
            default,
            f"assumed: the report names no method; every {body_part} number has the same {same}, so the "
            "rating does not depend on it",
        )
    return NumberChoice(
        None,
        "",
        f"the {body_part} numbers ({', '.join(entry['family'])}) differ in FEC rank or variant and the report "
        "names no method that decides: choose the impairment number",
    )


# --- one part -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartRating:
    """One rated body part: each step of the formula, the string, and what kept a step from being done."""

    body_part: str
    laterality: str | None
    impairment_number: str | None
    number_basis: str
    wpi: float
    pain: float = 0
    adjustment: str | None = None  # "1.4" or the FEC rank, as printed in brackets
    adjusted: int | None = None
    group: int | None = None
    variant: str | None = None
    occupational: int | None = None
    age_adjusted: int | None = None
    industrial_pct: float | None = None
    apportioned: int | None = None
    string: str | None = None
    reasons: tuple[str, ...] = ()
    excluded: bool = False
    steps: tuple[str, ...] = ()

    @property
    def rated(self) -> bool:
        """Whether every step was done (the part's PD is known)."""
        return self.apportioned is not None and not self.excluded

    @property
    def name(self) -> str:
        """'left knee'."""
        return f"{self.laterality} {self.body_part}" if self.laterality else self.body_part


def rate_part(
    number: str | None,
    wpi: float,
    injury: date,
    group: int | None,
    age: int | None,
    *,
    industrial_pct: float | None = None,
    body_part: str = "",
    laterality: str | None = None,
    pain: float = 0,
    number_basis: str = "given",
    schedule: Schedule | None = None,
) -> PartRating:
    """Rate one impairment by the formula, as far as the inputs allow (`reasons` says where it stopped)."""
    schedule = schedule or load_schedule()
    part = PartRating(body_part, laterality, number, number_basis, wpi, pain)
    reasons: list[str] = []
    steps: list[str] = []
    total = Decimal(str(wpi)) + Decimal(str(pain))
    if pain:
        steps.append(f"{_num(wpi)}% WPI + {_num(pain)}% pain add-on (PDRS 1-12) = {_num(total)}% WPI")
    if not 0 <= total <= 100:
        return replace(part, reasons=(f"WPI {_num(total)} outside 0-100",))
    kind = adjustment_kind(injury)
    if kind is None:
        return replace(
            part,
            reasons=(
                f"injury {injury.isoformat()} is before 2005: the 1997 schedule applies, not rated here",
            ),
        )
    if number is None:
        return replace(part, reasons=("no impairment number",), steps=tuple(steps))
    if number not in schedule.numbers and not number.endswith(".99"):
        return replace(part, reasons=(f"{number} is not an impairment number of the schedule",))
    if number.endswith(".99"):
        reasons.append(f"{number} is an analogy (Section 2: the closest number with 99): a rater confirms it")
    if kind == "1.4":
        product = total * Decimal("1.4")
        adjusted = min(half_up(product), 100)
        adjustment = "1.4"
        steps.append(f"{_num(total)} x 1.4 = {_num(product)} -> {adjusted} (LC 4660.1(b))")
    else:
        rank = schedule.fec_rank(number)
        whole = half_up(total)
        if whole != total:
            steps.append(f"{_num(total)}% WPI rounded to {whole} for the FEC table")
        fec = schedule.fec_adjusted(rank, whole) if rank else None
        if fec is None:
            return replace(part, reasons=(f"no FEC rank for {number}",), steps=tuple(steps))
        adjusted, adjustment = fec, str(rank)
        steps.append(f"FEC rank {rank}: {whole} -> {adjusted} (PDRS Section 2 table)")
    part = replace(part, adjustment=adjustment, adjusted=adjusted)
    if group is None:
        return replace(part, reasons=(*reasons, "no occupational group"), steps=tuple(steps))
    if group not in schedule.groups:
        return replace(part, reasons=(*reasons, f"{group} is not an occupational group"), steps=tuple(steps))
    variant = schedule.variant(group, number)
    if variant is None:
        return replace(
            part,
            group=group,
            reasons=(*reasons, f"Section 4 gives no variant for {number} in group {group}: a rater chooses"),
            steps=tuple(steps),
        )
    occupational = schedule.occupational_adjusted(adjusted, variant)
    assert occupational is not None  # the table covers 0-100 x C-J
    steps.append(f"group {group}, variant {variant}: {adjusted} -> {occupational} (Section 5)")
    part = replace(part, group=group, variant=variant, occupational=occupational)
    if age is None:
        return replace(part, reasons=(*reasons, "no age at injury"), steps=tuple(steps))
    aged = schedule.age_adjusted(occupational, age)
    assert aged is not None
    steps.append(f"age {age}: {occupational} -> {aged} (Section 6)")
    string = (
        f"{number} - {_num(total)} - [{adjustment}] {adjusted} - {group}{variant} - {occupational} - {aged}%"
    )
    apportioned = aged
    if industrial_pct is not None and industrial_pct < 100:
        apportioned = half_up(Decimal(aged) * Decimal(str(industrial_pct)) / 100)
        steps.append(f"{_num(industrial_pct)}% industrial: {aged} x {_num(industrial_pct)}% -> {apportioned}")
        string = f"{string} x {_num(industrial_pct)}% = {apportioned}%"
    return replace(
        part,
        age_adjusted=aged,
        industrial_pct=industrial_pct,
        apportioned=apportioned,
        string=string,
        reasons=tuple(reasons),
        steps=tuple(steps),
    )


# --- the case -------------------------------------------------------------------------------------------


def combine(values: Sequence[int]) -> tuple[int, list[str]]:
    """The Combined Values Chart: a + b(1 - a), largest first, rounded half up at each step."""
    ordered = sorted(values, reverse=True)
    if not ordered:
        return 0, []
    total, steps = ordered[0], []
    for other in ordered[1:]:
        exact = Decimal(total) + Decimal(other) * (100 - Decimal(total)) / 100
        result = half_up(exact)
        steps.append(f"{total} C {other} = {_num(exact)} -> {result}")
        total = result
    return total, steps


@dataclass(frozen=True)
class Money:
    """Weeks of PD, the weekly rate and the total, each a range when the earnings are not known."""

    weeks: float | None
    weeks_rule: str | None
    weekly_min: float | None = None
    weekly_max: float | None = None
    amount_min: float | None = None
    amount_max: float | None = None
    earnings_rule: str | None = None
    life_pension: str | None = None
    notes: tuple[str, ...] = ()


def pd_weeks(pd: float, injury: date) -> tuple[float | None, str | None, str]:
    """Weeks of indemnity for a PD percentage under the injury date's subdivision of LC 4658: each band's
    weeks per percent for the part of the rating inside it, in quarter percents (10% -> 30.25 weeks under
    (d) and (e)). None for 100% (for life, LC 4659(b)) and before 1992's table is not applied."""
    rule = next((r for r in statutes()["weeks"] if _in(injury, r)), None)
    if rule is None:
        return None, None, "no LC 4658 subdivision for the date"
    if pd >= 100:
        return None, rule["id"], "permanent total disability: paid for life (LC 4659(b))"
    value, weeks = Decimal(str(pd)), Decimal(0)
    for low, high, per in rule["bands"]:
        low_d, high_d = Decimal(str(low)), Decimal(str(high))
        if value <= low_d:
            break
        weeks += (min(value, high_d) - low_d) * per
    return float(weeks), rule["id"], rule.get("note", "")


def weekly_rate(pd: float, injury: date, earnings: float | None = None) -> tuple[float, float, str] | None:
    """Two thirds of the average weekly earnings, within LC 4453(b)'s limits for the injury date and the
    rating: (min, max, rule) when earnings are None, else (rate, rate, rule). None before 2005."""
    rule = next((r for r in statutes()["earnings"] if _in(injury, r)), None)
    if rule is None:
        return None
    band = next((b for b in rule["limits"] if b[0] <= pd < b[1]), None)
    if band is None:
        return None
    low, high = Decimal(str(band[2])), Decimal(str(band[3]))
    two_thirds = Decimal(2) / Decimal(3)
    if earnings is None:
        return _cents(low * two_thirds), _cents(high * two_thirds), rule["id"]
    awe = min(max(Decimal(str(earnings)), low), high)
    rate = _cents(awe * two_thirds)
    return rate, rate, rule["id"]


def _cents(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def life_pension(pd: float, injury: date, earnings: float | None = None) -> str | None:
    """LC 4659(a): at 70% or more (and under 100%), a life pension after the weeks; the weekly amount when
    the earnings are known, else its maximum."""
    if not 70 <= pd < 100:
        return None
    rule = next((r for r in statutes()["life_pension"] if _in(injury, r)), None)
    if rule is None:
        return "a life pension follows the weeks (LC 4659(a))"
    cap = Decimal(str(rule["max_earnings"]))
    awe = cap if earnings is None else min(Decimal(str(earnings)), cap)
    weekly = _cents((Decimal(str(pd)) - rule["above"]) * Decimal(str(rule["rate"])) * awe)
    word = "up to " if earnings is None else ""
    return (
        f"life pension after the weeks: {word}${weekly:,.2f} a week ({_num(pd)} - 60 = {_num(pd - 60)} x 1.5% "
        f"of earnings up to ${cap}, {rule['id']}); {rule['note']}"
    )


def money(pd: float, injury: date, earnings: float | None = None) -> Money:
    """Weeks, weekly rate and amount for a PD rating (ranges without earnings)."""
    weeks, weeks_rule, note = pd_weeks(pd, injury)
    notes = tuple(n for n in (note,) if n)
    rate = weekly_rate(pd, injury, earnings)
    if weeks is None or rate is None:
        return Money(weeks, weeks_rule, notes=notes, life_pension=life_pension(pd, injury, earnings))
    low, high, rule = rate
    return Money(
        weeks=weeks,
        weeks_rule=weeks_rule,
        weekly_min=low,
        weekly_max=high,
        amount_min=_cents(Decimal(str(weeks)) * Decimal(str(low))),
        amount_max=_cents(Decimal(str(weeks)) * Decimal(str(high))),
        earnings_rule=rule,
        life_pension=life_pension(pd, injury, earnings),
        notes=notes,
    )


@dataclass(frozen=True)
class PartInput:
    """A rated body part as the report states it, with its method words and the industrial share."""

    body_part: str
    laterality: str | None
    wpi: float
    method_text: str = ""
    number: str | None = None
    industrial_pct: float | None = None
    evidence: Any = None


@dataclass(frozen=True)
class CaseRating:
    """A report's (or a hand-entered) rating: the parts, the combined PD, the money, and what is missing."""

    parts: tuple[PartRating, ...]
    pd: int | None
    combine_steps: tuple[str, ...] = ()
    money: Money | None = None
    injury: date | None = None
    age: int | None = None
    group: int | None = None
    reasons: tuple[str, ...] = ()
    basis: str = ""
    label: str = LABEL
    evidence: tuple[Any, ...] = field(default=())


def rate_case(
    parts: Sequence[PartInput],
    injury: date | None,
    group: int | None,
    age: int | None,
    *,
    earnings: float | None = None,
    include_psych_add_ons: bool = False,
    schedule: Schedule | None = None,
) -> CaseRating:
    """Rate every part, combine what could be rated, and price it. A part that cannot be rated is listed
    with its reasons and left out of the combination (the case then says the PD is partial)."""
    schedule = schedule or load_schedule()
    if injury is None:
        return CaseRating((), None, reasons=("no date of injury",))
    reasons: list[str] = []
    pain = sum(p.wpi for p in parts if p.body_part == PAIN)
    body = [p for p in parts if p.body_part != PAIN]
    if pain > PAIN_MAX:
        reasons.append(f"pain add-ons total {_num(pain)}% WPI, more than the 3% one injury allows: not added")
        pain = 0
    if pain and not body:
        reasons.append("a pain add-on with no body part to add it to")
    pain_at = max(range(len(body)), key=lambda i: body[i].wpi) if pain and body else -1
    if pain_at >= 0 and len(body) > 1:
        reasons.append(
            f"the {_num(pain)}% pain add-on is added to the largest rating ({body[pain_at].body_part}); "
            "the physician may attribute it otherwise (PDRS 1-12)"
        )
    physical = any(p.body_part not in NO_ADD_ON_AFTER_PHYSICAL for p in body)
    rated: list[PartRating] = []
    for i, p in enumerate(body):
        choice = (
            NumberChoice(p.number, "given")
            if p.number
            else impairment_number(p.body_part, p.method_text, group, schedule)
        )
        part = rate_part(
            choice.number,
            p.wpi,
            injury,
            group,
            age,
            industrial_pct=p.industrial_pct,
            body_part=p.body_part,
            laterality=p.laterality,
            pain=pain if i == pain_at else 0,
            number_basis=choice.basis,
            schedule=schedule,
        )
        if choice.reason:
            part = replace(part, reasons=(choice.reason, *part.reasons))
        if (
            p.body_part in NO_ADD_ON_AFTER_PHYSICAL
            and physical
            and adjustment_kind(injury) == "1.4"
            and not include_psych_add_ons
        ):
            part = replace(
                part,
                excluded=True,
                reasons=(
                    *part.reasons,
                    f"LC 4660.1(c): a {p.body_part} rating arising out of a physical injury (2013 on) does not "
                    "increase the rating unless the injury was a violent act or catastrophic; left out, a "
                    "reviewer can include it",
                ),
            )
        rated.append(part)
    extremities = _same_extremity(rated)
    if extremities:
        reasons.append(
            f"several parts of one extremity ({extremities}): the schedule combines them at the extremity level "
            "before converting (PDRS Section 7, Example A); here their whole person ratings are combined"
        )
    values = [p.apportioned for p in rated if p.rated and p.apportioned is not None]
    missing = [p for p in rated if not p.rated and not p.excluded]
    if missing:
        reasons.append(f"{len(missing)} of {len(rated)} parts not rated: the PD below leaves them out")
    if not values:
        return CaseRating(
            tuple(rated),
            None,
            injury=injury,
            age=age,
            group=group,
            reasons=tuple(reasons),
            basis=_basis(injury),
        )
    pd, steps = combine(values)
    return CaseRating(
        parts=tuple(rated),
        pd=pd,
        combine_steps=tuple(steps),
        money=money(pd, injury, earnings),
        injury=injury,
        age=age,
        group=group,
        reasons=tuple(reasons),
        basis=_basis(injury),
    )


def _same_extremity(parts: Sequence[PartRating]) -> str:
    upper = {"shoulder", "elbow", "wrist", "hand", "thumb", "finger", "upper extremity"}
    lower = {"hip", "knee", "ankle", "foot", "toe", "lower extremity"}
    seen: dict[tuple[str, str | None], list[str]] = {}
    for p in parts:
        limb = "upper" if p.body_part in upper else "lower" if p.body_part in lower else None
        if limb and p.laterality in {"left", "right"}:
            seen.setdefault((limb, p.laterality), []).append(p.body_part)
    return "; ".join(
        f"{side} {limb}: {', '.join(names)}" for (limb, side), names in seen.items() if len(names) > 1
    )


def _basis(injury: date) -> str:
    kind = adjustment_kind(injury)
    weeks = next((r["id"] for r in statutes()["weeks"] if _in(injury, r)), "LC 4658")
    adjust = "LC 4660.1(b) x1.4" if kind == "1.4" else "FEC adjustment (LC 4660)"
    return f"PDRS 2005; {adjust}; LC 4663/4664 apportionment; {weeks}; LC 4453(b)"
