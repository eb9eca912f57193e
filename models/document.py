"""What the reading stage returns: a document of pages, lines and words, each with provenance."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

#: A box as [x0, top, x1, bottom] in PDF points from the top-left corner of the page.
BBox = tuple[float, float, float, float]


class TextSource(StrEnum):
    """Where a page's words came from."""

    TEXT_LAYER = "text_layer"
    OCR = "ocr"


class Word(BaseModel):
    """One word with its box and, for OCR, Tesseract's confidence (0-100)."""

    model_config = ConfigDict(frozen=True)

    text: str
    bbox: BBox
    confidence: float | None = None
    #: What Tesseract read, when a repair (`pipeline.reading.repair`) changed it: "O3/l5/2O23" for 03/15/2023.
    ocr_text: str | None = None


class Line(BaseModel):
    """One line of text in reading order; headers and footers are kept but marked."""

    model_config = ConfigDict(frozen=True)

    text: str
    bbox: BBox
    words: list[Word] = Field(default_factory=list)
    #: Mean OCR word confidence of the line (0-100), None for text-layer lines.
    confidence: float | None = None
    role: Literal["body", "header", "footer"] = "body"
    #: 0 for single-column pages; 0, 1 for the left and right column of a two-column page.
    column: int = 0


class Page(BaseModel):
    """One page: its size, where its text came from and why, and its lines."""

    model_config = ConfigDict(frozen=True)

    number: int = Field(ge=1)
    width: float
    height: float
    text_source: TextSource
    #: Why the page was read from its text layer or OCR'd (the triage decision, logged too).
    triage_reason: str = ""
    #: For a text-layer page, the library that read its words: PDFium (the default), or pdfplumber for
    #: pages with ruled tables. None for OCR'd pages.
    text_reader: Literal["pdfium", "pdfplumber"] | None = None
    #: Clockwise rotation (0, 90, 180, 270) applied to read the page upright.
    rotation: int = 0
    #: Mean word confidence of the OCR'd page (0-100); None for text-layer pages.
    ocr_confidence: float | None = None
    #: Scale from page points to the pixels of the OCR'd image (dpi / 72); 1 for text-layer pages.
    render_scale: float = 1.0
    lines: list[Line] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        """The page text in reading order, one line per line."""
        return "\n".join(line.text for line in self.lines)

    @property
    def body_text(self) -> str:
        """The page text without repeated headers and footers."""
        return "\n".join(line.text for line in self.lines if line.role == "body")


class Document(BaseModel):
    """A read report: source identity and its pages."""

    model_config = ConfigDict(frozen=True)

    filename: str
    sha256: str
    media_type: str
    page_count: int
    pages: list[Page]

    @property
    def text(self) -> str:
        """All page texts separated by form feeds."""
        return "\f".join(page.text for page in self.pages)
