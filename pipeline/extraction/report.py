"""What and when: the report's type and title, the supplemental flag, the exam and report dates."""

from __future__ import annotations

import re

from models.document import Document
from pipeline.extraction.dates import find_dates
from pipeline.extraction.fields import Fields
from pipeline.extraction.numbers import rx
from pipeline.extraction.textview import ReportText


def first_lines(document: Document, n: int) -> list[str]:
    out: list[str] = []
    for page in document.pages[:2]:
        for line in page.lines:
            out.append(line.text.strip())
            if len(out) >= n:
                return out
    return out


def title(document: Document) -> str | None:
    """The report's title: the first line on page 1 that names a kind of report or evaluation."""
    if not document.pages:
        return None
    lines = [line for line in document.pages[0].lines if line.role == "body"]
    for line in lines[:40]:
        text = line.text.strip()
        if (
            re.search(r"\b(?:report|evaluation|examination|re-?evaluation|PR-?[24])\b", text, re.I)
            and len(text) < 120
            and (
                text.isupper()
                or line.bbox[3] - line.bbox[1] > 13
                or re.match(
                    r"^(?:[A-Z][a-z']+(?:-[A-Z]?[a-z']+)*|[A-Z&\-]+|of|and|the|on)(?:\s+"
                    r"(?:[A-Z][a-z']+(?:-[A-Z]?[a-z']+)*|[A-Z&\-]+|of|and|the|on|'s|PR-\d))+$",
                    text,
                )
            )
        ):
            return re.sub(r"\s+", " ", text)
    return None


def exam_and_report_dates(fields: Fields, rt: ReportText) -> tuple[str | None, str | None]:
    """The date of the examination and the date of the report."""
    exam = first_date(fields.all("exam_date"))
    report = first_date(fields.all("report_date"))
    no_exam = any(rx("report.no_exam").search(s.text) for s in rt.sentences[:200])
    if exam is None and not no_exam:
        for s in rt.sentences[:300]:
            found = _date_after(demonth(s.text), "report.exam_lead")
            if (
                found
                and not rx("report.exam_earlier").search(found[1])
                and s.own
                and not rt.other_physician(s)
            ):
                exam = found[0]
                break
    if report is None:
        for s in reversed(rt.sentences[-80:]):
            if signed := _date_after(demonth(s.text), "report.signed_lead"):
                report = signed[0]
                break
    if report is None and rt.document.pages:
        lines = rt.document.pages[0].lines[:25]
        for i, line in enumerate(lines):
            text = line.text.strip()
            ds = find_dates(text)
            above = lines[i - 1].text.strip() if i else ""
            if (
                len(ds) == 1
                and ds[0].iso
                and len(text) <= (ds[0].end - ds[0].start) + 12
                and not rx("report.not_report_date_line").search(text)
                and not above.endswith(":")
            ):
                report = ds[0].iso
                break
    return exam, report


def _date_after(text: str, rule: str) -> tuple[str, str] | None:
    """The date right after a lead-in (`rule`) and the text before the lead-in's end, or None."""
    for m in rx(rule).finditer(text):
        ds = find_dates(text[m.end() : m.end() + 40])
        if ds and ds[0].start == 0 and ds[0].iso:
            return ds[0].iso, text[: m.end()]
    return None


def demonth(text: str) -> str:
    """'Nov. 5, 1961' -> 'Nov 5, 1961', so a period in a date does not end a clause for the regexes."""
    return re.sub(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.", r"\1", text)


def first_date(values: list[str]) -> str | None:
    for v in values:
        ds = [d for d in find_dates(v) if d.iso]
        if ds:
            return ds[0].iso
    return None
