"""Generate the labelled development corpus: synthetic medical-legal reports as PDFs plus ground truth.

Run as ``python -m sample_reports.generate [--out DIR] [--scans] [--count N] [--seed S]``. Everything is
deterministic from the seed. PDFs go to ``<out>/pdf/``, truth JSON to ``<out>/truth/``, scanned copies
(``--scans``) to ``<out>/scans/office/*.pdf`` and ``<out>/scans/fax/*.tif``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from sample_reports.corpus.compose import Composer
from sample_reports.corpus.facts import KIND_CYCLE, Case, make_case
from sample_reports.corpus.styles import NARRATIVE_STYLES, render

DEFAULT_OUT = Path(__file__).resolve().parent
MIN_PAGES, MAX_PAGES = 3, 30
#: Roughly how many records-review entries fill a page.
ENTRIES_PER_PAGE = 9


def style_for(case: Case, index: int) -> str:
    """The letterhead/layout of a report: forms for PR-2/PR-4, the narrative styles in turn otherwise."""
    if case.kind in ("pr2", "pr4"):
        return "dwc_form"
    narrative_before = sum(
        1 for i in range(index - 1) if KIND_CYCLE[i % len(KIND_CYCLE)] not in ("pr2", "pr4")
    )
    return NARRATIVE_STYLES[(narrative_before + case.seed) % len(NARRATIVE_STYLES)]


def truth_of(case: Case, style: str, pages: int) -> dict[str, Any]:
    """The ground-truth record of a report (contract field names, known values only)."""
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    return {
        "id": case.id,
        "file": f"{case.id}.pdf",
        "kind": case.kind,
        "pages": pages,
        "style": style,
        "report": {
            "type": case.report_type,
            "supplemental": case.kind == "supplemental",
            "report_date": iso(case.report_date),
            "exam_date": iso(case.exam_date),
            "evaluator": {"name": case.evaluator.name, "specialty": case.evaluator.specialty},
        },
        "claim": {
            "applicant": case.applicant.full,
            "employer": case.employer,
            "case_numbers": case.case_numbers,
            "claim_numbers": case.claim_numbers,
            "injuries": [{"type": i.type, "start": iso(i.start), "end": iso(i.end)} for i in case.injuries],
        },
        "mmi": {"status": case.mmi_status, "date": iso(case.mmi_date)},
        "impairments": [
            {"body_part": r.body_part, "laterality": r.laterality, "wpi": r.wpi} for r in case.ratings
        ],
        "combined_wpi": {"value": case.combined},
        "apportionment": [
            {
                "body_part": a.body_part,
                "laterality": a.laterality,
                "industrial_pct": a.industrial,
                "nonindustrial_pct": 100 - a.industrial,
            }
            for a in case.apportionment
        ],
        "work_restrictions": list(case.restrictions),
        "future_medical": {"provided": case.future_medical},
        "meta": {
            "seed": case.seed,
            "mmi_variant": case.mmi_variant,
            "combine_method": case.combine_method,
            "apportionment_mode": case.apport_mode,
            "rating_methods": [r.method for r in case.ratings],
            "traps": sorted(set(case.traps)),
        },
    }


def build_report(kind: str, index: int, seed: int) -> tuple[Case, str, bytes, int]:
    """Draw, compose and render report number `index`, fitting its length to the target page count."""
    case = make_case(kind, index, seed)
    style = style_for(case, index)
    n_records = max(0, (case.pages_target - 5) * ENTRIES_PER_PAGE) + 4
    pdf, pages = b"", 0
    for _ in range(3):
        c = make_case(kind, index, seed)  # fresh traps list for each attempt
        blocks = Composer(c, style, n_records).build()
        pdf, pages = render(blocks, style, c, f"{seed}:{index}:render")
        case = c
        if MIN_PAGES <= pages <= MAX_PAGES and abs(pages - case.pages_target) <= 3:
            break
        if pages > MAX_PAGES or pages > case.pages_target + 2:
            n_records = max(0, n_records - (pages - case.pages_target) * ENTRIES_PER_PAGE)
        elif pages < case.pages_target - 2 or pages < MIN_PAGES:
            n_records += (case.pages_target - pages) * ENTRIES_PER_PAGE
        else:
            break
    if not MIN_PAGES <= pages <= MAX_PAGES:
        raise RuntimeError(f"{case.id}: {pages} pages is outside {MIN_PAGES}-{MAX_PAGES}")
    return case, style, pdf, pages


def _scan_copies(pdf_paths: list[Path], out_dir: Path, seed: int) -> list[Path]:
    """Office (image PDF) and fax (G4 TIFF) copies of every fourth report, some with a rotated page."""
    from sample_reports import scan

    office_dir, fax_dir = out_dir / "scans" / "office", out_dir / "scans" / "fax"
    office_dir.mkdir(parents=True, exist_ok=True)
    fax_dir.mkdir(parents=True, exist_ok=True)
    chosen = pdf_paths[::4]
    if len(chosen) < 12:
        chosen = pdf_paths[: max(len(chosen), min(12, len(pdf_paths)))]
    written: list[Path] = []
    for n, pdf in enumerate(chosen):
        s = seed * 1000 + n
        pages = scan.render_pdf(pdf, 200)
        office = [scan.office_scan(img, s + i) for i, img in enumerate(pages)]
        fax = [scan.fax(img, s + 500 + i) for i, img in enumerate(pages)]
        if n % 5 == 1 and len(office) > 1:
            office[1] = scan.rotate(office[1], 90)
        if n % 5 == 3 and len(fax) > 1:
            fax[-1] = scan.rotate(fax[-1], 180)
        op, fp = office_dir / pdf.name, fax_dir / (pdf.stem + ".tif")
        scan.save_pdf(office, op, 200)
        scan.save_tiff_g4(fax, fp)
        written += [op, fp]
    return written


def generate_corpus(out_dir: Path, count: int = 48, seed: int = 7, scans: bool = False) -> list[Path]:
    """Write `count` report PDFs and their truth JSON under `out_dir` (and scanned copies); return the PDF paths."""
    out_dir = Path(out_dir)
    pdf_dir, truth_dir = out_dir / "pdf", out_dir / "truth"
    pdf_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for i in range(1, count + 1):
        kind = KIND_CYCLE[(i - 1) % len(KIND_CYCLE)]
        case, style, pdf, pages = build_report(kind, i, seed)
        path = pdf_dir / f"{case.id}.pdf"
        path.write_bytes(pdf)
        truth = truth_of(case, style, pages)
        (truth_dir / f"{case.id}.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    if scans:
        _scan_copies(paths, out_dir, seed)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output directory (default: the sample_reports package)"
    )
    ap.add_argument("--count", type=int, default=48, help="number of reports (default 48)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument(
        "--scans", action="store_true", help="also write office-scan PDFs and fax TIFFs of a subset"
    )
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    paths = generate_corpus(args.out, count=args.count, seed=args.seed, scans=args.scans)
    print(f"wrote {len(paths)} reports to {args.out} in {time.monotonic() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
