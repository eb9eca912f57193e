"""Letterheads and layouts: render a list of blocks to a PDF with reportlab, headers and footers on every page."""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

from sample_reports.corpus import names
from sample_reports.corpus.blocks import (
    Block,
    Bullets,
    FormGrid,
    Heading,
    KeyValues,
    Para,
    Signature,
    Table,
    TitleBlock,
)
from sample_reports.corpus.facts import Case


@dataclass(frozen=True)
class Style:
    """One letterhead/layout: fonts, heading look, header and footer."""

    name: str
    font: str
    bold: str
    italic: str
    size: float
    heading: str
    heading_align: str
    heading_color: Any
    justify: bool
    letterhead: str
    header: str
    footer: str


STYLES: dict[str, Style] = {
    s.name: s
    for s in [
        Style(
            "caps_serif",
            "Times-Roman",
            "Times-Bold",
            "Times-Italic",
            11.5,
            "caps",
            "left",
            colors.black,
            True,
            "center",
            "re_page_of",
            "confidential",
        ),
        Style(
            "numbered_sans",
            "Helvetica",
            "Helvetica-Bold",
            "Helvetica-Oblique",
            10,
            "numbered",
            "left",
            colors.black,
            False,
            "left_bar",
            "block",
            "address",
        ),
        Style(
            "roman_serif",
            "Times-Roman",
            "Times-Bold",
            "Times-Italic",
            11,
            "roman",
            "center",
            colors.black,
            False,
            "two_col",
            "confidential_top",
            "page_of_center",
        ),
        Style(
            "typed_courier",
            "Courier",
            "Courier-Bold",
            "Courier-Oblique",
            10,
            "caps_colon",
            "left",
            colors.black,
            False,
            "typed",
            "typed",
            "dash_page",
        ),
        Style(
            "modern_rule",
            "Helvetica",
            "Helvetica-Bold",
            "Helvetica-Oblique",
            9.5,
            "title_rule",
            "left",
            colors.HexColor("#1f4e79"),
            True,
            "banner",
            "pipe",
            "page_of_right",
        ),
        Style(
            "dwc_form",
            "Helvetica",
            "Helvetica-Bold",
            "Helvetica-Oblique",
            9.5,
            "caps_box",
            "left",
            colors.black,
            False,
            "form",
            "form",
            "form",
        ),
    ]
}
#: Styles a narrative report (QME, AME, P&S narrative, supplemental) may use.
NARRATIVE_STYLES = ["caps_serif", "numbered_sans", "roman_serif", "typed_courier", "modern_rule"]


def _roman(n: int) -> str:
    vals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def _markup(text: str) -> str:
    t = escape(text)
    t = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", t)
    return t.replace("\n", "<br/>")


class _Decor:
    """Draws letterhead, running header and footer; knows the page total after the build."""

    def __init__(self, style: Style, case: Case, rng: random.Random) -> None:
        self.s = style
        self.case = case
        self.total = 0
        ev = case.evaluator
        city = rng.choice(names.CITIES)
        self.practice = rng.choice(
            [
                f"{ev.last} {rng.choice(['Orthopaedic', 'Medical', 'Spine & Joint', 'Occupational Medicine', 'Medical-Legal'])} Group",
                f"{rng.choice(['Pacific', 'Golden State', 'Coastal', 'Valley'])} {rng.choice(['Medical Evaluations', 'Medical-Legal Associates', 'Health Partners'])}, Inc.",
                f"{ev.first} {ev.last}, {ev.degree}, A Professional Corporation",
            ]
        )
        self.address = f"{rng.randint(100, 9999)} {rng.choice(names.STREETS)}, Suite {rng.randint(100, 450)}, {city[0]}, {city[1]} {city[2]}"
        self.phone = f"({rng.randint(209, 951)}) 555-{rng.randint(1000, 9999)}"
        self.fax = f"({rng.randint(209, 951)}) 555-{rng.randint(1000, 9999)}"
        self.eval_date = ""

    def __call__(self, c: Canvas, page: int, total: int) -> None:
        self.total = total
        w, h = LETTER
        c.saveState()
        if page == 1:
            self.letterhead(c, w, h)
        else:
            self.header(c, page, total, w, h)
        self.footer(c, page, total, w)
        c.restoreState()

    def letterhead(self, c: Canvas, w: float, h: float) -> None:
        s, ev = self.s, self.case.evaluator
        kind = s.letterhead
        if kind == "center":
            c.setFont(s.bold, 15)
            c.drawCentredString(w / 2, h - 50, self.practice.upper())
            c.setFont(s.font, 10)
            c.drawCentredString(w / 2, h - 64, f"{ev.name}  -  Diplomate, American Board of {ev.specialty}")
            c.drawCentredString(w / 2, h - 76, f"{self.address}   Tel {self.phone}   Fax {self.fax}")
            c.line(72, h - 84, w - 72, h - 84)
        elif kind == "left_bar":
            c.setFillColor(colors.HexColor("#7f7f7f"))
            c.rect(40, h - 92, 6, 60, fill=1, stroke=0)
            c.setFillColor(colors.black)
            c.setFont(s.bold, 14)
            c.drawString(56, h - 46, ev.name)
            c.setFont(s.font, 9)
            c.drawString(56, h - 60, f"{ev.specialty}  |  Qualified Medical Evaluator")
            c.drawString(56, h - 72, self.address)
            c.drawString(56, h - 84, f"Phone {self.phone}  |  Fax {self.fax}")
        elif kind == "two_col":
            c.setFont(s.bold, 13)
            c.drawString(72, h - 48, self.practice)
            c.setFont(s.font, 9.5)
            c.drawString(72, h - 61, self.address)
            c.drawString(72, h - 73, f"Telephone {self.phone}")
            c.drawRightString(w - 72, h - 48, ev.name)
            c.drawRightString(w - 72, h - 61, ev.specialty)
            c.drawRightString(w - 72, h - 73, f"Facsimile {self.fax}")
            c.setLineWidth(1.5)
            c.line(72, h - 82, w - 72, h - 82)
            c.setLineWidth(0.5)
            c.line(72, h - 85, w - 72, h - 85)
        elif kind == "typed":
            c.setFont(s.font, 10)
            for i, line in enumerate(
                [
                    ev.name.upper(),
                    ev.specialty.upper(),
                    self.address.upper(),
                    f"TEL {self.phone}   FAX {self.fax}",
                ]
            ):
                c.drawString(72, h - 44 - 12 * i, line)
        elif kind == "banner":
            c.setFillColor(s.heading_color)
            c.rect(0, h - 80, w, 80, fill=1, stroke=0)
            c.setFillColor(colors.white)
            c.setFont(s.bold, 16)
            c.drawString(54, h - 40, self.practice)
            c.setFont(s.font, 9)
            c.drawString(54, h - 56, f"{ev.name}  |  {ev.specialty}")
            c.drawString(54, h - 68, f"{self.address}  |  {self.phone}")
            c.setFillColor(colors.black)
        else:  # form
            c.setFont(s.bold, 8)
            c.drawString(54, h - 36, "STATE OF CALIFORNIA")
            c.drawString(54, h - 46, "DIVISION OF WORKERS' COMPENSATION")
            c.setFont(s.font, 8)
            c.drawRightString(w - 54, h - 36, f"{ev.name}  {self.phone}")
            c.drawRightString(w - 54, h - 46, self.address)

    def header(self, c: Canvas, page: int, total: int, w: float, h: float) -> None:
        s, case = self.s, self.case
        adj = case.case_numbers[0]
        c.setFont(s.font, 8.5)
        kind = s.header
        if kind == "re_page_of":
            c.drawString(72, h - 48, f"Re: {case.applicant.full}   {adj}")
            c.drawRightString(w - 72, h - 48, f"Page {page} of {total}")
            c.line(72, h - 54, w - 72, h - 54)
        elif kind == "block":
            for i, line in enumerate(
                [
                    f"{case.applicant.last.upper()}, {case.applicant.first.upper()}",
                    f"WCAB No.: {', '.join(case.case_numbers)}",
                    f"Claim No.: {case.claim_numbers[0]}",
                    f"Page {page}",
                ]
            ):
                c.drawString(56, h - 36 - 10 * i, line)
        elif kind == "confidential_top":
            c.setFont(s.italic, 8.5)
            c.drawCentredString(w / 2, h - 44, "CONFIDENTIAL - CONTAINS MEDICAL INFORMATION")
            c.drawString(72, h - 56, f"{case.applicant.full} / {adj}")
        elif kind == "typed":
            c.drawString(72, h - 44, f"{case.applicant.last.upper()}, {case.applicant.first.upper()}")
            c.drawString(72, h - 55, f"{adj}")
            c.drawString(72, h - 66, f"PAGE {page}")
        elif kind == "pipe":
            c.setFillColor(s.heading_color)
            c.drawString(
                54,
                h - 40,
                f"Applicant: {case.applicant.full}  |  Claim No.: {case.claim_numbers[0]}  |  {adj}",
            )
            c.setFillColor(colors.black)
            c.line(54, h - 46, w - 54, h - 46)
        else:
            c.setFont(s.bold, 8)
            c.drawString(54, h - 36, "STATE OF CALIFORNIA - DIVISION OF WORKERS' COMPENSATION")
            c.setFont(s.font, 8)
            c.drawRightString(
                w - 54, h - 36, f"Patient: {case.applicant.full}   Claim: {case.claim_numbers[0]}"
            )

    def footer(self, c: Canvas, page: int, total: int, w: float) -> None:
        s = self.s
        c.setFont(s.font, 8)
        kind = s.footer
        if kind == "confidential":
            c.drawCentredString(w / 2, 40, "CONFIDENTIAL MEDICAL-LEGAL REPORT")
            if page == 1:
                c.drawRightString(w - 72, 40, f"Page {page} of {total}")
        elif kind == "address":
            c.drawCentredString(w / 2, 36, f"{self.practice}  \u2022  {self.address}  \u2022  {self.phone}")
        elif kind == "page_of_center":
            c.drawCentredString(w / 2, 40, f"Page {page} of {total}")
        elif kind == "dash_page":
            c.drawCentredString(w / 2, 40, f"- {page} -")
        elif kind == "page_of_right":
            c.drawString(54, 36, "Confidential medical-legal report. Unauthorized disclosure prohibited.")
            c.drawRightString(w - 54, 36, f"Page {page} of {total}")
        else:
            c.drawString(
                54,
                34,
                "DWC Form " + ("PR-4 (Rev. 10/2015)" if self.case.kind == "pr4" else "PR-2 (Rev. 04/2007)"),
            )
            c.drawRightString(w - 54, 34, f"Page {page} of {total}")


def _canvas_maker(decor: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Defers page output until the total is known, for 'Page X of Y'."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for i, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                decor(self, i, total)
                super().showPage()
            super().save()

    return NumberedCanvas


class _Renderer:
    def __init__(self, style: Style, rng: random.Random) -> None:
        s = self.s = style
        self.rng = rng
        align = TA_JUSTIFY if s.justify else TA_LEFT
        self.body = ParagraphStyle(
            "body",
            fontName=s.font,
            fontSize=s.size,
            leading=s.size * 1.3,
            alignment=align,
            spaceAfter=s.size * 0.6,
        )
        self.cell = ParagraphStyle(
            "cell", fontName=s.font, fontSize=s.size - 1.5, leading=(s.size - 1.5) * 1.2
        )
        self.cellb = ParagraphStyle("cellb", parent=self.cell, fontName=s.bold)
        self.h1 = ParagraphStyle(
            "h1",
            fontName=s.bold,
            fontSize=s.size + 1,
            leading=(s.size + 1) * 1.3,
            spaceBefore=s.size * 0.8,
            spaceAfter=s.size * 0.4,
            alignment=TA_CENTER if s.heading_align == "center" else TA_LEFT,
            textColor=s.heading_color,
        )
        self.h2 = ParagraphStyle(
            "h2",
            fontName=s.bold if s.heading != "caps" else s.italic,
            fontSize=s.size,
            leading=s.size * 1.3,
            spaceBefore=4,
            spaceAfter=3,
        )
        self.title = ParagraphStyle(
            "title",
            fontName=s.bold,
            fontSize=s.size + 3,
            leading=(s.size + 3) * 1.3,
            alignment=TA_CENTER,
            spaceAfter=4,
        )
        self.sub = ParagraphStyle(
            "sub", fontName=s.font, fontSize=s.size, leading=s.size * 1.3, alignment=TA_CENTER
        )
        self.n_heading = 0
        self.bullet = {"Courier": "-", "Times-Roman": "\u00b7", "Helvetica": "\u2013"}.get(s.font, "-")
        if s.name == "modern_rule":
            self.bullet = "\u00bb"

    def heading(self, b: Heading) -> list[Flowable]:
        s = self.s
        if b.level > 1:
            return [Paragraph(_markup(b.text), self.h2)]
        self.n_heading += 1
        t = _markup(b.text)
        kind = s.heading
        if kind == "caps":
            t = t.upper()
        elif kind == "numbered":
            t = f"{self.n_heading}. {t}"
        elif kind == "roman":
            t = f"{_roman(self.n_heading)}. {t.upper()}"
        elif kind == "caps_colon":
            t = f"<u>{t.upper()}</u>:"
        elif kind == "caps_box":
            t = t.upper()
            tbl = RLTable([[Paragraph(t, self.cellb)]], colWidths=[LETTER[0] - 108])
            tbl.setStyle(
                TableStyle(
                    [
                        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#d9d9d9")),
                        ("BOX", (0, 0), (-1, -1), 0.75, colors.black),
                    ]
                )
            )
            return [Spacer(1, 6), tbl, Spacer(1, 4)]
        out: list[Flowable] = [Paragraph(t, self.h1)]
        if kind == "title_rule":
            tbl = RLTable([[""]], colWidths=[LETTER[0] - 108], rowHeights=[2])
            tbl.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, -1), 0.8, s.heading_color)]))
            out.append(tbl)
        return out

    def table(self, b: Table) -> list[Flowable]:
        data = [[Paragraph(_markup(h), self.cellb) for h in b.header]]
        data += [[Paragraph(_markup(v), self.cell) for v in row] for row in b.rows]
        width = LETTER[0] - 2 * 72
        n = len(b.header)
        cols = b.widths or ([width * 0.3] + [width * 0.7 / (n - 1)] * (n - 1) if n > 1 else [width])
        t = RLTable(data, colWidths=cols, repeatRows=1)
        grid = self.rng.random() < 0.6 or self.s.name == "dwc_form"
        st = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black)]
        if grid:
            st.append(("GRID", (0, 0), (-1, -1), 0.4, colors.grey))
        else:
            st.append(("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.black))
        if self.s.name == "modern_rule":
            st.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dce6f1")))
        t.setStyle(TableStyle(st))
        return [Spacer(1, 4), t, Spacer(1, 8)]

    def keyvalues(self, b: KeyValues) -> list[Flowable]:
        width = LETTER[0] - 2 * 72
        if b.columns == 2:
            rows = []
            pairs = list(b.pairs)
            half = (len(pairs) + 1) // 2
            for i in range(half):
                row = [
                    Paragraph(_markup(pairs[i][0] + ":"), self.cellb),
                    Paragraph(_markup(pairs[i][1]), self.cell),
                ]
                if i + half < len(pairs):
                    j = pairs[i + half]
                    row += [Paragraph(_markup(j[0] + ":"), self.cellb), Paragraph(_markup(j[1]), self.cell)]
                else:
                    row += ["", ""]
                rows.append(row)
            t = RLTable(rows, colWidths=[width * 0.18, width * 0.32, width * 0.18, width * 0.32])
        else:
            rows = [
                [
                    Paragraph(
                        _markup(k.upper() + ":" if self.s.heading in ("caps", "caps_colon") else k + ":"),
                        self.cellb,
                    ),
                    Paragraph(_markup(v), self.cell),
                ]
                for k, v in b.pairs
            ]
            t = RLTable(rows, colWidths=[width * 0.3, width * 0.7])
        t.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        return [t, Spacer(1, 10)]

    def formgrid(self, b: FormGrid) -> list[Flowable]:
        width = LETTER[0] - 108
        out: list[Flowable] = []
        if b.title:
            out.append(Paragraph(_markup(b.title), self.cellb))
        small = ParagraphStyle("small", parent=self.cell, fontSize=7, leading=8.5)
        for row in b.rows:
            cells = []
            for label, value in row:
                txt = f"<font size=7>{_markup(label)}{':' if value else ''}</font>"
                if value:
                    txt += f"<br/><font name={self.s.bold}>{_markup(value)}</font>"
                cells.append(Paragraph(txt, small if not value else self.cell))
            t = RLTable([cells], colWidths=[width / len(row)] * len(row))
            t.setStyle(
                TableStyle(
                    [
                        ("BOX", (0, 0), (-1, -1), 0.75, colors.black),
                        ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.black),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            out.append(t)
        out.append(Spacer(1, 8))
        return out

    def flow(self, blocks: list[Block]) -> list[Flowable]:
        story: list[Flowable] = []
        for b in blocks:
            if isinstance(b, TitleBlock):
                story.append(Paragraph(_markup(b.title), self.title))
                story += [Paragraph(_markup(x), self.sub) for x in b.subtitles]
                story.append(Spacer(1, 12))
            elif isinstance(b, Heading):
                story += self.heading(b)
            elif isinstance(b, Para):
                story.append(Paragraph(_markup(b.text), self.body))
            elif isinstance(b, Bullets):
                items = [ListItem(Paragraph(_markup(x), self.body), leftIndent=18) for x in b.items]
                kw: dict[str, Any] = (
                    {"bulletType": "1", "bulletFormat": "%s."}
                    if b.numbered
                    else {"bulletType": "bullet", "start": self.bullet}
                )
                story.append(
                    ListFlowable(
                        items, bulletFontName=self.s.font, bulletFontSize=self.s.size, leftIndent=18, **kw
                    )
                )
            elif isinstance(b, Table):
                story += self.table(b)
            elif isinstance(b, KeyValues):
                story += self.keyvalues(b)
            elif isinstance(b, FormGrid):
                story += self.formgrid(b)
            elif isinstance(b, Signature):
                sig = [Spacer(1, 24), Paragraph("_" * 32, self.body)] + [
                    Paragraph(_markup(x), self.body) for x in b.lines
                ]
                if b.place_date:
                    sig.append(Paragraph(_markup(b.place_date), self.body))
                story.append(KeepTogether(sig))
        return story


def render(blocks: list[Block], style_name: str, case: Case, seed: str) -> tuple[bytes, int]:
    """Render the blocks as a PDF in the named style; return the bytes and the page count."""
    style = STYLES[style_name]
    rng = random.Random(seed)
    decor = _Decor(style, case, rng)
    buf = io.BytesIO()
    top = 100 if style.letterhead in ("center", "two_col", "banner", "left_bar") else 84
    side = 54 if style.name in ("modern_rule", "dwc_form", "numbered_sans") else 72
    doc = SimpleDocTemplate(
        buf,
        pagesize=LETTER,
        leftMargin=side,
        rightMargin=side,
        topMargin=top,
        bottomMargin=60,
        title="Medical Report",
        author=case.evaluator.name,
        invariant=1,
    )
    story = _Renderer(style, rng).flow(blocks)
    doc.build(story, canvasmaker=_canvas_maker(decor))
    return buf.getvalue(), decor.total
