"""The received date from the best evidence: the date formats a person types, received stamps and fax
header lines on a report's first pages, the order of preference, and the path from a read file through
the store to the case view."""

from __future__ import annotations

import socket
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from models.settings import Settings
from pipeline.cases.received import (
    DetectedReceipt,
    best_received,
    detect_in_lines,
    detect_received,
    parse_day,
    plausible,
    received_rules,
)
from pipeline.cases.view import case_view
from pipeline.operations.batch import run_batch
from pipeline.operations.home import Home
from pipeline.operations.store import Store, database_url
from tests.pipeline.cases.test_group import make_record
from tests.support import inputs
from tests.support.batch import report_pages
from tests.support.textdoc import document_from_text

NOV20 = "2026-11-20"


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-20",
        "11/20/2026",
        "11/20/26",
        "11-20-2026",
        "Nov 20, 2026",
        "NOV 20 2026",
        "Nov. 20, 2026",
        "Nov-20-2026",
        "November 20th, 2026",
        "20 November 2026",
        "20-Nov-2026",
        "  20  nov  2026 ",
    ],
)
def test_parse_day_reads_common_formats(text: str) -> None:
    assert parse_day(text) == date(2026, 11, 20)


@pytest.mark.parametrize(
    "text", ["", "yesterday", "20261120", "2026-13-01", "2026-02-30", "13/40/2026", "Foo 20, 2026", "11/20"]
)
def test_parse_day_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_day(text)


# --- stamps and fax headers on real-looking lines --------------------------------------------------------

REPORT_TOP = ["PRIMARY TREATING PHYSICIAN'S PERMANENT AND STATIONARY REPORT", "Applicant: Keisha Lindqvist"]
BODY = [f"Line {n} of the history and the examination, nothing about dates." for n in range(12)]


@pytest.mark.parametrize(
    ("line", "kind", "rule"),
    [
        (
            "11/20/2026 10:32 FROM: ORTHO GROUP OF SO CAL    PAGE 1/12",
            "fax_header",
            "received.fax_date_first",
        ),
        (
            "11/20/2026  10:32:05  (555) 123-4567  ->  5559876543  P.001/012",
            "fax_header",
            "received.fax_date_first",
        ),
        ("Nov-20-2026 10:32AM", "fax_header", "received.fax_date_time_alone"),
        ("Nov-20-2026 10:32AM  Ortho Group  5551234567  Pg 1", "fax_header", "received.fax_date_first"),
        ("FRI 11/20/26 10:32 FAX 5551234567 ORTHO GROUP", "fax_header", "received.fax_date_first"),
        (
            "FROM: ORTHO GROUP  FAX NO.: 5551234567  Nov. 20 2026 10:32AM P1",
            "fax_header",
            "received.fax_from_first",
        ),
        ("RECEIVED NOV 20 2026", "stamp", "received.stamp"),
        ("RECEIVED", None, None),
        ("Rec'd 11/20/26", "stamp", "received.stamp"),
        ("REC’D NOV 20 2026 LAW OFFICES", "stamp", "received.stamp"),
        ("RCVD 2026-11-20", "stamp", "received.stamp"),
        ("* RECEIVED * 20 November 2026", "stamp", "received.stamp"),
        ("Received: 11/20/2026", "stamp", "received.stamp"),
    ],
)
def test_a_fax_header_or_stamp_line_gives_the_date(line: str, kind: str | None, rule: str | None) -> None:
    found = detect_in_lines([[line, *REPORT_TOP, *BODY]])
    if kind is None:
        assert found is None
        return
    assert found is not None
    assert (found.received, found.kind, found.rule, found.page) == (NOV20, kind, rule, 1)
    assert len(found.text) <= 80 and "Lindqvist" not in found.text


@pytest.mark.parametrize(
    "line",
    [
        "I received and reviewed records dated 11/20/2026 from Dr. Adams, who treated the lumbar spine.",
        "The patient was seen on 11/20/2026 10:32 for a follow-up visit.",  # a date and time, no fax words
        "Date of Report: 11/20/2026",
        "Received: 11/20/2026 - PR-2 report of Dr. Adams reviewing the lumbar spine treatment to date today",
    ],
)
def test_report_text_with_a_date_is_not_a_stamp_or_a_header(line: str) -> None:
    assert detect_in_lines([[*REPORT_TOP, *BODY[:4], line, *BODY[4:]]]) is None


def test_a_fax_header_counts_only_at_the_top_or_bottom_of_a_page() -> None:
    header = "11/20/2026 10:32 FROM: ORTHO GROUP PAGE 1/12"
    assert detect_in_lines([[*REPORT_TOP, *BODY[:5], header, *BODY[5:]]]) is None
    bottom = detect_in_lines([[*REPORT_TOP, *BODY, header]])
    assert bottom is not None and bottom.kind == "fax_header"


def test_a_stamp_wins_over_a_fax_header_and_the_earliest_stamp_wins() -> None:
    page = ["11/18/2026 10:32 FROM: ORTHO GROUP PAGE 1/12", *REPORT_TOP, "RECEIVED NOV 23 2026", *BODY]
    found = detect_in_lines([page, ["RECEIVED NOV 20 2026", *BODY]])
    assert found is not None and (found.kind, found.received, found.page) == ("stamp", NOV20, 2)


def test_only_the_first_pages_are_read() -> None:
    pages = [REPORT_TOP + BODY] * received_rules().pages + [["RECEIVED NOV 20 2026", *BODY]]
    assert detect_in_lines(pages) is None


def test_detect_received_reads_a_document_including_its_running_header() -> None:
    doc = document_from_text(["\n".join(["Nov-20-2026 10:32AM", *REPORT_TOP, *BODY]), "page two"])
    found = detect_received(doc)
    assert found is not None and found.received == NOV20 and found.kind == "fax_header"


# --- the best evidence ----------------------------------------------------------------------------------

STAMP = DetectedReceipt(NOV20, "stamp", "received.stamp", 1, "RECEIVED NOV 20 2026")


def test_a_person_wins_then_a_stamp_then_the_first_seen_day() -> None:
    person = best_received(person="2026-11-19", person_actor="Pat", detected=STAMP, first_seen="2026-11-24")
    assert person is not None and (person.date, person.source, person.evidence) == (
        "2026-11-19",
        "person",
        "set by Pat",
    )
    stamp = best_received(person=None, detected=STAMP, first_seen="2026-11-24", report_date="2026-11-10")
    assert stamp is not None and (stamp.date, stamp.source) == (NOV20, "stamp")
    assert "RECEIVED NOV 20 2026" in stamp.evidence
    seen = best_received(person=None, detected=None, first_seen="2026-11-24")
    assert seen is not None and (seen.date, seen.source) == ("2026-11-24", "first_seen")
    assert best_received(person=None) is None


def test_a_detected_date_that_cannot_be_the_receipt_is_not_used() -> None:
    assert not plausible(NOV20, first_seen="2026-11-18", report_date=None)  # after medlegal saw the file
    assert plausible(NOV20, first_seen="2026-11-19", report_date=None)  # a day of slack for time zones
    assert not plausible(NOV20, first_seen="2026-11-24", report_date="2026-11-21")  # before the report
    fallback = best_received(person=None, detected=STAMP, first_seen="2026-11-24", report_date="2026-11-21")
    assert fallback is not None and fallback.source == "first_seen"


# --- through the store and the case view -----------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Store:
    home = Home(tmp_path / "home").ensure()
    s = Store(database_url(home, None))
    s.start_run("run1", "test", socket.gethostname(), 1, "1")
    return s


def test_the_case_view_says_where_each_received_date_came_from(store: Store) -> None:
    ptp = make_record("ptp", kind="PTP", report_date="2026-11-10")
    store.save_record(ptp, "run1")
    sha = ptp.source.sha256
    view = case_view(store, case_number="ADJ7310078")
    assert view is not None and view.reports[0].received_source == "first_seen"

    store.set_detected_received(sha, NOV20, "stamp", "received.stamp", 1, "RECEIVED NOV 20 2026")
    view = case_view(store, case_number="ADJ7310078", today=date(2026, 12, 1))
    assert view is not None
    report = view.reports[0]
    assert (report.received, report.received_source) == (NOV20, "stamp")
    assert report.received_evidence == "page 1: RECEIVED NOV 20 2026"
    lc4062a = next(d for d in report.deadlines if d.rule_id == "lc4062a-objection")
    assert lc4062a.date == "2026-12-10" and lc4062a.days_left == 9
    assert report.objection_deadline is not None and report.objection_deadline.date == "2026-12-10"

    store.set_received(sha, "2026-11-23", "Pat Paralegal")
    view = case_view(store, case_number="ADJ7310078")
    assert view is not None
    assert (view.reports[0].received, view.reports[0].received_source) == ("2026-11-23", "person")
    assert view.reports[0].received_evidence == "set by Pat Paralegal"

    store.clear_detected_received(sha)
    assert store.case_documents([sha])[0]["detected"] is None


def test_a_read_fax_stores_its_header_date_for_the_case_view(tmp_path: Path) -> None:
    """A real batch: the document worker reads the PDF, finds the fax header, the store keeps it."""
    settings = Settings(home=tmp_path / "home", inbox_settle_s=0, ocr_workers=1, batch_workers=1)
    home = Home(settings.home).ensure()
    today = datetime.now(ZoneInfo(settings.timezone)).date()
    faxed = today - timedelta(days=3)
    header = faxed.strftime("%m/%d/%Y") + " 10:32 FROM: ORTHO GROUP PAGE {n}/{total}"
    pdf = inputs.write_pdf(tmp_path / "faxed.pdf", report_pages(7), header=header)

    summary = run_batch(settings, trigger="test", files=[pdf], workers=1)

    (outcome,) = summary.outcomes
    assert outcome.status == "processed" and outcome.sha256
    store = Store(database_url(home, None))
    detected = store.case_documents([outcome.sha256])[0]["detected"]
    assert detected is not None
    assert (detected["received"], detected["source"], detected["page"]) == (
        faxed.isoformat(),
        "fax_header",
        1,
    )
    view = case_view(store, case_number="ADJ1000007")
    assert view is not None
    assert (view.reports[0].received, view.reports[0].received_source) == (faxed.isoformat(), "fax_header")
