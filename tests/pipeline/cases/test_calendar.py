"""The iCalendar feed: parsed back with a small unfolding helper and checked field by field."""

from __future__ import annotations

import socket
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from pipeline.cases.calendar import CalendarEvent, escape_text, fold, ics_calendar
from pipeline.cases.view import deadline_events
from pipeline.operations.home import Home
from pipeline.operations.store import Store, database_url
from tests.pipeline.cases.test_group import make_record

NOW = datetime(2024, 3, 1, 17, 30, 5, tzinfo=timezone(timedelta(hours=-8)))


def unfold(text: str) -> list[str]:
    """RFC 5545 3.1: a CRLF followed by one space or tab continues the previous line."""
    assert text.endswith("\r\n")
    logical: list[str] = []
    for physical in text[:-2].split("\r\n"):
        if physical[:1] in (" ", "\t"):
            logical[-1] += physical[1:]
        else:
            logical.append(physical)
    return logical


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            out.append("\n" if value[i + 1] in "nN" else value[i + 1])
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def events_of(lines: list[str]) -> list[dict[str, str]]:
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    in_alarm = False
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            events.append(current)
            current = None
        elif line == "BEGIN:VALARM":
            in_alarm = True
        elif line == "END:VALARM":
            in_alarm = False
        elif current is not None:
            name, _, value = line.partition(":")
            current[("VALARM." if in_alarm else "") + name] = value
    return events


EVENT = CalendarEvent(
    uid="deadline-abc123@medlegal",
    day=date(2024, 3, 21),
    summary="Object to PTP report; Smith, J.",
    description="LC 4062(a): 20 days from receipt\nreminder, not legal advice \\ check holidays",
)


def test_calendar_header_and_crlf() -> None:
    text = ics_calendar([EVENT], now=NOW)
    assert "\n" not in text.replace("\r\n", "")
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert "PRODID:-//medlegal//case deadlines//EN" in lines
    assert "CALSCALE:GREGORIAN" in lines
    assert "X-WR-CALNAME:medlegal objection deadlines" in lines


def test_event_fields_all_day_utc_stamp_and_alarm() -> None:
    (event,) = events_of(unfold(ics_calendar([EVENT], now=NOW)))
    assert event["UID"] == "deadline-abc123@medlegal"
    assert event["DTSTART;VALUE=DATE"] == "20240321"
    assert event["DTEND;VALUE=DATE"] == "20240322"
    assert event["DTSTAMP"] == "20240302T013005Z"  # 17:30:05 at UTC-8 is 01:30:05 UTC the next day
    assert event["VALARM.ACTION"] == "DISPLAY"
    assert event["VALARM.TRIGGER"] == "-P3D"


def test_text_is_escaped_and_round_trips() -> None:
    (event,) = events_of(unfold(ics_calendar([EVENT], now=NOW)))
    assert event["SUMMARY"] == "Object to PTP report\\; Smith\\, J."
    assert unescape(event["SUMMARY"]) == EVENT.summary
    assert "\\n" in event["DESCRIPTION"] and "\\\\" in event["DESCRIPTION"]
    assert unescape(event["DESCRIPTION"]) == EVENT.description
    assert escape_text("a\r\nb\rc\x07") == "a\\nb\\nc"


def test_long_summary_is_folded_at_75_octets() -> None:
    long = CalendarEvent(uid="u1", day=date(2024, 5, 1), summary="Objection deadline é " * 10, description="")
    text = ics_calendar([long], now=NOW)
    physical = text[:-2].split("\r\n")
    assert max(len(line.encode("utf-8")) for line in physical) <= 75
    assert any(line.startswith(" ") for line in physical)
    (event,) = events_of(unfold(text))
    assert unescape(event["SUMMARY"]) == long.summary


def test_fold_never_splits_a_multibyte_character() -> None:
    line = "SUMMARY:" + "€" * 60
    folded = fold(line)
    for piece in folded.split("\r\n"):
        assert len(piece.encode("utf-8")) <= 75
        piece.encode("utf-8").decode("utf-8")
    assert folded.replace("\r\n ", "") == line
    assert fold("short") == "short"


def test_several_events_in_order_and_empty_calendar() -> None:
    second = CalendarEvent(uid="u2", day=date(2024, 4, 2), summary="second", description="")
    events = events_of(unfold(ics_calendar([EVENT, second], now=NOW)))
    assert [e["UID"] for e in events] == ["deadline-abc123@medlegal", "u2"]
    assert events_of(unfold(ics_calendar([], now=NOW))) == []


def test_default_stamp_is_utc() -> None:
    (event,) = events_of(unfold(ics_calendar([EVENT])))
    assert event["DTSTAMP"].endswith("Z") and len(event["DTSTAMP"]) == 16


def test_deadline_events_carry_the_rule_basis_and_source_and_no_applicant_name(tmp_path: Path) -> None:
    """The calendar of a store's cases: one event per dated deadline (LC 4061's has no day), each saying
    its rule, basis, sources and that it is a reminder; the applicant's name never goes in."""
    home = Home(tmp_path / "home").ensure()
    store = Store(database_url(home, None))
    store.start_run("run1", "test", socket.gethostname(), 1, "1")
    ptp = make_record("ptp", kind="PTP", applicant="Keisha Lindqvist", report_date="2026-11-10")
    store.save_record(ptp, "run1")
    store.set_received(ptp.source.sha256, "2026-12-05", "Pat")  # + 20 = Christmas: moved to Monday 12-28

    (event,) = deadline_events(store)
    assert event.day == date(2026, 12, 28)
    assert event.uid == f"objection-{ptp.source.sha256}@medlegal"
    assert event.summary == "LC 4062(a) deadline: PTP report, ADJ7310078"
    for part in ("LC 4062(a)", "20 days from the receipt", "CCP 12a", "Christmas Day", "Sources:", "http"):
        assert part in event.description
    assert event.description.endswith("reminder, not legal advice.")
    text = ics_calendar([event], now=NOW)
    assert "Lindqvist" not in text and "Keisha" not in text
    assert "no fixed statutory limit" not in unescape("".join(unfold(text)))  # LC 4061: no day, no event
