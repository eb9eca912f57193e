"""When a report was received, from the best evidence there is (a reminder's clock, not legal advice).

In order of preference:

1. **person**: a date a paralegal set (the store's `receipts`); always wins.
2. **stamp**: a received stamp on the report's first pages ("RECEIVED NOV 20 2026", "Rec'd 11/20/26").
3. **fax_header**: the date a fax machine printed at the top or bottom of a page ("11/20/2026 10:32 FROM:
   ... PAGE 1/12", "Nov-20-2026 10:32AM").
4. **first_seen**: the day the file entered medlegal (inbox or upload), in the office's time zone.

Stamps and fax headers are found when a file is read (`detect_received` on the `Document`, in the batch's
document worker) and stored with the record, because the page text is not kept. A detected date later
than the day medlegal first saw the file, or earlier than the report's own date, cannot be the receipt
and is not used. The patterns are data (`rules/received.json`); `parse_day` reads the date formats a
person types or a stamp shows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.document import Document

ReceivedSource = Literal["person", "stamp", "fax_header", "first_seen"]
DetectedKind = Literal["stamp", "fax_header"]

SOURCE_LABELS: dict[str, str] = {
    "person": "set by a person",
    "stamp": "received stamp",
    "fax_header": "fax header",
    "first_seen": "first seen by medlegal",
}
"""How each source is named on the case page and in the terminal."""

FORMATS_HINT = "2026-11-20, 11/20/2026, 11/20/26, Nov 20, 2026 or 20 November 2026"

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_US = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})")
_MONTH_FIRST = re.compile(r"([a-z]+)\.?[\s-]+(\d{1,2})(?:st|nd|rd|th)?,?[\s-]+(\d{4})")
_DAY_FIRST = re.compile(r"(\d{1,2})[\s-]+([a-z]+)\.?,?[\s-]+(\d{4})")


def _year(text: str) -> int:
    """A four-digit year as is; a two-digit one in 2000-2069, else 1970-1999."""
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def parse_day(text: str) -> date:
    """A calendar date written as 2026-11-20, 11/20/2026, 11/20/26, 11-20-2026, Nov 20, 2026, NOV 20 2026,
    Nov-20-2026, November 20th, 2026, 20 November 2026 or 20-Nov-2026 (US month/day order).

    Raises ValueError for anything else, including a real-looking date that does not exist (2026-02-30).
    """
    s = " ".join(text.strip().lower().split())
    try:
        if m := _ISO.fullmatch(s):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _US.fullmatch(s):
            return date(_year(m[3]), int(m[1]), int(m[2]))
        if (m := _MONTH_FIRST.fullmatch(s)) and m[1] in MONTHS:
            return date(int(m[3]), MONTHS[m[1]], int(m[2]))
        if (m := _DAY_FIRST.fullmatch(s)) and m[2] in MONTHS:
            return date(int(m[3]), MONTHS[m[2]], int(m[1]))
    except ValueError:
        pass  # a month or day out of range: not a date either
    raise ValueError(f"not a date: {text.strip()[:40]!r}")


# --- the patterns -------------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReceivedPattern(_Strict):
    id: str
    kind: DetectedKind
    where: Literal["anywhere", "edge"]
    doc: str
    pattern: str


class ReceivedRules(_Strict):
    version: str
    doc: str
    pages: int = Field(ge=1)
    edge_lines: int = Field(ge=1)
    max_line_chars: int = Field(ge=10)
    date: str
    patterns: list[ReceivedPattern]


@dataclass(frozen=True)
class _Compiled:
    rule: ReceivedPattern
    regex: re.Pattern[str]


@cache
def received_rules() -> ReceivedRules:
    """The received-date patterns (`rules/received.json`), validated strictly."""
    text = resources.files("pipeline.cases").joinpath("rules", "received.json").read_text(encoding="utf-8")
    return ReceivedRules.model_validate(json.loads(text))


@cache
def _compiled() -> tuple[_Compiled, ...]:
    rules = received_rules()
    out = []
    for p in rules.patterns:
        try:
            regex = re.compile(p.pattern.replace("{date}", rules.date), re.IGNORECASE)
        except re.error as e:
            raise ValueError(f"received.json pattern {p.id}: {e}") from e
        if "date" not in regex.groupindex:
            raise ValueError(f"received.json pattern {p.id}: no (?P<date>...) group")
        out.append(_Compiled(p, regex))
    return tuple(out)


# --- detection ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DetectedReceipt:
    """A receipt date a page shows: the date (ISO), its kind, the rule that found it, the page, and the
    matched text (the stamp or header words and the date only, at most 80 characters)."""

    received: str
    kind: DetectedKind
    rule: str
    page: int
    text: str


def detect_in_lines(pages: Sequence[Sequence[str]]) -> DetectedReceipt | None:
    """The receipt date the first pages' lines show, or None.

    `pages` holds each page's lines in reading order. A received stamp wins over a fax header; among
    several stamps (or several headers) the earliest date wins, as the conservative clock.
    """
    rules = received_rules()
    found: list[DetectedReceipt] = []
    for offset, lines in enumerate(pages[: rules.pages]):
        edge = set(range(min(rules.edge_lines, len(lines)))) | set(
            range(max(0, len(lines) - rules.edge_lines), len(lines))
        )
        for index, line in enumerate(lines):
            for c in _compiled():
                if c.rule.where == "edge" and index not in edge:
                    continue
                if c.rule.kind == "stamp" and len(line.strip()) > rules.max_line_chars:
                    continue
                m = c.regex.search(line)
                if m is None:
                    continue
                try:
                    day = parse_day(m["date"])
                except ValueError:
                    continue
                text = " ".join(line[m.start() : m.end("date")].split())[:80]
                found.append(DetectedReceipt(day.isoformat(), c.rule.kind, c.rule.id, offset + 1, text))
    if not found:
        return None
    rank = {"stamp": 0, "fax_header": 1}
    return min(found, key=lambda d: (rank[d.kind], d.received, d.page))


def detect_received(document: Document) -> DetectedReceipt | None:
    """The receipt date a read document's first pages show (a stamp or a fax header), or None."""
    # Every line counts, running headers and footers too: a fax header is usually one.
    return detect_in_lines(
        [[line.text for line in p.lines] for p in document.pages[: received_rules().pages]]
    )


# --- the best evidence ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedDate:
    """The receipt date used for a report's deadlines (ISO), where it came from, and the evidence (who set
    it, the stamp or header text, or when medlegal first saw the file)."""

    date: str
    source: ReceivedSource
    evidence: str


def plausible(detected: str, first_seen: str | None, report_date: str | None) -> bool:
    """A detected receipt date can be the receipt: not after the day medlegal first saw the file (one day
    of slack for time zones) and not before the report's own date."""
    try:
        day = date.fromisoformat(detected)
        if first_seen and day > date.fromisoformat(first_seen) + timedelta(days=1):
            return False
        if report_date and day < date.fromisoformat(report_date):
            return False
    except ValueError:
        return False
    return True


def best_received(
    *,
    person: str | None,
    person_actor: str | None = None,
    detected: DetectedReceipt | None = None,
    first_seen: str | None = None,
    report_date: str | None = None,
) -> ReceivedDate | None:
    """The receipt date from the best evidence: a person's date, else a plausible stamp or fax header,
    else the day medlegal first saw the file; None with none of them."""
    if person:
        return ReceivedDate(person, "person", f"set by {person_actor}" if person_actor else "set by a person")
    if detected is not None and plausible(detected.received, first_seen, report_date):
        return ReceivedDate(detected.received, detected.kind, f"page {detected.page}: {detected.text}")
    if first_seen:
        return ReceivedDate(first_seen, "first_seen", "the day the file entered medlegal (inbox or upload)")
    return None


def detected_from_row(row: dict[str, object] | None) -> DetectedReceipt | None:
    """A stored detection (the store's `detected_receipts` row as a dict) back as a DetectedReceipt."""
    if not row:
        return None
    kind = row.get("source")
    if kind not in ("stamp", "fax_header"):
        return None
    return DetectedReceipt(
        received=str(row.get("received") or ""),
        kind=kind,
        rule=str(row.get("rule") or ""),
        page=int(str(row.get("page") or 1)),
        text=str(row.get("text") or ""),
    )
