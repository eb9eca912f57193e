"""OCR of page images with Tesseract: orientation, clean-up, one word-level call per page, in parallel.

Parallelism is one Tesseract process per worker (`settings.ocr_workers`), each started with
OMP_THREAD_LIMIT=1 so processes do not fight over cores. Workers are threads that spend their time
waiting on the subprocess; the clean-up (OpenCV) releases the GIL. Pages are rendered by the caller in
the main thread (pypdfium2 is not thread-safe) and handed over as `PageImage`s; `OcrPool.submit` blocks
when enough pages are queued, so a 1,000-page scan never sits in memory at once.

Per page: orientation (0/90/180/270) by a fast ink-profile check (`imaging.detect_orientation`), with
Tesseract OSD on an ink-centred crop when that check is unsure (OSD costs a third of the OCR time of a
page, the check a twentieth); deskew by projection profile; 3x3 median + Otsu; then one
`image_to_data` call through pytesseract (1-bit PBM) for words, boxes and confidences. Boxes are reported in PDF points of the page
turned upright (`Page.rotation`), with the deskew undone, so they land on the page as a viewer shows it.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol

import numpy as np
import pytesseract

from models.document import BBox, Line, Page, TextSource, Word
from models.settings import Settings
from pipeline.errors import DependencyError, MedlegalError, OcrError, OcrTimeoutError
from pipeline.reading import imaging
from pipeline.reading.layout import build_lines
from pipeline.reading.repair import repair_date_token, repair_pronoun

log = logging.getLogger(__name__)

#: OSD below this orientation confidence is a guess; the page is then read as it is.
MIN_OSD_CONFIDENCE = 2.0
#: Side of the square crop OSD looks at, in inches.
OSD_WINDOW_IN = 4.0


@dataclass(frozen=True)
class PageImage:
    """A page to OCR: its greyscale pixels, their scale (pixels per PDF point) and why it is OCR'd."""

    number: int
    pixels: imaging.Gray
    scale: float
    triage_reason: str = ""
    source: Path | None = None


@dataclass(frozen=True)
class OcrWord:
    """One word as Tesseract reports it, in pixels of the image it was given."""

    text: str
    box: BBox
    confidence: float


@dataclass(frozen=True)
class Orientation:
    """Tesseract OSD's answer: clockwise degrees to turn the page upright, and its confidence."""

    rotate: int
    confidence: float


class OcrEngine(Protocol):
    """What OCR needs from an engine; tests substitute a fake only to inject faults."""

    def orientation(self, png: bytes, *, page: PageImage) -> Orientation | None:
        """The page's orientation, or None when the engine cannot tell (too little text)."""
        ...

    def words(self, image: bytes, *, page: PageImage) -> list[OcrWord]:
        """The words of an upright, cleaned page image (PBM or PNG bytes)."""
        ...


class TesseractEngine:
    """Tesseract through pytesseract (`image_to_data`, `image_to_osd`), one process per call.

    The page image is written to a private folder for the call (mode 0700, under the home's tmp/ when the
    engine comes from settings, removed after the call; Tesseract writes its output there too) and
    handed to Tesseract as a path, so the 1-bit PBM reaches Tesseract without a second encoding.
    OMP_THREAD_LIMIT=1 is set in this process's environment, which pytesseract's subprocesses inherit:
    parallelism comes from one Tesseract process per OCR worker, not from OpenMP threads inside one.
    pytesseract's command is a module global; it is set to this engine's `command` before each call (one
    command per process in practice; tests point it at fakes to inject faults).
    """

    def __init__(
        self,
        language: str = "eng",
        timeout_s: float = 60.0,
        command: str = "tesseract",
        scratch: Path | None = None,
    ) -> None:
        self.language = language
        self.timeout_s = timeout_s
        self.command = command
        self.scratch = scratch
        os.environ["OMP_THREAD_LIMIT"] = "1"

    @classmethod
    def from_settings(cls, settings: Settings) -> TesseractEngine:
        """An engine with the language and per-page timeout from settings; page images and Tesseract's
        output go under the home's tmp/ folder (cleaned after a killed worker by `clean_temp_outputs`)."""
        return cls(
            language=settings.ocr_language, timeout_s=settings.ocr_timeout_s, scratch=settings.home / "tmp"
        )

    def _scratch_dir(self) -> tempfile.TemporaryDirectory[str]:
        """A private folder for one call, named `ocr-<host>-<pid>-…` so a later run on this host can tell
        a dead worker's leftovers (home.clean_temp_outputs); the system temp folder without a scratch."""
        prefix = f"ocr-{socket.gethostname()}-{os.getpid()}-"
        if self.scratch is None:
            return tempfile.TemporaryDirectory(prefix=prefix)
        self.scratch.mkdir(mode=0o700, parents=True, exist_ok=True)
        return tempfile.TemporaryDirectory(prefix=prefix, dir=self.scratch)

    def check(self) -> None:
        """Raise DependencyError unless the tesseract command can be found."""
        if shutil.which(self.command) is None:
            raise DependencyError(f"the OCR engine `{self.command}` is not installed or not on PATH")

    def _call(
        self, image: bytes, suffix: str, page: PageImage, *, extension: str, lang: str, config: str
    ) -> str:
        """Run Tesseract once over `image`; its input and output files stay in one private folder."""
        pytesseract.pytesseract.tesseract_cmd = self.command
        with self._scratch_dir() as tmp:
            path = Path(tmp) / f"page{suffix}"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(image)
            out = Path(tmp) / "out"
            try:
                pytesseract.pytesseract.run_tesseract(
                    str(path), str(out), extension, lang, config=config, timeout=self.timeout_s
                )
                return out.with_name(f"out.{extension}").read_text(encoding="utf-8", errors="replace")
            except pytesseract.TesseractError as e:
                raise self._fail(str(e.message), e.status, page) from e
            except RuntimeError as e:
                # pytesseract's "Tesseract process timeout" (it kills the process); TesseractError, a
                # subclass, is caught above.
                raise OcrTimeoutError(
                    f"page {page.number}: Tesseract took longer than {self.timeout_s:g}s", path=page.source
                ) from e
            except pytesseract.TesseractNotFoundError as e:
                raise DependencyError(
                    f"the OCR engine `{self.command}` is not installed or not on PATH"
                ) from e
            except OSError as e:
                raise OcrError(f"page {page.number}: could not run Tesseract ({e})", path=page.source) from e

    def _fail(self, err: str, status: object, page: PageImage) -> MedlegalError:
        if "Failed loading language" in err or "Error opening data file" in err:
            return DependencyError(
                f"Tesseract has no data for language {self.language!r}",
                hint=f"install it: sudo apt-get install -y tesseract-ocr-{self.language}",
            )
        last = err.strip().splitlines()[-1] if err.strip() else f"exit status {status}"
        return OcrError(f"page {page.number}: Tesseract failed ({last[-200:]})", path=page.source)

    def orientation(self, png: bytes, *, page: PageImage) -> Orientation | None:
        """Tesseract OSD (--psm 0); None on pages with too few characters to judge."""
        try:
            out = self._call(
                png, ".png", page, extension="osd", lang="osd", config="--psm 0 -c min_characters_to_try=20"
            )
        except OcrError as e:
            # Too little text: Tesseract says so, or (exit 0) writes no OSD file at all.
            if "Too few characters" in str(e.__cause__) or isinstance(e.__cause__, FileNotFoundError):
                return None
            raise
        fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
        if "Rotate" not in fields:
            return None
        return Orientation(
            rotate=int(fields["Rotate"].strip()) % 360,
            confidence=float(fields.get("Orientation confidence", "0").strip()),
        )

    def words(self, image: bytes, *, page: PageImage) -> list[OcrWord]:
        """Words with boxes and confidences from one `image_to_data` call (TSV)."""
        suffix = ".pbm" if image[:2] == b"P4" else ".png"
        tsv = self._call(
            image,
            suffix,
            page,
            extension="tsv",
            lang=self.language,
            config="-c tessedit_create_tsv=1 --psm 3",
        )
        return parse_tsv(tsv)


def parse_tsv(tsv: str) -> list[OcrWord]:
    """Word rows (level 5) of Tesseract's TSV output; empty words dropped."""
    words: list[OcrWord] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        left, top, width, height = (float(c) for c in cols[6:10])
        words.append(
            OcrWord(text=text, box=(left, top, left + width, top + height), confidence=float(cols[10]))
        )
    return words


def _orient(page: PageImage, gray: imaging.Gray, engine: OcrEngine) -> int:
    dpi = page.scale * 72
    window = imaging.ink_window(gray, int(OSD_WINDOW_IN * dpi))
    found = engine.orientation(imaging.encode_png(window), page=page)
    if found is None and window.shape != gray.shape:
        found = engine.orientation(imaging.encode_png(gray), page=page)
    if found is None:
        log.debug("page %d: too little text for orientation detection; read as is", page.number)
        return 0
    if found.confidence < MIN_OSD_CONFIDENCE:
        log.debug(
            "page %d: orientation %d unsure (%.1f); read as is", page.number, found.rotate, found.confidence
        )
        return 0
    return found.rotate


def _to_points(box: BBox, scale: float) -> BBox:
    return (box[0] / scale, box[1] / scale, box[2] / scale, box[3] / scale)


def _clamp(box: BBox, width: float, height: float) -> BBox:
    return (
        round(min(max(box[0], 0.0), width), 2),
        round(min(max(box[1], 0.0), height), 2),
        round(min(max(box[2], 0.0), width), 2),
        round(min(max(box[3], 0.0), height), 2),
    )


def _word(w: OcrWord, scale: float) -> Word:
    fixed = repair_date_token(w.text)
    return Word(
        text=fixed or w.text,
        bbox=_to_points(w.box, scale),
        confidence=w.confidence,
        ocr_text=w.text if fixed else None,
    )


def _repair_line(line: Line) -> Line:
    texts = repair_pronoun([w.text for w in line.words])
    if texts == [w.text for w in line.words]:
        return line
    words = [
        w if t == w.text else w.model_copy(update={"text": t, "ocr_text": w.text})
        for w, t in zip(line.words, texts, strict=True)
    ]
    return line.model_copy(update={"words": words, "text": " ".join(texts)})


def ocr_page(page: PageImage, engine: OcrEngine, settings: Settings) -> Page:
    """OCR one page image into a Page: upright, deskewed, cleaned, words in reading order."""
    gray = page.pixels
    rotation, angle = imaging.detect_orientation(gray, page.scale * 72)
    how = "ink profile"
    if rotation is None:
        rotation, how = _orient(page, gray, engine), "OSD"
        angle = imaging.estimate_skew(imaging.rotate_upright(gray, rotation))
    upright = imaging.rotate_upright(gray, rotation)
    straight, matrix = imaging.deskew(upright, angle)
    binary = imaging.clean(straight)
    raw = engine.words(imaging.encode_pbm(binary), page=page)
    height_px, width_px = upright.shape
    width, height = width_px / page.scale, height_px / page.scale
    words = [_word(w, page.scale) for w in raw]
    # Lines are found where the text is straight; boxes are then moved back onto the upright page.
    lines = build_lines(words, width, height)
    inverse = imaging.invert(matrix)
    lines = [_repair_line(_unskew_line(line, inverse, page.scale, width, height)) for line in lines]
    confs = [w.confidence for w in raw if w.confidence >= 0]
    mean_conf = round(float(np.mean(confs)), 2) if confs else None
    log.debug(
        "page %d: rotation %d (%s), skew %.2f, %d words, confidence %s",
        page.number,
        rotation,
        how,
        angle,
        len(raw),
        mean_conf,
    )
    return Page(
        number=page.number,
        width=round(width, 2),
        height=round(height, 2),
        text_source=TextSource.OCR,
        triage_reason=page.triage_reason,
        rotation=rotation,
        ocr_confidence=mean_conf,
        render_scale=page.scale,
        lines=lines,
    )


def _unskew_line(line: Line, inverse: imaging.Affine, scale: float, width: float, height: float) -> Line:
    def move(box: BBox) -> BBox:
        px = (box[0] * scale, box[1] * scale, box[2] * scale, box[3] * scale)
        return _clamp(_to_points(imaging.map_box(px, inverse), scale), width, height)

    words = [w.model_copy(update={"bbox": move(w.bbox)}) for w in line.words]
    boxes = [w.bbox for w in words]
    bbox = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    return line.model_copy(update={"words": words, "bbox": bbox})


class OcrPool:
    """OCR pages on `settings.ocr_workers` Tesseract processes at once; use as a context manager."""

    def __init__(self, settings: Settings, engine: OcrEngine | None = None) -> None:
        self.settings = settings
        self.engine: OcrEngine = engine or TesseractEngine.from_settings(settings)
        self.workers = settings.ocr_workers
        self._executor: ThreadPoolExecutor | None = None
        # Rendered pages waiting for a worker are bounded: memory stays flat on long scans.
        self._slots = threading.BoundedSemaphore(2 * self.workers)
        self._failure: BaseException | None = None

    def __enter__(self) -> OcrPool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=exc is not None)
            self._executor = None

    def _run(self, page: PageImage) -> Page:
        try:
            return ocr_page(page, self.engine, self.settings)
        except BaseException as e:
            self._failure = self._failure or e
            raise
        finally:
            self._slots.release()

    def submit(self, page: PageImage) -> Future[Page]:
        """Queue a page for OCR; blocks while 2 x workers pages are queued; re-raises an earlier failure."""
        if self._executor is None:
            # Started on the first page to OCR: a born-digital PDF needs no Tesseract at all.
            if isinstance(self.engine, TesseractEngine):
                self.engine.check()
            self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="ocr")
        self._slots.acquire()
        if self._failure is not None:
            # Stop rendering pages of a document that has already failed.
            self._slots.release()
            raise self._failure
        try:
            return self._executor.submit(self._run, page)
        except BaseException:
            self._slots.release()
            raise


def ocr_pages(pages: Iterable[PageImage], settings: Settings, engine: OcrEngine | None = None) -> list[Page]:
    """OCR many page images in parallel (pages are pulled lazily from `pages`); results in input order."""
    with OcrPool(settings, engine) as pool:
        futures = [pool.submit(p) for p in pages]
        return [f.result() for f in futures]
