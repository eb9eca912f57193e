"""`medlegal read`: text page by page, --json, and one line on stderr with a distinct exit code per bad input."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from models.document import Document
from pipeline.cli import main
from pipeline.errors import ExitCode
from tests.support.inputs import encrypted_pdf, huge_png, no_pages_pdf, sentences, truncated, write_pdf

MEDLEGAL = str(Path(sys.executable).parent / "medlegal")
LINES = sentences(41, 8)


@pytest.fixture(scope="module")
def report(inputs_dir: Path) -> Path:
    return write_pdf(inputs_dir / "cli-report.pdf", [LINES])


@pytest.fixture(scope="module")
def bad(inputs_dir: Path, report: Path) -> dict[str, Path]:
    d = inputs_dir / "cli-bad"
    d.mkdir()
    (d / "empty.pdf").write_bytes(b"")
    (d / "letter.docx").write_bytes(b"PK\x03\x04 not a report")
    return {
        "missing": d / "missing.pdf",
        "empty": d / "empty.pdf",
        "truncated": truncated(report, d / "truncated.pdf"),
        "encrypted": encrypted_pdf(d / "encrypted.pdf"),
        "unsupported": d / "letter.docx",
        "no pages": no_pages_pdf(d / "no-pages.pdf"),
        "too large": huge_png(d / "huge.png"),
    }


def test_read_prints_text_page_by_page(report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["read", str(report)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert out.startswith("=== page 1 (text_layer) ===\n")
    assert "\n".join(LINES) in out


def test_read_json_prints_the_document(report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["read", "--json", str(report)]) == ExitCode.OK
    doc = Document.model_validate(json.loads(capsys.readouterr().out))
    assert doc.filename == "cli-report.pdf" and doc.pages[0].lines[0].text == LINES[0]


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("missing", ExitCode.INPUT_NOT_FOUND),
        ("empty", ExitCode.EMPTY_FILE),
        ("truncated", ExitCode.CORRUPT_FILE),
        ("encrypted", ExitCode.ENCRYPTED_PDF),
        ("unsupported", ExitCode.UNSUPPORTED_TYPE),
        ("no pages", ExitCode.NO_PAGES),
        ("too large", ExitCode.LIMIT_EXCEEDED),
    ],
)
def test_bad_input_exit_code_and_one_line_message(
    kind: str, code: ExitCode, bad: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = bad[kind]
    assert main(["read", str(path)]) == code
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"medlegal: error: {path.name}: ")
    assert "Traceback" not in captured.err


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MEDLEGAL, *args], capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})}
    )


def test_console_script_encrypted_pdf(bad: dict[str, Path]) -> None:
    proc = _run("read", str(bad["encrypted"]))
    assert proc.returncode == ExitCode.ENCRYPTED_PDF
    assert proc.stderr.strip().splitlines() == [
        "medlegal: error: encrypted.pdf: the PDF is encrypted; the PDF is password-protected; decrypt it "
        "(qpdf --decrypt --password=PW in.pdf out.pdf) and retry"
    ]
    verbose = _run("-v", "read", str(bad["encrypted"]))
    assert verbose.returncode == ExitCode.ENCRYPTED_PDF and "Traceback" in verbose.stderr


@pytest.fixture(scope="module")
def small_scan(inputs_dir: Path) -> Path:
    path = inputs_dir / "small-scan.png"
    Image.new("L", (850, 1100), 255).save(path, dpi=(100, 100))
    return path


def test_console_script_missing_tesseract(small_scan: Path, tmp_path: Path) -> None:
    proc = _run("read", str(small_scan), env={"PATH": str(tmp_path)})
    assert proc.returncode == ExitCode.DEPENDENCY
    assert "tesseract" in proc.stderr and "apt-get install" in proc.stderr


def test_console_script_ocr_timeout(small_scan: Path, tmp_path: Path) -> None:
    fake = tmp_path / "tesseract"
    fake.write_text("#!/bin/sh\nexec sleep 30\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    proc = _run(
        "read", str(small_scan), env={"PATH": f"{tmp_path}:/usr/bin:/bin", "MEDLEGAL_OCR_TIMEOUT_S": "1"}
    )
    assert proc.returncode == ExitCode.OCR_TIMEOUT
    assert proc.stderr.startswith("medlegal: error: small-scan.png: page 1: Tesseract took longer than 1s")


@pytest.mark.parametrize("command", ["read", "extract"])
@pytest.mark.parametrize(
    ("variable", "value", "code"),
    [
        ("MEDLEGAL_WORKER_MEMORY_MB", "256", ExitCode.LIMIT_EXCEEDED),
        ("MEDLEGAL_DOCUMENT_TIMEOUT_S", "0.001", ExitCode.OCR_TIMEOUT),
    ],
    ids=["memory", "time"],
)
def test_read_and_extract_run_under_the_batchs_worker_limits(
    report: Path, tmp_path: Path, command: str, variable: str, value: str, code: ExitCode
) -> None:
    """A hostile file costs one capped worker process, as in the batch: past worker_memory_mb or
    document_timeout_s the command stops with the batch's exit code and one line (issue 21)."""
    env = {**os.environ, variable: value, "MEDLEGAL_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [MEDLEGAL, command, str(report)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == code, done.stderr[-300:]
    assert len(done.stderr.strip().splitlines()) == 1 and done.stdout == ""
