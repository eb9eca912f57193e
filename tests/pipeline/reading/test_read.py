"""read_document: file types, text layer vs OCR per page, limits and bad inputs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from models.document import Document, TextSource
from models.settings import OcrMode, Settings
from pipeline import errors
from pipeline.reading.read import read_document
from sample_reports import scan
from tests.support.inputs import (
    column_lines,
    encrypted_pdf,
    huge_png,
    mixed_pdf,
    no_pages_pdf,
    scanned_pdf,
    sentences,
    truncated,
    word_recall,
    write_pdf,
    write_two_column_pdf,
)

PAGES = [sentences(11, 20), sentences(12, 20)]
HEADER = "Qualified Medical Evaluation - Jane Doe - ADJ1234567"
FOOTER = "Page {n} of {total}"


@pytest.fixture(scope="module")
def digital(inputs_dir: Path) -> Path:
    return write_pdf(inputs_dir / "digital.pdf", PAGES, header=HEADER, footer=FOOTER)


@pytest.fixture(scope="module")
def clean_scan(inputs_dir: Path, digital: Path) -> Path:
    images = scan.render_pdf(digital, 300)[:1]
    return scan.save_pdf(images, inputs_dir / "clean-scan.pdf")


@pytest.fixture(scope="module")
def clean_scan_doc(clean_scan: Path, session_settings: Settings) -> Document:
    return read_document(clean_scan, session_settings)


@pytest.fixture(scope="module")
def mixed_doc(inputs_dir: Path, digital: Path, session_settings: Settings) -> Document:
    attachment = scanned_pdf(
        write_pdf(inputs_dir / "att.pdf", [sentences(13, 15)]), inputs_dir / "att-scan.pdf", 5
    )
    return read_document(mixed_pdf(digital, attachment, inputs_dir / "mixed.pdf"), session_settings)


def test_digital_pdf_is_read_from_its_text_layer(digital: Path, settings: Settings) -> None:
    doc = read_document(digital, settings)
    assert doc.filename == "digital.pdf"
    assert doc.media_type == "application/pdf"
    assert doc.sha256 == hashlib.sha256(digital.read_bytes()).hexdigest()
    assert doc.page_count == 2
    for page, lines in zip(doc.pages, PAGES, strict=True):
        assert page.text_source == TextSource.TEXT_LAYER
        assert "text layer ok" in page.triage_reason
        assert (page.width, page.height) == (612, 792)
        assert page.body_text == "\n".join(lines)
        assert all(
            0 <= w.bbox[0] < w.bbox[2] <= 612 and 0 <= w.bbox[1] < w.bbox[3] <= 792
            for line in page.lines
            for w in line.words
        )


def test_running_header_and_footer_are_marked_not_dropped(digital: Path, settings: Settings) -> None:
    doc = read_document(digital, settings)
    for page in doc.pages:
        assert page.lines[0].role == "header" and page.lines[0].text == HEADER
        assert page.lines[-1].role == "footer" and page.lines[-1].text == f"Page {page.number} of 2"


def test_line_box_is_union_of_its_words(digital: Path, settings: Settings) -> None:
    line = read_document(digital, settings).pages[0].lines[1]
    assert line.bbox[0] == min(w.bbox[0] for w in line.words)
    assert line.bbox[2] == max(w.bbox[2] for w in line.words)
    assert line.bbox[0] == pytest.approx(72, abs=0.5)


def test_image_only_pdf_is_ocrd_with_high_recall(clean_scan_doc: Document) -> None:
    (page,) = clean_scan_doc.pages
    assert page.text_source == TextSource.OCR
    assert page.triage_reason == "no text layer"
    assert page.render_scale == pytest.approx(300 / 72)
    assert page.ocr_confidence is not None and page.ocr_confidence > 85
    assert word_recall("\n".join(PAGES[0]), page.body_text) >= 0.98
    assert all(line.confidence is not None for line in page.lines)


def test_ocr_boxes_land_where_the_digital_text_is(
    clean_scan_doc: Document, digital: Path, settings: Settings
) -> None:
    truth = read_document(digital, settings).pages[0].lines[1]
    ocr = clean_scan_doc.pages[0].lines[1]
    assert ocr.text == truth.text
    assert ocr.bbox == pytest.approx(truth.bbox, abs=3)


def test_mixed_pdf_reads_digital_pages_and_ocrs_scanned_ones(mixed_doc: Document) -> None:
    assert [p.text_source for p in mixed_doc.pages] == [
        TextSource.TEXT_LAYER,
        TextSource.TEXT_LAYER,
        TextSource.OCR,
    ]
    assert word_recall("\n".join(sentences(13, 15)), mixed_doc.pages[2].text) >= 0.95


def test_never_ocr_mode_leaves_scanned_pages_empty(clean_scan: Path, settings: Settings) -> None:
    doc = read_document(clean_scan, settings.model_copy(update={"ocr_mode": OcrMode.NEVER_OCR}))
    assert doc.pages[0].text_source == TextSource.TEXT_LAYER
    assert doc.pages[0].text == ""


def test_two_column_page_is_read_column_by_column(inputs_dir: Path, settings: Settings) -> None:
    left, right = column_lines(21, 12), column_lines(22, 12)
    pdf = write_two_column_pdf(inputs_dir / "two-col.pdf", "Summary of Medical Records", left, right)
    for mode in (OcrMode.AUTO, OcrMode.FORCE_OCR):
        page = read_document(pdf, settings.model_copy(update={"ocr_mode": mode})).pages[0]
        texts = [line.text for line in page.lines]
        assert texts[0] == "Summary of Medical Records"
        if mode == OcrMode.AUTO:
            assert texts[1:] == left + right
        else:
            assert word_recall("\n".join(left), "\n".join(texts[1:13])) >= 0.95
            assert word_recall("\n".join(right), "\n".join(texts[13:])) >= 0.95
        assert {line.column for line in page.lines[1:13]} == {0}
        assert {line.column for line in page.lines[13:]} == {1}


# --- bad inputs -------------------------------------------------------------------------------------------


def _bad_inputs(d: Path, digital: Path) -> dict[str, tuple[Path, type[errors.MedlegalError]]]:
    (d / "empty.pdf").write_bytes(b"")
    (d / "notes.txt").write_text("Not a report, just some notes.\n")
    (d / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20)
    return {
        "missing": (d / "missing.pdf", errors.InputNotFoundError),
        "zero-byte": (d / "empty.pdf", errors.EmptyFileError),
        "truncated": (truncated(digital, d / "truncated.pdf"), errors.CorruptFileError),
        "encrypted": (encrypted_pdf(d / "encrypted.pdf"), errors.EncryptedPdfError),
        "not a pdf": (d / "notes.txt", errors.UnsupportedFileTypeError),
        "no pages": (no_pages_pdf(d / "no-pages.pdf"), errors.NoPagesError),
        "image too large": (huge_png(d / "huge.png"), errors.LimitExceededError),
        "corrupt image": (d / "broken.png", errors.CorruptFileError),
    }


BAD = [
    "missing",
    "zero-byte",
    "truncated",
    "encrypted",
    "not a pdf",
    "no pages",
    "image too large",
    "corrupt image",
]


@pytest.fixture(scope="module")
def bad_inputs(inputs_dir: Path, digital: Path) -> dict[str, tuple[Path, type[errors.MedlegalError]]]:
    d = inputs_dir / "bad"
    d.mkdir()
    return _bad_inputs(d, digital)


@pytest.mark.parametrize("kind", BAD)
def test_bad_input_raises_its_own_error_naming_the_file(
    kind: str, bad_inputs: dict[str, tuple[Path, type[errors.MedlegalError]]], settings: Settings
) -> None:
    path, error = bad_inputs[kind]
    with pytest.raises(error) as info:
        read_document(path, settings)
    assert type(info.value) is error
    assert info.value.one_line().startswith(path.name + ": ")


def test_file_over_size_limit(digital: Path, settings: Settings) -> None:
    with pytest.raises(errors.LimitExceededError, match="MB"):
        read_document(digital, settings.model_copy(update={"max_file_mb": 0.001}))


def test_too_many_pages(digital: Path, settings: Settings) -> None:
    with pytest.raises(errors.LimitExceededError, match="pages"):
        read_document(digital, settings.model_copy(update={"max_pages": 1}))


def test_page_rendering_over_pixel_limit(clean_scan: Path, settings: Settings) -> None:
    with pytest.raises(errors.LimitExceededError, match="megapixels"):
        read_document(clean_scan, settings.model_copy(update={"max_page_pixels": 1_000_000}))
