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
    "claim_numbers",
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
    cited_tp: int = 0
    cited_fp: int = 0
    cited_fn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def cited_f1(self) -> float:
        """F1 of the other physicians' findings (cited_findings), value by value, physician matched."""
        return _f1(self.cited_tp, self.cited_fp, self.cited_fn)

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
        out["cited_f1"] = round(self.cited_f1, 4)
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
        lines.append(
            f"{'cited_f1':<24}{self.cited_f1:>8.3f}{self.cited_tp:>8}"
            f"{self.cited_tp + self.cited_fn:>8}  (found {self.cited_tp + self.cited_fp})"
        )
        return "\n".join(lines)


def _f1(tp: int, fp: int, fn: int) -> float:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _surname(name: Any) -> str | None:
    norm = _norm_name(name)
    return norm.split()[-1] if norm else None


@dataclass(frozen=True)
class CitedValue:
    """One value a document cites from a physician: what it is and whose it is."""

    kind: str  # "mmi" | "wpi" | "apportionment"
    value: tuple[Any, ...]
    surname: str | None
    role: str | None

    def belongs_with(self, other: CitedValue) -> bool:
        """Same value, and the physicians do not contradict each other: the same surname when both are
        named, else no two different roles."""
        if self.kind != other.kind or self.value != other.value:
            return False
        if self.surname and other.surname:
            return self.surname == other.surname
        return not (self.role and other.role and self.role != other.role)


def cited_values(findings: Iterable[dict[str, Any]]) -> list[CitedValue]:
    """Flatten cited findings (record or truth form) into values."""
    out: list[CitedValue] = []
    for f in findings:
        who = f.get("physician") or {}
        sn, role = _surname(who.get("name")), who.get("role")
        mmi = f.get("mmi")
        if mmi and mmi.get("status") in {"reached", "not_reached"}:
            out.append(CitedValue("mmi", (mmi["status"], mmi.get("date")), sn, role))
        for i in f.get("impairments", []):
            out.append(CitedValue("wpi", (i["body_part"], i.get("laterality"), float(i["wpi"])), sn, role))
        for a in f.get("apportionment", []):
            out.append(
                CitedValue("apportionment", (a.get("body_part"), _f(a.get("industrial_pct"))), sn, role)
            )
    return out


def match_values(
    got: list[CitedValue], want: list[CitedValue]
) -> tuple[int, list[CitedValue], list[CitedValue]]:
    """True positives, the extra values and the missed values (each truth value used once)."""
    remaining = list(want)
    extra: list[CitedValue] = []
    tp = 0
    for g in got:
        hit = next((w for w in remaining if g.belongs_with(w)), None)
        if hit is None:
            extra.append(g)
        else:
            remaining.remove(hit)
            tp += 1
    return tp, extra, remaining


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
        "mmi_status": (r["mmi"]["status"], (truth.get("mmi") or {}).get("status")),
        "mmi_date": (r["mmi"]["date"], (truth.get("mmi") or {}).get("date")),
        "combined_wpi": (_f(r["combined_wpi"]["value"]), _f((truth.get("combined_wpi") or {}).get("value"))),
        "report_type": (r["report"]["type"], t_report.get("type")),
        "supplemental": (r["report"]["supplemental"], t_report.get("supplemental")),
        "case_numbers": (sorted(r["claim"]["case_numbers"]), sorted(t_claim.get("case_numbers", []))),
        "claim_numbers": (sorted(r["claim"]["claim_numbers"]), sorted(t_claim.get("claim_numbers", []))),
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
    if "cited_findings" in truth:
        tp, extra, missed = match_values(
            cited_values(r.get("cited_findings", [])), cited_values(truth["cited_findings"])
        )
        ev.cited_tp += tp
        ev.cited_fp += len(extra)
        ev.cited_fn += len(missed)
        ev.misses += [f"{name}: cited extra {x}" for x in extra] + [
            f"{name}: cited missed {x}" for x in missed
        ]
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


# --- the real-text corpus: published passages quoting physicians (sample_reports/real/) ------------------

PASSAGES_FILE = "passages.jsonl"


@dataclass
class PassageEvaluation:
    """Scores over real published passages: every finding is another physician's (cited), matched value
    by value with its physician; a PD percentage or a number the truth rules out, reported as WPI, counts."""

    split: str
    passages: int = 0
    counts: dict[str, list[int]] = field(
        default_factory=lambda: {k: [0, 0, 0] for k in ("wpi", "mmi", "apportionment")}
    )
    #: Values the truth lists as not to be recorded (PD, UE/LE, the judge's) that came out as WPI.
    forbidden_as_wpi: int = 0
    own_values: int = 0
    ready_records: int = 0
    ready_wrong: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return self.passages

    @property
    def failed(self) -> list[str]:
        return []

    def f1(self, kind: str) -> float:
        """F1 of one kind of value: wpi, mmi, apportionment."""
        tp, fp, fn = self.counts[kind]
        return _f1(tp, fp, fn)

    def scores(self) -> dict[str, float]:
        """Every score by name (what floors are checked against)."""
        out = {
            "impairment_f1": round(self.f1("wpi"), 4),
            "mmi_f1": round(self.f1("mmi"), 4),
            "apportionment_f1": round(self.f1("apportionment"), 4),
        }
        out["score"] = round((out["impairment_f1"] + out["mmi_f1"] + out["apportionment_f1"]) / 3, 4)
        out["pd_as_wpi"] = float(self.forbidden_as_wpi)
        out["own_values"] = float(self.own_values)
        out["ready_precision"] = (
            round(1 - self.ready_wrong / self.ready_records, 4) if self.ready_records else 1.0
        )
        return out

    def table(self) -> str:
        """A plain-text table of the scores."""
        lines = [
            f"real passages ({self.split}): {self.passages}",
            f"{'score':<20}{'value':>8}{'tp':>6}{'fp':>6}{'fn':>6}",
        ]
        for kind, label in (
            ("wpi", "impairment_f1"),
            ("mmi", "mmi_f1"),
            ("apportionment", "apportionment_f1"),
        ):
            tp, fp, fn = self.counts[kind]
            lines.append(f"{label:<20}{self.f1(kind):>8.3f}{tp:>6}{fp:>6}{fn:>6}")
        s = self.scores()
        lines.append(f"{'score (mean)':<20}{s['score']:>8.3f}")
        lines.append(f"{'pd_as_wpi':<20}{self.forbidden_as_wpi:>8}")
        lines.append(f"{'own_values':<20}{self.own_values:>8}")
        return "\n".join(lines)


def _forbidden_wpi(passage: dict[str, Any]) -> set[float]:
    """Numbers the truth says are PD, extremity or a judge's, never a physician's WPI."""
    out: set[float] = set()
    for label in passage.get("not_values", []):
        if re.search(
            r"\b(?:PD|PTD|permanent|UEI|LEI|upper|lower|extremity|WCJ|ALJ|judge|award)\b", label, re.I
        ):
            m = re.match(r"\s*(\d{1,3}(?:\.\d+)?)", label)
            if m:
                out.add(float(m.group(1)))
    return out


def score_passage(ev: PassageEvaluation, record: ReportRecord, passage: dict[str, Any]) -> None:
    """Add one passage's record to `ev`."""
    r = record.model_dump(mode="json")
    findings = list(r["cited_findings"])
    report_style = passage.get("style") == "report"
    if report_style:
        # The evaluator's own findings, scored as the physician with role "self".
        findings.append(
            {
                "physician": {"name": None, "role": "self"},
                "report_date": None,
                "mmi": r["mmi"] if r["mmi"]["status"] != "not_stated" else None,
                "impairments": r["impairments"],
                "apportionment": r["apportionment"],
            }
        )
    got = cited_values(findings)
    want = cited_values(passage.get("findings", []))
    wrong = False
    for kind in ("wpi", "mmi", "apportionment"):
        tp, extra, missed = match_values(
            [g for g in got if g.kind == kind], [w for w in want if w.kind == kind]
        )
        c = ev.counts[kind]
        c[0] += tp
        c[1] += len(extra)
        c[2] += len(missed)
        wrong = wrong or bool(extra or missed)
        ev.misses += [f"{passage['id']}: {kind} extra {x.value} ({x.surname or x.role})" for x in extra]
        ev.misses += [f"{passage['id']}: {kind} missed {x.value} ({x.surname or x.role})" for x in missed]
    truth_wpi = {w.value[2] for w in want if w.kind == "wpi"}
    forbidden = _forbidden_wpi(passage) - truth_wpi
    as_wpi = [g for g in got if g.kind == "wpi" and g.value[2] in forbidden]
    ev.forbidden_as_wpi += len(as_wpi)
    ev.misses += [f"{passage['id']}: a value the truth rules out came out as WPI: {g.value}" for g in as_wpi]
    own = (
        0
        if report_style
        else len(r["impairments"]) + len(r["apportionment"]) + (r["mmi"]["status"] != "not_stated")
    )
    ev.own_values += own
    if r["review"]["status"] == "ready":
        ev.ready_records += 1
        ev.ready_wrong += int(bool(own) or wrong)
    ev.passages += 1


#: A passage of "report" style (the evaluator writing in the first person) is read inside a minimal report:
#: a title, a heading, and a signature block, so that it is a physician's report and has own findings.
REPORT_FRAME = (
    "QUALIFIED MEDICAL EVALUATION\n\nDISCUSSION\n\n{}\n\n"
    "I declare under penalty of perjury that the foregoing is true and correct.\n"
    "John Evaluator, M.D.\nQualified Medical Evaluator"
)


def read_passages(path: Path) -> list[dict[str, Any]]:
    """The passages of a real-text corpus file (or of the passages.jsonl in a folder)."""
    file = path / PASSAGES_FILE if path.is_dir() else path
    return [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate_passages(path: Path, settings: Settings, split: str = "all") -> PassageEvaluation:
    """Extract every passage of the real-text corpus (as a one-page text document) and score it."""
    from pipeline.extraction.extract import extract_record
    from pipeline.extraction.nlp import build_nlp
    from pipeline.reading.text import document_from_text

    nlp = build_nlp(settings)
    ev = PassageEvaluation(split=split)
    for passage in read_passages(path):
        if split != "all" and passage.get("split") != split:
            continue
        text = REPORT_FRAME.format(passage["text"]) if passage.get("style") == "report" else passage["text"]
        doc = document_from_text([text], filename=f"{passage['id']}.txt", width=95)
        score_passage(ev, extract_record(doc, nlp, settings), passage)
    return ev


# --- physicians' documents that state no MMI and no WPI (../shared/corpora/transcribed-samples) ---------

SAMPLES_FILE = "samples.jsonl"


@dataclass
class NegativeEvaluation:
    """Physician-written documents in which a careful reader records no MMI, no WPI and no apportionment:
    every such value the extractor reports (own or cited) is a false one. Also counts how the documents
    were typed: a physician writing in the first person is not `OTHER`."""

    documents: int = 0
    false_mmi: int = 0
    false_wpi: int = 0
    false_apportionment: int = 0
    documents_with_false_values: int = 0
    typed_other: int = 0
    types: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[str]:
        return []

    def scores(self) -> dict[str, float]:
        """Every score by name (what floors and ceilings are checked against)."""
        return {
            "false_mmi": float(self.false_mmi),
            "false_wpi": float(self.false_wpi),
            "false_apportionment": float(self.false_apportionment),
            "documents_with_false_values": float(self.documents_with_false_values),
            "other_share": round(self.typed_other / self.documents, 4) if self.documents else 0.0,
        }

    def table(self) -> str:
        """A plain-text table of the counts."""
        lines = [
            f"physician-written documents with no MMI/WPI: {self.documents}",
            f"{'false_mmi':<28}{self.false_mmi:>8}",
            f"{'false_wpi':<28}{self.false_wpi:>8}",
            f"{'false_apportionment':<28}{self.false_apportionment:>8}",
            f"{'documents_with_false_values':<28}{self.documents_with_false_values:>8}",
            f"{'typed OTHER':<28}{self.typed_other:>8}  ({self.scores()['other_share']:.1%})",
            "report types: " + ", ".join(f"{k} {v}" for k, v in sorted(self.types.items())),
        ]
        return "\n".join(lines)


def score_negative(ev: NegativeEvaluation, record: ReportRecord, doc_id: str) -> None:
    """Add one record of a document that states no MMI, WPI or apportionment to `ev`."""
    mmi = int(record.mmi.status != "not_stated") + sum(1 for f in record.cited_findings if f.mmi is not None)
    wpi = len(record.impairments) + sum(len(f.impairments) for f in record.cited_findings)
    shares = len(record.apportionment) + sum(len(f.apportionment) for f in record.cited_findings)
    ev.false_mmi += mmi
    ev.false_wpi += wpi
    ev.false_apportionment += shares
    ev.documents_with_false_values += int(bool(mmi or wpi or shares))
    ev.typed_other += record.report.type == "OTHER"
    key = record.report.type or "none"
    ev.types[key] = ev.types.get(key, 0) + 1
    for what, n in (("mmi", mmi), ("wpi", wpi), ("apportionment", shares)):
        if n:
            ev.misses.append(f"{doc_id}: {n} false {what} value(s)")
    ev.documents += 1


def evaluate_negatives(path: Path, settings: Settings, limit: int | None = None) -> NegativeEvaluation:
    """Extract every document of a `samples.jsonl` collection (one text document each) and count the
    MMI, WPI and apportionment values found where none is stated."""
    from pipeline.extraction.extract import extract_record
    from pipeline.extraction.nlp import build_nlp
    from pipeline.reading.text import document_from_text

    file = path / SAMPLES_FILE if path.is_dir() else path
    nlp = build_nlp(settings)
    ev = NegativeEvaluation()
    with file.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit is not None and n >= limit:
                break
            if not line.strip():
                continue
            sample = json.loads(line)
            doc = document_from_text([sample["text"]], filename=f"{sample['id']}.txt", width=95)
            score_negative(ev, extract_record(doc, nlp, settings), sample["id"])
    return ev


# --- real report documents: a physician's own report, with its own and its cited findings ---------------

REPORTS_FILE = "reports.jsonl"


@dataclass
class ReportDocEvaluation:
    """Scores over real physician-written report documents (`reports.jsonl`): the author's own MMI status,
    WPI and apportionment (their findings as physician "self"), the other physicians' findings they cite,
    and whether the document was recognised as a physician's report of the right type."""

    split: str
    documents: int = 0
    mmi_status_right: int = 0
    mmi_date_right: int = 0
    type_right: int = 0
    physician_report: int = 0
    counts: dict[str, list[int]] = field(
        default_factory=lambda: {k: [0, 0, 0] for k in ("own_wpi", "apportionment", "cited")}
    )
    ready_records: int = 0
    ready_wrong: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[str]:
        return []

    def scores(self) -> dict[str, float]:
        """Every score by name (what floors are checked against)."""
        n = self.documents or 1
        out = {
            "own_mmi_status": round(self.mmi_status_right / n, 4),
            "own_mmi_date": round(self.mmi_date_right / n, 4),
            "own_wpi_f1": round(_f1(*self.counts["own_wpi"]), 4),
            "apportionment_f1": round(_f1(*self.counts["apportionment"]), 4),
            "cited_f1": round(_f1(*self.counts["cited"]), 4),
            "report_type": round(self.type_right / n, 4),
            "physician_report": round(self.physician_report / n, 4),
        }
        out["score"] = round(
            (out["own_mmi_status"] + out["own_wpi_f1"] + out["apportionment_f1"] + out["cited_f1"]) / 4, 4
        )
        out["ready_precision"] = (
            round(1 - self.ready_wrong / self.ready_records, 4) if self.ready_records else 1.0
        )
        return out

    def table(self) -> str:
        """A plain-text table of the scores."""
        s = self.scores()
        lines = [f"real report documents ({self.split}): {self.documents}", f"{'score':<20}{'value':>8}"]
        lines += [f"{k:<20}{v:>8.3f}" for k, v in s.items()]
        for kind, (tp, fp, fn) in self.counts.items():
            lines.append(f"  {kind}: tp {tp} fp {fp} fn {fn}")
        return "\n".join(lines)


def score_report_doc(ev: ReportDocEvaluation, record: ReportRecord, truth: dict[str, Any]) -> None:
    """Add one report document's record to `ev`."""
    r = record.model_dump(mode="json")
    doc_id = truth["id"]
    own = truth.get("own") or {}
    want_mmi = own.get("mmi") or {"status": "not_stated", "date": None}
    status_ok = r["mmi"]["status"] == want_mmi.get("status", "not_stated")
    date_ok = status_ok and r["mmi"]["date"] == want_mmi.get("date")
    ev.mmi_status_right += status_ok
    ev.mmi_date_right += date_ok
    if not status_ok:
        ev.misses.append(f"{doc_id}: own mmi {r['mmi']['status']}, want {want_mmi.get('status')}")
    elif not date_ok:
        ev.misses.append(f"{doc_id}: own mmi date {r['mmi']['date']}, want {want_mmi.get('date')}")
    ev.type_right += r["report"]["type"] == truth.get("report_type")
    ev.physician_report += r["report"]["type"] != "OTHER"
    if r["report"]["type"] != truth.get("report_type"):
        ev.misses.append(f"{doc_id}: type {r['report']['type']}, want {truth.get('report_type')}")
    self_finding = {
        "physician": {"name": None, "role": "self"},
        "impairments": r["impairments"],
        "apportionment": r["apportionment"],
    }
    want_self = {
        "physician": {"name": None, "role": "self"},
        **{k: own.get(k, []) for k in ("impairments", "apportionment")},
    }
    got_own = cited_values([self_finding])
    want_own = cited_values([want_self])
    got_cited = cited_values(r["cited_findings"])
    want_cited = cited_values(truth.get("cited", []))
    wrong = not (status_ok and date_ok)
    for key, got, want in (
        ("own_wpi", [g for g in got_own if g.kind == "wpi"], [w for w in want_own if w.kind == "wpi"]),
        (
            "apportionment",
            [g for g in got_own + got_cited if g.kind == "apportionment"],
            [w for w in want_own + want_cited if w.kind == "apportionment"],
        ),
        ("cited", got_cited, want_cited),
    ):
        tp, extra, missed = match_values(got, want)
        c = ev.counts[key]
        c[0] += tp
        c[1] += len(extra)
        c[2] += len(missed)
        if key != "apportionment":
            wrong = wrong or bool(extra or missed)
        ev.misses += [f"{doc_id}: {key} extra {x.kind} {x.value} ({x.surname or x.role})" for x in extra]
        ev.misses += [f"{doc_id}: {key} missed {x.kind} {x.value} ({x.surname or x.role})" for x in missed]
    if r["review"]["status"] == "ready":
        ev.ready_records += 1
        ev.ready_wrong += int(wrong)
    ev.documents += 1


def evaluate_report_docs(path: Path, settings: Settings, split: str = "all") -> ReportDocEvaluation:
    """Extract every report document of a `reports.jsonl` (its pages split at form feeds) and score it."""
    from pipeline.extraction.extract import extract_record
    from pipeline.extraction.nlp import build_nlp
    from pipeline.reading.text import document_from_text

    file = path / REPORTS_FILE if path.is_dir() else path
    nlp = build_nlp(settings)
    ev = ReportDocEvaluation(split=split)
    for line in file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        truth = json.loads(line)
        if split != "all" and truth.get("split") != split:
            continue
        doc = document_from_text(truth["text"].split("\f"), filename=f"{truth['id']}.txt", width=95)
        score_report_doc(ev, extract_record(doc, nlp, settings), truth)
    return ev
