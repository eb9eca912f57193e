#!/usr/bin/env python3
"""Validate sample_reports/real/passages.jsonl (standard library only).

Usage:  python3 sample_reports/real/check.py [path/to/passages.jsonl]

Checks every line: JSON keys and types, canonical body parts (first column of
pipeline/rules/body_parts.csv, else /work/shared/contract/body_parts.csv),
laterality values, apportionment shares adding to 100, ISO dates, unique ids,
both splits present, one split per source, and at least 30 distinct sources.
Exits 1 and prints every problem if anything fails.
"""

import csv
import json
import os
import re
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
DEFAULT_JSONL = os.path.join(HERE, "passages.jsonl")
BODY_PART_FILES = [
    os.path.join(REPO, "pipeline", "extraction", "rules", "body_parts.csv"),
    "/work/shared/contract/body_parts.csv",
]

TOP_KEYS = {
    "id",
    "split",
    "source",
    "url",
    "kind",
    "text",
    "findings",
    "not_values",
    "traps",
    "notes",
    "jurisdiction",
    "batch",
}
REQUIRED_KEYS = TOP_KEYS - {"notes", "jurisdiction", "batch"}
KINDS = {"wcab_decision", "court_opinion", "case_summary", "dwc", "board_decision", "other"}
SPLITS = {"dev", "holdout"}
ROLES = {"PTP", "QME", "AME", "IME", "treating", "other", None}
LATERALITY = {"left", "right", "bilateral", None}
MMI_STATUS = {"reached", "not_reached"}
TRAPS = {
    "pd_beside_wpi",
    "ue_conversion",
    "range",
    "several_doctors",
    "judge_differs",
    "not_ps",
    "deferred",
    "number_words",
    "abbrev_date",
    "for_each",
    "nonindustrial_only",
    "industrial_only",
    "no_findings",
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ID_RE = re.compile(r"^r\d{3,}$")
MIN_SOURCES = 30


def load_body_parts():
    for path in BODY_PART_FILES:
        if os.path.exists(path):
            with open(path, newline="", encoding="utf-8") as f:
                rows = list(csv.reader(f))
            names = {r[0].strip() for r in rows[1:] if r and r[0].strip()}
            return names, path
    sys.exit("check.py: no body_parts.csv found in " + ", ".join(BODY_PART_FILES))


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def check_date(val, where, errs):
    if val is None:
        return
    if not isinstance(val, str) or not ISO_DATE.match(val):
        errs.append(f"{where}: date {val!r} is not YYYY-MM-DD")
        return
    y, m, d = (int(p) for p in val.split("-"))
    if not (1 <= m <= 12 and 1 <= d <= 31 and 1900 <= y <= 2100):
        errs.append(f"{where}: date {val!r} out of range")


def check_line(obj, n, body_parts, errs):
    where = f"line {n}"
    if not isinstance(obj, dict):
        errs.append(f"{where}: not a JSON object")
        return
    pid = obj.get("id", "?")
    where = f"line {n} ({pid})"
    missing = REQUIRED_KEYS - obj.keys()
    extra = obj.keys() - TOP_KEYS
    if missing:
        errs.append(f"{where}: missing keys {sorted(missing)}")
    if extra:
        errs.append(f"{where}: unknown keys {sorted(extra)}")
    if not isinstance(pid, str) or not ID_RE.match(pid):
        errs.append(f"{where}: bad id {pid!r}")
    if obj.get("split") not in SPLITS:
        errs.append(f"{where}: split {obj.get('split')!r} not in {sorted(SPLITS)}")
    if obj.get("kind") not in KINDS:
        errs.append(f"{where}: kind {obj.get('kind')!r} not in {sorted(KINDS)}")
    for k in ("source", "url", "text"):
        if not isinstance(obj.get(k), str) or not obj.get(k, "").strip():
            errs.append(f"{where}: {k} must be a non-empty string")
    url = obj.get("url", "")
    if isinstance(url, str) and not url.startswith(("http://", "https://")):
        errs.append(f"{where}: url does not start with http(s)://")
    text = obj.get("text", "")
    if isinstance(text, str) and len(text) > 2000:
        errs.append(f"{where}: text is {len(text)} chars (limit 2000)")
    if "notes" in obj and not isinstance(obj["notes"], str):
        errs.append(f"{where}: notes must be a string")
    for k in ("not_values", "traps"):
        v = obj.get(k)
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            errs.append(f"{where}: {k} must be a list of strings")
    for t in obj.get("traps", []) or []:
        if t not in TRAPS and not re.fullmatch(r"[a-z][a-z0-9_]{2,40}", str(t)):
            errs.append(f"{where}: unknown trap {t!r}")
    findings = obj.get("findings")
    if not isinstance(findings, list):
        errs.append(f"{where}: findings must be a list")
        return
    if "no_findings" in (obj.get("traps") or []) and findings:
        errs.append(f"{where}: trap no_findings but findings is not empty")
    for i, f in enumerate(findings):
        fw = f"{where} finding[{i}]"
        if not isinstance(f, dict):
            errs.append(f"{fw}: not an object")
            continue
        fkeys = {"physician", "report_date", "mmi", "impairments", "apportionment"}
        if set(f.keys()) != fkeys:
            errs.append(f"{fw}: keys {sorted(f.keys())} != {sorted(fkeys)}")
        ph = f.get("physician")
        if not isinstance(ph, dict) or set(ph.keys()) != {"name", "role"}:
            errs.append(f"{fw}: physician must be {{name, role}}")
        else:
            if ph["name"] is not None and not isinstance(ph["name"], str):
                errs.append(f"{fw}: physician.name must be string or null")
            if ph["role"] not in ROLES:
                errs.append(f"{fw}: physician.role {ph['role']!r} not allowed")
        check_date(f.get("report_date"), f"{fw} report_date", errs)
        mmi = f.get("mmi")
        if mmi is not None:
            if not isinstance(mmi, dict) or set(mmi.keys()) != {"status", "date"}:
                errs.append(f"{fw}: mmi must be null or {{status, date}}")
            else:
                if mmi["status"] not in MMI_STATUS:
                    errs.append(f"{fw}: mmi.status {mmi['status']!r} not allowed")
                check_date(mmi["date"], f"{fw} mmi.date", errs)
                if mmi["status"] == "not_reached" and mmi["date"] is not None:
                    errs.append(f"{fw}: not_reached MMI must have date null")
        imps = f.get("impairments")
        if not isinstance(imps, list):
            errs.append(f"{fw}: impairments must be a list")
            imps = []
        for j, im in enumerate(imps):
            iw = f"{fw} impairment[{j}]"
            if not isinstance(im, dict) or set(im.keys()) != {"body_part", "laterality", "wpi"}:
                errs.append(f"{iw}: keys must be body_part, laterality, wpi")
                continue
            if im["body_part"] not in body_parts:
                errs.append(f"{iw}: body_part {im['body_part']!r} is not canonical")
            if im["laterality"] not in LATERALITY:
                errs.append(f"{iw}: laterality {im['laterality']!r} not allowed")
            if not is_num(im["wpi"]) or not (0 <= im["wpi"] <= 100):
                errs.append(f"{iw}: wpi {im['wpi']!r} must be a number 0-100")
        apps = f.get("apportionment")
        if not isinstance(apps, list):
            errs.append(f"{fw}: apportionment must be a list")
            apps = []
        for j, ap in enumerate(apps):
            aw = f"{fw} apportionment[{j}]"
            keys = {"body_part", "laterality", "industrial_pct", "nonindustrial_pct"}
            if not isinstance(ap, dict) or set(ap.keys()) != keys:
                errs.append(f"{aw}: keys must be {sorted(keys)}")
                continue
            if ap["body_part"] is not None and ap["body_part"] not in body_parts:
                errs.append(f"{aw}: body_part {ap['body_part']!r} is not canonical")
            if ap["laterality"] not in LATERALITY:
                errs.append(f"{aw}: laterality {ap['laterality']!r} not allowed")
            ind, non = ap["industrial_pct"], ap["nonindustrial_pct"]
            if not (is_num(ind) and is_num(non)):
                errs.append(f"{aw}: shares must be numbers")
            elif abs(ind + non - 100) > 1e-6 or min(ind, non) < 0:
                errs.append(f"{aw}: shares {ind}+{non} do not add to 100")
        if not (mmi or imps or apps):
            errs.append(f"{fw}: finding records nothing (no mmi, impairments or apportionment)")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_JSONL
    body_parts, bp_path = load_body_parts()
    errs, rows = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                errs.append(f"line {n}: invalid JSON ({e})")
                continue
            rows.append(obj)
            check_line(obj, n, body_parts, errs)

    ids = Counter(r.get("id") for r in rows)
    for i, c in ids.items():
        if c > 1:
            errs.append(f"id {i!r} used {c} times")
    splits = Counter(r.get("split") for r in rows)
    for s in SPLITS:
        if not splits.get(s):
            errs.append(f"split {s!r} has no passages")
    src_split = defaultdict(set)
    for r in rows:
        src_split[(r.get("source"), r.get("url"))].add(r.get("split"))
    for (src, _url), ss in src_split.items():
        if len(ss) > 1:
            errs.append(f"source {src!r} appears in both splits")
    n_sources = len({r.get("url") for r in rows})
    if n_sources < MIN_SOURCES:
        errs.append(f"only {n_sources} distinct sources (need >= {MIN_SOURCES})")

    traps = Counter(t for r in rows for t in r.get("traps", []))
    print(f"checked {len(rows)} passages from {path}")
    print(f"body parts from {bp_path}")
    print(f"sources: {n_sources}; splits: {dict(splits)}")
    print("traps: " + ", ".join(f"{k}={traps[k]}" for k in sorted(traps)))
    if errs:
        print(f"\n{len(errs)} problem(s):")
        for e in errs:
            print("  - " + e)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
