"""Export of case views: reviewed cases only, each case version once per sink, idempotent across a crash,
the webhook contract, and the deadlines as an .ics file."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from models.settings import Settings
from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.operations import case_export
from pipeline.operations.case_export import (
    export_cases_file,
    export_cases_webhook,
    export_deadlines_ics,
    pending_case_exports,
)
from pipeline.operations.home import Home
from pipeline.operations.store import Store, database_url
from tests.pipeline.cases.test_group import make_record
from tests.pipeline.operations.test_export import _Hook


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


@pytest.fixture
def store(home: Home) -> Store:
    s = Store(database_url(home, None))
    s.start_run("run1", "test", socket.gethostname(), 1, "1")
    return s


@pytest.fixture
def settings(home: Home) -> Settings:
    return Settings(home=home.root)


def _seed(store: Store) -> dict[str, int]:
    """A PTP and a QME of one case (ADJ7310078), both waiting for review."""
    ids = {}
    for name, kind, wpi in (("ptp", "PTP", 8), ("qme", "QME", 13)):
        record = make_record(
            name,
            kind=kind,
            evaluator=f"Dr {name.upper()} Doe, M.D.",
            impairments=(("lumbar spine", None, wpi),),
        )
        ids[name] = store.save_record(record, "run1").stored.id
    return ids


def _approve(store: Store, record_id: int) -> None:
    store.set_review_status(record_id, "approved", "Pat", "approved", None)


def test_a_case_is_exported_once_reviewed_and_again_only_when_it_changes(
    store: Store, home: Home, settings: Settings
) -> None:
    ids = _seed(store)
    assert pending_case_exports(store, "file", settings) == []  # nothing reviewed yet
    _approve(store, ids["ptp"])
    assert pending_case_exports(store, "file", settings) == []  # the QME is still in review
    _approve(store, ids["qme"])
    first = export_cases_file(store, home, settings)
    assert len(first.exported) == 1 and first.out is not None
    line = json.loads(first.out.read_text().strip())
    assert line["case_numbers"] == ["ADJ7310078"] and len(line["reports"]) == 2
    assert line["case_version"] and line["export_version"] == "1"
    assert {d["field"] for d in line["disagreements"]} >= {"wpi"}
    assert export_cases_file(store, home, settings).exported == []  # the same version is not sent twice
    # A third report about the case makes a new version, exported once it is reviewed.
    ame = make_record(
        "ame", kind="AME", evaluator="Dr Ame Roe, M.D.", impairments=(("lumbar spine", None, 10),)
    )
    _approve(store, store.save_record(ame, "run1").stored.id)
    again = export_cases_file(store, home, settings)
    assert len(again.exported) == 1
    assert json.loads(again.out.read_text())["case_version"] != line["case_version"]  # type: ignore[union-attr]


def test_a_crash_after_writing_the_case_file_does_not_export_it_again(
    store: Store, home: Home, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for record_id in _seed(store).values():
        _approve(store, record_id)

    def crash(batch: str, status: str) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr(store, "finish_case_batch", crash)
    with pytest.raises(RuntimeError):
        export_cases_file(store, home, settings)
    monkeypatch.undo()
    assert export_cases_file(store, home, settings).exported == []  # the file was written: settled as ok
    written = list(home.outbox.glob("cases-*.jsonl"))
    assert len(written) == 1


def test_the_webhook_gets_each_case_version_once_with_its_idempotency_key(
    store: Store, settings: Settings
) -> None:
    for record_id in _seed(store).values():
        _approve(store, record_id)
    hook = _Hook(1)
    hook.thread.start()
    try:
        result = export_cases_webhook(store, settings.model_copy(update={"webhook_backoff_s": 0}), hook.url)
        assert len(result.exported) == 1 and not result.failed
        assert export_cases_webhook(store, settings, hook.url).exported == []
    finally:
        hook.server.shutdown()
        hook.server.server_close()
    assert len(hook.requests) == 2  # one failure, one delivery
    key = hook.requests[-1]["headers"]["Idempotency-Key"]
    assert key.startswith("case:ADJ7310078:")
    assert hook.requests[-1]["body"]["case_numbers"] == ["ADJ7310078"]


def test_the_deadlines_are_written_as_an_icalendar_file(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _seed(store)
    out = tmp_path / "deadlines.ics"
    assert export_deadlines_ics(store, settings, out) == 1  # the PTP report found MMI and impairment
    text = out.read_bytes().decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and "BEGIN:VEVENT" in text
    assert "Keisha" not in text  # no patient name leaves for a calendar


def test_the_export_command_writes_cases_and_the_calendar(
    store: Store, home: Home, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for record_id in _seed(store).values():
        _approve(store, record_id)
    assert main(["export", "--home", str(home.root), "--cases"]) == ExitCode.OK
    assert "1 case version(s) exported" in capsys.readouterr().out
    ics = tmp_path / "d.ics"
    assert main(["export", "--home", str(home.root), "--ics", str(ics)]) == ExitCode.OK
    assert ics.exists()
    assert case_export.CASE_EXPORT_VERSION == "1"
