"""The review flow and the page viewer through the real app (TestClient, real SQLite): every decisive field
corrected with an audit trail, errors beside their fields with every edit kept, stale versions, flags a
correction resolves, save and approve, approve and next, page turns, find and the original file."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from models.record import (
    Apportionment,
    Claim,
    CombinedWpi,
    Evidence,
    Flag,
    FutureMedical,
    Impairment,
    Injury,
    Mmi,
    Report,
    ReportRecord,
    Review,
    Source,
    WorkRestriction,
)
from models.settings import Settings
from pipeline.operations.home import Home
from pipeline.operations.store import Store
from tests.support.web import csrf_of
from web.records import apply_corrections, plain_message, row_key

LOCAL = "http://127.0.0.1"


def full_record(sha: str, *, applicant: str = "Raymond Abernathy", pages: int = 2) -> ReportRecord:
    """A record with every decisive field, two pages of evidence, and the flags a paralegal meets."""
    return ReportRecord(
        source=Source(filename="ame_008.pdf", sha256=sha, media_type="application/pdf", page_count=pages),
        report=Report(type="AME", report_date="2025-04-02", exam_date="2025-03-20"),
        claim=Claim(
            applicant=applicant,
            case_numbers=["ADJ7616449"],
            claim_numbers=["05-123456"],
            injuries=[Injury(type="cumulative", start="2019-01-01", end="2020-06-30")],
        ),
        mmi=Mmi(
            status="reached",
            date="2025-03-20",
            evidence=Evidence(page=1, text="She has reached MMI.", bbox=[72, 120, 300, 132]),
            confidence=0.95,
        ),
        impairments=[
            Impairment(
                body_part="lumbar spine",
                wpi=8,
                evidence=Evidence(page=2, text="8% WPI for the lumbar spine.", bbox=[72, 200, 320, 212]),
                confidence=0.7,
            ),
            Impairment(
                body_part="knee",
                laterality="left",
                wpi=4,
                evidence=Evidence(page=2, text="4% WPI left knee.", bbox=[72, 230, 260, 242]),
                confidence=0.9,
            ),
        ],
        combined_wpi=CombinedWpi(value=12, evidence=Evidence(page=2, text="12% WPI combined.", bbox=None)),
        apportionment=[Apportionment(body_part="lumbar spine", industrial_pct=80, nonindustrial_pct=20)],
        work_restrictions=[
            WorkRestriction(text="Preclusions / Work Restrictions"),
            WorkRestriction(text="No lifting"),
        ],
        future_medical=FutureMedical(provided=True, text="Physical therapy"),
        review=Review(
            flags=[
                Flag.of(
                    "LOW_CONFIDENCE",
                    "impairments[0].wpi",
                    "confidence 0.70 is below the review threshold 0.80",
                ),
                Flag.of(
                    "LOW_CONFIDENCE",
                    "impairments[0].wpi",
                    "confidence 0.70 is below the review threshold 0.80",
                ),
                Flag.of(
                    "WPI_AMBIGUOUS",
                    "impairments[1].wpi",
                    "knee: several WPI values ([10, 18]) with no clear adoption",
                ),
                Flag.of("COMBINED_WPI_MISMATCH", "combined_wpi", "stated 12% but the chart gives 12%"),
            ]
        ),
        rules_version="1",
    )


def seed(store: Store, record: ReportRecord) -> None:
    run_id = f"seed-{uuid.uuid4().hex[:8]}"
    store.start_run(run_id, "test", "host", os.getpid(), "1")
    store.save_record(record, run_id)


def archived_pdf(home: Path, text: list[str]) -> tuple[str, Path]:
    """A PDF with one line of text per page, in the home's archive: its sha256 and path."""
    archive = home / "archive"
    archive.mkdir(parents=True, exist_ok=True)
    tmp = archive / f"tmp-{uuid.uuid4().hex}.pdf"
    c = canvas.Canvas(str(tmp), pagesize=letter)
    for line in text:
        c.drawString(72, 700, line)
        c.showPage()
    c.save()
    sha = hashlib.sha256(tmp.read_bytes()).hexdigest()
    path = archive / f"{sha[:8]}-ame_008.pdf"
    tmp.rename(path)
    return sha, path


@pytest.fixture
def sha(store: Store) -> str:
    sha = "d" * 64
    seed(store, full_record(sha))
    return sha


def post_edit(client: TestClient, sha: str, version: int = 1, **data: str) -> Any:
    form = {"csrf": csrf_of(client, f"/doc/{sha}"), "version": str(version), **data}
    return client.post(f"/doc/{sha}/edit", data=form, follow_redirects=False)


def latest(store: Store, sha: str) -> ReportRecord:
    return store.record_versions(sha)[-1].record()


def notes(store: Store, sha: str, action: str = "corrected") -> list[dict[str, Any]]:
    return [json.loads(e["note"]) for e in store.document_events(sha) if e["action"] == action]


VALID = [
    (
        {"case_numbers": "ADJ7616449, adj1234567"},
        lambda r: r.claim.case_numbers == ["ADJ7616449", "adj1234567"],
    ),
    ({"claim_numbers": "05-123456; 77-1"}, lambda r: r.claim.claim_numbers == ["05-123456", "77-1"]),
    ({"report_date": "04/03/2025"}, lambda r: r.report.report_date == "2025-04-03"),
    ({"exam_date": "2025-03-21"}, lambda r: r.report.exam_date == "2025-03-21"),
    ({"mmi_date": "2025-03-22", "mmi_status": "reached"}, lambda r: r.mmi.date == "2025-03-22"),
    ({"mmi_status": "not_reached"}, lambda r: r.mmi.status == "not_reached"),
    ({"applicant": "Raymond  J. Abernathy"}, lambda r: r.claim.applicant == "Raymond J. Abernathy"),
    (
        {"inj-0-type": "specific", "inj-0-start": "2020-06-30", "inj-0-end": ""},
        lambda r: [(i.type, i.start, i.end) for i in r.claim.injuries] == [("specific", "2020-06-30", None)],
    ),
    ({"inj-0-remove": "1"}, lambda r: r.claim.injuries == []),
    ({"new-inj-type": "specific", "new-inj-start": "2021-02-03"}, lambda r: len(r.claim.injuries) == 2),
    (
        {"imp-0-wpi": "9", "imp-0-laterality": "left"},
        lambda r: (r.impairments[0].wpi, r.impairments[0].laterality) == (9, "left"),
    ),
    ({"imp-1-remove": "1"}, lambda r: [i.body_part for i in r.impairments] == ["lumbar spine"]),
    ({"new-body_part": "cervical spine", "new-wpi": "5"}, lambda r: r.impairments[2].wpi == 5),
    ({"combined_wpi": "13"}, lambda r: r.combined_wpi.value == 13),
    ({"combined_wpi": ""}, lambda r: r.combined_wpi.value is None),
    (
        {"ap-0-industrial": "70", "ap-0-nonindustrial": "30"},
        lambda r: (r.apportionment[0].industrial_pct, r.apportionment[0].nonindustrial_pct) == (70, 30),
    ),
    ({"ap-0-remove": "1"}, lambda r: r.apportionment == []),
    (
        {
            "new-ap-body_part": "knee",
            "new-ap-laterality": "left",
            "new-ap-industrial": "100",
            "new-ap-nonindustrial": "0",
        },
        lambda r: r.apportionment[1].laterality == "left" and r.apportionment[1].industrial_pct == 100,
    ),
    ({"wr-0-remove": "1"}, lambda r: [w.text for w in r.work_restrictions] == ["No lifting"]),
    (
        {"wr-1-text": "No lifting over 20 pounds"},
        lambda r: r.work_restrictions[1].text == "No lifting over 20 pounds",
    ),
    (
        {"new-wr-text": "No kneeling\nNo climbing"},
        lambda r: [w.text for w in r.work_restrictions][2:] == ["No kneeling", "No climbing"],
    ),
    ({"fm_provided": "no"}, lambda r: r.future_medical.provided is False),
    ({"fm_provided": ""}, lambda r: r.future_medical.provided is None),
    ({"fm_text": "Injections"}, lambda r: r.future_medical.text == "Injections"),
]


@pytest.mark.parametrize(("data", "check"), VALID, ids=[",".join(d) for d, _ in VALID])
def test_every_decisive_field_is_corrected_with_an_audit_trail(
    client: TestClient, store: Store, sha: str, data: dict[str, str], check: Any
) -> None:
    client.post("/reviewer", data={"csrf": csrf_of(client, "/"), "name": "Pat"})
    assert post_edit(client, sha, **data).status_code == 303
    record = latest(store, sha)
    assert check(record)
    assert [v.version for v in store.record_versions(sha)] == [1, 2]
    events = [e for e in store.document_events(sha) if e["action"] in ("corrected", "added", "removed")]
    assert events and all(e["actor"] == "Pat" for e in events)
    html = client.get(f"/doc/{sha}").text
    assert "→" in html  # the audit trail on the page


INVALID = [
    ("report_date", "2025-13-01", "not a date"),
    ("exam_date", "yesterday", "not a date"),
    ("mmi_date", "1/2/0200", "YYYY-MM-DD"),
    ("case_numbers", "ADJ 12<>", "is not a case number"),
    ("inj-0-end", "2018-01-01", "before the start"),
    ("inj-0-start", "", "give the date of injury"),
    ("imp-0-wpi", "abc", "must be a number"),
    ("imp-0-wpi", "120", "from 0 to 100"),
    ("imp-0-body_part", "", "name the body part"),  # keeps the old part: an empty box is "unchanged"
    ("combined_wpi", "-3", "from 0 to 100"),
    ("ap-0-nonindustrial", "30", "add up to 110%"),
    ("wr-1-text", "", "tick Remove"),
    ("fm_provided", "maybe", "choose yes, no or not addressed"),
]


@pytest.mark.parametrize(("name", "value", "message"), INVALID, ids=[f"{n}={v}" for n, v, _ in INVALID])
def test_an_invalid_value_is_shown_beside_its_field_and_every_edit_is_kept(
    client: TestClient, store: Store, sha: str, name: str, value: str, message: str
) -> None:
    r = post_edit(client, sha, **{"applicant": "Kept Edit", "fm_text": "Kept care", name: value})
    if name == "imp-0-body_part":  # an emptied body part keeps the part it had: nothing to refuse
        assert r.status_code == 303
        return
    assert r.status_code == 422
    assert "Something needs attention" not in r.text
    error = re.search(rf'<span class="field-error" id="err-{re.escape(name)}">([^<]*)</span>', r.text)
    assert error and message in error.group(1), r.text[-3000:]
    assert f'id="in-{name}"' in r.text and f'aria-describedby="err-{name}"' in r.text
    assert 'value="Kept Edit"' in r.text and ">Kept care</textarea>" in r.text
    if not name.startswith("fm_provided"):  # a choice that is not an option cannot be shown again
        assert f'value="{html.escape(value)}"' in r.text or f">{html.escape(value)}</textarea>" in r.text
    assert [v.version for v in store.record_versions(sha)] == [1]


def test_a_stale_version_keeps_the_edits_and_links_to_the_newer_one(
    client: TestClient, store: Store, sha: str
) -> None:
    assert post_edit(client, sha, **{"imp-0-wpi": "9"}).status_code == 303
    r = post_edit(client, sha, version=1, **{"imp-0-wpi": "11", "applicant": "Other Name"})
    assert r.status_code == 409
    assert "you looked at v1, the latest is v2" in r.text and "Nothing was saved" in r.text
    assert 'value="11"' in r.text and 'value="Other Name"' in r.text
    assert f'href="/doc/{sha}" id="open-latest"' in r.text
    assert latest(store, sha).impairments[0].wpi == 9


def test_a_correction_resolves_its_flag_and_the_audit_keeps_it(
    client: TestClient, store: Store, sha: str
) -> None:
    page = client.get(f"/doc/{sha}").text
    assert page.count("Not sure of this value") == 1  # the flag stored twice is listed once
    assert "([10, 18])" not in page and "(10 and 18)" in page
    assert 'title="LOW_CONFIDENCE"' in page  # the code in a tooltip
    assert post_edit(client, sha, **{"imp-0-wpi": "9", "imp-1-remove": ""}).status_code == 303
    record = latest(store, sha)
    assert [f.code for f in record.review.flags] == ["WPI_AMBIGUOUS", "COMBINED_WPI_MISMATCH"]
    resolved = notes(store, sha, "resolved")
    assert resolved[0]["flag"] == "LOW_CONFIDENCE" and resolved[0]["field"] == "impairments[0].wpi"
    assert {"field": "impairments[0].wpi", "from": 8, "to": 9} in notes(store, sha)
    page = client.get(f"/doc/{sha}?field=impairments.0").text
    card = page.split('id="field-impairments.0"')[1].split('id="field-impairments.1"')[0]
    assert "Not sure of this value" not in card and "confidence" not in card
    assert "corrected by a reviewer" in card
    assert "Impairment 1: WPI: 8 → 9" in page


def test_removing_an_item_moves_the_flags_of_the_items_after_it(store: Store, sha: str) -> None:
    record = latest(store, sha)
    corrected = apply_corrections(record, {"imp-0-remove": "1"})
    assert not corrected.errors
    assert [(f.code, f.field) for f in corrected.record.review.flags] == [
        ("WPI_AMBIGUOUS", "impairments[0].wpi"),
        ("COMBINED_WPI_MISMATCH", "combined_wpi"),
    ]
    assert row_key("claim.injuries[0].start") == "claim.injuries"
    assert plain_message("dates: ['2025-01-01', '2025-02-01']") == "dates: 2025-01-01 and 2025-02-01"


def test_the_record_opens_on_its_first_flagged_value_in_plain_english(client: TestClient, sha: str) -> None:
    page = client.get(f"/doc/{sha}").text
    assert 'class="field selected flagged" id="field-impairments.0"' in page
    assert 'data-selected="impairments.0"' in page
    assert ">Needs review</span>" in page and 'title="needs_review"' in page
    assert "MMI reached (P&amp;S) on 2025-03-20" in page
    assert "not_stated" not in page.split('id="values"')[1].split("</form>")[0].split('id="edit"')[0]


def test_save_and_approve_stays_on_the_record(client: TestClient, store: Store, sha: str) -> None:
    r = post_edit(client, sha, then="approve", comment="checked", **{"combined_wpi": "12"})
    assert r.status_code == 303 and r.headers["location"] == f"/doc/{sha}"
    stored = store.record_versions(sha)[-1]
    assert stored.version == 1 and stored.review_status == "approved"  # nothing changed: no new version
    r = post_edit(client, sha, then="approve", **{"combined_wpi": "13"})
    stored = store.record_versions(sha)[-1]
    assert stored.version == 2 and stored.review_status == "approved"
    assert [e["note"] for e in store.document_events(sha) if e["action"] == "approved"] == ["checked", None]


def test_approve_and_next_opens_the_next_record_of_the_view(
    client: TestClient, store: Store, sha: str
) -> None:
    newer = "e" * 64
    seed(store, full_record(newer, applicant="Jane Roe"))  # received later: first in the view (newest first)
    view = "view=needs_review&q=a"
    r = post_edit(client, newer, then="next", **{"from": view})
    assert r.status_code == 303
    assert r.headers["location"] == f"/doc/{sha}?from=view%3Dneeds_review%26q%3Da"
    assert store.record_versions(newer)[-1].review_status == "approved"
    page = client.get(r.headers["location"]).text
    assert 'name="from" value="view=needs_review&amp;q=a"' in page
    assert 'href="/?view=needs_review&amp;q=a" id="back-to-queue"' in page
    r = client.get(f"/doc/{newer}/next", params={"from": view}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/doc/{sha}?from=view%3Dneeds_review%26q%3Da"
    # The last one of the view: back on the queue with its filter.
    csrf = csrf_of(client, f"/doc/{sha}")
    r = client.post(
        f"/doc/{sha}/approve",
        data={"csrf": csrf, "version": "1", "next": "1", "from": view},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/?view=needs_review&q=a"
    assert store.record_versions(sha)[-1].review_status == "approved"


def test_the_viewer_turns_pages_finds_text_and_offers_the_original(
    client: TestClient, store: Store, web_settings: Settings
) -> None:
    home = Home(web_settings.home).ensure()
    sha, path = archived_pdf(home.root, ["Applicant Raymond Abernathy", "8% WPI for the lumbar spine."])
    seed(store, full_record(sha))
    store.start_run("intake-run", "test", "host", os.getpid(), "1")
    store.add_intake("intake-run", "ame_008.pdf", sha, "processed", stored_as=str(path))

    page = client.get(f"/doc/{sha}").text
    assert f'src="/doc/{sha}/page/2.png" id="page-img"' in page  # the flagged value's page
    assert len(re.findall(r'class="thumb[ "]', page)) == 2

    one = client.get(f"/doc/{sha}/page/1.json").json()
    assert one["image"] == f"/doc/{sha}/page/1.png" and [b["key"] for b in one["boxes"]] == ["mmi"]
    two = client.get(f"/doc/{sha}/page/2.json", params={"field": "impairments.1"}).json()
    assert [(b["key"], b["selected"]) for b in two["boxes"]] == [
        ("impairments.0", False),
        ("impairments.1", True),
    ]
    assert client.get(f"/doc/{sha}/page/3.json").status_code == 404
    assert client.get(f"/doc/{sha}/page/2.png").headers["content-type"] == "image/png"

    found = client.get(f"/doc/{sha}/find", params={"q": "lumbar  SPINE"}).json()
    assert found["text_layer"] is True
    [hit] = found["hits"]
    assert (
        hit["page"] == 2 and 0 < hit["left"] < 50 and 0 < hit["top"] < 20 and "lumbar spine" in hit["snippet"]
    )
    assert client.get(f"/doc/{sha}/find", params={"q": "nowhere"}).json()["hits"] == []

    original = client.get(f"/doc/{sha}/original")
    assert original.status_code == 200 and original.content == path.read_bytes()
    assert original.headers["content-type"] == "application/pdf"
    assert original.headers["content-disposition"].startswith("attachment;")
    assert "ame_008.pdf" in original.headers["content-disposition"]


def test_without_the_original_there_is_no_viewer_download_or_find(client: TestClient, sha: str) -> None:
    assert client.get(f"/doc/{sha}/original").status_code == 404
    assert client.get(f"/doc/{sha}/find", params={"q": "x"}).status_code == 404
    assert client.get(f"/doc/{sha}/page/1.json").json()["image"] is None
    assert 'id="original"' not in client.get(f"/doc/{sha}").text
    assert client.get(f"/doc/{'0' * 64}/original").status_code == 404


def test_approve_and_next_from_no_view_goes_on_through_needs_review(
    client: TestClient, store: Store, sha: str
) -> None:
    r = post_edit(client, sha, then="next")
    assert r.status_code == 303 and r.headers["location"] == "/?view=needs_review"
    assert store.record_versions(sha)[-1].review_status == "approved"


def test_a_rejection_without_a_reason_asks_for_it_beside_the_field(
    client: TestClient, store: Store, sha: str
) -> None:
    csrf = csrf_of(client, f"/doc/{sha}")
    r = client.post(f"/doc/{sha}/reject", data={"csrf": csrf, "version": "1", "comment": " "})
    assert r.status_code == 400 and "Something needs attention" not in r.text
    assert '<span class="field-error" id="err-reject">say why the record is rejected</span>' in r.text
    assert store.record_versions(sha)[-1].review_status == "needs_review"


def test_corrections_drop_control_and_bidi_characters_and_are_capped(
    client: TestClient, store: Store, sha: str
) -> None:
    """A name with a terminal escape and a right-to-left override is stored without them; one far too
    long is an error beside the field, the other edits kept (issue 21)."""
    csrf = csrf_of(client, f"/doc/{sha}")
    version = str(store.record_versions(sha)[-1].version)
    r = client.post(
        f"/doc/{sha}/edit",
        data={
            "csrf": csrf,
            "version": version,
            "applicant": "Ray\x1b[31mmond\u202e Abernathy",
            "then": "save",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert store.record_versions(sha)[-1].record().claim.applicant == "Raymond Abernathy"
    version = str(store.record_versions(sha)[-1].version)
    r = client.post(
        f"/doc/{sha}/edit",
        data={
            "csrf": csrf,
            "version": version,
            "applicant": "A" * 500,
            "claim_numbers": "CLM-9",
            "then": "save",
        },
    )
    assert r.status_code == 422
    assert "at most 200 characters" in r.text and 'value="CLM-9"' in r.text
