"""Faults injected into the document worker processes (a test sets `pipeline.operations.batch._process`
to one of these; module-level functions travel to the worker by name and run there).

Each acts on files whose name starts with its trigger word and reads the others normally. A fault that
needs to tell the test something writes it under the home folder: a claimed file lives in
HOME/processing/<run id>/, next to the run's owner.json.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import numpy as np

from models.record import ReportRecord
from models.settings import Settings
from pipeline.errors import OcrTimeoutError, StoreError
from pipeline.operations import batch


def _home(path: Path) -> Path:
    return path.parents[2]


def _note(path: Path, what: str) -> None:
    with (_home(path) / f"fault-{what}").open("a") as f:
        f.write(f"{path.name}\t{os.getpid()}\n")


def notes(home: Path, what: str) -> list[tuple[str, int]]:
    """What a fault wrote for the test: (file name, worker pid) per call."""
    path = home / f"fault-{what}"
    lines = path.read_text().splitlines() if path.exists() else []
    return [(name, int(pid)) for name, pid in (line.split("\t") for line in lines)]


def segfault(path: Path, settings: Settings) -> ReportRecord:
    """crash*: the worker dies of SIGSEGV, as with a bug in a C library."""
    if path.name.startswith("crash"):
        _note(path, "crash")
        os.kill(os.getpid(), signal.SIGSEGV)
    return batch._process(path, settings)


def hog_memory(path: Path, settings: Settings) -> ReportRecord:
    """big*: asks numpy for 3 GB at once, as a decoder does for a bomb."""
    if path.name.startswith("big"):
        _note(path, "big")
        pixels = np.ones((60_000, 50_000), dtype=np.uint8)
        del pixels
    return batch._process(path, settings)


def hang_holding_pdfium(path: Path, settings: Settings) -> ReportRecord:
    """hang*: takes the PDFium lock and never lets go (a thread could not be stopped)."""
    if path.name.startswith("hang"):
        from pipeline.reading.read import PDFIUM_LOCK

        _note(path, "hang")
        with PDFIUM_LOCK:
            time.sleep(3600)
    return batch._process(path, settings)


def slow(path: Path, settings: Settings) -> ReportRecord:
    """slow*: three seconds of extra work before reading."""
    if path.name.startswith("slow"):
        time.sleep(3)
    return batch._process(path, settings)


def kill_the_batch(path: Path, settings: Settings) -> ReportRecord:
    """poison*: kills the batch process itself (SIGKILL, as the kernel's out-of-memory killer would)."""
    if path.name.startswith("poison"):
        _note(path, "poison")
        owner = json.loads((path.parent / "owner.json").read_text())
        os.kill(int(owner["pid"]), signal.SIGKILL)
        os._exit(1)
    return batch._process(path, settings)


def flaky(path: Path, settings: Settings) -> ReportRecord:
    """flaky*: the first call fails with a transient StoreError; bug*: always a ValueError."""
    _note(path, "calls")
    calls = [name for name, _ in notes(_home(path), "calls")]
    if path.name.startswith("flaky") and calls.count(path.name) == 1:
        raise StoreError("database is locked")
    if path.name.startswith("bug"):
        raise ValueError("a bug")
    return batch._process(path, settings)


def ocr_times_out(path: Path, settings: Settings) -> ReportRecord:
    """slow*: every OCR'd page times out (the real engine otherwise)."""
    from pipeline.reading.ocr import TesseractEngine

    if not path.name.startswith("slow"):
        return batch._process(path, settings)

    class TimesOut(TesseractEngine):
        def words(self, png: bytes, *, page):  # type: ignore[no-untyped-def]
            raise OcrTimeoutError(f"page {page.number}: Tesseract took longer than 60s", path=page.source)

    real = TesseractEngine.from_settings
    TesseractEngine.from_settings = classmethod(lambda cls, s: TimesOut(language=s.ocr_language))  # type: ignore[method-assign,assignment]
    try:
        return batch._process(path, settings)
    finally:
        TesseractEngine.from_settings = real  # type: ignore[method-assign]
