"""What a batch produces: each document's outcome (processed, duplicate, failed with its reason) and the batch summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pipeline.errors import ExitCode, InternalError, MedlegalError
from pipeline.operations.names import safe_name

Status = Literal["processed", "duplicate", "failed"]


@dataclass(frozen=True)
class ErrorInfo:
    """Why a document failed: exit code, error class, one-line message, and the stage that raised."""

    exit_code: int
    error: str
    message: str
    stage: str


class ReportedError(MedlegalError):
    """A document's failure as the worker process that ran it reported it (its ErrorInfo)."""

    def __init__(self, info: ErrorInfo, transient: bool = False) -> None:
        self.info = info
        self.transient = transient
        try:
            self.exit_code = ExitCode(info.exit_code)
        except ValueError:
            self.exit_code = ExitCode.ERROR
        super().__init__(info.message, stage=info.stage)

    def __reduce__(self) -> tuple[Any, ...]:
        return (ReportedError, (self.info, self.transient))


def error_info(exc: BaseException) -> ErrorInfo:
    """The reason recorded for a failed document: the error's own exit code, message and stage (the
    message never names the file: it is stored beside the file, or with its name, already)."""
    if isinstance(exc, ReportedError):
        return exc.info
    if isinstance(exc, InternalError) and exc.__cause__ is not None:
        cause = exc.__cause__
        return ErrorInfo(
            exit_code=int(ExitCode.ERROR),
            error=type(cause).__name__,
            message=f"internal error: {type(cause).__name__}: {cause}",
            stage=exc.stage,
        )
    if isinstance(exc, MedlegalError):
        return ErrorInfo(
            exit_code=int(exc.exit_code), error=type(exc).__name__, message=exc.reason(), stage=exc.stage
        )
    return ErrorInfo(
        exit_code=int(ExitCode.ERROR),
        error=type(exc).__name__,
        message=f"internal error: {type(exc).__name__}: {exc}",
        stage="process",
    )


@dataclass(frozen=True)
class DocumentOutcome:
    """What happened to one claimed file."""

    filename: str
    sha256: str | None
    status: Status
    #: Where the original is now (archive/… or quarantine/…).
    stored_as: str
    seconds: float
    record_path: str | None = None
    record_version: int | None = None
    review_status: str | None = None
    flags: tuple[str, ...] = ()
    pages: int = 0
    error: ErrorInfo | None = None
    recovered: bool = False
    record: dict[str, Any] | None = None

    def log_line(self) -> str:
        """One line for logs and progress: name, sha256 prefix, what happened; never the report's text."""
        sha = f" ({self.sha256[:12]})" if self.sha256 else ""
        name = safe_name(self.filename)
        if self.status == "failed" and self.error is not None:
            what = f"quarantined, {self.error.error} at {self.error.stage}: {self.error.message}"
        elif self.status == "duplicate":
            what = f"duplicate of stored record v{self.record_version}, archived"
        else:
            what = f"{self.review_status}, {len(self.flags)} flag(s), {self.pages} page(s)"
        return f"{name}{sha}: {what} [{self.seconds:.1f} s]"


@dataclass
class BatchSummary:
    """The result of a batch: outcomes, counts and where the outputs are."""

    run_id: str
    trigger: str
    home: Path
    outcomes: list[DocumentOutcome]
    seconds: float
    jsonl_path: Path
    csv_path: Path
    waiting: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def needs_review(self) -> list[DocumentOutcome]:
        return [o for o in self.outcomes if o.status == "processed" and o.review_status == "needs_review"]

    @property
    def failures(self) -> list[DocumentOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]
