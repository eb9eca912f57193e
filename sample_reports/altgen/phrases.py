"""Small wording helpers: dates, numbers in words, rounding, the Combined Values Chart."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

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
MON_ABBR = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]

DATE_STYLES = ["mdY", "mdy", "dash", "long", "abbr", "mdY_nopad"]


def fd(d: dt.date | None, style: str = "mdY") -> str:
    """Format a date in one of several US styles."""
    if d is None:
        return ""
    if style == "mdY":
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if style == "mdy":
        return f"{d.month}/{d.day}/{d.year % 100:02d}"
    if style == "mdY_nopad":
        return f"{d.month}/{d.day}/{d.year}"
    if style == "dash":
        return f"{d.month:02d}-{d.day:02d}-{d.year}"
    if style == "long":
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == "abbr":
        return f"{MON_ABBR[d.month - 1]} {d.day}, {d.year}"
    if style == "dmy":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    raise ValueError(style)


def month_only(d: dt.date, style: int = 0) -> str:
    return f"{MONTHS[d.month - 1]} of {d.year}" if style == 0 else f"{MONTHS[d.month - 1]} {d.year}"


_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        t, o = divmod(n, 10)
        return _TENS[t] + ("" if o == 0 else "-" + _ONES[o])
    return "one hundred"


def half_up(x_num: int, den: int) -> int:
    """round(x_num/den) half up, integers only."""
    return (2 * x_num + den) // (2 * den)


def ue_to_wpi(uei: int) -> int:
    return half_up(uei * 6, 10)


def le_to_wpi(lei: int) -> int:
    return half_up(lei * 4, 10)


def cvc_pair(a: int, b: int) -> int:
    """Combined Values Chart for two whole numbers: a + b(1-a), larger first, half up."""
    a, b = max(a, b), min(a, b)
    # a + b*(100-a)/100
    return a + half_up(b * (100 - a), 100)


def cvc(values: list[int]) -> tuple[int, list[tuple[int, int, int]]]:
    """Combine a list largest first, rounding at each step. Returns total and the steps."""
    vals = sorted((v for v in values if v > 0), reverse=True)
    if not vals:
        return 0, []
    total = vals[0]
    steps = []
    for v in vals[1:]:
        new = cvc_pair(total, v)
        steps.append((total, v, new))
        total = new
    return total, steps


def x(s: str) -> str:
    """Escape for reportlab Paragraph markup."""
    return escape(s)


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def title_case(s: str) -> str:
    small = {"of", "and", "the", "to", "per", "with", "in"}
    out = []
    for i, w in enumerate(s.split(" ")):
        out.append(w if (i and w in small) else (w[:1].upper() + w[1:]))
    return " ".join(out)
