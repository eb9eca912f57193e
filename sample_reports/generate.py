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
ENTRIES_PER_PAGE = 18
#: Roughly how many pages a report of each kind has without its records review.
BASE_PAGES = {"pr2": 3, "pr4": 3, "ptp_narrative": 3, "panel_qme": 4, "ame": 4, "supplemental": 2}


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
        "cited_findings": list(case.cited),
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
    n_records = max(0, (case.pages_target - BASE_PAGES[kind]) * ENTRIES_PER_PAGE) + 4
    per_page = float(ENTRIES_PER_PAGE)
    tried: list[tuple[int, int]] = []
    pdf, pages = b"", 0
    for _ in range(2):
        c = make_case(kind, index, seed)  # fresh traps list for each attempt
        blocks = Composer(c, style, n_records).build()
        pdf, pages = render(blocks, style, c, f"{seed}:{index}:render")
        case = c
        off = pages - case.pages_target
        if MIN_PAGES <= pages <= MAX_PAGES and abs(off) <= (1 if case.pages_target < 12 else 3):
            break
        tried.append((n_records, pages))
        if len(tried) >= 2 and tried[-1][1] != tried[-2][1]:
            per_page = max(4.0, (tried[-1][0] - tried[-2][0]) / (tried[-1][1] - tried[-2][1]))
        n_records = max(0, round(n_records - off * per_page))
    if not MIN_PAGES <= pages <= MAX_PAGES:
        raise RuntimeError(f"{case.id}: {pages} pages is outside {MIN_PAGES}-{MAX_PAGES}")
    return case, style, pdf, pages


SCAN_DPI = 200


def _scanned(index: int) -> bool:
    return (index + index // 16) % 4 == 1


def scan_plan(case_id: str, index: int, pages: int) -> dict[str, Any] | None:
    """Which reports get scanned copies (about one in four, mixing kinds) and which of their pages are turned."""
    if not _scanned(index):
        return None
    ordinal = sum(1 for i in range(1, index + 1) if _scanned(i))
    turned: dict[str, list[dict[str, int]]] = {"office": [], "fax": []}
    if ordinal % 6 == 2 and pages > 1:
        turned["office"].append({"page": 2, "turned_clockwise": 90, "rotation_to_upright": 270})
    if ordinal % 6 == 4:
        turned["fax"].append({"page": pages, "turned_clockwise": 180, "rotation_to_upright": 180})
    if ordinal % 12 == 0:
        turned["office"].append({"page": 1, "turned_clockwise": 270, "rotation_to_upright": 90})
    return {
        "office": f"scans/office/{case_id}.pdf",
        "fax": f"scans/fax/{case_id}.tif",
        "dpi": SCAN_DPI,
        "turned": turned,
    }


def _scan_copies(jobs: list[tuple[Path, int, dict[str, Any]]], out_dir: Path, seed: int) -> list[Path]:
    """Office (image-only PDF) and fax (G4 TIFF) copies of the planned reports, with the planned pages turned."""
    from sample_reports import scan

    written: list[Path] = []
    for pdf, index, plan in jobs:
        s = seed * 100000 + index * 100
        pages = scan.render_pdf(pdf, SCAN_DPI)
        copies = {
            "office": [scan.office_scan(img, s + i, noise=0.012) for i, img in enumerate(pages)],
            "fax": [scan.fax(img, s + 50 + i) for i, img in enumerate(pages)],
        }
        for kind, images in copies.items():
            for turn in plan["turned"][kind]:
                images[turn["page"] - 1] = scan.rotate(images[turn["page"] - 1], turn["turned_clockwise"])
        office, fax = out_dir / plan["office"], out_dir / plan["fax"]
        office.parent.mkdir(parents=True, exist_ok=True)
        fax.parent.mkdir(parents=True, exist_ok=True)
        scan.save_pdf(copies["office"], office)
        scan.save_tiff_g4(copies["fax"], fax)
        written += [office, fax]
    return written


def generate_corpus(out_dir: Path, count: int = 48, seed: int = 7, scans: bool = False) -> list[Path]:
    """Write `count` report PDFs and their truth JSON under `out_dir` (and scanned copies); return the PDF paths."""
    out_dir = Path(out_dir)
    pdf_dir, truth_dir = out_dir / "pdf", out_dir / "truth"
    pdf_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    jobs: list[tuple[Path, int, dict[str, Any]]] = []
    for i in range(1, count + 1):
        kind = KIND_CYCLE[(i - 1) % len(KIND_CYCLE)]
        case, style, pdf, pages = build_report(kind, i, seed)
        path = pdf_dir / f"{case.id}.pdf"
        path.write_bytes(pdf)
        truth = truth_of(case, style, pages)
        plan = scan_plan(case.id, i, pages)
        if plan:
            truth["meta"]["scans"] = plan
            jobs.append((path, i, plan))
        (truth_dir / f"{case.id}.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    if scans:
        _scan_copies(jobs, out_dir, seed)
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
