"""The store: documents unique by content, versioned records, duplicates, review events, concurrency."""

from __future__ import annotations

import hashlib
import multiprocessing
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from models.record import Flag, ReportRecord, Review, Source
from pipeline.errors import StoreError
from pipeline.operations.home import Home
from pipeline.operations.store import Store, database_url


def _record(content: str, *, rules: str = "1", flagged: bool = False, name: str = "qme.pdf") -> ReportRecord:
    sha = hashlib.sha256(content.encode()).hexdigest()
    review = (
        Review(status="needs_review", flags=[Flag(code="NO_MMI", field="mmi", message="m")])
        if flagged
        else Review(status="ready")
    )
    return ReportRecord(
        source=Source(filename=name, sha256=sha, media_type="application/pdf", page_count=3),
        review=review,
        rules_version=rules,
    )


@pytest.fixture
def store(database: str) -> Store:
    """Every test here runs on SQLite and on a real PostgreSQL (the `database` fixture)."""
    s = Store(database)
    s.start_run("run1", "test", socket.gethostname(), 1, "1")
    s.start_run("run2", "test", socket.gethostname(), 1, "2")
    return s


def test_the_database_file_is_private(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    Store(database_url(home, None))
    assert home.database.stat().st_mode & 0o777 == 0o600


def test_same_content_and_rules_is_a_duplicate(store: Store) -> None:
    first = store.save_record(_record("a"), "run1")
    again = store.save_record(_record("a", name="renamed.pdf"), "run1")
    assert first.created and not again.created
    assert again.stored.id == first.stored.id and again.stored.version == 1
    assert store.counts()["records"] == 1


def test_reprocess_and_new_rules_make_new_versions(store: Store) -> None:
    store.save_record(_record("a"), "run1")
    forced = store.save_record(_record("a"), "run1", reprocess=True)
    newer = store.save_record(_record("a", rules="2"), "run2")
    sha = _record("a").source.sha256
    assert (forced.stored.version, newer.stored.version) == (2, 3)
    assert [r.version for r in store.record_versions(sha)] == [1, 2, 3]
    assert store.find_record(sha, "1") is not None and store.find_record(sha, "1").version == 2  # type: ignore[union-attr]
    assert store.latest_record(sha).rules_version == "2"  # type: ignore[union-attr]
    assert store.counts()["documents"] == 1


def test_a_record_needing_review_is_queued(store: Store) -> None:
    saved = store.save_record(_record("b", flagged=True), "run1")
    assert store.review_events(saved.stored.id) == [("queued", "medlegal", '["NO_MMI"]')]
    store.add_review_event(saved.stored.id, "approved", "paralegal@example.com")
    assert store.review_events(saved.stored.id)[-1][:2] == ("approved", "paralegal@example.com")


def test_concurrent_saves_of_the_same_content_store_one_record(store: Store) -> None:
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: store.save_record(_record("c"), "run1"), range(16)))
    assert sum(r.created for r in results) == 1
    assert store.counts()["records"] == 1


def _save_in_process(url: str, n: int) -> int:
    s = Store(url)
    return sum(s.save_record(_record(f"doc{i}"), "run1").created for i in range(n))


def test_two_processes_writing_at_once_store_each_record_once(store: Store) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        created = pool.starmap(_save_in_process, [(store.url, 20), (store.url, 20)])
    assert sum(created) == 20
    assert store.counts()["records"] == 20


def test_intakes_are_recorded_per_run(store: Store) -> None:
    store.add_intake("run1", "a.pdf", "ab" * 32, "processed", stored_as="/x/a.pdf")
    store.add_intake("run2", "bad.pdf", None, "failed", exit_code=13, stage="read", message="damaged")
    assert [i["filename"] for i in store.intakes("run2")] == ["bad.pdf"]
    assert store.intakes()[1]["exit_code"] == 13


def test_store_errors_never_carry_sql_bound_values(store: Store) -> None:
    with pytest.raises(StoreError) as info:
        store.add_intake("no-such-run", "Maria Example - QME.pdf", "a" * 64, "failed", message="Maria")
    text = f"{info.value} {info.value!r} {info.value.reason()}"
    assert "Maria" not in text and "INSERT" not in text
    assert (
        "IntegrityError" in str(info.value) or "ForeignKeyViolation" in str(info.value)
    ) and not info.value.transient


def test_a_content_counts_the_runs_that_started_it_until_one_finishes_it(store: Store) -> None:
    sha = "b" * 64
    assert store.start_attempt(sha, "run1") == 1
    assert store.start_attempt(sha, "run1") == 1, "a retry within a run is not another run"
    assert store.start_attempt(sha, "run2") == 2
    store.add_intake("run2", "x.pdf", sha, "failed", exit_code=13)
    assert store.start_attempt(sha, "run2") == 1


def _attempts_in_process(url: str, sha: str, runs: list[str]) -> list[int]:
    s = Store(url)
    return [s.start_attempt(sha, run) for run in runs]


def test_runs_starting_one_content_at_once_count_every_run_and_never_collide(store: Store) -> None:
    """Two processes (a report dropped twice, two runners) start the same content at once: no
    UniqueViolation, every run counted once (the insert is an upsert, the count a locked update)."""
    sha = "c" * 64
    runs = [f"run-{i}" for i in range(12)]
    for run in runs:
        store.start_run(run, "test", socket.gethostname(), 1, "1")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        counts = pool.starmap(
            _attempts_in_process, [(store.url, sha, runs[0::2]), (store.url, sha, runs[1::2])]
        )
    assert sorted(c for part in counts for c in part) == list(range(1, 13))


def test_concurrent_writes_of_the_same_row_never_collide(store: Store) -> None:
    sha = "d" * 64
    store.save_record(_record("d"), "run1")
    real = _record("d").source.sha256

    def write(i: int) -> None:
        store.start_attempt(sha, f"run{1 + i % 2}")
        store.set_upload_name(real, f"upload-{i}.pdf", "admin")
        store.assign([real], f"reviewer-{i}", "admin")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(24)))
    assert store.upload_name(real) is not None and store.assignee(real) is not None


def test_a_correction_or_approval_of_a_version_no_longer_the_latest_is_refused(store: Store) -> None:
    """Compare-and-set: two reviewers (or two app processes) acting on version 1 at once, one wins."""
    from pipeline.errors import VersionConflict

    first = store.save_record(_record("e", flagged=True), "run1").stored
    sha = first.sha256
    store.save_review_version(sha, first.record(), "needs_review", "run1", "Pat", [], expected_version=1)
    with pytest.raises(VersionConflict):
        store.save_review_version(sha, first.record(), "needs_review", "run1", "Sam", [], expected_version=1)
    with pytest.raises(VersionConflict):
        store.set_review_status(first.id, "approved", "Sam", "approved", None, latest_only=True)
    assert [v.version for v in store.record_versions(sha)] == [1, 2]
    assert store.record_versions(sha)[0].review_status == "needs_review"


def test_concurrent_corrections_of_one_version_store_exactly_one(store: Store) -> None:
    from pipeline.errors import VersionConflict

    first = store.save_record(_record("f", flagged=True), "run1").stored

    def correct(i: int) -> bool:
        try:
            store.save_review_version(
                first.sha256, first.record(), "needs_review", "run1", f"r{i}", [], expected_version=1
            )
        except VersionConflict:
            return False
        return True

    with ThreadPoolExecutor(6) as pool:
        won = list(pool.map(correct, range(12)))
    assert sum(won) == 1
    assert [v.version for v in store.record_versions(first.sha256)] == [1, 2]


def test_a_saved_record_is_in_the_case_index(store: Store) -> None:
    saved = store.save_record(_record("g"), "run1").stored
    assert saved.sha256 in {row["sha256"] for row in store.case_index()}
