"""Uploads from the review app: checks, safe names on disk, a result per file, and a worker that runs them
through the batch.

Each uploaded file gets its own result, so one bad file never hides the good ones that were queued. A
result speaks to a paralegal ("This file is empty") and keeps the technical reason for IT one click away
(`detail`). The name the file was uploaded under is kept (the store's `upload_names`) and shown in the
queue instead of the generated inbox name (`upload-1ab9fd56-ame_008.pdf`).
"""

from __future__ import annotations

import hashlib
import logging
import queue
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile

from models.settings import Settings
from pipeline.errors import MedlegalError
from pipeline.operations.home import Home, move_noreplace
from pipeline.operations.store import Store

log = logging.getLogger(__name__)


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


_EXT = {"application/pdf": ".pdf", "image/tiff": ".tif", "image/png": ".png", "image/jpeg": ".jpg"}

#: What a paralegal reads when a file could not be read, by the error's exit code (pipeline/errors.py).
PLAIN_ERRORS: dict[int, str] = {
    11: "This file is empty.",
    12: "This is not a PDF or an image (PDF, TIFF, PNG or JPEG).",
    13: "This file is damaged and cannot be opened. Ask the sender for a new copy.",
    14: "This PDF is protected by a password. Ask the sender for a copy without one.",
    15: "This file has no pages.",
    16: "This file is too large to read (too many pages or pages too big). Ask for a smaller copy or split it.",
    17: "This is not an ordinary file. Save it to your computer first, then upload it.",
    18: "medlegal may not open this file. Ask IT to check it.",
    20: "The scan could not be read. Try again later; if it fails again, ask IT.",
    21: "Reading this file took too long. Try again later; if it fails again, ask IT.",
    22: "Reading this file stopped unexpectedly. Try again later; if it fails again, ask IT.",
    30: "medlegal could not save this file. Ask IT to check the database.",
    32: "medlegal could not save this file. Ask IT to check the folder permissions.",
}
PLAIN_DEFAULT = "This file could not be read. Try again; if it fails again, ask IT (the reason is below)."
#: What a finished upload says, by the batch outcome.
OUTCOME_MESSAGES = {
    "processed": "Read: open it to review.",
    "duplicate": "Already in medlegal (the same file was received before): open it to review.",
}


def plain_error(exit_code: int | None) -> str:
    """The paralegal's words for a failure with this exit code."""
    return PLAIN_ERRORS.get(exit_code or 0, PLAIN_DEFAULT)


class UploadRefused(ValueError):
    """An uploaded file refused before it reached the inbox: what to tell the paralegal, and why."""

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(detail)
        self.message = message
        self.detail = detail


@dataclass
class UploadJob:
    """One uploaded file: refused at once, or waiting for / done with processing."""

    id: str
    name: str
    stored_as: str
    status: str = "queued"  # queued, processing, done, failed
    message: str = ""
    detail: str = ""
    sha256: str | None = None
    at: datetime = field(default_factory=datetime.now)

    def as_json(self) -> dict[str, Any]:
        """The job as `/uploads` and the upload answer give it."""
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "message": self.message,
            "detail": self.detail,
            "sha256": self.sha256 if self.status == "done" else None,
            "href": f"/doc/{self.sha256}" if self.status == "done" and self.sha256 else None,
        }


class Uploads:
    """Uploaded files waiting for (or done with) processing, one at a time on a background thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.jobs: dict[str, UploadJob] = {}
        self._queue: queue.Queue[tuple[UploadJob, Path]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def recent(self, limit: int = 20) -> list[UploadJob]:
        """The newest jobs first."""
        return sorted(self.jobs.values(), key=lambda j: j.at, reverse=True)[:limit]

    def refused(self, name: str, refusal: UploadRefused) -> UploadJob:
        """Record a file refused at upload (shown in the list beside the good ones)."""
        job = UploadJob(
            id=uuid.uuid4().hex[:12],
            name=name,
            stored_as="",
            status="failed",
            message=refusal.message,
            detail=refusal.detail,
        )
        self.jobs[job.id] = job
        return job

    def submit(self, job: UploadJob, path: Path) -> None:
        self.jobs[job.id] = job
        self._queue.put((job, path))
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="medlegal-uploads", daemon=True)
                self._thread.start()

    def _work(self) -> None:
        from pipeline.operations.batch import run_batch

        while True:
            try:
                job, path = self._queue.get(timeout=30)
            except queue.Empty:
                return
            job.status, job.message = "processing", "Being read."
            try:
                summary = run_batch(self.settings, trigger="upload", files=[path], workers=1)
            except MedlegalError as e:
                job.status, job.message, job.detail = "failed", plain_error(int(e.exit_code)), str(e)
                continue
            except OSError as e:
                job.status, job.message, job.detail = "failed", PLAIN_DEFAULT, f"{type(e).__name__}: {e}"
                continue
            except Exception as e:  # never let the worker die silently
                log.exception("upload %s failed", job.id)
                job.status, job.message, job.detail = "failed", PLAIN_DEFAULT, e.__class__.__name__
                continue
            if not summary.outcomes:
                job.status, job.message = "done", "Picked up by the inbox batch that was running."
                continue
            outcome = summary.outcomes[0]
            job.sha256 = outcome.sha256 or job.sha256
            if outcome.status == "failed":
                job.status = "failed"
                error = outcome.error
                job.message = plain_error(error.exit_code if error else None)
                job.detail = f"{error.error} at {error.stage}: {error.message}" if error else "failed"
            else:
                job.status = "done"
                job.message = OUTCOME_MESSAGES.get(outcome.status, outcome.status)


def safe_upload_name(original: str, media_type: str) -> str:
    """A generated inbox name: random prefix, the original's letters and digits, the type's extension."""
    stem = Path(original.replace("\\", "/")).name.rsplit(".", 1)[0]
    stem = _SAFE.sub("_", stem).strip("._-")[:60] or "report"
    return f"upload-{uuid.uuid4().hex[:8]}-{stem}{_EXT[media_type]}"


def display_name(original: str) -> str:
    """The uploaded file's own name, without any folder a browser sent, for the queue and the lists."""
    name = Path(original.replace("\\", "/")).name.strip()
    return "".join(c for c in name if c.isprintable())[:255] or "report"


async def save_upload(upload: UploadFile, home: Home, settings: Settings) -> tuple[str, Path, str]:
    """Check an uploaded file like an inbox file (size, signature), move it into the inbox under a
    generated name; returns (that name, its path, the SHA-256 of its bytes). Raises UploadRefused."""
    from pipeline.reading.read import detect_media_type

    limit = int(settings.max_file_mb * 1024 * 1024)
    tmp = home.inbox / f".upload-{uuid.uuid4().hex}.part"
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with tmp.open("xb") as f:
            tmp.chmod(0o600)
            while chunk := await upload.read(1 << 20):
                if len(head) < 1024:
                    head += chunk[: 1024 - len(head)]
                size += len(chunk)
                if size > limit:
                    raise UploadRefused(
                        f"This file is larger than the {settings.max_file_mb:g} MB limit. Ask for a smaller "
                        "copy or split it.",
                        f"over the {settings.max_file_mb:g} MB limit (max_file_mb)",
                    )
                digest.update(chunk)
                f.write(chunk)
        if size == 0:
            raise UploadRefused("This file is empty.", "the file is empty (0 bytes)")
        media_type = detect_media_type(head)
        if media_type is None:
            raise UploadRefused(
                "This is not a PDF or an image (PDF, TIFF, PNG or JPEG).",
                "not a PDF or an image (unknown file signature)",
            )
        name = safe_upload_name(upload.filename or "report", media_type)
        final = home.inbox / name
        move_noreplace(tmp, final)
        return name, final, digest.hexdigest()
    finally:
        tmp.unlink(missing_ok=True)


async def receive(
    files: list[Any], home: Home, settings: Settings, store: Store, uploads: Uploads, actor: str
) -> list[UploadJob]:
    """Check and queue every uploaded file of one request; one job per file, refused or queued."""
    jobs = []
    for item in files:
        if not isinstance(item, UploadFile) or not item.filename:
            continue
        name = display_name(item.filename)
        try:
            stored_as, path, sha256 = await save_upload(item, home, settings)
        except UploadRefused as refusal:
            jobs.append(uploads.refused(name, refusal))
            continue
        try:
            store.set_upload_name(sha256, name, actor)
        except MedlegalError as e:  # the file is queued; only its display name is lost
            log.warning("upload name not stored for %s: %s", sha256[:12], type(e).__name__)
        job = UploadJob(id=uuid.uuid4().hex[:12], name=name, stored_as=stored_as, sha256=sha256)
        job.message = "Waiting to be read."
        uploads.submit(job, path)
        jobs.append(job)
    return jobs
