"""Compose a report (a list of blocks) from a case: the facts, the filler and the traps."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sample_reports.corpus import names
from sample_reports.corpus.blocks import (
    Block,
    Bullets,
    FormGrid,
    Heading,
    KeyValues,
    Para,
    Signature,
    Table,
    TitleBlock,
)
from sample_reports.corpus.dates import DateWriter
from sample_reports.corpus.facts import (
    CANONICAL,
    DIAGNOSES,
    DRE,
    PROCEDURES,
    SPECIALTIES,
    Case,
    Doctor,
    Rating,
)
from sample_reports.corpus.phrasing import (
    Ctx,
    apportionment_paragraphs,
    cap,
    combined_paragraph,
    future_medical_paragraph,
    mmi_paragraph,
    rating_paragraphs,
    wpi_expr,
)

NON_MSK = {"psyche", "sleep", "head", "hypertension", "gerd", "sexual"}

SPECIALTY_WORD = {
    "Orthopaedic Surgery": "orthopaedic",
    "Physical Medicine and Rehabilitation": "physiatry",
    "Chiropractic": "chiropractic",
    "Hand Surgery": "hand surgery",
    "Internal Medicine": "internal medicine",
    "Psychiatry": "psychiatric",
    "Psychology": "psychological",
    "Neurology": "neurological",
    "Pain Medicine": "pain medicine",
}


def _cited(
    doc: Doctor,
    role: str | None,
    report_date: date | None,
    mmi: tuple[str, date | None] | None,
    impairments: list[dict[str, object]] | None = None,
    industrial: int | None = None,
) -> dict[str, object]:
    """The truth of one finding the report quotes from another physician (cited_findings)."""
    return {
        "physician": {"name": doc.name, "role": role},
        "report_date": report_date.isoformat() if report_date else None,
        "mmi": {"status": mmi[0], "date": mmi[1].isoformat() if mmi[1] else None} if mmi else None,
        "impairments": impairments or [],
        "apportionment": []
        if industrial is None
        else [
            {
                "body_part": None,
                "laterality": None,
                "industrial_pct": industrial,
                "nonindustrial_pct": 100 - industrial,
            }
        ],
    }


class Composer:
    """Builds the blocks of one report; `n_records` scales the records-review filler (page count)."""

    def __init__(self, case: Case, style: str, n_records: int) -> None:
        self.case = case
        self.style = style
        self.n_records = n_records
        self.rng = random.Random(f"{case.seed}:{case.id}:compose:{style}")
        self.d = DateWriter(self.rng)
        self.c = Ctx(case, self.rng, self.d)
        self.blocks: list[Block] = []
        a = case.applicant
        self.a = a

    # --- small helpers ---------------------------------------------------------------------------
    def h(self, text: str) -> None:
        self.blocks.append(Heading(text))

    def p(self, text: str) -> None:
        if text:
            self.blocks.append(Para(text))

    def sides(self, key: str) -> list[str | None]:
        if key in self.case.both:
            return ["right", "left"]
        return [self.case.side.get(key)]

    def truth_side(self, key: str) -> str | None:
        """The laterality the truth records for a part as part_label writes it."""
        s = self.sides(key)
        if s == ["right", "left"]:
            return "bilateral"
        return s[0]

    def part_label(self, key: str) -> str:
        s = self.sides(key)
        base = {
            "cervical": "neck",
            "thoracic": "mid back",
            "lumbar": "low back",
            "psyche": "psyche",
            "sleep": "sleep",
            "head": "head (headaches)",
            "hypertension": "blood pressure",
            "gerd": "stomach",
            "sexual": "sexual function",
        }.get(key, key)
        if s == ["right", "left"]:
            return f"right and left {base}s" if not base.endswith("s") else f"both {base}"
        if s[0] == "bilateral":
            return f"bilateral {base}s"
        if s[0]:
            return f"{s[0]} {base}"
        return base

    def injured_parts(self) -> str:
        labels = [self.part_label(k) for k in self.case.parts]
        return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]

    def doi_text(self, writer: DateWriter | None = None) -> str:
        d = writer or self.d
        out = []
        for inj in self.case.injuries:
            if inj.type == "specific":
                out.append(d(inj.start))
            else:
                end = inj.end or inj.start
                out.append(
                    self.rng.choice(
                        [
                            f"CT {d(inj.start)} to {d(end)}",
                            f"CT {d(inj.start)} through {d(end)}",
                            f"{d(inj.start)} - {d(end)} (CT)",
                            f"cumulative trauma {d(inj.start)} through {d(end)}",
                        ]
                    )
                )
        return "; ".join(out)

    def doi_prose(self) -> str:
        parts = []
        for inj in self.case.injuries:
            if inj.type == "specific":
                parts.append(
                    self.rng.choice(
                        [
                            f"a specific injury on {self.d(inj.start)}",
                            f"an injury of {self.d(inj.start)}",
                            f"a specific injury that occurred on {self.d(inj.start)}",
                        ]
                    )
                )
            else:
                end = inj.end or inj.start
                parts.append(
                    self.rng.choice(
                        [
                            f"a cumulative trauma injury from {self.d(inj.start)} to {self.d(end)}",
                            f"cumulative trauma during the period {self.d(inj.start)} through {self.d(end)}",
                            f"a continuous trauma claim beginning {self.d(inj.start)} and cumulatively through {self.d(end)}",
                            f"a CT claim for the period {self.d(inj.start)} to {self.d(end)}",
                        ]
                    )
                )
        return " and ".join(parts)

    def dob(self) -> str:
        return self.d(self.a.dob)

    def age(self, at: date) -> int:
        b = self.a.dob
        return at.year - b.year - ((at.month, at.day) < (b.month, b.day))

    # --- fillers ---------------------------------------------------------------------------------
    def history(self) -> None:
        c, a, rng = self.case, self.a, self.rng
        first = c.injuries[0]
        mech = rng.choice(
            [
                "lifting a heavy box from the floor",
                "slipping on a wet floor and falling onto outstretched hands",
                "transferring a patient from a bed to a wheelchair",
                "pulling a loaded pallet jack",
                "stepping off a loading dock",
                "being struck by a falling crate",
                "twisting while carrying a ladder",
                "restraining a combative individual",
                "a rear-end collision while driving a company vehicle",
            ]
        )
        if first.type == "specific":
            msk = [k for k in c.parts if k not in NON_MSK]
            felt = (
                f"{cap(a.he)} felt immediate pain in the {self.part_label(msk[0])} and reported the injury to {a.his} supervisor the same day."
                if msk
                else f"In the months that followed, {a.he} developed {self.non_msk_symptoms()} as a consequence of the injury and the chronic pain that followed."
            )
            self.p(
                f"{cap(self.c.who)} reports that on {self.d(first.start)}, while working as {_an(c.occupation)} for {c.employer}, {a.he} was injured while {mech}. {felt}"
            )
        else:
            self.p(
                f"{cap(self.c.who)} attributes {a.his} complaints to the repetitive duties of {a.his} job as {_an(c.occupation)} for {c.employer}, which included {c.job_duties}. "
                f"{cap(a.he)} claims {self.doi_prose()}. Symptoms developed gradually over several years."
            )
        if len(c.injuries) > 1:
            self.p(f"The claims before me are {self.doi_prose()}.")
        proc_key = next((k for k in c.parts if k in PROCEDURES), None)
        ttd_start = first.start + timedelta(days=rng.randint(1, 20))
        ttd_end = ttd_start + timedelta(days=rng.randint(40, 200))
        self.p(
            f"{cap(a.he)} was seen at {rng.choice(['an occupational medicine clinic', 'the company clinic', 'an urgent care center'])} and was treated with "
            f"{rng.choice(['ice, NSAIDs and modified duty', 'physical therapy and medication', 'a brace, medication and therapy'])}. "
            f"{cap(a.he)} was temporarily totally disabled from {self.d(ttd_start)} through {self.d(ttd_end)}, and then returned to modified duty. "
            f"{cap(a.he)} later came under the care of {c.ptp.dr} as the primary treating physician."
        )
        if proc_key and rng.random() < 0.6:
            sd = ttd_start + timedelta(days=rng.randint(60, 300))
            self.p(
                f"On {self.d(sd)}, {a.he} underwent {PROCEDURES[proc_key]}, which provided {rng.choice(['partial', 'moderate', 'minimal', 'good'])} relief. "
                f"Post-operative therapy consisted of {rng.randint(12, 36)} sessions."
            )
        if c.kind in ("panel_qme", "ame", "supplemental") and rng.random() < 0.7:
            trap_d = first.start + timedelta(days=rng.randint(200, 500))
            other_w = rng.randint(3, 15)
            self.p(
                rng.choice(
                    [
                        f"According to {a.his} report, {c.ptp.dr} found {a.him} permanent and stationary on {self.d(trap_d)} and assigned {other_w}% WPI; {a.he} disagreed and an evaluation was requested.",
                        f"{cap(a.he)} was declared P&S by {a.his} treating physician, {c.ptp.dr}, on {self.d(trap_d)}, with {other_w}% whole person impairment.",
                        f"{c.ptp.dr} reportedly considered {a.him} MMI as of {self.d(trap_d)}.",
                    ]
                )
            )
            # The WPI is stated without a body part: only the MMI is a finding a paralegal can record.
            self.case.cited.append(_cited(c.ptp, "PTP", None, ("reached", trap_d)))
            self.case.traps.append("history_other_mmi")
        if rng.random() < 0.2:
            yr = first.start.year - rng.randint(3, 12)
            self.p(
                f"{cap(a.he)} has a prior industrial claim: in {yr} {a.he} received a Stipulated Award of {rng.randint(8, 30)}% permanent disability "
                f"for the {self.part_label(c.parts[0])}, and is not aware of any other prior awards (Labor Code section 4664)."
            )
            self.case.traps.append("prior_award_pd")

    def non_msk_symptoms(self) -> str:
        syms = {
            "psyche": "depression and anxiety",
            "sleep": "difficulty sleeping",
            "head": "recurring headaches",
            "hypertension": "elevated blood pressure",
            "gerd": "heartburn and acid reflux",
            "sexual": "sexual dysfunction",
        }
        found = [syms[k] for k in self.case.parts if k in syms]
        return " and ".join(found) or "symptoms"

    def job(self) -> None:
        c, a = self.case, self.a
        hire = c.injuries[0].start - timedelta(days=self.rng.randint(400, 5000))
        self.p(
            f"{cap(a.he)} was hired by {c.employer} on {self.d(hire)} as {_an(c.occupation)}. {cap(a.his)} duties included {c.job_duties}. "
            f"{cap(a.he)} worked {self.rng.choice(['8', '10', '8 to 10', '12'])} hours per day, {self.rng.choice(['five', 'five to six', 'four'])} days per week. "
            f"{cap(a.his)} last day worked was {self.d(c.injuries[-1].end or c.injuries[-1].start + timedelta(days=self.rng.randint(1, 90)))}."
        )

    def complaints(self) -> None:
        c, a, rng = self.case, self.a, self.rng
        items = []
        for k in c.parts:
            lvl = rng.randint(3, 9)
            if k in NON_MSK:
                items.append(
                    rng.choice(
                        {
                            "psyche": [
                                f"Psyche: depressed mood, crying spells, irritability and poor concentration since the injury; {a.he} rates {a.his} depression {lvl}/10.",
                                "Psyche: anxiety, worry about finances, and loss of interest in activities.",
                            ],
                            "sleep": [
                                f"Sleep: difficulty falling and staying asleep; sleeps {rng.randint(3, 5)} hours per night because of pain."
                            ],
                            "head": [
                                f"Headaches: {rng.randint(2, 5)} per week, {lvl}/10, lasting several hours."
                            ],
                            "hypertension": [
                                f"Blood pressure: elevated readings since the injury; takes lisinopril {rng.choice([10, 20])} mg daily."
                            ],
                            "gerd": [
                                "Stomach: heartburn and acid reflux after meals, which began after starting anti-inflammatory medication."
                            ],
                            "sexual": [
                                "Sexual function: decreased libido and erectile difficulty since the injury."
                            ],
                        }[k]
                    )
                )
                continue
            items.append(
                rng.choice(
                    [
                        f"{cap(self.part_label(k))}: constant pain rated {lvl}/10, increasing to {min(10, lvl + 2)}/10 with activity.",
                        f"{cap(self.part_label(k))}: intermittent aching, {lvl}/10 on average, worse with prolonged positions.",
                        f"{cap(self.part_label(k))}: {lvl} out of 10 pain, with stiffness in the morning.",
                    ]
                )
            )
        self.blocks.append(Bullets(items, numbered=rng.random() < 0.4))
        self.p(
            f"{cap(a.he)} reports difficulty with {', '.join(rng.sample(['sleeping', 'household chores', 'lifting groceries', 'driving more than 30 minutes', 'dressing', 'yard work', 'sitting through a movie', 'concentrating'], 3))}. "
            f"{cap(a.he)} takes {rng.choice(['ibuprofen 800 mg twice daily', 'naproxen 550 mg', 'tramadol 50 mg as needed', 'cyclobenzaprine at night', 'no medication'])}."
        )

    def medical_history(self) -> None:
        a, rng = self.a, self.rng
        sy = rng.randint(1995, 2018)
        self.p(
            f"Past medical history: {rng.choice(['non-contributory', 'diabetes mellitus type 2, diet controlled', 'hyperlipidemia', 'asthma since childhood', 'hypothyroidism'])}. "
            f"Surgical history: {rng.choice(['appendectomy', 'cholecystectomy', 'tonsillectomy', 'cesarean section', 'left inguinal hernia repair'])} in {sy}. "
            f"Prior injuries: {rng.choice(['denies prior work injuries', 'a nonindustrial motor vehicle accident in ' + str(sy + 2) + ' with neck strain that resolved', 'a prior ankle sprain playing soccer'])}. "
            f"Allergies: {rng.choice(['NKDA', 'penicillin', 'sulfa drugs'])}. Social history: {rng.choice(['does not smoke', 'smokes half a pack per day', 'drinks socially'])}; "
            f"{a.he} is {rng.choice(['married with two children', 'single', 'divorced, with one adult son', 'widowed'])}. Date of birth: {self.dob()}."
        )

    def exam(self) -> None:
        c, a, rng = self.case, self.a, self.rng
        bp = f"{rng.randint(118, 158)}/{rng.randint(72, 98)}"
        self.p(
            f"Vital signs: height {rng.randint(60, 74)} inches, weight {rng.randint(120, 260)} pounds, blood pressure {bp}, pulse {rng.randint(60, 92)}. "
            f"{cap(a.he)} is a {self.age(c.exam_date or c.report_date)}-year-old {'right' if rng.random() < 0.85 else 'left'}-hand-dominant {'man' if a.sex == 'M' else 'woman'} in no acute distress."
        )
        for k in c.parts:
            if k in DRE:
                region = {
                    "cervical": (
                        "Cervical",
                        ["Flexion", "Extension", "Right rotation", "Left rotation"],
                        [50, 60, 80, 80],
                    ),
                    "thoracic": ("Thoracic", ["Flexion", "Right rotation", "Left rotation"], [45, 30, 30]),
                    "lumbar": (
                        "Lumbar",
                        ["Flexion", "Extension", "Right lateral bending", "Left lateral bending"],
                        [60, 25, 25, 25],
                    ),
                }[k]
                rows = [
                    [m, f"{int(n * rng.uniform(0.5, 0.95))}", f"{n}"]
                    for m, n in zip(region[1], region[2], strict=True)
                ]
                self.blocks.append(Heading(f"{region[0]} Spine", level=2))
                self.blocks.append(Table(["Motion", "Measured (degrees)", "Normal (degrees)"], rows))
                self.p(
                    f"There is {rng.choice(['mild', 'moderate'])} paraspinal tenderness with {rng.choice(['guarding', 'no spasm', 'spasm'])}. "
                    f"Straight leg raise is {rng.choice(['negative bilaterally', 'positive on the right at 60 degrees', 'equivocal'])}. Reflexes are 2+ and symmetric."
                )
            elif k in ("shoulder", "elbow", "wrist", "hand", "thumb"):
                self.blocks.append(Heading(f"Upper Extremities ({self.part_label(k)})", level=2))
                r, left = rng.randint(14, 30), rng.randint(28, 46)
                loss = round(100 * (1 - r / left))
                self.p(
                    f"Grip strength (Jamar dynamometer, position 2, three trials): right {r}/{r + 2}/{r - 1} kg, left {left}/{left - 2}/{left + 1} kg, "
                    f"a {loss}% loss of grip strength. Tinel's sign is {rng.choice(['positive', 'negative'])} at the wrist; Phalen's test is {rng.choice(['positive at 30 seconds', 'negative'])}."
                )
                self.case.traps.append("grip_strength")
                if k == "shoulder":
                    self.blocks.append(
                        Table(
                            ["Shoulder motion", "Right", "Left", "Normal"],
                            [
                                [
                                    m,
                                    str(int(n * rng.uniform(0.6, 1))),
                                    str(int(n * rng.uniform(0.7, 1))),
                                    str(n),
                                ]
                                for m, n in [
                                    ("Flexion", 180),
                                    ("Extension", 50),
                                    ("Abduction", 180),
                                    ("Adduction", 40),
                                    ("Internal rotation", 80),
                                    ("External rotation", 90),
                                ]
                            ],
                        )
                    )
            elif k in ("knee", "hip", "ankle"):
                self.blocks.append(Heading(f"Lower Extremities ({self.part_label(k)})", level=2))
                self.p(
                    f"Gait is {rng.choice(['antalgic', 'normal', 'slightly antalgic favoring the injured side'])}. {cap(k)} flexion is {rng.randint(95, 130)} degrees "
                    f"(normal 140 for the knee). There is {rng.choice(['medial joint line tenderness', 'crepitus', 'no effusion', 'trace effusion'])}. "
                    f"Thigh circumference 10 cm above the patella: right {rng.randint(42, 52)} cm, left {rng.randint(42, 52)} cm."
                )
            elif k == "psyche":
                self.blocks.append(Heading("Mental Status Examination", level=2))
                self.p(
                    f'{cap(a.he)} was casually dressed and cooperative. Mood was described as "{rng.choice(["depressed", "anxious", "stressed out", "down"])}"; affect was constricted. '
                    f"Thought process was linear. No suicidal ideation. Beck Depression Inventory-II score {rng.randint(18, 40)}; Beck Anxiety Inventory {rng.randint(12, 35)}. "
                    f"MMPI-2-RF validity scales were within acceptable limits."
                )
            else:
                self.p(
                    f"Examination related to the {self.part_label(k)}: {rng.choice(['unremarkable except as noted', 'see the diagnostic studies', 'consistent with the history'])}."
                )

    def studies(self) -> None:
        c, rng = self.case, self.rng
        items = []
        base = c.injuries[0].start
        for k in c.parts:
            dd = self.d(base + timedelta(days=rng.randint(20, 400)))
            if k in DRE:
                lvl = {"cervical": "C5-C6", "thoracic": "T7-T8", "lumbar": "L4-L5"}[k]
                items.append(
                    f"MRI of the {k} spine dated {dd}: {rng.choice(['3 mm', '4 mm', '2-3 mm'])} disc protrusion at {lvl} with {rng.choice(['mild', 'moderate'])} foraminal narrowing."
                )
            elif k in ("shoulder", "knee", "hip", "ankle", "wrist", "elbow"):
                items.append(
                    f"MRI of the {self.part_label(k)} dated {dd}: {rng.choice(['partial-thickness tear', 'degenerative signal', 'small joint effusion', 'tendinosis'])}."
                )
            elif k == "psyche":
                items.append("Psychological testing administered on the date of examination (see above).")
            elif k == "hypertension":
                items.append(f"EKG dated {dd}: normal sinus rhythm, borderline left ventricular hypertrophy.")
            elif k == "sleep":
                items.append(f"Epworth Sleepiness Scale score {rng.randint(10, 18)}.")
        if any(k in ("wrist", "hand", "elbow", "cervical") for k in c.parts):
            items.append(
                f"EMG/NCV of the upper extremities dated {self.d(base + timedelta(days=rng.randint(60, 400)))}: {rng.choice(['mild bilateral carpal tunnel syndrome', 'normal study', 'mild right C6 radiculopathy'])}."
            )
        if items:
            self.blocks.append(Bullets(items))

    def records(self) -> None:
        """The records review: many entries, some quoting other physicians' MMI, WPI and apportionment."""
        c, rng, a = self.case, self.rng, self.a
        start = c.injuries[0].start
        end = (c.exam_date or c.report_date) - timedelta(days=5)
        span = max(30, (end - start).days)
        others = [c.ptp, *c.other_doctors]
        n = self.n_records
        dates = sorted(start + timedelta(days=rng.randint(0, span)) for _ in range(n))
        trap_slots = set(rng.sample(range(n), k=min(n, max(1, n // 8)))) if n else set()
        entries: list[str] = []
        for i, dd in enumerate(dates):
            doc = rng.choice(others)
            ds = self.d(dd)
            k = rng.choice(c.parts)
            part = self.part_label(k)
            if i in trap_slots:
                w = rng.randint(2, 20)
                doc = rng.choice([o for o in others if k in SPECIALTIES[o.specialty][1]] or [c.ptp])
                part = self.part_label(k)
                canonical, side = CANONICAL[k], self.truth_side(k)
                # Drawn in the order the f-strings of the choice below used to draw them.
                ps_date = dd - timedelta(days=rng.randint(0, 60))
                ps_text = self.d(ps_date)
                nonind = rng.choice([10, 20, 25, 30])
                expr = wpi_expr(rng, w)
                lift = rng.choice([10, 15, 20])
                ind = rng.choice([70, 80, 90])
                pd = w + rng.randint(3, 12)
                imp: list[dict[str, object]] = [{"body_part": canonical, "laterality": side, "wpi": w}]
                variants: list[tuple[str, dict[str, object] | None]] = [
                    (
                        f"{ds} - {doc.name}, {doc.specialty}: Panel QME report. Found the applicant permanent and stationary on {ps_text} with {w}% WPI for the {part}. Apportioned {nonind}% to nonindustrial factors.",
                        _cited(doc, "QME", dd, ("reached", ps_date), imp, 100 - nonind),
                    ),
                    (
                        f"{ds} - PR-4 by {doc.dr}. Patient declared P&S/MMI as of {ds}. {cap(part)}: {expr}. Future medical: yes. Restrictions: no lifting over {lift} pounds.",
                        _cited(doc, "PTP", dd, ("reached", dd), imp),
                    ),
                    (
                        f"{ds} - {doc.dr}'s report: the applicant reached maximum medical improvement on {ds}; {w}% whole person impairment of the {part}; {ind}% industrial.",
                        _cited(doc, None, dd, ("reached", dd), imp, ind),
                    ),
                    (
                        f"{ds} - Prior AME report, {doc.name} Dr. {doc.last} found {a.him} MMI effective {ds}, rated the {part} at {w}% WPI, and found no basis for apportionment.",
                        _cited(doc, "AME", dd, ("reached", dd), imp),
                    ),
                    (
                        f"{ds} - Deposition of {doc.dr}. {doc.dr} testified that the applicant was not yet MMI and that {a.his} {part} would likely rate {w}% WPI once stationary.",
                        _cited(doc, None, dd, ("not_reached", None)),
                    ),
                    (
                        f"{ds} - Rating by the Disability Evaluation Unit: {w}% WPI for the {part}, rating {pd}% permanent disability after adjustment.",
                        None,  # a rater, not a physician
                    ),
                ]
                text, cited = rng.choice(variants)
                entries.append(text)
                if cited is not None:
                    c.cited.append(cited)
                c.traps.append("records_other_mmi_wpi")
                continue
            kind = rng.random()
            if kind < 0.35:
                entries.append(
                    f"{ds} - PR-2, {c.ptp.name} (PTP). Subjective: {part} pain {rng.randint(3, 9)}/10. Objective: {rng.choice(['tenderness', 'decreased range of motion', 'positive impingement sign', 'antalgic gait'])}. "
                    f"Plan: {rng.choice(['continue physical therapy', 'request MRI', 'refill medications', 'acupuncture x 6', 'refer to pain management'])}. "
                    f"Work status: {rng.choice(['TTD', 'modified duty', 'TTD through ' + self.d(dd + timedelta(days=rng.randint(14, 45))), 'regular work'])}. Not P&S."
                )
                c.cited.append(_cited(c.ptp, "PTP", dd, ("not_reached", None)))
            elif kind < 0.5:
                entries.append(
                    f"{ds} - Physical therapy daily note, visit {rng.randint(1, 12)} of {rng.choice([12, 18, 24])}. {cap(part)} pain {rng.randint(2, 8)}/10. Tolerated therapeutic exercise."
                )
            elif kind < 0.6:
                entries.append(
                    f"{ds} - Utilization Review determination: request for {rng.choice(['MRI', 'acupuncture', 'epidural injection', 'TENS unit', 'physical therapy x 12'])} {rng.choice(['certified', 'non-certified', 'modified'])}."
                )
            elif kind < 0.7:
                entries.append(
                    f"{ds} - Diagnostic report: {rng.choice(['X-rays', 'MRI', 'CT scan', 'ultrasound'])} of the {part}. Impression: {rng.choice(['no acute fracture', 'mild degenerative change', 'disc bulge', 'tendinosis', 'normal study'])}."
                )
            elif kind < 0.78:
                entries.append(
                    f"{ds} - Employer's First Report of Occupational Injury (Form 5020) and DWC-1 claim form. Describes injury to the {part}."
                )
            elif kind < 0.86:
                entries.append(
                    f"{ds} - Consultation, {doc.name} ({doc.specialty}). History as above. Recommended {rng.choice(['conservative care', 'surgical consultation', 'injection', 'psychological evaluation'])}."
                )
            elif kind < 0.93:
                entries.append(
                    f"{ds} - Pharmacy records: {rng.choice(['ibuprofen', 'tramadol', 'gabapentin', 'sertraline', 'omeprazole', 'cyclobenzaprine'])} dispensed."
                )
            else:
                entries.append(
                    f"{ds} - Deposition transcript of the applicant, {rng.randint(40, 160)} pages. Testified regarding job duties and prior injuries."
                )
        if entries:
            if rng.random() < 0.5:
                for e in entries:
                    self.p(e)
            else:
                self.blocks.append(Bullets(entries))

    def diagnoses(self) -> None:
        items = []
        for k in self.case.parts:
            for s in self.sides(k):
                dx = self.rng.choice(DIAGNOSES[k])
                items.append(dx.replace("{Side}", cap(s or "")).strip())
        self.blocks.append(Bullets(items, numbered=True))

    def causation(self) -> None:
        a = self.a
        self.p(
            self.rng.choice(
                [
                    f"Based on the history, the mechanism of injury and the medical records, it is my opinion within reasonable medical probability that {a.his} injury to the {self.injured_parts()} arose out of and occurred in the course of employment (AOE/COE).",
                    f"The injury to the {self.injured_parts()} is industrial. The mechanism described is consistent with the diagnoses and the findings on examination.",
                    f"Causation of injury: industrial, for the {self.injured_parts()}.",
                ]
            )
        )

    # --- the facts ---------------------------------------------------------------------------------
    def mmi_section(self, heading: str) -> None:
        text = mmi_paragraph(self.c)
        if text:
            self.h(heading)
            self.p(text)

    def impairment_section(self) -> None:
        c, rng = self.case, self.rng
        if not c.ratings:
            if c.mmi_status == "not_reached":
                self.h("Impairment Rating")
                self.p(
                    rng.choice(
                        [
                            "As the applicant is not MMI, an impairment rating is deferred.",
                            "Impairment cannot be rated until the applicant reaches MMI.",
                            "Deferred.",
                        ]
                    )
                )
            return
        self.h(
            rng.choice(
                [
                    "Impairment Rating",
                    "Whole Person Impairment",
                    "Permanent Impairment",
                    "Rating",
                    "Impairment",
                ]
            )
        )
        self.p("All ratings are per the AMA Guides to the Evaluation of Permanent Impairment, Fifth Edition.")
        shape = rng.choices(["prose", "prose_table", "table_only"], weights=[5, 4, 2])[0]
        use_table = shape != "prose"
        for r in c.ratings if shape != "table_only" else []:
            paras = rating_paragraphs(self.c, r)
            if rng.random() < 0.5 and not paras[0].lower().startswith(r.label.lower()):
                base = (
                    r.label.removeprefix(f"{r.laterality} ") if r.laterality in ("left", "right") else r.label
                )
                head = rng.choice(
                    [
                        cap(r.label) + ":",
                        r.label.upper(),
                        f"{cap(base)}, {r.laterality}:",
                        f"{cap(base)} ({cap(r.laterality)})",
                    ]
                    if r.laterality in ("left", "right")
                    else [cap(r.label) + ":", r.label.upper()]
                )
                self.blocks.append(Heading(head, level=2))
            for t in paras:
                self.p(t)
        if use_table:
            rows = [[cap(r.label), _method(r), _table_ref(r), f"{r.wpi}%"] for r in c.ratings]
            if c.combined is not None and rng.random() < 0.6:
                rows.append(
                    ["Combined" if c.combine_method != "kite" else "Total (added)", "", "", f"{c.combined}%"]
                )
            hdr = rng.choice(
                [
                    ["Body Part", "Method", "Table/Figure", "WPI"],
                    ["Body part", "Rating method", "AMA Guides reference", "% WPI"],
                    ["Region", "Method", "Reference", "Whole Person Impairment"],
                ]
            )
            self.p(
                rng.choice(["The ratings are summarized below:", "Summary of impairment:", "Summary table:"])
                if shape == "prose_table"
                else rng.choice(
                    [
                        "My impairment ratings are as follows:",
                        f"I rate {self.a.his} permanent impairment as follows:",
                        "Whole person impairment by body part:",
                    ]
                )
            )
            if shape == "table_only":
                c.traps.append("wpi_table_only")
            self.blocks.append(Table(hdr, rows))
        comb = combined_paragraph(self.c)
        if comb:
            self.p(comb)
        if c.kind in ("panel_qme", "ame") and rng.random() < 0.4:
            pd = min(99, (c.combined or c.ratings[0].wpi) + rng.randint(3, 15))
            self.p(
                rng.choice(
                    [
                        f"For the parties' information, after adjustment for diminished future earning capacity, occupation and age, and after apportionment, this would rate approximately {pd}% permanent disability (PD). The rating is for the parties and the DEU to determine.",
                        f"By my calculation the formula rating is {pd}% PD after apportionment; this is not a whole person impairment.",
                    ]
                )
            )
            c.traps.append("pd_percentage")

    def apportionment_section(self) -> None:
        c, rng = self.case, self.rng
        if not c.apportionment:
            if c.mmi_status == "not_reached":
                self.h("Apportionment")
                self.p("Apportionment is deferred until the applicant reaches MMI.")
            return
        self.h(
            rng.choice(
                [
                    "Apportionment",
                    "Apportionment (Labor Code 4663 and 4664)",
                    "Causation of Permanent Disability / Apportionment",
                ]
            )
        )
        self.p(
            rng.choice(
                [
                    "Labor Code section 4663 requires that apportionment be based on causation of the permanent disability. I have considered Escobedo v. Marshalls.",
                    "Apportionment is addressed pursuant to Labor Code sections 4663 and 4664 and the Escobedo decision.",
                    "I have reviewed the records for evidence of pre-existing pathology and prior awards.",
                ]
            )
        )
        for t in apportionment_paragraphs(self.c):
            self.p(t)

    def restrictions_section(self) -> None:
        c, rng = self.case, self.rng
        self.h(
            rng.choice(
                ["Work Restrictions", "Work Status", "Preclusions / Work Restrictions", "Return to Work"]
            )
        )
        if not c.restrictions:
            self.p(
                rng.choice(
                    [
                        f"{cap(self.c.who)} may return to full duty without restrictions.",
                        "No work restrictions are necessary.",
                        "There are no permanent work restrictions.",
                    ]
                )
            )
            return
        self.p(
            rng.choice(
                [
                    "The following work restrictions apply:",
                    "I recommend the following permanent restrictions:",
                    f"{cap(self.c.who)} is restricted as follows:",
                    "Restrictions:",
                ]
            )
        )
        if rng.random() < 0.75:
            self.blocks.append(Bullets(list(c.restrictions), numbered=rng.random() < 0.4))
        else:
            self.p(" ".join(c.restrictions))

    def future_section(self) -> None:
        text = future_medical_paragraph(self.c)
        if text:
            self.h(self.rng.choice(["Future Medical Care", "Future Medical Treatment", "Future Medical"]))
            self.p(text)

    def declaration(self) -> None:
        ev = self.case.evaluator
        self.h("Declaration")
        self.p(
            self.rng.choice(
                [
                    "I declare under penalty of perjury that the information contained in this report and its attachments, if any, is true and correct to the best of my knowledge and belief, except as to information that I have indicated I received from others, and as to that information, I declare under penalty of perjury that the information accurately describes the information provided to me and, except as noted herein, that I believe it to be true.",
                    "I declare under penalty of perjury under the laws of the State of California that the foregoing is true and correct (Labor Code section 4628(j)). I have not violated Labor Code section 139.3, and the contents of this report are true and correct to the best of my knowledge.",
                ]
            )
        )
        loc = self.rng.choice(names.CITIES)
        self.blocks.append(
            Signature(
                [
                    ev.name,
                    self.rng.choice(
                        [
                            ev.specialty,
                            f"Diplomate, American Board of {ev.specialty}",
                            f"Qualified Medical Evaluator, {ev.specialty}",
                        ]
                    ),
                ],
                place_date=f"Executed at {loc[0]}, California, on {self.d(self.case.report_date)}.",
            )
        )

    # --- whole documents -------------------------------------------------------------------------------
    def title_for(self) -> TitleBlock:
        c, rng = self.case, self.rng
        spec = c.evaluator.specialty
        if c.kind == "panel_qme":
            t = rng.choice(
                [
                    "PANEL QUALIFIED MEDICAL EVALUATION",
                    "Comprehensive Medical-Legal Evaluation",
                    "PANEL QME REPORT",
                    "INITIAL PANEL QUALIFIED MEDICAL EVALUATION",
                ]
            )
            sub = [rng.choice(["ML-102", "ML-103", "ML-104"]) + f" - {spec}"]
        elif c.kind == "ame":
            t = rng.choice(
                [
                    "AGREED MEDICAL EVALUATION",
                    "Agreed Medical Examiner's Report",
                    "COMPREHENSIVE AGREED MEDICAL EVALUATION",
                ]
            )
            sub = [spec]
        elif c.kind == "supplemental":
            t = rng.choice(
                [
                    "SUPPLEMENTAL REPORT",
                    "Supplemental Medical-Legal Report",
                    "SUPPLEMENTAL REPORT - REVIEW OF RECORDS",
                ]
            )
            sub = [
                ("Agreed Medical Evaluator" if c.extra_type == "AME" else "Panel Qualified Medical Evaluator")
                + f" - {spec}",
                "ML-106",
            ]
        else:
            t = rng.choice(
                [
                    "PRIMARY TREATING PHYSICIAN'S PERMANENT AND STATIONARY REPORT",
                    "Treating Physician's Narrative Report - Permanent and Stationary",
                    "PERMANENT AND STATIONARY EVALUATION",
                    "Primary Treating Physician's Final Report",
                ]
            )
            sub = [spec]
        return TitleBlock(t, sub)

    def header_block(self) -> None:
        c, rng = self.case, self.rng
        claim_line = ", ".join(c.claim_numbers)
        adj_line = ", ".join(c.case_numbers)
        if (
            self.style in ("numbered_sans", "typed_courier")
            and c.kind != "supplemental"
            and rng.random() < 0.7
        ):
            # A letter with a prose introduction.
            self.p(self.d(c.report_date))
            self.p(f"{rng.choice(names.ATTORNEY_FIRMS)}\n{rng.choice(names.ATTORNEY_FIRMS)}\n{c.insurer}")
            self.p(
                f"RE: {c.applicant.full}; Employer: {c.employer}; Claim No.: {claim_line}; WCAB No.: {adj_line}"
            )
            role = {"panel_qme": "Panel Qualified Medical Evaluator", "ame": "Agreed Medical Evaluator"}.get(
                c.kind, "primary treating physician"
            )
            exam = self.d(c.exam_date) if c.exam_date else ""
            self.p(
                f"Dear Counsel: I evaluated {c.applicant.full}, date of birth {self.dob()}, on {exam} in my {rng.choice(names.CITIES)[0]} office, in my capacity as {role} in {c.evaluator.specialty}, "
                f"regarding {self.doi_prose()} while employed by {c.employer}. The evaluation lasted {rng.randint(45, 120)} minutes face to face."
            )
            return
        pairs = [
            ("Applicant", c.applicant.full),
            ("Date of Birth", self.dob()),
            ("Employer", c.employer),
            ("Claims Administrator", c.insurer),
            ("Claim No.", claim_line),
            ("WCAB Case No.", adj_line),
            ("Date(s) of Injury", self.doi_text()),
        ]
        if c.exam_date:
            pairs.append(
                (rng.choice(["Date of Evaluation", "Date of Examination", "Exam Date"]), self.d(c.exam_date))
            )
        elif c.prior_report_date:
            pairs.append(("Type of Report", "Supplemental report on review of records (no examination)"))
        pairs.append((rng.choice(["Date of Report", "Report Date", "Date"]), self.d(c.report_date)))
        if c.kind == "panel_qme":
            pairs.append(("Panel No.", str(rng.randint(7000000, 7999999))))
        rng.shuffle(pairs[2:5])
        self.blocks.append(
            KeyValues(
                pairs, columns=2 if self.style in ("roman_serif", "modern_rule") and rng.random() < 0.6 else 1
            )
        )

    def comprehensive(self) -> list[Block]:
        """A Panel QME / AME / narrative P&S report."""
        c, rng = self.case, self.rng
        self.blocks.append(self.title_for())
        self.header_block()
        self.h(rng.choice(["Introduction", "Identifying Information", "Preliminary Statement"]))
        self.p(
            f"{cap(c.applicant.full)} is a {self.age(c.exam_date or c.report_date)}-year-old {c.occupation} seen for "
            f"{_an(SPECIALTY_WORD[c.evaluator.specialty])} evaluation regarding {self.doi_prose()}. "
            f"Body parts claimed: {self.injured_parts()}. {rng.choice(['A certified Spanish interpreter was present.', 'No interpreter was needed.', 'The applicant was accompanied by a family member who remained in the waiting room.'])}"
        )
        self.h(rng.choice(["History of Injury", "History of Present Illness", "History"]))
        self.history()
        self.h(rng.choice(["Job Description", "Employment History"]))
        self.job()
        self.h(rng.choice(["Present Complaints", "Current Complaints", "Subjective Complaints"]))
        self.complaints()
        self.h(rng.choice(["Past Medical History", "Medical History"]))
        self.medical_history()
        if c.kind in ("panel_qme", "ame") or c.pages_target >= 6 or rng.random() < 0.5:
            self.h(rng.choice(["Review of Medical Records", "Records Reviewed", "Review of Records"]))
            self.p(
                rng.choice(
                    [
                        "I have reviewed the following records:",
                        "The following records were provided and reviewed:",
                        f"Records received: {self.n_records} items, summarized below.",
                    ]
                )
            )
            self.records()
        self.h(rng.choice(["Physical Examination", "Examination", "Objective Findings"]))
        self.exam()
        self.h(rng.choice(["Diagnostic Studies", "Diagnostic Tests Reviewed"]))
        self.studies()
        self.h(rng.choice(["Diagnoses", "Diagnostic Impression", "Diagnosis"]))
        self.diagnoses()
        self.h(rng.choice(["Causation", "Injury AOE/COE", "Causation of Injury"]))
        self.causation()
        if c.kind != "ptp_narrative" and rng.random() < 0.6:
            self.h("Temporary Disability")
            td = c.injuries[0].start + timedelta(days=rng.randint(3, 30))
            self.p(
                f"{cap(self.c.who)} was temporarily totally disabled from {self.d(td)} to {self.d(td + timedelta(days=rng.randint(30, 180)))}."
            )
        self.mmi_section(
            rng.choice(
                [
                    "Permanent and Stationary Status",
                    "Maximum Medical Improvement",
                    "MMI / P&S Status",
                    "Disability Status",
                ]
            )
        )
        self.impairment_section()
        self.apportionment_section()
        self.restrictions_section()
        self.future_section()
        if rng.random() < 0.5:
            self.h(rng.choice(["Summary", "Conclusions", "Discussion"]))
            self.p(self.summary())
        self.declaration()
        return self.blocks

    def summary(self) -> str:
        c = self.case
        rng = self.rng
        bits = [f"{c.applicant.full} sustained {self.doi_prose()}."]
        if c.mmi_status == "reached" and c.mmi_date and rng.random() < 0.5:
            bits.append(f"{cap(c.applicant.he)} is permanent and stationary as of {self.d(c.mmi_date)}.")
        elif c.mmi_status == "not_reached":
            bits.append(f"{cap(c.applicant.he)} is not yet permanent and stationary.")
        if c.ratings and rng.random() < 0.6:
            bits.append("Impairment: " + "; ".join(f"{r.label} {r.wpi}% WPI" for r in c.ratings) + ".")
            c.traps.append("summary_restates")
        elif c.ratings:
            bits.append("My ratings are set out above.")
        bits.append("The remaining issues are for the parties and the trier of fact.")
        return " ".join(bits)

    def supplemental(self) -> list[Block]:
        c, rng = self.case, self.rng
        self.blocks.append(self.title_for())
        self.header_block()
        prior = self.d(c.prior_report_date) if c.prior_report_date else "my prior report"
        exam = self.d(c.seen or c.report_date)
        self.h(rng.choice(["Introduction", "Reason for Supplemental Report"]))
        self.p(
            f"This supplemental report is prepared at the request of {rng.choice(['applicant counsel', 'defense counsel', 'the claims administrator', 'both parties'])} "
            f"dated {self.d(c.report_date - timedelta(days=rng.randint(10, 40)))}, to review additional records and respond to questions. "
            f"I previously evaluated {c.applicant.full} on {exam} and issued my report dated {prior}. No examination was performed for this report."
        )
        self.h(rng.choice(["Records Reviewed", "Review of Additional Records"]))
        self.records()
        self.h(rng.choice(["Discussion", "Response to Questions"]))
        self.p(
            f"Question 1: Has the additional information changed your opinions? Answer: {rng.choice(['In part, as discussed below.', 'No, except as stated below.', 'Please see the discussion below.'])}"
        )
        if c.mmi_variant == "not_stated":
            self.p(
                f"Question 2: Is {rng.choice(['the requested MRI', 'the proposed surgery', 'continued acupuncture'])} reasonable? Answer: Yes, it is reasonable and necessary to cure or relieve the effects of the industrial injury."
            )
            self.p(
                f"Question 3: Is the {self.part_label(c.parts[0])} a compensable consequence? Answer: {rng.choice(['Yes', 'No'])}, for the reasons given in my prior report."
            )
        else:
            self.mmi_section(rng.choice(["MMI Status", "Permanent and Stationary Status"]))
            if c.ratings and rng.random() < 0.5 and c.mmi_variant == "revised":
                r = c.ratings[0]
                self.p(
                    f"In my prior report I estimated that the {r.label} would rate approximately {max(1, r.wpi - 2)}% WPI once stationary; my final rating follows."
                )
                c.traps.append("supplemental_prior_estimate")
            self.impairment_section()
            self.apportionment_section()
            if c.restrictions:
                self.restrictions_section()
            self.future_section()
        if c.mmi_variant == "not_stated" and c.restrictions:
            self.restrictions_section()
        self.declaration()
        return self.blocks

    def pr4(self) -> list[Block]:
        """A DWC PR-4 form front section, then the narrative findings."""
        c, rng = self.case, self.rng
        f = self.d.form
        self.blocks.append(
            TitleBlock(
                "PRIMARY TREATING PHYSICIAN'S PERMANENT AND STATIONARY REPORT (PR-4)",
                ["State of California, Division of Workers' Compensation", "For dates use mm/dd/yyyy"],
            )
        )
        last_exam = (c.exam_date or c.report_date) - timedelta(days=rng.randint(20, 60))
        spec_doi = next((i for i in c.injuries if i.type == "specific"), c.injuries[0])
        doi = (
            f(spec_doi.start)
            if spec_doi.type == "specific"
            else f"CT {f(spec_doi.start)} - {f(spec_doi.end or spec_doi.start)}"
        )
        mmi = f(c.mmi_date) if c.mmi_date else ""
        if c.mmi_month:
            mmi = f"{c.mmi_month.month:02d}/{c.mmi_month.year}"
        rows = [
            [
                ("Patient (Last)", c.applicant.last),
                ("First", c.applicant.first),
                ("Sex", c.applicant.sex),
                ("Date of Birth", f(c.applicant.dob)),
            ],
            [("Claims Administrator", c.insurer), ("Claim Number", ", ".join(c.claim_numbers))],
            [("Employer", c.employer), ("WCAB Case No.", ", ".join(c.case_numbers))],
            [
                ("Date of Injury", doi),
                ("Last Date Worked", f(spec_doi.start + timedelta(days=rng.randint(1, 60)))),
            ],
            [
                ("Date of Last Exam", f(last_exam)),
                ("Date of Current Exam", f(c.exam_date or c.report_date)),
                ("Permanent & Stationary Date", mmi),
            ],
        ]
        if len(c.injuries) > 1:
            rows[3].insert(
                1,
                (
                    "Additional DOI",
                    "; ".join(
                        f"CT {f(i.start)} - {f(i.end or i.start)}" if i.type == "cumulative" else f(i.start)
                        for i in c.injuries[1:]
                    ),
                ),
            )
        self.blocks.append(FormGrid(rows, title="Patient / Claim Information"))
        self.p(
            "Complete this form for patients who are permanent and stationary (have reached maximal medical improvement). Attach additional pages as necessary."
        )
        self.h("Subjective Complaints")
        self.complaints()
        self.h("Objective Findings")
        self.exam()
        self.h("Diagnoses")
        self.diagnoses()
        self.h("History of Injury")
        self.history()
        self.h("Prior Medical Records")
        self.records()
        self.h("Permanent and Stationary Status")
        if rng.random() < 0.5:
            self.p(
                "Has the patient's condition reached maximal medical improvement (MMI)?   [X] Yes   [ ] No"
            )
        self.p(mmi_paragraph(self.c))
        self.impairment_section()
        self.apportionment_section()
        self.restrictions_section()
        self.future_section()
        self.declaration()
        return self.blocks

    def pr2(self) -> list[Block]:
        """A DWC PR-2 progress report."""
        c, rng = self.case, self.rng
        f = self.d.form
        self.blocks.append(
            TitleBlock(
                "PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2)",
                ["State of California, Division of Workers' Compensation"],
            )
        )
        self.blocks.append(
            FormGrid(
                [
                    [
                        ("[X] Periodic report (required 45 days after last report)", ""),
                        ("[ ] Change in treatment plan", ""),
                        ("[ ] Released from care", ""),
                        ("[ ] Change in work status", ""),
                    ],
                    [
                        ("[ ] Need for referral or consultation", ""),
                        ("[ ] Need for surgery or hospitalization", ""),
                        ("[ ] Info requested by", ""),
                        ("[ ] Other", ""),
                    ],
                ],
                title="Check the box(es) which indicate why you are submitting a report at this time.",
            )
        )
        inj = c.injuries[0]
        doi = f(inj.start) if inj.type == "specific" else f"CT {f(inj.start)} - {f(inj.end or inj.start)}"
        self.blocks.append(
            FormGrid(
                [
                    [
                        ("Patient (Last)", c.applicant.last),
                        ("First", c.applicant.first),
                        ("Date of Birth", f(c.applicant.dob)),
                    ],
                    [
                        ("Date of Injury", doi),
                        ("Occupation", c.occupation),
                        ("Phone", f"({rng.randint(200, 999)}) 555-{rng.randint(1000, 9999)}"),
                    ],
                    [("Claims Administrator", c.insurer), ("Claim Number", ", ".join(c.claim_numbers))],
                    [("Employer", c.employer), ("WCAB Case No.", ", ".join(c.case_numbers))],
                    [("Date of Exam", f(c.exam_date or c.report_date)), ("Date of Report", f(c.report_date))],
                ],
                title="Patient",
            )
        )
        if len(c.injuries) > 1:
            self.p(
                "Other claimed dates of injury: "
                + "; ".join(
                    f"CT {f(i.start)} through {f(i.end or i.start)}" if i.type == "cumulative" else f(i.start)
                    for i in c.injuries[1:]
                )
                + "."
            )
        self.h("Subjective Complaints")
        self.complaints()
        self.h("Objective Findings")
        self.exam()
        self.h("Diagnoses")
        self.diagnoses()
        self.h("Treatment Plan")
        self.p(
            rng.choice(
                [
                    "Continue physical therapy 2x/week for 6 weeks.",
                    "Request authorization for MRI.",
                    "Refill medications; home exercise program.",
                    "Request EMG/NCV of the upper extremities; acupuncture x 6.",
                ]
            )
        )
        if self.n_records > 8:
            self.h("Interval History / Records")
            self.records()
        self.h("Work Status")
        if c.restrictions:
            self.p(
                f"[ ] Remain off work until ____   [X] Return to modified work on {self.d(c.exam_date or c.report_date)} with the following limitations or restrictions:"
            )
            self.blocks.append(Bullets(list(c.restrictions)))
        else:
            off = self.d((c.exam_date or c.report_date) + timedelta(days=rng.randint(14, 45)))
            self.p(
                rng.choice(
                    [
                        f"[X] Remain off work until {off}.   [ ] Return to modified work.",
                        f"Patient is temporarily totally disabled (TTD) through {off}.",
                    ]
                )
            )
        m = mmi_paragraph(self.c)
        if m:
            self.h(rng.choice(["P&S Status", "Permanent and Stationary Status", "MMI"]))
            self.p(m)
        self.p(
            "I declare under penalty of perjury that this report is true and correct to the best of my knowledge and that I have not violated Labor Code section 139.3."
        )
        loc = rng.choice(names.CITIES)
        self.blocks.append(
            Signature(
                [
                    c.evaluator.name,
                    f"Specialty: {c.evaluator.specialty}",
                    f"Cal. License # {rng.choice('AGC')}{rng.randint(10000, 99999)}",
                ],
                place_date=f"Executed at: {loc[0]}, California   Date: {self.d(c.report_date)}",
            )
        )
        return self.blocks

    def build(self) -> list[Block]:
        """All the blocks of the report."""
        k = self.case.kind
        if k == "pr2":
            return self.pr2()
        if k == "pr4":
            return self.pr4()
        if k == "supplemental":
            return self.supplemental()
        return self.comprehensive()


def _an(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _method(r: Rating) -> str:
    d = r.details
    return {
        "dre": f"DRE Category {d.get('cat')}",
        "dre_rom": "DRE" if d.get("adopt") == "DRE" else "Range of Motion",
        "almaraz": "Almaraz/Guzman analogy" if d.get("adopt_alt") else "Strict rating",
        "uei": f"ROM, {d.get('uei')}% UEI",
        "digit": f"Digit, {d.get('digit')}%",
        "lei": f"{d.get('lei')}% LEI",
        "dbe": f"DBE, {d.get('lei')}% LE",
        "gaf": f"GAF {d.get('gaf')}",
        "class": f"Class {d.get('cls')}",
        "pain": "Chapter 18 pain",
    }.get(r.method, "")


def _table_ref(r: Rating) -> str:
    d = r.details
    if r.method == "gaf":
        return "PDRS psychiatric table"
    if r.method == "pain":
        return "Figure 18-1"
    if r.method == "digit":
        return "Tables 16-1 to 16-3"
    return str(d.get("table") or d.get("figs") or "")
