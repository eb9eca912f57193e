"""OCR with real Tesseract: rotation, skew and noise, faxes, junk text layers; faults via fake engines."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest

from models.document import Document, TextSource
from models.settings import Settings
from pipeline import errors
from pipeline.reading import imaging
from pipeline.reading.ocr import PageImage, TesseractEngine, ocr_page, ocr_pages
from pipeline.reading.read import read_document
from sample_reports import scan
from tests.support.inputs import (
    fax_tiff,
    garbage_layer_pdf,
    rotated_pdf,
    scanned_pdf,
    sentences,
    word_recall,
    write_pdf,
)

TEXT = [sentences(31, 22), sentences(32, 22)]


@pytest.fixture(scope="module")
def source(inputs_dir: Path) -> Path:
    return write_pdf(inputs_dir / "ocr-source.pdf", TEXT)


@pytest.fixture(scope="module")
def rotated_doc(inputs_dir: Path, source: Path, session_settings: Settings) -> Document:
    return read_document(rotated_pdf(source, inputs_dir / "rotated.pdf", [90, 180]), session_settings)


@pytest.fixture(scope="module")
def fax_doc(inputs_dir: Path, source: Path, session_settings: Settings) -> Document:
    return read_document(fax_tiff(source, inputs_dir / "fax.tif", seed=7), session_settings)


def _expected(n: int) -> str:
    return "\n".join(TEXT[n])


@pytest.mark.parametrize(("index", "fed"), [(0, 90), (1, 180)])
def test_sideways_and_upside_down_pages_are_read_upright(rotated_doc: Document, index: int, fed: int) -> None:
    page = rotated_doc.pages[index]
    assert page.rotation == (360 - fed) % 360
    assert (round(page.width), round(page.height)) == (612, 792)
    assert word_recall(_expected(index), page.text) >= 0.97


@pytest.fixture(scope="module")
def one_page(inputs_dir: Path) -> Path:
    return write_pdf(inputs_dir / "one.pdf", TEXT[:1])


def test_skewed_noisy_scan_is_straightened(inputs_dir: Path, one_page: Path, settings: Settings) -> None:
    pdf = scanned_pdf(one_page, inputs_dir / "skewed.pdf", seed=3, skew_deg=2.0, noise=0.06)
    page = read_document(pdf, settings).pages[0]
    assert word_recall(_expected(0), page.text) >= 0.95
    # Boxes are on the page as scanned, not as straightened: the scan turned the first line's start
    # (72, 84) 2 degrees counter-clockwise about the page centre (306, 396), to about x = 61.
    first = page.lines[0]
    assert first.bbox[0] == pytest.approx(72 - (396 - 84) * np.sin(np.radians(2)), abs=3)
    assert first.bbox[3] - first.bbox[1] > 12


def test_fax_tiff_group4_is_read_page_by_page(fax_doc: Document) -> None:
    assert fax_doc.media_type == "image/tiff"
    assert fax_doc.page_count == 2
    for n, page in enumerate(fax_doc.pages):
        assert page.text_source == TextSource.OCR
        assert page.triage_reason == "image without a text layer"
        assert page.width == pytest.approx(612, abs=2) and page.height == pytest.approx(792, abs=2)
        assert page.render_scale == pytest.approx(300 / 72)
        assert word_recall(_expected(n), page.text) >= 0.93


def test_standard_mode_fax_keeps_its_aspect(inputs_dir: Path, one_page: Path, settings: Settings) -> None:
    """A Group 3 fax at 204 x 98 dpi (pixels twice as tall as wide), one page fed in sideways: read as a
    letter page, upright, not squashed by a guessed square resolution."""
    img = scan.render_pdf(one_page, 300)[0]
    pages = [
        scan.fax(img, seed=5, dpi=scan.FAX_STANDARD_DPI),
        scan.fax(scan.rotate(img, 90), seed=6, dpi=scan.FAX_STANDARD_DPI),
    ]
    tif = scan.save_tiff_g4(pages, inputs_dir / "fax-standard.tif", compression="group3")
    doc = read_document(tif, settings)
    for page in doc.pages:
        assert (round(page.width), round(page.height)) == (612, 792)
        assert word_recall(_expected(0), page.text) >= 0.9
    assert [p.rotation for p in doc.pages] == [0, 270]


def test_scan_with_garbage_text_layer_is_ocrd(inputs_dir: Path, one_page: Path, settings: Settings) -> None:
    page = read_document(garbage_layer_pdf(one_page, inputs_dir / "garbage.pdf", seed=4), settings).pages[0]
    assert page.text_source == TextSource.OCR
    assert "junk" in page.triage_reason
    assert word_recall(_expected(0), page.text) >= 0.95


def test_osd_reports_clockwise_turn_to_upright(source: Path) -> None:
    img = scan.rotate(scan.render_pdf(source, 300)[0], 90)
    gray = np.asarray(img, dtype=np.uint8)
    page = PageImage(1, gray, 300 / 72)
    found = TesseractEngine().orientation(imaging.encode_png(imaging.ink_window(gray, 1200)), page=page)
    assert found is not None and found.rotate == 270
    assert imaging.detect_orientation(gray, 300)[0] == 270


def test_blank_page_gives_no_lines_and_no_confidence(settings: Settings) -> None:
    blank = np.full((3300, 2550), 255, dtype=np.uint8)
    assert (
        TesseractEngine().orientation(imaging.encode_png(blank), page=PageImage(1, blank, 300 / 72)) is None
    )
    page = ocr_page(PageImage(1, blank, 300 / 72), TesseractEngine(), settings)
    assert page.lines == [] and page.rotation == 0 and page.ocr_confidence is None


# --- faults: a fake `tesseract` command ---------------------------------------------------------------------


def _fake_tesseract(d: Path, body: str) -> Path:
    path = d / "tesseract"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def _text_page() -> PageImage:
    gray = np.full((600, 600), 255, dtype=np.uint8)
    gray[100:110, 50:550] = 0
    return PageImage(3, gray, 300 / 72, source=Path("report.pdf"))


def test_tesseract_over_time_limit_raises_ocr_timeout(tmp_path: Path, settings: Settings) -> None:
    engine = TesseractEngine(timeout_s=0.5, command=str(_fake_tesseract(tmp_path, "exec sleep 30")))
    with pytest.raises(errors.OcrTimeoutError) as info:
        ocr_pages([_text_page()], settings, engine)
    assert info.value.exit_code == errors.ExitCode.OCR_TIMEOUT
    assert info.value.one_line().startswith("report.pdf: page 3")


def test_tesseract_crash_raises_ocr_error(tmp_path: Path, settings: Settings) -> None:
    engine = TesseractEngine(
        command=str(_fake_tesseract(tmp_path, "echo 'Segmentation fault' >&2; exit 139"))
    )
    with pytest.raises(errors.OcrError, match="Segmentation fault"):
        ocr_pages([_text_page()], settings, engine)


def test_missing_tesseract_raises_dependency_error(tmp_path: Path, settings: Settings) -> None:
    engine = TesseractEngine(command=str(tmp_path / "no-such-tesseract"))
    with pytest.raises(errors.DependencyError):
        ocr_pages([_text_page()], settings, engine)


def test_missing_language_data_raises_dependency_error(settings: Settings) -> None:
    with pytest.raises(errors.DependencyError, match="language"):
        ocr_page(_text_page(), TesseractEngine(language="xyz"), settings)


def test_tesseract_runs_single_threaded(tmp_path: Path, settings: Settings) -> None:
    record = tmp_path / "env.txt"
    fake = _fake_tesseract(tmp_path, f'echo "$OMP_THREAD_LIMIT" > {record}; echo level > "$2.tsv"')
    os.environ["OMP_THREAD_LIMIT"] = "4"
    try:
        ocr_page(_text_page(), TesseractEngine(command=str(fake)), settings)
    finally:
        os.environ["OMP_THREAD_LIMIT"] = "1"
    assert record.read_text().strip() == "1"


def test_a_killed_workers_page_images_stay_in_the_home_and_the_next_run_removes_them(
    tmp_path: Path, settings: Settings
) -> None:
    """Tesseract's input and output live under the home's tmp/ (never the system's /tmp); after SIGKILL the
    leftovers of the dead process are removed by the next run's clean-up, a live one's are kept."""
    import signal
    import socket
    import subprocess
    import sys
    import tempfile
    import time

    from pipeline.operations.home import Home, clean_temp_outputs

    seen = tmp_path / "seen.txt"
    fake = _fake_tesseract(tmp_path, f'echo "$1" > {seen}; exec sleep 60')
    home = Home(settings.home).ensure()
    script = (
        "import sys; from pathlib import Path; from models.settings import Settings; "
        "from pipeline.reading.ocr import TesseractEngine, ocr_page; "
        "from tests.pipeline.reading.test_ocr import _text_page; "
        "s = Settings(home=Path(sys.argv[1])); e = TesseractEngine.from_settings(s); e.command = sys.argv[2]; "
        "ocr_page(_text_page(), e, s)"
    )
    before = set(Path(tempfile.gettempdir()).iterdir())
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(home.root), str(fake)], start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while not seen.exists() or not seen.read_text().strip():
            assert child.poll() is None and time.monotonic() < deadline, "Tesseract was never started"
            time.sleep(0.05)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    image = Path(seen.read_text().strip())
    assert image.is_relative_to(home.tmp) and image.exists(), "the page image is inside the home"
    assert stat.S_IMODE(image.parent.stat().st_mode) == 0o700
    assert not {p for p in set(Path(tempfile.gettempdir()).iterdir()) - before if "tess" in p.name}
    alive = Path(tempfile.mkdtemp(prefix=f"ocr-{socket.gethostname()}-{os.getpid()}-", dir=home.tmp))
    assert clean_temp_outputs(home) == 1
    assert not image.parent.exists() and alive.exists()
