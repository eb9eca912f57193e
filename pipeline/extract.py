"""extract_record(): from a read Document to a ReportRecord. Placeholder until the rules land."""

from __future__ import annotations

from spacy.language import Language

from models.document import Document
from models.record import ReportRecord, Source, SourcePage
from models.settings import Settings


def extract_record(document: Document, nlp: Language, settings: Settings) -> ReportRecord:
    """The record of `document`; every value carries its evidence."""
    source = Source(
        filename=document.filename,
        sha256=document.sha256,
        media_type=document.media_type,
        page_count=document.page_count,
        pages=[
            SourcePage(number=p.number, text_source=p.text_source.value, ocr_confidence=p.ocr_confidence,
                       rotation=p.rotation)
            for p in document.pages
        ],
    )
    return ReportRecord(source=source)
