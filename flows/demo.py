"""The demo behind `make run`: generated sample reports copied into a fresh home folder's inbox."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from pipeline.home import FILE_MODE, Home

REPORT_SUFFIXES = {".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg"}


def _report_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES)


def prepare_demo_home(home: Path, count: int) -> tuple[Path | None, int]:
    """Make `home` fresh (a non-empty one is renamed aside, never deleted) and fill its inbox with
    `count` generated sample reports, scans included; returns (where the old home went, files copied)."""
    from sample_reports.generate import generate_corpus

    moved: Path | None = None
    if home.exists() and any(home.iterdir()):
        moved = home.with_name(f"{home.name}.{datetime.now():%Y%m%d-%H%M%S}")
        home.rename(moved)
    inbox = Home(home).ensure().inbox
    with tempfile.TemporaryDirectory(prefix="medlegal-demo-") as tmp:
        generate_corpus(Path(tmp), count=count, scans=True)
        reports = _report_files(Path(tmp))
        for src in reports:
            dst = inbox / src.name
            shutil.copyfile(src, dst)
            dst.chmod(FILE_MODE)
    return moved, len(reports)
