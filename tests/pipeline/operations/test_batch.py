"""Batches against what a hostile or careless world drops into the inbox: links and pipes, names that forge
log lines or fill the name limit, files that crash, exhaust memory or hang their reader, files that kill
the batch itself, files medlegal may not read. Real files in a real inbox, real worker processes."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline.operations.batch
from models.settings import Settings
from pipeline.errors import ExitCode
from pipeline.operations.batch import run_batch
from pipeline.operations.home import Home
from pipeline.operations.names import MAX_NAME_BYTES
from pipeline.operations.store import Store, database_url
from pipeline.operations.workers import live_worker_pids
from tests.support import faults, inputs, privileges
from tests.support.batch import files_in, make_inbox, report_pages

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def batch_settings(tmp_path: Path) -> Settings:
    """A fresh home, no settling delay, one OCR worker, two documents at once."""
    return Settings(home=tmp_path / "home", inbox_settle_s=0, ocr_workers=1, batch_workers=2)


@pytest.fixture
def home(batch_settings: Settings) -> Home:
    return Home(batch_settings.home).ensure()


def _store(home: Home) -> Store:
    return Store(database_url(home, None))


def _error(home: Home, name: str) -> dict[str, object]:
    return json.loads((home.quarantine / f"{name}.error.json").read_text())


# --- symlinks and other non-regular files (item 10) -----------------------------------------------------


def test_a_symlink_or_pipe_in_the_inbox_is_quarantined_as_it_is_and_never_read(
    batch_settings: Settings, home: Home, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = inputs.write_pdf(elsewhere / "patient.pdf", report_pages(1))
    (home.inbox / "link.pdf").symlink_to(target)
    os.mkfifo(home.inbox / "pipe.pdf")
    inputs.write_pdf(home.inbox / "real.pdf", report_pages(2))

    summary = run_batch(batch_settings)

    status = {o.filename: (o.status, o.error.exit_code if o.error else None) for o in summary.outcomes}
    assert status == {
        "link.pdf": ("failed", ExitCode.NOT_REGULAR_FILE),
        "pipe.pdf": ("failed", ExitCode.NOT_REGULAR_FILE),
        "real.pdf": ("processed", None),
    }
    link = home.quarantine / "link.pdf"
    assert link.is_symlink() and os.readlink(link) == str(target), "the link itself is quarantined"
    assert stat.S_ISFIFO((home.quarantine / "pipe.pdf").lstat().st_mode)
    assert "symbolic link" in str(_error(home, "link.pdf")["message"])
    assert "named pipe" in str(_error(home, "pipe.pdf")["message"])
    assert _error(home, "link.pdf")["sha256"] is None, "the target was never read, not even hashed"
    assert target.exists() and files_in(home.archive) == ["real.pdf"]
    assert _store(home).counts()["records"] == 1 and list(home.inbox.iterdir()) == []


# --- names (item 11) ------------------------------------------------------------------------------------


def test_hostile_names_are_kept_as_data_and_made_safe_on_disk_and_in_logs(
    batch_settings: Settings, home: Home, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    forged = "Jane Roe\nINFO pipeline.operations.batch: all good.pdf"
    long_name = "x" * 246 + ".pdf"  # 250 bytes: with ".error.json" over the 255-byte limit
    inputs.write_pdf(home.inbox / forged, report_pages(3))
    inputs.truncated(inputs.write_pdf(tmp_path / "src.pdf", report_pages(4)), home.inbox / long_name)

    with caplog.at_level(logging.INFO):
        summary = run_batch(batch_settings)

    by_name = {o.filename: o for o in summary.outcomes}
    assert set(by_name) == {forged, long_name}, "the original names are the outcomes' data"
    assert by_name[forged].status == "processed" and by_name[long_name].status == "failed"
    record = json.loads(Path(by_name[forged].record_path or "").read_text())
    assert record["source"]["filename"] == forged
    assert {i["filename"] for i in _store(home).intakes()} == {forged, long_name}
    on_disk = [p.name for p in home.root.rglob("*")]
    assert not [n for n in on_disk if any(c in n for c in "\n\r\t")], on_disk
    assert all(len(n.encode()) <= MAX_NAME_BYTES + len(".error.json") for n in on_disk)
    [quarantined] = [p for p in home.quarantine.iterdir() if not p.name.endswith(".error.json")]
    error = json.loads(quarantined.with_name(quarantined.name + ".error.json").read_text())
    assert error["file"] == long_name and error["exit_code"] == ExitCode.CORRUPT_FILE
    assert quarantined.name.endswith(".pdf")
    messages = [r.getMessage() for r in caplog.records]
    assert messages and not [m for m in messages if "\n" in m], "no log line forged by a name"
    assert any("Jane Roe_INFO" in m for m in messages), "the safe name is what logs show"


# --- poison pills and hard limits (item 12) -------------------------------------------------------------


def test_a_document_that_crashes_its_worker_is_quarantined_and_the_batch_goes_on(
    batch_settings: Settings, home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs.write_pdf(home.inbox / "crash.pdf", report_pages(5))
    inputs.write_pdf(home.inbox / "fine.pdf", report_pages(6))
    monkeypatch.setattr(pipeline.operations.batch, "_process", faults.segfault)

    summary = run_batch(batch_settings)

    status = {o.filename: o.status for o in summary.outcomes}
    assert status == {"crash.pdf": "failed", "fine.pdf": "processed"}
    error = _error(home, "crash.pdf")
    assert (error["exit_code"], error["stage"], error["error"]) == (22, "worker", "WorkerCrashError")
    assert "SIGSEGV" in str(error["message"])
    [(_, pid)] = faults.notes(home.root, "crash")
    assert pid not in live_worker_pids() and pid != os.getpid()


def test_a_document_over_the_memory_cap_is_quarantined(
    batch_settings: Settings, home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs.write_pdf(home.inbox / "big.pdf", report_pages(7))
    inputs.write_pdf(home.inbox / "fine.pdf", report_pages(8))
    monkeypatch.setattr(pipeline.operations.batch, "_process", faults.hog_memory)

    summary = run_batch(batch_settings.model_copy(update={"worker_memory_mb": 1536}))

    status = {o.filename: o.status for o in summary.outcomes}
    assert status == {"big.pdf": "failed", "fine.pdf": "processed"}
    error = _error(home, "big.pdf")
    assert (error["exit_code"], error["error"]) == (ExitCode.LIMIT_EXCEEDED, "MemoryLimitError")
    assert "1536 MB" in str(error["message"]) and "worker_memory_mb" in str(error["message"])


def test_a_document_over_the_time_limit_is_killed_with_its_worker_and_the_next_one_reads(
    batch_settings: Settings, home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs.write_pdf(home.inbox / "hang.pdf", report_pages(9))
    inputs.write_pdf(home.inbox / "next.pdf", report_pages(10))
    monkeypatch.setattr(pipeline.operations.batch, "_process", faults.hang_holding_pdfium)
    settings = batch_settings.model_copy(update={"document_timeout_s": 3.0})

    # One document at a time: "next.pdf" reads PDFs after the hung one took the PDFium lock forever.
    summary = run_batch(settings, workers=1)

    status = {o.filename: (o.status, o.error.stage if o.error else None) for o in summary.outcomes}
    assert status == {"hang.pdf": ("failed", "timeout"), "next.pdf": ("processed", None)}
    assert _error(home, "hang.pdf")["exit_code"] == ExitCode.OCR_TIMEOUT
    [(_, pid)] = faults.notes(home.root, "hang")
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the hung reader is gone, not a thread still holding the lock


_KILLING_RUN = """
import json, sys
from pathlib import Path
import pipeline.operations.batch as batch
from models.settings import Settings
from tests.support import faults
batch._process = faults.kill_the_batch
settings = Settings(home=Path(sys.argv[1]), inbox_settle_s=0, ocr_workers=1, max_claim_attempts=2)
summary = batch.run_batch(settings)
print(json.dumps([[o.filename, o.error.exit_code if o.error else 0, o.error.stage if o.error else ""]
                  for o in summary.outcomes]))
"""


def test_a_file_that_kills_the_batch_is_quarantined_after_max_claim_attempts(home: Home) -> None:
    inputs.write_pdf(home.inbox / "poison.pdf", report_pages(11))

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", _KILLING_RUN, str(home.root)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )

    for attempt in (1, 2):
        killed = run()
        assert killed.returncode == -9, (attempt, killed.stdout, killed.stderr)
        assert files_in(home.processing) == ["owner.json", "poison.pdf"]
    last = run()

    assert last.returncode == 0, last.stderr
    assert json.loads(last.stdout.splitlines()[-1]) == [["poison.pdf", ExitCode.WORKER_CRASHED, "claim"]]
    assert len(faults.notes(home.root, "poison")) == 2, "not read a third time"
    error = _error(home, "poison.pdf")
    assert error["error"] == "RepeatedCrashError" and "2 runs" in str(error["message"])
    assert files_in(home.processing) == []


# --- permissions and clean errors (items 14, 15) --------------------------------------------------------

_UNPRIVILEGED_RUN = """
import json, sys
from pathlib import Path
from models.settings import Settings
from pipeline.operations.batch import run_batch
summary = run_batch(Settings(home=Path(sys.argv[1]), inbox_settle_s=0, ocr_workers=1))
print(json.dumps({o.filename: [o.error.exit_code, o.error.error, o.error.message] for o in summary.failures}))
"""


def test_unreadable_and_truncated_files_get_their_own_errors_not_internal_error(
    home: Home, tmp_path: Path
) -> None:
    locked = inputs.write_pdf(home.inbox / "locked.pdf", report_pages(12))
    locked.chmod(0)
    fax = inputs.fax_tiff(
        inputs.write_pdf(tmp_path / "fax.pdf", report_pages(13)), tmp_path / "fax.tif", seed=1
    )
    inputs.truncated(fax, home.inbox / "cut.tif", keep=0.35)

    proc = subprocess.run(
        [*privileges.python(_UNPRIVILEGED_RUN), str(home.root)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert proc.returncode == 0, proc.stderr
    failures = json.loads(proc.stdout.splitlines()[-1])
    assert {name: f[:2] for name, f in failures.items()} == {
        "locked.pdf": [ExitCode.FILE_PERMISSION, "FilePermissionError"],
        "cut.tif": [ExitCode.CORRUPT_FILE, "CorruptFileError"],
    }
    for _, _, message in failures.values():
        assert "internal error" not in message and str(home.root) not in message
    assert "umask" in failures["locked.pdf"][2]
    assert sorted(files_in(home.quarantine)) == sorted(
        ["cut.tif", "cut.tif.error.json", "locked.pdf", "locked.pdf.error.json"]
    )


# --- many runners, one inbox (issue 21) -----------------------------------------------------------------

_RUNNER = """
import sys, time
from pathlib import Path
from models.settings import Settings
from pipeline.operations.batch import run_batch
from pipeline.operations.workers import warm_workers

home, go, url = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] or None
settings = Settings(home=home, batch_workers=1, inbox_settle_s=0, database_url=url)
warm_workers(1, settings.worker_memory_mb, wait=True)
print("ready", flush=True)
while not go.exists():
    time.sleep(0.01)
summary = run_batch(settings, trigger="runner", workers=1)
print("processed", summary.counts["processed"], flush=True)
"""


def _runners(home: Path, go: Path, count: int, url: str | None = None) -> list[subprocess.Popen[str]]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RUNNER, str(home), str(go), url or ""],
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for _ in range(count)
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    go.touch()
    return procs


def _url(database: str) -> str | None:
    """None for SQLite (the home's own database), the URL for PostgreSQL."""
    return None if database.startswith("sqlite") else database


def test_two_processes_sharing_a_home_split_the_inbox_and_process_each_file_once(
    batch_settings: Settings, home: Home, tmp_path: Path, database: str
) -> None:
    """On SQLite and on a real PostgreSQL."""
    names = make_inbox(home.inbox, 10)
    procs = _runners(home.root, tmp_path / "go", 2, _url(database))
    counts = []
    for p in procs:
        out, _ = p.communicate(timeout=600)
        assert p.returncode == 0
        counts.append(int(out.split()[-1]))
    assert sum(counts) == 10 and min(counts) > 0, f"the inbox was not shared: {counts}"
    assert files_in(home.archive) == names and files_in(home.inbox) == [] and files_in(home.quarantine) == []
    assert len(Store(_url(database) or database_url(home, None)).documents_overview()) == 10


def test_a_runner_killed_mid_batch_loses_nothing_and_the_next_run_finishes_its_files(
    batch_settings: Settings, home: Home, tmp_path: Path
) -> None:
    import signal
    import time

    names = make_inbox(home.inbox, 8)
    killed, survivor = _runners(home.root, tmp_path / "go", 2)
    deadline = time.monotonic() + 120
    while not list(home.archive.rglob("*.pdf")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    survivor.communicate(timeout=600)
    assert survivor.returncode == 0
    # The killed run's claims are recovered by the next run once its process is gone.
    run_batch(batch_settings.model_copy(update={"inbox_settle_s": 0}), trigger="after", workers=1)
    assert files_in(home.archive) == names, "every file archived exactly once"
    assert files_in(home.inbox) == [] and files_in(home.quarantine) == [] and files_in(home.processing) == []
    assert len(_store(home).documents_overview()) == 8


def test_a_report_dropped_twice_in_one_batch_is_one_record_and_one_duplicate(
    tmp_path: Path, database: str
) -> None:
    """Both copies are worked on at once: no UniqueViolation, nothing quarantined (on PostgreSQL the
    claim counter was read, then inserted, by both) (issue 21)."""
    settings = Settings(
        home=tmp_path / "home", inbox_settle_s=0, ocr_workers=1, batch_workers=2, database_url=_url(database)
    )
    home = Home(settings.home).ensure()
    [name] = make_inbox(home.inbox, 1)
    (home.inbox / "copy-of-the-same.pdf").write_bytes((home.inbox / name).read_bytes())
    summary = run_batch(settings, workers=2)
    assert files_in(home.quarantine) == []
    assert summary.counts["processed"] + summary.counts["duplicates"] == 2 and summary.counts["failed"] == 0
    assert len(Store(_url(database) or database_url(home, None)).documents_overview()) == 1


def test_a_task_run_again_for_a_document_already_finished_reports_success(
    batch_settings: Settings, home: Home
) -> None:
    """A Dask worker lost after finishing a document makes Prefect run its task again: the second run
    finds the file archived and its intake stored, and reports the same success (issue 21)."""
    from pipeline.operations.batch import close_batch, open_batch, process_claim

    [name] = make_inbox(home.inbox, 1)
    batch = open_batch(batch_settings, "test")
    [claim] = list(batch.take())
    first = process_claim(claim, batch.context)
    again = process_claim(claim, batch.context)
    assert first.status == "processed" and again.status == "processed"
    assert (again.sha256, again.record_version) == (first.sha256, first.record_version)
    close_batch(batch, [first])
    assert files_in(home.archive) == [name] and files_in(home.quarantine) == []
