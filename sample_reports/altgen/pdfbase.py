"""reportlab plumbing: styles, paragraph helpers, two-pass build with "Page X of Y"."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import BaseDocTemplate, Frame, Paragraph, Table, TableStyle

from .phrases import x

W, H = letter


def styles(font: str, size: float = 11, lead: float | None = None, justify: bool = False) -> dict:
    bold = {"Times-Roman": "Times-Bold", "Helvetica": "Helvetica-Bold", "Courier": "Courier-Bold"}[font]
    lead = lead or size * 1.3
    base = ParagraphStyle(
        "body",
        fontName=font,
        fontSize=size,
        leading=lead,
        spaceAfter=size * 0.6,
        alignment=TA_JUSTIFY if justify else TA_LEFT,
    )
    st = {
        "body": base,
        "tight": ParagraphStyle("tight", parent=base, spaceAfter=1),
        "indent": ParagraphStyle("indent", parent=base, leftIndent=24),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=24, bulletIndent=10, spaceAfter=2),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=bold,
            fontSize=size + 1,
            leading=(size + 1) * 1.3,
            spaceBefore=size * 0.8,
            spaceAfter=size * 0.4,
            alignment=TA_LEFT,
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=bold,
            fontSize=size,
            spaceBefore=size * 0.4,
            spaceAfter=size * 0.2,
            alignment=TA_LEFT,
            keepWithNext=1,
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=bold,
            fontSize=size + 3,
            leading=(size + 3) * 1.25,
            alignment=TA_CENTER,
            spaceBefore=6,
            spaceAfter=8,
        ),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER, spaceAfter=1),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT, spaceAfter=1),
        "small": ParagraphStyle(
            "small", parent=base, fontSize=size - 2, leading=(size - 2) * 1.25, spaceAfter=2
        ),
        "cell": ParagraphStyle(
            "cell",
            parent=base,
            fontSize=size - 1.5,
            leading=(size - 1.5) * 1.2,
            spaceAfter=0,
            alignment=TA_LEFT,
        ),
        "cellb": ParagraphStyle(
            "cellb",
            parent=base,
            fontName=bold,
            fontSize=size - 1.5,
            leading=(size - 1.5) * 1.2,
            spaceAfter=0,
            alignment=TA_LEFT,
        ),
        "bold": bold,
        "font": font,
        "size": size,
    }
    return st


def P(text: str, style, markup: bool = False, **kw) -> Paragraph:
    return Paragraph(text if markup else x(text), style, **kw)


def B(label: str, text: str, style) -> Paragraph:
    """Paragraph starting with a bold run-in label."""
    return Paragraph(f"<b>{x(label)}</b> {x(text)}", style)


def grid(rows, widths, st, header=False, box=True, pad=3) -> Table:
    data = []
    for i, r in enumerate(rows):
        data.append(
            [
                c if not isinstance(c, str) else P(c, st["cellb"] if (header and i == 0) else st["cell"])
                for c in r
            ]
        )
    t = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    cmds = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if box:
        cmds.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    if header:
        cmds.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)))
    t.setStyle(TableStyle(cmds))
    return t


class Doc(BaseDocTemplate):
    def __init__(self, buf, **kw):
        super().__init__(buf, pagesize=letter, **kw)


def build_pdf(make_story, make_templates, meta: dict) -> tuple[bytes, int]:
    """Two passes: the first counts pages, the second prints "of N"."""
    total = None
    for _ in range(3):
        buf = io.BytesIO()
        doc = Doc(
            buf,
            title=meta.get("title", ""),
            author=meta.get("author", ""),
            subject="",
            creator="",
            producer="",
            invariant=1,
            leftMargin=72,
            rightMargin=72,
            topMargin=72,
            bottomMargin=72,
        )
        doc.addPageTemplates(make_templates(doc, total))
        doc.build(make_story())
        pages = doc.page
        if total == pages:
            break
        total = pages
    return buf.getvalue(), pages


def simple_frame(doc, top=72, bottom=72, left=72, right=72, id="f"):
    return Frame(
        left,
        bottom,
        W - left - right,
        H - top - bottom,
        id=id,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
