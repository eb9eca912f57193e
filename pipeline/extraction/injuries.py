"""Dates of injury: specific (one date) or cumulative trauma (a period)."""

from __future__ import annotations

import re

from models.record import Injury
from pipeline.extraction.dates import DATE_RE, find_dates, parse_date
from pipeline.extraction.fields import Fields
from pipeline.extraction.report import demonth
from pipeline.extraction.textview import ReportText


def injuries(fields: Fields, rt: ReportText) -> list[Injury]:
    """Specific injuries (one date) and cumulative trauma periods (start, end)."""
    out: list[Injury] = []

    def add(inj: Injury) -> None:
        if inj not in out:
            out.append(inj)

    sources = list(fields.all("injury"))
    for s in rt.sentences[:400]:
        if s.section.label in {"records_review", "prior_injuries", "past_history"}:
            continue
        if (
            re.search(r"\bcumulative(?:\s+trauma)?|\bCT\b|\binjur(?:y|ies|ed)\b|\bDOI\b", s.text, re.I)
            and len(s.text) < 400
        ):
            sources.append(s.text)
    fields_n = len(fields.all("injury"))
    for n, src in enumerate(sources):
        for inj in _parse_injuries(demonth(src), is_field=n < fields_n):
            add(inj)
    # A specific date that equals a CT end date is the same claim written twice.
    ct_ends = {i.end for i in out if i.type == "cumulative" and i.start}
    ct_bounds = ct_ends | {i.start for i in out if i.type == "cumulative" and i.start}
    return [
        i
        for i in out
        if not (i.type == "specific" and i.start in ct_bounds)
        and not (i.type == "cumulative" and i.start is None and i.end in ct_ends)
    ]


_RANGE = re.compile(
    rf"({DATE_RE.pattern})\s*(?:-|–|—|to|through|thru|until)\s*({DATE_RE.pattern}|(?:the\s+)?present)", re.I
)


def _parse_injuries(text: str, is_field: bool = False) -> list[Injury]:
    out: list[Injury] = []
    used: list[tuple[int, int]] = []
    for m in _RANGE.finditer(text):
        start = parse_date(m.group(1))
        end = parse_date(m.group(2)) if "present" not in m.group(2).lower() else None
        prefix = text[max(0, m.start() - 80) : m.start()]
        if start and (
            re.search(
                r"\bCT\b|cumulative|continuous|repetitive|period", prefix + text[m.end() : m.end() + 20], re.I
            )
            or is_field
        ):
            if not re.search(
                r"\b(?:TTD|TPD|temporar\w+|off work|disabled|employed|worked)\b", prefix[-40:], re.I
            ):
                out.append(Injury(type="cumulative", start=start, end=end))
                used.append((m.start(), m.end()))
    if not re.search(r"date of injury|dates? of injury|\bDOI\b|injur", text, re.I) and not is_field:
        return out
    for m in re.finditer(
        r"\b(?:cumulative(?:ly)?|CT)\b[^.;]{0,40}?\b(?:through|thru|ending|until|to)\s+("
        + DATE_RE.pattern
        + ")",
        text,
        re.I,
    ):
        if not any(a <= m.start(1) < b for a, b in used):
            end = parse_date(m.group(1))
            if end:
                out.append(Injury(type="cumulative", start=None, end=end))
                used.append((m.start(1), m.end(1)))
    for d in find_dates(text):
        if d.iso is None or any(a <= d.start < b for a, b in used):
            continue
        before = text[max(0, d.start - 45) : d.start]
        if is_field and not used and re.search(r"\b(?:CT|cumulative|continuous)\b", text, re.I):
            continue  # a CT field whose range did not parse (wrapped cell): no specific date from it
        if is_field and re.search(
            r"birth|dob|born|exam|evaluat|report|surgery|seen|visit|dated", before, re.I
        ):
            continue
        if is_field or re.search(
            r"(?:(?:an?|the|specific|industrial|work|claimed|alleged|other)\s+(?:[a-z\-]+\s+)?injur\w*"
            r"|dates?(?:\(s\))? of (?:the )?injur\w*|injured|DOI)"
            r"\W{0,3}(?:on|of|occurred on|date\w*)?\W{0,3}(?:on\s+)?(?:or about\s+)?$",
            before,
            re.I,
        ):
            out.append(Injury(type="specific", start=d.iso, end=None))
    return out
