"""Writing a date the many ways reports write them."""

from __future__ import annotations

import random
from datetime import date

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTH_ABBR = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]

#: Formats of a full date; the first is the form-style mm/dd/yyyy.
FORMATS = ("mdy_slash", "mdy_short", "mdy_nopad", "mdy_dash", "long", "abbr", "long_nocomma")


def fmt(d: date, style: str) -> str:
    """Format `d` in the named style."""
    if style == "mdy_slash":
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if style == "mdy_short":
        return f"{d.month}/{d.day}/{d.year % 100:02d}"
    if style == "mdy_nopad":
        return f"{d.month}/{d.day}/{d.year}"
    if style == "mdy_dash":
        return f"{d.month:02d}-{d.day:02d}-{d.year}"
    if style == "long":
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == "abbr":
        return f"{MONTH_ABBR[d.month - 1]} {d.day}, {d.year}"
    if style == "long_nocomma":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    raise ValueError(style)


def month_only(d: date, rng: random.Random) -> str:
    """A month-precision date: 'May 2023', 'May of 2023'."""
    name = MONTHS[d.month - 1]
    return rng.choice([f"{name} {d.year}", f"{name} of {d.year}"])


def all_forms(d: date) -> list[str]:
    """Every way `fmt` can write `d` (used by tests to find a date in text)."""
    return [fmt(d, s) for s in FORMATS]


class DateWriter:
    """Writes dates for one report: a preferred style, with occasional variation."""

    def __init__(self, rng: random.Random, preferred: str | None = None, mix: float = 0.25) -> None:
        self.rng = rng
        self.preferred = preferred or rng.choice(FORMATS[:6])
        self.mix = mix

    def __call__(self, d: date) -> str:
        """Format `d`, usually in the preferred style."""
        style = self.rng.choice(FORMATS[:6]) if self.rng.random() < self.mix else self.preferred
        return fmt(d, style)

    def form(self, d: date) -> str:
        """Form-field style mm/dd/yyyy."""
        return fmt(d, "mdy_slash")
