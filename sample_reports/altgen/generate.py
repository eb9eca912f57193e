"""Generate synthetic medical-legal reports (PDF) with truth JSON, in the alternative layouts.

python -m altgen --out DIR --count N --seed S
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from .layouts import LAYOUTS
from .pdfbase import build_pdf
from .scenario import build_scenario

# 30 (kind, layout) combinations; larger counts cycle through them again.
PLAN = (
    [("panel_qme", "outline")] * 3
    + [("panel_qme", "summary")] * 3
    + [("panel_qme", "qa")] * 1
    + [("panel_qme", "dictated")] * 2
    + [("ame", "qa")] * 3
    + [("ame", "outline")] * 1
    + [("ame", "summary")] * 2
    + [("pr4", "chiro")] * 4
    + [("pr4", "summary")] * 1
    + [("ptp_narrative", "dictated")] * 3
    + [("pr2", "chiro")] * 2
    + [("pr2", "dictated")] * 1
    + [("supplemental", "outline")] * 2
    + [("supplemental", "qa")] * 2
)
assert len(PLAN) == 30

MIN_PAGES, MAX_PAGES = 4, 12
TARGET = {
    "panel_qme": (6, 12),
    "ame": (6, 12),
    "pr4": (4, 8),
    "ptp_narrative": (4, 7),
    "pr2": (4, 5),
    "supplemental": (4, 7),
}


def _plan(count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(f"plan|{seed}")
    out = []
    while len(out) < count:
        block = list(PLAN)
        rng.shuffle(block)
        out += block
    return out[:count]


def _render(scn, level):
    writer = LAYOUTS[scn.layout](scn, level)
    return build_pdf(writer.story, writer.templates, {"title": scn.title, "author": scn.ev.name})


def _truth(scn, pages: int) -> dict:
    s = scn
    return {
        "id": s.id,
        "file": f"{s.id}.pdf",
        "kind": s.kind,
        "pages": pages,
        "style": s.layout,
        "report": {
            "type": s.rtype,
            "supplemental": s.supplemental,
            "title": s.title,
            "report_date": s.report_date.isoformat(),
            "exam_date": s.exam_date.isoformat() if s.exam_date else None,
            "evaluator": {"name": s.ev.name, "specialty": s.ev.specialty},
        },
        "claim": {
            "applicant": s.app.full,
            "employer": s.employer,
            "case_numbers": list(s.adj),
            "claim_numbers": list(s.claim_nos),
            "injuries": [i.truth() for i in s.injuries],
        },
        "mmi": {"status": s.mmi_status, "date": s.mmi_date.isoformat() if s.mmi_date else None},
        "impairments": [r.truth() for r in s.ratings],
        "combined_wpi": {"value": s.combined} if s.combined is not None else None,
        "apportionment": list(s.appo),
        "work_restrictions": list(s.restrictions),
        "future_medical": {"provided": s.future},
        "cited_findings": [c.truth() for c in s.cited if (c.mmi or c.imps or c.appo)],
        "meta": {
            "seed": s.seed,
            "layout": s.layout,
            "generator": "altgen",
            "specialty_key": s.spec,
            "mmi_variant": s.mmi_variant,
            "supplemental_variant": s.supp_variant,
            "combine_method": s.combine,
            "apportionment_mode": s.appo_mode,
            "rating_methods": sorted({r.method_short for r in s.ratings}),
            "restrictions_temporary": bool(getattr(s, "restr_temporary", False)) if s.restrictions else None,
            "traps": sorted(s.traps),
        },
    }


def generate(out_dir: Path, count: int = 30, seed: int = 1) -> list[Path]:
    out_dir = Path(out_dir)
    (out_dir / "pdf").mkdir(parents=True, exist_ok=True)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    written = []
    seen: dict[str, int] = {}
    for idx, (kind, layout) in enumerate(_plan(count, seed), 1):
        group = {"ame": "panel_qme", "ptp_narrative": "pr4"}.get(kind, kind)
        nth = seen.get(group, 0)
        seen[group] = nth + 1
        rng = random.Random(f"{seed}|{idx}|{kind}|{layout}")
        scn = build_scenario(rng, idx, kind, layout, seed, nth)
        lo, hi = TARGET[kind]
        target = rng.randint(lo, hi)
        base_traps = set(scn.traps)
        results = {}
        level = 3
        for _ in range(16):
            scn.traps = set(base_traps)
            pdf, pages = _render(scn, level)
            results[level] = (pages, pdf, set(scn.traps))
            step = 1 if abs(pages - target) <= 1 else 4
            if pages < target and level < 40:
                nxt = min(40, level + step)
            elif pages > target and level > 0:
                nxt = max(0, level - step)
            else:
                break
            while nxt in results and nxt != level:
                nxt += 1 if nxt < level else -1
            if nxt == level or nxt in results:
                break
            level = nxt
        # prefer a level inside the 4-12 page band and closest to the target
        level = min(
            results,
            key=lambda l: (not (MIN_PAGES <= results[l][0] <= MAX_PAGES), abs(results[l][0] - target), l),
        )
        pages, pdf, scn.traps = results[level]
        scn.meta["level"] = level
        pdf_path = out_dir / "pdf" / f"{scn.id}.pdf"
        pdf_path.write_bytes(pdf)
        truth = _truth(scn, pages)
        truth["meta"]["length_level"] = level
        (out_dir / "truth" / f"{scn.id}.json").write_text(json.dumps(truth, indent=2) + "\n")
        written.append(pdf_path)
    return written
