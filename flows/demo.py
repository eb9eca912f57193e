"""The demo behind `make run`: generated sample reports copied into a fresh home folder's inbox."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from pipeline.operations.home import FILE_MODE, Home

REPORT_SUFFIXES = {".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg"}


def _report_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES)


def prepare_demo_home(home: Path, count: int, scanned: int = 1) -> tuple[Path | None, int, int]:
    """Make `home` fresh (a non-empty one is renamed aside, never deleted) and fill its inbox with `count`
    generated born-digital reports, plus an office scan and a fax of the `scanned` shortest of a few more.

    Returns (where the old home went, digital reports copied, scanned copies copied).
    """
    from sample_reports.generate import generate_corpus

    moved: Path | None = None
    if home.exists() and any(home.iterdir()):
        moved = home.with_name(f"{home.name}.{datetime.now():%Y%m%d-%H%M%S}")
        home.rename(moved)
    inbox = Home(home).ensure().inbox
    with tempfile.TemporaryDirectory(prefix="medlegal-demo-") as tmp:
        digital = generate_corpus(Path(tmp) / "digital", count=count, scans=False)
        copies: list[tuple[Path, str]] = []
        if scanned:
            # About one report in four gets an office scan and a fax; OCR is slow, so take the shortest.
            generate_corpus(Path(tmp) / "scanned", count=4 * scanned + 1, scans=True)
            scans = _report_files(Path(tmp) / "scanned" / "scans")
            sources = {p.stem: p.stat().st_size for p in (Path(tmp) / "scanned" / "pdf").glob("*.pdf")}
            shortest = sorted({p.stem for p in scans}, key=lambda stem: sources.get(stem, 0))[:scanned]
            copies = [(p, f"{p.stem}_{p.parent.name}_scan{p.suffix}") for p in scans if p.stem in shortest]
        for src, name in [(p, p.name) for p in digital] + copies:
            dst = inbox / name
            shutil.copyfile(src, dst)
            dst.chmod(FILE_MODE)
    return moved, len(digital), len(copies)


def add_demo_cases(home: Path, seed: int = 11) -> tuple[int, int]:
    """Copy every file of the sample cases (`sample_reports.cases`: several reports about one injured
    worker each, one of them also as an office scan) into the inbox of `home` (after `prepare_demo_home`).

    The case reports' names (case_a_1_ame.pdf, ...) never clash with the corpus's (qme_001.pdf, ...); the
    scanned copy is named like the demo's other scans (case_b_2_ptp_office_scan.pdf).
    Returns (born-digital reports copied, scanned copies copied).
    """
    from sample_reports.cases import generate_cases

    inbox = Home(home).ensure().inbox
    digital = scanned = 0
    with tempfile.TemporaryDirectory(prefix="medlegal-demo-cases-") as tmp:
        for src in generate_cases(Path(tmp), seed=seed, scans=True):
            if src.parent.parent.name == "scans":
                name, scanned = f"{src.stem}_{src.parent.name}_scan{src.suffix}", scanned + 1
            else:
                name, digital = src.name, digital + 1
            dst = inbox / name
            shutil.copyfile(src, dst)
            dst.chmod(FILE_MODE)
    return digital, scanned
