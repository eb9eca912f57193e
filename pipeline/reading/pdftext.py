"""A born-digital page's words from PDFium's characters, as pdfplumber's `extract_words()` gives them.

pdfplumber (pdfminer) parses the content stream in Python, which is ~20x slower than reading PDFium's
character list. This module rebuilds pdfplumber's words from that list:

- **Characters.** PDFium's generated spaces and line breaks are dropped (pdfminer has none; word breaks
  come from the gap rule below, as in pdfplumber). A hyphen PDFium marks as ending a line (it reports it
  as U+0002) is a hyphen again. Ligatures PDFium splits into pieces share one box, as pdfplumber's single
  ligature character does. A character without a Unicode mapping reads `(cid:N)`, as in pdfminer.
- **Boxes** are pdfminer's, computed in its order of operations: along the baseline, from the glyph
  origin over the advance width (the AFM width for the standard 14 fonts and their aliases, as pdfminer;
  otherwise `/Widths` through `FPDFFont_GetGlyphWidth`, checked against PDFium's loose box); across it,
  from the font's descent (the AFM or descriptor value pdfminer reads) to one font size above that; the
  rectangle through the text matrix and the page turn. PDFium's own boxes are not used as such: the
  tight box is the glyph outline and the loose box merges it with ascent and descent, both off
  pdfminer's `top`/`bottom` by 1-2 pt. PDFium's positions are float32; rounded to 0.1 mpt they are the
  decimal values pdfminer computes, so most `top`/`bottom` values come out bit for bit as pdfplumber's
  (the rest differ by pdfminer's own float64 noise) and `x` keeps float32's running error, about 1e-4 pt
  along a line.
- **Frame.** pdfminer turns the page by its /Rotate; pdfplumber then measures from the top-left corner
  of the MediaBox (not the CropBox) in a frame whose origin keeps the MediaBox's offset. Both are
  reproduced, so boxes agree with pdfplumber's on turned and offset pages too.
- **Words** follow pdfplumber's `WordExtractor` defaults: runs of upright / non-upright characters,
  lines clustered by `top` (upright) or `x0` within 3 pt, characters ordered along the line, a new word
  at whitespace, at a step back, at a gap over 3 pt, or at a jump across the line over 3 pt.

PDFium is not thread-safe: callers hold `pipeline.reading.read.PDFIUM_LOCK`.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.fontmetrics import FONT_METRICS

from models.document import Word

#: pdfplumber's defaults: the largest gap inside a word and the largest offset inside a line, in points.
X_TOLERANCE = 3.0
Y_TOLERANCE = 3.0

#: What PDFium inserts between words and lines (flagged as generated) besides the page's own spaces.
_MAYBE_GENERATED = frozenset((0x20, 0x0D, 0x0A))
#: Decimal places kept of PDFium's float32 positions.
_DIGITS = 4
#: Text-space distance below which two reaches along the baseline are the same.
_EPSILON = 0.01
#: PDFium's code for a hyphen that ends a line (it also flags it with FPDFText_IsHyphen).
_LINE_END_HYPHEN = 0x02

#: One character: text, x0, top, x1, bottom (pdfplumber's frame), upright.
_Char = tuple[str, float, float, float, float, bool]


def _by_address(function: Any, restype: Any, *argtypes: Any) -> Any:
    """A PDFium function taking and returning plain addresses: for the calls made once per character,
    about twice as fast as pypdfium2's typed bindings (and an address is cheap to compare)."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value or 0)


_VOID, _INT = ctypes.c_void_p, ctypes.c_int
_text_object = _by_address(pdfium_c.FPDFText_GetTextObject, _VOID, _VOID, _INT)
_char_origin = _by_address(pdfium_c.FPDFText_GetCharOrigin, _INT, _VOID, _INT, _VOID, _VOID)
_is_generated = _by_address(pdfium_c.FPDFText_IsGenerated, _INT, _VOID, _INT)


@dataclass(frozen=True)
class PageWords:
    """A page's words in pdfplumber's order and frame, and the page size in that frame."""

    words: list[Word]
    width: float
    height: float


@dataclass(frozen=True)
class _Frame:
    """pdfminer's page turn (user space to its device space), then pdfplumber's flip to top-left."""

    #: pdfminer's rotation matrix (a, b, c, d, e, f): device = (a*X + c*Y + e, b*X + d*Y + f).
    turn: tuple[float, float, float, float, float, float]
    #: pdfplumber: x = device x + shift_x, top = (height - device y) + shift_top.
    shift_x: float
    shift_top: float
    width: float
    height: float


def _frame(page: pdfium.PdfPage) -> _Frame:
    """The frame pdfplumber puts a page's characters in, computed as pdfminer and pdfplumber do."""
    box = page.get_mediabox(fallback_ok=False)
    if box is None:
        # MediaBox inherited from the page tree: PDFium only exposes it merged with the CropBox.
        box = page.get_bbox()
    mx0, my0, mx1, my1 = (round(v, _DIGITS) for v in box)
    rotation = page.get_rotation() % 360
    # pdfminer's PDFPageInterpreter.process_page.
    turn = {
        90: (0.0, -1.0, 1.0, 0.0, -my0, mx1),
        180: (-1.0, 0.0, 0.0, -1.0, mx1, my1),
        270: (0.0, 1.0, -1.0, 0.0, my1, -mx0),
    }.get(rotation, (1.0, 0.0, 0.0, 1.0, -mx0, -my0))
    # pdfplumber's Page.__init__: the sorted MediaBox, sides swapped when turned a quarter, inverted.
    lo_x, hi_x = sorted((mx0, mx1))
    lo_y, hi_y = sorted((my0, my1))
    bx0, by0, bx1, by1 = (lo_y, lo_x, hi_y, hi_x) if rotation in (90, 270) else (lo_x, lo_y, hi_x, hi_y)
    mb_height = by1 - by0
    top, bottom = mb_height - by1, mb_height - by0
    return _Frame(turn=turn, shift_x=bx0, shift_top=top, width=bx1 - bx0, height=bottom - top)


@dataclass
class _Font:
    """What pdfminer reads of one font: its descent per unit of font size (negative), and for the
    standard 14 fonts and their aliases (not embedded) the AFM widths it uses instead of /Widths; and the
    characters looked up so far: unicode -> (advance width at size 1, text)."""

    descent: float
    afm_widths: dict[str, float] | None
    glyphs: dict[int, tuple[float, str]]


class _Glyphs:
    """Per-font facts pdfminer would use, looked up once per font or per font and character."""

    def __init__(self) -> None:
        self._fonts: dict[int, _Font] = {}
        self._name = ctypes.create_string_buffer(256)
        self._value = ctypes.c_float()

    def font(self, font: pdfium_c.FPDF_FONT, key: int) -> _Font:
        """The font's facts, read on first use."""
        known = self._fonts.get(key)
        if known is not None:
            return known
        size = pdfium_c.FPDFFont_GetBaseFontName(font, self._name, len(self._name)) if key else 0
        # PDFium drops a subset tag ("ABCDEF+"); pdfminer would not find a tagged (embedded) name in its
        # AFM tables, so only a font that is not embedded gets the AFM metrics.
        name = self._name.raw[: max(0, size - 1)].decode("latin-1") if size else ""
        afm_widths = None
        units = 0.0
        if name in FONT_METRICS and not pdfium_c.FPDFFont_GetIsEmbedded(font):
            descriptor, widths = FONT_METRICS[name]
            units = float(descriptor.get("Descent", 0.0))  # type: ignore[arg-type]
            afm_widths = {str(k): float(v) for k, v in widths.items()}
        elif key and pdfium_c.FPDFFont_GetDescent(font, 1000.0, ctypes.byref(self._value)):
            units = round(float(self._value.value), 3)
        # pdfminer: descent * vscale, made negative.
        known = _Font(descent=-abs(units) * 0.001, afm_widths=afm_widths, glyphs={})
        self._fonts[key] = known
        return known

    def look_up(
        self,
        tp: pdfium_c.FPDF_TEXTPAGE,
        index: int,
        font: pdfium_c.FPDF_FONT,
        facts: _Font,
        unicode: int,
        origin: tuple[float, float],
        shape: _Shape,
    ) -> tuple[float, str]:
        """The advance width at size 1 and the text (pdfminer's `(cid:N)` when the font has no Unicode for
        the character) of the character at `index`, remembered for its font and Unicode.

        A standard font's width is its AFM width, as in pdfminer. Another font's (or a character the AFM
        table lacks) is its /Widths entry,
        looked up by Unicode, which PDFium maps back to a code that can be the wrong one; the loose box
        settles it: it spans the true advance merged with the glyph outline, so where it reaches past the
        outline its reach is the advance, and a looked-up width beyond it is wrong."""
        if pdfium_c.FPDFText_HasUnicodeMapError(tp, index):
            text, width = f"(cid:{unicode})", 0.0
        elif facts.afm_widths is not None and chr(unicode) in facts.afm_widths:
            text = chr(unicode)
            width = facts.afm_widths[text] * 0.001
        else:
            text, width = chr(unicode), 0.0
            if pdfium_c.FPDFFont_GetGlyphWidth(font, unicode, 1000.0, ctypes.byref(self._value)):
                # Thousandths of an em, as in /Widths; pdfminer: width * hscale.
                width = max(0.0, round(float(self._value.value), 3)) * 0.001
            if not text.isspace() and shape.size:
                loose, outline = _reach(tp, index, origin, shape)
                if loose > outline + _EPSILON or width == 0.0 or width * shape.size > loose + _EPSILON:
                    width = round(loose / shape.size * 1000, 3) * 0.001
        facts.glyphs[unicode] = (width, text)
        return width, text


def page_words(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> PageWords:
    """The words pdfplumber's `extract_words()` would give for this page, from PDFium's characters."""
    frame = _frame(page)
    chars = _chars(textpage, frame)
    words = [
        _word(group) for _, run in groupby(chars, key=lambda c: c[5]) for group in _split_words(list(run))
    ]
    return PageWords(words=words, width=frame.width, height=frame.height)


def _bulk_text(tp: pdfium_c.FPDF_TEXTPAGE, count: int) -> str | None:
    """Every character's Unicode in one call, when PDFium's text buffer lines up with its character list
    (it leaves out control characters and splits characters beyond the BMP in two)."""
    if count <= 0:
        return None
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(tp, 0, count, buffer)
    text = ctypes.string_at(buffer, max(0, written - 1) * 2).decode("utf-16-le", errors="replace")
    return text if len(text) == count else None


def _chars(textpage: pdfium.PdfTextPage, frame: _Frame) -> list[_Char]:
    """The page's characters in PDFium's order, with pdfplumber's boxes; generated ones left out."""
    tp = textpage.raw
    tp_address = ctypes.cast(tp, ctypes.c_void_p).value
    count = pdfium_c.FPDFText_CountChars(tp)
    bulk = _bulk_text(tp, count)
    glyphs = _Glyphs()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    ox_address, oy_address = ctypes.addressof(ox), ctypes.addressof(oy)
    matrix = pdfium_c.FS_MATRIX()
    get_unicode = pdfium_c.FPDFText_GetUnicode
    ra, rb, rc, rd, re, rf = frame.turn
    height, shift_x, shift_top = frame.height, frame.shift_x, frame.shift_top

    # This loop runs for every character of every born-digital page: the text object's constants live in
    # locals, set when the object changes.
    chars: list[_Char] = []
    last_object: int | None = None
    last_x = last_y = float("nan")
    piece_fixed = False
    font = pdfium_c.FPDF_FONT()
    facts = glyphs.font(font, 0)
    known = facts.glyphs
    shape = _Shape.of(matrix, 0.0, 0.0, frame)
    axis_aligned, size, pa, y_lo, y_hi, upright = True, 0.0, 0.0, 0.0, 0.0, True
    for i in range(count):
        unicode = ord(bulk[i]) if bulk is not None else get_unicode(tp, i)
        if unicode == 0xFFFE and bulk is not None:
            unicode = get_unicode(tp, i)
        if unicode in _MAYBE_GENERATED and _is_generated(tp_address, i):
            continue
        obj = _text_object(tp_address, i)
        if obj is None:
            continue
        if obj != last_object:
            last_object = obj
            last_x = last_y = float("nan")
            pdfium_c.FPDFText_GetMatrix(tp, i, matrix)
            font = pdfium_c.FPDFTextObj_GetFont(ctypes.cast(obj, pdfium_c.FPDF_PAGEOBJECT))
            facts = glyphs.font(font, ctypes.cast(font, ctypes.c_void_p).value or 0)
            known = facts.glyphs
            shape = _Shape.of(matrix, pdfium_c.FPDFText_GetFontSize(tp, i), facts.descent, frame)
            axis_aligned, size, pa, y_lo, y_hi = (
                shape.axis_aligned,
                shape.size,
                shape.pa,
                shape.y_lo,
                shape.y_hi,
            )
            upright = shape.upright
        if unicode == _LINE_END_HYPHEN and pdfium_c.FPDFText_IsHyphen(tp, i):
            unicode = 0x2D
        _char_origin(tp_address, i, ox_address, oy_address)
        gx, gy = round(ox.value, _DIGITS), round(oy.value, _DIGITS)
        entry = known.get(unicode)
        if entry is None:
            entry = glyphs.look_up(tp, i, font, facts, unicode, (gx, gy), shape)
        width, text = entry
        if gx == last_x and gy == last_y:
            # A piece of a ligature or of a multi-character mapping: one glyph, one box, whose advance is
            # not that of the piece's own character.
            if not piece_fixed:
                piece_fixed = True
                chars[-1] = shape.char(chars[-1][0], gx, gy, _reach(tp, i, (gx, gy), shape)[0])
            chars.append((text, *chars[-1][1:]))
            continue
        last_x, last_y, piece_fixed = gx, gy, False
        advance = width * size
        if axis_aligned:
            # shape.char, inlined for the common case (see there).
            e = ra * gx + rc * gy + re
            f = rb * gx + rd * gy + rf
            x_a, x_b = e, pa * advance + e
            y_a, y_b = y_lo + f, y_hi + f
            chars.append(
                (
                    text,
                    (x_a if x_a < x_b else x_b) + shift_x,
                    (height - (y_a if y_a > y_b else y_b)) + shift_top,
                    (x_b if x_a < x_b else x_a) + shift_x,
                    (height - (y_b if y_a > y_b else y_a)) + shift_top,
                    upright,
                )
            )
        else:
            chars.append(shape.char(text, gx, gy, advance))
    return chars


@dataclass(frozen=True)
class _Shape:
    """One text object as pdfminer sees it: its matrix (the text matrix, then the page turn), the box's
    extent across the baseline in text space, and its upright flag."""

    frame: _Frame
    size: float
    pa: float
    pb: float
    pc: float
    pd: float
    #: Text space: the box runs from `lo` to `hi` across the baseline (descent to descent + size).
    lo: float
    hi: float
    #: For a matrix without shear or quarter turn (pb == pc == 0): pd * lo and pd * hi.
    y_lo: float
    y_hi: float
    axis_aligned: bool
    upright: bool

    @staticmethod
    def of(m: pdfium_c.FS_MATRIX, size: float, descent: float, frame: _Frame) -> _Shape:
        """The shape of a text object with matrix `m` (text space to user space), font size and descent."""
        ra, rb, rc, rd, _, _ = frame.turn
        a, b, c, d = m.a, m.b, m.c, m.d
        # pdfminer's mult_matrix(text matrix, ctm), linear part.
        pa, pb = ra * a + rc * b, rb * a + rd * b
        pc, pd = ra * c + rc * d, rb * c + rd * d
        lo = descent * size + 0.0  # pdfminer: descent + rise; PDFium's origin already has the rise
        hi = lo + size
        return _Shape(
            frame=frame,
            size=size,
            pa=pa,
            pb=pb,
            pc=pc,
            pd=pd,
            lo=lo,
            hi=hi,
            y_lo=pd * lo,
            y_hi=pd * hi,
            axis_aligned=pb == 0 and pc == 0,
            upright=pa * pd > 0 and pb * pc <= 0,
        )

    def char(self, text: str, gx: float, gy: float, advance: float) -> _Char:
        """The character at user-space origin (gx, gy) with an advance in text space: pdfminer's
        apply_matrix_rect of (0, lo, advance, hi), then pdfplumber's flip."""
        ra, rb, rc, rd, re, rf = self.frame.turn
        e = ra * gx + rc * gy + re
        f = rb * gx + rd * gy + rf
        a, b, c, d = self.pa, self.pb, self.pc, self.pd
        xs = (
            a * 0 + c * self.lo + e,
            a * advance + c * self.lo + e,
            a * advance + c * self.hi + e,
            a * 0 + c * self.hi + e,
        )
        ys = (
            b * 0 + d * self.lo + f,
            b * advance + d * self.lo + f,
            b * advance + d * self.hi + f,
            b * 0 + d * self.hi + f,
        )
        frame = self.frame
        return (
            text,
            min(xs) + frame.shift_x,
            (frame.height - max(ys)) + frame.shift_top,
            max(xs) + frame.shift_x,
            (frame.height - min(ys)) + frame.shift_top,
            self.upright,
        )


def _reach(
    tp: pdfium_c.FPDF_TEXTPAGE, index: int, origin: tuple[float, float], shape: _Shape
) -> tuple[float, float]:
    """How far along the baseline (text space) PDFium's loose box and its tight box (the glyph
    outline) reach from the character's origin."""
    ra, rb, rc, rd, _, _ = shape.frame.turn
    # The advance direction in user space is the text matrix's first row: undo the page turn.
    ux, uy = ra * shape.pa + rb * shape.pb, rc * shape.pa + rd * shape.pb
    norm = ux * ux + uy * uy
    loose = pdfium_c.FS_RECTF()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    if norm == 0 or not pdfium_c.FPDFText_GetLooseCharBox(tp, index, loose):
        return 0.0, 0.0
    if not pdfium_c.FPDFText_GetCharBox(tp, index, left, right, bottom, top):
        left.value, right.value, bottom.value, top.value = loose.left, loose.right, loose.bottom, loose.top
    gx, gy = origin

    def reach(x0: float, y0: float, x1: float, y1: float) -> float:
        return max(0.0, *(((x - gx) * ux + (y - gy) * uy) / norm for x in (x0, x1) for y in (y0, y1)))

    return (
        reach(loose.left, loose.bottom, loose.right, loose.top),
        reach(left.value, bottom.value, right.value, top.value),
    )


def _split_words(chars: list[_Char]) -> Iterator[list[_Char]]:
    """pdfplumber's lines and words for one run of upright or of turned characters: upright lines are
    clustered by top and read by x0; turned ones are clustered by x0 and read by top, then bottom (with
    the two tolerances swapped)."""
    if not chars:
        return
    along: Callable[[_Char], Any]
    if chars[0][5]:
        across, start, end, along = itemgetter(2), itemgetter(1), itemgetter(3), itemgetter(1)
        gap, offset = X_TOLERANCE, Y_TOLERANCE
    else:
        across, start, end, along = itemgetter(1), itemgetter(2), itemgetter(4), itemgetter(2, 4)
        gap, offset = Y_TOLERANCE, X_TOLERANCE
    clusters = _cluster_ids({across(c) for c in chars}, offset)
    lines: dict[int, list[_Char]] = {}
    for char in chars:  # in page order within a line, as pdfplumber's stable sort keeps it
        lines.setdefault(clusters[across(char)], []).append(char)
    for cluster in sorted(lines):
        word: list[_Char] = []
        for char in sorted(lines[cluster], key=along):
            if char[0].isspace():
                if word:
                    yield word
                word = []
            elif word and (
                # pdfplumber's char_begins_new_word: a step back, a gap over the tolerance, or a jump
                # across the line over the other tolerance.
                start(char) < start(word[-1])
                or start(char) > end(word[-1]) + gap
                or abs(across(char) - across(word[-1])) > offset
            ):
                yield word
                word = [char]
            else:
                word.append(char)
        if word:
            yield word


def _cluster_ids(values: set[float], tolerance: float) -> dict[float, int]:
    """pdfplumber's `cluster_list`: sorted distinct values, a new cluster after a step over the tolerance."""
    ids: dict[float, int] = {}
    last = float("-inf")
    cluster = -1
    for value in sorted(values):
        if value > last + tolerance:
            cluster += 1
        ids[value] = cluster
        last = value
    return ids


def _word(chars: list[_Char]) -> Word:
    """pdfplumber's `merge_chars`: the texts joined, the boxes' union."""
    texts, x0s, tops, x1s, bottoms, _ = zip(*chars, strict=True)
    return Word(text="".join(texts), bbox=(min(x0s), min(tops), max(x1s), max(bottoms)))
