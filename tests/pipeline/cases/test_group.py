"""Grouping reports into cases (numbers, name + injury date, never name alone) and finding duplicates."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path
from typing import Any

import pytest

from models.record import (
    Apportionment,
    Claim,
    CombinedWpi,
    Evaluator,
    Evidence,
    Impairment,
    Injury,
    Mmi,
    Report,
    ReportRecord,
    Review,
    Source,
    SourcePage,
)
from pipeline.cases.group import (
    Fingerprint,
    case_keys,
    duplicate_groups,
    evaluator_surname,
    fingerprint,
    group_cases,
    normalise_name,
    same_report,
    text_containment,
    text_signature,
)
from pipeline.operations.home import Home
from pipeline.operations.store import _ENGINES, Store, database_url


def make_record(
    content: str,
    *,
    applicant: str | None = "Keisha Lindqvist",
    numbers: tuple[str, ...] = ("ADJ7310078",),
    injuries: tuple[Injury, ...] = (Injury(type="cumulative", start="2016-01-30", end="2018-08-04"),),
    kind: str = "QME",
    evaluator: str | None = "Jane Roe, M.D.",
    exam: str | None = "2020-06-08",
    report_date: str | None = "2020-06-20",
    mmi: tuple[str, str | None] = ("reached", "2020-06-08"),
    impairments: tuple[tuple[str, str | None, float], ...] = (("foot", "right", 2),),
    combined: float | None = None,
    apportionment: tuple[tuple[str | None, float], ...] = (),
    ocr: bool = False,
    status: str = "ready",
    filename: str | None = None,
    **extra: Any,
) -> ReportRecord:
    """A record as extraction would make it, with the given facts (evidence on page 2)."""
    sha = hashlib.sha256(content.encode()).hexdigest()
    source = "ocr" if ocr else "text_layer"
    ev = Evidence(page=2, text="the sentence", bbox=[72.0, 100.0, 300.0, 112.0])
    return ReportRecord(
        source=Source(
            filename=filename or f"{content}.pdf",
            sha256=sha,
            media_type="application/pdf",
            page_count=2,
            pages=[SourcePage(number=n, text_source=source) for n in (1, 2)],
        ),
        report=Report(
            type=kind,  # type: ignore[arg-type]
            report_date=report_date,
            exam_date=exam,
            evaluator=Evaluator(name=evaluator, specialty="Orthopaedic Surgery"),
        ),
        claim=Claim(applicant=applicant, case_numbers=list(numbers), injuries=list(injuries)),
        mmi=Mmi(status=mmi[0], date=mmi[1], evidence=ev, confidence=0.9),  # type: ignore[arg-type]
        impairments=[
            Impairment(body_part=p, laterality=s, wpi=w, evidence=ev, confidence=0.9)  # type: ignore[arg-type]
            for p, s, w in impairments
        ],
        combined_wpi=CombinedWpi(value=combined),
        apportionment=[
            Apportionment(body_part=p, industrial_pct=i, nonindustrial_pct=100 - i) for p, i in apportionment
        ],
        review=Review(status=status),  # type: ignore[arg-type]
        rules_version="1",
        **extra,
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    home = Home(tmp_path / "home").ensure()
    s = Store(database_url(home, None))
    s.start_run("run1", "test", socket.gethostname(), 1, "1")
    return s


def _keys(*records: ReportRecord) -> dict[str, str]:
    return group_cases([(r.source.sha256, case_keys(r)) for r in records])


def test_names_are_normalised() -> None:
    assert normalise_name("LINDQVIST, Keisha M.") == "keisha lindqvist"
    assert normalise_name("  Keisha   Lindqvist ") == "keisha lindqvist"
    assert normalise_name("Renée O'Neil") == "renee o'neil"
    assert normalise_name("") is None and normalise_name(None) is None
    assert evaluator_surname("Jane Roe, M.D.") == "roe"
    assert evaluator_surname("Dr. JANE ROE") == "roe"
    assert evaluator_surname("Jane A. Roe, D.C., QME") == "roe"


def test_reports_sharing_a_case_number_are_one_case_and_two_numbers_join_both() -> None:
    a = make_record("a", numbers=("ADJ2000000",))
    b = make_record("b", numbers=("ADJ1000000", "ADJ2000000"))
    c = make_record("c", numbers=("ADJ1000000",), applicant="Someone Else")
    d = make_record("d", numbers=("ADJ3000000",))
    keys = _keys(a, b, c, d)
    assert keys[a.source.sha256] == keys[b.source.sha256] == keys[c.source.sha256] == "ADJ1000000"
    assert keys[d.source.sha256] == "ADJ3000000"


def test_a_report_without_a_number_joins_by_name_and_injury_date() -> None:
    numbered = make_record("n")
    loose = make_record(
        "l",
        numbers=(),
        applicant="LINDQVIST, KEISHA",
        injuries=(Injury(type="cumulative", start="2016-01-30", end=None),),
    )
    keys = _keys(numbered, loose)
    assert keys[loose.source.sha256] == "ADJ7310078"


def test_never_by_name_alone() -> None:
    numbered = make_record("n")
    other_date = make_record("o", numbers=(), injuries=(Injury(type="specific", start="2021-03-03"),))
    no_date = make_record("x", numbers=(), injuries=())
    keys = _keys(numbered, other_date, no_date)
    assert keys[other_date.source.sha256] == "applicant:keisha lindqvist:2021-03-03"
    assert keys[no_date.source.sha256] == f"document:{no_date.source.sha256}"
    assert len(set(keys.values())) == 3


def test_two_loose_reports_form_a_case_keyed_by_name_and_date() -> None:
    a = make_record("a", numbers=(), injuries=(Injury(type="specific", start="2021-03-03"),))
    b = make_record(
        "b", numbers=(), applicant="keisha lindqvist", injuries=(Injury(type="specific", start="2021-03-03"),)
    )
    keys = _keys(a, b)
    assert keys[a.source.sha256] == keys[b.source.sha256] == "applicant:keisha lindqvist:2021-03-03"


def test_numbered_reports_never_join_each_other_by_name() -> None:
    a = make_record("a", numbers=("ADJ1000000",))
    b = make_record("b", numbers=("ADJ2000000",))
    keys = _keys(a, b)
    assert keys[a.source.sha256] != keys[b.source.sha256]


def test_an_ocr_copy_that_lost_a_value_is_the_same_report() -> None:
    digital = make_record("pdf", impairments=(("foot", "right", 2), ("knee", "left", 5)), combined=7)
    fax = make_record("fax", impairments=(("foot", "right", 2),), combined=None, ocr=True)
    assert same_report(fingerprint(digital), fingerprint(fax))
    assert same_report(fingerprint(fax), fingerprint(digital))


def test_different_findings_or_dates_are_different_reports() -> None:
    base = fingerprint(make_record("a"))
    assert not same_report(base, fingerprint(make_record("b", impairments=(("foot", "right", 3),))))
    assert not same_report(base, fingerprint(make_record("c", report_date="2020-07-01")))
    assert not same_report(base, fingerprint(make_record("d", evaluator="John Smith, M.D.")))
    assert not same_report(base, fingerprint(make_record("e", report_date=None)))  # one side missing
    assert not same_report(base, fingerprint(make_record("f", kind="PTP")))


def test_none_matches_none_only_when_the_other_fields_agree() -> None:
    a = fingerprint(make_record("a", report_date=None))
    assert same_report(a, fingerprint(make_record("b", report_date=None)))
    bare = fingerprint(make_record("c", report_date=None, exam=None))
    assert not same_report(bare, fingerprint(make_record("d", report_date=None, exam=None)))


def test_findings_must_share_a_decisive_value() -> None:
    empty = fingerprint(make_record("a", mmi=("not_stated", None), impairments=()))
    assert not same_report(empty, fingerprint(make_record("b", mmi=("not_stated", None), impairments=())))


def test_duplicate_groups_close_transitively() -> None:
    a = make_record("a", impairments=(("foot", "right", 2), ("knee", "left", 5)))
    b = make_record("b", impairments=(("foot", "right", 2),), ocr=True)
    c = make_record("c", impairments=(("knee", "left", 5),), ocr=True, mmi=("not_stated", None))
    d = make_record("d", exam="2021-01-01", report_date="2021-01-10")
    groups = duplicate_groups([(r.source.sha256, fingerprint(r)) for r in (a, b, c, d)])
    assert groups == [[a.source.sha256, b.source.sha256, c.source.sha256], [d.source.sha256]]


def test_the_store_keeps_the_case_index_up_to_date(store: Store) -> None:
    a = make_record("a", numbers=("ADJ2000000",))
    store.save_record(a, "run1")
    assert [r["case_key"] for r in store.case_index()] == ["ADJ2000000"]
    b = make_record("b", numbers=("ADJ1000000", "ADJ2000000"), exam="2020-07-01")  # another report
    store.save_record(b, "run1")
    rows = {r["sha256"]: r for r in store.case_index()}
    assert rows[a.source.sha256]["case_key"] == rows[b.source.sha256]["case_key"] == "ADJ1000000"
    assert rows[b.source.sha256]["applicant"] == "keisha lindqvist"
    assert rows[b.source.sha256]["injury_dates"] == ["2016-01-30", "2018-08-04"]
    # A reviewer's correction moves the report out of the case; both documents keep their records.
    corrected = b.model_copy(deep=True)
    corrected.claim.case_numbers = ["ADJ1000000"]
    store.save_review_version(b.source.sha256, corrected, "ready", "run1", "reviewer", [("corrected", None)])
    rows = {r["sha256"]: r for r in store.case_index()}
    assert rows[a.source.sha256]["case_key"] == "ADJ2000000"
    assert rows[b.source.sha256]["case_key"] == "ADJ1000000"


def test_the_index_is_rebuilt_for_an_existing_database(store: Store) -> None:
    from sqlalchemy import delete

    from pipeline.operations.store import CaseIndexRow

    store.save_record(make_record("a"), "run1")
    store.save_record(make_record("b", numbers=()), "run1")
    with store._session() as s:  # a database from before the case index
        s.execute(delete(CaseIndexRow))
    rows = store.case_index()
    assert len(rows) == 2 and {r["case_key"] for r in rows} == {"ADJ7310078"}


def test_a_failing_index_never_loses_the_record(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(sha256: str) -> None:
        raise RuntimeError("Keisha Lindqvist")  # a message with PHI must not reach the log

    monkeypatch.setattr(store, "update_case_index", broken)
    saved = store.save_record(make_record("a"), "run1")
    assert saved.created and store.latest_record(make_record("a").source.sha256) is not None
    store.set_review_status(saved.stored.id, "approved", "reviewer", "approved", None)
    assert "case index not updated" in caplog.text and "Keisha" not in caplog.text


def test_a_name_never_merges_two_numbered_cases() -> None:
    a = make_record("a", numbers=("ADJ1000000",))
    b = make_record("b", numbers=("ADJ2000000",))
    loose = make_record("l", numbers=())
    keys = _keys(a, b, loose)
    assert keys[a.source.sha256] == "ADJ1000000" and keys[b.source.sha256] == "ADJ2000000"
    assert keys[loose.source.sha256] == "applicant:keisha lindqvist:2016-01-30"


def _progress(texts: list[str]) -> Fingerprint:
    """A progress report that rates nothing: only what it quotes tells two of them apart."""
    signature, size = text_signature(texts)
    return Fingerprint(
        type="PTP",
        evaluator="roe",
        exam_date="2022-03-07",
        report_date="2022-04-05",
        mmi_status="not_reached",
        mmi_date=None,
        impairments=(),
        combined_wpi=None,
        text=signature,
        text_size=size,
    )


PROGRESS = [
    "No repetitive pinching with the left thumb. No lifting over 30 pounds.",
    "Refill medications; home exercise program. Return in six weeks for re-evaluation of the thumb.",
    "Dr. Northcutt found the applicant permanent and stationary on 06/22/2014 with 14% WPI for the left thumb.",
    "Apportioned 10% to nonindustrial factors after review of the prior MRI of the left hand and wrist.",
]


def test_reports_that_rate_nothing_are_the_same_when_what_they_quote_agrees() -> None:
    original = _progress(PROGRESS)
    # A fax of it: two sentences run together, a few words misread, one sentence lost.
    fax = _progress([PROGRESS[0] + " " + PROGRESS[1].replace("medications", "medicat1ons"), PROGRESS[2]])
    other = _progress(
        [
            "Continue modified duty with no overhead reaching. Physical therapy twice a week for four weeks.",
            "The patient reports improved grip strength and less pain at night since the last visit.",
        ]
    )
    assert same_report(original, fax)
    assert not same_report(original, other)
    assert text_containment(original, fax) >= 0.5 > text_containment(original, other)


def _born(record: ReportRecord, day: str | None) -> ReportRecord:
    return record.model_copy(update={"claim": record.claim.model_copy(update={"date_of_birth": day})})


def test_a_report_without_a_number_joins_by_name_and_date_of_birth() -> None:
    numbered = _born(make_record("n"), "1979-08-12")
    loose = _born(make_record("l", numbers=(), injuries=()), "1979-08-12")
    other = _born(make_record("o", numbers=(), injuries=()), "1980-01-01")  # the same name, someone else
    keys = _keys(numbered, loose, other)
    assert keys[loose.source.sha256] == "ADJ7310078"
    assert keys[other.source.sha256] == "applicant:keisha lindqvist:born 1980-01-01"


def test_a_case_index_from_an_earlier_medlegal_is_rebuilt(tmp_path: Path) -> None:
    """The case index is derived: a table of another shape is dropped and filled again from the records."""
    import sqlite3

    home = Home(tmp_path / "old").ensure()
    url = database_url(home, None)
    first = Store(url)
    first.start_run("run1", "test", socket.gethostname(), 1, "1")
    first.save_record(make_record("a"), "run1")
    path = url.removeprefix("sqlite:///")
    _ENGINES.clear()  # a new process
    with sqlite3.connect(path) as db:  # the shape of the first case index (no birth_date)
        db.execute("ALTER TABLE case_index DROP COLUMN birth_date")
    rows = Store(url).case_index()
    assert [r["case_key"] for r in rows] == ["ADJ7310078"] and rows[0]["birth_date"] is None


def test_a_fax_whose_case_number_was_misread_is_still_in_its_case() -> None:
    """The same report (evaluator, dates, findings) is one case whatever number OCR read; two workers whom
    one doctor saw on the same day with the same rating are not."""
    original = make_record("pdf")
    fax = make_record("fax", numbers=("ADJ7319078",), applicant="Keisha Lindqvlst", ocr=True)
    namesake = make_record("other", numbers=("ADJ5550001",), applicant="Marcus Oyelaran")
    items = [(r.source.sha256, case_keys(r)) for r in (original, fax, namesake)]
    prints = {r.source.sha256: fingerprint(r) for r in (original, fax, namesake)}
    keys = group_cases(items, prints)
    assert keys[fax.source.sha256] == keys[original.source.sha256] == "ADJ7310078"
    assert keys[namesake.source.sha256] == "ADJ5550001"
    assert group_cases(items)[fax.source.sha256] == "ADJ7319078"  # by the keys alone, apart


def test_a_cases_represented_setting_follows_it_when_its_key_changes(store: Store) -> None:
    store.save_record(make_record("a", numbers=("ADJ2000000",)), "run1")
    store.set_represented("ADJ2000000", False, "Pat")
    # A new report carries a smaller number as well: the case is now keyed ADJ1000000.
    store.save_record(make_record("b", numbers=("ADJ1000000", "ADJ2000000"), exam="2020-07-01"), "run1")
    assert {r["case_key"] for r in store.case_index()} == {"ADJ1000000"}
    assert store.represented("ADJ1000000") is False
