"""Page images for the document view: the archived original rendered at 100 dpi, cached in the home folder.

Evidence boxes are in PDF points from the top-left; the view places them as percentages of the page size in
points, so the image may be shown at any size.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageSequence

from pipeline.operations.home import DIR_MODE, Home, write_atomic
from pipeline.operations.store import Store

RENDER_DPI = 100
_LOCK = threading.RLock()
_PLAUSIBLE_DPI = (100.0, 1200.0)
_LETTER_LONG_SIDE_IN = 11.0


@dataclass(frozen=True)
class PageImage:
    png: Path
    width_pt: float
    height_pt: float


def _pdfium_lock() -> threading.RLock:
    """PDFium is not thread-safe: share the reader's lock when it has one."""
    try:
        from pipeline.reading import read

        lock = getattr(read, "PDFIUM_LOCK", None)
    except ImportError:
        lock = None
    return lock if lock is not None else _LOCK


def original_path(home: Home, store: Store, sha256: str) -> Path | None:
    """Where the archived original of this content is (never a path from the client)."""
    archive = home.archive.resolve()
    for intake in reversed(store.intakes()):
        if intake["sha256"] != sha256 or intake["status"] not in ("processed", "duplicate"):
            continue
        stored = intake.get("stored_as")
        if not stored:
            continue
        path = Path(stored).resolve()
        if path.is_file() and path.is_relative_to(archive):
            return path
    return None


def _image_dpi(frame: Image.Image) -> float:
    raw = frame.info.get("dpi")
    lo, hi = _PLAUSIBLE_DPI
    try:
        x = float(raw[0])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        x = 0.0
    if lo <= x <= hi:
        return x
    return min(max(max(frame.size) / _LETTER_LONG_SIDE_IN, lo), hi)


def _render_pdf(path: Path, page: int, out: Path) -> tuple[float, float]:
    import pypdfium2 as pdfium

    with _pdfium_lock():
        pdf = pdfium.PdfDocument(str(path))
        try:
            if not 1 <= page <= len(pdf):
                raise LookupError(page)
            p = pdf[page - 1]
            width, height = p.get_size()
            image = p.render(scale=RENDER_DPI / 72).to_pil()
            p.close()
        finally:
            pdf.close()
    _save_png(image, out)
    return float(width), float(height)


def _render_image(path: Path, page: int, out: Path) -> tuple[float, float]:
    with Image.open(path) as img:
        for index, frame in enumerate(ImageSequence.Iterator(img)):
            if index + 1 != page:
                continue
            dpi = _image_dpi(frame)
            w_pt, h_pt = frame.size[0] * 72 / dpi, frame.size[1] * 72 / dpi
            size = (max(1, round(w_pt * RENDER_DPI / 72)), max(1, round(h_pt * RENDER_DPI / 72)))
            _save_png(frame.convert("RGB").resize(size), out)
            return w_pt, h_pt
    raise LookupError(page)


def _save_png(image: Image.Image, out: Path) -> None:
    import io

    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    write_atomic(out, buf.getvalue())


def page_image(home: Home, store: Store, sha256: str, page: int) -> PageImage | None:
    """The page as a cached PNG with its size in points; None when the original or page is missing."""
    cache = home.root / "cache" / "pages"
    png = cache / f"{sha256}-{page}.png"
    meta = cache / f"{sha256}-{page}.json"
    if png.is_file() and meta.is_file():
        size = json.loads(meta.read_text())
        return PageImage(png, size[0], size[1])
    original = original_path(home, store, sha256)
    if original is None:
        return None
    cache.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    with original.open("rb") as f:
        head = f.read(1024)
    try:
        if b"%PDF-" in head:
            w, h = _render_pdf(original, page, png)
        else:
            w, h = _render_image(original, page, png)
    except (LookupError, OSError):
        return None
    write_atomic(meta, json.dumps([w, h]).encode())
    return PageImage(png, w, h)
