"""The facts of one synthetic case, drawn from a seeded random generator: the single source of truth."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sample_reports.corpus import names

KINDS = ("panel_qme", "ame", "pr4", "ptp_narrative", "pr2", "supplemental")
ID_PREFIX = {
    "panel_qme": "qme",
    "ame": "ame",
    "pr4": "pr4",
    "ptp_narrative": "ptp",
    "pr2": "pr2",
    "supplemental": "sup",
}
#: Kind of each report in turn; 48 reports give 13 QME, 8 AME, 7 PR-4, 7 narrative, 7 PR-2, 6 supplemental.
KIND_CYCLE = (
    "panel_qme",
    "pr4",
    "ame",
    "ptp_narrative",
    "pr2",
    "supplemental",
    "panel_qme",
    "ame",
    "pr4",
    "panel_qme",
    "ptp_narrative",
    "pr2",
    "supplemental",
    "panel_qme",
    "ame",
    "pr4",
)

MMI_CYCLE = {
    "panel_qme": ("exam", "date", "not_reached", "exam", "month", "date", "exam", "not_reached", "date"),
    "ame": ("exam", "not_reached", "date", "exam", "month", "date", "exam"),
    "pr4": ("exam", "date", "month", "exam", "date"),
    "ptp_narrative": ("date", "exam", "exam", "month", "date"),
    "pr2": ("not_reached", "not_reached_future", "not_stated", "not_reached", "not_reached_future"),
    "supplemental": ("restate", "revised", "not_stated", "restate", "not_reached", "revised"),
}


def round_half_up(x: float) -> int:
    """Round as the Guides do (0.5 goes up), not banker's rounding."""
    return int(x + 0.5)


def combine(values: list[int]) -> int:
    """Combined Values Chart: A + B(1 - A), largest first, rounded at each step."""
    vals = sorted((v for v in values if v > 0), reverse=True)
    if not vals:
        return 0
    total = vals[0]
    for v in vals[1:]:
        total = round_half_up(total + v * (100 - total) / 100)
    return total


@dataclass
class Person:
    """The injured worker."""

    first: str
    last: str
    sex: str
    dob: date

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def title(self) -> str:
        return f"{'Mr.' if self.sex == 'M' else 'Ms.'} {self.last}"

    @property
    def he(self) -> str:
        return "he" if self.sex == "M" else "she"

    @property
    def his(self) -> str:
        return "his" if self.sex == "M" else "her"

    @property
    def him(self) -> str:
        return "him" if self.sex == "M" else "her"


@dataclass
class Doctor:
    """A physician (the evaluator or another doctor quoted in the report)."""

    first: str
    middle: str | None
    last: str
    degree: str
    specialty: str

    @property
    def name(self) -> str:
        mid = f" {self.middle}." if self.middle else ""
        return f"{self.first}{mid} {self.last}, {self.degree}"

    @property
    def dr(self) -> str:
        return f"Dr. {self.last}"


@dataclass
class Injury:
    """One date of injury (specific) or cumulative-trauma period."""

    type: str
    start: date
    end: date | None
    adj: str
    claim: str


@dataclass
class Rating:
    """This evaluator's final WPI for one body part, with how it was reached."""

    key: str
    body_part: str
    laterality: str | None
    wpi: int
    label: str
    method: str
    details: dict[str, object] = field(default_factory=dict)


@dataclass
class Apportionment:
    """Industrial share of the permanent disability, per body part (label set) or overall."""

    body_part: str | None
    laterality: str | None
    label: str | None
    industrial: int
    cause: str
    #: For apportionment between two injuries: the specific injury's share and the CT's share.
    split: tuple[int, int] | None = None


@dataclass
class Case:
    """Everything one report says, and what the truth file records."""

    id: str
    kind: str
    seed: int
    applicant: Person
    employer: str
    occupation: str
    job_duties: str
    insurer: str
    injuries: list[Injury]
    evaluator: Doctor
    ptp: Doctor
    other_doctors: list[Doctor]
    exam_date: date | None
    report_date: date
    prior_report_date: date | None
    parts: list[str]
    side: dict[str, str | None]
    mmi_status: str
    mmi_variant: str
    mmi_date: date | None
    mmi_month: date | None
    ratings: list[Rating]
    combined: int | None
    combine_method: str | None
    apportionment: list[Apportionment]
    apport_mode: str
    restrictions: list[str]
    future_medical: bool | None
    pages_target: int
    traps: list[str] = field(default_factory=list)
    #: Other physicians' findings the report quotes (record review, history): the truth's cited_findings.
    cited: list[dict[str, object]] = field(default_factory=list)
    #: Sided body parts injured (and rated separately) on both sides.
    both: list[str] = field(default_factory=list)
    #: The date the evaluator examined the applicant (for a supplemental report: the earlier exam).
    seen: date | None = None

    @property
    def report_type(self) -> str:
        if self.kind == "panel_qme":
            return "QME"
        if self.kind == "ame":
            return "AME"
        if self.kind == "supplemental":
            return str(self.extra_type)
        return "PTP"

    extra_type: str = "QME"

    @property
    def case_numbers(self) -> list[str]:
        return list(dict.fromkeys(i.adj for i in self.injuries))

    @property
    def claim_numbers(self) -> list[str]:
        return list(dict.fromkeys(i.claim for i in self.injuries))


# --- body parts ---------------------------------------------------------------------------------

SPECIALTIES: dict[str, tuple[list[str], list[str]]] = {
    # specialty: (degrees, body-part keys it rates)
    "Orthopaedic Surgery": (
        ["M.D.", "M.D.", "D.O."],
        ["cervical", "thoracic", "lumbar", "shoulder", "elbow", "wrist", "knee", "hip", "ankle", "thumb"],
    ),
    "Physical Medicine and Rehabilitation": (
        ["M.D.", "D.O."],
        ["cervical", "lumbar", "shoulder", "knee", "wrist", "hip"],
    ),
    "Chiropractic": (["D.C."], ["cervical", "thoracic", "lumbar"]),
    "Hand Surgery": (["M.D."], ["wrist", "hand", "thumb", "elbow"]),
    "Internal Medicine": (["M.D.", "D.O."], ["hypertension", "gerd", "sleep", "sexual"]),
    "Psychiatry": (["M.D."], ["psyche"]),
    "Psychology": (["Ph.D.", "Psy.D."], ["psyche"]),
    "Neurology": (["M.D."], ["head", "cervical", "sleep"]),
    "Pain Medicine": (["M.D."], ["lumbar", "cervical", "knee", "shoulder"]),
}

SIDED = {"shoulder", "elbow", "wrist", "hand", "thumb", "knee", "hip", "ankle"}
CANONICAL = {
    "cervical": "cervical spine",
    "thoracic": "thoracic spine",
    "lumbar": "lumbar spine",
    "shoulder": "shoulder",
    "elbow": "elbow",
    "wrist": "wrist",
    "hand": "hand",
    "thumb": "thumb",
    "knee": "knee",
    "hip": "hip",
    "ankle": "ankle",
    "psyche": "psyche",
    "sleep": "sleep",
    "head": "head",
    "hypertension": "hypertension",
    "gerd": "gastrointestinal",
    "sexual": "sexual function",
    "pain": "pain",
}
LABELS = {
    "cervical": ["cervical spine", "neck", "C-spine"],
    "thoracic": ["thoracic spine", "mid back", "thoracic spine"],
    "lumbar": ["lumbar spine", "low back", "lumbosacral spine", "lumbar spine"],
    "shoulder": ["shoulder"],
    "elbow": ["elbow"],
    "wrist": ["wrist"],
    "hand": ["hand"],
    "thumb": ["thumb"],
    "knee": ["knee"],
    "hip": ["hip"],
    "ankle": ["ankle"],
    "psyche": ["psyche", "psychiatric condition", "psyche"],
    "sleep": ["sleep disorder", "sleep arousal disorder", "insomnia"],
    "head": ["headaches", "post-traumatic headaches"],
    "hypertension": ["hypertension", "hypertensive cardiovascular disease"],
    "gerd": ["GERD", "gastroesophageal reflux disease", "gastrointestinal system (GERD)"],
    "sexual": ["sexual dysfunction", "erectile dysfunction"],
    "pain": ["pain"],
}
DRE = {
    # key: (table, [(category, lo, hi)])
    "cervical": ("Table 15-5", [("II", 5, 8), ("III", 15, 18), ("IV", 25, 28)]),
    "thoracic": ("Table 15-4", [("II", 5, 8), ("III", 15, 18)]),
    "lumbar": ("Table 15-3", [("II", 5, 8), ("III", 10, 13), ("IV", 20, 23)]),
}
GAF_WPI = {
    50: 30,
    51: 29,
    52: 27,
    53: 25,
    54: 23,
    55: 21,
    56: 20,
    57: 18,
    58: 17,
    59: 16,
    60: 15,
    61: 13,
    62: 12,
    63: 11,
    64: 10,
    65: 8,
    66: 7,
    67: 6,
    68: 5,
}
RESTRICTIONS = {
    "cervical": [
        "No repetitive neck flexion, extension or rotation.",
        "No work above shoulder level.",
        "No lifting over 20 pounds.",
        "Avoid prolonged fixed positioning of the neck for more than 30 minutes at a time.",
    ],
    "thoracic": ["No lifting over 30 pounds.", "No repetitive twisting of the trunk."],
    "lumbar": [
        "No lifting over 25 pounds.",
        "No repetitive bending or stooping.",
        "No prolonged sitting for more than 45 minutes without a five-minute break.",
        "No heavy lifting.",
        "Precluded from heavy lifting, repetitive bending and stooping.",
        "No prolonged standing or walking for more than one hour at a time.",
        "No lifting, pushing or pulling over 35 pounds.",
    ],
    "shoulder": [
        "No overhead work with the {side} upper extremity.",
        "No lifting above shoulder level.",
        "No pushing or pulling over 30 pounds with the {side} arm.",
        "No repetitive reaching away from the body with the {side} upper extremity.",
    ],
    "elbow": [
        "No forceful gripping or torquing with the {side} upper extremity.",
        "No repetitive forearm rotation.",
    ],
    "wrist": [
        "No forceful gripping or grasping with the {side} hand.",
        "No repetitive fine manipulation for more than 30 minutes per hour.",
        "No use of vibratory tools.",
        "No keyboarding for more than 40 minutes without a 10-minute break.",
    ],
    "hand": ["No forceful gripping or grasping with the {side} hand.", "No use of vibratory tools."],
    "thumb": ["No repetitive pinching with the {side} thumb.", "No forceful gripping with the {side} hand."],
    "knee": [
        "No squatting or kneeling.",
        "Limited to semi-sedentary work.",
        "No climbing ladders.",
        "No walking on uneven ground.",
        "No running or jumping.",
        "No standing or walking more than four hours per shift.",
    ],
    "hip": ["No climbing.", "No prolonged walking over 30 minutes at a time.", "No squatting."],
    "ankle": [
        "No walking on uneven terrain.",
        "No climbing ladders.",
        "No prolonged standing over 2 hours at a time.",
    ],
    "psyche": [
        "No work with the prior supervisor.",
        "Should avoid high-stress, time-pressured work.",
        "No work requiring the carrying of a firearm.",
    ],
    "sleep": ["No work at unprotected heights.", "No operation of heavy machinery when drowsy."],
    "head": ["No work at unprotected heights.", "No exposure to loud noise or flashing lights."],
    "hypertension": ["No exposure to extreme heat.", "No very heavy exertional work."],
    "gerd": ["Regular meal breaks should be allowed."],
    "sexual": [],
}
DIAGNOSES = {
    "cervical": [
        "Cervical strain with C5-C6 disc protrusion",
        "Cervical degenerative disc disease, C5-C6 and C6-C7",
        "Cervical radiculopathy, C6",
    ],
    "thoracic": ["Thoracic strain", "Thoracic spondylosis"],
    "lumbar": [
        "Lumbar strain with 4 mm disc protrusion at L4-L5",
        "Lumbar degenerative disc disease, L4-L5 and L5-S1",
        "Lumbar radiculopathy, L5",
        "Status post L4-L5 microdiscectomy",
    ],
    "shoulder": [
        "{Side} shoulder impingement syndrome",
        "{Side} shoulder partial-thickness rotator cuff tear, status post arthroscopic subacromial decompression",
        "{Side} shoulder adhesive capsulitis",
    ],
    "elbow": ["{Side} lateral epicondylitis", "{Side} cubital tunnel syndrome"],
    "wrist": [
        "{Side} carpal tunnel syndrome",
        "{Side} wrist sprain with TFCC tear",
        "{Side} de Quervain's tenosynovitis",
    ],
    "hand": ["{Side} hand crush injury", "{Side} trigger finger, ring finger"],
    "thumb": ["{Side} thumb CMC joint arthrosis", "{Side} thumb ulnar collateral ligament injury"],
    "knee": [
        "{Side} knee medial meniscus tear, status post partial meniscectomy",
        "{Side} knee chondromalacia patella",
        "{Side} knee sprain with tricompartmental osteoarthritis",
    ],
    "hip": ["{Side} hip trochanteric bursitis", "{Side} hip labral tear"],
    "ankle": ["{Side} ankle sprain with residual instability", "{Side} ankle fracture, status post ORIF"],
    "psyche": [
        "Major depressive disorder, single episode, moderate",
        "Adjustment disorder with mixed anxiety and depressed mood",
        "Generalized anxiety disorder",
    ],
    "sleep": ["Sleep disorder (insomnia type) secondary to pain and depression"],
    "head": ["Post-traumatic headaches", "Cervicogenic headaches"],
    "hypertension": ["Hypertension, aggravated by industrial stress", "Hypertensive cardiovascular disease"],
    "gerd": ["Gastroesophageal reflux disease secondary to NSAID use", "GERD, industrially aggravated"],
    "sexual": ["Erectile dysfunction secondary to chronic pain and medication"],
}
PROCEDURES = {
    "cervical": "anterior cervical discectomy and fusion at C5-C6",
    "thoracic": "thoracic epidural steroid injection",
    "lumbar": "L4-L5 microdiscectomy",
    "shoulder": "arthroscopic subacromial decompression",
    "elbow": "lateral epicondyle release",
    "wrist": "carpal tunnel release",
    "hand": "trigger finger release",
    "thumb": "CMC arthroplasty",
    "knee": "arthroscopic partial medial meniscectomy",
    "hip": "hip arthroscopy",
    "ankle": "open reduction and internal fixation",
}
CAUSES = [
    "pre-existing degenerative disc disease",
    "age-related degenerative changes",
    "pre-existing osteoarthritis",
    "the natural progression of a pre-existing condition",
    "a prior nonindustrial motor vehicle accident",
    "obesity and deconditioning",
    "a prior sports injury",
    "congenital factors",
    "genetic predisposition",
]
PSYCH_CAUSES = [
    "marital and financial stressors",
    "a prior depressive episode",
    "the death of a family member",
    "pre-existing personality factors",
]


def _pick_doctor(rng: random.Random, specialty: str, used: set[str]) -> Doctor:
    degrees = SPECIALTIES.get(specialty, (["M.D."], []))[0]
    while True:
        last = rng.choice(names.DOCTOR_LAST)
        if last not in used:
            used.add(last)
            break
    middle = rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < 0.4 else None
    return Doctor(rng.choice(names.DOCTOR_FIRST), middle, last, rng.choice(degrees), specialty)


def _adj(rng: random.Random) -> str:
    return "ADJ" + str(
        rng.randint(1000000, 99999999) if rng.random() < 0.3 else rng.randint(7000000, 19999999)
    ).zfill(7)


def _claim(rng: random.Random) -> str:
    f = rng.randrange(6)
    if f == 0:
        return f"{rng.randint(1, 99):02d}-{rng.randint(10000, 99999)}-{rng.randint(100, 999)}"
    if f == 1:
        return f"WC{rng.randint(1000000, 9999999)}"
    if f == 2:
        return f"{rng.randint(1000, 9999)}{rng.choice('ABCDEFGHJK')}{rng.randint(100000, 999999)}"
    if f == 3:
        return f"0{rng.randint(1000000000, 9999999999)}"
    if f == 4:
        return f"CA{rng.randint(10, 99)}-{rng.randint(100000, 999999)}-{rng.choice(['01', '02', 'WC'])}"
    return f"{rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10000, 99999)}"


def _rand_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _rate(rng: random.Random, key: str, side: str | None, traps: list[str]) -> Rating:
    """This evaluator's rating of one body part, choosing a method the way evaluators do."""
    canonical = CANONICAL[key]
    label = rng.choice(LABELS[key])
    if side == "bilateral":
        label = rng.choice([f"bilateral {label}s", f"bilateral {label}s", f"{label}s, bilaterally"])
    elif side:
        label = f"{side} {label}"
    if key in DRE:
        table, cats = DRE[key]
        cat, lo, hi = rng.choice(cats[:2]) if rng.random() < 0.85 else cats[-1]
        dre = rng.randint(lo, hi)
        r = rng.random()
        if r < 0.28:
            rom = max(1, dre + rng.choice([-3, -2, 2, 3, 4, 5]))
            adopt = rng.choice(["DRE", "ROM"])
            traps.append("dre_vs_rom")
            return Rating(
                key,
                canonical,
                None,
                dre if adopt == "DRE" else rom,
                label,
                "dre_rom",
                {"table": table, "cat": cat, "lo": lo, "hi": hi, "dre": dre, "rom": rom, "adopt": adopt},
            )
        if r < 0.5:
            strict = dre
            alt = min(hi + rng.randint(3, 8), 35)
            adopt_alt = rng.random() < 0.6
            traps.append("almaraz_guzman")
            return Rating(
                key,
                canonical,
                None,
                alt if adopt_alt else strict,
                label,
                "almaraz",
                {
                    "table": table,
                    "cat": cat,
                    "lo": lo,
                    "hi": hi,
                    "strict": strict,
                    "alt": alt,
                    "adopt_alt": adopt_alt,
                },
            )
        traps.append("dre_range")
        return Rating(
            key, canonical, None, dre, label, "dre", {"table": table, "cat": cat, "lo": lo, "hi": hi}
        )
    if key in {"shoulder", "elbow", "wrist", "hand"}:
        uei = rng.choice([3, 4, 5, 6, 7, 9, 10, 12, 14, 16, 18, 20, 23])
        wpi = round_half_up(uei * 0.6)
        figs = {
            "shoulder": "Figures 16-40, 16-43 and 16-46",
            "elbow": "Figures 16-34 and 16-37",
            "wrist": "Figures 16-28 and 16-31",
            "hand": "Table 16-15",
        }[key]
        if key == "wrist" and rng.random() < 0.4:
            figs = "Table 16-15 and Table 16-10 (entrapment neuropathy)"
        traps.append("uei_conversion")
        return Rating(
            key, canonical, side, wpi, label, "uei", {"uei": uei, "figs": figs, "table": "Table 16-3"}
        )
    if key == "thumb":
        digit = rng.choice([10, 15, 20, 25, 30, 40])
        hand = round_half_up(digit * 0.4)
        ue = round_half_up(hand * 0.9)
        wpi = round_half_up(ue * 0.6)
        traps.append("digit_conversion")
        return Rating(key, canonical, side, wpi, label, "digit", {"digit": digit, "hand": hand, "ue": ue})
    if key in {"knee", "hip", "ankle"}:
        if key == "knee" and rng.random() < 0.4:
            dx, lei, wpi = rng.choice(
                [
                    ("partial medial meniscectomy", 5, 2),
                    ("partial medial and lateral meniscectomy", 10, 4),
                    ("mild cruciate ligament laxity", 7, 3),
                    ("total knee replacement with a good result", 37, 15),
                ]
            )
            if rng.random() < 0.3:
                alt = wpi + rng.randint(3, 6)
                traps.append("almaraz_guzman")
                return Rating(
                    key,
                    canonical,
                    side,
                    alt,
                    label,
                    "almaraz",
                    {
                        "table": "Table 17-33",
                        "dbe": dx,
                        "lei": lei,
                        "strict": wpi,
                        "alt": alt,
                        "adopt_alt": True,
                    },
                )
            traps.append("lei_conversion")
            return Rating(
                key, canonical, side, wpi, label, "dbe", {"table": "Table 17-33", "dbe": dx, "lei": lei}
            )
        lei = rng.choice([5, 7, 10, 12, 15, 20, 25])
        wpi = round_half_up(lei * 0.4)
        table = {"knee": "Table 17-10", "hip": "Table 17-9", "ankle": "Table 17-11"}[key]
        traps.append("lei_conversion")
        return Rating(key, canonical, side, wpi, label, "lei", {"lei": lei, "table": table})
    if key == "psyche":
        gaf = rng.choice(sorted(GAF_WPI))
        traps.append("gaf_score")
        return Rating(key, canonical, None, GAF_WPI[gaf], label, "gaf", {"gaf": gaf})
    classes = {
        "hypertension": ("Table 4-2", [("1", 0, 9), ("2", 10, 29)]),
        "gerd": ("Table 6-3", [("1", 0, 9), ("2", 10, 29)]),
        "sleep": ("Table 13-4", [("1", 1, 9), ("2", 10, 29)]),
        "head": ("Table 13-2", [("1", 1, 14)]),
        "sexual": ("Table 7-5", [("1", 1, 10), ("2", 11, 19)]),
    }
    table, opts = classes[key]
    cls, lo, hi = opts[0] if rng.random() < 0.75 else opts[-1]
    wpi = rng.randint(max(lo, 1), min(hi, lo + 8))
    return Rating(key, canonical, None, wpi, label, "class", {"table": table, "cls": cls, "lo": lo, "hi": hi})


def _restrictions(rng: random.Random, parts: list[str], side: dict[str, str | None]) -> list[str]:
    out: list[str] = []
    for key in parts:
        pool = RESTRICTIONS.get(key, [])
        if not pool:
            continue
        s = side.get(key)
        word = {"left": "left", "right": "right", "bilateral": "either"}.get(s or "", "affected")
        for r in rng.sample(pool, k=min(len(pool), rng.randint(1, 3))):
            text = r.format(side=word)
            if text not in out and not (("lifting over" in text) and any("lifting over" in o for o in out)):
                out.append(text)
    return out[:6]


def draw_applicant(rng: random.Random, sex: str, born_from: int, born_to: int) -> Person:
    """An injured worker's name and date of birth, drawn from the name lists."""
    first = rng.choice(names.FIRST_MALE if sex == "M" else names.FIRST_FEMALE)
    return Person(
        first,
        rng.choice(names.LAST),
        sex,
        date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28)),
    )


def make_case(kind: str, index: int, seed: int) -> Case:
    """Draw the facts of report number `index` (1-based) of the given kind."""
    rng = random.Random(f"{seed}:{index}:{kind}")
    traps: list[str] = []
    sex = rng.choice("MF")
    applicant = draw_applicant(rng, sex, 1958, 1996)
    occupation, duties = rng.choice(names.OCCUPATIONS)
    used: set[str] = set()

    if kind in ("pr4", "ptp_narrative", "pr2"):
        specialty = rng.choice(
            ["Orthopaedic Surgery"] * 3
            + ["Physical Medicine and Rehabilitation"] * 2
            + ["Chiropractic", "Pain Medicine", "Internal Medicine", "Psychology"]
        )
    else:
        specialty = rng.choice(
            ["Orthopaedic Surgery"] * 4
            + [
                "Physical Medicine and Rehabilitation",
                "Chiropractic",
                "Hand Surgery",
                "Hand Surgery",
                "Internal Medicine",
            ]
            + ["Psychiatry", "Psychology", "Neurology", "Neurology", "Pain Medicine"]
        )
    evaluator = _pick_doctor(rng, specialty, used)
    ptp = _pick_doctor(
        rng, rng.choice(["Orthopaedic Surgery", "Physical Medicine and Rehabilitation", "Chiropractic"]), used
    )
    others = [_pick_doctor(rng, s, used) for s in rng.sample(list(SPECIALTIES), 4)]

    # Injuries: a specific date, a CT period, or both.
    exam = _rand_date(rng, date(2021, 3, 1), date(2024, 10, 31))
    shape = rng.choices(["specific", "ct", "both"], weights=[5, 3, 2])[0]
    injuries: list[Injury] = []
    adj1, claim1 = _adj(rng), _claim(rng)
    if shape in ("specific", "both"):
        injuries.append(
            Injury(
                "specific",
                _rand_date(rng, exam - timedelta(days=1500), exam - timedelta(days=300)),
                None,
                adj1,
                claim1,
            )
        )
    if shape in ("ct", "both"):
        end = _rand_date(rng, exam - timedelta(days=1300), exam - timedelta(days=250))
        start = date(
            end.year - rng.randint(2, 9), rng.randint(1, 12), 1 if rng.random() < 0.6 else rng.randint(2, 28)
        )
        same = shape == "ct" or rng.random() < 0.3
        injuries.append(
            Injury(
                "cumulative",
                start,
                end,
                adj1 if same else _adj(rng),
                claim1 if same or rng.random() < 0.3 else _claim(rng),
            )
        )
    if len(injuries) > 1:
        injuries.sort(key=lambda i: i.start)

    # Body parts.
    pool = SPECIALTIES[specialty][1]
    n = rng.choices([1, 2, 3, 4], weights=[3, 4, 3, 1])[0]
    parts = rng.sample(pool, k=min(n, len(pool)))
    if specialty == "Psychology" or specialty == "Psychiatry":
        parts = ["psyche"] + (["sleep"] if rng.random() < 0.3 and kind != "pr2" else [])
        if specialty == "Psychology":
            parts = ["psyche"]
    side: dict[str, str | None] = {}
    extra: list[str] = []
    for key in parts:
        if key in SIDED:
            s = rng.choices(["right", "left", "both", "bilateral"], weights=[5, 4, 2, 3])[0]
            if s == "both":
                side[key] = "right"
                extra.append(key)
            else:
                side[key] = s
        else:
            side[key] = None

    # MMI.
    sup_type = "AME" if rng.random() < 0.3 else "QME"
    # MMI variants go round in turn per kind, so every corpus has each of them.
    cycle = MMI_CYCLE[kind]
    ordinal = sum(1 for n in range(index - 1) if KIND_CYCLE[n % len(KIND_CYCLE)] == kind)
    variant = cycle[(ordinal + seed) % len(cycle)]
    mmi_date: date | None = None
    mmi_month: date | None = None
    prior_report: date | None = None
    report_date = exam + timedelta(days=rng.randint(3, 45))
    exam_date: date | None = exam
    if kind == "supplemental":
        prior_report = exam + timedelta(days=rng.randint(5, 30))
        report_date = prior_report + timedelta(days=rng.randint(40, 200))
        exam_date = None
    if variant in ("exam",):
        status, mmi_date = "reached", exam
    elif variant == "date":
        status, mmi_date = "reached", exam - timedelta(days=rng.randint(7, 200))
    elif variant == "month":
        status = "reached"
        mmi_month = exam - timedelta(days=rng.randint(35, 150))
        traps.append("mmi_month_only")
    elif variant == "restate":
        status, mmi_date = "reached", exam
    elif variant == "revised":
        status, mmi_date = (
            "reached",
            prior_report + timedelta(days=rng.randint(20, 35)) if prior_report else exam,
        )
    elif variant == "not_stated":
        status = "not_stated"
    else:
        status = "not_reached"
        traps.append("mmi_not_reached")

    ratings: list[Rating] = []
    combined: int | None = None
    method: str | None = None
    rated = status == "reached" and kind != "pr2"
    if rated:
        for key in parts:
            if side[key] and key in extra:
                ratings.append(_rate(rng, key, "right", traps))
                ratings.append(_rate(rng, key, "left", traps))
            else:
                ratings.append(_rate(rng, key, side[key], traps))
        if (
            specialty
            in (
                "Orthopaedic Surgery",
                "Physical Medicine and Rehabilitation",
                "Pain Medicine",
                "Chiropractic",
                "Neurology",
            )
            and rng.random() < 0.35
        ):
            ratings.append(Rating("pain", "pain", None, rng.randint(1, 3), "pain", "pain"))
            traps.append("pain_addon")
        wpis = [r.wpi for r in ratings]
        if len(ratings) > 1:
            c = rng.random()
            if c < 0.6:
                combined, method = combine(wpis), "cvc"
            elif c < 0.8:
                combined, method = sum(wpis), "kite"
                traps.append("kite_addition")
            else:
                combined, method = None, None
        elif rng.random() < 0.25:
            combined, method = wpis[0], "single"

    # Apportionment.
    apport: list[Apportionment] = []
    mode = "none"
    if rated:
        mode = rng.choices(
            ["overall", "per_part", "no_basis", "per_part_mixed", "between_injuries"],
            weights=[3, 4, 2, 2, 3 if len(injuries) > 1 else 0],
        )[0]
        psych = all(r.key == "psyche" for r in ratings if r.key != "pain")
        if mode == "between_injuries" and not psych:
            specific = rng.choice([30, 40, 50, 60])
            ct = rng.choice([20, 30, 40])
            ind = min(100, specific + ct)
            apport.append(
                Apportionment(None, None, None, ind, rng.choice(CAUSES), split=(specific, ind - specific))
            )
        elif mode == "overall" or psych:
            ind = rng.choice([60, 65, 70, 75, 80, 85, 90]) if mode != "no_basis" else 100
            mode = "overall" if ind < 100 else "no_basis"
            cause = rng.choice(PSYCH_CAUSES if psych else CAUSES)
            apport.append(Apportionment(None, None, None, ind, cause))
        elif mode == "no_basis":
            apport.append(Apportionment(None, None, None, 100, ""))
        else:
            for r in ratings:
                if r.key == "pain":
                    continue
                ind = (
                    rng.choice([50, 60, 70, 75, 80, 85, 90, 100])
                    if mode == "per_part" or rng.random() < 0.5
                    else 100
                )
                apport.append(Apportionment(r.body_part, r.laterality, r.label, ind, rng.choice(CAUSES)))
        traps.append("apportionment_" + mode)
    restr: list[str] = []
    if kind == "pr2":
        if variant != "not_stated" or rng.random() < 0.5:
            restr = _restrictions(rng, parts, side) if rng.random() < 0.7 else []
    elif (rated and rng.random() < 0.85) or (status == "not_reached" and rng.random() < 0.5):
        restr = _restrictions(rng, parts, side)
    future: bool | None = None
    if rated:
        future = rng.random() < 0.85
    elif kind == "supplemental" and status == "not_stated":
        future = None

    target = {
        "pr2": rng.randint(3, 5),
        "pr4": rng.randint(4, 9),
        "ptp_narrative": rng.randint(5, 12),
        "panel_qme": rng.choice([rng.randint(6, 14), rng.randint(6, 14), rng.randint(15, 28)]),
        "ame": rng.choice([rng.randint(8, 15), rng.randint(16, 30)]),
        "supplemental": rng.randint(3, 9),
    }[kind]
    case_id = f"{ID_PREFIX[kind]}_{index:03d}"
    case = Case(
        case_id,
        kind,
        seed,
        applicant,
        rng.choice(names.EMPLOYERS),
        occupation,
        duties,
        rng.choice(names.INSURERS),
        injuries,
        evaluator,
        ptp,
        others,
        exam_date,
        report_date,
        prior_report,
        parts,
        side,
        status,
        variant,
        mmi_date,
        mmi_month,
        ratings,
        combined,
        method,
        apport,
        mode,
        restr,
        future,
        target,
        traps,
    )
    case.extra_type = sup_type
    case.both = extra
    case.seen = exam
    return case


#: The contract's canonical body parts (shared/contract/body_parts.csv, first column).
CONTRACT_BODY_PARTS = frozenset(
    """cervical spine|thoracic spine|lumbar spine|pelvis|shoulder|elbow|wrist|hand|thumb|finger|upper extremity|hip|knee|
ankle|foot|toe|lower extremity|head|brain|face|teeth|eye|ear|psyche|sleep|sexual function|heart|hypertension|lungs|
gastrointestinal|abdomen|urinary|skin|chest|pain|other""".replace("\n", "").split("|")
)
