"""Turn a read Document into one text for the NLP stage, keeping a map back to pages, lines and boxes.

Lines are grouped into blocks: a heading, a table row, a list item or a paragraph. Blocks are joined by a
blank line so the sentence splitter never runs a sentence across a heading or a table row; lines inside a
paragraph are joined by a space (a word hyphenated across lines is rejoined). Repeated page headers and
footers are left out of the body text but kept in `header_text` for identifiers such as case numbers.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field

from models.document import Document, Line, Page

_LIST_ITEM = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|\(?[a-hA-H][.)]|[•\-\u2022\u25cf*]|[ivxIVX]{1,4}[.)])\s+")
_HEADING_WORDS = re.compile(r"[A-Za-z][A-Za-z'&/\-]*")


@dataclass(frozen=True)
class Piece:
    """A span of the assembled text that came from one line of one page."""

    start: int
    end: int
    page: int
    line: Line


@dataclass
class Assembled:
    """The body text of a document, with the pieces it came from."""

    text: str
    pieces: list[Piece] = field(default_factory=list)
    header_text: str = ""
    _starts: list[int] = field(default_factory=list)

    def locate(self, start: int, end: int) -> tuple[int, list[float] | None, float | None, str]:
        """Page, box (union of the lines' boxes), lowest OCR line confidence and source of a char span."""
        if not self._starts:
            self._starts = [p.start for p in self.pieces]
        i = max(0, bisect.bisect_right(self._starts, start) - 1)
        hits: list[Piece] = []
        while i < len(self.pieces) and self.pieces[i].start < end:
            if self.pieces[i].end > start:
                hits.append(self.pieces[i])
            i += 1
        if not hits:
            return 1, None, None, "text_layer"
        page = hits[0].page
        same = [h for h in hits if h.page == page]
        x0 = min(h.line.bbox[0] for h in same)
        top = min(h.line.bbox[1] for h in same)
        x1 = max(h.line.bbox[2] for h in same)
        bottom = max(h.line.bbox[3] for h in same)
        confs = [h.line.confidence for h in same if h.line.confidence is not None]
        source = "ocr" if confs else "text_layer"
        return (
            page,
            [round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1)],
            (min(confs) if confs else None),
            source,
        )


def is_heading(text: str) -> bool:
    """A short line in capitals, or a short Title Case line ending in a colon, is a heading."""
    stripped = _LIST_ITEM.sub("", re.sub(r"^\s*[|~_]+\s*", "", text)).strip()
    if not stripped or len(stripped) > 80:
        return False
    words = _HEADING_WORDS.findall(stripped)
    if not words or len(words) > 10:
        return False
    letters = [c for c in stripped if c.isalpha()]
    if not letters:
        return False
    upper_share = sum(c.isupper() for c in letters) / len(letters)
    if upper_share > 0.85 and len(letters) >= 3 and not re.search(r"\d{2,}", stripped):
        return not stripped.endswith(".") or stripped.endswith("ETC.")
    if stripped.endswith(":") and len(words) <= 6:
        return all(
            w[0].isupper() or w.lower() in {"of", "and", "the", "to", "for", "on", "in"} for w in words
        )
    return False


_SMALL = {"of", "and", "the", "to", "for", "on", "in", "a", "an", "or", "&", "/", "-", "with", "at", "by"}


def is_title_line(text: str) -> bool:
    """A short Title Case line with no closing punctuation ('Records Reviewed', 'Apportionment')."""
    text = re.sub(r"^\s*(?:(?:[IVXivx]{1,5}|\d{1,2}|[A-Ha-h])[.)]|\d{1,2}(?:\.\d{1,2})+\.?)\s+", "", text)
    words = text.split()
    if not 1 <= len(words) <= 7 or text.endswith((".", ",", ";")) or len(text) > 70:
        return False
    if not re.fullmatch(r"[A-Za-z0-9&/()'\-:,. ]+", text):
        return False
    return words[0][:1].isupper() and all(
        w[:1].isupper() or w[:1].isdigit() or w.lower() in _SMALL or w[:1] in "(&/-" for w in words
    )


def _line_gap_is_break(prev: Line, line: Line, new_page: bool) -> bool:
    if new_page:
        # A paragraph runs on over a page break only when the previous page ended mid-sentence.
        return prev.text.rstrip().endswith((".", "?", "!", ":")) or not line.text[:1].islower()
    height = max(1.0, prev.bbox[3] - prev.bbox[1])
    return line.bbox[1] - prev.bbox[3] > 0.9 * height or line.column != prev.column


def _starts_block(prev: Line | None, line: Line, new_page: bool = False) -> bool:
    if prev is None:
        return True
    text = line.text.strip()
    prev_text = prev.text.strip()
    return bool(
        _line_gap_is_break(prev, line, new_page)
        or is_heading(text)
        or is_heading(prev_text)
        or (is_title_line(text) and prev_text.endswith((".", ":", "?", "!")))
        or (is_title_line(prev_text) and text[:1].isupper())
        or _LIST_ITEM.match(text)
        or prev_text.endswith(":")
        or _looks_like_row(prev)
        or _looks_like_row(line)
        or re.match(r"^[A-Z][A-Za-z /&()'\-]{1,40}:\s*\S", text)
    )


def _looks_like_row(line: Line) -> bool:
    """A line whose words have wide gaps between them, as table cells do."""
    words = line.words
    if len(words) < 2:
        return False
    widths = [(w.bbox[2] - w.bbox[0]) / max(1, len(w.text)) for w in words]
    char_w = sorted(widths)[len(widths) // 2]
    gaps = [b.bbox[0] - a.bbox[2] for a, b in itertools.pairwise(words)]
    return sum(g > 3.5 * char_w for g in gaps) >= 1 and len(line.text) < 160


def row_cells(line: Line) -> list[tuple[str, float, float]]:
    """The cells of a table-like line: text and horizontal extent, split at wide gaps."""
    words = line.words
    if not words:
        return [(line.text, line.bbox[0], line.bbox[2])]
    widths = [(w.bbox[2] - w.bbox[0]) / max(1, len(w.text)) for w in words]
    char_w = sorted(widths)[len(widths) // 2]
    cells: list[tuple[str, float, float]] = []
    cur = [words[0]]
    for a, b in itertools.pairwise(words):
        if b.bbox[0] - a.bbox[2] > 2.0 * char_w:
            cells.append((" ".join(w.text for w in cur), cur[0].bbox[0], cur[-1].bbox[2]))
            cur = [b]
        else:
            cur.append(b)
    cells.append((" ".join(w.text for w in cur), cur[0].bbox[0], cur[-1].bbox[2]))
    return cells


def assemble(document: Document) -> Assembled:
    """The document's body text in blocks separated by blank lines, mapped back to its lines."""
    parts: list[str] = []
    pieces: list[Piece] = []
    header_bits: list[str] = []
    pos = 0

    def emit(text: str, page: Page | None, line: Line | None) -> None:
        nonlocal pos
        parts.append(text)
        if page is not None and line is not None:
            pieces.append(Piece(pos, pos + len(text), page.number, line))
        pos += len(text)

    prev: Line | None = None
    for page in document.pages:
        new_page = True
        for line in page.lines:
            text = line.text.strip()
            if not text:
                continue
            if line.role != "body":
                header_bits.append(text)
                continue
            if _looks_like_row(line):
                text = " | ".join(c[0] for c in row_cells(line))
            if pos == 0:
                pass
            elif _starts_block(prev, line, new_page):
                emit("\n\n", None, None)
            elif parts and parts[-1].endswith("-") and len(parts[-1]) > 1 and parts[-1][-2].isalpha():
                parts[-1] = parts[-1][:-1]
                pos -= 1
                pieces[-1] = Piece(pieces[-1].start, pos, pieces[-1].page, pieces[-1].line)
            else:
                emit(" ", None, None)
            emit(text, page, line)
            prev = line
            new_page = False
    return Assembled(text="".join(parts), pieces=pieces, header_text="\n".join(header_bits))
