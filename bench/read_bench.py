"""Reading-stage benchmark: pages/second of read_document against the tools it wraps, in one run.

    .venv/bin/python bench/read_bench.py [--digital-docs 10] [--report-docs 12] [--scanned-docs 4]
                                         [--workers 2] [--long-pages 500]

Builds a corpus in bench/out/ (>= 200 born-digital pages, generated reports, >= 40 scanned pages), then
measures:
  digital  read_document vs pdfplumber extract_words() alone vs extract_text() alone vs `pdftotext`,
           on plain prose pages and on generated reports (whose ruled-table pages go to pdfplumber)
  scanned  read_document with N workers vs 1 worker vs the `tesseract` command run directly on the same
           page images with N at a time (OMP_THREAD_LIMIT=1 everywhere)
  long     peak RSS of a fresh process reading one born-digital report of N/4, N/2 and N pages
Targets: digital read_document <= 0.25x pdfplumber extract_words() alone; OCR >= 0.9x direct tesseract;
N workers >= 1.7x one worker; reading the long report under 1 GB of RSS, flat in its length.
--scanned-docs 0 skips the scanned section, --long-pages 0 the long one.
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

from models.settings import OcrMode, Settings  # noqa: E402
from pipeline.reading.read import PDFIUM_LOCK, read_document  # noqa: E402
from sample_reports import scan  # noqa: E402
from sample_reports.generate import generate_corpus  # noqa: E402
from tests.support.inputs import sentences, word_recall, write_pdf  # noqa: E402

T = TypeVar("T")
OUT = ROOT / "bench" / "out"
PAGES_PER_DOC = {"digital": 20, "scanned": 10}
LINES_PER_PAGE = 40


def build_reports(count: int) -> list[Path]:
    """Generated medical-legal reports (seed 3): narrative styles, PR forms, tables with and without rules."""
    out = OUT / f"reports-{count}"
    paths = sorted((out / "pdf").glob("*.pdf"))
    if len(paths) != count:
        paths = sorted(generate_corpus(out, count=count, seed=3))
    return paths


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(str(path))
        count = len(doc)
        doc.close()
    return count


def build_long(pages: int, sources: list[Path]) -> Path:
    """One born-digital report of `pages` pages: the generated reports' pages, repeated in turn."""
    import pypdfium2 as pdfium

    path = OUT / f"long-{pages}.pdf"
    if path.exists():
        return path
    with PDFIUM_LOCK:
        out = pdfium.PdfDocument.new()
        while len(out) < pages:
            for src in sources:
                doc = pdfium.PdfDocument(str(src))
                take = min(len(doc), pages - len(out))
                out.import_pages(doc, list(range(take)))
                doc.close()
                if len(out) >= pages:
                    break
        out.save(str(path))
        out.close()
    return path


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


def plumber_words(paths: list[Path]) -> None:
    """What read_document's text layer did before PDFium words: extract_words() alone, page closed after use."""
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_words(keep_blank_chars=False, use_text_flow=False)
                page.close()


def readers(paths: list[Path], settings: Settings) -> dict[str, int]:
    """How many text-layer pages each library read."""
    counts: dict[str, int] = {}
    for path in paths:
        for page in read_document(path, settings).pages:
            counts[str(page.text_reader)] = counts.get(str(page.text_reader), 0) + 1
    return counts


def measure_long(path: Path) -> None:
    """Run in a fresh process: read one document, print pages, wall/CPU seconds and peak RSS as JSON."""
    settings = Settings(ocr_mode=OcrMode.NEVER_OCR, ocr_workers=1)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    meter = Meter()
    doc = meter.run(lambda: read_document(path, settings))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "pages": doc.page_count,
                "wall_s": meter.wall,
                "cpu_s": meter.cpu,
                "rss_before_mb": before / 1024,
                "peak_rss_mb": peak / 1024,
                "words": sum(len(line.words) for page in doc.pages for line in page.lines),
            }
        )
    )


def long_report(pages: int, sources: list[Path]) -> list[dict[str, float]]:
    """Peak RSS reading prefixes of one long report (N/4, N/2, N pages), each in a fresh process."""
    rows = []
    for n in sorted({max(1, pages // 4), max(1, pages // 2), pages}):
        path = build_long(n, sources)
        done = subprocess.run(
            [sys.executable, __file__, "--measure-long", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return rows


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
    parser.add_argument("--report-docs", type=int, default=12)
    parser.add_argument("--scanned-docs", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--long-pages", type=int, default=500)
    parser.add_argument("--measure-long", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_long:
        measure_long(args.measure_long)
        return

    digital, scanned, images, truth = build_corpus(args.digital_docs, args.scanned_docs)
    reports = build_reports(args.report_docs) if args.report_docs else []
    n_digital = PAGES_PER_DOC["digital"] * len(digital)
    n_reports = sum(page_count(p) for p in reports)
    n_scanned = len(images)
    settings = Settings(ocr_workers=args.workers)
    one_worker = Settings(ocr_workers=1)
    rounds = args.rounds
    print(
        f"corpus: {n_digital} digital pages in {len(digital)} PDFs, {n_reports} pages in {len(reports)} "
        f"generated reports, {n_scanned} scanned pages in {len(scanned)} PDFs"
    )
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")

    load_before = os.getloadavg()[0]
    # Measurements are interleaved (round by round, document by document) so that load from other
    # processes on a shared machine falls on every contender alike.
    ours, words, plumber, poppler = Meter(), Meter(), Meter(), Meter()
    ours_r, words_r = Meter(), Meter()
    for _ in range(rounds):
        for path in digital:
            ours.run(lambda path=path: read_document(path, settings))  # type: ignore[misc]
            words.run(lambda path=path: plumber_words([path]))  # type: ignore[misc]
            plumber.run(lambda path=path: plumber_extract([path]))  # type: ignore[misc]
            poppler.run(lambda path=path: pdftotext([path]))  # type: ignore[misc]
        for path in reports:
            ours_r.run(lambda path=path: read_document(path, settings))  # type: ignore[misc]
            words_r.run(lambda path=path: plumber_words([path]))  # type: ignore[misc]
    split = readers(digital + reports, settings)
    ocr_n, ocr_1, direct = Meter(), Meter(), Meter()
    texts: list[str] = []
    per_doc = PAGES_PER_DOC["scanned"]
    for i, path in enumerate(scanned):
        doc = ocr_n.run(lambda path=path: read_document(path, settings))  # type: ignore[misc]
        texts += [page.text for page in doc.pages]
        direct.run(lambda i=i: direct_tesseract(images[i * per_doc : (i + 1) * per_doc], args.workers))  # type: ignore[misc]
        ocr_1.run(lambda path=path: read_document(path, one_worker))  # type: ignore[misc]

    rows = [
        ("digital: read_document", n_digital * rounds, ours),
        ("digital: pdfplumber extract_words", n_digital * rounds, words),
        ("digital: pdfplumber extract_text", n_digital * rounds, plumber),
        ("digital: pdftotext", n_digital * rounds, poppler),
    ]
    if reports:
        rows += [
            ("reports: read_document", n_reports * rounds, ours_r),
            ("reports: pdfplumber extract_words", n_reports * rounds, words_r),
        ]
    if scanned:
        rows += [
            (f"scanned: read_document, {args.workers} workers", n_scanned, ocr_n),
            ("scanned: read_document, 1 worker", n_scanned, ocr_1),
            (f"scanned: tesseract directly, {args.workers} at a time", n_scanned, direct),
        ]
    print(f"\n{'path':<48} {'pages/s':>8} {'CPU s/page':>11}")
    for name, pages, meter in rows:
        print(f"{name:<48} {pages / meter.wall:>8.2f} {meter.cpu / pages:>11.3f}")
    ratios = {
        "digital time / extract_words time (target <= 0.25)": ours.wall / words.wall,
        "digital CPU / extract_words CPU": ours.cpu / words.cpu,
        "digital time / extract_text time": ours.wall / plumber.wall,
        "digital time / pdftotext time": ours.wall / poppler.wall,
    }
    if reports:
        ratios["reports time / extract_words time"] = ours_r.wall / words_r.wall
        ratios["reports CPU / extract_words CPU"] = ours_r.cpu / words_r.cpu
    if scanned:
        recall = sum(word_recall(e, g) for e, g in zip(truth, texts, strict=True)) / len(truth)
        ratios |= {
            "OCR speed / direct tesseract (target >= 0.9)": direct.wall / ocr_n.wall,
            "OCR CPU efficiency / direct tesseract": direct.cpu / ocr_n.cpu,
            f"{args.workers} workers / 1 worker (target >= 1.7)": ocr_1.wall / ocr_n.wall,
            "OCR word recall on the scanned pages": recall,
        }
    ratios |= {"load average before": load_before, "load average after": os.getloadavg()[0]}
    print()
    for name, value in ratios.items():
        print(f"{name:<52} {value:>8.2f}")
    print(f"text-layer pages by reader: {split}")

    long_rows = long_report(args.long_pages, reports or digital) if args.long_pages else []
    if long_rows:
        print(
            f"\n{'long report':<14} {'s':>7} {'CPU s':>7} {'RSS before MB':>14} {'peak RSS MB':>12} {'words':>8}"
        )
        for row in long_rows:
            print(
                f"{int(row['pages']):>5} pages    {row['wall_s']:>7.1f} {row['cpu_s']:>7.1f} "
                f"{row['rss_before_mb']:>14.0f} {row['peak_rss_mb']:>12.0f} {int(row['words']):>8}"
            )
    results = {name: {"wall_s": m.wall, "cpu_s": m.cpu, "pages": pages} for name, pages, m in rows}
    (OUT / "read_bench.json").write_text(
        json.dumps({"results": results, "ratios": ratios, "readers": split, "long": long_rows}, indent=2)
    )


if __name__ == "__main__":
    main()
