"""The standard rating of a case: an estimate from the whole person impairment (WPI) in a report.

For injuries on or after 2013-01-01, Labor Code 4660.1 replaces the 2005 schedule's future earning
capacity (FEC) adjustment with a flat 1.4 multiplier, so the standard rating (before occupational and
age adjustment) can be worked out from the WPI alone:

    each impairment's WPI x 1.4, rounded half up to a whole number, capped at 100
    then combined by the Combined Values Chart, largest first: A + B(1 - A), rounded at each step

The chapter 18 pain add-on (body part ``"pain"``, up to 3% WPI) is added to the most impaired body
part's WPI before the 1.4 multiplier. Earlier injuries are rated under the 2005 PDRS with an FEC rank,
which this module does not attempt. ``pd_weeks`` turns a permanent disability percentage into weeks of
indemnity under Labor Code 4658(d). Sources and assumptions: docs/rating.md.

Everything here is a pure function: no database, no web, and bad input yields a ``StandardRating``
whose ``reason`` says why no value was computed, never an exception.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

LABEL = "standard rating before occupational and age adjustment; an estimate, not a formal rating"

LC_4660_1_START = date(2013, 1, 1)
"""Labor Code 4660.1 governs injuries occurring on or after this date."""

FEC_MULTIPLIER = Decimal("1.4")
"""LC 4660.1(b): the WPI is multiplied by 1.4 instead of the 2005 schedule's FEC adjustment."""

PAIN_BODY_PART = "pain"
PAIN_MAX_WPI = Decimal(3)
"""AMA Guides 5th ed. ch. 18 / 2005 PDRS p. 1-12: at most 3% WPI for pain from a single injury."""

PD_WEEK_BANDS: tuple[tuple[Decimal, Decimal, int], ...] = (
    # (lower, upper, weeks per 1% within the band), LC 4658(d)(1): "under 10" = 0.25 to 9.75 ... each
    # 0.25% increment counted at the rate of the band it ends in, so the increment 9.75 -> 10 is paid
    # at the 10-14.75 rate. Cumulative.
    (Decimal("0"), Decimal("9.75"), 3),
    (Decimal("9.75"), Decimal("14.75"), 4),
    (Decimal("14.75"), Decimal("24.75"), 5),
    (Decimal("24.75"), Decimal("29.75"), 6),
    (Decimal("29.75"), Decimal("49.75"), 7),
    (Decimal("49.75"), Decimal("69.75"), 8),
    (Decimal("69.75"), Decimal("100"), 16),
)
"""Weeks of permanent disability indemnity per percent, LC 4658(d), one row per band."""

REASON_PRE_2013 = "injury before 2013-01-01: rated under the 2005 PDRS with FEC adjustment, not computed"
REASON_NO_DATE = "no date of injury"
REASON_NO_WPI = "no whole person impairment"


@dataclass(frozen=True)
class StandardRating:
    """A standard rating estimate, or ``value`` None with the ``reason`` it was not computed.

    ``basis`` names the rule applied; ``steps`` is the working, one human-readable line per step
    (e.g. ``"lumbar spine 8% WPI x 1.4 = 11.2 -> 11"``).
    """

    value: int | None
    basis: str | None
    reason: str | None
    steps: tuple[str, ...] = ()


def _not_rated(reason: str, steps: Sequence[str] = ()) -> StandardRating:
    return StandardRating(value=None, basis=None, reason=reason, steps=tuple(steps))


def _half_up(value: Decimal) -> int:
    """Round to a whole number, .5 going up (never banker's rounding)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _fmt(value: Decimal, *, decimals: bool = False) -> str:
    """A Decimal for the working: ``8``, ``2.5``; with ``decimals`` at least one place (``7.0``)."""
    text = format(value.normalize(), "f")
    if decimals and "." not in text:
        text += ".0"
    return text


def _decimal(value: object) -> Decimal | None:
    """A finite Decimal from an int or float (via its repr, so 2.3 stays 2.3), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def _injury_date(injury_dates: Sequence[str | None]) -> tuple[date | None, str | None, list[str]]:
    """The date that decides the schedule: the earliest of the dates given.

    Returns (date, reason it could not be read, notes for the working). Missing entries are skipped
    with a note; an unreadable one stops the rating, since a wrong schedule is worse than none.
    """
    parsed: list[date] = []
    notes: list[str] = []
    missing = 0
    for raw in injury_dates:
        if raw is None or not str(raw).strip():
            missing += 1
            continue
        try:
            parsed.append(date.fromisoformat(str(raw).strip()[:10]))
        except ValueError:
            return None, f"unreadable date of injury: {raw!r}", notes
    if not parsed:
        return None, REASON_NO_DATE, notes
    if missing:
        notes.append(f"{missing} injury date(s) missing; schedule chosen on the dates given")
    earliest = min(parsed)
    if len(parsed) > 1:
        notes.append(f"earliest of {len(parsed)} injury dates used: {earliest.isoformat()}")
    return earliest, None, notes


def _name(body_part: str, laterality: str | None) -> str:
    """``left knee``: the laterality before the body part, unless the body part already names it."""
    if not laterality or body_part.lower().startswith(laterality.lower()):
        return body_part
    return f"{laterality} {body_part}"


def standard_rating(
    impairments: Sequence[tuple[str, str | None, float]], injury_dates: Sequence[str | None]
) -> StandardRating:
    """The LC 4660.1 standard rating of a report's impairments, or None with a reason.

    ``impairments`` are (body_part, laterality, wpi) as in the record; body part ``"pain"`` is the
    chapter 18 pain add-on, summed (at most 3% WPI per injury) and added to the largest body-part WPI
    before the 1.4 multiplier. ``injury_dates`` are ISO dates, one per injury: a specific injury's date,
    a cumulative trauma's end date (the CT's date of injury under LC 5412 falls at or after the end of
    the exposure, so the end is the closer proxy than the start). The earliest of them decides the
    schedule, so one pre-2013 injury keeps the estimate from being computed.
    """
    injury_day, date_reason, steps = _injury_date(injury_dates)
    if injury_day is None:
        return _not_rated(date_reason or REASON_NO_DATE)
    if injury_day < LC_4660_1_START:
        return _not_rated(REASON_PRE_2013, [f"date of injury {injury_day.isoformat()}"])
    if not impairments:
        return _not_rated(REASON_NO_WPI, steps)

    parts: list[tuple[str, Decimal]] = []
    pain = Decimal(0)
    for body_part, laterality, wpi in impairments:
        value = _decimal(wpi)
        name = _name(str(body_part).strip(), laterality)
        if value is None:
            return _not_rated(f"WPI for {name} is not a number: {wpi!r}", steps)
        if value < 0 or value > 100:
            return _not_rated(f"WPI for {name} out of range 0-100: {_fmt(value)}", steps)
        if str(body_part).strip().lower() == PAIN_BODY_PART:
            pain += value
        else:
            parts.append((name, value))

    if pain > PAIN_MAX_WPI:
        return _not_rated(
            f"pain add-on {_fmt(pain)}% WPI exceeds the 3% WPI chapter 18 maximum for one injury", steps
        )
    if not parts:
        if pain:
            return _not_rated("pain add-on without a body-part impairment to attach it to", steps)
        return _not_rated(REASON_NO_WPI, steps)

    adjusted: list[int] = []
    # The pain add-on goes with the most impaired body part (first of equals, in report order).
    pain_index = max(range(len(parts)), key=lambda i: parts[i][1]) if pain else -1
    for index, (name, value) in enumerate(parts):
        base = f"{name} {_fmt(value)}% WPI"
        if index == pain_index:
            value = value + pain
            base = f"{base} + pain {_fmt(pain)}% WPI = {_fmt(value)}% WPI"
        product = value * FEC_MULTIPLIER
        rounded = _half_up(product)
        line = f"{base} x 1.4 = {_fmt(product, decimals=True)} -> {min(rounded, 100)}"
        if rounded > 100:
            line += " (capped at 100)"
        adjusted.append(min(rounded, 100))
        steps.append(line)

    ordered = sorted(adjusted, reverse=True)
    combined = ordered[0]
    for other in ordered[1:]:
        exact = Decimal(combined) + Decimal(other) * (Decimal(100) - Decimal(combined)) / Decimal(100)
        result = _half_up(exact)
        fraction = _fmt(Decimal(combined) / Decimal(100))
        steps.append(
            f"combined {combined} C {other} = {combined} + {other} x (1 - {fraction}) "
            f"= {_fmt(exact, decimals=True)} -> {result}"
        )
        combined = result

    basis = (
        f"LC 4660.1 (injury {injury_day.isoformat()}, on or after 2013-01-01): WPI x 1.4, "
        "rounded half up, combined by the Combined Values Chart"
    )
    return StandardRating(value=combined, basis=basis, reason=None, steps=tuple(steps))


def pd_weeks(percent: float | int | None) -> float | None:
    """Weeks of permanent disability indemnity for a rating, per Labor Code 4658(d).

    Each band's weeks-per-percent apply only to the part of the rating within the band, cumulatively
    (``PD_WEEK_BANDS``): 10% -> 9.75 x 3 + 0.25 x 4 = 30.25 weeks; 20% -> 75.5; 50% -> 271.25.
    Returns None for no rating, a negative or non-finite value, and for 100% and above: permanent total
    disability is paid for life (LC 4659(b)), not for a number of weeks. Ratings of 70% or more also
    earn a life pension after these weeks (LC 4659(a)), which this count leaves out.
    """
    value = _decimal(percent)
    if value is None or value < 0 or value >= 100:
        return None
    weeks = Decimal(0)
    for lower, upper, per_percent in PD_WEEK_BANDS:
        if value <= lower:
            break
        weeks += (min(value, upper) - lower) * per_percent
    return float(weeks)
