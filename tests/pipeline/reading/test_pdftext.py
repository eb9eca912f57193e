"""pdftext.page_words against pdfplumber's extract_words(), and read_document's per-page choice of reader.

Every PDF is made here: generated reports, pages turned by /Rotate or with offset page boxes, text drawn
in unusual ways, and a page with a ruled impairment table.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from models.settings import Settings
from pipeline.reading.pdftext import PageWords, page_words
from pipeline.reading.read import PDFIUM_LOCK, read_document
from sample_reports.generate import generate_corpus
from tests.support.inputs import sentences, write_pdf

#: pdfminer writes a character it cannot decode as "(cid:N)" and gives it no width; PDFium decodes some
#: of them (a bullet at 0x7F in WinAnsiEncoding) with their width. Such words are compared by pattern, and
#: boxes are not compared on their lines, where pdfminer's positions after the character are short.
_CID = re.compile(r"\\\(cid:\d+\\\)")

PlumberWord = tuple[str, tuple[float, float, float, float]]

#: The contract: boxes within 1 pt of pdfplumber's. With the standard 14 fonts they agree to float noise.
BOX_PT = 1.0
STANDARD_FONT_BOX_PT = 0.01


def _pdfium_pages(path: Path) -> list[PageWords]:
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(str(path))
        try:
            out = []
            for index in range(len(pdf)):
                page = pdf[index]
                textpage = page.get_textpage()
                out.append(page_words(page, textpage))
                textpage.close()
                page.close()
            return out
        finally:
            pdf.close()


def _plumber_pages(path: Path, pages: list[int]) -> list[tuple[float, float, list[PlumberWord]]]:
    out = []
    with pdfplumber.open(path) as pdf:
        for index in pages:
            page = pdf.pages[index]
            words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
            out.append(
                (
                    float(page.width),
                    float(page.height),
                    [(w["text"], (w["x0"], w["top"], w["x1"], w["bottom"])) for w in words],
                )
            )
            page.close()
    return out


def _agreement(path: Path, pages: list[int] | None = None) -> tuple[int, int, float]:
    """Compare the two readers on the given pages (all by default): (words, undecodable words, largest
    box difference in points). Fails on any difference in page size, word count, order or text."""
    ours = _pdfium_pages(path)
    pages = list(range(len(ours))) if pages is None else pages
    words = undecoded = 0
    worst = 0.0
    for index, (width, height, theirs) in zip(pages, _plumber_pages(path, pages), strict=True):
        got = ours[index]
        where = f"{path.name} page {index + 1}"
        assert (got.width, got.height) == pytest.approx((width, height)), where
        assert len(got.words) == len(theirs), f"{where}: {len(got.words)} words, pdfplumber {len(theirs)}"
        short_lines = [box[1] for text, box in theirs if "(cid:" in text]
        for word, (text, box) in zip(got.words, theirs, strict=True):
            words += 1
            if "(cid:" in text:
                undecoded += 1
                assert re.fullmatch(_CID.sub(".", re.escape(text)), word.text), (where, word.text, text)
                continue
            assert word.text == text, where
            if not any(abs(box[1] - top) <= 3 for top in short_lines):
                worst = max(worst, *(abs(a - b) for a, b in zip(word.bbox, box, strict=True)))
    return words, undecoded, worst


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Six generated reports: QME, AME, PR-4 forms, narrative styles in Times, Helvetica and Courier."""
    return generate_corpus(tmp_path_factory.mktemp("reports"), count=6, seed=3)


def test_words_match_pdfplumber_on_generated_reports(reports: list[Path]) -> None:
    total = undecoded = 0
    worst = 0.0
    for path in reports:
        with PDFIUM_LOCK, pdfium.PdfDocument(str(path)) as pdf:
            count = len(pdf)
        # First and last pages (letterhead, forms, tables, signature) keep the test fast.
        n, u, w = _agreement(path, sorted({0, count - 1}))
        total, undecoded, worst = total + n, undecoded + u, max(worst, w)
    assert total > 2000
    assert undecoded <= total // 100
    assert worst <= STANDARD_FONT_BOX_PT


def _turned(tmp: Path, change: Callable[[pdfium.PdfPage], None]) -> Path:
    src = write_pdf(tmp / "src.pdf", [sentences(21, 25)], header="QME report - case 7", footer="Page {n}")
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(str(src))
        change(pdf[0])
        pdf.save(str(tmp / "turned.pdf"))
        pdf.close()
    return tmp / "turned.pdf"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda p: p.set_rotation(90), id="rotate-90"),
        pytest.param(lambda p: p.set_rotation(180), id="rotate-180"),
        pytest.param(lambda p: p.set_rotation(270), id="rotate-270"),
        pytest.param(lambda p: p.set_cropbox(40, 60, 560, 700), id="cropbox-offset"),
        pytest.param(lambda p: p.set_mediabox(-30, 20, 600, 800), id="mediabox-offset"),
        pytest.param(
            lambda p: (p.set_mediabox(30, 40, 640, 850), p.set_cropbox(50, 60, 560, 700), p.set_rotation(90)),
            id="rotated-with-offset-boxes",
        ),
    ],
)
def test_words_match_pdfplumber_on_turned_and_offset_pages(
    tmp_path: Path, change: Callable[[pdfium.PdfPage], None]
) -> None:
    words, _, worst = _agreement(_turned(tmp_path, change))
    assert words > 250
    assert worst <= STANDARD_FONT_BOX_PT


@pytest.mark.parametrize("rotate", [90, 270])
def test_landscape_content_turned_upright_by_rotate_matches_pdfplumber(tmp_path: Path, rotate: int) -> None:
    path = tmp_path / "landscape.pdf"
    c = canvas.Canvas(str(path), pagesize=letter, invariant=True)
    c.translate(letter[0], 0)
    c.rotate(90)  # a landscape table typed on a portrait page
    c.setFont("Helvetica", 11)
    for k, line in enumerate(sentences(9, 20)):
        c.drawString(72, 540 - 15 * k, line)
    c.showPage()
    c.save()
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(str(path))
        pdf[0].set_rotation(rotate)
        pdf.save(str(tmp_path / "turned.pdf"))
        pdf.close()
    words, _, worst = _agreement(tmp_path / "turned.pdf")
    assert words > 200
    assert worst <= STANDARD_FONT_BOX_PT


def test_inherited_mediabox_with_offset_matches_pdfplumber(tmp_path: Path) -> None:
    content = (
        b"BT /F1 12 Tf 80 760 Td (Whole person impairment 12% WPI) Tj 0 -16 Td (of the lumbar spine.) Tj ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [10 20 622 812] >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path = tmp_path / "inherited.pdf"
    path.write_bytes(bytes(out))
    words, _, worst = _agreement(path)
    assert words == 9
    assert worst <= STANDARD_FONT_BOX_PT


def test_unusual_text_matches_pdfplumber(tmp_path: Path) -> None:
    """Scaled and spaced text, a superscript, invisible text, a form XObject, turned and diagonal text,
    ligatures of an embedded TrueType font, a hyphen ending a line, italic overhangs."""
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))  # shipped with reportlab
    path = tmp_path / "unusual.pdf"
    c = canvas.Canvas(str(path), pagesize=letter, invariant=True)
    t = c.beginText(72, 700)
    t.setFont("Helvetica", 11)
    t.setHorizScale(80)
    t.textLine("Horizontally scaled text at eighty percent")
    t.setHorizScale(100)
    t.setCharSpace(1.5)
    t.textLine("Letter spaced words here")
    t.setCharSpace(0)
    t.setWordSpace(6)
    t.textLine("Justified with word spacing")
    t.setWordSpace(0)
    c.drawText(t)
    t = c.beginText(72, 640)
    t.setFont("Times-Roman", 11)
    t.textOut("WPI")
    t.setRise(4)
    t.setFont("Times-Roman", 7)
    t.textOut("2")
    t.setRise(0)
    t.setFont("Times-Roman", 11)
    t.textLine(" footnote")
    t.setTextRenderMode(3)
    t.textLine("Invisible OCR layer words")
    t.setTextRenderMode(0)
    c.drawText(t)
    c.saveState()
    c.transform(11, 0, 0, 11, 72, 590)  # font size 1 and a scaled text matrix, as many producers write
    c.setFont("Helvetica", 1)
    c.drawString(0, 0, "Scaled matrix text")
    c.restoreState()
    c.beginForm("stamp")
    c.setFont("Courier", 10)
    c.drawString(72, 570, "Text inside a form XObject")
    c.endForm()
    c.doForm("stamp")
    for x, y, angle, text in [
        (300, 400, 90, "Sideways header"),
        (350, 300, 45, "Diagonal"),
        (450, 400, 180, "Upside down"),
    ]:
        c.saveState()
        c.translate(x, y)
        c.rotate(angle)
        c.setFont("Helvetica", 10)
        c.drawString(0, 0, text)
        c.restoreState()
    c.setFont("Vera", 12)
    c.drawString(72, 200, "The \ufb01nal \ufb02oor: non-")
    c.drawString(72, 185, "industrial apportionment")
    c.setFont("Times-Italic", 12)
    c.drawString(72, 160, "Italic of if staff")
    c.showPage()
    c.save()
    got = [w.text for w in _pdfium_pages(path)[0].words]
    # Ligatures expanded, the line-ending hyphen kept, the superscript joined to its word; pdfplumber
    # reads text turned a quarter top to bottom ("redaeh syawediS"), and so does page_words.
    assert {"final", "floor:", "non-", "industrial", "WPI2", "footnote", "XObject", "syawediS"} <= set(got)
    words, _, worst = _agreement(path)
    assert words > 40
    assert worst <= BOX_PT  # the embedded TrueType font's fractional widths drift a little (docs/reading.md)


def _ruled_table_pdf(path: Path, last_column: str = "WPI") -> Path:
    """Page 1 prose; page 2 an impairment table drawn with a grid of lines; page 3 prose again."""
    styles = getSampleStyleSheet()
    prose = [Paragraph(" ".join(sentences(31, 12)), styles["BodyText"])]
    rows = [["Body part", "Table", "Class", last_column]] + [
        [part, f"17-{n}", str(n % 4 + 1), f"{n + 3}%"]
        for n, part in enumerate(
            ["Lumbar spine", "Cervical spine", "Left shoulder", "Right knee", "Left wrist"]
        )
    ]
    table = Table(rows, colWidths=[150, 80, 60, 60])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story = [
        *prose,
        PageBreak(),
        Paragraph("IMPAIRMENT RATING", styles["Heading2"]),
        table,
        PageBreak(),
        *prose,
    ]
    SimpleDocTemplate(str(path), pagesize=letter, invariant=1).build(story)
    return path


def test_ruled_table_page_is_read_with_pdfplumber_and_others_with_pdfium(
    tmp_path: Path, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    path = _ruled_table_pdf(tmp_path / "table.pdf")
    with caplog.at_level(logging.DEBUG, logger="pipeline.reading.read"):
        doc = read_document(path, settings)
    assert [p.text_reader for p in doc.pages] == ["pdfium", "pdfplumber", "pdfium"]
    assert {p.text_source for p in doc.pages} == {"text_layer"}
    assert {"Lumbar", "17-0", "3%", "WPI"} <= {w.text for line in doc.pages[1].lines for w in line.words}
    choices = [r.getMessage() for r in caplog.records if "words from" in r.getMessage()]
    assert len(choices) == 3
    assert "ruled table" in choices[1]
    # Logs name counts and the reader, never the page's words (reports are protected health information).
    assert not any(w in " ".join(choices) for w in ("Lumbar", "IMPAIRMENT", "spine"))
    # The PDFium pages read exactly as pdfplumber would read them.
    words, _, worst = _agreement(path)
    assert words > 100
    assert worst <= STANDARD_FONT_BOX_PT


def test_a_ruled_grid_that_is_not_an_impairment_table_is_read_with_pdfium(
    tmp_path: Path, settings: Settings
) -> None:
    """Form boxes and other ruled grids without a WPI column gain nothing from pdfplumber (same words)."""
    doc = read_document(_ruled_table_pdf(tmp_path / "grid.pdf", last_column="Visits"), settings)
    assert [p.text_reader for p in doc.pages] == ["pdfium", "pdfium", "pdfium"]
