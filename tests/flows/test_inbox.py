"""The nightly inbox flow and the on-demand flow on real Prefect, real SQLite and real files."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.client.schemas.objects import FlowRun

import pipeline.operations.batch
from flows.inbox import nightly_inbox
from flows.on_demand import process_report
from flows.tasks import HIDDEN
from models.settings import Settings
from pipeline.errors import ExitCode
from pipeline.operations.home import Home
from pipeline.operations.store import Store, database_url
from tests.support import faults, inputs
from tests.support.batch import files_in, make_inbox, report_pages


def _store(settings: Settings) -> Store:
    home = Home(settings.home)
    return Store(database_url(home, None))


def test_nightly_inbox_archives_every_file_and_writes_records(flow_settings: Settings) -> None:
    home = Home(flow_settings.home).ensure()
    names = make_inbox(home.inbox, 3, scans=1)

    summary = nightly_inbox(progress=False)

    assert summary.counts["files"] == 4 and summary.counts["processed"] == 4, summary.outcomes
    assert files_in(home.inbox) == [] and files_in(home.processing) == []
    assert files_in(home.archive) == names
    for o in summary.outcomes:
        record = json.loads(Path(o.record_path or "").read_text())
        assert record["source"]["filename"] == o.filename and record["source"]["sha256"] == o.sha256
        assert Path(o.record_path or "").stat().st_mode & 0o777 == 0o600
    assert {o.pages for o in summary.outcomes} == {2}
    lines = summary.jsonl_path.read_text().splitlines()
    assert [json.loads(line)["filename"] for line in lines] == names
    rows = list(csv.DictReader(summary.csv_path.open()))
    assert [r["status"] for r in rows] == ["processed"] * 4
    assert _store(flow_settings).counts()["records"] == 4

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["medlegal-batch"]))
        )
    assert any(summary.run_id in str(a.data) for a in artifacts)


def test_content_dropped_again_is_a_duplicate_unless_reprocessed(flow_settings: Settings) -> None:
    home = Home(flow_settings.home).ensure()
    make_inbox(home.inbox, 2)
    first = nightly_inbox(progress=False)
    for o in first.outcomes:
        shutil.copyfile(o.stored_as, home.inbox / f"again_{o.filename}")

    again = nightly_inbox(progress=False)
    assert [o.status for o in again.outcomes] == ["duplicate", "duplicate"]
    assert _store(flow_settings).counts()["records"] == 2

    for o in first.outcomes:
        shutil.copyfile(o.stored_as, home.inbox / o.filename)
    forced = nightly_inbox(reprocess=True, progress=False)
    assert [(o.status, o.record_version) for o in forced.outcomes] == [("processed", 2), ("processed", 2)]
    # Nothing dropped was ever lost: six drops, six archived originals (clashing names suffixed).
    assert len(files_in(home.archive)) == 6


def test_bad_documents_are_quarantined_with_reasons_while_the_batch_completes(
    flow_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home = Home(flow_settings.home).ensure()
    make_inbox(home.inbox, 2)
    good = inputs.write_pdf(tmp_path / "src.pdf", [["A report page with enough text to read it."]])
    inputs.truncated(good, home.inbox / "corrupt.pdf", keep=0.5)
    inputs.encrypted_pdf(home.inbox / "encrypted.pdf")
    inputs.scanned_pdf(good, home.inbox / "slow_scan.pdf", seed=1, dpi=150)
    # The real engine in the worker processes, except that pages of slow_* files time out.
    monkeypatch.setattr(pipeline.operations.batch, "_process", faults.ocr_times_out)

    summary = nightly_inbox(progress=False)

    status = {o.filename: o.status for o in summary.outcomes}
    assert status == {
        "report_00.pdf": "processed",
        "report_01.pdf": "processed",
        "corrupt.pdf": "failed",
        "encrypted.pdf": "failed",
        "slow_scan.pdf": "failed",
    }
    assert sorted(files_in(home.quarantine)) == sorted(
        [
            f"{n}{ext}"
            for n in ("corrupt.pdf", "encrypted.pdf", "slow_scan.pdf")
            for ext in ("", ".error.json")
        ]
    )
    reasons = {
        n: json.loads((home.quarantine / f"{n}.error.json").read_text())
        for n in ("corrupt.pdf", "encrypted.pdf", "slow_scan.pdf")
    }
    assert reasons["corrupt.pdf"]["exit_code"] == ExitCode.CORRUPT_FILE
    assert reasons["encrypted.pdf"]["exit_code"] == ExitCode.ENCRYPTED_PDF
    assert reasons["slow_scan.pdf"]["exit_code"] == ExitCode.OCR_TIMEOUT
    assert reasons["slow_scan.pdf"]["stage"] == "ocr" and reasons["encrypted.pdf"]["stage"] == "read"
    assert all(r["message"] and r["sha256"] for r in reasons.values())
    failed = {
        i["filename"]: i["exit_code"] for i in _store(flow_settings).intakes() if i["status"] == "failed"
    }
    assert failed == {"corrupt.pdf": 13, "encrypted.pdf": 14, "slow_scan.pdf": 21}


def test_a_document_over_the_time_limit_is_quarantined(
    flow_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDLEGAL_DOCUMENT_TIMEOUT_S", "1")
    home = Home(flow_settings.home).ensure()
    make_inbox(home.inbox, 1)
    inputs.write_pdf(home.inbox / "slow_report.pdf", report_pages(5))
    monkeypatch.setattr(pipeline.operations.batch, "_process", faults.slow)
    summary = nightly_inbox(progress=False)
    status = {o.filename: (o.status, o.error.stage if o.error else None) for o in summary.outcomes}
    assert status == {"report_00.pdf": ("processed", None), "slow_report.pdf": ("failed", "timeout")}
    assert files_in(home.quarantine) == ["slow_report.pdf", "slow_report.pdf.error.json"]


def test_only_transient_errors_are_retried(flow_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    home = Home(flow_settings.home).ensure()
    inputs.write_pdf(home.inbox / "flaky.pdf", report_pages(1))
    inputs.write_pdf(home.inbox / "bug.pdf", report_pages(2))
    monkeypatch.setattr(pipeline.operations.batch, "_process", faults.flaky)
    summary = nightly_inbox(progress=False)
    assert Counter(name for name, _ in faults.notes(home.root, "calls")) == {"flaky.pdf": 2, "bug.pdf": 1}
    status = {o.filename: o.status for o in summary.outcomes}
    assert status == {"flaky.pdf": "processed", "bug.pdf": "failed"}
    error = json.loads((home.quarantine / "bug.pdf.error.json").read_text())
    assert error["exit_code"] == ExitCode.ERROR and "ValueError" in error["message"]


def test_process_report_keeps_the_originals_and_records_them(flow_settings: Settings, tmp_path: Path) -> None:
    src = tmp_path / "mine"
    names = make_inbox(src, 2)
    summary = process_report([str(src / n) for n in names], progress=False)
    assert [o.status for o in summary.outcomes] == ["processed", "processed"]
    assert files_in(src) == names
    assert all(Path(o.record_path or "").exists() for o in summary.outcomes)
    assert files_in(Home(flow_settings.home).archive) == names


def _flow_run(settings: Settings, run_id: str) -> FlowRun:
    """The Prefect flow run of a medlegal run (the store records its id)."""
    with sqlite3.connect(Home(settings.home).database) as db:
        [(flow_run_id,)] = db.execute("SELECT flow_run_id FROM runs WHERE id = ?", (run_id,)).fetchall()
    with get_client(sync_client=True) as client:
        return client.read_flow_run(UUID(flow_run_id))


def test_prefect_keeps_sha_prefixes_not_file_names(flow_settings: Settings, tmp_path: Path) -> None:
    src = tmp_path / "mine"
    src.mkdir()
    for i, name in enumerate(["Maria Example QME.pdf", "Roe, Jane - AME.pdf"]):
        inputs.write_pdf(src / name, report_pages(20 + i))
    inputs.write_pdf(Home(flow_settings.home).ensure().inbox / "Maria Example PR-2.pdf", report_pages(22))

    on_demand = process_report([str(p) for p in sorted(src.iterdir())], progress=False)
    nightly = nightly_inbox(progress=False)

    assert _flow_run(flow_settings, on_demand.run_id).parameters["files"] == HIDDEN
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["medlegal-batch"]))
        )
        for summary in (on_demand, nightly):
            flow_run = _flow_run(flow_settings, summary.run_id)
            tasks = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run.id]))
            )
            assert sorted(t.name for t in tasks) == sorted((o.sha256 or "")[:12] for o in summary.outcomes)
            logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run.id])))
            kept = [
                json.dumps(flow_run.parameters),
                *(t.name for t in tasks),
                *(entry.message for entry in logs),
            ]
            assert not [k for k in kept if "Maria" in k or "Roe" in k], kept
    assert not [a for a in artifacts if "Maria" in str(a.data) or "Roe" in str(a.data)]


def test_a_flow_run_cannot_choose_the_home() -> None:
    """Anyone who can reach the Prefect API can start a served flow with parameters: none of them may
    point it at another home (an inbox linked to the real one, a database others can read) (issue 21)."""
    import inspect

    assert "home" not in inspect.signature(nightly_inbox.fn).parameters
    assert set(nightly_inbox.parameters.properties) == {"reprocess", "progress"}


def test_medlegal_log_lines_which_name_files_are_not_sent_to_prefect(tmp_path: Path) -> None:
    from flows.env import prefect_environment

    assert "PREFECT_LOGGING_EXTRA_LOGGERS" not in prefect_environment(tmp_path)
