"""Uploads from the review app: safe names on disk and a worker that runs them through the batch."""

from __future__ import annotations

import logging
import queue
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from models.settings import Settings
from pipeline.errors import MedlegalError

log = logging.getLogger(__name__)


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


_EXT = {"application/pdf": ".pdf", "image/tiff": ".tif", "image/png": ".png", "image/jpeg": ".jpg"}


@dataclass
class UploadJob:
    id: str
    name: str
    stored_as: str
    status: str = "queued"
    message: str = ""
    sha256: str | None = None
    at: datetime = field(default_factory=datetime.now)


class Uploads:
    """Uploaded files waiting for (or done with) processing, one at a time on a background thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.jobs: dict[str, UploadJob] = {}
        self._queue: queue.Queue[tuple[UploadJob, Path]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

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
            job.status = "processing"
            try:
                summary = run_batch(self.settings, trigger="upload", files=[path], workers=1)
            except (MedlegalError, OSError) as e:
                job.status, job.message = "failed", str(e)
                continue
            except Exception as e:  # never let the worker die silently
                log.exception("upload %s failed", job.id)
                job.status, job.message = "failed", e.__class__.__name__
                continue
            if not summary.outcomes:
                job.status, job.message = "done", "picked up by another run"
                continue
            outcome = summary.outcomes[0]
            job.sha256 = outcome.sha256
            if outcome.status == "failed":
                job.status = "failed"
                job.message = outcome.error.message if outcome.error else "failed"
            else:
                job.status, job.message = "done", outcome.status


def safe_upload_name(original: str, media_type: str) -> str:
    """A generated inbox name: random prefix, the original's letters and digits, the type's extension."""
    stem = Path(original.replace("\\", "/")).name.rsplit(".", 1)[0]
    stem = _SAFE.sub("_", stem).strip("._-")[:60] or "report"
    return f"upload-{uuid.uuid4().hex[:8]}-{stem}{_EXT[media_type]}"
