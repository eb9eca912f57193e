"""Export from the review app: the Export page's buttons write the same files as `medlegal export`, with
every field a spreadsheet user expects, send them as downloads and mark the records exported."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from models.record import (
    Apportionment,
    Claim,
    CombinedWpi,
    Evaluator,
    Evidence,
    FutureMedical,
    Impairment,
    Injury,
    Mmi,
    Report,
    ReportRecord,
    Source,
    WorkRestriction,
)
from models.settings import Settings
from pipeline.cli import main
from pipeline.operations.export import CSV_COLUMNS
from pipeline.operations.store import Store
from tests.support.web import csrf_of

LOCAL = "http://127.0.0.1"
SHA = "a" * 64
OTHER = "b" * 64


def _seed(store: Store, sha: str, *, approve: bool = True) -> None:
    store.start_run(f"seed-{sha[:8]}", "test", "host", 1, "1")
    ev = Evidence(page=2, text="the sentence", bbox=[72, 100, 300, 112])
    record = ReportRecord(
        source=Source(filename=f"qme-{sha[:4]}.pdf", sha256=sha, media_type="application/pdf", page_count=2),
        report=Report(
            type="PTP",
            exam_date="2024-06-10",
            report_date="2024-06-20",
            evaluator=Evaluator(name="Dr. Quinn Evans", specialty="Orthopaedic Surgery"),
        ),
        claim=Claim(
            applicant="Raymond Abernathy",
            case_numbers=["ADJ7616449"],
            injuries=[Injury(type="cumulative", start="2021-01-01", end="2022-05-04")],
        ),
        mmi=Mmi(status="reached", date="2024-06-10", evidence=ev, confidence=0.9),
        impairments=[
            Impairment(body_part="lumbar spine", wpi=10, evidence=ev, confidence=0.9),
            Impairment(body_part="knee", laterality="right", wpi=18.0, evidence=ev, confidence=0.9),
        ],
        combined_wpi=CombinedWpi(value=26, evidence=ev),
        apportionment=[Apportionment(industrial_pct=80, nonindustrial_pct=20, evidence=ev)],
        work_restrictions=[
            WorkRestriction(text="No lifting over 20 pounds", evidence=ev),
            WorkRestriction(text="No repetitive bending", evidence=ev),
        ],
        future_medical=FutureMedical(provided=True, text="orthopaedic follow-up", evidence=ev),
        rules_version="1",
    )
    stored = store.save_record(record, f"seed-{sha[:8]}").stored
    if approve:
        store.set_review_status(stored.id, "approved", "Pat Reviewer", "approved", None)


def test_the_export_button_downloads_a_csv_with_every_field_as_a_spreadsheet_expects(
    client: TestClient, store: Store
) -> None:
    _seed(store, SHA)
    _seed(store, OTHER, approve=False)
    page = client.get("/export").text
    assert "qme-aaaa.pdf" in page and "qme-bbbb.pdf" not in page  # only approved records wait
    assert 'id="export-csv"' in page

    r = client.post("/export", data={"csrf": csrf_of(client, "/export"), "format": "csv"})
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith('attachment; filename="export-')
    assert r.headers["content-type"].startswith("text/csv")
    [row] = list(csv.DictReader(io.StringIO(r.text)))
    assert list(row) == CSV_COLUMNS
    assert row["approved_by"] == "Pat Reviewer"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", row["approved_at"])
    assert row["exam_date"] == "2024-06-10" and row["report_date"] == "2024-06-20"
    assert row["future_medical"] == "yes" and row["supplemental"] == "no"
    assert row["mmi_status"] == "reached"
    assert row["impairments"] == "lumbar spine 10% WPI; right knee 18% WPI"
    assert row["combined_wpi"] == "26"
    assert row["apportionment"] == "overall: 80% industrial / 20% non-industrial"
    assert row["work_restrictions"] == "No lifting over 20 pounds; No repetitive bending"
    assert row["injuries"] == "cumulative 2021-01-01 to 2022-05-04"
    assert row["received"]  # the day the file was first seen, at least
    assert re.match(r"\d{4}-\d\d-\d\d \(", row["objection_deadline"])
    assert "LC 4062" in row["deadlines"]
    for value in row.values():  # no Python reprs
        assert value not in ("True", "False", "None") and "[" not in value

    # Marked: the queue shows it exported, and the next export has nothing left.
    assert {d["sha256"]: d["exported"] for d in store.documents_overview()} == {SHA: True, OTHER: False}
    page = client.get("/export").text
    assert "Every approved record has been exported" in page
    assert re.search(r'href="/export/files/(export-[^"]+\.csv)"', page)
    again = client.post("/export", data={"csrf": csrf_of(client, "/export"), "format": "csv"})
    assert again.status_code == 200 and "Nothing to export" in again.text


def test_the_jsonl_download_is_the_file_the_command_line_writes(
    client: TestClient, store: Store, web_settings: Settings
) -> None:
    _seed(store, SHA)
    r = client.post("/export", data={"csrf": csrf_of(client, "/export"), "format": "jsonl"})
    assert r.status_code == 200
    name = re.search(r'filename="([^"]+)"', r.headers["content-disposition"])
    assert name
    written = Path(web_settings.home) / "outbox" / name.group(1)
    assert written.read_bytes() == r.content
    [line] = [json.loads(x) for x in r.text.splitlines()]
    assert line["record_id"] == SHA and line["approved_by"] == "Pat Reviewer"
    assert line["record"]["work_restrictions"][0]["text"] == "No lifting over 20 pounds"
    assert any(d["rule"].startswith("LC 4062") for d in line["deadlines"])

    again = client.get(f"/export/files/{name.group(1)}")
    assert again.status_code == 200 and again.content == r.content
    assert client.get("/export/files/..%2Fmedlegal.db").status_code == 404
    assert client.get("/export/files/medlegal.db").status_code == 404


def test_the_command_line_writes_the_same_columns(
    store: Store, web_settings: Settings, tmp_path: Path
) -> None:
    _seed(store, SHA)
    out = tmp_path / "out.csv"
    assert main(["export", "--home", str(web_settings.home), "--format", "csv", "--out", str(out)]) == 0
    [row] = list(csv.DictReader(out.open()))
    assert list(row) == CSV_COLUMNS and row["future_medical"] == "yes"


def test_the_export_post_needs_the_csrf_token_and_marks_nothing_without_it(
    client: TestClient, store: Store
) -> None:
    _seed(store, SHA)
    r = client.post("/export", data={"csrf": "forged", "format": "csv"})
    assert r.status_code == 403
    assert not any(d["exported"] for d in store.documents_overview())
    assert (
        client.post("/export", data={"csrf": csrf_of(client, "/export"), "format": "xls"}).status_code == 400
    )
