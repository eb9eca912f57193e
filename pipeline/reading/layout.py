"""Words to lines in reading order, for text-layer and OCR pages alike.

Lines run top to bottom; a two-column page (a vertical gutter with text on both sides) is read left
column then right column, with full-width lines (titles, headers) kept in place between column blocks.
Across a document, lines repeated at the top or bottom of most pages are marked header/footer (kept).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from statistics import median

from models.document import BBox, Line, Page, Word

#: Share of the page height at the top and bottom treated as margins (running heads, page numbers).
MARGIN_SHARE = 0.08
#: The gutter must lie in this horizontal band of the page.
_GUTTER_BAND = (0.3, 0.7)
#: Narrowest gutter, in points.
_MIN_GUTTER_PT = 8.0
#: Each column needs at least this many lines for the page to count as two-column.
_MIN_COLUMN_LINES = 4
#: Share of the page's lines inspected for running headers/footers at each end.
_RUNNING_LINES = 3


def _union(boxes: Sequence[BBox]) -> BBox:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _rows(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into rows: a word joins a row when each one's centre lies in the other's band."""
    rows: list[list[Word]] = []
    bands: list[tuple[float, float, float]] = []  # top, bottom, centre of each open row
    for word in sorted(words, key=lambda w: ((w.bbox[1] + w.bbox[3]) / 2, w.bbox[0])):
        top, bottom = word.bbox[1], word.bbox[3]
        centre = (top + bottom) / 2
        placed = False
        # Only the last few rows can still match: words arrive sorted by centre.
        for i in range(len(rows) - 1, max(-1, len(rows) - 4), -1):
            r_top, r_bottom, r_centre = bands[i]
            # Small marks (dashes, commas) sit inside a row without spanning its centre.
            small = bottom - top <= 0.6 * (r_bottom - r_top)
            if r_top <= centre <= r_bottom and (small or top <= r_centre <= bottom):
                rows[i].append(word)
                n = len(rows[i])
                bands[i] = (min(r_top, top), max(r_bottom, bottom), r_centre + (centre - r_centre) / n)
                placed = True
                break
        if not placed:
            rows.append([word])
            bands.append((top, bottom, centre))
    order = sorted(range(len(rows)), key=lambda i: bands[i][2])
    return [sorted(rows[i], key=lambda w: w.bbox[0]) for i in order]


def _line(words: Sequence[Word], column: int) -> Line:
    confs = [w.confidence for w in words if w.confidence is not None]
    return Line(
        text=" ".join(w.text for w in words),
        bbox=_union([w.bbox for w in words]),
        words=list(words),
        confidence=sum(confs) / len(confs) if confs else None,
        column=column,
    )


def find_gutter(words: Sequence[Word], page_width: float, page_height: float) -> tuple[float, float] | None:
    """The x-range of the vertical gutter of a two-column page, or None for a single-column page."""
    body = [w for w in words if _in_body(w.bbox, page_height)]
    if len(body) < 2 * _MIN_COLUMN_LINES:
        return None
    lo, hi = int(page_width * _GUTTER_BAND[0]), int(page_width * _GUTTER_BAND[1])
    if hi - lo < _MIN_GUTTER_PT:
        return None
    cover = [0] * (hi - lo + 1)
    for w in body:
        a, b = max(lo, math.floor(w.bbox[0])), min(hi, math.ceil(w.bbox[2]))
        for x in range(a, b + 1):
            cover[x - lo] += 1
    # A few full-width lines may cross the gutter (titles); the column text itself may not.
    allowed = max(1, len(body) // 100)
    best: tuple[int, int] | None = None
    start: int | None = None
    for i, c in enumerate([*cover, allowed + 1]):
        if c <= allowed and start is None:
            start = i
        elif c > allowed and start is not None:
            if best is None or i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    if best is None or best[1] - best[0] < _MIN_GUTTER_PT:
        return None
    g0, g1 = lo + best[0], lo + best[1]
    left = _rows([w for w in body if w.bbox[2] <= g0 + 0.5])
    right = _rows([w for w in body if w.bbox[0] >= g1 - 0.5])
    if len(left) < _MIN_COLUMN_LINES or len(right) < _MIN_COLUMN_LINES:
        return None
    # Running text fills its column: most left lines end near the gutter. A form's labels and values
    # (short labels, a wide gap) do not, and must stay on one line.
    left_width = g0 - min(w.bbox[0] for row in left for w in row)
    gaps = [g0 - row[-1].bbox[2] for row in left]
    if left_width <= 0 or median(gaps) > 0.25 * left_width:
        return None
    return float(g0), float(g1)


def _split_at_gutter(row: Sequence[Word], g0: float, g1: float, page_width: float) -> int | None:
    """Where a row (sorted by x) splits into left and right column text, or None for a full-width row.

    A column line may poke a little into the gutter; what tells the columns apart is a gap at least
    as wide as the narrowest gutter near the gutter, which a line of running text never has.
    """
    if all(w.bbox[2] <= g0 + 0.5 for w in row):
        return len(row)
    if all(w.bbox[0] >= g1 - 0.5 for w in row):
        return 0
    slack = 0.1 * page_width
    best: tuple[float, int] | None = None
    for i in range(1, len(row)):
        gap = row[i].bbox[0] - row[i - 1].bbox[2]
        middle = (row[i].bbox[0] + row[i - 1].bbox[2]) / 2
        if gap >= _MIN_GUTTER_PT and g0 - slack <= middle <= g1 + slack and (best is None or gap > best[0]):
            best = (gap, i)
    return None if best is None else best[1]


def _in_body(box: BBox, page_height: float) -> bool:
    centre = (box[1] + box[3]) / 2
    return page_height * MARGIN_SHARE <= centre <= page_height * (1 - MARGIN_SHARE)


def build_lines(words: Sequence[Word], page_width: float, page_height: float) -> list[Line]:
    """The page's words as lines in reading order (columns not interleaved)."""
    if not words:
        return []
    gutter = find_gutter(words, page_width, page_height)
    if gutter is None:
        return [_line(row, 0) for row in _rows(words)]
    g0, g1 = gutter
    spanning: list[Word] = []
    left: list[Word] = []
    right: list[Word] = []
    for row in _rows(words):
        # A row in the top/bottom margin, or running across the gutter, is full-width as a whole.
        if not all(_in_body(w.bbox, page_height) for w in row):
            spanning.extend(row)
            continue
        split = _split_at_gutter(row, g0, g1, page_width)
        if split is None:
            spanning.extend(row)
            continue
        left.extend(row[:split])
        right.extend(row[split:])
    # Full-width rows cut the page into bands; inside a band the left column is read before the right.
    span_rows = _rows(spanning)
    cuts = [_union([w.bbox for w in row]) for row in span_rows]
    lines: list[Line] = []
    prev_bottom = -math.inf
    for span_row, cut in [*zip(span_rows, cuts, strict=True), (None, None)]:
        limit = math.inf if cut is None else (cut[1] + cut[3]) / 2
        for side, column in ((left, 0), (right, 1)):
            band = [w for w in side if prev_bottom < (w.bbox[1] + w.bbox[3]) / 2 <= limit]
            lines.extend(_line(r, column) for r in _rows(band))
        if span_row is not None:
            lines.append(_line(span_row, 0))
            prev_bottom = limit
    return lines


_DIGITS = re.compile(r"\d+")
_NOISE = re.compile(r"[^\w#]+")


def _signature(text: str) -> str:
    """Text normalised for comparing running lines: lower case, digits masked, punctuation dropped."""
    return _NOISE.sub(" ", _DIGITS.sub("#", text.lower())).strip()


def _candidates(page: Page) -> tuple[list[int], list[int]]:
    """Indexes of the lines that may be a header (top) or footer (bottom) of the page."""
    n = len(page.lines)
    top = [i for i in range(min(_RUNNING_LINES, n)) if page.lines[i].bbox[3] <= page.height * 0.2]
    bottom = [i for i in range(max(0, n - _RUNNING_LINES), n) if page.lines[i].bbox[1] >= page.height * 0.8]
    return top, [i for i in bottom if i not in top]


def mark_running_lines(pages: Sequence[Page]) -> list[Page]:
    """Pages with lines repeated at the top (bottom) of most pages marked role header (footer)."""
    if len(pages) < 2:
        return list(pages)
    needed = max(2, math.ceil(len(pages) * 0.5))
    heads: Counter[str] = Counter()
    feet: Counter[str] = Counter()
    for page in pages:
        top, bottom = _candidates(page)
        heads.update({_signature(page.lines[i].text) for i in top} - {""})
        feet.update({_signature(page.lines[i].text) for i in bottom} - {""})
    out: list[Page] = []
    for page in pages:
        top, bottom = _candidates(page)
        roles: dict[int, str] = {}
        for i in top:
            if heads[_signature(page.lines[i].text)] >= needed:
                roles[i] = "header"
        for i in bottom:
            if feet[_signature(page.lines[i].text)] >= needed:
                roles[i] = "footer"
        if not roles:
            out.append(page)
            continue
        lines = [
            line.model_copy(update={"role": roles[i]}) if i in roles else line
            for i, line in enumerate(page.lines)
        ]
        out.append(page.model_copy(update={"lines": lines}))
    return out
