"""Consistency check: does each truth value appear in the PDF text where a reader would find it?

    python -m altgen.check DIR [ID ...]

Extracts each PDF with pdfplumber (text layer; page 1 of the summary layout is read column by
column) and checks the truth against it.  Prints problems; exit status 1 if any.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import pdfplumber

from .phrases import fd

STYLES = ["mdY", "mdy", "dash", "long", "abbr", "mdY_nopad", "dmy"]


def page_texts(pdf_path: Path, layout: str) -> list[str]:
    out = []
    with pdfplumber.open(pdf_path) as pdf:
        for i, pg in enumerate(pdf.pages):
            if layout == "summary" and i == 0:
                w = pg.width
                top = pg.crop((0, 0, w, 210)).extract_text() or ""
                left = pg.crop((0, 210, w / 2, pg.height)).extract_text() or ""
                right = pg.crop((w / 2, 210, w, pg.height)).extract_text() or ""
                out.append("\n".join([top, left, right]))
            else:
                out.append(pg.extract_text() or "")
    return out


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def date_forms(iso: str) -> list[str]:
    d = dt.date.fromisoformat(iso)
    return [fd(d, st) for st in STYLES]


def has_date(text: str, iso: str) -> bool:
    return any(f in text for f in date_forms(iso))


def check_one(truth: dict, pdf_path: Path) -> list[str]:
    t = truth
    probs = []
    pages = page_texts(pdf_path, t["style"])
    text = norm(" ".join(pages))
    low = text.lower()
    if len(pages) != t["pages"]:
        probs.append(f"pages {len(pages)} != {t['pages']}")
    if not 4 <= len(pages) <= 12:
        probs.append(f"page count {len(pages)} outside 4-12")
    r = t["report"]
    for label, iso in [("report_date", r["report_date"]), ("exam_date", r["exam_date"])]:
        if iso and not has_date(text, iso):
            probs.append(f"{label} {iso} not found")
    if r["evaluator"]["name"] not in text:
        probs.append("evaluator name not found")
    if r["evaluator"]["specialty"] not in text:
        probs.append("evaluator specialty not found")
    c = t["claim"]
    for v in [c["applicant"], c["employer"]] + c["case_numbers"] + c["claim_numbers"]:
        if v not in text:
            probs.append(f"claim value not found: {v}")
    for inj in c["injuries"]:
        for k in ("start", "end"):
            if inj[k] and not has_date(text, inj[k]):
                probs.append(f"injury {k} {inj[k]} not found")
    m = t["mmi"]
    if m["date"] and not has_date(text, m["date"]):
        probs.append(f"mmi date {m['date']} not found")
    if m["status"] == "reached" and not m["date"] and "mmi_month_only" not in t["meta"]["traps"]:
        probs.append("reached without date but not month-only")
    label = {
        "head": "headaches",
        "psyche": "psych",
        "gastrointestinal": "gastrointestinal",
        "brain": "cognitive",
        "pain": "pain add-on",
        "sleep": "sleep disorder",
    }
    for imp in t["impairments"]:
        w = imp["wpi"]
        pats = [
            f"{w}% whole",
            f"{w}% WPI",
            f"WPI: {w}%",
            f"({w}%) whole",
            f"{w}% of the whole",
            f"equal to {w}% WPI",
        ]
        if not any(p in text for p in pats):
            probs.append(f"impairment value {imp['body_part']} {w} has no WPI-phrased mention")
            continue
        lab = re.escape(label.get(imp["body_part"], imp["body_part"]))
        if imp["laterality"] in ("left", "right"):
            lab = f"{imp['laterality']} (?:(?:index|middle|ring|little) )?{lab}"
        # the value must follow a mention of the part (same paragraph-sized window)
        ok = False
        for mm in re.finditer(lab, low):
            win = text[mm.start() : mm.start() + 1400]
            if any(p in win for p in pats):
                ok = True
                break
        if not ok:
            probs.append(f"impairment {lab} {w}: value not found after the part's name")
    cw = t["combined_wpi"]
    if cw is not None:
        v = cw["value"]
        if not re.search(rf"(combined[^.]{{0,80}}\b{v}%|= {v}% whole|\b{v}% WPI)", text, re.I):
            probs.append(f"combined {v} not found")
    for a in t["apportionment"]:
        i, n = a["industrial_pct"], a["nonindustrial_pct"]
        if i == 100:
            if "100%" not in text:
                probs.append("100% industrial not found")
        elif not (
            re.search(rf"\b{n}(%| percent)", text)
            and (re.search(rf"\b{i}(%| percent)", text) or "balance is industrial" in text)
        ):
            probs.append(f"apportionment {i}/{n} not found")
    for s in t["work_restrictions"]:
        if s not in text:
            probs.append(f"restriction not verbatim: {s}")
    for cf in t["cited_findings"]:
        nm = cf["physician"]["name"]
        if nm not in text:
            probs.append(f"cited physician {nm} not found")
        if not has_date(text, cf["report_date"]):
            probs.append(f"cited report date {cf['report_date']} not found")
        if cf["mmi"] and cf["mmi"]["date"] and not has_date(text, cf["mmi"]["date"]):
            probs.append(f"cited mmi date {cf['mmi']['date']} not found")
        for imp in cf["impairments"]:
            if f"{imp['wpi']}% WPI" not in text and f"{imp['wpi']}% whole person" not in text:
                probs.append(f"cited wpi {imp['wpi']} not found")
    # chronology
    rd = r["report_date"]
    ex = r["exam_date"]
    if ex and ex > rd:
        probs.append("exam after report")
    for inj in c["injuries"]:
        if (inj["end"] or inj["start"]) > (ex or rd):
            probs.append("injury after exam")
    if m["date"] and m["date"] > (ex or rd):
        probs.append("own MMI date after exam/report")
    for cf in t["cited_findings"]:
        if cf["report_date"] >= rd:
            probs.append(f"cited report {cf['report_date']} not before this report")
        if cf["mmi"] and cf["mmi"]["date"] and cf["mmi"]["date"] > cf["report_date"]:
            probs.append("cited MMI after cited report")
    for d in re.findall(r"\b(\d{2})/(\d{2})/(\d{4})\b", text):
        iso = f"{d[2]}-{d[0]}-{d[1]}"
        if iso > rd and "future_mmi_date" not in t["meta"]["traps"] and t["kind"] != "pr2":
            probs.append(f"date {iso} after the report date in text")
            break
    # negative checks: own values that must not look like a different final
    if t["mmi"]["status"] == "not_reached" and t["impairments"]:
        probs.append("not_reached but impairments present")
    return probs


def main(argv=None):
    argv = argv if argv is not None else sys.argv[1:]
    out = Path(argv[0])
    ids = argv[1:]
    bad = 0
    for tp in sorted((out / "truth").glob("*.json")):
        t = json.loads(tp.read_text())
        if ids and t["id"] not in ids:
            continue
        probs = check_one(t, out / "pdf" / t["file"])
        if probs:
            bad += 1
            print(t["id"])
            for p in probs:
                print("   ", p)
    print(f"{bad} report(s) with problems", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
