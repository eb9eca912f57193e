"""The evaluator: the physician who signs the report, and the specialty."""

from __future__ import annotations

import re
from collections import Counter

from models.record import Evaluator
from pipeline.extraction.fields import Fields
from pipeline.extraction.textview import ReportText

CRED = (
    r"(?:M\.?\s?D\.?|D\.?\s?O\.?|D\.?\s?C\.?|Ph\.?\s?D\.?|Psy\.?\s?D\.?|D\.?P\.?M\.?|D\.?D\.?S\.?|O\.?D\.?)"
)


_NAME_LINE = re.compile(
    rf"^(?:(?:/s/|s/|Electronically signed by:?|Signed:?|Signature:?|By:?)\s*)?"
    rf"((?:Dr\.\s+)?[A-Z][A-Za-z'\-]+(?:\s+[A-Z]\.?)?(?:\s+[A-Z][A-Za-z'\-]+){{1,2}}),?\s+({CRED}(?:\s*,\s*"
    rf"(?:F\.?A\.?A\.?O\.?S\.?|Q\.?M\.?E\.?|F\.?A\.?C\.?S\.?|{CRED}|DABPN|FACP|MPH|M\.?S\.?|M\.?P\.?H\.?))*)\s*"
    rf"(?:[,|].*)?$"
)


def evaluator(fields: Fields, rt: ReportText) -> tuple[Evaluator, float]:
    """The report's author and specialty, from the signature block, letterhead or fields."""
    lines: list[tuple[int, int, str]] = []
    for page in rt.document.pages:
        for i, line in enumerate(page.lines):
            # Repeated footers ("Jane Roe, M.D., A Professional Corporation") would outvote the signature.
            if line.role == "body" or (page.number == 1 and i < 8):
                lines.append((page.number, i, line.text.strip()))
    candidates: Counter[str] = Counter()
    last_pos: dict[str, int] = {}
    sign_zone = False
    for idx, (page_no, _, text) in enumerate(lines):
        if re.search(
            r"sincerely|respectfully|penalty of perjury|signature|/s/|electronically signed|executed",
            text,
            re.I,
        ):
            sign_zone = True
        m = _NAME_LINE.match(text)
        if m:
            person = re.sub(r"^Dr\.\s+", "", m.group(1)).strip()
            cred = re.sub(r"\s+", "", m.group(2).split(",")[0])
            full = f"{person}, {cred}"
            weight = 3 if sign_zone else (2 if page_no == 1 else 1)
            candidates[full] += weight
            last_pos[full] = idx
    for v in fields.all("evaluator"):
        m = re.match(
            rf"((?:Dr\.\s+)?[A-Z][A-Za-z'\-]+(?:\s+[A-Z]\.?)?(?:\s+[A-Z][A-Za-z'\-]+){{1,2}}),?\s+({CRED})",
            v,
        )
        if m:
            person = re.sub(r"^Dr\.\s+", "", m.group(1))
            cred = re.sub(r"\s+", "", m.group(2))
            full = f"{person}, {cred}"
            candidates[full] += 3
    # "Rachel Brightwater, M.D." and "Rachel E. Brightwater, M.D." are one person: keep the fuller form.
    for short in list(candidates):
        for full in list(candidates):
            sw, fw = short.split(",")[0].split(), full.split(",")[0].split()
            if (
                short != full
                and len(fw) > len(sw)
                and sw[0] == fw[0]
                and sw[-1] == fw[-1]
                and short in candidates
            ):
                candidates[full] += candidates.pop(short)
    name = None
    conf = 0.0
    if candidates:
        name = max(candidates, key=lambda k: (candidates[k], last_pos.get(k, 0)))
        conf = 0.95 if candidates[name] >= 3 else 0.8
    specialty = None
    for v in fields.all("specialty"):
        specialty = _specialty_in(v) or v.strip()
        break
    if specialty is None:
        name_idx = [i for i, (_, _, t) in enumerate(lines) if name and name.split(",")[0] in t]
        zones = [lines[max(0, i - 2) : i + 5] for i in name_idx] + [lines[:15]]
        for zone in zones:
            for _, _, t in zone:
                sp = _specialty_in(t)
                if sp:
                    specialty = sp
                    break
            if specialty:
                break
    return Evaluator(name=name, specialty=specialty), conf


def _specialty_in(text: str) -> str | None:
    from pipeline.extraction.rules import load_rules

    low = text.lower()
    best: tuple[int, str] | None = None
    for p in load_rules().specialties:
        phrase = p.phrase
        i = low.find(phrase)
        if (
            i >= 0
            and re.match(r"\W|$", low[i + len(phrase) : i + len(phrase) + 1] or " ")
            and (best is None or i < best[0])
        ):
            best = (i, p.specialty)
    return best[1] if best else None
