"""Accuracy on every corpus in one table: the gate a rule change passes before it lands (docs/extraction.md).

Runs `medlegal evaluate`'s functions over the generated corpus (digital; `--scans` adds the office and fax
copies), the real passages (dev, holdout), the unseen phrasings, the real report documents, the physicians'
documents that state no MMI or WPI, and any extra passage or report files given, and prints one line per
corpus (`--json` for the numbers). Usage:

    .venv/bin/python bench/accuracy.py [--scans] [--no-negatives] [--passages FILE ...] [--reports FILE ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.settings import OcrMode  # noqa: E402
from pipeline.evaluate import (  # noqa: E402
    evaluate,
    evaluate_negatives,
    evaluate_passages,
    evaluate_report_docs,
)
from pipeline.settings import load_settings  # noqa: E402

REAL = ROOT / "sample_reports" / "real"
SHARED_SAMPLES = ROOT.parent / "shared" / "corpora" / "transcribed-samples"
GENERATED_KEYS = ("impairment_f1", "mmi_status", "mmi_date", "combined_wpi", "report_type", "ready_precision")


def _row(name: str, scores: dict[str, float], keys: tuple[str, ...]) -> dict[str, Any]:
    return {"corpus": name, **{k: scores[k] for k in keys if k in scores}}


def main() -> None:
    """Evaluate every corpus and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT / "sample_reports")
    parser.add_argument("--scans", action="store_true", help="also the office and fax copies (slow: OCR)")
    parser.add_argument("--no-negatives", action="store_true", help="skip the 2,359 documents (1 min)")
    parser.add_argument("--passages", type=Path, nargs="*", default=[], help="more passage files")
    parser.add_argument("--reports", type=Path, nargs="*", default=[], help="more report-document files")
    parser.add_argument("--generated", type=Path, nargs="*", default=[], help="more PDF folders: DIR:TRUTH")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = load_settings(ocr_mode=OcrMode.NEVER_OCR)
    rows: list[dict[str, Any]] = []
    pdf, truth = args.corpus / "pdf", args.corpus / "truth"
    if pdf.is_dir():
        rows.append(_row("generated", evaluate(pdf, truth, settings).scores(), GENERATED_KEYS))
    for spec in args.generated:
        folder, _, truth_dir = str(spec).partition(":")
        rows.append(
            _row(
                Path(folder).parent.name,
                evaluate(Path(folder), Path(truth_dir), settings).scores(),
                GENERATED_KEYS,
            )
        )
    if args.scans:
        scan_settings = load_settings()
        for kind in ("office", "fax"):
            folder = args.corpus / "scans" / kind
            if folder.is_dir():
                rows.append(
                    _row(f"scans {kind}", evaluate(folder, truth, scan_settings).scores(), GENERATED_KEYS)
                )
    passage_keys = ("impairment_f1", "mmi_f1", "apportionment_f1", "score", "pd_as_wpi", "ready_precision")
    for split in ("dev", "holdout"):
        rows.append(_row(f"real {split}", evaluate_passages(REAL, settings, split).scores(), passage_keys))
    phrasings = ROOT / "tests" / "pipeline" / "extraction" / "phrasings.jsonl"
    rows.append(_row("phrasings", evaluate_passages(phrasings, settings).scores(), passage_keys))
    for file in args.passages:
        for split in ("dev", "holdout", "all"):
            scores = evaluate_passages(file, settings, split).scores()
            rows.append(_row(f"{file.stem} {split}", scores, passage_keys))
    report_keys = (
        "own_mmi_status",
        "own_wpi_f1",
        "apportionment_f1",
        "cited_f1",
        "physician_report",
        "score",
    )
    for file in [REAL / "reports.jsonl", *args.reports]:
        if file.exists():
            rows.append(_row(file.stem, evaluate_report_docs(file, settings).scores(), report_keys))
    if not args.no_negatives and SHARED_SAMPLES.is_dir():
        scores = evaluate_negatives(SHARED_SAMPLES, settings).scores()
        rows.append(_row("transcribed samples", scores, tuple(scores)))
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    for row in rows:
        values = "  ".join(f"{k}={v:g}" for k, v in row.items() if k != "corpus")
        print(f"{row['corpus']:<22} {values}")


if __name__ == "__main__":
    main()
