"""Plain text as a Document: for passages (the real-text corpus, `medlegal extract --text`) and tests.

Each page's text is laid out as a born-digital page would be: one Line per line of text, words left to
right at 12 pt, long paragraphs wrapped at `width` characters, blank lines kept as paragraph breaks.
"""

from __future__ import annotations

import hashlib
import textwrap

from models.document import Document, Line, Page, TextSource, Word


def document_from_text(
    pages: list[str], filename: str = "report.txt", width: int = 0, media_type: str = "text/plain"
) -> Document:
    """A Document with one page per string; `width` > 0 wraps longer lines at that many characters."""
    out = []
    for n, page_text in enumerate(pages, start=1):
        lines = []
        y = 72.0
        for raw_line in page_text.splitlines():
            wrapped = textwrap.wrap(raw_line, width) if width and raw_line.strip() else [raw_line]
            for raw in wrapped:
                if not raw.strip():
                    y += 14
                    continue
                words, x = [], 72.0
                for token in raw.split():
                    w = 6.0 * len(token)
                    words.append(Word(text=token, bbox=(x, y, x + w, y + 11)))
                    x += w + 4.0
                lines.append(
                    Line(text=" ".join(w.text for w in words), bbox=(72.0, y, x, y + 11), words=words)
                )
                y += 14
        out.append(
            Page(number=n, width=612, height=max(792, y + 72), text_source=TextSource.TEXT_LAYER, lines=lines)
        )
    sha = hashlib.sha256("\f".join(pages).encode()).hexdigest()
    return Document(filename=filename, sha256=sha, media_type=media_type, page_count=len(out), pages=out)
