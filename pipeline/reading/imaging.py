"""Image clean-up before OCR: rotation, deskew, noise removal and binarisation (numpy + OpenCV).

Every function takes and returns a greyscale `uint8` array (0 black, 255 white), never a PIL image, so
the OCR workers do not share Pillow state and OpenCV can release the GIL.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

Gray = npt.NDArray[np.uint8]
#: A 2x3 affine matrix as returned by cv2.getRotationMatrix2D.
Affine = npt.NDArray[np.float64]


def _u8(array: object) -> Gray:
    """OpenCV's result typed as the uint8 image it is (no copy)."""
    return np.asarray(array, dtype=np.uint8)


#: Scans are fed at most a few degrees crooked; larger angles are OSD's job (multiples of 90).
MAX_SKEW_DEG = 5.0
#: Width of the thumbnail the skew is measured on; enough to resolve text lines, cheap to rotate.
_SKEW_THUMB_WIDTH = 800
#: One profile must be this much sharper than the other to call the text direction.
_AXIS_RATIO = 1.5
#: Resolution of the ascender/descender check: x-height about 10 pixels for 10-point type.
_BALANCE_DPI = 150.0
_MIN_BALANCE = 0.2
_MIN_BALANCE_LINES = 3


def rotate_upright(gray: Gray, clockwise_deg: int) -> Gray:
    """The image turned clockwise by a multiple of 90 degrees (exact, no resampling)."""
    k = (clockwise_deg // 90) % 4
    if k == 0:
        return gray
    return np.ascontiguousarray(np.rot90(gray, k=-k))


def _ink_mask(gray: Gray) -> Gray:
    """Otsu-thresholded ink (255) on background (0)."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return _u8(ink)


def _profile_score(ink: Gray, angle: float) -> float:
    h, w = ink.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = rotated.sum(axis=1, dtype=np.float64)
    # Text lines aligned with the rows give sharp peaks and gaps: a large sum of squared steps.
    return float(np.square(np.diff(rows)).sum())


def _thumb(gray: Gray, width: int) -> tuple[Gray, float]:
    h, w = gray.shape
    factor = min(1.0, width / w)
    size = (max(1, int(w * factor)), max(1, int(h * factor)))
    return _u8(cv2.resize(gray, size, interpolation=cv2.INTER_AREA)), factor


def _best_angle(ink: Gray, max_deg: float, refine: bool = True) -> tuple[float, float]:
    """The rotation (degrees) that makes rows of ink sharpest, and that sharpness (coarse to fine)."""
    scores: dict[float, float] = {}

    def search(angles: npt.NDArray[np.float64]) -> float:
        for a in angles:
            key = round(float(a), 2)
            if abs(key) <= max_deg and key not in scores:
                scores[key] = _profile_score(ink, key)
        return max(scores, key=scores.__getitem__)

    best = search(np.arange(-max_deg, max_deg + 1e-9, 1.0))
    if refine:
        best = search(best + np.arange(-0.75, 0.76, 0.25))
        best = search(best + np.arange(-0.2, 0.21, 0.1))
    return best, scores[best]


def estimate_skew(gray: Gray, max_deg: float = MAX_SKEW_DEG) -> float:
    """The counter-clockwise angle (degrees) that makes the text lines horizontal, by projection profile."""
    thumb, _ = _thumb(gray, _SKEW_THUMB_WIDTH)
    ink = _ink_mask(thumb)
    if cv2.countNonZero(ink) < 0.001 * ink.size:
        return 0.0
    return _best_angle(ink, max_deg)[0]


def _ascender_balance(ink: Gray) -> tuple[float, int]:
    """(ink above the x-height band - ink below) / both, over the text lines; and how many lines."""
    rows = ink.sum(axis=1, dtype=np.float64) / 255
    active = rows > max(2.0, 0.01 * ink.shape[1])
    above = below = 0.0
    lines = 0
    y, n = 0, len(rows)
    while y < n:
        if not active[y]:
            y += 1
            continue
        start = y
        while y < n and active[y]:
            y += 1
        band = rows[start:y]
        if len(band) < 5:
            continue
        core = np.flatnonzero(band >= 0.4 * band.max())
        above += float(band[: core[0]].sum())
        below += float(band[core[-1] + 1 :].sum())
        lines += 1
    total = above + below
    return ((above - below) / total if total else 0.0), lines


def detect_orientation(gray: Gray, dpi: float) -> tuple[int | None, float]:
    """Clockwise degrees that turn the page upright (None when unsure) and the upright page's skew.

    Two cheap checks stand in for Tesseract OSD on ordinary text pages: text lines run along the rows
    of ink, not the columns (0/180 vs 90/270), and Latin text has far more ink above its x-height band
    (capitals, b d f h k l t) than below it (g j p q y), so the sign of that balance says 0 vs 180.
    """
    thumb, _ = _thumb(gray, _SKEW_THUMB_WIDTH)
    ink = _ink_mask(thumb)
    if cv2.countNonZero(ink) < 0.002 * ink.size:
        return None, 0.0
    row_angle, row_score = _best_angle(ink, MAX_SKEW_DEG)
    turned = np.ascontiguousarray(np.rot90(ink, k=-1))
    col_score = _best_angle(turned, MAX_SKEW_DEG, refine=False)[1]
    if row_score >= _AXIS_RATIO * col_score:
        base, angle = 0, row_angle
    elif col_score >= _AXIS_RATIO * row_score:
        base, angle = 90, _best_angle(turned, MAX_SKEW_DEG)[0]
    else:
        return None, 0.0
    # The balance is read at low resolution on a straightened copy: a quarter of the pixels of 300 dpi.
    small, _ = _thumb(gray, int(gray.shape[1] * min(1.0, _BALANCE_DPI / dpi)))
    straight, _ = deskew(rotate_upright(small, base), angle)
    balance, lines = _ascender_balance(_ink_mask(straight))
    if lines < _MIN_BALANCE_LINES or abs(balance) < _MIN_BALANCE:
        return None, angle
    # Turning the page half round keeps its text lines at the same angle.
    return (base if balance > 0 else base + 180), angle


def deskew(gray: Gray, angle: float) -> tuple[Gray, Affine]:
    """The image rotated by `angle` about its centre (same size, white fill) and the matrix used."""
    h, w = gray.shape
    m = np.asarray(cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), dtype=np.float64)
    if abs(angle) < 0.05:
        return gray, m
    out = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    return _u8(out), m


def clean(gray: Gray) -> Gray:
    """A 3x3 median against speckle noise, then a global Otsu threshold (black text on white).

    Measured on generated faxes (bench/ocr_bench.py and the notes in docs/reading.md), the median helps
    bilevel pages too, clean or noisy, once they are resampled to square pixels; it is applied to every
    class of page."""
    smooth = cv2.medianBlur(gray, 3)
    _, binary = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return _u8(binary)


def ink_window(gray: Gray, size: int) -> Gray:
    """A square crop of about `size` pixels centred on the ink, for a fast orientation check."""
    h, w = gray.shape
    if h <= size and w <= size:
        return gray
    factor = min(1.0, 400 / max(h, w))
    thumb = _u8(
        cv2.resize(gray, (max(1, int(w * factor)), max(1, int(h * factor))), interpolation=cv2.INTER_AREA)
    )
    moments = cv2.moments(_ink_mask(thumb), binaryImage=True)
    if moments["m00"] == 0:
        cx, cy = w / 2, h / 2
    else:
        cx, cy = moments["m10"] / moments["m00"] / factor, moments["m01"] / moments["m00"] / factor
    half_w, half_h = min(size, w) // 2, min(size, h) // 2
    x0 = int(min(max(cx - half_w, 0), w - 2 * half_w))
    y0 = int(min(max(cy - half_h, 0), h - 2 * half_h))
    return np.ascontiguousarray(gray[y0 : y0 + 2 * half_h, x0 : x0 + 2 * half_w])


def normalised_scale(xdpi: float, ydpi: float, target_dpi: float) -> tuple[float, float, float]:
    """How `normalise_dpi` scales an image of this dpi: (x factor, y factor, the new dpi). Readers use it
    to check the enlarged size against the pixel limit before anything is decoded."""
    dpi = max(xdpi, ydpi)
    if dpi < 0.9 * target_dpi or dpi > 1.5 * target_dpi:
        dpi = target_dpi
    fx, fy = dpi / xdpi, dpi / ydpi
    if abs(fx - 1) < 0.01 and abs(fy - 1) < 0.01:
        return 1.0, 1.0, xdpi
    return fx, fy, dpi


def normalise_dpi(gray: Gray, xdpi: float, ydpi: float, target_dpi: float) -> tuple[Gray, float]:
    """The image with square pixels near `target_dpi`; returns it and its new dpi.

    Fax TIFFs come at 204x196 (or 204x98) dpi and Tesseract reads small text better at about 300 dpi, so
    coarse images are enlarged; 600-dpi scans are reduced, which halves OCR time at no cost in accuracy.
    """
    fx, fy, dpi = normalised_scale(xdpi, ydpi, target_dpi)
    if fx == 1.0 and fy == 1.0:
        return gray, dpi
    h, w = gray.shape
    shrink = fx < 1 and fy < 1
    out = cv2.resize(
        gray, (round(w * fx), round(h * fy)), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC
    )
    return _u8(out), dpi


def encode_png(gray: Gray) -> bytes:
    """Fast, lossless PNG bytes of the image (for Tesseract's stdin)."""
    ok, buf = cv2.imencode(".png", gray, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:
        raise ValueError("could not encode the page image as PNG")
    return buf.tobytes()


def encode_pbm(binary: Gray) -> bytes:
    """A binary image as 1-bit PBM bytes: Tesseract reads it without thresholding again (about 10% faster
    than 8-bit PNG, measured), and it encodes 20x faster than PNG."""
    height, width = binary.shape
    return b"P4\n%d %d\n" % (width, height) + np.packbits(binary < 128, axis=1).tobytes()


def invert(matrix: Affine) -> Affine:
    """The inverse of a 2x3 affine matrix."""
    return np.asarray(cv2.invertAffineTransform(matrix), dtype=np.float64)


def map_box(box: tuple[float, float, float, float], inverse: Affine) -> tuple[float, float, float, float]:
    """The axis-aligned box around `box`'s corners moved by the affine `inverse` (pixels to pixels)."""
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=np.float64)
    moved = corners @ inverse.T
    return (
        float(moved[:, 0].min()),
        float(moved[:, 1].min()),
        float(moved[:, 0].max()),
        float(moved[:, 1].max()),
    )
