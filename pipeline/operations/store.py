"""The durable store (SQLAlchemy): documents, runs, files seen per run, versioned records, review events.

SQLite in the home folder by default (WAL, `BEGIN IMMEDIATE`, so concurrent batches wait for each other
instead of failing); PostgreSQL through MEDLEGAL_DATABASE_URL. Tables:

    documents      one row per distinct content (unique sha256)
    runs           one row per batch or on-demand run
    intakes        one row per file a run handled: processed, duplicate or failed (with the reason)
    records        the records of a document, versioned (1, 2, … per document), with the rules version
    review_events  what happened to a record in review (queued, approved, corrected, …)
    exports        each hand-off of a record version to the case system (file or webhook; ok or failed)
    export_batches each export file: recorded before it is written, finished with its rows' exports
    claim_attempts runs that claimed a content (sha256) and died before finishing it (poison pills)
    case_index     one row per document: its case key, case numbers, applicant, injury dates, fingerprint
    receipts       when a document was received, set by a person (else documents.first_seen)
    detected_receipts  the receipt date a document's first pages show (a received stamp, a fax header)
    case_settings  per case (key): represented by an attorney or not (objection deadlines), who set it
    case_rating_inputs  per case (key): the occupation (group), date of birth and weekly earnings a
                   reviewer set for the PD ratings, who set them
    users          review app accounts: name, argon2id hash of the password, role, disabled, created
    review_sessions  signed-in (or named) review app sessions, so a restart keeps them: the SHA-256 of
                   the session id (never the id), who, when it began and was last used
    queue_rows     the review queue's row per document (derived from its latest record, receipt,
                   assignment and exports), so the queue filters, sorts and pages in SQL
    assignments    per document: the reviewer it is assigned to, who assigned it
    upload_names   per document uploaded in the review app: the name it was uploaded under

Database errors are wrapped in StoreError (transient: the flows retry them). Their messages never carry
SQL bound values (file names, record text): engines are created with `hide_parameters=True` and a
StoreError names only the driver's error class and the first line of its message.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, aliased, mapped_column, sessionmaker

from models.record import ReportRecord
from pipeline.errors import StoreError, VersionConflict
from pipeline.operations.home import FILE_MODE, Home
from pipeline.operations.queue_index import QueueFilter, queue_values, received_sort

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    filename: Mapped[str] = mapped_column(String(512))
    media_type: Mapped[str | None] = mapped_column(String(64))
    page_count: Mapped[int | None] = mapped_column(Integer)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class RunRow(Base):
    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    trigger: Mapped[str] = mapped_column(String(32))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    rules_version: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class IntakeRow(Base):
    __tablename__ = "intakes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"), index=True)
    filename: Mapped[str] = mapped_column(String(512))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    exit_code: Mapped[int | None] = mapped_column(Integer)
    stage: Mapped[str | None] = mapped_column(String(32))
    message: Mapped[str | None] = mapped_column(Text)
    stored_as: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class RecordRow(Base):
    __tablename__ = "records"
    __table_args__ = (UniqueConstraint("document_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    rules_version: Mapped[str] = mapped_column(String(64))
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"))
    review_status: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ReviewEventRow(Base):
    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ExportRow(Base):
    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    sink: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    target: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ExportBatchRow(Base):
    __tablename__ = "export_batches"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sink: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(Text)
    #: SHA-256 of the file's bytes: a file found at `target` after a crash is this batch only if it matches.
    digest: Mapped[str] = mapped_column(String(64))
    #: The record versions (records.id) the file holds.
    record_ids: Mapped[list[int]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # writing, done, abandoned
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ClaimAttemptRow(Base):
    __tablename__ = "claim_attempts"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Runs that started this content and did not finish it (the row goes when one finishes it).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_run_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class CaseIndexRow(Base):
    """One row per document: what decides its case (pipeline/cases/group.py) and the case it is in."""

    __tablename__ = "case_index"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_key: Mapped[str] = mapped_column(String(255), index=True)
    case_numbers: Mapped[list[str]] = mapped_column(JSON)
    applicant: Mapped[str | None] = mapped_column(String(255), index=True)
    injury_dates: Mapped[list[str]] = mapped_column(JSON)
    birth_date: Mapped[str | None] = mapped_column(String(10))
    fingerprint: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ReceiptRow(Base):
    """A person's statement of when a document was received (the newest row wins)."""

    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    received: Mapped[str] = mapped_column(String(10))
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class DetectedReceiptRow(Base):
    """The receipt date a document's own pages show (pipeline/cases/received.py), found when it was read:
    one row per document, the latest reading wins."""

    __tablename__ = "detected_receipts"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    received: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(16))  # stamp, fax_header
    rule: Mapped[str] = mapped_column(String(64))
    page: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class CaseSettingRow(Base):
    """Per-case settings, keyed by the case key: represented (20-day objections) or not (30)."""

    __tablename__ = "case_settings"

    case_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    represented: Mapped[bool] = mapped_column(Boolean, default=True)
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class CaseControllingRow(Base):
    """Per case (by case key): the report (sha256) a paralegal set as controlling, who set it and when."""

    __tablename__ = "case_controlling"

    case_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class CaseRatingInputRow(Base):
    """Per-case inputs of the PD ratings a reviewer set: the occupational group (and the title picked), the
    applicant's date of birth, the average weekly earnings. Unset fields fall back to the reports'."""

    __tablename__ = "case_rating_inputs"

    case_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    group: Mapped[int | None] = mapped_column(Integer, nullable=True)
    title: Mapped[str | None] = mapped_column(String(120), nullable=True)
    birth_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    earnings: Mapped[float | None] = mapped_column(Float, nullable=True)
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class CaseExportRow(Base):
    """A case version (case key + digest of its JSON) sent to a sink: `writing` (a file batch stored before
    its file is written), `ok`, `failed` (webhook) or `abandoned` (the file never appeared)."""

    __tablename__ = "case_exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_key: Mapped[str] = mapped_column(String(255), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    sink: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    batch: Mapped[str | None] = mapped_column(String(64), index=True)
    target: Mapped[str | None] = mapped_column(Text)
    #: For a file batch: SHA-256 of the file's bytes, to recognise it after a crash.
    file_digest: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    error: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class UserRow(Base):
    """A review app account (web/security.py): the name is its key, lower case."""

    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # reviewer, admin
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ReviewSessionRow(Base):
    """A review app session that outlives the process: keyed by the SHA-256 of its id, so the database
    alone never lets anyone in. `kind`: account, token (a settings password), proxy, local (a typed name)."""

    __tablename__ = "review_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    user: Mapped[str | None] = mapped_column(String(128), index=True)
    name: Mapped[str | None] = mapped_column(String(64))
    created: Mapped[float] = mapped_column(Float)
    seen: Mapped[float] = mapped_column(Float)


class QueueRow(Base):
    """The review queue's row of one document, from its latest record (pipeline/operations/queue_index.py):
    what the queue shows, filters, searches and sorts by, so a page is one indexed query. Derived: kept
    up to date when a record, its status, receipt, assignment or export changes; `Store.ensure_queue`
    rebuilds what is missing or stale."""

    __tablename__ = "queue_rows"
    __table_args__ = (
        # One index per sort column (with the tie-breaker), so a page is a range of an index.
        *(
            Index(f"ix_queue_sort_{name}", name, "sha256")
            for name in (
                "received_sort",
                "report_date",
                "type",
                "evaluator_sort",
                "applicant_sort",
                "case_numbers",
                "mmi_sort",
                "wpi_sort",
                "status",
                "assignee_key",
                "filename_sort",
            )
        ),
        Index("ix_queue_status_received", "status", "received_sort"),
        Index("ix_queue_search", "search", "sha256"),
        Index("ix_queue_received_seen", "received", "first_seen"),
    )

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(512))
    filename_sort: Mapped[str] = mapped_column(String(512))
    #: The receipt day a person set or the pages show (else None: then `first_seen` is the receipt).
    received: Mapped[str | None] = mapped_column(String(10))
    received_source: Mapped[str | None] = mapped_column(String(16))
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_sort: Mapped[str] = mapped_column(String(32))
    report_date: Mapped[str | None] = mapped_column(String(10))
    type: Mapped[str] = mapped_column(String(32))
    supplemental: Mapped[bool] = mapped_column(Boolean, default=False)
    evaluator: Mapped[str] = mapped_column(String(255))
    evaluator_sort: Mapped[str] = mapped_column(String(255))
    applicant: Mapped[str] = mapped_column(String(255))
    applicant_sort: Mapped[str] = mapped_column(String(255))
    case_numbers: Mapped[str] = mapped_column(String(512))
    mmi_status: Mapped[str] = mapped_column(String(16))
    mmi_date: Mapped[str | None] = mapped_column(String(10))
    mmi_sort: Mapped[str] = mapped_column(String(16))
    wpi_parts: Mapped[list[Any]] = mapped_column(JSON)
    combined_wpi: Mapped[float | None] = mapped_column(Float)
    wpi_sort: Mapped[float | None] = mapped_column(Float)
    flags: Mapped[list[str]] = mapped_column(JSON)
    flag_count: Mapped[int] = mapped_column(Integer, index=True)
    search: Mapped[str] = mapped_column(Text)
    assignee: Mapped[str | None] = mapped_column(String(128))
    assignee_key: Mapped[str | None] = mapped_column(String(128))


class AssignmentRow(Base):
    """Who a document is assigned to for review (one row per document; none: unassigned), who set it."""

    __tablename__ = "assignments"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    assignee: Mapped[str] = mapped_column(String(128), index=True)
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class UploadNameRow(Base):
    """The name a file had when a reviewer uploaded it (the inbox holds it under a generated name)."""

    __tablename__ = "upload_names"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(512))
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


def _queue_dict(r: QueueRow) -> dict[str, Any]:
    """A queue row as the review app's queue shows it."""
    return {c.name: getattr(r, c.name) for c in QueueRow.__table__.columns if c.name != "search"}


_EXPORT_ALIAS = aliased(ExportRow)


def _mark_exported(s: Session, record_ids: Sequence[int]) -> None:
    """Show these approved record versions as sent to the case system in the queue."""
    s.execute(
        update(QueueRow)
        .where(QueueRow.record_id.in_(list(record_ids)), QueueRow.status == "approved")
        .values(status="exported")
    )


def _overview_row(d: DocumentRow, r: RecordRow, exported: set[int]) -> dict[str, Any]:
    """A document with its latest record, as `documents_overview` and `case_documents` give it."""
    return {
        "sha256": d.sha256,
        "filename": d.filename,
        "page_count": d.page_count,
        "first_seen": d.first_seen,
        "record_id": r.id,
        "version": r.version,
        "review_status": r.review_status,
        "body": r.body,
        "created_at": r.created_at,
        "exported": r.id in exported,
    }


@dataclass(frozen=True)
class StoredRecord:
    """A record as the store holds it."""

    id: int
    sha256: str
    version: int
    rules_version: str
    review_status: str
    body: str
    created_at: datetime | None = None

    def record(self) -> ReportRecord:
        return ReportRecord.model_validate_json(self.body)


@dataclass(frozen=True)
class SaveResult:
    """What `save_record` did: stored a new version, or found the same content and rules already stored."""

    stored: StoredRecord
    created: bool


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def store_error(e: SQLAlchemyError, what: str = "database error") -> StoreError:
    """A StoreError for a SQLAlchemy error: the driver's error class and the first line of its message,
    never the statement or its bound values (which hold file names and record text)."""
    if isinstance(e, DBAPIError) and e.orig is not None:
        text = str(e.orig).strip()
        first = text.splitlines()[0][:200] if text else ""
        error = StoreError(f"{what}: {type(e.orig).__name__}" + (f": {first}" if first else ""))
    else:
        error = StoreError(f"{what}: {type(e).__name__}")
    if isinstance(e, IntegrityError):
        error.transient = False  # a constraint broken is a bug, not a busy database: no retry helps
    return error


def database_url(home: Home, configured: str | None) -> str:
    """MEDLEGAL_DATABASE_URL if set, else SQLite in the home folder."""
    return configured or f"sqlite:///{home.database.resolve()}"


def _sqlite_engine(url: str) -> Engine:
    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:" and not os.path.exists(path):
        # Created 0600 before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    engine = create_engine(
        url, connect_args={"timeout": 60, "check_same_thread": False}, hide_parameters=True
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # transactions are begun below, as IMMEDIATE
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Take the write lock up front: a deferred transaction that upgrades later fails at once with
        # "database is locked" when another batch writes, instead of waiting busy_timeout.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


#: Tables that hold only what can be computed again from the records: dropped when their columns change
#: (a database from an earlier medlegal), then created anew and filled lazily (`Store.case_index`).
_DERIVED_TABLES = ("case_index", "queue_rows")


def _drop_changed_derived_tables(engine: Engine | Connection) -> None:
    inspector = inspect(engine)
    for name in _DERIVED_TABLES:
        if not inspector.has_table(name):
            continue
        have = {c["name"] for c in inspector.get_columns(name)}
        table = Base.metadata.tables[name]
        if have != {c.name for c in table.columns}:
            log.warning("the %s table is from an earlier medlegal; it is rebuilt from the records", name)
            table.drop(engine)


#: The PostgreSQL advisory lock key under which processes create the schema one at a time.
_SCHEMA_LOCK = 0x6D65646C  # "medl"


def _create_schema(engine: Engine) -> None:
    """Create missing tables (and rebuild changed derived ones). On PostgreSQL under an advisory lock: two
    processes opening a new database at once would otherwise both create a table and one fail
    (UniqueViolation in pg_type); SQLite's own lock orders them."""
    if engine.dialect.name != "postgresql":
        _drop_changed_derived_tables(engine)
        Base.metadata.create_all(engine)
        return
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        _drop_changed_derived_tables(conn)
        Base.metadata.create_all(conn)


def _engine(url: str) -> Engine:
    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            try:
                engine = (
                    _sqlite_engine(url)
                    if url.startswith("sqlite")
                    else create_engine(url, pool_pre_ping=True, hide_parameters=True)
                )
                _create_schema(engine)
            except SQLAlchemyError as e:
                raise store_error(e, "cannot open the database") from e
            except (OSError, ImportError) as e:
                raise StoreError(f"cannot open the database: {e}") from e
            _ENGINES[url] = engine
        return engine


def _locked_row(s: Session, model: type[Base], key: dict[str, Any], **defaults: Any) -> Any:
    """The row of `model` with this primary key, made with `defaults` when missing, locked for the rest of
    the transaction: INSERT ... ON CONFLICT DO NOTHING, then SELECT ... FOR UPDATE. Two writers of one row
    (two runs, two processes, two machines on PostgreSQL) then never collide on the key nor lose an
    update; on SQLite the transaction's write lock (BEGIN IMMEDIATE) orders them already."""
    dialect = s.get_bind().dialect.name
    upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    s.execute(upsert(model).values(**key, **defaults).on_conflict_do_nothing(index_elements=list(key)))
    ident = next(iter(key.values())) if len(key) == 1 else tuple(key.values())
    return s.get(model, ident, with_for_update=True, populate_existing=True)


def _stored(row: RecordRow, sha256: str) -> StoredRecord:
    return StoredRecord(
        id=row.id,
        sha256=sha256,
        version=row.version,
        rules_version=row.rules_version,
        review_status=row.review_status,
        body=row.body,
        created_at=row.created_at,
    )


class Store:
    """Access to the database; cheap to create (engines are shared per URL within a process)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._sessions = sessionmaker(_engine(url), expire_on_commit=False)

    @classmethod
    def for_home(cls, home: Home, configured_url: str | None) -> Store:
        return cls(database_url(home, configured_url))

    @contextmanager
    def _session(self, *, conflicts: bool = False) -> Iterator[Session]:
        """A transaction; SQLAlchemy errors become StoreError, except IntegrityError with `conflicts`
        (the caller looks again)."""
        try:
            with self._sessions() as session, session.begin():
                yield session
        except IntegrityError as e:
            if conflicts:
                raise
            raise store_error(e) from e
        except SQLAlchemyError as e:
            raise store_error(e) from e

    # --- runs ---

    def start_run(
        self,
        run_id: str,
        trigger: str,
        host: str,
        pid: int,
        rules_version: str,
        flow_run_id: str | None = None,
    ) -> None:
        with self._session() as s:
            s.add(
                RunRow(
                    id=run_id,
                    trigger=trigger,
                    host=host,
                    pid=pid,
                    rules_version=rules_version,
                    flow_run_id=flow_run_id,
                )
            )

    def finish_run(self, run_id: str, counts: dict[str, Any]) -> None:
        with self._session() as s:
            row = s.get(RunRow, run_id)
            if row is not None:
                row.finished_at = _now()
                row.counts = counts

    # --- records ---

    def find_record(self, sha256: str, rules_version: str) -> StoredRecord | None:
        """The latest record of this content made with this rules version, if any."""
        with self._session() as s:
            row = s.execute(
                select(RecordRow)
                .join(DocumentRow, RecordRow.document_id == DocumentRow.id)
                .where(DocumentRow.sha256 == sha256, RecordRow.rules_version == rules_version)
                .order_by(RecordRow.version.desc())
                .limit(1)
            ).scalar_one_or_none()
            return _stored(row, sha256) if row is not None else None

    def latest_record(self, sha256: str) -> StoredRecord | None:
        """The newest record of this content, whatever its rules version."""
        with self._session() as s:
            row = s.execute(
                select(RecordRow)
                .join(DocumentRow, RecordRow.document_id == DocumentRow.id)
                .where(DocumentRow.sha256 == sha256)
                .order_by(RecordRow.version.desc())
                .limit(1)
            ).scalar_one_or_none()
            return _stored(row, sha256) if row is not None else None

    def save_record(self, record: ReportRecord, run_id: str, *, reprocess: bool = False) -> SaveResult:
        """Store `record` as the next version of its document, unless the same rules already made one.

        Safe against a concurrent batch storing the same content: exactly one of them creates the version.
        """
        sha = record.source.sha256
        rules_version = record.rules_version or "0"
        for _attempt in range(3):
            try:
                result = self._save_once(record, sha, rules_version, run_id, reprocess)
            except IntegrityError:
                # Another process inserted the document or the version first; look again.
                if not reprocess:
                    existing = self.find_record(sha, rules_version)
                    if existing is not None:
                        return SaveResult(existing, created=False)
                continue
            except SQLAlchemyError as e:
                raise store_error(e) from e
            if result.created:
                self._index_quietly(sha)
            return result
        raise StoreError(f"could not store the record of {sha[:12]} after 3 attempts")

    def _save_once(
        self, record: ReportRecord, sha: str, rules_version: str, run_id: str, reprocess: bool
    ) -> SaveResult:
        with self._session(conflicts=True) as s:
            doc = s.execute(select(DocumentRow).where(DocumentRow.sha256 == sha)).scalar_one_or_none()
            if doc is None:
                doc = DocumentRow(
                    sha256=sha,
                    filename=record.source.filename,
                    media_type=record.source.media_type,
                    page_count=record.source.page_count,
                )
                s.add(doc)
                s.flush()
            latest = s.execute(
                select(RecordRow)
                .where(RecordRow.document_id == doc.id)
                .order_by(RecordRow.version.desc())
                .limit(1)
            ).scalar_one_or_none()
            if latest is not None and not reprocess and latest.rules_version == rules_version:
                return SaveResult(_stored(latest, sha), created=False)
            row = RecordRow(
                document_id=doc.id,
                version=(latest.version + 1) if latest else 1,
                rules_version=rules_version,
                run_id=run_id,
                review_status=record.review.status,
                body=record.model_dump_json(),
            )
            s.add(row)
            s.flush()
            if record.review.status == "needs_review":
                s.add(
                    ReviewEventRow(
                        record_id=row.id,
                        action="queued",
                        actor="medlegal",
                        note=json.dumps([f.code for f in record.review.flags]),
                    )
                )
            return SaveResult(_stored(row, sha), created=True)

    def record_versions(self, sha256: str) -> list[StoredRecord]:
        """Every stored version of the record of this content, oldest first."""
        with self._session() as s:
            rows = s.execute(
                select(RecordRow)
                .join(DocumentRow, RecordRow.document_id == DocumentRow.id)
                .where(DocumentRow.sha256 == sha256)
                .order_by(RecordRow.version)
            ).scalars()
            return [_stored(r, sha256) for r in rows]

    def add_review_event(self, record_id: int, action: str, actor: str, note: str | None = None) -> None:
        with self._session() as s:
            s.add(ReviewEventRow(record_id=record_id, action=action, actor=actor, note=note))

    def review_events(self, record_id: int) -> list[tuple[str, str, str | None]]:
        """(action, actor, note) of a record's review events, oldest first."""
        with self._session() as s:
            rows = s.execute(
                select(ReviewEventRow)
                .where(ReviewEventRow.record_id == record_id)
                .order_by(ReviewEventRow.id)
            ).scalars()
            return [(r.action, r.actor, r.note) for r in rows]

    # --- intakes ---

    def add_intake(
        self,
        run_id: str,
        filename: str,
        sha256: str | None,
        status: str,
        *,
        record_id: int | None = None,
        exit_code: int | None = None,
        stage: str | None = None,
        message: str | None = None,
        stored_as: str | None = None,
    ) -> None:
        """Record that a run handled a file (processed, duplicate or failed); its content is then no
        longer a claim in progress (`start_attempt`)."""
        with self._session() as s:
            if sha256 is not None:
                s.execute(delete(ClaimAttemptRow).where(ClaimAttemptRow.sha256 == sha256))
            s.add(
                IntakeRow(
                    run_id=run_id,
                    filename=filename,
                    sha256=sha256,
                    status=status,
                    record_id=record_id,
                    exit_code=exit_code,
                    stage=stage,
                    message=message,
                    stored_as=stored_as,
                )
            )

    def start_attempt(self, sha256: str, run_id: str) -> int:
        """Count a run starting to process this content; returns how many runs have started it without
        finishing (this one included). A second start by the same run (a retry) is not counted again."""
        with self._session() as s:
            row = _locked_row(s, ClaimAttemptRow, {"sha256": sha256}, attempts=0, last_run_id="")
            if row.last_run_id != run_id:
                row.attempts += 1
                row.last_run_id = run_id
                row.at = _now()
            return row.attempts

    def intakes(self, run_id: str | None = None) -> list[dict[str, Any]]:
        """The files handled by one run (or all runs), oldest first, as plain dicts."""
        with self._session() as s:
            q = select(IntakeRow).order_by(IntakeRow.id)
            if run_id is not None:
                q = q.where(IntakeRow.run_id == run_id)
            return [
                {
                    "run_id": r.run_id,
                    "filename": r.filename,
                    "sha256": r.sha256,
                    "status": r.status,
                    "record_id": r.record_id,
                    "exit_code": r.exit_code,
                    "stage": r.stage,
                    "message": r.message,
                    "stored_as": r.stored_as,
                }
                for r in s.execute(q).scalars()
            ]

    def counts(self) -> dict[str, int]:
        """How many documents, records and runs the store holds."""
        with self._session() as s:
            return {
                "documents": s.scalar(select(func.count()).select_from(DocumentRow)) or 0,
                "records": s.scalar(select(func.count()).select_from(RecordRow)) or 0,
                "runs": s.scalar(select(func.count()).select_from(RunRow)) or 0,
            }

    # --- review and export (the review app, pipeline/operations/export.py) ---

    def _latest_records(self, s: Session, sha256s: set[str] | None = None) -> list[Any]:
        """(DocumentRow, RecordRow) of every document's latest record version, newest document first;
        only the documents of `sha256s` when given."""
        latest = (
            select(RecordRow.document_id, func.max(RecordRow.version).label("v"))
            .group_by(RecordRow.document_id)
            .subquery()
        )
        query = (
            select(DocumentRow, RecordRow)
            .join(RecordRow, RecordRow.document_id == DocumentRow.id)
            .join(latest, (latest.c.document_id == RecordRow.document_id) & (latest.c.v == RecordRow.version))
            .order_by(DocumentRow.first_seen.desc())
        )
        if sha256s is not None:
            query = query.where(DocumentRow.sha256.in_(sha256s))
        return list(s.execute(query).all())

    def documents_overview(self) -> list[dict[str, Any]]:
        """Every document with its latest record: sha256, filename, version, record id, review status,
        the record body, and whether that version was exported (ok) to any sink."""
        with self._session() as s:
            rows = self._latest_records(s)
            exported = set(s.execute(select(ExportRow.record_id).where(ExportRow.status == "ok")).scalars())
            return [_overview_row(d, r, exported) for d, r in rows]

    def record_by_id(self, record_id: int) -> StoredRecord | None:
        with self._session() as s:
            row = s.get(RecordRow, record_id)
            if row is None:
                return None
            doc = s.get(DocumentRow, row.document_id)
            return _stored(row, doc.sha256 if doc else "")

    def save_review_version(
        self,
        sha256: str,
        record: ReportRecord,
        review_status: str,
        run_id: str,
        actor: str,
        events: Sequence[tuple[str, str | None]],
        *,
        expected_version: int | None = None,
    ) -> StoredRecord:
        """Store a reviewer's corrected record as the next version, with one review event per change.

        With `expected_version` a compare-and-set: the document row is locked and VersionConflict raised
        unless that version is still the latest (two reviewers, or two app processes, never both win)."""
        with self._session() as s:
            doc = s.execute(
                select(DocumentRow).where(DocumentRow.sha256 == sha256).with_for_update()
            ).scalar_one()
            latest = s.execute(
                select(RecordRow)
                .where(RecordRow.document_id == doc.id)
                .order_by(RecordRow.version.desc())
                .limit(1)
            ).scalar_one()
            if expected_version is not None and latest.version != expected_version:
                raise VersionConflict(f"version {expected_version} is not the latest ({latest.version})")
            row = RecordRow(
                document_id=doc.id,
                version=latest.version + 1,
                rules_version=latest.rules_version,
                run_id=run_id,
                review_status=review_status,
                body=record.model_dump_json(),
            )
            s.add(row)
            s.flush()
            for action, note in events:
                s.add(ReviewEventRow(record_id=row.id, action=action, actor=actor, note=note))
            stored = _stored(row, sha256)
        self._index_quietly(sha256)
        return stored

    def set_review_status(
        self,
        record_id: int,
        review_status: str,
        actor: str,
        action: str,
        note: str | None,
        *,
        latest_only: bool = False,
    ) -> None:
        """Change a record version's review status (approved, rejected, …) and log the event. With
        `latest_only`, a compare-and-set: VersionConflict unless this version is still its document's
        latest (its document row locked meanwhile)."""
        with self._session() as s:
            row = s.get(RecordRow, record_id)
            if row is None:
                raise StoreError(f"no record {record_id}")
            if latest_only:
                s.execute(select(DocumentRow.id).where(DocumentRow.id == row.document_id).with_for_update())
                newest = s.scalar(
                    select(func.max(RecordRow.version)).where(RecordRow.document_id == row.document_id)
                )
                if newest != row.version:
                    raise VersionConflict(f"version {row.version} is not the latest ({newest})")
            row.review_status = review_status
            s.add(ReviewEventRow(record_id=record_id, action=action, actor=actor, note=note))
        self._index_record_quietly(record_id)

    def document_events(self, sha256: str) -> list[dict[str, Any]]:
        """The review events of every version of a document's record, oldest first."""
        with self._session() as s:
            rows = s.execute(
                select(ReviewEventRow, RecordRow.version)
                .join(RecordRow, ReviewEventRow.record_id == RecordRow.id)
                .join(DocumentRow, RecordRow.document_id == DocumentRow.id)
                .where(DocumentRow.sha256 == sha256)
                .order_by(ReviewEventRow.id)
            ).all()
            return [
                {"version": v, "action": e.action, "actor": e.actor, "note": e.note, "at": e.at}
                for e, v in rows
            ]

    def approved_at(self, record_id: int) -> datetime | None:
        """When this record version was last approved, if it was."""
        with self._session() as s:
            return s.execute(
                select(func.max(ReviewEventRow.at)).where(
                    ReviewEventRow.record_id == record_id, ReviewEventRow.action == "approved"
                )
            ).scalar_one_or_none()

    def add_export(
        self,
        record_id: int,
        sink: str,
        status: str,
        *,
        attempts: int = 1,
        target: str | None = None,
        error: str | None = None,
    ) -> None:
        with self._session() as s:
            s.add(
                ExportRow(
                    record_id=record_id,
                    sink=sink,
                    status=status,
                    attempts=attempts,
                    target=target,
                    error=error,
                )
            )
            if status == "ok":
                _mark_exported(s, [record_id])

    def begin_export_batch(
        self, batch_id: str, sink: str, target: str, digest: str, record_ids: Sequence[int]
    ) -> None:
        """Record an export file about to be written (before it is), so a crash after writing it is
        recognised by `unfinished_export_batches` instead of exporting its records again."""
        with self._session() as s:
            s.add(
                ExportBatchRow(
                    id=batch_id,
                    sink=sink,
                    target=target,
                    digest=digest,
                    record_ids=list(record_ids),
                    status="writing",
                )
            )

    def finish_export_batch(self, batch_id: str, status: str = "done") -> None:
        """Mark an export batch done, with one ok export per record version it holds, in one transaction
        (or abandoned: its file never appeared, its records stay pending)."""
        with self._session() as s:
            row = s.get(ExportBatchRow, batch_id)
            if row is None:
                raise StoreError(f"no export batch {batch_id}")
            if row.status != "writing":
                return
            row.status = status
            row.finished_at = _now()
            if status == "done":
                for record_id in row.record_ids:
                    s.add(ExportRow(record_id=record_id, sink=row.sink, status="ok", target=row.target))
                _mark_exported(s, row.record_ids)

    def unfinished_export_batches(self, sink: str) -> list[dict[str, Any]]:
        """Export batches recorded but not finished (a crash between writing the file and recording it)."""
        with self._session() as s:
            rows = s.execute(
                select(ExportBatchRow)
                .where(ExportBatchRow.sink == sink, ExportBatchRow.status == "writing")
                .order_by(ExportBatchRow.created_at)
            ).scalars()
            return [
                {"id": r.id, "target": r.target, "digest": r.digest, "record_ids": list(r.record_ids)}
                for r in rows
            ]

    def exports(self, record_id: int | None = None) -> list[dict[str, Any]]:
        """Export attempts (newest first), optionally of one record version, as plain dicts."""
        with self._session() as s:
            q = (
                select(ExportRow, RecordRow.version, DocumentRow.sha256, DocumentRow.filename)
                .join(RecordRow, ExportRow.record_id == RecordRow.id)
                .join(DocumentRow, RecordRow.document_id == DocumentRow.id)
                .order_by(ExportRow.id.desc())
            )
            if record_id is not None:
                q = q.where(ExportRow.record_id == record_id)
            return [
                {
                    "record_id": e.record_id,
                    "version": v,
                    "sha256": sha,
                    "filename": name,
                    "sink": e.sink,
                    "status": e.status,
                    "attempts": e.attempts,
                    "target": e.target,
                    "error": e.error,
                    "at": e.at,
                }
                for e, v, sha, name in s.execute(q).all()
            ]

    # --- the review queue (web/queue.py): one derived row per document, assignments, upload names ---

    def _queue_quietly(self, sha256s: Sequence[str]) -> None:
        """`refresh_queue_rows`, never failing the write it follows (`ensure_queue` catches up)."""
        try:
            self.refresh_queue_rows(sha256s)
        except Exception as e:  # the write is stored; a stale queue row is rebuilt when read
            log.warning("queue row not updated for %d document(s): %s", len(sha256s), type(e).__name__)

    def refresh_queue_rows(self, sha256s: Sequence[str]) -> int:
        """Recompute the queue rows of these documents from their latest records; returns how many."""
        wanted = list(dict.fromkeys(sha256s))
        done = 0
        for start in range(0, len(wanted), 500):
            with self._session() as s:
                done += self._refresh_queue(s, wanted[start : start + 500])
        return done

    def _refresh_queue(self, s: Session, sha256s: Sequence[str]) -> int:
        from pipeline.cases.received import best_received, detected_from_row

        docs = {
            doc_id: (sha, filename, seen)
            for doc_id, sha, filename, seen in s.execute(
                select(
                    DocumentRow.id, DocumentRow.sha256, DocumentRow.filename, DocumentRow.first_seen
                ).where(DocumentRow.sha256.in_(list(sha256s)))
            ).all()
        }
        newest = (
            select(RecordRow.document_id, func.max(RecordRow.version).label("v"))
            .where(RecordRow.document_id.in_(list(docs)))
            .group_by(RecordRow.document_id)
            .subquery()
        )
        latest = s.execute(
            select(
                RecordRow.id,
                RecordRow.document_id,
                RecordRow.version,
                RecordRow.review_status,
                RecordRow.body,
            ).join(
                newest, (newest.c.document_id == RecordRow.document_id) & (newest.c.v == RecordRow.version)
            )
        ).all()
        shas = [sha for sha, _, _ in docs.values()]
        exported = set(
            s.execute(
                select(ExportRow.record_id).where(
                    ExportRow.status == "ok", ExportRow.record_id.in_([r.id for r in latest])
                )
            ).scalars()
        )
        receipts: dict[str, str] = {}
        for sha, day in s.execute(
            select(ReceiptRow.sha256, ReceiptRow.received)
            .where(ReceiptRow.sha256.in_(shas))
            .order_by(ReceiptRow.id)
        ).all():
            receipts[sha] = day
        detected = {
            row.sha256: {"received": row.received, "source": row.source, "rule": row.rule, "page": row.page}
            for row in s.execute(
                select(
                    DetectedReceiptRow.sha256,
                    DetectedReceiptRow.received,
                    DetectedReceiptRow.source,
                    DetectedReceiptRow.rule,
                    DetectedReceiptRow.page,
                ).where(DetectedReceiptRow.sha256.in_(shas))
            ).all()
        }
        names = dict(
            s.execute(
                select(UploadNameRow.sha256, UploadNameRow.name).where(UploadNameRow.sha256.in_(shas))
            ).all()
        )
        assigned = dict(
            s.execute(
                select(AssignmentRow.sha256, AssignmentRow.assignee).where(AssignmentRow.sha256.in_(shas))
            ).all()
        )
        rows = []
        for record_id, doc_id, version, review_status, body in latest:
            sha, filename, seen = docs[doc_id]
            values = queue_values(json.loads(body), filename, names.get(sha))
            seen = seen if seen.tzinfo else seen.replace(tzinfo=UTC)
            best = best_received(
                person=receipts.get(sha),
                detected=detected_from_row(detected.get(sha)),
                first_seen=seen.date().isoformat(),
                report_date=values["report_date"],
            )
            received = best.date if best is not None and best.source != "first_seen" else None
            assignee = assigned.get(sha)
            rows.append(
                {
                    **values,
                    "sha256": sha,
                    "record_id": record_id,
                    "version": version,
                    "first_seen": seen,
                    "status": "exported"
                    if review_status == "approved" and record_id in exported
                    else review_status,
                    "received": received,
                    "received_source": best.source if best is not None else None,
                    "received_sort": received_sort(received, seen),
                    "assignee": assignee,
                    "assignee_key": assignee.lower() if assignee else None,
                }
            )
        # One executemany upsert, much cheaper than ORM updates in bulk, and safe when two writers refresh
        # the same row at once (a delete then an insert of both would collide on the key on PostgreSQL).
        if rows:
            table = Base.metadata.tables["queue_rows"]
            upsert = postgresql_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
            stmt = upsert(table)
            stmt = stmt.on_conflict_do_update(
                index_elements=[table.c.sha256],
                set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name != "sha256"},
            )
            s.connection().execute(stmt, rows)
        return len(rows)

    def ensure_queue(self) -> int:
        """Build the queue rows that are missing or older than their document's latest record (a database
        from before the queue table, or an update that failed); returns how many were rebuilt."""
        with self._session() as s:
            docs = s.scalar(select(func.count()).select_from(DocumentRow)) or 0
            rows = s.scalar(select(func.count()).select_from(QueueRow)) or 0
            newest = s.scalar(select(func.max(RecordRow.id))) or 0
            shown = s.scalar(select(func.max(QueueRow.record_id))) or 0
            if docs == rows and newest == shown:
                return 0
            latest = s.execute(
                select(DocumentRow.sha256, func.max(RecordRow.id))
                .join(RecordRow, RecordRow.document_id == DocumentRow.id)
                .group_by(DocumentRow.id)
            ).all()
            have = dict(s.execute(select(QueueRow.sha256, QueueRow.record_id)).all())
        stale = [sha for sha, record_id in latest if have.get(sha) != record_id]
        return self.refresh_queue_rows(stale)

    def _queue_where(self, f: QueueFilter, *, rare: bool = False) -> list[Any]:
        """The conditions of a view. `rare`: the search finds few rows, so find them first by scanning the
        search index alone (covering), instead of walking the sort index and testing every row."""
        where: list[Any] = []
        if f.status:
            where.append(QueueRow.status == f.status)
        if f.flagged:
            where.append(QueueRow.flag_count > 0)
        if f.assignee is not None:  # "" (a reviewer with no name) finds nothing
            where.append(QueueRow.assignee_key == f.assignee.lower())
        if f.received_day:
            day = QueueRow.received == f.received_day
            if f.received_between:
                # SQLite compares the stored UTC text: compare in UTC
                start, end = (at.astimezone(UTC) for at in f.received_between)
                day = day | (
                    QueueRow.received.is_(None) & (QueueRow.first_seen >= start) & (QueueRow.first_seen < end)
                )
            where.append(day)
        likes = []
        for term in f.terms:
            escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            likes.append(QueueRow.search.like(f"%{escaped}%", escape="\\"))
        if likes and rare:
            where.append(QueueRow.sha256.in_(select(QueueRow.sha256).where(*likes)))
        else:
            where.extend(likes)
        if f.case_key:
            where.append(
                QueueRow.sha256.in_(select(CaseIndexRow.sha256).where(CaseIndexRow.case_key == f.case_key))
            )
        return where

    @staticmethod
    def _queue_sort(f: QueueFilter) -> tuple[Any, Any]:
        """The column a view sorts by, and the condition of a row that has no value there (None when every
        row has one); rows without a value come last in both directions, newest received first."""
        from pipeline.operations.queue_index import SORT_COLUMNS

        name = SORT_COLUMNS.get(f.sort, "received_sort")
        column = getattr(QueueRow, name)
        if name in ("received_sort", "status", "filename_sort", "mmi_sort"):
            return column, None
        if name in ("report_date", "wpi_sort", "assignee_key"):
            return column, column.is_(None)
        return column, column == ""

    #: A search that finds at most this many rows is run search-first (`_queue_where(rare=True)`).
    RARE_SEARCH = 2000

    def _rare(self, s: Session, f: QueueFilter) -> bool:
        likes = self._queue_where(QueueFilter(terms=f.terms))
        found = s.scalar(select(func.count()).select_from(QueueRow).where(*likes)) or 0
        return found <= self.RARE_SEARCH

    def queue_page(self, f: QueueFilter, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """One page of the queue (rows as dicts) and how many rows the filter finds in all. Each part is
        one indexed range: the rows with a value in the sort column in its order, then those without."""
        self.ensure_queue()
        column, missing = self._queue_sort(f)
        desc = f.direction == "desc"
        where = self._queue_where(f)
        order = [column.desc(), QueueRow.sha256.desc()] if desc else [column.asc(), QueueRow.sha256.asc()]
        with self._session() as s:
            if f.terms and self._rare(s, f):
                where = self._queue_where(f, rare=True)

            def fetch(conditions: list[Any], by: list[Any], skip: int, take: int) -> list[QueueRow]:
                query = select(QueueRow).where(*conditions).order_by(*by).offset(skip).limit(take)
                return list(s.execute(query).scalars())

            def count(conditions: list[Any]) -> int:
                return s.scalar(select(func.count()).select_from(QueueRow).where(*conditions)) or 0

            if missing is None:
                return [_queue_dict(r) for r in fetch(where, order, offset, limit)], count(where)
            present = count([*where, ~missing])
            absent = count([*where, missing])
            rows = fetch([*where, ~missing], order, offset, limit) if offset < present else []
            if len(rows) < limit:
                rows += fetch(
                    [*where, missing],
                    [QueueRow.received_sort.desc(), QueueRow.sha256.desc()],
                    max(0, offset - present),
                    limit - len(rows),
                )
            return [_queue_dict(r) for r in rows], present + absent

    def queue_next(self, f: QueueFilter, after_sha256: str) -> str | None:
        """The document after `after_sha256` in the order of `f` among the rows `f` finds (the given one
        may have left them, e.g. approved out of "needs review"); None at the end."""
        self.ensure_queue()
        column, missing = self._queue_sort(f)
        desc = f.direction == "desc"

        def after(col: Any, was: Any, downwards: bool) -> Any:
            return col < was if downwards else col > was

        with self._session() as s:
            here = s.execute(
                select(
                    column, QueueRow.sha256, QueueRow.received_sort, *([] if missing is None else [missing])
                ).where(QueueRow.sha256 == after_sha256)
            ).first()
            if here is None:
                return None
            where = self._queue_where(f, rare=bool(f.terms) and self._rare(s, f))
            value, sha, received = here[0], here[1], here[2]
            was_missing = bool(here[3]) if missing is not None else False
            tail_order = [QueueRow.received_sort.desc(), QueueRow.sha256.desc()]
            if not was_missing:
                step = after(column, value, desc) | ((column == value) & after(QueueRow.sha256, sha, desc))
                conditions = [*where, step] if missing is None else [*where, ~missing, step]
                order = (
                    [column.desc(), QueueRow.sha256.desc()] if desc else [column.asc(), QueueRow.sha256.asc()]
                )
                found = s.scalar(select(QueueRow.sha256).where(*conditions).order_by(*order).limit(1))
                if found is not None or missing is None:
                    return found
                return s.scalar(select(QueueRow.sha256).where(*where, missing).order_by(*tail_order).limit(1))
            step = (QueueRow.received_sort < received) | (
                (QueueRow.received_sort == received) & (QueueRow.sha256 < sha)
            )
            return s.scalar(
                select(QueueRow.sha256).where(*where, missing, step).order_by(*tail_order).limit(1)
            )

    def queue_counts(self) -> dict[str, int]:
        """How many queue rows per status."""
        self.ensure_queue()
        with self._session() as s:
            return {
                status: n
                for status, n in s.execute(
                    select(QueueRow.status, func.count()).group_by(QueueRow.status)
                ).all()
            }

    def queue_count(self, f: QueueFilter) -> int:
        """How many queue rows `f` finds."""
        with self._session() as s:
            return s.scalar(select(func.count()).select_from(QueueRow).where(*self._queue_where(f))) or 0

    def assign(self, sha256s: Sequence[str], assignee: str | None, actor: str) -> int:
        """Assign documents to a reviewer (None or empty: unassign); returns how many documents exist."""
        name = " ".join((assignee or "").split())[:128] or None
        with self._session() as s:
            known = list(
                s.execute(select(DocumentRow.sha256).where(DocumentRow.sha256.in_(list(sha256s)))).scalars()
            )
            for sha in known:
                if name is None:
                    s.execute(delete(AssignmentRow).where(AssignmentRow.sha256 == sha))
                else:
                    row = _locked_row(s, AssignmentRow, {"sha256": sha}, assignee=name, actor=actor)
                    row.assignee, row.actor, row.at = name, actor, _now()
                s.execute(
                    update(QueueRow)
                    .where(QueueRow.sha256 == sha)
                    .values(assignee=name, assignee_key=name.lower() if name else None)
                )
        return len(known)

    def case_keys(self, sha256s: Sequence[str]) -> dict[str, str]:
        """The case key of each of these documents that the case index has grouped."""
        with self._session() as s:
            rows = s.execute(
                select(CaseIndexRow.sha256, CaseIndexRow.case_key).where(
                    CaseIndexRow.sha256.in_(list(sha256s))
                )
            ).all()
            return {sha: key for sha, key in rows if key}

    def assignee(self, sha256: str) -> str | None:
        """Who a document is assigned to, if anyone."""
        with self._session() as s:
            row = s.get(AssignmentRow, sha256)
            return None if row is None else row.assignee

    def set_upload_name(self, sha256: str, name: str, actor: str) -> None:
        """Remember the name a file was uploaded under (shown instead of the generated inbox name)."""
        with self._session() as s:
            row = _locked_row(s, UploadNameRow, {"sha256": sha256}, name=name[:512], actor=actor)
            row.name, row.actor, row.at = name[:512], actor, _now()
        self._queue_quietly([sha256])

    def upload_name(self, sha256: str) -> str | None:
        """The name a document was uploaded under, if it came through the review app."""
        with self._session() as s:
            row = s.get(UploadNameRow, sha256)
            return None if row is None else row.name

    def failed_intakes(self, limit: int = 200) -> list[dict[str, Any]]:
        """Files that could not be read and have no record (the newest attempt per content or name),
        newest first: filename, sha256, stage, message, at."""
        with self._session() as s:
            rows = s.execute(
                select(IntakeRow)
                .where(
                    IntakeRow.status == "failed",
                    IntakeRow.sha256.is_(None) | IntakeRow.sha256.not_in(select(DocumentRow.sha256)),
                )
                .order_by(IntakeRow.id.desc())
                .limit(limit * 4)
            ).scalars()
            seen: set[str] = set()
            out = []
            for r in rows:
                key = r.sha256 or r.filename
                if key in seen:
                    continue
                seen.add(key)
                out.append(
                    {
                        "filename": r.filename,
                        "sha256": r.sha256,
                        "exit_code": r.exit_code,
                        "stage": r.stage,
                        "message": r.message,
                        "at": r.at,
                    }
                )
            return out[:limit]

    def failed_exports(self) -> list[dict[str, Any]]:
        """The latest export attempt per record version and sink where that attempt failed, newest first."""
        later = select(ExportRow.id).where(
            (ExportRow.record_id == _EXPORT_ALIAS.record_id)
            & (ExportRow.sink == _EXPORT_ALIAS.sink)
            & (ExportRow.id > _EXPORT_ALIAS.id)
        )
        with self._session() as s:
            rows = s.execute(
                select(_EXPORT_ALIAS, RecordRow.version, DocumentRow.sha256, DocumentRow.filename)
                .join(RecordRow, _EXPORT_ALIAS.record_id == RecordRow.id)
                .join(DocumentRow, RecordRow.document_id == DocumentRow.id)
                .where(_EXPORT_ALIAS.status == "failed", ~later.exists())
                .order_by(_EXPORT_ALIAS.id.desc())
            ).all()
            return [
                {
                    "record_id": e.record_id,
                    "version": v,
                    "sha256": sha,
                    "filename": name,
                    "sink": e.sink,
                    "status": e.status,
                    "attempts": e.attempts,
                    "target": e.target,
                    "error": e.error,
                    "at": e.at,
                }
                for e, v, sha, name in rows
            ]

    # --- cases (pipeline/cases/): the case index, receipts, per-case settings ---

    def _index_quietly(self, sha256: str) -> None:
        """`update_case_index`, never failing the write it follows (the index is rebuilt when read)."""
        try:
            self.update_case_index(sha256)
        except Exception as e:  # the record is stored; a failed index must not lose it
            log.warning("case index not updated for document %s: %s", sha256[:12], type(e).__name__)
        self._queue_quietly([sha256])

    def _index_record_quietly(self, record_id: int) -> None:
        try:
            stored = self.record_by_id(record_id)
        except Exception as e:  # the status is stored; see _index_quietly
            log.warning("case index not updated for record %s: %s", record_id, type(e).__name__)
            return
        if stored is not None:
            self._index_quietly(stored.sha256)

    def update_case_index(self, sha256: str) -> None:
        """Refresh the case index row of one document from its latest record, and the case keys of every
        document whose case that changes (pipeline/cases/group.py)."""
        from pipeline.cases.group import case_keys, fingerprint

        latest = self.latest_record(sha256)
        if latest is None:
            return
        record = latest.record()
        keys = case_keys(record)
        fp = fingerprint(record).to_json()
        with self._session() as s:
            row = s.get(CaseIndexRow, sha256, with_for_update=True)
            changed = (
                row is None
                or list(keys.case_numbers) != list(row.case_numbers)
                or keys.applicant != row.applicant
                or list(keys.injury_dates) != list(row.injury_dates)
                or keys.birth_date != row.birth_date
                or fp != row.fingerprint
            )
            if row is None:
                row = _locked_row(
                    s,
                    CaseIndexRow,
                    {"sha256": sha256},
                    case_key="",
                    case_numbers=list(keys.case_numbers),
                    injury_dates=list(keys.injury_dates),
                    fingerprint=fp,
                )
            row.case_numbers = list(keys.case_numbers)
            row.applicant = keys.applicant
            row.injury_dates = list(keys.injury_dates)
            row.birth_date = keys.birth_date
            row.fingerprint = fp
            row.updated_at = _now()
            s.flush()
            if changed:
                self._regroup(s)

    def _regroup(self, s: Session) -> None:
        from pipeline.cases.group import CaseKeys, Fingerprint, group_cases

        rows = list(s.execute(select(CaseIndexRow)).scalars())
        keys = group_cases(
            [
                (r.sha256, CaseKeys(tuple(r.case_numbers), r.applicant, tuple(r.injury_dates), r.birth_date))
                for r in rows
            ],
            {r.sha256: Fingerprint.from_json(r.fingerprint) for r in rows},
        )
        moved: dict[str, str] = {}
        for r in rows:
            if r.case_key != keys[r.sha256]:
                if r.case_key:
                    moved.setdefault(r.case_key, keys[r.sha256])
                r.case_key = keys[r.sha256]
        # A case's settings follow it when its key changes (a new report brought a smaller case number, or
        # a numberless case joined a numbered one); a setting already made under the new key wins.
        for old, new in moved.items():
            setting = s.get(CaseSettingRow, old)
            if setting is not None and old not in set(keys.values()) and s.get(CaseSettingRow, new) is None:
                s.add(CaseSettingRow(case_key=new, represented=setting.represented, actor=setting.actor))
                s.delete(setting)
            inputs = s.get(CaseRatingInputRow, old)
            if (
                inputs is not None
                and old not in set(keys.values())
                and s.get(CaseRatingInputRow, new) is None
            ):
                s.add(
                    CaseRatingInputRow(
                        case_key=new,
                        group=inputs.group,
                        title=inputs.title,
                        birth_date=inputs.birth_date,
                        earnings=inputs.earnings,
                        actor=inputs.actor,
                    )
                )
                s.delete(inputs)
            controlling = s.get(CaseControllingRow, old)
            if (
                controlling is not None
                and old not in set(keys.values())
                and s.get(CaseControllingRow, new) is None
            ):
                s.add(CaseControllingRow(case_key=new, sha256=controlling.sha256, actor=controlling.actor))
                s.delete(controlling)

    def rebuild_case_index(self) -> int:
        """Index every document that has a record but no case index row (a database from before the
        case view, or a failed update), then regroup; returns how many rows were added."""
        from pipeline.cases.group import case_keys, fingerprint

        with self._session() as s:
            indexed = set(s.execute(select(CaseIndexRow.sha256)).scalars())
            missing = [
                sha
                for sha in s.execute(
                    select(DocumentRow.sha256).join(RecordRow, RecordRow.document_id == DocumentRow.id)
                ).scalars()
                if sha not in indexed
            ]
        added = 0
        for sha in dict.fromkeys(missing):
            latest = self.latest_record(sha)
            if latest is None:
                continue
            record = latest.record()
            keys = case_keys(record)
            with self._session() as s:
                if s.get(CaseIndexRow, sha) is None:
                    s.add(
                        CaseIndexRow(
                            sha256=sha,
                            case_key="",
                            case_numbers=list(keys.case_numbers),
                            applicant=keys.applicant,
                            injury_dates=list(keys.injury_dates),
                            birth_date=keys.birth_date,
                            fingerprint=fingerprint(record).to_json(),
                        )
                    )
                    added += 1
        with self._session() as s:
            self._regroup(s)
        return added

    def case_index(self) -> list[dict[str, Any]]:
        """Every case index row (sha256, case_key, case_numbers, applicant, injury_dates, fingerprint),
        indexing first any document with a record that has no row yet."""
        with self._session() as s:
            docs = s.scalar(select(func.count(func.distinct(RecordRow.document_id))).select_from(RecordRow))
            rows = s.scalar(select(func.count()).select_from(CaseIndexRow))
            # Rows written before fingerprints carried the text signature (pipeline/cases/group.py).
            stale = s.scalar(
                select(func.count())
                .select_from(CaseIndexRow)
                .where(~CaseIndexRow.fingerprint.contains("text_size"))
            )
        if (docs or 0) > (rows or 0) or stale:
            self.rebuild_case_index()
        with self._session() as s:
            return [
                {
                    "sha256": r.sha256,
                    "case_key": r.case_key,
                    "case_numbers": list(r.case_numbers),
                    "applicant": r.applicant,
                    "injury_dates": list(r.injury_dates),
                    "birth_date": r.birth_date,
                    "fingerprint": r.fingerprint,
                }
                for r in s.execute(select(CaseIndexRow).order_by(CaseIndexRow.sha256)).scalars()
            ]

    def case_documents(self, sha256s: Sequence[str]) -> list[dict[str, Any]]:
        """The given documents with their latest record, as `documents_overview` gives them, plus
        `received`: the date a person set (`set_received`), else None (then `first_seen` is the receipt),
        `received_by`: who set it, and `detected`: the receipt date the pages show (`set_detected_received`:
        received, source, rule, page, text), else None."""
        wanted = set(sha256s)
        if not wanted:
            return []
        with self._session() as s:
            rows = self._latest_records(s, wanted)
            record_ids = [r.id for _, r in rows]
            exported = set(
                s.execute(
                    select(ExportRow.record_id).where(
                        ExportRow.status == "ok", ExportRow.record_id.in_(record_ids)
                    )
                ).scalars()
            )
            receipts: dict[str, ReceiptRow] = {}
            for receipt in s.execute(
                select(ReceiptRow).where(ReceiptRow.sha256.in_(wanted)).order_by(ReceiptRow.id)
            ).scalars():
                receipts[receipt.sha256] = receipt
            detected = {
                row.sha256: {
                    "received": row.received,
                    "source": row.source,
                    "rule": row.rule,
                    "page": row.page,
                    "text": row.text,
                }
                for row in s.execute(
                    select(DetectedReceiptRow).where(DetectedReceiptRow.sha256.in_(wanted))
                ).scalars()
            }
            return [
                {
                    **_overview_row(d, r, exported),
                    "received": receipts[d.sha256].received if d.sha256 in receipts else None,
                    "received_by": receipts[d.sha256].actor if d.sha256 in receipts else None,
                    "detected": detected.get(d.sha256),
                }
                for d, r in rows
            ]

    def set_received(self, sha256: str, day: date | str, actor: str) -> None:
        """Record when a document was received (overrides documents.first_seen for its deadline); `day`
        is a date or an ISO date string."""
        self.set_received_many({sha256: day}, actor)

    def set_received_many(self, days: Mapping[str, date | str], actor: str) -> None:
        """Record when each of several documents was received, all in one transaction (none if one is
        unknown); each day a date or an ISO date string."""
        parsed: dict[str, date] = {}
        for sha256, day in days.items():
            if isinstance(day, str):
                try:
                    day = date.fromisoformat(day)
                except ValueError as e:
                    raise StoreError("the received date must be an ISO date like 2026-12-01") from e
            parsed[sha256] = day
        with self._session() as s:
            known = set(
                s.execute(select(DocumentRow.sha256).where(DocumentRow.sha256.in_(list(parsed)))).scalars()
            )
            for sha256 in parsed:
                if sha256 not in known:
                    raise StoreError(f"no document {sha256[:12]}")
            for sha256, day in parsed.items():
                s.add(ReceiptRow(sha256=sha256, received=day.isoformat(), actor=actor))
        self._queue_quietly(list(parsed))

    def set_detected_received(
        self, sha256: str, day: str, source: str, rule: str, page: int, text: str
    ) -> None:
        """Store the receipt date a document's pages show (a stamp or fax header found when it was read),
        replacing an earlier reading's; `day` an ISO date."""
        date.fromisoformat(day)
        with self._session() as s:
            row = _locked_row(
                s,
                DetectedReceiptRow,
                {"sha256": sha256},
                received=day,
                source=source,
                rule=rule,
                page=page,
                text=text[:120],
            )
            row.received, row.source, row.rule, row.page, row.text = day, source, rule, page, text[:120]
            row.at = _now()
        self._queue_quietly([sha256])

    def clear_detected_received(self, sha256: str) -> None:
        """Forget the detected receipt date of a document (a new reading found none)."""
        with self._session() as s:
            s.execute(delete(DetectedReceiptRow).where(DetectedReceiptRow.sha256 == sha256))
        self._queue_quietly([sha256])

    def set_represented(self, key: str, represented: bool, actor: str) -> None:
        """Set whether the applicant of a case (by case key) is represented (default: represented)."""
        with self._session() as s:
            row = _locked_row(s, CaseSettingRow, {"case_key": key}, represented=represented, actor=actor)
            row.represented, row.actor, row.at = represented, actor, _now()

    def set_rating_inputs(
        self,
        key: str,
        actor: str,
        *,
        group: int | None = None,
        title: str | None = None,
        birth_date: str | None = None,
        earnings: float | None = None,
    ) -> None:
        """Set what a reviewer decided for a case's ratings (None leaves a field to the reports)."""
        with self._session() as s:
            row = _locked_row(s, CaseRatingInputRow, {"case_key": key}, actor=actor)
            row.group, row.title, row.birth_date, row.earnings = group, title, birth_date, earnings
            row.actor, row.at = actor, _now()

    def rating_inputs(self, key: str) -> dict[str, Any] | None:
        """The rating inputs a reviewer set for a case, or None."""
        with self._session() as s:
            row = s.get(CaseRatingInputRow, key)
            if row is None:
                return None
            return {
                "group": row.group,
                "title": row.title,
                "birth_date": row.birth_date,
                "earnings": row.earnings,
                "actor": row.actor,
            }

    def represented(self, key: str) -> bool:
        """Whether the case's applicant is represented (True unless set otherwise)."""
        with self._session() as s:
            row = s.get(CaseSettingRow, key)
            return True if row is None else bool(row.represented)

    def set_controlling_report(self, key: str, sha256: str | None, actor: str) -> None:
        """Set the controlling report of a case (by case key), or clear it with None."""
        with self._session() as s:
            if sha256 is None:
                s.execute(delete(CaseControllingRow).where(CaseControllingRow.case_key == key))
            else:
                row = _locked_row(s, CaseControllingRow, {"case_key": key}, sha256=sha256, actor=actor)
                row.sha256, row.actor, row.at = sha256, actor, _now()

    def controlling_report(self, key: str) -> str | None:
        """The sha256 of the report a paralegal set as the case's controlling one, if any."""
        with self._session() as s:
            row = s.get(CaseControllingRow, key)
            return None if row is None else row.sha256

    # --- case exports (pipeline/operations/case_export.py) ---------------------------------------------

    def exported_case_versions(self, sink: str) -> set[tuple[str, str]]:
        """(case key, digest) of every case version delivered (ok) to `sink`."""
        with self._session() as s:
            rows = s.execute(
                select(CaseExportRow.case_key, CaseExportRow.digest).where(
                    CaseExportRow.sink == sink, CaseExportRow.status == "ok"
                )
            ).all()
            return {(k, d) for k, d in rows}

    def add_case_exports(
        self,
        versions: Sequence[tuple[str, str]],
        sink: str,
        status: str,
        *,
        batch: str | None = None,
        target: str | None = None,
        file_digest: str | None = None,
        attempts: int = 1,
        error: str | None = None,
    ) -> None:
        """Store one row per (case key, digest), all in one transaction."""
        with self._session() as s:
            for key, digest in versions:
                s.add(
                    CaseExportRow(
                        case_key=key,
                        digest=digest,
                        sink=sink,
                        status=status,
                        batch=batch,
                        target=target,
                        file_digest=file_digest,
                        attempts=attempts,
                        error=error,
                    )
                )

    def unfinished_case_batches(self) -> list[dict[str, Any]]:
        """File batches of case versions stored as `writing`: (batch, target, file digest)."""
        with self._session() as s:
            rows = s.execute(
                select(CaseExportRow.batch, CaseExportRow.target, CaseExportRow.file_digest)
                .where(CaseExportRow.status == "writing")
                .distinct()
            ).all()
            return [{"batch": b, "target": t, "file_digest": d} for b, t, d in rows]

    def finish_case_batch(self, batch: str, status: str) -> None:
        """Mark every row of a file batch `ok` (written) or `abandoned`."""
        with self._session() as s:
            for row in s.execute(select(CaseExportRow).where(CaseExportRow.batch == batch)).scalars():
                row.status = status

    # --- review app accounts and sessions ---

    def add_user(self, name: str, password_hash: str, role: str) -> bool:
        """A new account; False when the name is taken."""
        try:
            with self._session(conflicts=True) as s:
                if s.get(UserRow, name) is not None:
                    return False
                s.add(UserRow(name=name, password_hash=password_hash, role=role, disabled=False))
        except IntegrityError:
            return False
        return True

    def user(self, name: str) -> dict[str, Any] | None:
        """One account with its password hash, or None."""
        with self._session() as s:
            row = s.get(UserRow, name)
            if row is None:
                return None
            return {
                "name": row.name,
                "password_hash": row.password_hash,
                "role": row.role,
                "disabled": row.disabled,
                "created": row.created,
            }

    def users(self) -> list[dict[str, Any]]:
        """Every account by name, without password hashes."""
        with self._session() as s:
            rows = s.execute(select(UserRow).order_by(UserRow.name)).scalars().all()
            return [
                {"name": r.name, "role": r.role, "disabled": r.disabled, "created": r.created} for r in rows
            ]

    def has_active_users(self) -> bool:
        with self._session() as s:
            return (
                s.execute(select(UserRow.name).where(UserRow.disabled.is_(False)).limit(1)).first()
                is not None
            )

    def update_user(
        self,
        name: str,
        *,
        password_hash: str | None = None,
        role: str | None = None,
        disabled: bool | None = None,
    ) -> bool:
        """Change an account; a new password or disabling it ends its sessions. False when there is none."""
        with self._session() as s:
            row = s.get(UserRow, name)
            if row is None:
                return False
            if password_hash is not None:
                row.password_hash = password_hash
            if role is not None:
                row.role = role
            if disabled is not None:
                row.disabled = disabled
            if password_hash is not None or disabled:
                s.execute(
                    delete(ReviewSessionRow).where(
                        ReviewSessionRow.user == name, ReviewSessionRow.kind == "account"
                    )
                )
        return True

    def save_review_session(
        self, id_hash: str, kind: str, user: str | None, name: str | None, created: float, seen: float
    ) -> None:
        """Store (or replace) a session."""
        with self._session() as s:
            s.merge(
                ReviewSessionRow(id_hash=id_hash, kind=kind, user=user, name=name, created=created, seen=seen)
            )

    def review_session(self, id_hash: str) -> dict[str, Any] | None:
        with self._session() as s:
            row = s.get(ReviewSessionRow, id_hash)
            if row is None:
                return None
            return {
                "kind": row.kind,
                "user": row.user,
                "name": row.name,
                "created": row.created,
                "seen": row.seen,
            }

    def touch_review_session(self, id_hash: str, seen: float) -> None:
        with self._session() as s:
            row = s.get(ReviewSessionRow, id_hash)
            if row is not None:
                row.seen = seen

    def drop_review_session(self, id_hash: str) -> None:
        with self._session() as s:
            s.execute(delete(ReviewSessionRow).where(ReviewSessionRow.id_hash == id_hash))

    def purge_review_sessions(self, kind: str, seen_before: float, created_before: float) -> int:
        """Delete the sessions of one kind unused since `seen_before` or begun before `created_before`."""
        with self._session() as s:
            result = s.execute(
                delete(ReviewSessionRow).where(
                    ReviewSessionRow.kind == kind,
                    (ReviewSessionRow.seen < seen_before) | (ReviewSessionRow.created < created_before),
                )
            )
            return int(getattr(result, "rowcount", 0) or 0)
