"""`medlegal evaluate`: per-field accuracy of extraction over a labelled directory.

Each document `NAME.pdf|.tif|.png|.jpg` in the directory is matched with `NAME.json` in the truth
directory (the ground-truth subset of the record, see sample_reports/README.md). Scores:
field accuracy for single values, precision/recall/F1 for impairments as (body part, side, WPI), and the
share of values in `ready` records that are right (what a paralegal would trust without review).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.record import ReportRecord
from models.settings import Settings
from pipeline.errors import MedlegalError

log = logging.getLogger(__name__)

DOCUMENT_SUFFIXES = {".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg"}
FIELDS = [
    "mmi_status",
    "mmi_date",
    "combined_wpi",
    "report_type",
    "supplemental",
    "case_numbers",
    "injuries",
    "apportionment_overall",
    "exam_date",
    "report_date",
    "applicant",
    "evaluator",
    "employer",
]


@dataclass
class Tally:
    """Right and total counts of one field."""

    right: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Evaluation:
    """The scores of one evaluation run, and the misses for inspection."""

    documents: int = 0
    failed: list[str] = field(default_factory=list)
    fields: dict[str, Tally] = field(default_factory=lambda: {f: Tally() for f in FIELDS})
    imp_tp: int = 0
    imp_fp: int = 0
    imp_fn: int = 0
    ready_right: int = 0
    ready_total: int = 0
    ready_records: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def impairment_precision(self) -> float:
        return self.imp_tp / (self.imp_tp + self.imp_fp) if self.imp_tp + self.imp_fp else 1.0

    @property
    def impairment_recall(self) -> float:
        return self.imp_tp / (self.imp_tp + self.imp_fn) if self.imp_tp + self.imp_fn else 1.0

    @property
    def impairment_f1(self) -> float:
        p, r = self.impairment_precision, self.impairment_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def ready_precision(self) -> float:
        return self.ready_right / self.ready_total if self.ready_total else 1.0

    def scores(self) -> dict[str, float]:
        """Every score by name (what floors are checked against)."""
        out = {f"{k}": round(v.accuracy, 4) for k, v in self.fields.items()}
        out["impairment_precision"] = round(self.impairment_precision, 4)
        out["impairment_recall"] = round(self.impairment_recall, 4)
        out["impairment_f1"] = round(self.impairment_f1, 4)
        out["ready_precision"] = round(self.ready_precision, 4)
        out["ready_share"] = round(self.ready_records / self.documents, 4) if self.documents else 0.0
        return out

    def table(self) -> str:
        """A plain-text table of the scores."""
        lines = [
            f"documents: {self.documents}  failed: {len(self.failed)}  ready: {self.ready_records}",
            f"{'field':<24}{'score':>8}{'right':>8}{'total':>8}",
        ]
        for name, t in self.fields.items():
            lines.append(f"{name:<24}{t.accuracy:>8.3f}{t.right:>8}{t.total:>8}")
        lines.append(
            f"{'impairment_precision':<24}{self.impairment_precision:>8.3f}{self.imp_tp:>8}"
            f"{self.imp_tp + self.imp_fp:>8}"
        )
        lines.append(
            f"{'impairment_recall':<24}{self.impairment_recall:>8.3f}{self.imp_tp:>8}"
            f"{self.imp_tp + self.imp_fn:>8}"
        )
        lines.append(f"{'impairment_f1':<24}{self.impairment_f1:>8.3f}")
        lines.append(
            f"{'ready_precision':<24}{self.ready_precision:>8.3f}{self.ready_right:>8}{self.ready_total:>8}"
        )
        return "\n".join(lines)


def _norm_name(value: Any) -> str | None:
    if not value:
        return None
    text = re.sub(r"\b(?:dr|mr|mrs|ms)\.?\s+", "", str(value).lower())
    text = re.sub(r",?\s*\b(?:m\.?\s?d|d\.?\s?o|d\.?\s?c|ph\.?\s?d|psy\.?\s?d|facs|faaos|qme)\b\.?", "", text)
    return re.sub(r"[^a-z]+", " ", text).strip() or None


def _norm_text(value: Any) -> str | None:
    if not value:
        return None
    return re.sub(r"[^a-z0-9]+", " ", str(value).lower()).replace(" inc", "").strip() or None


def overall_industrial(apportionment: list[dict[str, Any]]) -> float | None:
    """The overall industrial share: the entry without a body part, else the share all entries agree on."""
    if not apportionment:
        return None
    overall = [a for a in apportionment if a.get("body_part") is None]
    if overall:
        return _f(overall[0].get("industrial_pct"))
    values = {_f(a.get("industrial_pct")) for a in apportionment}
    return values.pop() if len(values) == 1 else None


def _f(v: Any) -> float | None:
    return None if v is None else float(v)


def _impairments(items: Iterable[dict[str, Any]]) -> list[tuple[str, str | None, float]]:
    return [(i["body_part"], i.get("laterality"), float(i["wpi"])) for i in items]


def _injuries(items: Iterable[dict[str, Any]]) -> set[tuple[str, str | None, str | None]]:
    return {(i["type"], i.get("start"), i.get("end")) for i in items}


def score_record(ev: Evaluation, record: ReportRecord, truth: dict[str, Any], name: str) -> None:
    """Add one record's comparison with its truth to `ev`."""
    r = record.model_dump(mode="json")
    t_report, t_claim = truth.get("report", {}), truth.get("claim", {})
    checks: dict[str, tuple[Any, Any]] = {
        "mmi_status": (r["mmi"]["status"], truth.get("mmi", {}).get("status")),
        "mmi_date": (r["mmi"]["date"], truth.get("mmi", {}).get("date")),
        "combined_wpi": (_f(r["combined_wpi"]["value"]), _f(truth.get("combined_wpi", {}).get("value"))),
        "report_type": (r["report"]["type"], t_report.get("type")),
        "supplemental": (r["report"]["supplemental"], t_report.get("supplemental")),
        "case_numbers": (sorted(r["claim"]["case_numbers"]), sorted(t_claim.get("case_numbers", []))),
        "injuries": (_injuries(r["claim"]["injuries"]), _injuries(t_claim.get("injuries", []))),
        "apportionment_overall": (
            overall_industrial(r["apportionment"]),
            overall_industrial(truth.get("apportionment", [])),
        ),
        "exam_date": (r["report"]["exam_date"], t_report.get("exam_date")),
        "report_date": (r["report"]["report_date"], t_report.get("report_date")),
        "applicant": (_norm_name(r["claim"]["applicant"]), _norm_name(t_claim.get("applicant"))),
        "evaluator": (
            _norm_name(r["report"]["evaluator"]["name"]),
            _norm_name(t_report.get("evaluator", {}).get("name")),
        ),
        "employer": (_norm_text(r["claim"]["employer"]), _norm_text(t_claim.get("employer"))),
    }
    ready = r["review"]["status"] == "ready"
    for key, (got, want) in checks.items():
        if key not in ev.fields:
            continue
        if key == "supplemental" and want is None:
            continue
        ok = got == want
        ev.fields[key].total += 1
        ev.fields[key].right += ok
        if not ok:
            ev.misses.append(f"{name}: {key}: got {got!r}, want {want!r}")
        if ready:
            ev.ready_total += 1
            ev.ready_right += ok
    got_imp = _impairments(r["impairments"])
    want_imp = _impairments(truth.get("impairments", []))
    remaining = list(want_imp)
    for item in got_imp:
        if item in remaining:
            remaining.remove(item)
            ev.imp_tp += 1
            ok = True
        else:
            ev.imp_fp += 1
            ev.misses.append(f"{name}: impairment extra {item}")
            ok = False
        if ready:
            ev.ready_total += 1
            ev.ready_right += ok
    for item in remaining:
        ev.imp_fn += 1
        ev.misses.append(f"{name}: impairment missed {item}")
        if ready:
            ev.ready_total += 1
    ev.ready_records += ready
    ev.documents += 1


def evaluate(directory: Path, truth_dir: Path, settings: Settings) -> Evaluation:
    """Extract every labelled document in `directory` and score it against `truth_dir`."""
    from pipeline.extraction.nlp import build_nlp
    from pipeline.process import process_file

    nlp = build_nlp(settings)
    ev = Evaluation()
    files = sorted(p for p in directory.iterdir() if p.suffix.lower() in DOCUMENT_SUFFIXES)
    for path in files:
        truth_path = truth_dir / f"{path.stem}.json"
        if not truth_path.exists():
            log.info("no truth for %s; skipped", path.name)
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        try:
            record = process_file(path, settings, nlp).record
        except MedlegalError as e:
            ev.failed.append(f"{path.name}: {e.one_line()}")
            ev.documents += 1
            for t in ev.fields.values():
                t.total += 1
            ev.imp_fn += len(truth.get("impairments", []))
            continue
        score_record(ev, record, truth, path.name)
    return ev
