"""Sample cases: several medical-legal reports about one injured worker, with the truth of the case.

A case is one worker (same applicant, WCAB case number, injury and employer) seen by several doctors: a
primary treating physician, a panel QME, an AME. Each doctor's report is composed and rendered by the
corpus machinery (`Composer`, `render`, `truth_of`) from facts derived from one base worker; what differs
is the evaluator, the kind of report, the exam and report dates and the findings (MMI, WPI per body part,
apportionment). Reports that come later cite the earlier reports of the same case in their records review.

Run as ``python -m sample_reports.cases [--out DIR] [--seed S] [--no-scans]``. Writes, under ``<out>``:
``pdf/<file>.pdf`` and ``truth/<file>.json`` for every report, ``scans/office/<file>.pdf`` (an office
scan of one report of case B, the same report as its born-digital PDF) and ``cases.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sample_reports.corpus import names
from sample_reports.corpus.blocks import Block, Bullets, Para
from sample_reports.corpus.compose import Composer, _cited
from sample_reports.corpus.facts import (
    CAUSES,
    Apportionment,
    Case,
    Doctor,
    Injury,
    Person,
    Rating,
    _adj,
    _claim,
    _pick_doctor,
    _restrictions,
    combine,
    draw_applicant,
    make_case,
)
from sample_reports.corpus.phrasing import cap
from sample_reports.corpus.styles import NARRATIVE_STYLES, render
from sample_reports.generate import BASE_PAGES, ENTRIES_PER_PAGE, SCAN_DPI, truth_of

ROLE = {"pr4": "PTP", "ptp_narrative": "PTP", "panel_qme": "QME", "ame": "AME"}
SHOULDER_FIGS = "Figures 16-40, 16-43 and 16-46"


@dataclass
class Worker:
    """What every report of a case agrees on."""

    letter: str
    applicant: Person
    employer: str
    occupation: str
    job_duties: str
    insurer: str
    injury: Injury


@dataclass
class Opinion:
    """One doctor's report in a case: who, when, and what they found."""

    file: str
    kind: str
    doctor: Doctor
    exam: date
    report_days: int
    #: "exam" (MMI at this exam) or "date" (an earlier MMI date, `mmi_date`).
    mmi_variant: str
    mmi_date: date
    ratings: list[Rating]
    apportionment: list[Apportionment]
    apport_mode: str
    pages_target: int
    style: str
    scanned: bool = False
    cites: list[Opinion] = field(default_factory=list)

    @property
    def report_date(self) -> date:
        return self.exam + timedelta(days=self.report_days)


def _dre(key: str, wpi: int, label: str) -> Rating:
    """A spine rating by the DRE method, in the category whose range holds `wpi`."""
    table, cats = {
        "lumbar": ("Table 15-3", [("II", 5, 8), ("III", 10, 13), ("IV", 20, 23)]),
        "cervical": ("Table 15-5", [("II", 5, 8), ("III", 15, 18), ("IV", 25, 28)]),
    }[key]
    cat, lo, hi = next(c for c in cats if c[1] <= wpi <= c[2])
    body = {"lumbar": "lumbar spine", "cervical": "cervical spine"}[key]
    return Rating(key, body, None, wpi, label, "dre", {"table": table, "cat": cat, "lo": lo, "hi": hi})


def _shoulder(side: str, uei: int) -> Rating:
    """A shoulder rating from range of motion: upper extremity impairment converted to WPI (Table 16-3)."""
    wpi = int(uei * 0.6 + 0.5)
    return Rating(
        "shoulder",
        "shoulder",
        side,
        wpi,
        f"{side} shoulder",
        "uei",
        {"uei": uei, "figs": SHOULDER_FIGS, "table": "Table 16-3"},
    )


def _overall(industrial: int, cause: str) -> Apportionment:
    return Apportionment(None, None, None, industrial, cause)


def _worker(letter: str, seed: int, sex: str, injury_on: date) -> Worker:
    rng = random.Random(f"{seed}:case:{letter}:worker")
    applicant = draw_applicant(rng, sex, 1962, 1992)
    occupation, duties = rng.choice(names.OCCUPATIONS)
    adj = _adj(rng)
    return Worker(
        letter,
        applicant,
        rng.choice(names.EMPLOYERS),
        occupation,
        duties,
        rng.choice(names.INSURERS),
        Injury("specific", injury_on, None, adj, _claim(rng)),
    )


def plan_cases(seed: int = 11) -> list[tuple[Worker, list[Opinion]]]:
    """The two sample cases and their doctors' opinions, in generation (file-name) order."""
    rng = random.Random(f"{seed}:cases")
    used: set[str] = set()
    doc = lambda specialty: _pick_doctor(rng, specialty, used)  # noqa: E731
    styles = (
        NARRATIVE_STYLES[seed % len(NARRATIVE_STYLES) :] + NARRATIVE_STYLES[: seed % len(NARRATIVE_STYLES)]
    )

    # Case A: a low-back injury; PTP 8%, panel QME 13%, AME 10%. The AME file comes first, examined last.
    injury_a = date(2022, 3, 1) + timedelta(days=rng.randint(0, 120))
    a = _worker("a", seed, "M", injury_a)
    ptp_exam = injury_a + timedelta(days=rng.randint(380, 440))
    qme_exam = ptp_exam + timedelta(days=rng.randint(80, 110))
    ame_exam = qme_exam + timedelta(days=rng.randint(150, 200))
    causes = rng.sample(CAUSES[:3], 3)
    ptp_a = Opinion(
        "case_a_3_pr4",
        "pr4",
        doc("Orthopaedic Surgery"),
        ptp_exam,
        rng.randint(5, 14),
        "exam",
        ptp_exam,
        [_dre("lumbar", 8, "lumbar spine")],
        [_overall(100, "")],
        "no_basis",
        4,
        "dwc_form",
    )
    qme_mmi = ptp_exam + timedelta(days=rng.randint(30, 60))
    qme_a = Opinion(
        "case_a_2_qme",
        "panel_qme",
        doc("Orthopaedic Surgery"),
        qme_exam,
        rng.randint(10, 25),
        "date",
        qme_mmi,
        [_dre("lumbar", 13, "lumbar spine")],
        [_overall(60, causes[0])],
        "overall",
        7,
        styles[0],
        cites=[ptp_a],
    )
    ame_a = Opinion(
        "case_a_1_ame",
        "ame",
        doc("Orthopaedic Surgery"),
        ame_exam,
        rng.randint(10, 30),
        "date",
        qme_exam - timedelta(days=rng.randint(10, 40)),
        [_dre("lumbar", 10, "lumbar spine")],
        [_overall(75, causes[1])],
        "overall",
        8,
        styles[1],
        cites=[ptp_a, qme_a],
    )

    # Case B: neck and right shoulder; PTP and QME agree on the neck (5%) and differ on the shoulder.
    injury_b = date(2022, 9, 1) + timedelta(days=rng.randint(0, 120))
    b = _worker("b", seed, "F", injury_b)
    ptp_exam_b = injury_b + timedelta(days=rng.randint(330, 400))
    qme_exam_b = ptp_exam_b + timedelta(days=rng.randint(60, 100))
    ptp_b = Opinion(
        "case_b_2_ptp",
        "ptp_narrative",
        doc("Physical Medicine and Rehabilitation"),
        ptp_exam_b,
        rng.randint(4, 12),
        "exam",
        ptp_exam_b,
        [_dre("cervical", 5, "cervical spine"), _shoulder("right", 7)],
        [_overall(100, "")],
        "no_basis",
        4,
        styles[2],
        scanned=True,
    )
    qme_b = Opinion(
        "case_b_1_qme",
        "panel_qme",
        doc("Orthopaedic Surgery"),
        qme_exam_b,
        rng.randint(10, 25),
        "date",
        ptp_exam_b,
        [_dre("cervical", 5, "cervical spine"), _shoulder("right", 12)],
        [_overall(100, "")],
        "no_basis",
        6,
        styles[3],
        cites=[ptp_b],
    )
    return [(a, [ame_a, qme_a, ptp_a]), (b, [qme_b, ptp_b])]


def _ptp_of(opinions: list[Opinion]) -> Opinion:
    return next(o for o in opinions if ROLE[o.kind] == "PTP")


def report_case(worker: Worker, op: Opinion, opinions: list[Opinion], seed: int, index: int) -> Case:
    """The facts of one doctor's report: a drawn case with the worker's and this doctor's facts put in."""
    c = make_case(op.kind, 900 + index, seed)
    rng = random.Random(f"{seed}:case:{op.file}:facts")
    c.id = op.file
    c.applicant = worker.applicant
    c.employer, c.occupation, c.job_duties = worker.employer, worker.occupation, worker.job_duties
    c.insurer = worker.insurer
    c.injuries = [worker.injury]
    c.evaluator = op.doctor
    ptp = _ptp_of(opinions)
    c.ptp = ptp.doctor
    case_doctors = {o.doctor.last for o in opinions}
    c.other_doctors = [d for d in c.other_doctors if d.last not in case_doctors]
    c.exam_date = c.seen = op.exam
    c.report_date = op.report_date
    c.prior_report_date = None
    c.parts = list(dict.fromkeys(r.key for r in op.ratings))
    c.side = {r.key: r.laterality for r in op.ratings}
    c.both = []
    c.mmi_status, c.mmi_variant = "reached", op.mmi_variant
    c.mmi_date, c.mmi_month = op.mmi_date, None
    c.ratings = [
        Rating(r.key, r.body_part, r.laterality, r.wpi, r.label, r.method, dict(r.details))
        for r in op.ratings
    ]
    if len(c.ratings) > 1:
        c.combined, c.combine_method = combine([r.wpi for r in c.ratings]), "cvc"
    else:
        c.combined, c.combine_method = None, None
    c.apportionment = list(op.apportionment)
    c.apport_mode = op.apport_mode
    c.restrictions = _restrictions(rng, c.parts, c.side)
    c.future_medical = True
    c.pages_target = op.pages_target
    traps = {"dre": "dre_range", "uei": "uei_conversion"}
    c.traps = [traps[r.method] for r in c.ratings] + [f"apportionment_{op.apport_mode}"]
    c.cited = []
    return c


class CaseComposer(Composer):
    """The corpus composer, with the history and records review quoting this case's earlier reports."""

    def __init__(self, case: Case, style: str, n_records: int, cites: list[Opinion]) -> None:
        super().__init__(case, style, n_records)
        self.cites = cites

    def _ptp_cited(self) -> Opinion | None:
        return next((o for o in self.cites if ROLE[o.kind] == "PTP"), None)

    def history(self) -> None:
        """As the corpus writes it, but the treating physician's P&S finding is the one of this case."""
        c = self.case
        start, traps = len(self.blocks), len(c.traps)
        super().history()
        if "history_other_mmi" not in c.traps[traps:]:
            return

        def is_trap(block: Block) -> bool:
            text = block.text if isinstance(block, Para) else ""
            return (
                c.ptp.dr in text
                and any(w in text for w in ("P&S", "permanent and stationary", "MMI as of"))
                and "came under the care" not in text
            )

        i = next(i for i in range(start, len(self.blocks)) if is_trap(self.blocks[i]))
        cited_at = next(j for j in range(len(c.cited) - 1, -1, -1) if c.cited[j]["report_date"] is None)
        ptp = self._ptp_cited()
        if ptp is None:
            del self.blocks[i]
            del c.cited[cited_at]
            c.traps.remove("history_other_mmi")
            return
        a, wpi = c.applicant, combine([r.wpi for r in ptp.ratings])
        self.blocks[i] = Para(
            f"According to {a.his} report, {c.ptp.dr} found {a.him} permanent and stationary on "
            f"{self.d(ptp.mmi_date)} and assigned {wpi}% WPI; {a.he} disagreed and an evaluation was requested."
        )
        c.cited[cited_at] = _cited(c.ptp, "PTP", None, ("reached", ptp.mmi_date))

    def mmi_section(self, heading: str) -> None:
        """As the corpus writes it, but a P&S date it gives the treating physician is the one of this case."""
        start = len(self.blocks)
        super().mmi_section(heading)
        ptp = self._ptp_cited()
        if ptp is None:
            return
        pattern = re.compile(rf"({re.escape(self.case.ptp.dr)} found \w+ P&S on )(.+?)(, I find)")
        for block in self.blocks[start:]:
            if isinstance(block, Para):
                block.text = pattern.sub(lambda m: m[1] + self.d(ptp.mmi_date) + m[3], block.text)

    def records(self) -> None:
        """The corpus records review, then this case's earlier medical-legal reports, with their findings.

        A treating physician's report lists the doctor's own progress reports: those are not findings of
        another physician, so they are not cited findings."""
        c = self.case
        super().records()
        own = c.evaluator.name
        c.cited = [f for f in c.cited if f["physician"]["name"] != own]  # type: ignore[index]
        entries: list[str] = []
        for o in sorted(self.cites, key=lambda o: o.report_date):
            entries.append(self._entry(o))
            c.cited.append(
                _cited(
                    o.doctor,
                    ROLE[o.kind],
                    o.report_date,
                    ("reached", o.mmi_date),
                    [{"body_part": r.body_part, "laterality": r.laterality, "wpi": r.wpi} for r in o.ratings],
                    o.apportionment[0].industrial if o.apportionment else None,
                )
            )
            c.traps.append("records_case_reports")
        if not entries:
            return
        last: Block | None = self.blocks[-1] if self.blocks else None
        if isinstance(last, Bullets):
            last.items.extend(entries)
        else:
            for e in entries:
                self.p(e)

    def _entry(self, o: Opinion) -> str:
        a, d = self.case.applicant, self.d
        parts = "; ".join(f"{r.label}: {r.wpi}% WPI" for r in o.ratings)
        ind = o.apportionment[0].industrial if o.apportionment else 100
        apport = (
            "no basis for apportionment"
            if ind == 100
            else f"{ind}% industrial and {100 - ind}% nonindustrial ({o.apportionment[0].cause})"
        )
        seen = d(o.exam)
        if o.kind == "pr4":
            return (
                f"{d(o.report_date)} - PR-4, {o.doctor.name} (PTP), exam of {seen}. Patient declared P&S/MMI as of "
                f"{d(o.mmi_date)}. {cap(parts)}. Found {apport}. Future medical: yes."
            )
        if o.kind == "ptp_narrative":
            return (
                f"{d(o.report_date)} - {o.doctor.name}, primary treating physician: permanent and stationary report "
                f"(exam of {seen}). MMI as of {d(o.mmi_date)}; {parts}; {apport}."
            )
        role = "Panel QME report" if o.kind == "panel_qme" else "AME report"
        return (
            f"{d(o.report_date)} - {o.doctor.name}, {o.doctor.specialty}: {role} (evaluation of {seen}). Found "
            f"{a.him} permanent and stationary on {d(o.mmi_date)} with {parts}. Found {apport}."
        )


def _build(
    worker: Worker, op: Opinion, opinions: list[Opinion], seed: int, index: int
) -> tuple[Case, bytes, int]:
    case = report_case(worker, op, opinions, seed, index)
    n_records = max(0, (op.pages_target - BASE_PAGES[op.kind]) * ENTRIES_PER_PAGE) + 4
    blocks = CaseComposer(case, op.style, n_records, op.cites).build()
    pdf, pages = render(blocks, op.style, case, f"{seed}:{op.file}:render")
    return case, pdf, pages


def _values(case: Case) -> dict[str, Any]:
    """What the case view lines up from one report."""
    ap = case.apportionment[0].industrial if case.apportionment else None
    return {
        "mmi_date": case.mmi_date.isoformat() if case.mmi_date else None,
        "wpi": {f"{r.laterality + ' ' if r.laterality else ''}{r.body_part}": r.wpi for r in case.ratings},
        "combined_wpi": case.combined,
        "industrial_pct": ap,
    }


def _disagreements(reports: list[tuple[str, Case]]) -> list[dict[str, Any]]:
    """Fields whose value differs between the reports of one case (keyed by report type)."""
    out: list[dict[str, Any]] = []

    def add(field_: str, part: str | None, side: str | None, values: dict[str, Any]) -> None:
        if len(set(values.values())) > 1:
            out.append({"field": field_, "body_part": part, "laterality": side, "values": values})

    add(
        "mmi_date",
        None,
        None,
        {c.report_type: c.mmi_date.isoformat() if c.mmi_date else None for _, c in reports},
    )
    add("combined_wpi", None, None, {c.report_type: c.combined for _, c in reports})
    parts = list(dict.fromkeys((r.body_part, r.laterality) for _, c in reports for r in c.ratings))
    for part, side in parts:
        add(
            "wpi",
            part,
            side,
            {
                c.report_type: next(
                    (r.wpi for r in c.ratings if (r.body_part, r.laterality) == (part, side)), None
                )
                for _, c in reports
            },
        )
    add(
        "apportionment.industrial_pct",
        None,
        None,
        {c.report_type: (c.apportionment[0].industrial if c.apportionment else None) for _, c in reports},
    )
    return out


def _agreements(reports: list[tuple[str, Case]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    parts = list(dict.fromkeys((r.body_part, r.laterality) for _, c in reports for r in c.ratings))
    for part, side in parts:
        vals = {
            c.report_type: next(
                (r.wpi for r in c.ratings if (r.body_part, r.laterality) == (part, side)), None
            )
            for _, c in reports
        }
        if len(set(vals.values())) == 1:
            out.append(
                {"field": "wpi", "body_part": part, "laterality": side, "value": next(iter(vals.values()))}
            )
    return out


def _office_scan(pdf: Path, dst: Path, seed: int) -> None:
    from sample_reports import scan

    images = [
        scan.office_scan(img, seed + i, noise=0.012) for i, img in enumerate(scan.render_pdf(pdf, SCAN_DPI))
    ]
    dst.parent.mkdir(parents=True, exist_ok=True)
    scan.save_pdf(images, dst)


def generate_cases(out_dir: Path, seed: int = 11, scans: bool = True) -> list[Path]:
    """Write the sample cases under `out_dir` (PDFs, truth JSON, the office scan, cases.json); return all
    the report files written (born-digital PDFs, then the scanned copy)."""
    out_dir = Path(out_dir)
    pdf_dir, truth_dir = out_dir / "pdf", out_dir / "truth"
    pdf_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    pdfs: list[Path] = []
    scanned: list[Path] = []
    listing: list[dict[str, Any]] = []
    index = 0
    for worker, opinions in plan_cases(seed):
        reports: list[tuple[str, Case]] = []
        duplicates: list[dict[str, str]] = []
        for op in opinions:
            index += 1
            case, pdf, pages = _build(worker, op, opinions, seed, index)
            path = pdf_dir / f"{op.file}.pdf"
            path.write_bytes(pdf)
            truth = truth_of(case, op.style, pages)
            truth["meta"]["case"] = worker.letter
            if op.scanned:
                rel = f"scans/office/{op.file}.pdf"
                truth["meta"]["scans"] = {
                    "office": rel,
                    "fax": None,
                    "dpi": SCAN_DPI,
                    "turned": {"office": [], "fax": []},
                }
                duplicates.append({"file": rel, "duplicate_of": path.name})
                if scans:
                    _office_scan(path, out_dir / rel, seed * 100000 + index * 100)
                    scanned.append(out_dir / rel)
            (truth_dir / f"{op.file}.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
            pdfs.append(path)
            reports.append((path.name, case))
        in_order = sorted(reports, key=lambda r: r[1].exam_date or r[1].report_date)
        listing.append(
            {
                "case": worker.letter,
                "case_number": worker.injury.adj,
                "applicant": worker.applicant.full,
                "employer": worker.employer,
                "injuries": [
                    {"type": worker.injury.type, "start": worker.injury.start.isoformat(), "end": None}
                ],
                "reports": [
                    {
                        "file": name,
                        "type": c.report_type,
                        "kind": c.kind,
                        "evaluator": c.evaluator.name,
                        "exam_date": c.exam_date.isoformat() if c.exam_date else None,
                        "report_date": c.report_date.isoformat(),
                        **_values(c),
                    }
                    for name, c in in_order
                ],
                "files_in_exam_order": [name for name, _ in in_order],
                "generation_order": [name for name, _ in reports],
                "disagreements": _disagreements(in_order),
                "agreements": _agreements(in_order),
                "duplicates": duplicates,
            }
        )
    (out_dir / "cases.json").write_text(
        json.dumps({"seed": seed, "cases": listing}, indent=2) + "\n", encoding="utf-8"
    )
    return pdfs + scanned


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--out", type=Path, required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=11, help="random seed (default 11)")
    ap.add_argument("--no-scans", action="store_true", help="skip the office scan (no OCR-sized images)")
    args = ap.parse_args(argv)
    paths = generate_cases(args.out, seed=args.seed, scans=not args.no_scans)
    print(f"wrote {len(paths)} case files to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
