"""Page degradations that make born-digital reports look scanned or faxed, for tests and the corpus.

All functions are deterministic for a given seed. Images are Pillow images carrying their resolution in
`img.info["dpi"]`; `render_pdf` sets it, the others keep or update it.

    pages = render_pdf(Path("report.pdf"), dpi=300)
    save_pdf([office_scan(p, seed=i) for i, p in enumerate(pages)], Path("scanned.pdf"), dpi=300)
    save_tiff_g4([fax(p, seed=i) for i, p in enumerate(pages)], Path("fax.tif"))
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

FAX_DPI = (204, 196)
FAX_STANDARD_DPI = (204, 98)


def _dpi(img: Image.Image, default: float = 300.0) -> tuple[float, float]:
    dpi = img.info.get("dpi") or (default, default)
    return float(dpi[0]), float(dpi[1])


def _with_dpi(img: Image.Image, dpi: tuple[float, float]) -> Image.Image:
    img.info["dpi"] = dpi
    return img


def render_pdf(pdf_path: Path, dpi: int = 300) -> list[Image.Image]:
    """Every page of a PDF rendered to a greyscale image at `dpi`."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        images = []
        for page in pdf:
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            images.append(_with_dpi(bitmap.to_pil().convert("L"), (dpi, dpi)))
            bitmap.close()
            page.close()
        return images
    finally:
        pdf.close()


def office_scan(
    img: Image.Image,
    seed: int,
    skew_deg: float = 1.0,
    noise: float = 0.04,
    blur: float = 0.6,
    paper: int = 236,
) -> Image.Image:
    """An office-copier scan: slight skew, soft focus, grey paper, sensor noise and dust specks."""
    rng = np.random.default_rng(seed)
    dpi = _dpi(img)
    gray = img.convert("L").rotate(skew_deg, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if blur > 0:
        gray = gray.filter(ImageFilter.GaussianBlur(blur))
    arr = np.asarray(gray, dtype=np.float32)
    ink = 30.0
    arr = ink + arr * (paper - ink) / 255.0
    arr += rng.normal(0.0, noise * 255.0, arr.shape).astype(np.float32)
    specks = rng.random(arr.shape) < noise / 40
    arr[specks] = rng.uniform(20, 120, int(specks.sum()))
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode="L")
    return _with_dpi(out, dpi)


def fax(
    img: Image.Image,
    seed: int,
    skew_deg: float = 0.6,
    noise: float = 0.003,
    dpi: tuple[int, int] = FAX_DPI,
) -> Image.Image:
    """A fax: bilevel at fax resolution (fine mode 204x196 dpi, or standard mode `FAX_STANDARD_DPI`,
    204x98, whose pixels are twice as tall as wide), a little skew, jagged edges and salt-and-pepper
    noise."""
    rng = np.random.default_rng(seed)
    sx, sy = _dpi(img)
    w, h = img.size
    size = (round(w * dpi[0] / sx), round(h * dpi[1] / sy))
    gray = img.convert("L").rotate(skew_deg, resample=Image.Resampling.BICUBIC, fillcolor=255)
    gray = gray.resize(size, Image.Resampling.BOX)
    arr = np.asarray(gray, dtype=np.float32) + rng.normal(0.0, 18.0, (size[1], size[0])).astype(np.float32)
    bits = arr > 150
    flips = rng.random(bits.shape) < noise
    bits ^= flips
    out = Image.fromarray((bits * 255).astype(np.uint8), mode="L").convert("1", dither=Image.Dither.NONE)
    return _with_dpi(out, (float(dpi[0]), float(dpi[1])))


def photo(img: Image.Image, seed: int, long_side: int = 2400, tilt_deg: float = 2.0) -> Image.Image:
    """A phone photo of a printed page: no usable dpi, uneven light, soft focus, a slight tilt and JPEG
    artefacts (returned as an RGB image; save it as JPEG)."""
    rng = np.random.default_rng(seed)
    factor = long_side / max(img.size)
    gray = img.convert("L").resize(
        (round(img.width * factor), round(img.height * factor)), Image.Resampling.LANCZOS
    )
    gray = gray.rotate(tilt_deg, resample=Image.Resampling.BICUBIC, fillcolor=200)
    gray = gray.filter(ImageFilter.GaussianBlur(0.9))
    arr = np.asarray(gray, dtype=np.float32)
    h, w = arr.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = w * rng.uniform(0.3, 0.7), h * rng.uniform(0.3, 0.7)
    light = 1.0 - 0.35 * (((xx - cx) / w) ** 2 + ((yy - cy) / h) ** 2)  # a lamp off-centre, darker corners
    arr = 25.0 + (arr * light) * (215.0 / 255.0)
    arr += rng.normal(0.0, 6.0, arr.shape).astype(np.float32)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode="L").convert("RGB")
    out.info.pop("dpi", None)
    return out


def rotate(img: Image.Image, degrees: int) -> Image.Image:
    """The page turned clockwise by `degrees` (a multiple of 90), as when fed into a scanner sideways."""
    turns = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
    degrees %= 360
    if degrees == 0:
        return img.copy()
    out = img.transpose(turns[degrees])
    x, y = _dpi(img)
    return _with_dpi(out, (y, x) if degrees in (90, 270) else (x, y))


def save_pdf(
    images: Sequence[Image.Image],
    path: Path,
    dpi: float | None = None,
    invisible_text: Sequence[str] | None = None,
) -> Path:
    """An image-only PDF, one image per page (JPEG for grey, lossless for bilevel), byte-for-byte repeatable.

    `invisible_text`, one string per page, adds a text layer drawn invisibly over the image, the way
    scanners with built-in OCR do (use garbage to imitate a bad one).
    """
    c = canvas.Canvas(str(path), invariant=True, pageCompression=1)
    for index, img in enumerate(images):
        x_dpi, y_dpi = (dpi, dpi) if dpi else _dpi(img)
        w_pt, h_pt = img.width * 72 / x_dpi, img.height * 72 / y_dpi
        c.setPageSize((w_pt, h_pt))
        buf = io.BytesIO()
        if img.mode == "1":
            img.save(buf, format="PNG")
        else:
            img.convert("L").save(buf, format="JPEG", quality=85)
        buf.seek(0)
        c.drawImage(ImageReader(buf), 0, 0, width=w_pt, height=h_pt)
        if invisible_text and index < len(invisible_text):
            text = c.beginText(72, h_pt - 72)
            text.setTextRenderMode(3)
            text.setFont("Helvetica", 10)
            for line in invisible_text[index].splitlines():
                text.textLine(line)
            c.drawText(text)
        c.showPage()
    c.save()
    return path


def save_tiff_g4(
    images: Sequence[Image.Image],
    path: Path,
    dpi: tuple[float, float] | None = None,
    compression: str = "group4",
) -> Path:
    """A multi-page bilevel TIFF with CCITT Group 4 (or `compression="group3"`) compression, as fax
    servers write them; `dpi` defaults to the first image's."""
    pages = [img if img.mode == "1" else img.convert("1", dither=Image.Dither.NONE) for img in images]
    dpi = dpi or _dpi(images[0], default=float(FAX_DPI[0]))
    pages[0].save(
        path, format="TIFF", compression=compression, save_all=True, append_images=pages[1:], dpi=dpi
    )
    return path
