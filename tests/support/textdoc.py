"""Build a Document straight from text, for extraction tests that do not need a PDF."""

from __future__ import annotations

from spacy.language import Language

from models.document import Document
from models.record import ReportRecord
from models.settings import Settings
from pipeline.extraction.extract import extract_record
from pipeline.reading import text


def document_from_text(pages: list[str], filename: str = "report.pdf") -> Document:
    """One page per string, one Line per text line, words laid out left to right at 12 pt."""
    return text.document_from_text(pages, filename, media_type="application/pdf")


#: A minimal report header: a QME title and the exam and report dates the MMI rules resolve against.
HEAD = "QUALIFIED MEDICAL EVALUATION\nDate of Examination: 03/15/2023\nDate of Report: 04/02/2023\n\n"


def record_from_text(nlp: Language, body: str) -> ReportRecord:
    """The record extracted from a one-page report made of HEAD and `body`."""
    return extract_record(document_from_text([HEAD + body]), nlp, Settings())
