"""Limits where the pixels are, and clean errors for damaged or unreadable images (read_document)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from reportlab.pdfgen import canvas

from models.settings import Settings
from pipeline import errors
from pipeline.reading.read import read_document
from tests.support import inputs


def test_the_pixel_limit_counts_the_upscaling_to_ocr_dpi(tmp_path: Path, settings: Settings) -> None:
    # 9 megapixels on disk; at 101 dpi it is enlarged to 300 dpi: 8912 x 8912, 79 megapixels.
    png = tmp_path / "low_dpi.png"
    Image.new("L", (3000, 3000), 255).save(png, dpi=(101, 101))
    with pytest.raises(errors.LimitExceededError, match=r"3000x3000 pixels, 8912x8912 at 300 dpi"):
        read_document(png, settings)
    read_document(png, settings.model_copy(update={"ocr_dpi": 101, "max_page_pixels": 10_000_000}))


def test_a_huge_text_layer_page_is_refused_before_it_is_read(tmp_path: Path, settings: Settings) -> None:
    pdf = tmp_path / "poster.pdf"
    c = canvas.Canvas(str(pdf), pagesize=(200 * 72, 200 * 72))  # 200 x 200 inches, a few hundred bytes
    c.drawString(72, 72, "Applicant: Maria Example. The applicant reached maximum medical improvement.")
    c.showPage()
    c.save()
    assert pdf.stat().st_size < 4096
    with pytest.raises(errors.LimitExceededError, match=r"200 x 200 inches.*max_page_area_pt"):
        read_document(pdf, settings)
    doc = read_document(pdf, settings.model_copy(update={"max_page_area_pt": 300e6}))
    assert "maximum medical improvement" in " ".join(w.text for ln in doc.pages[0].lines for w in ln.words)


def test_a_truncated_tiff_is_a_corrupt_file_not_an_internal_error(tmp_path: Path, settings: Settings) -> None:
    fax = inputs.fax_tiff(
        inputs.write_pdf(tmp_path / "src.pdf", [["A report page."] * 5] * 3), tmp_path / "f.tif", seed=1
    )
    cut = inputs.truncated(fax, tmp_path / "cut.tif", keep=0.35)  # Pillow: TypeError "Missing dimensions"
    with pytest.raises(errors.CorruptFileError) as info:
        read_document(cut, settings)
    assert info.value.one_line().startswith("cut.tif: the image cannot be decoded")
    assert str(tmp_path) not in info.value.one_line()
