"""Draw one scenario: the claim, this evaluator's own conclusions, other physicians' findings."""

from __future__ import annotations

import datetime as dt
import random

from . import filler, pools
from .filler import PART_LABEL
from .model import (
    CANON,
    SIDED,
    SPINE,
    UE,
    Cited,
    CitedImp,
    Injury,
    Person,
    RecordEntry,
    Scenario,
    _adj,
    _claimno,
    make_doctor,
    rate_ankle,
    rate_brain,
    rate_digit,
    rate_elbow,
    rate_foot,
    rate_head,
    rate_hip,
    rate_internal,
    rate_knee,
    rate_pain,
    rate_psyche,
    rate_shoulder,
    rate_spine,
    rate_wrist,
    rdate,
)
from .phrases import DATE_STYLES, cap, cvc, fd, month_only, ue_to_wpi

TITLES = {
    ("panel_qme", "outline"): "COMPREHENSIVE MEDICAL-LEGAL EVALUATION",
    ("panel_qme", "summary"): "PANEL QUALIFIED MEDICAL EVALUATION",
    ("panel_qme", "qa"): "PANEL QUALIFIED MEDICAL EVALUATOR'S REPORT",
    ("panel_qme", "dictated"): "QUALIFIED MEDICAL EVALUATION",
    ("ame", "outline"): "COMPREHENSIVE MEDICAL-LEGAL EVALUATION (AGREED MEDICAL EXAMINER)",
    ("ame", "summary"): "AGREED MEDICAL EVALUATION",
    ("ame", "qa"): "AGREED MEDICAL EXAMINER'S REPORT",
    ("pr4", "chiro"): "PRIMARY TREATING PHYSICIAN'S PERMANENT AND STATIONARY REPORT",
    ("pr4", "summary"): "PRIMARY TREATING PHYSICIAN'S PERMANENT AND STATIONARY REPORT (PR-4)",
    ("ptp_narrative", "dictated"): "PERMANENT AND STATIONARY REPORT",
    ("pr2", "chiro"): "PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2)",
    ("pr2", "dictated"): "PROGRESS REPORT",
    ("supplemental", "outline"): "SUPPLEMENTAL MEDICAL-LEGAL EVALUATION",
    ("supplemental", "qa"): "SUPPLEMENTAL REPORT",
    ("supplemental", "dictated"): "SUPPLEMENTAL REPORT",
}

RESTR = {
    "lumbar": [
        "No lifting over {n} pounds.",
        "No repetitive bending, stooping or twisting.",
        "No prolonged sitting for more than {m} minutes without the ability to stand and stretch.",
    ],
    "cervical": [
        "No repetitive flexion or extension of the neck.",
        "No work above shoulder level.",
        "No lifting over {n} pounds.",
    ],
    "thoracic": ["No lifting over {n} pounds.", "No repetitive twisting of the trunk."],
    "shoulder": [
        "No repetitive overhead reaching with the {side} upper extremity.",
        "No lifting over {n2} pounds with the {side} arm.",
        "No pushing or pulling over {n} pounds.",
    ],
    "elbow": [
        "No repetitive forceful gripping or grasping with the {side} hand.",
        "No forceful torquing with the {side} upper extremity.",
    ],
    "wrist": [
        "No repetitive forceful gripping or grasping with the {side} hand.",
        "No keyboarding for more than {m} minutes without a five-minute break.",
    ],
    "finger": [
        "No repetitive forceful gripping or grasping with the {side} hand.",
        "No fine manipulation with the {side} hand for more than half of the shift.",
    ],
    "thumb": ["No repetitive pinching or forceful gripping with the {side} hand."],
    "hip": [
        "No prolonged standing or walking for more than {m} minutes at a time.",
        "No repetitive squatting, kneeling or climbing.",
        "No climbing ladders.",
    ],
    "knee": [
        "No repetitive squatting, kneeling or climbing.",
        "No walking on uneven ground.",
        "No prolonged standing or walking for more than {m} minutes at a time.",
    ],
    "ankle": [
        "No walking on uneven ground.",
        "No climbing ladders.",
        "No prolonged standing or walking for more than {m} minutes at a time.",
    ],
    "foot": ["No prolonged standing or walking for more than {m} minutes at a time."],
    "head": ["No work at unprotected heights.", "No operation of heavy machinery during a headache."],
    "brain": [
        "No work at unprotected heights.",
        "No work requiring complex multitasking under time pressure.",
    ],
    "psyche": [
        "No work in a high-stress, deadline-driven environment.",
        "No work requiring more than occasional contact with the public.",
    ],
    "hypertension": ["No heavy exertion.", "No work in extreme heat."],
    "gi": ["No work without access to regular meal breaks."],
    "sleep": ["No night shifts or rotating shifts."],
}

CAUSES = [
    "pre-existing degenerative disc disease",
    "pre-existing degenerative arthritis",
    "the natural progression of a non-industrial degenerative condition",
    "age-related degenerative changes",
    "pre-existing non-industrial personal stressors",
    "constitutional obesity",
]

PRIOR_EVENTS = [
    ("motor vehicle accident", "low back"),
    ("softball injury", "right shoulder"),
    ("fall at home", "left knee"),
    ("motor vehicle accident", "neck"),
]


def _spec_for(rng, kind, layout):
    if layout == "chiro":
        return "chiro"
    if kind in ("pr4", "ptp_narrative", "pr2"):
        return rng.choice(["ortho", "ortho", "pmr"])
    return rng.choices(["ortho", "pmr", "neuro", "psych", "im"], [45, 17, 13, 12, 13])[0]


def _parts_for(rng, spec):
    """Return list of (key, side) rated/claimed by this specialty, plus flags."""
    flags = {}
    if spec in ("ortho", "pmr", "chiro"):
        roll = rng.random()
        if roll < 0.15:
            flags["bilateral_hips"] = True
            parts = [("hip", "right"), ("hip", "left")]
            if rng.random() < 0.5:
                parts.insert(0, ("lumbar", None))
            return parts, flags
        spine = rng.sample(["lumbar", "lumbar", "cervical", "thoracic"], k=1)
        parts = [(spine[0], None)]
        if rng.random() < 0.3 and spine[0] != "cervical":
            parts.append(("cervical", None))
        pool = ["shoulder", "knee", "wrist", "elbow", "hip", "ankle", "finger", "foot", "thumb"]
        if spec == "chiro":
            pool = ["shoulder", "knee", "shoulder", "wrist"]
        for k in rng.sample(pool, k=rng.choice([0, 1, 1, 2])):
            parts.append((k, rng.choice(["right", "left"])))
        if rng.random() < 0.12 and spec != "chiro":
            # same part both sides, rated separately (often the same value)
            cands = [p for p in parts if p[0] in SIDED]
            if cands:
                k = cands[0][0]
                other = "left" if cands[0][1] == "right" else "right"
                parts.append((k, other))
                flags["both_sides"] = k
        return parts, flags
    if spec == "neuro":
        parts = [("head", None)]
        if rng.random() < 0.5:
            parts.append(("brain", None))
        if rng.random() < 0.5:
            parts.append(("cervical", None))
        return parts, flags
    if spec == "psych":
        return [("psyche", None)], flags
    keys = rng.sample(["hypertension", "gi", "sleep"], k=rng.choice([1, 2, 2, 3]))
    return [(k, None) for k in keys], flags


def _rate(rng, key, side, scn, flags) -> object:
    if key in SPINE:
        v = rng.choices(["dre", "dre_rom", "almaraz", "almaraz_rejected"], [50, 22, 14, 14])[0]
        return rate_spine(rng, key, v)
    if key == "shoulder":
        return rate_shoulder(rng, side)
    if key == "elbow":
        return rate_elbow(rng, side)
    if key == "wrist":
        return rate_wrist(rng, side)
    if key in ("finger", "thumb"):
        return rate_digit(rng, side, "thumb" if key == "thumb" else scn.digit)
    if key == "hip":
        return rate_hip(rng, side, flags.get("hip_variant") or rng.choice(["rom_mild", "rom_mod"]))
    if key == "knee":
        menisc = bool(scn.surgery and "menisc" in scn.surgery[1])
        return rate_knee(rng, side, "menisc" if menisc else rng.choice(["arth", "rom"]))
    if key == "ankle":
        return rate_ankle(rng, side)
    if key == "foot":
        return rate_foot(rng, side)
    if key == "head":
        return rate_head(rng)
    if key == "brain":
        return rate_brain(rng)
    if key == "psyche":
        return rate_psyche(rng)
    return rate_internal(rng, key)


def _appo_sentence(rng, subj, ind, non, cause, style):
    """One apportionment sentence; subj is '' (overall) or a body part label."""
    s_of = f" of the {subj}" if subj else ""
    S = cap(subj) if subj else "Overall"
    if ind == 100:
        return rng.choice(
            [
                f"There is no basis for apportionment{' as to the ' + subj if subj else ''}; the permanent disability{s_of} is 100% industrial.",
                f"{S}: I find no legal or medical basis for apportionment, and 100% of the permanent disability{s_of} is caused by the industrial injury.",
            ]
        )
    if style == "std":
        return f"{S}: {ind}% industrial and {non}% non-industrial ({cause})."
    if style == "reversed":
        return (
            f"{non}% of the permanent disability{s_of} is apportioned to non-industrial factors, namely {cause}, "
            f"and {ind}% to the industrial injury."
        )
    if style == "caused_by":
        return f"Approximately {non}% of the permanent disability{s_of} is caused by {cause}; the balance is industrial."
    if style == "underlying":
        return (
            f"With respect to the {subj or 'permanent disability'}, {non} percent is due to the underlying condition "
            f"({cause}) and {ind} percent is due to the stress of the industrial injury."
        )
    if style == "prior":
        return (
            f"{non}% of the permanent disability{s_of} is attributable to the prior non-industrial {cause}, and "
            f"{ind}% is attributable to the present industrial injury."
        )
    raise ValueError(style)


def _cited_imp_text(rng, i: CitedImp, dr) -> str:
    lab = i.label
    if i.uei is not None:
        return f"{i.uei}% UEI ({i.wpi}% WPI) for the {lab}"
    return rng.choice(
        [
            f"{i.wpi}% WPI for the {lab}",
            f"{lab} {i.wpi}% WPI",
            f"{i.wpi}% whole person impairment to the {lab}",
        ]
    )


def _join(items):
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def build_cited_body(rng, c: Cited, pron, dstyle) -> str:
    dr = c.doctor.dr
    out = [c.doc_title + "."]
    if c.mmi is not None:
        st, d = c.mmi
        if st == "reached" and d:
            out.append(
                rng.choice(
                    [
                        f"{dr} found the applicant permanent and stationary as of {fd(d, dstyle)}.",
                        f"{dr} declared {pron['him']} MMI on {fd(d, dstyle)}.",
                        f"P&S date per {dr}: {fd(d, dstyle)}.",
                        f"{dr} opined that maximum medical improvement was reached on {fd(d, dstyle)}.",
                    ]
                )
            )
        elif st == "reached":
            out.append(f"{dr} found {pron['him']} permanent and stationary.")
        else:
            out.append(
                rng.choice(
                    [
                        f"{dr} found {pron['him']} not yet permanent and stationary and recommended "
                        f"further treatment.",
                        f"Not P&S per {dr}; an epidural steroid injection was requested.",
                        f"{dr} opined that {pron['he']} had not reached MMI.",
                    ]
                )
            )
    if c.imps:
        items = [_cited_imp_text(rng, i, dr) for i in c.imps]
        out.append(rng.choice([f"{dr} assigned {_join(items)}.", f"Impairment per {dr}: {_join(items)}."]))
    for a in c.appo:
        key, side, ind, non, cause, ph = a
        subj = (f"{side} {PART_LABEL[key]}" if key in SIDED else PART_LABEL[key]) if key else ""
        if ind == 100:
            out.append(f"{dr} found no basis for apportionment{' of the ' + subj if subj else ''}.")
        elif ph == 0:
            out.append(f"{dr} apportioned {non}% {'of the ' + subj + ' ' if subj else ''}to {cause}.")
        else:
            out.append(
                f"Apportionment{' (' + subj + ')' if subj else ''}: {ind}% industrial / {non}% non-industrial."
            )
    out.extend(c.extra)
    return " ".join(out)


NOISE = [
    (
        "Employee's Claim for Workers' Compensation Benefits (DWC-1)",
        "Applicant",
        "Claim form signed by the applicant describing the injury.",
    ),
    (
        "Employer's First Report of Occupational Injury (Form 5020)",
        "Employer",
        "Employer's report of the injury; the applicant was sent to the company clinic.",
    ),
    (
        "Physical therapy daily notes",
        "{pt}",
        "Twelve visits. Pain 6/10 at intake, 4/10 at discharge; improved tolerance to home exercise.",
    ),
    (
        "Job analysis",
        "Employer",
        "Essential functions include lifting up to 50 pounds occasionally and standing most of the shift.",
    ),
    (
        "Utilization Review determination",
        "{ur}",
        "The requested {tx} was not certified as medically necessary.",
    ),
    ("Independent Medical Review decision", "Maximus Federal Services", "The UR denial was upheld."),
    ("Deposition transcript", "Applicant", "Transcript of the applicant's deposition, {pages} pages."),
    (
        "Summary Rating Determination",
        "Disability Evaluation Unit",
        "The DEU rated the prior evaluator's impairment at {pd}% permanent disability after adjustment.",
    ),
    (
        "Letter",
        "{atty}",
        "Cover letter listing the records served and asking for a complete medical-legal report.",
    ),
    (
        "Urgent care record",
        "Occupational Health Clinic",
        "Initial visit after the injury; strain diagnosed, ibuprofen and ice prescribed, modified duty.",
    ),
    ("Pharmacy records", "Pharmacy", "Dispensing log of prescribed medications."),
    (
        "Psychological consultation",
        "{psy}",
        "Adjustment disorder with anxiety; GAF {gaf}; six sessions of cognitive behavioral therapy recommended.",
    ),
]

STUDY_NOISE = {
    "lumbar": ("MRI of the lumbar spine", "3 mm disc protrusion at L4-L5 with mild foraminal narrowing."),
    "cervical": ("MRI of the cervical spine", "Disc bulges at C5-C6 and C6-C7 without cord compression."),
    "thoracic": ("Thoracic spine x-rays", "Mild spondylosis, no fracture."),
    "shoulder": ("MRI of the shoulder", "Partial-thickness supraspinatus tear; AC joint arthrosis."),
    "knee": ("MRI of the knee", "Posterior horn medial meniscus tear; grade 2 chondromalacia."),
    "wrist": ("EMG/NCV of the upper extremities", "Median neuropathy at the wrist, mild to moderate."),
    "hip": ("Pelvis x-rays", "Hip arthroplasty components in satisfactory position."),
    "head": ("CT of the head", "No acute intracranial abnormality."),
    "psyche": ("Psychological testing", "Valid MMPI-2-RF profile."),
    "hypertension": ("Echocardiogram", "Normal LV size, ejection fraction 60%."),
}


EVAL_MMI = [
    "date",
    "as_of_exam",
    "surgical",
    "differs_ptp",
    "plateaued",
    "anticipate",
    "month_only",
    "date",
    "differs_ptp",
    "future_date",
    "as_of_exam",
    "deferred",
    "date",
    "plateaued",
    "differs_ptp",
]
PTP_MMI = ["as_of_exam", "date", "month_only", "plateaued", "date", "as_of_exam", "date", "plateaued"]
SUPP_VARIANTS = ["revised", "affirmed", "appo_only", "revised", "affirmed"]
NOT_REACHED = {"surgical", "anticipate", "future_date", "deferred"}


def build_scenario(rng: random.Random, idx: int, kind: str, layout: str, seed: int, nth: int = 0) -> Scenario:
    """nth: how many reports of the same group came before in this run (spreads the variants)."""
    sid = f"{layout}_{kind}_{idx:03d}"
    rtype = {"panel_qme": "QME", "ame": "AME", "pr4": "PTP", "ptp_narrative": "PTP", "pr2": "PTP"}.get(kind)
    supp = kind == "supplemental"
    if supp:
        rtype = "AME" if (layout == "qa" and rng.random() < 0.6) else "QME"
    scn = Scenario(sid, kind, layout, rtype, supp)
    scn.title = TITLES[(kind, layout)]
    scn.seed = seed
    scn.nth = nth
    scn.dstyle = rng.choice(["mdY", "mdY", "mdY", "long", "dash", "mdy"])
    scn.dstyle2 = rng.choice(DATE_STYLES)
    used_names = set()

    # --- applicant and claim
    sex = rng.choice("MF")
    scn.app = Person(
        rng.choice(pools.FIRST_F if sex == "F" else pools.FIRST_M),
        rng.choice("ABCDEFGJLMRST") if rng.random() < 0.5 else "",
        rng.choice(pools.LAST),
        sex,
    )
    scn.employer, scn.occupation = rng.choice(pools.EMPLOYERS)
    scn.claims_admin = rng.choice(pools.CLAIMS_ADMIN)
    scn.atty_app, scn.atty_def = rng.sample(pools.ATTY_FIRMS, 2)
    spec = _spec_for(rng, kind, layout)
    scn.spec = spec
    scn.mechanism = {"psych": "stress", "im": "stress", "neuro": rng.choice(["struck", "mva", "fall"])}.get(
        spec, rng.choice(["lift", "fall", "ladder", "mva", "repetitive"])
    )

    doi = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randint(0, 6 * 365 + 150))
    injmode = rng.choices(["specific", "ct", "both"], [55, 30, 15])[0]
    if scn.mechanism in ("repetitive", "stress") and injmode == "specific":
        injmode = "ct"
    if scn.mechanism not in ("repetitive", "stress") and injmode == "ct":
        injmode = "specific"
    injuries = []
    if injmode in ("specific", "both"):
        injuries.append(Injury("specific", doi, None))
    if injmode in ("ct", "both"):
        end = doi if injmode == "ct" else doi + dt.timedelta(days=rng.randint(60, 400))
        start = dt.date(end.year - rng.randint(3, 9), rng.randint(1, 12), 1)
        injuries.append(Injury("cumulative", start, end))
    scn.injuries = injuries
    scn.adj = [_adj(rng) for _ in injuries]
    scn.claim_nos = (
        [_claimno(rng)] if rng.random() < 0.75 or len(injuries) == 1 else [_claimno(rng) for _ in injuries]
    )
    last_inj = max(i.end or i.start for i in injuries)
    scn.last_inj = last_inj

    # --- dates
    today_cap = dt.date(2024, 11, 30)
    if kind == "pr2":
        exam = rdate(rng, last_inj + dt.timedelta(days=60), last_inj + dt.timedelta(days=400))
    else:
        exam = rdate(rng, last_inj + dt.timedelta(days=420), last_inj + dt.timedelta(days=1100))
    exam = min(exam, today_cap - dt.timedelta(days=250))
    if supp:
        scn.orig_exam = exam
        scn.orig_report = exam + dt.timedelta(days=rng.randint(10, 40))
        scn.report_date = scn.orig_report + dt.timedelta(days=rng.randint(45, 200))
        scn.exam_date = None
    else:
        scn.exam_date = exam
        lag = {"pr2": (0, 3), "pr4": (0, 10), "ptp_narrative": (1, 12)}.get(kind, (7, 40))
        scn.report_date = exam + dt.timedelta(days=rng.randint(*lag))
    scn.age = (exam - dt.date(exam.year - rng.randint(26, 61), 1, 1)).days // 365
    scn.dob = dt.date(exam.year - scn.age - 1, rng.randint(1, 12), rng.randint(1, 28))
    scn.age = exam.year - scn.dob.year - ((exam.month, exam.day) < (scn.dob.month, scn.dob.day))
    scn.last_worked = (doi + dt.timedelta(days=rng.randint(0, 90))) if rng.random() < 0.7 else None
    scn.ttd = None
    if scn.last_worked and rng.random() < 0.6:
        scn.ttd = (
            scn.last_worked + dt.timedelta(days=1),
            scn.last_worked + dt.timedelta(days=rng.randint(60, 300)),
        )
    scn.traps.add("dob_and_other_dates")

    # --- evaluator
    ev = make_doctor(rng, spec, used_names)
    scn.ev = ev
    city, zp = rng.choice(pools.CITIES)
    scn.city = city
    scn.practice = {
        "name": (
            f"{ev.last} Chiropractic & Rehabilitation"
            if spec == "chiro"
            else f"{rng.choice(['Golden State', 'Pacific', 'Valley', 'Coastal', 'Sierra'])} "
            f"{ {'ortho': 'Orthopaedic Medical Group', 'pmr': 'Spine & Rehabilitation Medicine', 'neuro': 'Neurology Associates', 'psych': 'Psychological Evaluations', 'im': 'Internal Medicine Consultants'}[spec] }"
        ),
        "street": f"{rng.randint(100, 9999)} {rng.choice(pools.STREETS)}, Suite {rng.randint(100, 450)}",
        "city": f"{city}, CA {zp}",
        "phone": f"({rng.randint(209, 951)}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
        "fax": f"({rng.randint(209, 951)}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
    }

    # --- body parts
    scn.digit = rng.choice(["index", "middle", "ring", "little"])
    parts, flags = _parts_for(rng, spec)
    scn.bilateral_hips = bool(flags.get("bilateral_hips"))
    if scn.bilateral_hips:
        flags["hip_variant"] = rng.choice(["thr_fair", "thr_good", "thr_fair"])
    scn.claim_parts = parts
    extra_claimed = []
    if spec in ("ortho", "pmr", "chiro") and rng.random() < 0.4:
        extra_claimed = rng.sample(
            ["psyche", "sleep", "internal (hypertension)", "sexual dysfunction"], k=rng.choice([1, 2])
        )
    scn.extra_claimed = extra_claimed
    scn.surgery = None
    if scn.bilateral_hips:
        scn.surgery = (
            rdate(rng, last_inj + dt.timedelta(days=90), exam - dt.timedelta(days=200)),
            "staged bilateral total hip arthroplasty",
        )
    elif any(k == "knee" for k, _ in parts) and rng.random() < 0.5:
        scn.surgery = (
            rdate(rng, last_inj + dt.timedelta(days=60), exam - dt.timedelta(days=150)),
            "arthroscopic partial medial meniscectomy",
        )

    # --- prior injury (for apportionment)
    scn.prior_injury = None
    if rng.random() < 0.35:
        ev_name, ev_part = rng.choice(PRIOR_EVENTS)
        scn.prior_injury = (last_inj.year - rng.randint(3, 12), ev_name, ev_part)

    # --- MMI
    _draw_mmi(rng, scn)

    # --- own ratings
    scn.ratings = []
    scn.supp_variant = None
    if supp:
        scn.supp_variant = SUPP_VARIANTS[(nth + seed) % len(SUPP_VARIANTS)]
        if scn.supp_variant == "appo_only":
            scn.mmi_status, scn.mmi_date, scn.mmi_variant = "not_stated", None, "not_stated"
    if scn.mmi_status == "reached":
        for key, side in parts:
            scn.ratings.append(_rate(rng, key, side, scn, flags))
        if flags.get("both_sides"):
            k = flags["both_sides"]
            rs = [r for r in scn.ratings if r.key == k]
            if len(rs) == 2 and rng.random() < 0.6:
                rs[1].wpi = rs[0].wpi
                rs[1].detail = [s.replace(rs[0].side, rs[1].side) for s in rs[0].detail]
                rs[1].brief = rs[0].brief
                scn.traps.add("both_sides_equal_values")
            scn.traps.add("both_sides_rated_separately")
        if scn.bilateral_hips:
            scn.traps.update({"both_sides_equal_values", "both_sides_rated_separately"})
            for r in scn.ratings:
                if r.key == "hip":
                    r.force_style = "equal"
        has_head = any(r.key == "head" for r in scn.ratings)
        if spec in ("ortho", "pmr", "chiro") and not has_head and rng.random() < 0.35:
            scn.ratings.append(rate_pain(rng))
        for r in scn.ratings:
            scn.traps.update(r.traps)
    if any("Category IV" in r.brief and r.key == "lumbar" for r in scn.ratings) and scn.surgery is None:
        scn.surgery = (
            rdate(rng, last_inj + dt.timedelta(days=120), exam - dt.timedelta(days=200)),
            "L4-L5 anterior-posterior fusion",
        )
    scn.supp_prior = None
    if supp and scn.supp_variant == "revised" and scn.ratings:
        r = scn.ratings[0]
        old = max(0, r.wpi - rng.choice([2, 3, 4, 5]))
        if old == r.wpi or old == 0:
            old = r.wpi + 2
        scn.supp_prior = (0, old)
        scn.traps.add("revised_own_rating")

    # --- combined
    scn.combine = None
    scn.combined = None
    scn.combine_sentence = ""
    vals = [r.wpi for r in scn.ratings]
    if len(vals) >= 2:
        mode = rng.choices(["cvc", "kite", None], [65, 15, 20])[0]
        if mode == "cvc":
            tot, steps = cvc(vals)
            scn.combine, scn.combined = "cvc", tot
            if rng.random() < 0.5 and steps:
                chain = "; ".join(f"{a}% C {b}% = {c}%" for a, b, c in steps)
                scn.combine_sentence = (
                    f"Using the Combined Values Chart (largest value first): {chain}. "
                    f"The combined whole person impairment is {tot}%."
                )
                scn.traps.add("cvc_intermediate_values")
            else:
                scn.combine_sentence = rng.choice(
                    [
                        f"Combining the above values with the Combined Values Chart yields {tot}% whole person impairment.",
                        f"Per the Combined Values Chart (AMA Guides, p. 604), the combined impairment is {tot}% WPI.",
                    ]
                )
        elif mode == "kite":
            tot = sum(vals)
            scn.combine, scn.combined = "kite", tot
            scn.combine_sentence = (
                f"Because these impairments affect different activities of daily living with no "
                f"overlap and have a synergistic effect, I add rather than combine them "
                f"(Kite): {' + '.join(str(v) + '%' for v in sorted(vals, reverse=True))} = "
                f"{tot}% whole person impairment."
            )
            scn.traps.add("kite_addition")
        else:
            scn.combine_sentence = (
                "The rater will combine the above impairments; I have not combined them myself."
            )
            scn.traps.add("combined_not_stated")
    elif len(vals) == 1 and rng.random() < 0.3:
        scn.combine_sentence = "As only one body part is rated, no combination is required."

    # --- apportionment
    _draw_apportionment(rng, scn)

    # --- restrictions / future medical
    _draw_restrictions(rng, scn)

    # --- other physicians and records
    _draw_cited(rng, scn, used_names)
    _draw_records(rng, scn, used_names)

    # --- PD trap
    scn.pd_sentence = ""
    if scn.ratings and rng.random() < 0.5:
        scn.pd_sentence = (
            f"I note that applicant's counsel has suggested a permanent disability of "
            f"{rng.choice([35, 42, 48, 57])}%; permanent disability is determined by the rating "
            f"schedule, and the figures in this report are whole person impairment, not permanent "
            f"disability."
        )
        scn.traps.add("pd_percentage")
    return scn


def seed_off(scn):
    return (scn.seed * 7) % 97


def _draw_mmi(rng, scn):
    kind = scn.kind
    exam = scn.exam_date or scn.orig_exam
    earliest = scn.last_inj + dt.timedelta(days=200)
    pr = scn.app.pron
    A = f"{scn.app.honor} {scn.app.last}"
    scn.mmi_heading_hint = None
    if kind == "pr2":
        scn.mmi_status, scn.mmi_date = "not_reached", None
        scn.mmi_variant = "pr2_not_ps"
        scn.mmi_sentences = [
            rng.choice(
                [
                    f"The patient is not permanent and stationary. I anticipate P&S status in approximately "
                    f"{rng.choice(['six', 'eight', 'ten'])} weeks, after completion of the current course of treatment.",
                    f"{pr['He']} has not reached MMI; continue the treatment plan outlined above and re-evaluate for P&S status "
                    f"at the next visit.",
                ]
            )
        ]
        scn.traps.add("not_mmi_future")
        return
    planned = None
    if kind in ("panel_qme", "ame"):
        planned = EVAL_MMI[(scn.nth + seed_off(scn)) % len(EVAL_MMI)]
    elif kind in ("pr4", "ptp_narrative"):
        planned = PTP_MMI[(scn.nth + seed_off(scn)) % len(PTP_MMI)]
    if planned in NOT_REACHED:
        v = planned
        scn.mmi_status, scn.mmi_date, scn.mmi_variant = "not_reached", None, v
        if v == "surgical":
            s = [
                "In my opinion the patient is not at MMI; a surgical consultation is recommended.",
                f"Once {pr['he']} has had the consultation and any surgery, I will re-evaluate {pr['him']} for "
                f"permanent and stationary status.",
            ]
        elif v == "anticipate":
            s = [
                f"{A} has not yet reached maximum medical improvement. I anticipate MMI in approximately three to "
                f"four months, after completion of the recommended treatment."
            ]
            scn.mmi_heading_hint = "PERMANENT AND STATIONARY STATUS / MMI"
        elif v == "future_date":
            fut = scn.report_date + dt.timedelta(days=rng.randint(90, 200))
            s = [
                f"{pr['He']} is not permanent and stationary at this time. I anticipate that {pr['he']} will be P&S "
                f"on or about {fd(fut, scn.dstyle)}, and I would re-evaluate {pr['him']} then."
            ]
            scn.traps.add("future_mmi_date")
        else:
            s = [
                f"The determination of MMI status is deferred pending the results of the electrodiagnostic study "
                f"and the orthopaedic surgical consultation requested above; {pr['he']} is not P&S."
            ]
        scn.mmi_sentences = s
        scn.traps.add("not_mmi_future")
        return
    # reached
    vs = ["date", "as_of_exam", "plateaued", "month_only"]
    w = [40, 30, 15, 10]
    if kind in ("panel_qme", "ame"):
        vs.append("differs_ptp")
        w.append(22)
    if scn.supplemental:
        vs, w = ["date", "plateaued"], [70, 30]
    v = planned if planned in vs else rng.choices(vs, w)[0]
    scn.mmi_status = "reached"
    scn.mmi_variant = v
    if v == "as_of_exam":
        scn.mmi_date = exam
        scn.mmi_sentences = [
            rng.choice(
                [
                    f"{A} is permanent and stationary as of the date of this evaluation.",
                    f"In my opinion {pr['he']} has reached maximum medical improvement as of today's examination.",
                    f"{pr['He']} has plateaued and is considered MMI as of the date of this evaluation.",
                ]
            )
        ]
        scn.traps.add("mmi_as_of_exam")
        return
    d = rdate(rng, max(earliest, exam - dt.timedelta(days=240)), exam - dt.timedelta(days=10))
    if v == "month_only":
        d = d.replace(day=1)
        scn.mmi_date = None
        scn.mmi_month = d
        scn.mmi_sentences = [
            rng.choice(
                [
                    f"{A} has been P&S since {month_only(d, 0)}.",
                    f"In my opinion {pr['he']} reached maximum medical improvement in "
                    f"{month_only(d, 1)}, when treatment stopped producing gains.",
                ]
            )
        ]
        scn.traps.add("mmi_month_only")
        return
    scn.mmi_date = d
    ds = fd(d, scn.dstyle)
    if v == "date":
        scn.mmi_sentences = [
            rng.choice(
                [
                    f"In my opinion, {pr['he']} reached maximum medical improvement on {ds}.",
                    f"{A} is permanent and stationary (P&S) as of {ds}.",
                    f"I find that {pr['he']} reached MMI effective {ds}.",
                    f"The applicant became permanent and stationary on {ds}.",
                ]
            )
        ]
    elif v == "plateaued":
        scn.mmi_sentences = [
            f"{pr['His']} condition has plateaued with treatment, and {pr['he']} reached maximal "
            f"medical improvement on {ds}."
        ]
    else:
        scn.mmi_sentences = [
            f"Although the treating physician has not yet declared {pr['him']} P&S, in my opinion "
            f"{pr['he']} reached MMI on {ds}."
        ]
        scn.traps.add("mmi_differs_from_ptp")


def _draw_apportionment(rng, scn):
    scn.appo = []  # truth entries
    scn.appo_sentences = []
    scn.appo_mode = None
    if scn.kind == "pr2" or (
        scn.mmi_status != "reached" and not (scn.supplemental and scn.supp_variant == "appo_only")
    ):
        return
    rated = [r for r in scn.ratings if r.key != "pain"]
    if scn.supplemental and scn.supp_variant == "appo_only":
        rated = [
            type(
                "R",
                (),
                {
                    "key": k,
                    "side": s,
                    "label": (f"{s} {PART_LABEL[k]}" if s else PART_LABEL[k]),
                    "canonical": CANON[k],
                },
            )
            for k, s in scn.claim_parts
        ]
    mode = rng.choices(["none", "overall", "per_part"], [25, 40, 35])[0]
    if len(rated) < 2 and mode == "per_part":
        mode = "overall"
    scn.appo_mode = mode
    psychish = scn.spec in ("psych", "im")
    pairs = [
        (80, 20),
        (90, 10),
        (70, 30),
        (85, 15),
        (75, 25),
        (60, 40),
        (50, 50),
        (65, 35),
        (40, 60),
        (35, 65),
    ]
    styles = ["std", "reversed", "caused_by", "underlying"] + (["prior"] if scn.prior_injury else [])

    def cause_for(style):
        if style == "prior":
            yr, event, _ = scn.prior_injury
            return f"{yr} {event}"
        if scn.spec == "im":
            return rng.choice(
                [
                    "non-industrial constitutional factors (age and body habitus)",
                    "pre-existing non-industrial personal stressors",
                ]
            )
        if psychish:
            return rng.choice(
                [
                    "pre-existing non-industrial personal stressors",
                    "a prior non-industrial depressive episode",
                ]
            )
        return rng.choice(CAUSES[:4])

    if mode == "none":
        scn.appo.append(
            {"body_part": None, "laterality": None, "industrial_pct": 100, "nonindustrial_pct": 0}
        )
        scn.appo_sentences.append(_appo_sentence(rng, "", 100, 0, "", "std"))
        scn.traps.add("apportionment_none")
        return
    if mode == "overall":
        ind, non = rng.choice(pairs)
        st = rng.choice(styles)
        scn.appo.append(
            {"body_part": None, "laterality": None, "industrial_pct": ind, "nonindustrial_pct": non}
        )
        scn.appo_sentences.append(_appo_sentence(rng, "", ind, non, cause_for(st), st))
        scn.traps.add(f"apportionment_{st}")
        return
    for r in rated:
        if rng.random() < 0.25:
            ind, non, st = 100, 0, "std"
        else:
            ind, non = rng.choice(pairs)
            st = rng.choice(styles)
        side = r.side if r.key in SIDED else None
        scn.appo.append(
            {"body_part": r.canonical, "laterality": side, "industrial_pct": ind, "nonindustrial_pct": non}
        )
        scn.appo_sentences.append(_appo_sentence(rng, r.label, ind, non, cause_for(st), st))
        scn.traps.add("apportionment_per_part")
        if ind != 100:
            scn.traps.add(f"apportionment_{st}")


def _draw_restrictions(rng, scn):
    scn.restrictions = []
    scn.future = None
    scn.future_text = ""
    scn.no_restr_sentence = ""
    n = rng.choice([10, 15, 20, 25, 30, 35, 50])
    n2 = rng.choice([v for v in (5, 10, 15, 20) if v < n] or [5])
    m = rng.choice([30, 45, 60])
    if scn.supplemental and scn.supp_variant == "appo_only":
        return
    if scn.kind == "pr2" or scn.mmi_status == "not_reached":
        pool = []
        for k, s in scn.claim_parts:
            pool += [t.format(n=min(n, 20), n2=n2, m=m, side=s or "right") for t in RESTR[k]]
        pool = list(dict.fromkeys(pool))
        scn.restrictions = rng.sample(pool, k=min(len(pool), rng.choice([1, 2, 3])))
        scn.restr_temporary = True
        if scn.kind != "pr2":
            scn.future = None
            scn.future_text = (
                "Future medical care will be addressed when the applicant is permanent and stationary."
            )
        return
    scn.restr_temporary = False
    if scn.spec == "im" and rng.random() < 0.4:
        scn.no_restr_sentence = "No work restrictions are necessary from an internal medicine standpoint."
        scn.traps.add("no_restrictions_sentence")
    else:
        pool = []
        for r in scn.ratings:
            if r.key == "pain":
                continue
            pool += [t.format(n=n, n2=n2, m=m, side=r.side or "right") for t in RESTR[r.key]]
        pool = list(dict.fromkeys(pool))
        scn.restrictions = rng.sample(pool, k=min(len(pool), rng.choice([1, 2, 3, 4])))
    if scn.spec in ("im", "neuro") and len(scn.ratings) == 1 and rng.random() < 0.3:
        scn.future = False
        scn.future_text = "No future medical treatment is indicated for this condition."
        scn.traps.add("future_medical_none")
    else:
        scn.future = True
        items = {
            "ortho": "orthopaedic follow-up, anti-inflammatory medication, physical therapy for flare-ups "
            "(up to 12 visits a year) and, if symptoms worsen, diagnostic imaging and injections",
            "pmr": "physiatry follow-up, medication management, a home exercise program and up to 12 sessions "
            "of physical therapy a year for flare-ups",
            "chiro": "chiropractic manipulative treatment for flare-ups (up to 24 visits per year), "
            "medication and access to an orthopaedic consultation",
            "neuro": "neurological follow-up, prophylactic headache medication and a repeat neuropsychological "
            "assessment if symptoms progress",
            "psych": "psychotherapy (up to 20 sessions), psychiatric medication management and reassessment "
            "if symptoms worsen",
            "im": "internal medicine follow-up every three months, antihypertensive and antacid medication and "
            "laboratory monitoring",
        }[scn.spec]
        scn.future_text = rng.choice(
            [
                f"Future medical care should include {items}.",
                f"The applicant should be provided with future medical treatment, including {items}.",
            ]
        )


def _draw_cited(rng, scn, used):
    """Other physicians whose findings the report summarises."""
    scn.cited = []
    pr = scn.app.pron
    exam = scn.exam_date or scn.orig_exam
    kind = scn.kind
    last = scn.last_inj
    ortho_parts = [(k, s) for k, s in scn.claim_parts]
    if scn.spec in ("psych", "im", "neuro"):
        # the treating physician is usually an orthopaedist/chiropractor for the physical claim
        ortho_parts = [("lumbar", None)] + (
            [("shoulder", rng.choice(["right", "left"]))] if rng.random() < 0.5 else []
        )

    def imps_for(parts, base_ratings=None):
        out = []
        for k, s in parts:
            if k in ("psyche", "sleep", "hypertension", "gi", "brain"):
                out.append(CitedImp(k, s, rng.randint(3, 15)))
                continue
            if k == "head":
                out.append(CitedImp(k, None, rng.choice([1, 2, 3])))
                continue
            if k in UE and rng.random() < 0.5:
                uei = rng.choice([5, 8, 10, 12, 15, 18])
                out.append(CitedImp(k, s, ue_to_wpi(uei), uei))
                continue
            w = rng.choice([2, 3, 4, 5, 6, 7, 8, 10, 12, 13])
            out.append(CitedImp(k, s, w))
        return out

    def appo_for(parts, mode=None):
        mode = mode or rng.choice(["none", "overall", "overall", "per", None])
        if mode is None:
            return []
        if mode == "none":
            return [(None, None, 100, 0, "", 0)]
        if mode == "overall" or len(parts) < 2:
            i, n = rng.choice([(90, 10), (80, 20), (75, 25), (50, 50), (70, 30)])
            return [(None, None, i, n, rng.choice(CAUSES[:4]), rng.choice([0, 1]))]
        out = []
        for k, s in parts:
            if k == "pain":
                continue
            i, n = rng.choice([(90, 10), (80, 20), (100, 0), (60, 40)])
            out.append((k, s, i, n, rng.choice(CAUSES[:4]), rng.choice([0, 1])))
        return out

    def add(role, role_text, spec_key, title, rep_date, mmi, imps, appo, extra=None):
        d = make_doctor(rng, spec_key, used)
        c = Cited(d, role, role_text, rep_date, title, mmi, imps, appo, extra or [])
        scn.cited.append(c)
        return c

    ptp_spec = rng.choice(["chiro", "ortho", "pmr"])
    if scn.supplemental:
        # the records reviewed in a supplemental report are new: after the earlier report
        last = scn.orig_report - dt.timedelta(days=140)
        exam = scn.report_date
    if kind in ("panel_qme", "ame", "supplemental"):
        rep = rdate(rng, last + dt.timedelta(days=150), exam - dt.timedelta(days=20))
        if scn.mmi_variant == "differs_ptp" or (scn.mmi_status == "reached" and rng.random() < 0.25):
            mmi = ("not_reached", None)
            add(
                "PTP",
                "primary treating physician",
                ptp_spec,
                "Primary Treating Physician's Progress Report (PR-2)",
                rep,
                mmi,
                [],
                [],
                ["Continue physical therapy; modified duty with no lifting over 10 pounds."],
            )
            scn.traps.add("cited_restrictions")
        else:
            pm = rdate(rng, rep - dt.timedelta(days=60), rep)
            mmi = ("reached", pm) if rng.random() < 0.85 else ("reached", None)
            add(
                "PTP",
                "primary treating physician",
                ptp_spec,
                "Primary Treating Physician's Permanent and Stationary Report (PR-4)",
                rep,
                mmi,
                imps_for(ortho_parts),
                appo_for(ortho_parts),
            )
        if (kind == "ame" and rng.random() < 0.75) or (kind == "supplemental" and rng.random() < 0.4):
            rep2 = rdate(rng, last + dt.timedelta(days=200), exam - dt.timedelta(days=30))
            if rng.random() < 0.8:
                mmi = ("reached", rdate(rng, rep2 - dt.timedelta(days=90), rep2 - dt.timedelta(days=10)))
                add(
                    "QME",
                    "panel Qualified Medical Evaluator",
                    scn.spec if scn.spec != "chiro" else "ortho",
                    "Panel Qualified Medical Evaluation",
                    rep2,
                    mmi,
                    imps_for(scn.claim_parts),
                    appo_for(scn.claim_parts),
                )
            else:
                add(
                    "QME",
                    "panel Qualified Medical Evaluator",
                    scn.spec if scn.spec != "chiro" else "ortho",
                    "Panel Qualified Medical Evaluation",
                    rep2,
                    ("not_reached", None),
                    [],
                    [],
                )
        if kind in ("panel_qme", "ame") and rng.random() < 0.3:
            rep3 = rdate(rng, last + dt.timedelta(days=100), exam - dt.timedelta(days=15))
            add(
                "IME",
                "defense independent medical examiner",
                "ortho" if scn.spec not in ("psych", "im") else scn.spec,
                "Independent Medical Examination (defense)",
                rep3,
                ("reached", rdate(rng, rep3 - dt.timedelta(days=60), rep3)),
                imps_for(ortho_parts[:1]),
                appo_for(ortho_parts[:1], "overall"),
            )
        if rng.random() < 0.3:
            rep4 = rdate(rng, last + dt.timedelta(days=60), exam - dt.timedelta(days=15))
            add(
                "treating",
                "pain management physician (secondary treating physician)",
                "pmr",
                "Pain management consultation",
                rep4,
                ("not_reached", None),
                [],
                [],
                ["Lumbar epidural steroid injection requested."],
            )
    elif kind in ("pr4", "ptp_narrative", "pr2"):
        p_qme = 1.0 if (kind == "pr4" and scn.layout == "chiro") else (0.55 if kind != "pr2" else 0.4)
        if rng.random() < p_qme:
            rep2 = rdate(rng, last + dt.timedelta(days=120), exam - dt.timedelta(days=20))
            if kind == "pr2" or rng.random() < 0.35:
                add(
                    "QME",
                    "panel QME",
                    scn.spec if scn.spec != "chiro" else "ortho",
                    "Panel Qualified Medical Evaluation",
                    rep2,
                    ("not_reached", None),
                    [],
                    [],
                    ["The panel QME recommended additional chiropractic care and a home exercise program."],
                )
            else:
                mmi = ("reached", rdate(rng, rep2 - dt.timedelta(days=60), rep2 - dt.timedelta(days=5)))
                add(
                    "QME",
                    "panel QME",
                    "ortho",
                    "Panel Qualified Medical Evaluation",
                    rep2,
                    mmi,
                    imps_for(scn.claim_parts),
                    appo_for(scn.claim_parts),
                    [
                        f"The QME recommended permanent restrictions of no lifting over {rng.choice([20, 30, 40])} pounds."
                    ],
                )
                scn.traps.add("cited_restrictions")
        if kind != "pr2" and rng.random() < 0.25:
            rep3 = rdate(rng, last + dt.timedelta(days=100), exam - dt.timedelta(days=15))
            add(
                "IME",
                "defense medical examiner",
                "ortho",
                "Defense medical examination",
                rep3,
                ("reached", rdate(rng, rep3 - dt.timedelta(days=40), rep3)),
                imps_for(scn.claim_parts[:1]),
                [],
            )
    for c in scn.cited:
        c.body = build_cited_body(rng, c, pr, rng.choice([scn.dstyle, scn.dstyle2]))
        if c.mmi or c.imps or c.appo:
            scn.traps.add("records_other_mmi_wpi")
        if c.imps and any(i.uei for i in c.imps):
            scn.traps.add("cited_uei_conversion")


def _draw_records(rng, scn, used):
    """Records for the review section: the cited physicians' reports plus a shuffled pool of others
    (imaging, therapy, forms...).  The layouts take as many of the pool as the length level asks."""
    exam = scn.exam_date or (scn.report_date - dt.timedelta(days=14))
    last = scn.last_inj
    first_inj = min(i.start for i in scn.injuries)
    recs = []
    for c in scn.cited:
        recs.append(RecordEntry(c.report_date, c.doctor.name, c.doc_title, c.body, c))
    scn.cited_records = recs
    pool = []  # (title, source, body, trap)
    for k, s in scn.claim_parts:
        if k in STUDY_NOISE:
            t, b = STUDY_NOISE[k]
            if k in SIDED:
                t = t.replace("the ", f"the {s} ")
            pool.append((t, rng.choice(pools.RADIOLOGY), b, None))
    psy = make_doctor(rng, "psych", used)
    ortho = make_doctor(rng, "ortho", used)
    acu = f"{rng.choice(pools.DOC_FIRST)} {rng.choice(pools.DOC_LAST)}, L.Ac."
    ur_name = rng.choice(["Keystone UR Services", "Medreview Partners"])
    pt = rng.choice(["Valley Physical Therapy", "Core Motion PT", "Summit Rehab Services"])
    fmt = dict(
        tx=rng.choice(["lumbar epidural steroid injection", "MRI arthrogram", "acupuncture (6 visits)"]),
        pages=rng.randint(40, 120),
        pd=rng.randint(12, 38),
        gaf=rng.randint(55, 65),
    )
    for t, src, b in NOISE:
        trap = None
        if t == "Summary Rating Determination":
            if not any(c.imps for c in scn.cited):
                continue
            trap = "pd_percentage"
        if t == "Psychological consultation":
            trap = "gaf_score"
        src = src.format(pt=pt, ur=ur_name, atty=scn.atty_app, psy=psy.name)
        pool.append((t, src, b.format(**fmt), trap))
    for j in range(rng.randint(12, 30)):
        if j % 6 == 2:
            odi = rng.choice([28, 34, 38, 42, 46, 52])
            pool.append(
                (
                    "Physical therapy re-evaluation",
                    pt,
                    f"Oswestry Disability Index {odi}%. Strength 4/5 in the involved extremity. Goals partially "
                    f"met; continue two times a week.",
                    "odi_percent",
                )
            )
        else:
            pool.append(("Physical therapy note", pt, filler.pt_body(rng), None))
    for j in range(rng.randint(4, 12)):
        pool.append(
            (
                "Acupuncture treatment note",
                acu,
                rng.choice(
                    [
                        "Electro-acupuncture to the involved region, 30 minutes; tolerated well.",
                        "Acupuncture with cupping; patient reports 20% temporary relief.",
                        "Treatment 6 of 12. Symptoms slowly improving.",
                    ]
                ),
                "relief_percent",
            )
        )
    pool.append(
        (
            "Orthopaedic surgical consultation",
            ortho.name,
            rng.choice(
                [
                    "Reviewed imaging. Not a surgical candidate at this time; continue conservative care.",
                    "Discussed surgical and non-surgical options; the patient prefers to avoid surgery for now.",
                ]
            ),
            None,
        )
    )
    pool.append(
        (
            "Emergency department record",
            "Community Hospital Emergency Department",
            "Seen on the day of the injury; x-rays negative for fracture; discharged with a sling/brace and "
            "instructions.",
            None,
        )
    )
    pool.append(
        ("Prescription log", "Pharmacy", "Naproxen 550 mg, cyclobenzaprine 7.5 mg, omeprazole 20 mg.", None)
    )
    pool.append(
        ("Wage statement", "Employer", f"Average weekly earnings ${rng.randint(600, 1400)}.00.", None)
    )
    if scn.prior_injury:
        yr, ev, part = scn.prior_injury
        pool.append(
            (
                "Prior non-industrial medical records",
                rng.choice(["Kaiser Permanente", "Family Medical Clinic"]),
                f"Records from {yr} document treatment of the {part} after a {ev}; x-rays showed "
                f"{rng.choice(['mild degenerative changes', 'no fracture', 'early spondylosis'])}.",
                None,
            )
        )
    rng.shuffle(pool)
    ptp = next((c for c in scn.cited if c.role == "PTP"), None)
    if ptp is not None:
        for j in range(rng.randint(8, 24)):
            pool.insert(
                rng.randint(0, len(pool)), ("Progress note", ptp.doctor.name, filler.progress_body(rng), None)
            )
    else:
        other = make_doctor(rng, rng.choice(["ortho", "pmr"]), used)
        for j in range(rng.randint(6, 18)):
            pool.insert(
                rng.randint(0, len(pool)),
                ("Secondary treating physician note", other.name, filler.progress_body(rng), None),
            )
    scn.noise_pool = []
    # treatment starts when the injury is reported: the specific date, or the end of a CT period
    anchor = min(i.start if i.type == "specific" else i.end for i in scn.injuries)
    early = {
        "Employee's Claim for Workers' Compensation Benefits (DWC-1)": (1, 20),
        "Employer's First Report of Occupational Injury (Form 5020)": (1, 10),
        "Urgent care record": (1, 3),
        "Emergency department record": (0, 0),
    }
    for t, src, b, trap in pool:
        if t in early:
            a, z = early[t]
            d = anchor + dt.timedelta(days=rng.randint(a, z))
        elif t == "Prior non-industrial medical records":
            d = dt.date(scn.prior_injury[0], rng.randint(1, 12), rng.randint(1, 28))
        elif t == "Letter":
            d = exam - dt.timedelta(days=rng.randint(20, 60))
        else:
            d = rdate(rng, anchor + dt.timedelta(days=14), exam - dt.timedelta(days=7))
        scn.noise_pool.append(RecordEntry(d, src, t, b, None, trap))
