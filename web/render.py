"""Page images for the review app, rendered in a child process with a pixel cap.

PDFium is not thread-safe within a process, and the pipeline (uploads run in this process) holds
`pipeline.reading.read.PDFIUM_LOCK` for whole documents. So the web never calls PDFium in its own process
and never takes that lock: `render_page` runs `python -m web.render` (pypdfium2 and Pillow directly, under
a memory limit and a timeout), one render at a time under the web's own lock. A page is drawn at
`RENDER_DPI`, scaled down so that it has at most `MAX_RENDER_PIXELS` pixels: a 200-inch page is a few
million pixels, not 400 million.

The child imports nothing from medlegal, prints `[width_pt, height_pt]` as JSON and writes the PNG
(0600, new file) to the path it is given; exit code 3 means there is no such page.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
from pathlib import Path

from PIL import Image

RENDER_DPI = 100
#: About four US letter pages at 100 dpi: plenty for the document view.
MAX_RENDER_PIXELS = 4_000_000
RENDER_TIMEOUT_S = 60.0
#: Address space of the child (Python, PDFium, one page bitmap and its PNG).
RENDER_MEMORY_BYTES = 2 << 30
_NO_SUCH_PAGE = 3
_PLAUSIBLE_DPI = (100.0, 1200.0)
_LETTER_LONG_SIDE_IN = 11.0
_LOCK = threading.Lock()
#: Renders running or waiting at once; past it `render_page` answers RenderBusy at once (the app: 503), so
#: a slow page cannot pile up every worker thread of the app behind the one renderer.
RENDER_QUEUE = 4
_SLOTS = threading.BoundedSemaphore(RENDER_QUEUE)


class RenderFailed(Exception):
    """The child could not draw the page (a broken file, the memory limit, the timeout)."""


class RenderBusy(Exception):
    """RENDER_QUEUE renders are running or waiting already: try again in a moment."""


def capped_size(width_pt: float, height_pt: float, max_pixels: int = MAX_RENDER_PIXELS) -> tuple[int, int]:
    """Pixels of a page of this size in points at RENDER_DPI, scaled down to at most `max_pixels`."""
    scale = RENDER_DPI / 72
    w, h = max(width_pt, 1.0) * scale, max(height_pt, 1.0) * scale
    if w * h > max_pixels:
        shrink = math.sqrt(max_pixels / (w * h))
        w, h = w * shrink, h * shrink
    return max(1, math.floor(w)), max(1, math.floor(h))


def render_page(original: Path, page: int, out: Path, max_input_pixels: int) -> tuple[float, float]:
    """Draw page `page` (from 1) of `original` into the PNG `out`; the page's size in points.

    Raises LookupError when there is no such page, RenderFailed when the child failed, RenderBusy when
    RENDER_QUEUE renders are under way."""
    if not _SLOTS.acquire(blocking=False):
        raise RenderBusy(f"{RENDER_QUEUE} pages are being drawn already")
    try:
        return _render(original, page, out, max_input_pixels)
    finally:
        _SLOTS.release()


def _render(original: Path, page: int, out: Path, max_input_pixels: int) -> tuple[float, float]:
    """`render_page` once it has a slot: one child at a time under the web's lock."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.{threading.get_ident()}.part")
    root = Path(__file__).resolve().parents[1]
    paths = [str(root), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    command = [sys.executable, "-m", "web.render", str(original), str(page), str(tmp), str(max_input_pixels)]
    try:
        with _LOCK:
            done = subprocess.run(
                command, capture_output=True, timeout=RENDER_TIMEOUT_S, env=env, cwd=root, check=False
            )
        if done.returncode == _NO_SUCH_PAGE:
            raise LookupError(page)
        if done.returncode != 0:
            raise RenderFailed(f"the page renderer exited with {done.returncode}")
        width, height = json.loads(done.stdout)
        tmp.replace(out)
        return float(width), float(height)
    except subprocess.TimeoutExpired as e:
        raise RenderFailed(f"the page renderer took more than {RENDER_TIMEOUT_S:g} s") from e
    except (ValueError, TypeError) as e:
        raise RenderFailed("the page renderer gave no page size") from e
    finally:
        tmp.unlink(missing_ok=True)


def _draw_pdf(path: Path, page: int) -> tuple[Image.Image, float, float]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= page <= len(pdf):
            raise LookupError(page)
        p = pdf[page - 1]
        try:
            width, height = p.get_size()
            w_px, _ = capped_size(width, height)
            image = p.render(scale=w_px / max(width, 1.0)).to_pil()
        finally:
            p.close()
    finally:
        pdf.close()
    return image, float(width), float(height)


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


def _draw_image(path: Path, page: int, max_input_pixels: int) -> tuple[Image.Image, float, float]:
    from PIL import ImageSequence

    Image.MAX_IMAGE_PIXELS = max_input_pixels
    with Image.open(path) as img:
        for index, frame in enumerate(ImageSequence.Iterator(img)):
            if index + 1 != page:
                continue
            if frame.size[0] * frame.size[1] > max_input_pixels:
                raise ValueError("the picture has more pixels than max_page_pixels")
            dpi = _image_dpi(frame)
            w_pt, h_pt = frame.size[0] * 72 / dpi, frame.size[1] * 72 / dpi
            return frame.convert("RGB").resize(capped_size(w_pt, h_pt)), w_pt, h_pt
    raise LookupError(page)


def main(argv: list[str]) -> int:
    """The child: draw one page, write the PNG, print its size in points."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (RENDER_MEMORY_BYTES, RENDER_MEMORY_BYTES))
    original, page, out, max_input_pixels = Path(argv[0]), int(argv[1]), Path(argv[2]), int(argv[3])
    with original.open("rb") as f:
        head = f.read(1024)
    try:
        if b"%PDF-" in head:
            image, width, height = _draw_pdf(original, page)
        else:
            image, width, height = _draw_image(original, page, max_input_pixels)
    except LookupError:
        return _NO_SUCH_PAGE
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as f:
        image.save(f, format="PNG", optimize=True)
    sys.stdout.write(json.dumps([width, height]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
