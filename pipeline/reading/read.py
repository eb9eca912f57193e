"""Reading stage: a file (PDF, TIFF, PNG, JPEG) to a `Document` of pages, lines and words.

The file type comes from its first bytes, never its name. Limits are checked before anything is decoded.
PDF pages are triaged with pypdfium2 (fast text and image probes); text-layer pages get their words from
PDFium's characters (`pdftext`), or from pdfplumber where a page has ruled tables; the others are rendered
in this thread (pypdfium2 is not thread-safe) and OCR'd by the worker pool while the next pages are read.
Images are always OCR'd. Library exceptions are wrapped here.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import re
import struct
import threading
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageOps, ImageSequence

from models.document import Document, Page, TextSource, Word
from models.settings import Settings
from pipeline.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedPdfError,
    FilePermissionError,
    InputNotFoundError,
    LimitExceededError,
    NoPagesError,
    UnsupportedFileTypeError,
)
from pipeline.reading import imaging
from pipeline.reading.layout import build_lines, mark_running_lines
from pipeline.reading.ocr import OcrEngine, OcrPool, PageImage
from pipeline.reading.pdftext import PageWords, page_words
from pipeline.reading.triage import IMAGE_PAGE_MAX_CHARS, needs_ocr

log = logging.getLogger(__name__)

# Every frame is checked against settings.max_page_pixels before it is decoded; Pillow's own warning for
# large images would only add a second, alarming line on stderr (its hard error is still caught below).
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)

PDF, TIFF, PNG, JPEG = "application/pdf", "image/tiff", "image/png", "image/jpeg"
_MAGIC: list[tuple[bytes, str]] = [
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
]
#: Readers accept a PDF header anywhere in the first KiB and the %%EOF marker in the last KiB.
_PDF_WINDOW = 1024
#: Image DPI outside this range is a placeholder (72 from phones, 1 from some tools), not a measurement.
_PLAUSIBLE_DPI = (100.0, 1200.0)
#: A picture without a usable DPI is taken to be a US letter page along its long side.
_LETTER_LONG_SIDE_IN = 11.0

PageSlot = Page | Future[Page]

#: PDFium is not thread-safe; flows may read several documents at once in threads of one process.
PDFIUM_LOCK = threading.RLock()

#: A page whose drawn rules (straight strokes or thin bars at least RULE_MIN_PT long) stand at this many
#: heights and this many x positions has a ruled table; pdfplumber reads it when it is an impairment table.
RULED_TABLE_MIN_RULES = 3
#: Only a ruled table of ratings (a WPI column) goes to pdfplumber; a form's boxes and other rules do not.
IMPAIRMENT_TABLE = re.compile(r"\bWPI\b|whole[\s-]+person", re.I)
RULE_MIN_PT = 10.0
#: Path segments looked at per page at most (vector drawings can have tens of thousands).
_RULE_SEGMENT_BUDGET = 4000


def detect_media_type(head: bytes) -> str | None:
    """The media type from the first bytes of a file (PDF, TIFF, PNG, JPEG), or None."""
    if b"%PDF-" in head[:_PDF_WINDOW]:
        return PDF
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except PermissionError as e:
        raise FilePermissionError("permission denied reading the file", path=path) from e
    except FileNotFoundError as e:
        raise InputNotFoundError("the file went away while it was read", path=path) from e
    return digest.hexdigest()


def _check_file(path: Path, settings: Settings) -> tuple[str, int]:
    """The file's media type and size, after the existence, size, type and (for a PDF) page size checks."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise InputNotFoundError(
                "not a regular file", path=path, hint="give the path of a PDF or image file"
            )
        with path.open("rb") as f:
            head = f.read(_PDF_WINDOW)
    except FileNotFoundError as e:
        raise InputNotFoundError("no such file", path=path) from e
    except PermissionError as e:
        raise FilePermissionError("permission denied reading the file", path=path) from e
    if size == 0:
        raise EmptyFileError("the file is empty", path=path)
    limit = settings.max_file_mb * 1024 * 1024
    if size > limit:
        raise LimitExceededError(
            f"file is {size / 2**20:.1f} MB, over the {settings.max_file_mb:g} MB limit", path=path
        )
    media_type = detect_media_type(head)
    if media_type is None:
        raise UnsupportedFileTypeError("not a PDF or an image (unknown file signature)", path=path)
    if media_type == PDF:
        # Page sizes come from the page tree without loading a page; a text-layer page has no pixels for
        # max_page_pixels to limit, and a 200-inch page would reach layout and the review app's images.
        with PDFIUM_LOCK:
            try:
                pdf = pdfium.PdfDocument(str(path))
            except pdfium.PdfiumError:
                return media_type, size  # encrypted or damaged: _open_pdf says which
            try:
                for index in range(min(len(pdf), settings.max_pages)):
                    try:
                        width, height = pdf.get_page_size(index)
                    except pdfium.PdfiumError:
                        continue  # the page itself is damaged: reading it says so
                    if width * height > settings.max_page_area_pt:
                        raise LimitExceededError(
                            f"page {index + 1} is {width / 72:.0f} x {height / 72:.0f} inches "
                            f"({width * height / 1e6:.1f} million square points), over the "
                            f"{settings.max_page_area_pt / 1e6:g} million limit (max_page_area_pt)",
                            path=path,
                        )
            finally:
                pdf.close()
    return media_type, size


def read_document(path: Path, settings: Settings, *, engine: OcrEngine | None = None) -> Document:
    """Read a PDF or image file into a Document; raises an InputError subclass on bad input."""
    path = Path(path)
    media_type, size = _check_file(path, settings)
    sha256 = _sha256(path)
    log.info("reading %s (%s, %d bytes, sha256 %s)", path.name, media_type, size, sha256[:12])
    with OcrPool(settings, engine) as pool:
        slots = _read_pdf(path, settings, pool) if media_type == PDF else _read_image(path, settings, pool)
        pages = [slot if isinstance(slot, Page) else slot.result() for slot in slots]
    pages = mark_running_lines(pages)
    ocr_count = sum(1 for p in pages if p.text_source == TextSource.OCR)
    log.info("read %s: %d pages, %d OCR'd", path.name, len(pages), ocr_count)
    return Document(
        filename=path.name, sha256=sha256, media_type=media_type, page_count=len(pages), pages=pages
    )


# --- PDF --------------------------------------------------------------------------------------------------


def _open_pdf(path: Path) -> pdfium.PdfDocument:
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - _PDF_WINDOW))
        tail = f.read()
    if b"%%EOF" not in tail:
        # PDFium would silently rebuild a cut-off file and drop its last pages.
        raise CorruptFileError("the PDF is truncated (no end-of-file marker)", path=path)
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        # PDFium's error code is a thread-global and can be stale, so the file itself has the last word.
        if e.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY) and _has_encrypt_dict(path):
            raise EncryptedPdfError("the PDF is encrypted", path=path) from e
        if _pdfminer_page_count(path) == 0:
            raise NoPagesError("the PDF has no pages", path=path) from e
        raise CorruptFileError(f"the PDF cannot be opened ({e})", path=path) from e


def _has_encrypt_dict(path: Path) -> bool:
    """Whether the trailer (at the end, or at the start of a linearized file) names an /Encrypt dictionary."""
    window = 64 * 1024
    with path.open("rb") as f:
        head = f.read(window)
        f.seek(max(0, path.stat().st_size - window))
        tail = f.read()
    return b"/Encrypt" in head or b"/Encrypt" in tail


def _pdfminer_page_count(path: Path) -> int | None:
    """A second opinion on a PDF PDFium refuses: pdfminer's page count, or None if it fails too."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        with path.open("rb") as f:
            return sum(1 for _ in PDFPage.create_pages(PDFDocument(PDFParser(f))))
    except Exception:  # pdfminer raises many unrelated types on damaged files
        return None


def _image_coverage(page: pdfium.PdfPage, width: float, height: float) -> float:
    """Share of the page area covered by image objects (overlaps counted twice, capped at 1)."""
    area = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        w = max(0.0, min(right, width) - max(left, 0.0))
        h = max(0.0, min(top, height) - max(bottom, 0.0))
        area += w * h
    return min(1.0, area / (width * height)) if width * height > 0 else 0.0


@dataclass(frozen=True)
class _TextLayerPage:
    """A page the probe sends to its text layer: why, and its PDFium words, or None when it has a ruled
    table and pdfplumber reads it (`rules`: distinct heights and x positions of its drawn rules)."""

    number: int
    reason: str
    words: PageWords | None
    rules: tuple[int, int]


class _TextLayer:
    """Text-layer pages to `Page`s: from the probe's PDFium words, or with pdfplumber (opened on first
    use; each page closed after use, since its caches grow otherwise)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pdf: Any = None

    def page(self, job: _TextLayerPage) -> Page:
        if job.words is not None:
            log.debug("page %d: %d words from PDFium", job.number, len(job.words.words))
            words, width, height, reader = job.words.words, job.words.width, job.words.height, "pdfium"
        else:
            words, width, height = self._plumber_words(job.number)
            log.debug(
                "page %d: %d words from pdfplumber (ruled table: rules at %d heights, %d x positions)",
                job.number,
                len(words),
                *job.rules,
            )
            reader = "pdfplumber"
        return Page(
            number=job.number,
            width=width,
            height=height,
            text_source=TextSource.TEXT_LAYER,
            triage_reason=job.reason,
            text_reader=reader,
            lines=build_lines(words, width, height),
        )

    def _plumber_words(self, number: int) -> tuple[list[Word], float, float]:
        import pdfplumber

        try:
            if self._pdf is None:
                self._pdf = pdfplumber.open(self.path)
            plumber_page = self._pdf.pages[number - 1]
            try:
                raw = plumber_page.extract_words(keep_blank_chars=False, use_text_flow=False)
                width, height = float(plumber_page.width), float(plumber_page.height)
            finally:
                plumber_page.close()
        except Exception as e:  # pdfminer raises many unrelated types on damaged files
            raise CorruptFileError(
                f"page {number}: the text layer cannot be read ({type(e).__name__})", path=self.path
            ) from e
        words = [Word(text=w["text"], bbox=(w["x0"], w["top"], w["x1"], w["bottom"])) for w in raw]
        return words, width, height

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()


def _rules(page: pdfium.PdfPage) -> tuple[int, int]:
    """How many distinct heights and x positions the page's drawn rules stand at: straight horizontal
    and vertical path segments (strokes, or the long sides of thin filled bars) of at least RULE_MIN_PT,
    positions rounded to 2 pt. Stops once both reach RULED_TABLE_MIN_RULES."""
    heights: set[int] = set()
    columns: set[int] = set()
    budget = _RULE_SEGMENT_BUDGET
    x, y = ctypes.c_float(), ctypes.c_float()
    m = pdfium_c.FS_MATRIX()

    def edge(x0: float, y0: float, x1: float, y1: float) -> None:
        dx, dy = abs(x1 - x0), abs(y1 - y0)
        if dy <= 1.0 and dx >= RULE_MIN_PT:
            heights.add(round((y0 + y1) / 4))
        elif dx <= 1.0 and dy >= RULE_MIN_PT:
            columns.add(round((x0 + x1) / 4))

    def walk(objects: Iterator[Any], outer: tuple[float, ...]) -> bool:
        """Count the objects' rules (forms recursively); True to stop: enough found, or budget spent."""
        nonlocal budget
        for obj in objects:
            if len(heights) >= RULED_TABLE_MIN_RULES and len(columns) >= RULED_TABLE_MIN_RULES:
                return True
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
                continue
            pdfium_c.FPDFPageObj_GetMatrix(obj, m)
            # The object's matrix, then the enclosing forms' (row-vector convention, as PDF's cm).
            oa, ob, oc, od, oe, of = outer
            a, b = m.a * oa + m.b * oc, m.a * ob + m.b * od
            c, d = m.c * oa + m.d * oc, m.c * ob + m.d * od
            e, f = m.e * oa + m.f * oc + oe, m.e * ob + m.f * od + of
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                count = pdfium_c.FPDFFormObj_CountObjects(obj)
                inner = (pdfium_c.FPDFFormObj_GetObject(obj, j) for j in range(max(0, count)))
                if walk(inner, (a, b, c, d, e, f)):
                    return True
                continue
            start = last = (0.0, 0.0)
            for k in range(max(0, pdfium_c.FPDFPath_CountSegments(obj))):
                budget -= 1
                if budget < 0:
                    return True
                segment = pdfium_c.FPDFPath_GetPathSegment(obj, k)
                pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
                point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
                kind_k = pdfium_c.FPDFPathSegment_GetType(segment)
                if kind_k == pdfium_c.FPDF_SEGMENT_MOVETO:
                    start = point
                elif kind_k == pdfium_c.FPDF_SEGMENT_LINETO:
                    edge(*last, *point)
                if pdfium_c.FPDFPathSegment_GetClose(segment):
                    edge(*point, *start)
                last = point
        return False

    count = pdfium_c.FPDFPage_CountObjects(page.raw)
    walk((pdfium_c.FPDFPage_GetObject(page.raw, i) for i in range(max(0, count))), (1, 0, 0, 1, 0, 0))
    return len(heights), len(columns)


def _render(page: pdfium.PdfPage, scale: float) -> imaging.Gray:
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        pixels = bitmap.to_numpy()
        return np.ascontiguousarray(pixels.reshape(pixels.shape[0], pixels.shape[1]), dtype=np.uint8).copy()
    finally:
        bitmap.close()


def _read_pdf(path: Path, settings: Settings, pool: OcrPool) -> list[PageSlot]:
    with PDFIUM_LOCK:
        pdf = _open_pdf(path)
        count = len(pdf)
    text_layer = _TextLayer(path)
    try:
        if count == 0:
            raise NoPagesError("the PDF has no pages", path=path)
        if count > settings.max_pages:
            raise LimitExceededError(f"{count} pages, over the limit of {settings.max_pages}", path=path)
        slots: list[PageSlot] = []
        for index in range(count):
            job = _probe_page(pdf, index, path, settings)
            if isinstance(job, _TextLayerPage):
                slots.append(text_layer.page(job))
            else:
                slots.append(pool.submit(job))
        return slots
    finally:
        text_layer.close()
        with PDFIUM_LOCK:
            pdf.close()


def _probe_page(
    pdf: pdfium.PdfDocument, index: int, path: Path, settings: Settings
) -> _TextLayerPage | PageImage:
    """Triage one page: its text layer (PDFium's words, or a ruled table for pdfplumber), or the rendered
    image to OCR."""
    number = index + 1
    scale = settings.ocr_dpi / 72
    with PDFIUM_LOCK:
        try:
            page = pdf[index]
        except pdfium.PdfiumError as e:
            raise CorruptFileError(f"page {number} cannot be read ({e})", path=path) from e
        try:
            width, height = page.get_size()
            textpage = page.get_textpage()
            try:
                text = textpage.get_text_range()
                coverage = 0.0
                if len(text) < 2 * IMAGE_PAGE_MAX_CHARS:
                    coverage = _image_coverage(page, width, height)
                decision = needs_ocr(text, settings, image_coverage=coverage, page_number=number)
                if not decision.ocr:
                    rules = _rules(page)
                    if min(rules) >= RULED_TABLE_MIN_RULES and IMPAIRMENT_TABLE.search(text):
                        return _TextLayerPage(number, decision.reason, None, rules)
                    return _TextLayerPage(number, decision.reason, page_words(page, textpage), rules)
            finally:
                textpage.close()
            pixels = width * height * scale * scale
            if pixels > settings.max_page_pixels:
                raise LimitExceededError(
                    f"page {number} would render to {pixels / 1e6:.0f} megapixels, over the "
                    f"{settings.max_page_pixels / 1e6:.0f} MP limit",
                    path=path,
                )
            image = _render(page, scale)
        except pdfium.PdfiumError as e:
            raise CorruptFileError(f"page {number} cannot be read ({e})", path=path) from e
        finally:
            page.close()
    return PageImage(number, image, scale, decision.reason, path)


# --- images -----------------------------------------------------------------------------------------------


def _is_fax_resolution(x: float, y: float) -> bool:
    """ITU-T T.4 resolutions: 8 pels/mm across (204 dpi, also written 200) by 3.85 or 7.7 lines/mm."""
    return 195.0 <= x <= 210.0 and (95.0 <= y <= 101.0 or 190.0 <= y <= 202.0)


def _dpi(frame: Image.Image) -> tuple[float, float]:
    """The frame's dpi from its metadata, or a letter-page guess when missing or implausible."""
    raw = frame.info.get("dpi")
    lo, hi = _PLAUSIBLE_DPI
    try:
        x, y = float(raw[0]), float(raw[1])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        x = y = 0.0
    if lo <= x <= hi and lo <= y <= hi:
        return x, y
    if _is_fax_resolution(x, y) or _is_fax_resolution(y, x):
        return x, y  # standard-mode fax: 204 x 98 dpi, pixels twice as tall as wide
    guess = min(max(max(frame.size) / _LETTER_LONG_SIDE_IN, lo), hi)
    return guess, guess


def _to_gray(frame: Image.Image) -> imaging.Gray:
    if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
        rgba = frame.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(white, rgba)
    return np.asarray(frame.convert("L"), dtype=np.uint8).copy()


def _frames(path: Path, settings: Settings, reason: Callable[[int], str]) -> Iterator[PageImage]:
    """The image's frames as page images at about `ocr_dpi`, each checked against the pixel limit at the
    size it will have after DPI normalisation, before it is decoded."""
    try:
        with Image.open(path) as img:
            count = getattr(img, "n_frames", 1)
            if count > settings.max_pages:
                raise LimitExceededError(f"{count} pages, over the limit of {settings.max_pages}", path=path)
            for index, frame in enumerate(ImageSequence.Iterator(img)):
                w, h = frame.size
                xdpi, ydpi = _dpi(frame)
                fx, fy, _ = imaging.normalised_scale(xdpi, ydpi, settings.ocr_dpi)
                out_w, out_h = round(w * fx), round(h * fy)
                if max(w * h, out_w * out_h) > settings.max_page_pixels:
                    enlarged = f", {out_w}x{out_h} at {settings.ocr_dpi} dpi" if out_w * out_h > w * h else ""
                    raise LimitExceededError(
                        f"page {index + 1} is {w}x{h} pixels{enlarged}, over the "
                        f"{settings.max_page_pixels / 1e6:.0f} MP limit",
                        path=path,
                    )
                frame.load()
                upright = ImageOps.exif_transpose(frame) if index == 0 else frame
                gray, dpi = imaging.normalise_dpi(_to_gray(upright), xdpi, ydpi, settings.ocr_dpi)
                yield PageImage(index + 1, gray, dpi / 72, reason(index + 1), path)
    except Image.DecompressionBombError as e:
        raise LimitExceededError("the image is too large (decompression bomb guard)", path=path) from e
    except Image.UnidentifiedImageError as e:
        raise CorruptFileError("the image cannot be decoded (its header is damaged)", path=path) from e
    except PermissionError as e:
        raise FilePermissionError("permission denied reading the file", path=path) from e
    except (OSError, SyntaxError, ValueError, EOFError, TypeError, KeyError, IndexError, struct.error) as e:
        # A truncated TIFF fails in Pillow's tag parsing with TypeError ("Missing dimensions") or KeyError.
        detail = str(e).replace(str(path), path.name)
        raise CorruptFileError(
            f"the image cannot be decoded ({type(e).__name__}: {detail})", path=path
        ) from e


def _read_image(path: Path, settings: Settings, pool: OcrPool) -> list[PageSlot]:
    def reason(number: int) -> str:
        return needs_ocr(None, settings, page_number=number).reason

    return [pool.submit(page) for page in _frames(path, settings, reason)]
