"""Many ways to write each fact: MMI, WPI, combining, apportionment, future care, and the traps."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sample_reports.corpus.dates import DateWriter, month_only
from sample_reports.corpus.facts import Case, Rating

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words(n: int) -> str:
    """A number 0-99 in words."""
    if n < 20:
        return _ONES[n]
    t, o = divmod(n, 10)
    return _TENS[t] + (f"-{_ONES[o]}" if o else "")


@dataclass
class Ctx:
    """What phrasing needs: the case, its random generator and its date writer."""

    case: Case
    rng: random.Random
    d: DateWriter

    @property
    def who(self) -> str:
        """How the report refers to the applicant this time."""
        a = self.case.applicant
        return self.rng.choice(
            [
                a.title,
                a.title,
                "the applicant",
                "the applicant",
                a.full,
                "the patient" if self.case.kind in ("pr2", "pr4", "ptp_narrative") else "the examinee",
            ]
        )


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def wpi_expr(rng: random.Random, n: int) -> str:
    """One of many surface forms of 'n% whole person impairment'."""
    return rng.choice(
        [
            f"{n}% whole person impairment (WPI)",
            f"{n}% whole-person impairment",
            f"{n}% WPI",
            f"{n}% WPI",
            f"{words(n)} percent ({n}%) whole person impairment",
            f"{n} percent WPI",
            f"{n}% impairment of the whole person",
            f"{n}% of the whole person",
            f"{n} WPI",
            f"{words(n)} percent ({n}%) WPI",
            f"a {n}% whole person impairment",
            f"{n}% WPI",
            f"{n}% whole person",
            f"a WPI of {n}%",
            f"{n}WPI",
            f"whole person impairment of {n} percent",
        ]
    )


def rating_paragraphs(c: Ctx, r: Rating) -> list[str]:
    """How this evaluator explains and states the final WPI for one body part."""
    rng, det, part, who = c.rng, r.details, r.label, c.who
    w = wpi_expr(rng, r.wpi)
    final = rng.choice(
        [
            f"For the {part}, I assign {w}.",
            f"The {part} is rated at {w}.",
            f"This results in {w} for the {part}.",
            f"I find {w} attributable to the {part}.",
            f"Impairment of the {part} is {w}.",
            f"Accordingly, the {part} rates {w}.",
            f"Based on the foregoing, the final rating for the {part} is {w}.",
            f"{cap(who)} is therefore assigned {w} for the {part}.",
            f"{cap(part)}: {w}.",
            f"Final {part} impairment: {w}.",
            f"I rate the {part} at {r.wpi}% of the whole person.",
            f"{cap(w)} is assigned for the {part}."
            if not w.startswith("a ")
            else f"I assign {w} to the {part}.",
            f"There is {w} of the {part}, in my opinion.",
            f"WPI for the {part}: {r.wpi}%.",
        ]
    )
    m = r.method
    if m == "dre":
        t, cat, lo, hi = det["table"], det["cat"], det["lo"], det["hi"]
        region = {"cervical spine": "Cervical", "thoracic spine": "Thoracic", "lumbar spine": "Lumbar"}[
            r.body_part
        ]
        intro = rng.choice(
            [
                f"Using the Diagnosis-Related Estimates method, {who} falls within DRE {region} Category {cat}, which provides for {lo}% to {hi}% whole person impairment ({t}).",
                f"Per {t}, this is DRE {region} Category {cat} ({lo}-{hi}% WPI), given the documented {rng.choice(['asymmetric loss of range of motion', 'non-verifiable radicular complaints', 'muscle guarding', 'history of radiculopathy'])}.",
                f"The {part} is best rated under DRE Category {cat} of {t}, with a range of {lo}% to {hi}% WPI.",
                f"{cap(who)} meets the criteria for DRE {region} Category {cat}; the range for this category is {lo} to {hi} percent whole person impairment.",
            ]
        )
        within = rng.choice(
            [
                f"Considering the impact on activities of daily living, I place {c.case.applicant.him} at {r.wpi}% within that range.",
                f"Because of {rng.choice(['the persistent daily symptoms', 'ongoing interference with sleep and sitting tolerance', 'minimal residual findings'])}, I assign {w}.",
                f"I assign {r.wpi}%, i.e. {w}, for the {part}.",
                final,
            ]
        )
        return [f"{intro} {within}"]
    if m == "dre_rom":
        t, cat, lo, hi, dre, rom, adopt = (
            det[k] for k in ("table", "cat", "lo", "hi", "dre", "rom", "adopt")
        )
        a = f"Under the DRE method the {part} falls within Category {cat} ({lo}% to {hi}%), and I would assign {dre}% WPI ({t})."
        b = f"Using the Range of Motion method (Section 15.8), the {part} rates {rom}% WPI, including the diagnosis-based component from Table 15-7."
        if adopt == "DRE":
            concl = rng.choice(
                [
                    f"The DRE method is the appropriate method here, as there is no multilevel involvement; I therefore adopt the DRE rating of {dre}% WPI for the {part}.",
                    f"I adopt the DRE rating. Final {part} impairment: {dre}% WPI.",
                    f"As the ROM method is reserved for the circumstances listed in Section 15.2 and none applies, the {part} rating is {dre}% whole person impairment.",
                ]
            )
        else:
            concl = rng.choice(
                [
                    f"Because there is multilevel involvement at the same spinal region, the ROM method is the more accurate method, and I adopt {rom}% WPI for the {part}.",
                    f"I find the Range of Motion method more accurately reflects the impairment, and the final {part} rating is {rom}% WPI.",
                    f"The ROM rating of {rom}% whole person impairment is adopted for the {part}.",
                ]
            )
        return [a + " " + b, concl] if rng.random() < 0.5 else [b + " " + a + " " + concl]
    if m == "almaraz":
        strict, alt, adopt = det["strict"], det["alt"], det["adopt_alt"]
        if "uei" in det:
            s1 = f"Strictly rated using {det['figs']}, the {part} is {det['uei']}% upper extremity impairment, which converts to {strict}% WPI ({det['table']})."
        elif "cat" in det:
            s1 = f"A strict rating of the {part} under DRE Category {det['cat']} ({det['lo']}% to {det['hi']}%, {det['table']}) yields {strict}% WPI."
        else:
            s1 = f"Strictly rated, the {part} ({det['dbe']}) is {det['lei']}% lower extremity impairment, or {strict}% WPI, per {det['table']}."
        if adopt:
            s2 = rng.choice(
                [
                    f"In my opinion this strict rating is not an accurate reflection of {c.case.applicant.his} impairment, given the severe limitation of activities of daily living. Pursuant to Almaraz/Guzman II, I have used the four corners of the Guides and rate by analogy, and I find that the more accurate rating is {alt}% WPI, which I adopt for the {part}.",
                    f"Applying Almaraz v. Environmental Recovery Services / Guzman, I find the strict rating inaccurate. Rating by analogy to the category above yields {alt}% whole person impairment, and this is my final rating for the {part}.",
                    f"The strict rating understates the impairment. By analogy within the Guides (Almaraz/Guzman), the {part} is more accurately rated at {alt}% WPI; I adopt this alternative rating.",
                ]
            )
        else:
            s2 = rng.choice(
                [
                    f"I have considered whether an alternative rating under Almaraz/Guzman is warranted. An analogy rating would yield {alt}% WPI, but I find that the strict rating of {strict}% WPI accurately reflects the impairment, and I do not adopt the alternative.",
                    f"Applicant's counsel has requested an Almaraz/Guzman analysis. I do not find the strict rating inaccurate; the {part} remains rated at {strict}% WPI. (A rating by analogy of {alt}% would overstate the impairment.)",
                ]
            )
        return [s1 + " " + s2]
    if m == "uei":
        uei, figs, t = det["uei"], det["figs"], det["table"]
        return [
            rng.choice(
                [
                    f"Loss of motion and the findings above yield {uei}% upper extremity impairment ({figs}), which converts to {r.wpi}% WPI per {t}.",
                    f"{cap(part)}: {uei}% UEI = {r.wpi}% WPI.",
                    f"The total {part} impairment is {uei}% of the upper extremity, equal to {r.wpi}% of the whole person ({t}).",
                    f"Per {figs}, the {part} rates {uei}% UE impairment. Converting with {t}, this is {wpi_expr(rng, r.wpi)}.",
                    f"I find {uei}% upper extremity impairment for the {part}, which is {r.wpi}% whole person impairment after conversion.",
                    f"Using {figs}, the {part} has a {uei}% UEI; {t} converts this to {r.wpi}% WPI, which is my rating for the {part}.",
                ]
            )
        ]
    if m == "digit":
        return [
            rng.choice(
                [
                    f"The {part} has {det['digit']}% digit impairment, which converts to {det['hand']}% hand, {det['ue']}% upper extremity and {r.wpi}% whole person impairment (Tables 16-1, 16-2 and 16-3).",
                    f"{cap(part)}: {det['digit']}% thumb impairment = {det['hand']}% hand impairment = {det['ue']}% UEI = {r.wpi}% WPI.",
                ]
            )
        ]
    if m in ("lei", "dbe"):
        lei, t = det["lei"], det["table"]
        what = f"({det['dbe']}) " if m == "dbe" else ""
        return [
            rng.choice(
                [
                    f"The {part} {what}is rated under {t} at {lei}% lower extremity impairment, which converts to {r.wpi}% WPI (Table 17-3).",
                    f"{cap(part)}: {lei}% LEI, or {r.wpi}% whole person impairment.",
                    f"Per {t}, the {part} {what}rates {r.wpi}% whole person impairment ({lei}% lower extremity).",
                    f"I find {lei}% impairment of the lower extremity for the {part} {what}per {t}; multiplying by 0.4 gives {wpi_expr(rng, r.wpi)}.",
                    f"Using {t}, the {part} is {lei}% LE, equivalent to {r.wpi}% WPI.",
                ]
            )
        ]
    if m == "gaf":
        gaf = det["gaf"]
        return [
            rng.choice(
                [
                    f"{cap(c.case.applicant.his)} current Global Assessment of Functioning (GAF) is {gaf}, which under the psychiatric protocol of the 2005 Schedule corresponds to {w}.",
                    f"I assign a GAF of {gaf}. Per the GAF-to-WPI conversion table, this is {r.wpi}% whole person impairment for the psyche.",
                    f"GAF: {gaf}. Psychiatric whole person impairment: {r.wpi}%.",
                    f"Based on the mental status examination and testing, the GAF score is {gaf}, equating to {r.wpi}% WPI for the {part}.",
                ]
            )
        ]
    if m == "class":
        t, cls, lo, hi = det["table"], det["cls"], det["lo"], det["hi"]
        return [
            rng.choice(
                [
                    f"The {part} falls within Class {cls} of {t} ({lo}% to {hi}% WPI). I assign {w}.",
                    f"Per {t}, Class {cls} ({lo}-{hi}% whole person impairment), {c.case.applicant.he} is rated at {r.wpi}% WPI for the {part}.",
                    f"{cap(part)}: {t}, Class {cls}, {r.wpi}% WPI.",
                    f"Using {t}, I place the {part} in Class {cls}, range {lo} to {hi} percent, and assign {r.wpi} percent whole person impairment.",
                ]
            )
        ]
    if m == "pain":
        return [
            rng.choice(
                [
                    f"Pursuant to Chapter 18, I add {r.wpi}% WPI for pain, as the pain-related impairment is not adequately captured in the ratings above.",
                    f"An additional {r.wpi}% whole person impairment is warranted for pain (Figure 18-1).",
                    f"Pain add-on (Chapter 18): {r.wpi}% WPI.",
                    f"I find a {r.wpi}% pain add-on appropriate under Chapter 18 of the Guides.",
                    f"Given the chronic pain complaints, {r.wpi}% WPI is added for pain per Section 18.3d.",
                ]
            )
        ]
    return [final]


def combined_paragraph(c: Ctx) -> str | None:
    """The combined (or Kite-added) total, as stated."""
    case, rng = c.case, c.rng
    vals = sorted((r.wpi for r in case.ratings), reverse=True)
    listing = ", ".join(f"{v}%" for v in vals[:-1]) + f" and {vals[-1]}%"
    if case.combine_method == "cvc":
        return rng.choice(
            [
                f"Combining {listing} using the Combined Values Chart (page 604), the total is {case.combined}% WPI.",
                f"Combined WPI: {case.combined}%.",
                f"These impairments combine to {case.combined}% whole person impairment.",
                f"Using the Combined Values Chart, {listing} combine to {wpi_expr(rng, case.combined or 0)}.",
                f"The total combined whole person impairment is {case.combined}%.",
                f"When combined, the final whole person impairment is {case.combined}% WPI.",
            ]
        )
    if case.combine_method == "kite":
        from sample_reports.corpus.facts import combine

        cvc = combine(vals)
        return rng.choice(
            [
                f"Using the Combined Values Chart these would combine to {cvc}% WPI. However, the impairments affect different activities of daily living and have a synergistic effect; consistent with Athens Administrators v. WCAB (Kite), they should be added rather than combined, for a total of {case.combined}% WPI.",
                f"Per Kite, I add rather than combine the impairments, as there is no overlap in activities of daily living: {' + '.join(str(v) for v in vals)} = {case.combined}% WPI. (Combining would yield {cvc}%.)",
                f"In my opinion the most accurate rating is obtained by adding the impairments (Kite/Vigil), for a total of {case.combined}% whole person impairment, rather than the combined value of {cvc}%.",
            ]
        )
    if case.combine_method == "single":
        return rng.choice(
            [f"Total whole person impairment: {case.combined}%.", f"The total WPI is {case.combined}%."]
        )
    return None


def mmi_paragraph(c: Ctx) -> str:
    """This evaluator's MMI / P&S conclusion, in one of many forms."""
    case, rng, d = c.case, c.rng, c.d
    a = case.applicant
    who = c.who
    v = case.mmi_variant
    ptp = case.ptp.dr if case.kind in ("panel_qme", "ame", "supplemental") else "the prior treating physician"
    if v in ("exam", "restate") and case.exam_date and case.kind != "supplemental":
        ex = d(case.exam_date)
        return rng.choice(
            [
                f"In my opinion, {who} has reached maximum medical improvement (MMI) as of the date of this evaluation, {ex}.",
                f"{cap(who)} is permanent and stationary as of today's examination.",
                f"{cap(a.he)} is deemed permanent and stationary (P&S) effective {ex}.",
                f"I find that {a.his} condition has reached maximal medical improvement. The P&S date is {ex}, the date of my examination.",
                f"MMI status: reached. {cap(a.he)} attained MMI on {ex}.",
                f"With reasonable medical probability, {a.his} condition has plateaued and is not likely to change substantially in the next year with or without medical treatment. {cap(a.he)} is therefore considered permanent and stationary/MMI as of the date of this evaluation.",
                f"It is my opinion that {who} reached MMI as of my examination on {ex}.",
                f"{cap(who)} has reached maximum medical improvement, and I consider {a.him} permanent and stationary as of this date, {ex}.",
                f"For rating purposes, {who} is MMI/P&S as of today.",
                f"Although {ptp} did not consider {a.him} permanent and stationary when last seen, I find that {a.he} has reached MMI as of today's evaluation, {ex}.",
                f"{cap(who)}'s condition is now stable and ratable. I consider {a.him} permanent and stationary as of {ex}.",
                f"Maximum Medical Improvement: Yes. Date of MMI: {ex} (date of this examination).",
            ]
        )
    if v == "date" or (v == "restate" and case.kind != "supplemental"):
        md = d(case.mmi_date) if case.mmi_date else ""
        other = d((case.mmi_date or case.report_date) - timedelta(days=rng.randint(30, 120)))
        return rng.choice(
            [
                f"{cap(who)} has been permanent and stationary since {md}.",
                f"For rating purposes, I consider {who} to have reached MMI as of {md}, when {a.he} completed the last course of physical therapy.",
                f"Permanent and stationary status was reached on {md}; further treatment is not expected to change the level of impairment.",
                f"It is my opinion that the industrially-related conditions became permanent and stationary on {md}.",
                f"{cap(who)} reached maximum medical improvement on {md}.",
                f"Maximal medical improvement was attained effective {md}, the date of the last treating visit at which {a.his} condition was documented as unchanged.",
                f"P&S date: {md}.",
                f"I find {a.him} to be MMI as of {md}, as there has been no significant change in {a.his} condition since then.",
                f"While {ptp} found {a.him} P&S on {other}, I find the more appropriate P&S date to be {md}, when {a.his} post-operative therapy was completed.",
                f"{cap(a.he)} was not yet stationary at the visit of {other}; in my opinion {a.he} became permanent and stationary on {md}.",
                f"Date of maximum medical improvement: {md}.",
            ]
        )
    if v == "month":
        mo = month_only(case.mmi_month or date(2022, 1, 1), rng)
        return rng.choice(
            [
                f"{cap(who)} became permanent and stationary in {mo}, upon completing the post-operative therapy program.",
                f"I would place the date of maximum medical improvement as {mo}.",
                f"{cap(a.he)} reached MMI in approximately {mo}; the records do not allow a more precise date.",
                f"In my opinion {who} has been P&S since {mo}.",
            ]
        )
    if v == "revised":
        md = d(case.mmi_date) if case.mmi_date else ""
        return rng.choice(
            [
                f"In my prior report I deferred a determination of MMI pending the electrodiagnostic study. Having now reviewed the study, it is my opinion that {who} reached maximum medical improvement as of {md}, the date of the study.",
                f"With the additional records now available, I find that {who} became permanent and stationary on {md}.",
                f"Having reviewed the new records, I now consider the applicant to be at MMI effective {md}.",
            ]
        )
    if v == "restate":
        ex = d(case.mmi_date) if case.mmi_date else ""
        return rng.choice(
            [
                f"My opinion that {who} reached maximum medical improvement as of my examination on {ex} is unchanged.",
                f"Nothing in the additional records changes my opinion that {who} has been permanent and stationary since {ex}.",
                f"I continue to find that {who} reached MMI on {ex}.",
            ]
        )
    if v == "not_stated":
        return ""
    if v == "not_reached_future":
        fut = d(case.report_date + timedelta(days=rng.choice([42, 60, 90])))
        return rng.choice(
            [
                f"Not P&S. Anticipated P&S date: {fut}.",
                f"The patient is not yet permanent and stationary. I anticipate MMI in approximately three months, around {fut}.",
                f"{cap(a.he)} is not at MMI. {cap(a.he)} will likely be P&S after completion of therapy; re-evaluate for P&S status on {fut}.",
            ]
        )
    proc = rng.choice(
        [
            "the recommended surgery",
            "the EMG/NCV study of the upper extremities",
            "the lumbar MRI",
            "a course of physical therapy",
            "the orthopaedic consultation",
        ]
    )
    return rng.choice(
        [
            f"{cap(who)} has not yet reached maximum medical improvement.",
            f"MMI is deferred pending {proc}.",
            f"{cap(a.he)} is not permanent and stationary at this time. I will re-evaluate {a.his} P&S status following {proc}.",
            f"In my opinion, {who} is not at MMI. I anticipate that {a.he} will reach MMI approximately three months after {proc}.",
            f"Not P&S. {cap(who)} remains temporarily totally disabled pending {proc}.",
            f"It is premature to declare {who} permanent and stationary; a determination of MMI cannot be made until {proc} is completed.",
            f"Permanent and stationary status: deferred pending {proc}.",
            f"{cap(who)} is not yet MMI. Once {proc} has been completed, I would be happy to re-evaluate {a.him} for a determination of permanent and stationary status.",
            f"Although {ptp} declared {a.him} permanent and stationary on {d(case.report_date - timedelta(days=rng.randint(60, 300)))}, I do not agree; {who} is not at MMI pending {proc}.",
            f"MMI: not reached. Estimated date of MMI: {d(case.report_date + timedelta(days=rng.choice([60, 90, 120])))}, following {proc}.",
        ]
    )


def apportionment_paragraphs(c: Ctx) -> list[str]:
    """The evaluator's apportionment, written in both directions, per part or overall."""
    case, rng = c.case, c.rng
    out: list[str] = []
    for ap in case.apportionment:
        ind, non = ap.industrial, 100 - ap.industrial
        part = (
            f"the {ap.label}"
            if ap.label
            else rng.choice(
                ["permanent disability", "the overall permanent disability", "the permanent disability"]
            )
        )
        of = f"the {ap.label}" if ap.label else "the permanent disability"
        of_cap = cap(of)
        cause = ap.cause
        if ap.split:
            a_pct, b_pct = ap.split
            spec = next((i for i in case.injuries if i.type == "specific"), case.injuries[0])
            ct = next((i for i in case.injuries if i.type == "cumulative"), case.injuries[-1])
            sd, cd = c.d(spec.start), c.d(ct.end or ct.start)
            tail = (
                f", and {non}% to nonindustrial factors ({cause})"
                if non
                else ", with no apportionment to nonindustrial factors"
            )
            out.append(
                rng.choice(
                    [
                        f"I apportion {a_pct}% of the permanent disability to the specific injury of {sd} and {b_pct}% to the cumulative trauma ending {cd}{tail}.",
                        f"Of the overall disability, {a_pct}% is caused by the {sd} specific injury, {b_pct}% by the continuous trauma through {cd}{tail}.",
                        f"Causation of permanent disability: specific injury ({sd}) {a_pct}%; cumulative trauma (through {cd}) {b_pct}%; nonindustrial {non}%.",
                    ]
                )
            )
            continue
        if ind == 100:
            out.append(
                rng.choice(
                    [
                        f"There is no basis for apportionment. {of_cap} is 100% industrial.",
                        f"I find no legal or medical basis to apportion; 100% of {of} is due to the industrial injury.",
                        f"Apportionment of {of}: 100% industrial, 0% nonindustrial.",
                        f"I do not find any pre-existing pathology contributing to {of}, and therefore apportion 100% to the industrial injury.",
                        f"With respect to {of}, there is no apportionment to nonindustrial factors.",
                    ]
                )
            )
            continue
        if case.parts == ["psyche"] or ap.cause in (
            "marital and financial stressors",
            "a prior depressive episode",
            "the death of a family member",
            "pre-existing personality factors",
        ):
            out.append(
                rng.choice(
                    [
                        f"Actual events of employment were predominant as to all causes of the psychiatric injury. Regarding causation of permanent disability, {ind}% is caused by the industrial injury and {non}% by nonindustrial factors, namely {cause}.",
                        f"I apportion {non}% of the psychiatric permanent disability to {cause} and {ind}% to the industrial injury.",
                        f"{ind} percent of the psychiatric disability is due to the stress of the injury and {non} percent is due to {cause}.",
                    ]
                )
            )
            continue
        out.append(
            rng.choice(
                [
                    f"{ind}% of {of} is caused by the industrial injury and {non}% by nonindustrial factors, specifically {cause}.",
                    f"I apportion {non}% of {of} to {cause} and {ind}% to the industrial injury.",
                    f"Regarding {part}, {non}% is caused by {cause}; the remaining {ind}% is industrial.",
                    f"Apportionment ({part}): {ind}% industrial / {non}% non-industrial.",
                    f"Causation of permanent disability for {of}: industrial {ind}%; nonindustrial {non}% ({cause})."
                    if ap.label
                    else f"Causation of permanent disability: industrial {ind}%; nonindustrial {non}% ({cause}).",
                    f"{non} percent of {of} is due to the underlying condition ({cause}) and {ind} percent is due to the industrial injury.",
                    f"Of {of}, {non}% is caused by {cause}.",
                    f"I find that {ind}% of {of} was caused by the industrial injury, with the balance caused by {cause}.",
                    f"Pursuant to Labor Code section 4663, {of} is apportioned {ind}% industrial and {non}% nonindustrial.",
                    f"It is my opinion that {cause} accounts for {non}% of {of}, and the industrial injury for the remaining {ind}%.",
                ]
            )
        )
    return out


def future_medical_paragraph(c: Ctx) -> str:
    """Whether future medical care is provided, in prose."""
    case, rng = c.case, c.rng
    if case.future_medical:
        items = rng.sample(
            [
                "orthopaedic follow-up visits",
                "physical therapy for flare-ups (up to 12 visits per year)",
                "anti-inflammatory medication",
                "epidural steroid injections",
                "a home exercise program",
                "MRI if symptoms worsen",
                "surgical consultation",
                "psychotherapy sessions",
                "psychotropic medication management",
                "antihypertensive medication",
                "proton pump inhibitors",
                "a TENS unit",
                "bracing",
                "cortisone injections",
            ],
            k=3,
        )
        return rng.choice(
            [
                f"Future medical care should be provided for {', '.join(items[:-1])} and {items[-1]}.",
                f"{cap(c.who)} should be allowed future medical treatment, including {', '.join(items)}.",
                f"Provision for future medical care is recommended: {'; '.join(items)}.",
                f"I recommend that future medical care remain open for {', '.join(items[:-1])} and {items[-1]}.",
            ]
        )
    if case.future_medical is False:
        return rng.choice(
            [
                "No future medical care is indicated.",
                f"In my opinion {c.who} does not require future medical treatment for the industrial injury.",
                "Future medical care: none required. The condition has resolved without the need for further treatment.",
            ]
        )
    return ""
