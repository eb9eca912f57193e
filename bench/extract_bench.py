"""Extraction speed: pages per second of `extract_record` on text already read, one core.

Reads the digital sample corpus once (text layer only), then times extraction alone over it, several
rounds. Usage: .venv/bin/python bench/extract_bench.py [--corpus DIR] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.settings import OcrMode  # noqa: E402
from pipeline.extraction.extract import extract_record  # noqa: E402
from pipeline.extraction.nlp import build_nlp  # noqa: E402
from pipeline.reading.read import read_document  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402


def main() -> None:
    """Run the benchmark and print pages per second."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "out" / "extract_corpus")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    if not any(args.corpus.rglob("*.pdf")):
        from sample_reports.generate import generate_corpus

        generate_corpus(args.corpus, count=48, seed=11)
    if (args.corpus / "pdf").is_dir():
        args.corpus = args.corpus / "pdf"
    settings = load_settings(ocr_mode=OcrMode.NEVER_OCR)
    docs = [read_document(p, settings) for p in sorted(args.corpus.glob("*.pdf"))]
    pages = sum(d.page_count for d in docs)
    nlp = build_nlp(settings)
    extract_record(docs[0], nlp, settings)  # warm-up
    rates = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for d in docs:
            extract_record(d, nlp, settings)
        rates.append(pages / (time.perf_counter() - start))
    print(f"documents: {len(docs)}  pages: {pages}")
    print(f"extraction: {statistics.median(rates):.1f} pages/s (median of {args.rounds} rounds, one core)")


if __name__ == "__main__":
    main()
