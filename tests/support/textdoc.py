"""Build a Document straight from text, for extraction tests that do not need a PDF."""

from __future__ import annotations

import hashlib

from spacy.language import Language

from models.document import Document, Line, Page, TextSource, Word
from models.record import ReportRecord
from models.settings import Settings
from pipeline.extraction.extract import extract_record


def document_from_text(pages: list[str], filename: str = "report.pdf") -> Document:
    """One page per string, one Line per text line, words laid out left to right at 12 pt."""
    out = []
    for n, page_text in enumerate(pages, start=1):
        lines = []
        y = 72.0
        for raw in page_text.splitlines():
            if not raw.strip():
                y += 14
                continue
            words, x = [], 72.0
            for token in raw.split():
                width = 6.0 * len(token)
                words.append(Word(text=token, bbox=(x, y, x + width, y + 11)))
                x += width + 4.0
            lines.append(Line(text=" ".join(w.text for w in words), bbox=(72.0, y, x, y + 11), words=words))
            y += 14
        out.append(Page(number=n, width=612, height=792, text_source=TextSource.TEXT_LAYER, lines=lines))
    sha = hashlib.sha256("\f".join(pages).encode()).hexdigest()
    return Document(
        filename=filename, sha256=sha, media_type="application/pdf", page_count=len(out), pages=out
    )


#: A minimal report header: a QME title and the exam and report dates the MMI rules resolve against.
HEAD = "QUALIFIED MEDICAL EVALUATION\nDate of Examination: 03/15/2023\nDate of Report: 04/02/2023\n\n"


def record_from_text(nlp: Language, body: str) -> ReportRecord:
    """The record extracted from a one-page report made of HEAD and `body`."""
    return extract_record(document_from_text([HEAD + body]), nlp, Settings())
