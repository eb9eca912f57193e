"""Labelled development corpus: synthetic medical-legal reports (PDF, scans) with ground-truth JSON."""

from __future__ import annotations

from pathlib import Path

__all__ = ["TRUTH_DIR", "generate_corpus"]

#: The committed ground truth of the default corpus (seed 7, 48 reports).
TRUTH_DIR = Path(__file__).resolve().parent / "truth"


def generate_corpus(out_dir: Path, count: int = 48, seed: int = 7, scans: bool = False) -> list[Path]:
    """Write `count` synthetic reports (PDF + truth JSON, optionally scans) under `out_dir`; return the PDFs."""
    from sample_reports.generate import generate_corpus as _generate

    return _generate(out_dir, count=count, seed=seed, scans=scans)
