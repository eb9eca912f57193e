"""OCR quality benchmark: word recall of read_document against raw Tesseract, per source class, in one run.

    .venv/bin/python bench/ocr_bench.py [--pages 6] [--workers 2] [--json out.json]

Builds generated pages of report prose (bench/out/ocr/, gitignored) in four source classes:
  office     image-only PDF of an office-copier scan at 300 dpi (grey paper, noise, 1 degree skew)
  fax-fine   Group 4 TIFF at 204x196 dpi, bilevel, one page fed in sideways
  fax-std    Group 3 TIFF at 204x98 dpi (standard mode, pixels twice as tall as wide), one page sideways
  photo      JPEG phone photos (no usable dpi, uneven light, tilt)
and measures, per class, the share of the true words found by `read_document` and by the `tesseract`
command run directly on the same pages, turned upright (raw Tesseract: the image file as the source
class delivers it, default settings). Also the OCR speed of the pytesseract engine against the
`tesseract` command at equal parallelism, and 2 workers against one.
Targets (issue 10): fax recall within 0.01 of raw Tesseract; office not below it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from models.settings import Settings  # noqa: E402
from pipeline.reading.read import read_document  # noqa: E402
from sample_reports import scan  # noqa: E402
from tests.support.inputs import sentences, word_recall, write_pdf  # noqa: E402

OUT = ROOT / "bench" / "out" / "ocr"
CLASSES = ("office", "fax-fine", "fax-std", "photo")
SIDEWAYS_PAGE = 1  # the second page of every fax is fed in turned 90 degrees


def _truth(pages: int) -> list[list[str]]:
    return [sentences(9000 + p, 32) for p in range(pages)]


def build(pages: int) -> dict[str, tuple[Path, list[Path]]]:
    """Per class: the document to read, and the upright page files raw Tesseract gets."""
    OUT.mkdir(parents=True, exist_ok=True)
    src = write_pdf(OUT / "source.pdf", _truth(pages))
    rendered = scan.render_pdf(src, 300)
    out: dict[str, tuple[Path, list[Path]]] = {}

    office = [scan.office_scan(img, seed=i) for i, img in enumerate(rendered)]
    office_pdf = scan.save_pdf(office, OUT / "office.pdf")
    raw = []
    for i, img in enumerate(scan.render_pdf(office_pdf, 300)):  # the pixels our reader renders
        raw.append(OUT / f"office-{i}.png")
        img.save(raw[-1], dpi=(300, 300))
    out["office"] = (office_pdf, raw)

    for name, dpi, compression in (
        ("fax-fine", scan.FAX_DPI, "group4"),
        ("fax-std", scan.FAX_STANDARD_DPI, "group3"),
    ):
        # The fax machine scans at its own resolution whichever way the paper went in.
        sent = [
            scan.fax(scan.rotate(img, 90) if i == SIDEWAYS_PAGE else img, seed=50 + i, dpi=dpi)
            for i, img in enumerate(rendered)
        ]
        doc = scan.save_tiff_g4(sent, OUT / f"{name}.tif", dpi=dpi, compression=compression)
        raw = []
        for i, img in enumerate(sent):
            # Raw Tesseract gets the same fax pixels, turned upright (lossless) with the dpi turned too.
            upright = scan.rotate(img, 270) if i == SIDEWAYS_PAGE else img
            raw.append(OUT / f"{name}-{i}.tif")
            upright.save(raw[-1], format="TIFF", compression=compression, dpi=upright.info["dpi"])
        out[name] = (doc, raw)

    photos = [scan.photo(img, seed=70 + i) for i, img in enumerate(rendered)]
    # A phone sends one picture per page; read_document reads the first, so each page is its own file.
    raw = []
    for i, img in enumerate(photos):
        raw.append(OUT / f"photo-{i}.jpg")
        img.save(raw[-1], format="JPEG", quality=85)
    out["photo"] = (raw[0], raw)
    return out


def _tesseract(path: Path) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    return subprocess.run(
        ["tesseract", str(path), "stdout"], check=True, capture_output=True, env=env, text=True
    ).stdout


def _read_texts(doc: Path, files: list[Path], cls: str, settings: Settings) -> list[str]:
    if cls == "photo":
        return [read_document(f, settings).pages[0].text for f in files]
    return [p.text for p in read_document(doc, settings).pages]


def recall(pages: int, workers: int) -> dict[str, dict[str, float]]:
    truth = ["\n".join(lines) for lines in _truth(pages)]
    corpus = build(pages)
    settings = Settings(ocr_workers=workers)
    results: dict[str, dict[str, float]] = {}
    for cls in CLASSES:
        doc, files = corpus[cls]
        ours = _read_texts(doc, files, cls, settings)
        with ThreadPoolExecutor(workers) as pool:
            raw = list(pool.map(_tesseract, files))
        results[cls] = {
            "read_document": sum(word_recall(t, g) for t, g in zip(truth, ours, strict=True)) / pages,
            "raw_tesseract": sum(word_recall(t, g) for t, g in zip(truth, raw, strict=True)) / pages,
        }
    return results


def speed(workers: int) -> dict[str, float]:
    """Seconds for the office pages: the engine through read_document with N and 1 workers, and the
    `tesseract` command directly N at a time on the same pixels (interleaved, 2 rounds)."""
    doc, files = build_speed_corpus()
    n, one, direct = 0.0, 0.0, 0.0
    for _ in range(2):
        t = time.perf_counter()
        read_document(doc, Settings(ocr_workers=workers))
        n += time.perf_counter() - t
        t = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(_tesseract, files))
        direct += time.perf_counter() - t
        t = time.perf_counter()
        read_document(doc, Settings(ocr_workers=1))
        one += time.perf_counter() - t
    return {
        f"read_document {workers} workers s": n / 2,
        "read_document 1 worker s": one / 2,
        f"tesseract directly {workers} at a time s": direct / 2,
        "OCR speed / direct tesseract (target >= 0.95)": direct / n,
        f"{workers} workers / 1 worker (target >= 1.8)": one / n,
    }


def build_speed_corpus() -> tuple[Path, list[Path]]:
    files = sorted(OUT.glob("office-*.png"))
    return OUT / "office.pdf", files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-speed", action="store_true", help="recall only")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    rec = recall(args.pages, args.workers)
    print(f"\n{'class':<10} {'read_document':>14} {'raw tesseract':>14} {'difference':>11}")
    for cls, r in rec.items():
        print(
            f"{cls:<10} {r['read_document']:>14.3f} {r['raw_tesseract']:>14.3f} "
            f"{r['read_document'] - r['raw_tesseract']:>+11.3f}"
        )
    out: dict[str, object] = {"recall": rec}
    if not args.no_speed:
        sp = speed(args.workers)
        print()
        for name, value in sp.items():
            print(f"{name:<48} {value:>8.2f}")
        out["speed"] = sp
    print(f"\nload average after {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    Image.MAX_IMAGE_PIXELS = None
    main()
