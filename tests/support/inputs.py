"""Builders of test inputs: born-digital PDFs (reportlab), scans and faxes of them, and broken files.

Every builder writes into a directory it is given and returns the path; the known text of each page is
returned too where a test measures OCR against it (`word_recall`).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from PIL import Image
from reportlab.lib.pagesizes import letter
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from sample_reports import scan

PAGE_W, PAGE_H = letter
MARGIN = 72.0
FONT = "Helvetica"
FONT_SIZE = 11.0
LEADING = 15.0

_VOCAB = [
    "patient",
    "applicant",
    "evaluation",
    "examination",
    "industrial",
    "injury",
    "cervical",
    "lumbar",
    "spine",
    "shoulder",
    "knee",
    "wrist",
    "permanent",
    "stationary",
    "maximal",
    "medical",
    "improvement",
    "impairment",
    "rating",
    "whole",
    "person",
    "apportionment",
    "causation",
    "disability",
    "treatment",
    "physical",
    "therapy",
    "injection",
    "surgery",
    "future",
    "care",
    "restrictions",
    "work",
    "lifting",
    "bending",
    "twisting",
    "overhead",
    "reaching",
    "standing",
    "walking",
    "sitting",
    "history",
    "complaints",
    "records",
    "reviewed",
    "diagnosis",
    "tenderness",
    "range",
    "motion",
    "strength",
    "sensation",
    "reflexes",
    "radiculopathy",
    "strain",
    "sprain",
    "employer",
    "employee",
    "claim",
    "adjuster",
    "attorney",
    "defense",
    "qualified",
    "agreed",
    "examiner",
    "report",
    "opinion",
    "reasonable",
    "probability",
    "substantial",
    "evidence",
    "guides",
    "edition",
    "table",
    "chapter",
    "figure",
    "left",
    "right",
    "bilateral",
    "chronic",
    "acute",
    "moderate",
    "severe",
    "mild",
    "pain",
    "stiffness",
    "numbness",
    "weakness",
    "symptoms",
]


def sentences(seed: int, count: int, words_per_line: int = 11) -> list[str]:
    """Deterministic lines of report-like prose (real words, a few numbers) for OCR recall tests."""
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        words = [rng.choice(_VOCAB) for _ in range(words_per_line)]
        if rng.random() < 0.3:
            words[rng.randrange(len(words))] = (
                f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/20{rng.randint(10, 24)}"
            )
        if rng.random() < 0.3:
            words[rng.randrange(len(words))] = f"{rng.randint(2, 45)}%"
        words[0] = words[0].capitalize()
        lines.append(" ".join(words) + ".")
    return lines


def write_pdf(
    path: Path,
    pages: Sequence[Sequence[str]],
    header: str | None = None,
    footer: str | None = None,
) -> Path:
    """A born-digital PDF, one list of lines per page; `{n}` in header/footer is the page number."""
    c = canvas.Canvas(str(path), pagesize=letter, invariant=True)
    for n, lines in enumerate(pages, start=1):
        if header:
            c.setFont(FONT, 9)
            c.drawString(MARGIN, PAGE_H - 40, header.format(n=n, total=len(pages)))
        if footer:
            c.setFont(FONT, 9)
            c.drawCentredString(PAGE_W / 2, 36, footer.format(n=n, total=len(pages)))
        c.setFont(FONT, FONT_SIZE)
        y = PAGE_H - MARGIN - FONT_SIZE
        for line in lines:
            c.drawString(MARGIN, y, line)
            y -= LEADING
        c.showPage()
    c.save()
    return path


def write_two_column_pdf(path: Path, title: str, left: Sequence[str], right: Sequence[str]) -> Path:
    """One page: a full-width title, then two columns of short lines with a half-inch gutter."""
    c = canvas.Canvas(str(path), pagesize=letter, invariant=True)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(MARGIN, PAGE_H - MARGIN, title)
    gutter = 36.0
    col_w = (PAGE_W - 2 * MARGIN - gutter) / 2
    c.setFont(FONT, 10)
    for x, lines in ((MARGIN, left), (MARGIN + col_w + gutter, right)):
        y = PAGE_H - MARGIN - 36
        for line in lines:
            c.drawString(x, y, line)
            y -= 13
    c.showPage()
    c.save()
    return path


def column_lines(seed: int, count: int) -> list[str]:
    """Lines short enough for a column of a two-column page (about 3.2 inches at 10 pt)."""
    return sentences(seed, count, words_per_line=5)


def scanned_pdf(
    src: Path, path: Path, seed: int, dpi: int = 300, skew_deg: float = 1.0, noise: float = 0.04
) -> Path:
    """An image-only PDF of `src`'s pages passed through `office_scan`."""
    images = scan.render_pdf(src, dpi)
    pages = [
        scan.office_scan(img, seed=seed + i, skew_deg=skew_deg, noise=noise) for i, img in enumerate(images)
    ]
    return scan.save_pdf(pages, path)


def mixed_pdf(digital: Path, scanned: Path, path: Path) -> Path:
    """A PDF made of `digital`'s pages followed by `scanned`'s (a report with a scanned attachment)."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    for src in (digital, scanned):
        doc = pdfium.PdfDocument(str(src))
        out.import_pages(doc)
        doc.close()
    out.save(str(path))
    out.close()
    return path


def rotated_pdf(src: Path, path: Path, degrees: Sequence[int], dpi: int = 300) -> Path:
    """An image-only PDF of `src`'s pages, page i turned clockwise by degrees[i] (fed in sideways)."""
    images = scan.render_pdf(src, dpi)
    return scan.save_pdf([scan.rotate(img, d) for img, d in zip(images, degrees, strict=True)], path)


def fax_tiff(src: Path, path: Path, seed: int) -> Path:
    """A multi-page Group 4 TIFF at 204x196 dpi of `src`'s pages, faxed."""
    images = scan.render_pdf(src, 300)
    return scan.save_tiff_g4([scan.fax(img, seed=seed + i) for i, img in enumerate(images)], path)


def garbage_layer_pdf(src: Path, path: Path, seed: int) -> Path:
    """A scan of `src` with an invisible text layer of junk over it (a scanner's failed OCR)."""
    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#@%&*~^|}{][;"
    images = [scan.office_scan(img, seed=seed) for img in scan.render_pdf(src, 300)]
    junk = [
        "\n".join(
            " ".join("".join(rng.choice(alphabet) for _ in range(rng.randint(2, 9))) for _ in range(10))
            for _ in range(30)
        )
        for _ in images
    ]
    return scan.save_pdf(images, path, invisible_text=junk)


def encrypted_pdf(path: Path) -> Path:
    """A PDF that needs a user password to open."""
    enc = StandardEncryption("user-secret", ownerPassword="owner-secret")
    c = canvas.Canvas(str(path), pagesize=letter, encrypt=enc)
    c.drawString(MARGIN, PAGE_H - MARGIN, "Confidential medical-legal report.")
    c.showPage()
    c.save()
    return path


def no_pages_pdf(path: Path) -> Path:
    """A well-formed PDF whose page tree is empty."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def truncated(src: Path, path: Path, keep: float = 0.6) -> Path:
    """The first `keep` share of `src`'s bytes (a download or an e-mail attachment cut short)."""
    data = src.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def huge_png(path: Path, width: int = 10_000, height: int = 10_000) -> Path:
    """A bilevel PNG of width x height pixels: tiny on disk, a bomb when decoded."""
    Image.new("1", (width, height), 1).save(path, format="PNG")
    return path


_TOKEN = re.compile(r"[\w%/]+")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens with surrounding punctuation dropped, for recall measurement."""
    return [t.lower() for t in _TOKEN.findall(text)]


def word_recall(expected: str, got: str) -> float:
    """Share of the expected words (with multiplicity) found in `got`."""
    want = Counter(tokens(expected))
    have = Counter(tokens(got))
    total = sum(want.values())
    return sum(min(n, have[w]) for w, n in want.items()) / total if total else 1.0
