"""The case view over a real SQLite store: grouping, duplicates, order, ratings, deadlines, settings."""

from __future__ import annotations

import json
import socket
from datetime import date
from pathlib import Path

import pytest
from spacy.language import Language

from models.record import Injury
from models.settings import Settings
from pipeline.cases.calendar import ics_calendar
from pipeline.cases.view import case_summaries, case_view, deadline_events, upcoming_deadlines
from pipeline.errors import AmbiguousCaseError
from pipeline.extraction.extract import extract_record
from pipeline.operations.home import Home
from pipeline.operations.store import Store, database_url
from tests.pipeline.cases.test_group import make_record
from tests.support.textdoc import document_from_text

CT = (Injury(type="cumulative", start="2016-01-30", end="2018-08-04"),)

PTP_TEXT = """PRIMARY TREATING PHYSICIAN'S PERMANENT AND STATIONARY REPORT
Applicant: Keisha Lindqvist
WCAB Case No.: ADJ7310078
Date of Injury: CT 01/30/2016 - 08/04/2018
Date of Examination: 06/08/2020
Date of Report: 06/20/2020

DISCUSSION
The patient reached maximum medical improvement on 06/08/2020.
IMPAIRMENT RATING
Right foot: 2% whole person impairment.

Sincerely,
Jane Roe, M.D.
Orthopaedic Surgery
"""

CASE_KEYS = {"case_numbers", "applicant", "injuries", "reports", "cited_findings", "disagreements"}
REPORT_KEYS = {
    "sha256",
    "filename",
    "type",
    "supplemental",
    "evaluator",
    "exam_date",
    "report_date",
    "received",
    "status",
    "mmi",
    "impairments",
    "combined_wpi",
    "apportionment",
    "standard_rating",
    "pd_weeks",
    "objection_deadline",
    "duplicates",
}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    home = Home(tmp_path / "home").ensure()
    s = Store(database_url(home, None))
    s.start_run("run1", "test", socket.gethostname(), 1, "1")
    return s


def _seed_case(store: Store) -> dict[str, str]:
    """A PTP report, a QME that disagrees, an OCR'd fax of the QME missing a value, and a report with no
    case number that joins by name and injury date."""
    records = {
        "qme": make_record(
            "qme",
            kind="QME",
            evaluator="Alan Park, M.D.",
            exam="2021-02-01",
            report_date="2021-02-15",
            mmi=("reached", "2021-02-01"),
            impairments=(("foot", "right", 3), ("lumbar spine", None, 5)),
            combined=8,
            apportionment=((None, 80),),
        ),
        "fax": make_record(
            "fax",
            kind="QME",
            evaluator="ALAN PARK MD",
            exam="2021-02-01",
            report_date="2021-02-15",
            mmi=("reached", "2021-02-01"),
            impairments=(("foot", "right", 3),),
            ocr=True,
        ),
        "ptp": make_record(
            "ptp",
            kind="PTP",
            evaluator="Jane Roe, M.D.",
            exam="2020-06-08",
            report_date="2020-06-20",
            impairments=(("foot", "right", 2),),
            apportionment=((None, 100),),
        ),
        "loose": make_record(
            "loose",
            kind="OTHER",
            numbers=(),
            applicant="LINDQVIST, Keisha",
            evaluator="Lee Wong, D.C.",
            exam=None,
            report_date="2019-01-05",
            mmi=("not_reached", None),
            impairments=(),
            injuries=(Injury(type="specific", start="2018-08-04"),),
        ),
        "other_case": make_record("other", numbers=("ADJ9999999",), applicant="Someone Else"),
    }
    for r in records.values():
        store.save_record(r, "run1")
    return {k: r.source.sha256 for k, r in records.items()}


def test_the_case_view_has_the_contract_shape(store: Store) -> None:
    shas = _seed_case(store)
    view = case_view(store, case_number="adj7310078")
    assert view is not None
    data = view.model_dump(mode="json")
    assert set(data) >= CASE_KEYS and {"key", "represented", "labels"} <= set(data)
    assert data["case_numbers"] == ["ADJ7310078"] and data["key"] == "ADJ7310078"
    assert data["applicant"] == "Keisha Lindqvist"
    assert data["labels"]["standard_rating"].endswith("an estimate, not a formal rating")
    assert data["labels"]["objection_deadline"] == "reminder, not legal advice"
    for report in data["reports"]:
        assert set(report) >= REPORT_KEYS
        assert set(report["mmi"]) >= {"status", "date"}
        assert set(report["standard_rating"]) == {"value", "basis", "reason"}
    json.dumps(data)
    # Oldest exam first; a report with no exam date by its report date (2019); the fax folded into the QME.
    assert [r["sha256"] for r in data["reports"]] == [shas["loose"], shas["ptp"], shas["qme"]]
    qme = data["reports"][2]
    assert qme["duplicates"] == [shas["fax"]]
    assert qme["impairments"][0]["evidence"] == {"page": 2, "bbox": [72.0, 100.0, 300.0, 112.0]}
    assert qme["combined_wpi"] == 8


def test_disagreements_exclude_duplicates(store: Store) -> None:
    shas = _seed_case(store)
    view = case_view(store, case_number="ADJ7310078")
    assert view is not None
    found = {(d.field, d.body_part): [v.report for v in d.values] for d in view.disagreements}
    assert found[("wpi", "foot")] == [shas["ptp"], shas["qme"]]
    assert found[("apportionment", None)] == [shas["ptp"], shas["qme"]]
    # The chiropractor's "not yet P&S" of 2019 came before both P&S findings: progress, not a dispute.
    assert ("mmi_status", None) not in found
    assert all(shas["fax"] not in v for v in found.values())


def test_the_canonical_copy_is_born_digital_whatever_the_order(store: Store) -> None:
    fax = make_record("fax", ocr=True, status="ready")
    pdf = make_record("pdf", status="needs_review")
    store.save_record(fax, "run1")
    store.save_record(pdf, "run1")
    view = case_view(store, case_number="ADJ7310078")
    assert view is not None and len(view.reports) == 1
    assert view.reports[0].sha256 == pdf.source.sha256
    assert view.reports[0].duplicates == [fax.source.sha256]
    assert store.latest_record(fax.source.sha256) is not None  # nothing deleted


def test_lookup_by_applicant_and_ambiguity(store: Store) -> None:
    _seed_case(store)
    view = case_view(store, applicant="keisha  LINDQVIST")
    assert view is not None and view.key == "ADJ7310078"
    store.save_record(make_record("second", numbers=("ADJ8000000",)), "run1")
    with pytest.raises(AmbiguousCaseError) as e:
        case_view(store, applicant="Keisha Lindqvist")
    assert "case number" in e.value.one_line()
    assert case_view(store, case_number="ADJ0000000") is None
    assert case_view(store, applicant="Nobody Here") is None


def test_rating_deadline_received_and_represented(store: Store) -> None:
    ptp = make_record("ptp", kind="PTP", injuries=CT, impairments=(("foot", "right", 2),))
    store.save_record(ptp, "run1")
    sha = ptp.source.sha256
    store.set_received(sha, date(2026, 12, 1), "paralegal@example.com")
    view = case_view(store, case_number="ADJ7310078")
    assert view is not None
    report = view.reports[0]
    assert report.received == "2026-12-01"
    assert report.standard_rating.value == 3 and report.standard_rating.basis
    assert report.pd_weeks is not None and report.pd_weeks > 0
    assert report.objection_deadline is not None and report.objection_deadline.date == "2026-12-21"
    store.set_represented(view.key, False, "paralegal@example.com")
    later = case_view(store, case_number="ADJ7310078")
    assert later is not None and not later.represented
    assert later.reports[0].objection_deadline is not None
    assert later.reports[0].objection_deadline.date == "2026-12-31"


def test_a_pre_2013_injury_has_no_rating_but_a_reason(store: Store) -> None:
    old = make_record("old", injuries=(Injury(type="specific", start="2010-05-05"),))
    store.save_record(old, "run1")
    view = case_view(store, case_number="ADJ7310078")
    assert view is not None
    rating = view.reports[0].standard_rating
    assert rating.value is None and rating.reason and view.reports[0].pd_weeks is None
    assert view.reports[0].objection_deadline is None  # a QME report: no LC 4062(a) deadline


def test_summaries_upcoming_deadlines_and_calendar(store: Store) -> None:
    shas = _seed_case(store)
    store.set_received(shas["ptp"], "2026-12-01", "paralegal@example.com")
    summaries = {s.key: s for s in case_summaries(store, today=date(2026, 12, 5))}
    case = summaries["ADJ7310078"]
    assert (case.reports, case.distinct_reports) == (4, 3)
    assert case.disagreements >= 2
    assert case.next_deadline is not None and case.next_deadline.date == "2026-12-21"
    due = upcoming_deadlines(store, date(2026, 12, 10), days=14)
    assert [(d.case_key, d.report, d.type, d.date) for d in due] == [
        ("ADJ7310078", shas["ptp"], "PTP", "2026-12-21")
    ]
    assert upcoming_deadlines(store, date(2026, 12, 1), days=5) == []
    events = deadline_events(store)
    assert [e.day for e in events] == [date(2026, 12, 21)]
    ics = ics_calendar(events)
    assert "BEGIN:VEVENT" in ics and "Lindqvist" not in ics


def test_an_extracted_report_joins_its_case(store: Store, nlp: Language) -> None:
    record = extract_record(document_from_text([PTP_TEXT], "hc00a.pdf"), nlp, Settings())
    store.save_record(record, "run1")
    view = case_view(store, case_number="ADJ7310078")
    assert view is not None and view.injuries[0].type == "cumulative"
    report = view.reports[0]
    assert (report.type, report.exam_date, report.mmi.status) == ("PTP", "2020-06-08", "reached")
    assert [(i.body_part, i.laterality, i.wpi) for i in report.impairments] == [("foot", "right", 2)]
