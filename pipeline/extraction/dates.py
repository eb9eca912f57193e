"""Parsing the dates reports are written with into ISO strings (or month precision, kept apart)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
#: Any full date: numeric, "March 15, 2023", "Mar. 15, 2023", "15 March 2023", ISO.
DATE_RE = re.compile(
    rf"(?<![\d/])(?:\d{{1,2}}[/\-.]\d{{1,2}}[/\-.](?:\d{{4}}|\d{{2}})(?![\d/])"
    rf"|{_MONTH_RE}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}\s+{_MONTH_RE}\.?,?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}})",
    re.I,
)
#: A month without a day: "May of 2013", "February 2012".
MONTH_RE = re.compile(rf"\b{_MONTH_RE}\.?,?\s+(?:of\s+)?\d{{4}}\b", re.I)


@dataclass(frozen=True)
class FoundDate:
    """A date found in text: ISO value (None for month precision), and its char span."""

    iso: str | None
    start: int
    end: int
    month_only: bool = False


def parse_date(text: str) -> str | None:
    """The ISO form of one written date, or None when it is not a valid full date."""
    t = text.strip().rstrip(".,")
    m = re.fullmatch(r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})", t)
    if m:
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if len(m.group(3)) == 2:
            year += 2000 if year <= (date.today().year % 100) + 1 else 1900
        return _iso(year, month, day)
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.fullmatch(rf"({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})", t, re.I)
    if m:
        return _iso(
            int(m.group(3)),
            _MONTHS[m.group(1).lower()[:3] if m.group(1).lower()[:4] != "sept" else "sep"],
            int(m.group(2)),
        )
    m = re.fullmatch(rf"(\d{{1,2}})\s+({_MONTH_RE})\.?,?\s+(\d{{4}})", t, re.I)
    if m:
        return _iso(int(m.group(3)), _MONTHS[m.group(2).lower()[:3]], int(m.group(1)))
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[FoundDate]:
    """Every full date in `text`, then every month-only date not inside a full one, in text order."""
    found = [FoundDate(parse_date(m.group()), m.start(), m.end()) for m in DATE_RE.finditer(text)]
    found = [f for f in found if f.iso]
    for m in MONTH_RE.finditer(text):
        if not any(f.start <= m.start() < f.end for f in found):
            found.append(FoundDate(None, m.start(), m.end(), month_only=True))
    return sorted(found, key=lambda f: f.start)
