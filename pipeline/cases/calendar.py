"""An iCalendar (RFC 5545) feed of case deadlines that a firm's calendar can subscribe to.

Each ``CalendarEvent`` becomes an all-day ``VEVENT`` (``DTSTART;VALUE=DATE``) with a display alarm three
days before. The text is exactly what the caller passes: this module never reads a report, so nothing of
a report reaches the feed unless the caller puts it in a summary or description.

Output follows RFC 5545: CRLF line endings, content lines folded at 75 octets (never inside a UTF-8
character), TEXT values escaped (backslash, semicolon, comma, newline), ``DTSTAMP`` in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

PRODID = "-//medlegal//case deadlines//EN"
CALENDAR_NAME = "medlegal objection deadlines"
ALARM_BEFORE = "-P3D"
"""The VALARM trigger: three days before the start of the (all-day) event."""

MAX_OCTETS = 75
CRLF = "\r\n"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
"""Control characters RFC 5545 TEXT does not allow (HTAB and newlines are handled separately)."""


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event: a stable ``uid`` (so a re-published feed updates, not duplicates), the ``day``,
    a one-line ``summary`` and a ``description``."""

    uid: str
    day: date
    summary: str
    description: str


def escape_text(value: str) -> str:
    """An RFC 5545 TEXT value: ``\\`` ``;`` ``,`` escaped, any newline as ``\\n``, control chars dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded to at most 75 octets per physical line, continuations starting with a space.

    Splits only between characters, so a multi-byte UTF-8 character is never cut in two.
    """
    pieces: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > MAX_OCTETS:
            pieces.append(current)
            current, size = " ", 1
        current += char
        size += width
    pieces.append(current)
    return CRLF.join(pieces)


def _stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: CalendarEvent, stamp: str) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{event.day.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(event.day + timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"DESCRIPTION:{escape_text(event.description)}",
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape_text(event.summary)}",
        f"TRIGGER:{ALARM_BEFORE}",
        "END:VALARM",
        "END:VEVENT",
    ]


def ics_calendar(events: Iterable[CalendarEvent], *, now: datetime | None = None) -> str:
    """The events as one ``text/calendar`` document (a string with CRLF line endings).

    ``now`` is the ``DTSTAMP`` of every event (default: the current time, UTC); a naive datetime is
    taken as UTC. Events are written in the order given.
    """
    stamp = _stamp(now if now is not None else datetime.now(UTC))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(CALENDAR_NAME)}",
    ]
    for event in events:
        lines.extend(_event_lines(event, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
