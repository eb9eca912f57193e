"""What a batch produces: each document's outcome (processed, duplicate, failed with its reason) and the batch summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Status = Literal["processed", "duplicate", "failed"]


@dataclass(frozen=True)
class ErrorInfo:
    """Why a document failed: exit code, error class, one-line message, and the stage that raised."""

    exit_code: int
    error: str
    message: str
    stage: str


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
        if self.status == "failed" and self.error is not None:
            what = f"quarantined, {self.error.error} at {self.error.stage}: {self.error.message}"
        elif self.status == "duplicate":
            what = f"duplicate of stored record v{self.record_version}, archived"
        else:
            what = f"{self.review_status}, {len(self.flags)} flag(s), {self.pages} page(s)"
        return f"{self.filename}{sha}: {what} [{self.seconds:.1f} s]"


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
