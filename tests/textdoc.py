"""Build a Document straight from text, for extraction tests that do not need a PDF."""

from __future__ import annotations

import hashlib

from models.document import Document, Line, Page, TextSource, Word


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
