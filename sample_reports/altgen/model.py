"""The facts of one synthetic report (the scenario) and their truth.

A scenario is drawn first, independent of the page layout except for a few wording choices; the
layouts then write it out.  Every own finding carries the sentences that state it, so the truth is
exactly what the text says.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from . import pools
from .filler import PART_LABEL
from .phrases import (
    cap,
    cvc_pair,
    fd,
    half_up,
    le_to_wpi,
    title_case,
    ue_to_wpi,
    words,
)

CANON = {
    "lumbar": "lumbar spine",
    "cervical": "cervical spine",
    "thoracic": "thoracic spine",
    "shoulder": "shoulder",
    "elbow": "elbow",
    "wrist": "wrist",
    "finger": "finger",
    "thumb": "thumb",
    "hip": "hip",
    "knee": "knee",
    "ankle": "ankle",
    "foot": "foot",
    "head": "head",
    "brain": "brain",
    "psyche": "psyche",
    "hypertension": "hypertension",
    "gi": "gastrointestinal",
    "sleep": "sleep",
    "pain": "pain",
}
SIDED = {"shoulder", "elbow", "wrist", "finger", "thumb", "hip", "knee", "ankle", "foot"}
UE = {"shoulder", "elbow", "wrist", "finger", "thumb"}
LE = {"hip", "knee", "ankle", "foot"}
SPINE = {"lumbar", "cervical", "thoracic"}

SPECIALTIES = {
    "ortho": ("Orthopaedic Surgery", "M.D."),
    "pmr": ("Physical Medicine and Rehabilitation", "M.D."),
    "chiro": ("Chiropractic", "D.C."),
    "neuro": ("Neurology", "M.D."),
    "psych": ("Psychology", "Ph.D."),
    "im": ("Internal Medicine", "M.D."),
}


# ----------------------------------------------------------------------------- people
@dataclass
class Person:
    first: str
    mi: str
    last: str
    sex: str

    @property
    def full(self):
        return f"{self.first} {self.mi + '. ' if self.mi else ''}{self.last}"

    @property
    def honor(self):
        return "Ms." if self.sex == "F" else "Mr."

    @property
    def pron(self):
        f = self.sex == "F"
        d = {"he": "she" if f else "he", "his": "her" if f else "his", "him": "her" if f else "him"}
        d.update({k.capitalize(): v.capitalize() for k, v in list(d.items())})
        return d


@dataclass
class Doctor:
    first: str
    last: str
    cred: str
    specialty: str
    sex: str = "M"

    @property
    def name(self):
        return f"{self.first} {self.last}, {self.cred}"

    @property
    def dr(self):
        return f"Dr. {self.last}"


# ----------------------------------------------------------------------------- findings
@dataclass
class Rating:
    key: str  # internal part key
    side: str | None
    wpi: int
    title: str  # "Right Shoulder"
    label: str  # "right shoulder"
    chapter: str  # "Chapter 16 (Upper Extremity)"
    method_short: str  # "ROM method"
    brief: str  # one-line method summary, without the final value
    detail: list[str]  # prose sentences leading to the value, without the final value
    table_ref: str
    row_method: str  # short method text for a table row
    traps: list[str] = field(default_factory=list)
    force_style: str | None = None  # the final value must be written this way

    @property
    def canonical(self):
        return CANON[self.key]

    def truth(self):
        return {"body_part": self.canonical, "laterality": self.side, "wpi": self.wpi}


NP_STYLES = ["std", "hyphen", "words", "whole", "wpi", "of_wp", "equal"]


def value_np(w: int, style: str) -> str:
    """The WPI value as a noun phrase."""
    return {
        "std": f"{w}% whole person impairment (WPI)",
        "hyphen": f"{w}% whole-person impairment",
        "words": f"{words(w)} percent ({w}%) whole person impairment",
        "whole": f"{w}% whole person",
        "wpi": f"{w}% WPI",
        "of_wp": f"{w}% of the whole person",
        "equal": f"{w}% WPI",
        "ch18": f"{words(w)} percent ({w}%) whole person impairment per Chapter 18 pain",
    }[style]


def final_sentence(r: Rating, style: str, rng: random.Random) -> str:
    """A sentence that states the rating's final WPI."""
    if r.force_style:
        style = r.force_style
    if style == "ch18":
        return rng.choice(
            [
                f"I assign {value_np(r.wpi, 'ch18')} for the {r.label}.",
                f"The {r.label} are rated at {value_np(r.wpi, 'ch18')}.",
            ]
        )
    if style == "equal":
        return rng.choice(
            [
                f"The {r.label} impairment is therefore equal to {r.wpi}% WPI.",
                f"This is equal to {r.wpi}% WPI for the {r.label}.",
                f"The {r.label} rating is equal to {r.wpi}% WPI.",
            ]
        )
    if style == "whole":
        return rng.choice(
            [
                f"The {r.label} rates {r.wpi}% whole person.",
                f"This yields {r.wpi}% whole person for the {r.label}.",
            ]
        )
    v = value_np(r.wpi, style)
    return rng.choice(
        [
            f"I therefore assign {v} for the {r.label}.",
            f"This equates to {v} for the {r.label}.",
            f"The {r.label} is assigned {v}.",
            f"Accordingly, the {r.label} rates {v}.",
        ]
    )


DRE = {
    "lumbar": {"II": (5, 8), "III": (10, 13), "IV": (20, 23)},
    "cervical": {"II": (5, 8), "III": (15, 18), "IV": (25, 28)},
    "thoracic": {"II": (5, 8), "III": (15, 18)},
}
DRE_TBL = {"lumbar": "Table 15-3", "thoracic": "Table 15-4", "cervical": "Table 15-5"}
DRE_JUST = {
    "II": (
        "clinical findings of a specific injury with muscle guarding and non-verifiable radicular "
        "complaints, without objective radiculopathy",
        "guarding, non-verifiable radicular complaints",
    ),
    "III": (
        "radiculopathy documented by dermatomal sensory loss and concordant electrodiagnostic findings",
        "documented radiculopathy",
    ),
    "IV": ("loss of motion segment integrity with a single-level fusion", "motion segment loss, fusion"),
}


def _position(w, lo, hi):
    if w == hi:
        return (
            "upper end",
            "given the persistent effect on activities of daily living, I place the applicant at the upper end of the range",
        )
    if w == lo:
        return (
            "lower end",
            "because the residual symptoms are mild and intermittent, the lower end of the range is appropriate",
        )
    return (
        "middle",
        "considering the moderate residual effect on activities of daily living, a value in the middle of the range is appropriate",
    )


def rate_spine(rng, key, variant) -> Rating:
    region = key
    R = cap(region)
    tbl = DRE_TBL[key]
    cats = DRE[key]
    title = f"{R} Spine"
    label = f"{region} spine"
    chap = "Chapter 15 (Spine)"
    if variant in ("dre", "almaraz_rejected"):
        cat = rng.choice(["II", "II", "III"] + (["IV"] if key == "lumbar" and rng.random() < 0.2 else []))
        lo, hi = cats[cat]
        w = rng.randint(lo, hi)
        pos, why = _position(w, lo, hi)
        detail = [
            f"Under the DRE method, the {label} fits DRE {R} Category {cat} of {tbl}, which provides "
            f"{lo}% to {hi}% whole person impairment, on the basis of {DRE_JUST[cat][0]}.",
            f"Within that range, {why}.",
        ]
        brief = f"DRE {R} Category {cat} ({lo}% to {hi}%, {tbl}); {DRE_JUST[cat][1]}; {pos} of range."
        traps = ["dre_range"]
        if variant == "almaraz_rejected":
            order = ["II", "III", "IV"]
            nxt = order[order.index(cat) + 1] if order.index(cat) + 1 < len(order) else None
            if nxt and nxt in cats:
                lo2, hi2 = cats[nxt]
                alt = f", for example by analogy to Category {nxt} ({lo2}% to {hi2}%)"
            else:
                alt = ""
            detail.append(
                f"I have considered whether an Almaraz/Guzman analysis would give a more accurate "
                f"rating{alt}; I do not find it more accurate and I do not adopt it. The strict rating "
                f"stands."
            )
            brief += " Almaraz/Guzman considered and not adopted."
            traps.append("almaraz_rejected")
        return Rating(
            key, None, w, title, label, chap, "DRE method", brief, detail, tbl, f"DRE Cat. {cat}", traps
        )
    if variant == "dre_rom":
        d = rng.choice([5, 6, 7, 9, 10])
        r = rng.randint(2, 8)
        rom = cvc_pair(d, r)
        cat = "II" if rom < 12 else "III"
        lo, hi = cats[cat]
        dre = rng.randint(lo, hi)
        while dre == rom:
            dre = rng.randint(lo, hi) if lo != hi else dre + 1
        adopt_rom = rng.random() < 0.5
        w = rom if adopt_rom else dre
        if adopt_rom:
            reason = (
                "Because there is multilevel involvement with alteration of motion segment integrity at two "
                "levels, the range of motion method is the appropriate method under Section 15.2 and is "
                "adopted; the DRE value is not used."
            )
        else:
            reason = (
                "The applicant does not meet the criteria of Section 15.2 for the range of motion method, "
                "so the DRE method is adopted and the range of motion value is not used."
            )
        detail = [
            f"Two methods were considered for the {label}.",
            f"Range of motion method: Table 15-7 specific disorder {d}% combined with range of motion "
            f"deficits of {r}% gives {rom}% WPI.",
            f"DRE method: {R} Category {cat} ({lo}% to {hi}%, {tbl}), {dre}% WPI.",
            reason,
        ]
        brief = (
            f"ROM method {rom}% (Table 15-7 {d}% combined with ROM {r}%) versus DRE Category {cat} {dre}%; "
            f"the {'ROM' if adopt_rom else 'DRE'} method is adopted."
        )
        return Rating(
            key,
            None,
            w,
            title,
            label,
            chap,
            "ROM method" if adopt_rom else "DRE method",
            brief,
            detail,
            "Table 15-7" if adopt_rom else tbl,
            "ROM (adopted)" if adopt_rom else f"DRE Cat. {cat} (adopted)",
            ["dre_vs_rom", "dre_range"],
        )
    if variant == "almaraz":
        strict_cat = "II"
        slo, shi = cats["II"]
        strict = slo
        acat = "III"
        alo, ahi = cats["III"]
        w = rng.randint(alo, ahi)
        detail = [
            f"Strictly applying {tbl}, the {label} is DRE {R} Category {strict_cat}, and the strict rating "
            f"would be {strict}% WPI.",
            "In my opinion the strict rating does not accurately reflect the applicant's impairment, given "
            "the documented loss of function in activities of daily living and the failed treatment.",
            f"Under Almaraz/Guzman, a more accurate rating is obtained by analogy to DRE {R} Category {acat} "
            f"({alo}% to {ahi}%), and I adopt that alternative rating.",
        ]
        brief = (
            f"Strict rating DRE Category {strict_cat} = {strict}% WPI; Almaraz/Guzman alternative by analogy "
            f"to Category {acat} ({alo}%-{ahi}%) adopted as more accurate."
        )
        return Rating(
            key,
            None,
            w,
            title,
            label,
            chap,
            "Almaraz/Guzman",
            brief,
            detail,
            tbl,
            f"Almaraz/Guzman, by analogy DRE Cat. {acat}",
            ["almaraz_adopted", "dre_range"],
        )
    raise ValueError(variant)


def rate_shoulder(rng, side) -> Rating:
    sev = rng.choice(["Mild", "Moderate", "Severe"])
    rngs = {
        "Mild": [(1, 3), (0, 1), (1, 2), (0, 1), (0, 2), (0, 1)],
        "Moderate": [(3, 5), (1, 2), (2, 4), (0, 1), (1, 3), (1, 2)],
        "Severe": [(5, 9), (1, 2), (4, 6), (1, 2), (2, 4), (1, 2)],
    }[sev]
    comps = [rng.randint(a, b) for a, b in rngs]
    rom = sum(comps)
    if rom == 0:
        comps[0] = 1
        rom = 1
    names = ["flexion", "extension", "abduction", "adduction", "internal rotation", "external rotation"]
    resect = sev != "Mild" and rng.random() < 0.35
    tot = cvc_pair(rom, 10) if resect else rom
    w = ue_to_wpi(tot)
    if w == 0:
        comps[0] += 2
        rom = sum(comps)
        tot = rom
        w = ue_to_wpi(tot)
    S = side.capitalize()
    parts = ", ".join(f"{n} {c}%" for n, c in zip(names, comps))
    detail = [
        f"Range of motion of the {side} shoulder was measured three times with a goniometer and the best "
        f"values were used.",
        f"Per Figures 16-40, 16-43 and 16-46 the deficits are {parts} upper extremity impairment, a total of "
        f"{rom}% UEI for loss of motion.",
    ]
    brief = f"{sev} loss of ROM; {parts} = {rom}% UEI"
    if resect:
        detail.append(
            f"The distal clavicle resection adds 10% UEI (Table 16-27); combined with the loss of motion "
            f"this is {tot}% UEI."
        )
        brief += f"; combined with 10% UEI for distal clavicle resection = {tot}% UEI"
    detail.append(f"Per Table 16-3, {tot}% upper extremity impairment converts to the whole person at 60%.")
    brief += "; converted per Table 16-3."
    return Rating(
        "shoulder",
        side,
        w,
        f"{S} Shoulder",
        f"{side} shoulder",
        "Chapter 16 (Upper Extremity)",
        "ROM method",
        brief,
        detail,
        "Figs. 16-40/43/46; Table 16-3",
        f"ROM {tot}% UEI",
        ["ue_conversion"],
    )


def rate_elbow(rng, side) -> Rating:
    fe = rng.randint(1, 4)
    ps = rng.randint(0, 3)
    tot = fe + ps
    w = max(1, ue_to_wpi(tot))
    if ue_to_wpi(tot) == 0:
        fe += 1
        tot = fe + ps
        w = ue_to_wpi(tot)
    S = side.capitalize()
    detail = [
        f"Loss of flexion and extension of the {side} elbow is {fe}% UEI (Figure 16-34) and loss of pronation "
        f"and supination is {ps}% UEI (Figure 16-37), added for {tot}% upper extremity impairment.",
        "Per Table 16-3 this converts to the whole person at 60%.",
    ]
    brief = f"Flexion/extension {fe}% UEI + pronation/supination {ps}% UEI = {tot}% UEI, converted per Table 16-3."
    return Rating(
        "elbow",
        side,
        w,
        f"{S} Elbow",
        f"{side} elbow",
        "Chapter 16 (Upper Extremity)",
        "ROM method",
        brief,
        detail,
        "Figs. 16-34, 16-37",
        f"ROM {tot}% UEI",
        ["ue_conversion"],
    )


def rate_wrist(rng, side) -> Rating:
    S = side.capitalize()
    if rng.random() < 0.55:
        uei = rng.choice([5, 6, 8, 10, 12])
        w = ue_to_wpi(uei)
        detail = [
            f"The {side} carpal tunnel syndrome is rated as an entrapment neuropathy of the median nerve at the "
            f"wrist (Table 16-15), with residual sensory deficit and positive electrodiagnostic findings, "
            f"which gives {uei}% upper extremity impairment.",
            "That converts to the whole person at 60% per Table 16-3.",
        ]
        brief = f"Median nerve entrapment at the wrist (Table 16-15), {uei}% UEI, converted per Table 16-3."
        return Rating(
            "wrist",
            side,
            w,
            f"{S} Wrist",
            f"{side} wrist",
            "Chapter 16 (Upper Extremity)",
            "Entrapment neuropathy",
            brief,
            detail,
            "Table 16-15",
            f"CTS {uei}% UEI",
            ["ue_conversion"],
        )
    comps = [rng.randint(1, 4), rng.randint(0, 3), rng.randint(0, 2), rng.randint(0, 2)]
    tot = sum(comps)
    w = ue_to_wpi(tot)
    if w == 0:
        comps[0] += 2
        tot = sum(comps)
        w = ue_to_wpi(tot)
    detail = [
        f"Wrist motion deficits per Figures 16-28 and 16-31: flexion {comps[0]}%, extension {comps[1]}%, radial "
        f"deviation {comps[2]}% and ulnar deviation {comps[3]}% UEI, for {tot}% upper extremity impairment.",
        "Converted to the whole person at 60% (Table 16-3).",
    ]
    brief = (
        f"Flexion {comps[0]}%, extension {comps[1]}%, RD {comps[2]}%, UD {comps[3]}% = {tot}% UEI, converted."
    )
    return Rating(
        "wrist",
        side,
        w,
        f"{S} Wrist",
        f"{side} wrist",
        "Chapter 16 (Upper Extremity)",
        "ROM method",
        brief,
        detail,
        "Figs. 16-28, 16-31",
        f"ROM {tot}% UEI",
        ["ue_conversion"],
    )


DIGIT_FACTOR = {"thumb": 40, "index": 20, "middle": 20, "ring": 10, "little": 10}


def rate_digit(rng, side, digit) -> Rating:
    S = side.capitalize()
    di = rng.choice([30, 40, 50, 60]) if digit != "thumb" else rng.choice([15, 20, 25, 30])
    hand = half_up(di * DIGIT_FACTOR[digit], 100)
    uei = half_up(hand * 9, 10)
    w = ue_to_wpi(uei)
    if w == 0:
        di = 60
        hand = half_up(di * DIGIT_FACTOR[digit], 100)
        uei = half_up(hand * 9, 10)
        w = ue_to_wpi(uei)
    key = "thumb" if digit == "thumb" else "finger"
    name = f"{side} thumb" if digit == "thumb" else f"{side} {digit} finger"
    detail = [
        f"Loss of motion of the {name} gives {di}% digit impairment (Figures 16-21, 16-23 and 16-25).",
        f"Per Table 16-1 that is {hand}% hand impairment, and per Table 16-2 {uei}% upper extremity impairment, "
        f"which converts to the whole person at 60% (Table 16-3).",
    ]
    brief = f"{di}% digit = {hand}% hand = {uei}% UEI (Tables 16-1, 16-2, 16-3)."
    return Rating(
        key,
        side,
        w,
        title_case(name),
        name,
        "Chapter 16 (Upper Extremity)",
        "Digit ROM",
        brief,
        detail,
        "Tables 16-1/16-2/16-3",
        f"{di}% digit, {uei}% UEI",
        ["digit_conversion"],
    )


HIP_VARIANTS = {
    "thr_good": ("total hip arthroplasty, good result (Table 17-33)", 37),
    "thr_fair": ("total hip arthroplasty, fair result (Table 17-33)", 50),
    "rom_mild": ("mild loss of hip flexion and rotation (Table 17-9)", 12),
    "rom_mod": ("moderate loss of hip flexion and rotation (Table 17-9)", 25),
}


def rate_hip(rng, side, variant=None) -> Rating:
    variant = variant or rng.choice(list(HIP_VARIANTS))
    desc, lei = HIP_VARIANTS[variant]
    w = le_to_wpi(lei)
    S = side.capitalize()
    detail = [
        f"The {side} hip is rated for {desc}, which is {lei}% lower extremity impairment.",
        "Lower extremity impairment converts to the whole person at 40%.",
    ]
    brief = f"{cap(desc)}; {lei}% LEI, converted at 40%."
    return Rating(
        "hip",
        side,
        w,
        f"{S} Hip",
        f"{side} hip",
        "Chapter 17 (Lower Extremities)",
        "Diagnosis-based",
        brief,
        detail,
        "Table 17-33" if "thr" in variant else "Table 17-9",
        f"{lei}% LEI",
        ["le_conversion"],
    )


def rate_knee(rng, side, v=None) -> Rating:
    v = v or rng.choice(["menisc", "arth", "rom", "tkr"])
    S = side.capitalize()
    if v == "menisc":
        lei, desc, tbl = rng.choice(
            [
                (2, "partial medial meniscectomy", "Table 17-33"),
                (10, "total medial meniscectomy", "Table 17-33"),
            ]
        )
    elif v == "arth":
        lei, desc, tbl = rng.choice(
            [
                (20, "arthritis with a 3 mm cartilage interval", "Table 17-31"),
                (25, "arthritis with a 2 mm cartilage interval", "Table 17-31"),
            ]
        )
    elif v == "rom":
        lei, desc, tbl = rng.choice(
            [
                (10, "mild loss of flexion (flexion less than 110 degrees)", "Table 17-10"),
                (20, "moderate loss of flexion (flexion less than 80 degrees)", "Table 17-10"),
            ]
        )
    else:
        lei, desc, tbl = rng.choice(
            [
                (37, "total knee replacement, good result", "Table 17-35"),
                (50, "total knee replacement, fair result", "Table 17-35"),
            ]
        )
    w = le_to_wpi(lei)
    detail = [
        f"The {side} knee is rated for {desc} per {tbl}: {lei}% lower extremity impairment.",
        "Converted to the whole person at 40%.",
    ]
    brief = f"{cap(desc)}, {tbl}; {lei}% LEI, converted at 40%."
    return Rating(
        "knee",
        side,
        w,
        f"{S} Knee",
        f"{side} knee",
        "Chapter 17 (Lower Extremities)",
        "Diagnosis-based",
        brief,
        detail,
        tbl,
        f"{lei}% LEI",
        ["le_conversion"],
    )


def rate_ankle(rng, side) -> Rating:
    pf = rng.choice([7, 15])
    df = rng.choice([0, 7, 10])
    lei = pf + df
    w = le_to_wpi(lei)
    S = side.capitalize()
    detail = [
        f"Loss of plantar flexion of the {side} ankle is {pf}% LEI and loss of dorsiflexion (extension) is "
        f"{df}% LEI per Table 17-11, added for {lei}% lower extremity impairment.",
        "Converted to the whole person at 40%.",
    ]
    brief = f"Plantar flexion {pf}% LEI + dorsiflexion {df}% LEI (Table 17-11) = {lei}% LEI, converted."
    return Rating(
        "ankle",
        side,
        w,
        f"{S} Ankle",
        f"{side} ankle",
        "Chapter 17 (Lower Extremities)",
        "ROM method",
        brief,
        detail,
        "Table 17-11",
        f"{lei}% LEI",
        ["le_conversion"],
    )


def rate_foot(rng, side) -> Rating:
    lei = rng.choice([5, 7])
    w = le_to_wpi(lei)
    S = side.capitalize()
    detail = [
        f"Chronic plantar fasciitis of the {side} foot is rated by analogy to Table 17-33 at {lei}% lower "
        f"extremity impairment.",
        "Converted to the whole person at 40%.",
    ]
    brief = f"Plantar fasciitis by analogy, Table 17-33, {lei}% LEI, converted."
    return Rating(
        "foot",
        side,
        w,
        f"{S} Foot",
        f"{side} foot",
        "Chapter 17 (Lower Extremities)",
        "By analogy",
        brief,
        detail,
        "Table 17-33",
        f"{lei}% LEI",
        ["le_conversion"],
    )


def rate_head(rng) -> Rating:
    w = rng.choice([1, 2, 2, 3])
    sev = {1: "mild", 2: "moderate", 3: "moderately severe"}[w]
    detail = [
        f"The post-traumatic headaches are not ratable under Chapters 3 through 17. Using the qualitative "
        f"method of Chapter 18 (Table 18-3, pain behavior and ADL questionnaire), the burden is {sev}."
    ]
    brief = f"Post-traumatic headaches rated under Chapter 18, {sev} pain-related impairment."
    return Rating(
        "head",
        None,
        w,
        "Headaches",
        "headaches",
        "Chapter 18 (Pain)",
        "Chapter 18 pain",
        brief,
        detail,
        "Table 18-3",
        "Chapter 18 pain",
        ["headache_ch18_is_head"],
        force_style="ch18",
    )


def rate_brain(rng) -> Rating:
    cls, lo, hi = rng.choice([(1, 1, 14), (2, 15, 29)])
    w = rng.randint(lo + 2, hi - 3)
    detail = [
        f"Mental status impairment: Clinical Dementia Rating 0.5 with deficits on neuropsychological testing "
        f"places the applicant in Class {cls} of Table 13-6 ({lo}% to {hi}% whole person impairment).",
        "Considering the effect on complex tasks at work, I select a value within that class.",
    ]
    brief = f"Table 13-6 Class {cls} ({lo}%-{hi}%), CDR 0.5."
    return Rating(
        "brain",
        None,
        w,
        "Cognitive Impairment (Brain)",
        "cognitive impairment (brain)",
        "Chapter 13 (Central and Peripheral Nervous System)",
        "Table 13-6",
        brief,
        detail,
        "Table 13-6",
        f"Table 13-6 Class {cls}",
        ["class_range"],
    )


GAF_WPI = {
    50: 30,
    51: 29,
    52: 27,
    53: 26,
    54: 24,
    55: 23,
    56: 21,
    57: 20,
    58: 18,
    59: 17,
    60: 15,
    61: 14,
    62: 12,
    63: 11,
    64: 9,
    65: 8,
    66: 6,
    67: 5,
    68: 3,
    69: 2,
}


def rate_psyche(rng) -> Rating:
    gaf = rng.randint(52, 66)
    w = GAF_WPI[gaf]
    detail = [
        f"Considering the symptom severity and the level of occupational and social functioning, I assign a "
        f"current Global Assessment of Functioning (GAF) score of {gaf}.",
        "Before the industrial stressors the applicant was functioning at a GAF of approximately 75.",
        f"Using the GAF conversion table of the rating schedule, a GAF of {gaf} corresponds to the whole "
        f"person value stated below.",
    ]
    brief = f"Current GAF {gaf}; PDRS GAF conversion table."
    return Rating(
        "psyche",
        None,
        w,
        "Psychiatric",
        "psyche",
        "PDRS Section 1, GAF Conversion",
        "GAF",
        brief,
        detail,
        "PDRS GAF table",
        f"GAF {gaf}",
        ["gaf_score"],
    )


def rate_internal(rng, key) -> Rating:
    if key == "hypertension":
        cls, lo, hi = rng.choice([(1, 0, 9), (2, 10, 29)])
        w = rng.randint(max(lo, 3), min(hi, lo + 9))
        detail = [
            f"Hypertensive cardiovascular disease: diastolic pressures repeatedly above 90 mm Hg on medication, "
            f"without end-organ damage, meet Class {cls} of Table 4-2 ({lo}% to {hi}%)."
        ]
        return Rating(
            key,
            None,
            w,
            "Hypertension",
            "hypertension",
            "Chapter 4 (Cardiovascular System: Systemic and Pulmonary Arteries)",
            "Table 4-2",
            f"Table 4-2 Class {cls} ({lo}%-{hi}%).",
            detail,
            "Table 4-2",
            f"Table 4-2 Class {cls}",
            ["class_range"],
        )
    if key == "gi":
        cls, lo, hi = rng.choice([(1, 0, 9), (2, 10, 29)])
        w = rng.randint(max(lo, 2), min(hi, lo + 8))
        detail = [
            f"Upper digestive tract: symptoms controlled with continuous medication, endoscopic esophagitis; "
            f"Class {cls} of Table 6-3 ({lo}% to {hi}%)."
        ]
        return Rating(
            "gi",
            None,
            w,
            "Gastrointestinal (GERD)",
            "gastrointestinal system (GERD)",
            "Chapter 6 (Digestive System)",
            "Table 6-3",
            f"Table 6-3 Class {cls} ({lo}%-{hi}%).",
            detail,
            "Table 6-3",
            f"Table 6-3 Class {cls}",
            ["class_range"],
        )
    w = rng.randint(3, 8)
    detail = [
        "Sleep and arousal disorder: reduced daytime alertness with a sleep pattern that permits performance "
        "of most activities of daily living; Class 1 of Table 13-4 (1% to 9%)."
    ]
    return Rating(
        "sleep",
        None,
        w,
        "Sleep Disorder",
        "sleep disorder",
        "Chapter 13 (Sleep and Arousal Disorders)",
        "Table 13-4",
        "Table 13-4 Class 1 (1%-9%).",
        detail,
        "Table 13-4",
        "Table 13-4 Class 1",
        ["class_range"],
    )


def rate_pain(rng) -> Rating:
    w = rng.choice([1, 2, 3])
    detail = [
        "The burden of the applicant's condition is increased by pain in excess of the pain component already "
        "incorporated in the ratings above (Chapter 18, Section 18.3)."
    ]
    brief = "Chapter 18 pain add-on (maximum 3%)."
    return Rating(
        "pain",
        None,
        w,
        "Pain Add-On",
        "pain add-on",
        "Chapter 18 (Pain)",
        "Pain add-on",
        brief,
        detail,
        "Chapter 18",
        "Pain add-on",
        ["pain_addon"],
    )


# ----------------------------------------------------------------------------- other physicians
@dataclass
class CitedImp:
    key: str
    side: str | None
    wpi: int
    uei: int | None = None

    @property
    def label(self):
        if self.key in SIDED:
            return f"{self.side} {PART_LABEL[self.key]}"
        return PART_LABEL[self.key] if self.key != "head" else "headaches"


@dataclass
class Cited:
    doctor: Doctor
    role: str  # truth role
    role_text: str  # how the report names it
    report_date: dt.date
    doc_title: str
    mmi: tuple | None  # ("reached", date|None) | ("not_reached", None) | None
    imps: list[CitedImp]
    appo: list[tuple]  # (key|None, side, ind, non, cause, phrasing)
    extra: list[str] = field(default_factory=list)  # other sentences (restrictions, treatment)
    body: str = ""

    def truth(self):
        m = None
        if self.mmi is not None:
            st, d = self.mmi
            m = {"status": st, "date": d.isoformat() if d else None}
        return {
            "physician": {"name": self.doctor.name, "role": self.role},
            "report_date": self.report_date.isoformat(),
            "mmi": m,
            "impairments": [
                {"body_part": CANON[i.key], "laterality": i.side if i.key in SIDED else None, "wpi": i.wpi}
                for i in self.imps
            ],
            "apportionment": [
                {
                    "body_part": CANON[a[0]] if a[0] else None,
                    "laterality": a[1] if a[0] in SIDED else None,
                    "industrial_pct": a[2],
                    "nonindustrial_pct": a[3],
                }
                for a in self.appo
            ],
        }


@dataclass
class RecordEntry:
    date: dt.date
    source: str  # provider / facility
    title: str
    body: str
    cited: Cited | None = None
    trap: str | None = None


@dataclass
class Injury:
    type: str
    start: dt.date
    end: dt.date | None

    def truth(self):
        return {
            "type": self.type,
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
        }

    def text(self, style, variant=0):
        if self.type == "specific":
            return fd(self.start, style)
        a, b = fd(self.start, style), fd(self.end, style)
        return [
            f"CT {a} to {b}",
            f"CT {a} - {b}",
            f"cumulative trauma {a} through {b}",
            f"CT {a} through {b}",
        ][variant % 4]


@dataclass
class Scenario:
    id: str
    kind: str
    layout: str
    rtype: str
    supplemental: bool
    title: str = ""
    traps: set = field(default_factory=set)
    meta: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------- helpers
def rdate(rng, a: dt.date, b: dt.date) -> dt.date:
    """A random date in [a, b]; if the window is empty the upper bound wins (it is the one that
    keeps the order of events, e.g. a cited report before this exam)."""
    if b <= a:
        return b
    return a + dt.timedelta(days=rng.randint(0, (b - a).days))


def make_doctor(rng, spec_key, used, sex=None) -> Doctor:
    spec, cred = SPECIALTIES[spec_key]
    if spec_key == "psych" and rng.random() < 0.4:
        cred = "Psy.D."
    if spec_key in ("ortho", "pmr", "neuro", "im") and rng.random() < 0.15:
        cred = "D.O."
    while True:
        f, l = rng.choice(pools.DOC_FIRST), rng.choice(pools.DOC_LAST)
        if l not in used:
            used.add(l)
            return Doctor(f, l, cred, spec, sex or rng.choice("MF"))


def _adj(rng):
    n = rng.choice([7, 8])
    return "ADJ" + "".join(str(rng.randint(0, 9)) for _ in range(n - 1)).rjust(n, str(rng.randint(1, 9)))


def _claimno(rng):
    d = lambda k: "".join(str(rng.randint(0, 9)) for _ in range(k))
    f = rng.randrange(6)
    return [
        f"{d(2)}-{d(5)}-{d(3)}",
        f"CA{d(2)}-{d(6)}-WC",
        f"{rng.randint(2016, 2023)}-WC-{d(6)}",
        f"0{rng.choice('ABCDX')}{d(7)}",
        f"WC {d(4)}-{d(4)}",
        f"{d(3)}{rng.choice('ABC')}{d(6)}",
    ][f]
