"""Reading-stage benchmark: pages/second of read_document against the tools it wraps, in one run.

    .venv/bin/python bench/read_bench.py [--digital-docs 10] [--scanned-docs 4] [--workers 2]

Builds a corpus in bench/out/ (>= 200 born-digital pages, >= 40 scanned pages), then measures:
  digital  read_document vs pdfplumber extract_text() alone vs `pdftotext`
  scanned  read_document with N workers vs 1 worker vs the `tesseract` command run directly on the same
           page images with N at a time (OMP_THREAD_LIMIT=1 everywhere)
Targets: digital within 1.5x of pdfplumber; OCR >= 0.9x direct tesseract; N workers >= 1.7x one worker.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402

from models.settings import Settings  # noqa: E402
from pipeline.reading.read import read_document  # noqa: E402
from sample_reports import scan  # noqa: E402
from tests.support.inputs import sentences, word_recall, write_pdf  # noqa: E402

T = TypeVar("T")
OUT = ROOT / "bench" / "out"
PAGES_PER_DOC = {"digital": 20, "scanned": 10}
LINES_PER_PAGE = 40


def build_corpus(
    digital_docs: int, scanned_docs: int
) -> tuple[list[Path], list[Path], list[Path], list[str]]:
    """Digital PDFs, scanned PDFs, the scanned page images as PNG files, and each scanned page's text."""
    OUT.mkdir(parents=True, exist_ok=True)
    digital = []
    for d in range(digital_docs):
        pages = [sentences(1000 * d + p, LINES_PER_PAGE) for p in range(PAGES_PER_DOC["digital"])]
        path = OUT / f"digital-{d:02d}.pdf"
        if not path.exists():
            write_pdf(
                path, pages, header=f"Qualified Medical Evaluation - case {d}", footer="Page {n} of {total}"
            )
        digital.append(path)
    scanned, images, truth = [], [], []
    for d in range(scanned_docs):
        pages = [sentences(5000 + 1000 * d + p, 30) for p in range(PAGES_PER_DOC["scanned"])]
        truth += ["\n".join(lines) for lines in pages]
        path = OUT / f"scanned-{d:02d}.pdf"
        pngs = [OUT / f"scanned-{d:02d}-p{p + 1:02d}.png" for p in range(len(pages))]
        if not path.exists() or not all(p.exists() for p in pngs):
            src = write_pdf(OUT / f"scanned-{d:02d}-src.pdf", pages)
            degraded = [
                scan.office_scan(img, seed=100 * d + i) for i, img in enumerate(scan.render_pdf(src, 300))
            ]
            scan.save_pdf(degraded, path)
            # The direct-tesseract baseline reads the same pixels our reader renders from the PDF.
            for png, img in zip(pngs, scan.render_pdf(path, 300), strict=True):
                img.save(png, dpi=(300, 300))
        scanned.append(path)
        images += pngs
    return digital, scanned, images, truth


class Meter:
    """Accumulated wall-clock and CPU seconds (this process and its finished children) of the calls run."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0

    def run(self, fn: Callable[[], T]) -> T:
        before = _cpu()
        start = time.perf_counter()
        result = fn()
        self.wall += time.perf_counter() - start
        self.cpu += _cpu() - before
        return result


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def plumber_extract(paths: list[Path]) -> None:
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()


def pdftotext(paths: list[Path]) -> None:
    for path in paths:
        subprocess.run(["pdftotext", "-q", str(path), "-"], check=True, capture_output=True)


def direct_tesseract(images: list[Path], workers: int) -> None:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(png: Path) -> None:
        subprocess.run(["tesseract", str(png), "stdout"], check=True, capture_output=True, env=env)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, images))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digital-docs", type=int, default=10)
    parser.add_argument("--scanned-docs", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    digital, scanned, images, truth = build_corpus(args.digital_docs, args.scanned_docs)
    n_digital = PAGES_PER_DOC["digital"] * len(digital)
    n_scanned = len(images)
    settings = Settings(ocr_workers=args.workers)
    one_worker = Settings(ocr_workers=1)
    print(
        f"corpus: {n_digital} digital pages in {len(digital)} PDFs, {n_scanned} scanned pages in {len(scanned)} PDFs"
    )
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")

    load_before = os.getloadavg()[0]
    # Measurements are interleaved (round by round, document by document) so that load from other
    # processes on a shared machine falls on every contender alike.
    ours, plumber, poppler = Meter(), Meter(), Meter()
    for _ in range(3):
        ours.run(lambda: [read_document(p, settings) for p in digital])
        plumber.run(lambda: plumber_extract(digital))
        poppler.run(lambda: pdftotext(digital))
    ocr_n, ocr_1, direct = Meter(), Meter(), Meter()
    texts: list[str] = []
    per_doc = PAGES_PER_DOC["scanned"]
    for i, path in enumerate(scanned):
        doc = ocr_n.run(lambda path=path: read_document(path, settings))  # type: ignore[misc]
        texts += [page.text for page in doc.pages]
        direct.run(lambda i=i: direct_tesseract(images[i * per_doc : (i + 1) * per_doc], args.workers))  # type: ignore[misc]
        ocr_1.run(lambda path=path: read_document(path, one_worker))  # type: ignore[misc]
    recall = sum(word_recall(e, g) for e, g in zip(truth, texts, strict=True)) / len(truth)

    rows = [
        ("digital: read_document", n_digital * 3, ours),
        ("digital: pdfplumber extract_text", n_digital * 3, plumber),
        ("digital: pdftotext", n_digital * 3, poppler),
        (f"scanned: read_document, {args.workers} workers", n_scanned, ocr_n),
        ("scanned: read_document, 1 worker", n_scanned, ocr_1),
        (f"scanned: tesseract directly, {args.workers} at a time", n_scanned, direct),
    ]
    print(f"\n{'path':<48} {'pages/s':>8} {'CPU s/page':>11}")
    for name, pages, meter in rows:
        print(f"{name:<48} {pages / meter.wall:>8.2f} {meter.cpu / pages:>11.3f}")
    ratios = {
        "digital time / pdfplumber time (target <= 1.5)": ours.wall / plumber.wall,
        "digital CPU / pdfplumber CPU": ours.cpu / plumber.cpu,
        "digital time / pdftotext time": ours.wall / poppler.wall,
        "OCR speed / direct tesseract (target >= 0.9)": direct.wall / ocr_n.wall,
        "OCR CPU efficiency / direct tesseract": direct.cpu / ocr_n.cpu,
        f"{args.workers} workers / 1 worker (target >= 1.7)": ocr_1.wall / ocr_n.wall,
        "OCR word recall on the scanned pages": recall,
        "load average before": load_before,
        "load average after": os.getloadavg()[0],
    }
    print()
    for name, value in ratios.items():
        print(f"{name:<48} {value:>8.2f}")
    results = {name: {"wall_s": m.wall, "cpu_s": m.cpu, "pages": pages} for name, pages, m in rows}
    (OUT / "read_bench.json").write_text(json.dumps({"results": results, "ratios": ratios}, indent=2))


if __name__ == "__main__":
    main()
