"""Inboxes of real reports for the batch and flow tests (reportlab PDFs and scans of them)."""

from __future__ import annotations

from pathlib import Path

from tests.support import inputs


def report_pages(i: int) -> list[list[str]]:
    """The text of a short, distinct QME report (two pages) numbered `i`."""
    applicant = f"Maria Example{i}"
    return [
        [
            "PANEL QUALIFIED MEDICAL EVALUATION",
            f"Applicant: {applicant}",
            f"Employer: Acme Produce Co. {i}",
            f"Case No.: ADJ{1000000 + i}",
            f"Claim No.: 05-{10000 + i}-678",
            "Date of Injury: 06/01/2021",
            "Date of Examination: 03/15/2023",
            *inputs.sentences(seed=i, count=8),
        ],
        [
            "DISABILITY STATUS",
            "The applicant has reached maximum medical improvement as of 03/15/2023.",
            f"Lumbar spine: DRE Lumbar Category II, {5 + i % 4}% whole person impairment.",
            "APPORTIONMENT",
            "80% of the permanent disability is industrial and 20% is nonindustrial.",
            "Jane Roe, M.D., Orthopaedic Surgery",
        ],
    ]


def make_inbox(folder: Path, count: int, *, scans: int = 0) -> list[str]:
    """Write `count` digital reports (the first `scans` of them also as scanned PDFs); returns names."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(count):
        path = inputs.write_pdf(folder / f"report_{i:02d}.pdf", report_pages(i))
        names.append(path.name)
    for i in range(scans):
        scratch = folder.parent / f".scan_src_{i}.pdf"
        inputs.write_pdf(scratch, report_pages(100 + i))
        path = inputs.scanned_pdf(scratch, folder / f"scan_{i:02d}.pdf", seed=i, dpi=200)
        scratch.unlink()
        names.append(path.name)
    return sorted(names)


def files_in(folder: Path) -> list[str]:
    """Names of the files under `folder` (recursively), sorted."""
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
