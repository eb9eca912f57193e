"""Narrative filler: history, complaints, examination, studies, diagnoses.

Nothing here states an MMI conclusion, a WPI value or an apportionment; the traps it carries
(pain scores, grip loss, range-of-motion percentages) are deliberately not ratings.
"""

from __future__ import annotations

import re

from .phrases import fd

PART_LABEL = {
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
    "head": "headaches",
    "brain": "cognitive function",
    "psyche": "psyche",
    "hypertension": "hypertension",
    "gi": "gastrointestinal system (GERD)",
    "sleep": "sleep",
    "pain": "pain",
}

MECHANISMS = {
    "lift": "while lifting a {load}-pound {obj} from floor level {he} felt a sudden pull in {his} low back",
    "fall": "{he} slipped on a wet floor and fell onto {his} {side} side, striking {his} {side} shoulder and hip",
    "ladder": "{he} fell approximately six feet from a ladder, landing on {his} feet and then falling backward",
    "mva": "{he} was the restrained driver of a company vehicle that was rear-ended at a signal light",
    "repetitive": "{he} developed gradually increasing pain from the repetitive duties of {his} job",
    "struck": "{he} was struck on the head and neck by a falling carton from an overhead rack",
    "stress": "{he} was subjected to escalating workload, verbal reprimands and a hostile supervisor",
}


def art(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def tidy(s: str) -> str:
    """Capitalise pronouns that start a sentence and drop doubled full stops ("Corp..")."""
    s = re.sub(r"([.;:!?] )(he|she|his|her)\b", lambda m: m.group(1) + m.group(2).capitalize(), s)
    s = re.sub(r"(?<!\.)\.\.(?!\.)", ".", s)
    return s[:1].upper() + s[1:]


def p(pron: dict, s: str) -> str:
    return tidy(s.format(**pron))


def history(rng, scn) -> list[str]:
    a = scn.app
    pr = a.pron
    inj = scn.injuries[0]
    mech = scn.mechanism
    occ = scn.occupation
    yrs = rng.randint(2, 14)
    s1 = (
        f"{a.honor} {a.last} is a {scn.age}-year-old {'right' if rng.random() < 0.85 else 'left'}-hand-dominant "
        f"{'woman' if a.sex == 'F' else 'man'} who worked for {scn.employer} as {art(occ)} for approximately {yrs} years. "
    )
    if inj.type == "specific":
        s1 += (
            p(pr, f"{pr['he']} reports that on {fd(inj.start, scn.dstyle)}, ")
            + MECHANISMS[mech].format(
                load=rng.choice([40, 50, 60, 75]),
                obj=rng.choice(
                    ["box of produce", "case of bottled water", "patient transfer", "bag of cement"]
                ),
                side=rng.choice(["right", "left"]),
                **pr,
            )
            + "."
        )
    else:
        s1 += (
            p(
                pr,
                f"{pr['he']} attributes {pr['his']} complaints to cumulative trauma over the period "
                f"{fd(inj.start, scn.dstyle)} through {fd(inj.end, scn.dstyle)}, during which ",
            )
            + MECHANISMS["repetitive" if mech != "stress" else "stress"].format(**pr)
            + "."
        )
    s2 = p(
        pr,
        f"{pr['he']} reported the injury to {pr['his']} supervisor and was referred to the company clinic, "
        f"where {pr['he']} was given medication, a course of physical therapy and modified duty. ",
    )
    s2 += p(
        pr,
        f"{pr['his']} care was later transferred to a primary treating physician of {pr['his']} choosing. ",
    )
    if scn.last_worked:
        s2 += p(pr, f"{pr['his']} last day of work was {fd(scn.last_worked, scn.dstyle2)}. ")
    if scn.ttd:
        scn.traps.add("ttd_dates")
        s2 += (
            f"Temporary total disability was paid from {fd(scn.ttd[0], scn.dstyle2)} through "
            f"{fd(scn.ttd[1], scn.dstyle2)}."
        )
    s3 = p(
        pr,
        rng.choice(
            [
                "{he} has had chiropractic treatment, acupuncture and a home exercise program with partial, temporary relief.",
                "{he} underwent diagnostic imaging and was seen in consultation by a pain management specialist.",
                "{he} completed approximately 24 sessions of physical therapy and continues with a home exercise program.",
                "{he} has tried oral anti-inflammatory medication, topical creams and a TENS unit.",
            ]
        ),
    )
    if scn.surgery:
        s3 += " " + p(pr, f"{pr['he']} underwent {scn.surgery[1]} on {fd(scn.surgery[0], scn.dstyle)}.")
    return [tidy(s1), tidy(s2), tidy(s3)]


def job_description(rng, scn) -> str:
    pr = scn.app.pron
    return p(
        pr,
        f"As {art(scn.occupation)}, {pr['he']} worked {rng.choice([8, 10, 12])}-hour shifts, "
        f"{rng.choice([4, 5, 6])} days per week. The job required frequent standing and walking, "
        f"bending and twisting, and lifting and carrying up to {rng.choice([25, 35, 50, 75])} pounds "
        f"occasionally. {pr['he']} was also required to push and pull carts and to reach at or above "
        f"shoulder level intermittently throughout the shift.",
    )


def past_history(rng, scn) -> str:
    pr = scn.app.pron
    meds = rng.choice(
        [
            "ibuprofen 800 mg as needed",
            "cyclobenzaprine 10 mg at bedtime and naproxen 550 mg twice daily",
            "gabapentin 300 mg three times daily",
            "over-the-counter acetaminophen",
            "lisinopril 20 mg daily and omeprazole 20 mg daily",
        ]
    )
    ill = rng.choice(
        [
            "no significant medical illnesses",
            "well-controlled type 2 diabetes",
            "hypothyroidism",
            "seasonal allergies",
            "a remote appendectomy",
        ]
    )
    return p(
        pr,
        f"{pr['his']} past medical history is notable for {ill}. Current medications: {meds}. "
        f"Allergies: {rng.choice(['no known drug allergies', 'penicillin (rash)', 'sulfa drugs'])}. "
        f"{pr['he']} {rng.choice(['does not smoke', 'quit smoking ten years ago', 'smokes half a pack per day'])} "
        f"and drinks alcohol {rng.choice(['rarely', 'socially', 'not at all'])}.",
    )


def prior_injuries(scn) -> str:
    pr = scn.app.pron
    if scn.prior_injury:
        yr, event, part = scn.prior_injury
        return p(
            pr,
            f"In {yr}, {pr['he']} sustained a non-industrial {event} with injury to the {part}; "
            f"{pr['he']} was treated conservatively and reports that the symptoms largely resolved. "
            f"There were no prior workers' compensation claims and no prior awards.",
        )
    return p(
        pr,
        f"{pr['he']} denies prior industrial or non-industrial injuries to the claimed body parts. "
        f"There are no prior workers' compensation claims or awards.",
    )


COMPLAINT = {
    "lumbar": "constant low back pain radiating to the {side} buttock and posterior thigh, worse with bending, "
    "prolonged sitting and lifting",
    "cervical": "neck pain with stiffness and radiation to the shoulder blades, with intermittent tingling in the hands",
    "thoracic": "mid-back pain between the shoulder blades, aggravated by twisting and prolonged standing",
    "shoulder": "{side} shoulder pain with reaching overhead and difficulty sleeping on the {side} side",
    "elbow": "{side} elbow pain with gripping and lifting, localized to the lateral aspect",
    "wrist": "{side} wrist pain with numbness and tingling of the thumb, index and middle fingers, worse at night",
    "finger": "pain and stiffness of the {side} {digit} finger with loss of grip",
    "thumb": "pain at the base of the {side} thumb with pinching and opening jars",
    "hip": "{side} hip and groin pain with walking and climbing stairs",
    "knee": "{side} knee pain with swelling, clicking and giving way on stairs",
    "ankle": "{side} ankle pain and swelling after walking more than twenty minutes",
    "foot": "{side} heel pain, worst with the first steps in the morning",
    "head": "headaches three to four times a week, bitemporal, lasting several hours",
    "brain": "forgetfulness, difficulty concentrating and word-finding problems",
    "psyche": "depressed mood, anxiety, irritability, crying spells and loss of interest in activities",
    "hypertension": "elevated blood pressure readings since the period of work stress, with occasional headaches",
    "gi": "heartburn and acid reflux after meals, attributed to anti-inflammatory medication",
    "sleep": "difficulty falling asleep and staying asleep because of pain, averaging four hours of sleep a night",
}


def complaints(rng, scn) -> list[str]:
    out = []
    for pk in scn.claim_parts:
        key, side = pk
        t = COMPLAINT[key].format(side=side or "right", digit=scn.digit or "index")
        out.append(t[:1].upper() + t[1:] + ".")
    pain = rng.choice([6, 7, 8])
    out.append(
        f"{scn.app.pron['He']} rates the pain at {pain}/10 on average, {min(pain + 2, 10)}/10 at its worst and "
        f"{pain - 3}/10 at best."
    )
    scn.traps.add("pain_score")
    return out


def adl(rng, scn) -> str:
    pr = scn.app.pron
    return p(
        pr,
        f"{pr['he']} reports difficulty with {rng.choice(['household chores such as vacuuming and mopping', 'yard work', 'carrying groceries'])}, "
        f"{rng.choice(['putting on socks and shoes', 'bathing and grooming', 'dressing'])}, "
        f"{rng.choice(['driving more than thirty minutes', 'sitting through a movie', 'sleeping through the night'])} "
        f"and {rng.choice(['sexual activity', 'lifting grandchildren', 'recreational walking'])}. "
        f"{pr['he']} is independent in self-care but slower than before the injury.",
    )


def exam(rng, scn) -> list[str]:
    pr = scn.app.pron
    out = [
        f"Height {rng.randint(60, 74)} inches, weight {rng.randint(130, 260)} pounds, blood pressure "
        f"{rng.randint(118, 158)}/{rng.randint(72, 98)}. {pr['He']} ambulates "
        f"{rng.choice(['with a normal gait', 'with a mildly antalgic gait', 'with a cane in the right hand'])}."
    ]
    for key, side in scn.claim_parts:
        sd = side or "right"
        if key == "lumbar":
            pct = rng.choice([20, 25, 30, 40])
            out.append(
                f"Lumbar spine: tenderness and guarding over the paraspinals from L3 to S1. Flexion is limited by "
                f"approximately {pct}% (fingertips to mid-shin). Straight leg raise is positive on the {sd} at "
                f"{rng.choice([50, 60, 70])} degrees. Reflexes are 2+ and symmetric."
            )
            scn.traps.add("rom_loss_pct")
        elif key == "cervical":
            out.append(
                f"Cervical spine: flexion 35 degrees, extension 40 degrees, rotation 60 degrees bilaterally. "
                f"Spurling's test is {'positive' if rng.random() < 0.5 else 'negative'} on the {sd}. "
                f"Sensation is intact to light touch in all dermatomes."
            )
        elif key == "thoracic":
            out.append(
                "Thoracic spine: tenderness at T6-T9 paraspinals; rotation 20 degrees bilaterally with pain."
            )
        elif key in ("shoulder", "elbow", "wrist", "finger", "thumb"):
            loss = rng.choice([20, 25, 30, 38])
            out.append(
                f"Upper extremities: Jamar dynamometer, position 2, three trials: {sd} "
                f"{rng.randint(14, 24)}/{rng.randint(14, 24)}/{rng.randint(14, 24)} kg, "
                f"{'left' if sd == 'right' else 'right'} {rng.randint(28, 38)}/{rng.randint(28, 38)}/{rng.randint(28, 38)} kg, "
                f"a grip strength loss of approximately {loss}% on the {sd}. "
                + {
                    "shoulder": f"Impingement signs are positive on the {sd}.",
                    "elbow": f"Tenderness over the {sd} lateral epicondyle; Cozen's test positive.",
                    "wrist": f"Tinel's and Phalen's signs are positive at the {sd} wrist.",
                    "finger": f"The {sd} {scn.digit or 'index'} finger lacks full flexion at the PIP joint.",
                    "thumb": f"Grind test is positive at the {sd} first CMC joint.",
                }[key]
            )
            scn.traps.add("grip_loss")
        elif key in ("hip", "knee", "ankle", "foot"):
            if key == "hip" and scn.bilateral_hips:
                if side == "left":
                    continue
                out.append(
                    "Hips: flexion 90 degrees on the right and 88 degrees on the left; internal rotation 10 degrees "
                    "bilaterally; well-healed surgical incisions over both lateral hips."
                )
            else:
                out.append(
                    {
                        "hip": f"{sd.capitalize()} hip: flexion 95 degrees, internal rotation 15 degrees, pain at end range.",
                        "knee": f"{sd.capitalize()} knee: trace effusion, medial joint line tenderness, flexion "
                        f"{rng.choice([95, 105, 115])} degrees; McMurray's test positive.",
                        "ankle": f"{sd.capitalize()} ankle: plantar flexion 25 degrees, dorsiflexion 5 degrees, "
                        f"mild lateral swelling.",
                        "foot": f"{sd.capitalize()} foot: tenderness at the medial calcaneal tubercle; arches are "
                        f"preserved.",
                    }[key]
                )
        elif key == "head":
            out.append(
                "Neurological: cranial nerves II-XII intact; tenderness over the occipital nerves bilaterally."
            )
        elif key == "brain":
            out.append(
                f"Mental status: oriented; recalls {rng.choice([1, 2])} of 3 objects at five minutes; "
                f"MoCA score {rng.randint(22, 25)}/30."
            )
        elif key == "psyche":
            out.append(
                f"Mental status examination: casually dressed, cooperative, tearful at times. Mood 'down'; "
                f"affect constricted. Beck Depression Inventory-II score {rng.randint(22, 34)}; Beck Anxiety "
                f"Inventory {rng.randint(16, 30)}. No suicidal ideation."
            )
        elif key == "hypertension":
            out.append(
                "Cardiovascular: regular rate and rhythm, no murmurs; fundi show mild arteriolar narrowing."
            )
        elif key == "gi":
            out.append("Abdomen: soft, mild epigastric tenderness, no organomegaly.")
        elif key == "sleep":
            out.append(f"Epworth Sleepiness Scale score {rng.randint(11, 17)}.")
    return out


STUDY = {
    "lumbar": "MRI of the lumbar spine: {n} mm disc protrusion at L4-L5 with mild {side} foraminal narrowing; "
    "facet arthropathy at L5-S1.",
    "cervical": "MRI of the cervical spine: 2 mm disc bulges at C5-C6 and C6-C7 without cord compromise.",
    "thoracic": "X-rays of the thoracic spine: mild multilevel spondylosis.",
    "shoulder": "MRI of the {side} shoulder: partial-thickness supraspinatus tear, AC joint arthrosis.",
    "elbow": "MRI of the {side} elbow: common extensor tendinosis.",
    "wrist": "EMG/NCV of the upper extremities: {side} median neuropathy at the wrist, mild to moderate.",
    "finger": "X-rays of the {side} hand: healed fracture of the proximal phalanx.",
    "thumb": "X-rays of the {side} hand: first CMC joint arthrosis.",
    "hip": "X-rays of the pelvis: moderate joint space narrowing of the {side} hip with marginal osteophytes.",
    "knee": "MRI of the {side} knee: complex tear of the posterior horn of the medial meniscus.",
    "ankle": "MRI of the {side} ankle: chronic ATFL sprain.",
    "foot": "X-rays of the {side} foot: small plantar calcaneal spur.",
    "head": "CT of the head: no acute intracranial abnormality.",
    "brain": "Neuropsychological testing: mild deficits in verbal memory and processing speed.",
    "psyche": "Psychological testing (MMPI-2-RF): valid profile with elevations on the depression scales.",
    "hypertension": "Echocardiogram: normal left ventricular size, ejection fraction 60%, mild concentric remodeling.",
    "gi": "Upper endoscopy: Los Angeles grade A esophagitis.",
    "sleep": "Polysomnogram: sleep efficiency 71%, no obstructive sleep apnea.",
}


def studies(rng, scn) -> list[str]:
    out = []
    for key, side in scn.claim_parts:
        if key == "hip" and scn.bilateral_hips:
            out.append("X-rays of the pelvis: bilateral total hip arthroplasty components in good position.")
            continue
        out.append(STUDY[key].format(n=rng.choice([3, 4, 5]), side=side or "right"))
    return list(dict.fromkeys(out))


DX = {
    "lumbar": "Lumbar disc protrusion at L4-L5 with {side} radicular complaints (M51.16)",
    "cervical": "Cervical strain with degenerative disc disease C5-C7 (M50.30)",
    "thoracic": "Thoracic sprain/strain (S23.3XXA)",
    "shoulder": "{Side} shoulder partial rotator cuff tear with impingement (M75.1)",
    "elbow": "{Side} lateral epicondylitis (M77.1)",
    "wrist": "{Side} carpal tunnel syndrome (G56.0)",
    "finger": "{Side} {digit} finger stiffness, status post fracture (M24.6)",
    "thumb": "{Side} thumb CMC arthrosis (M18.9)",
    "hip": "{Side} hip degenerative joint disease (M16.1)",
    "knee": "{Side} knee medial meniscus tear (S83.2)",
    "ankle": "{Side} ankle chronic sprain (S93.4)",
    "foot": "{Side} plantar fasciitis (M72.2)",
    "head": "Post-traumatic headaches (G44.309)",
    "brain": "Mild neurocognitive disorder following concussion (F06.70)",
    "psyche": "Adjustment disorder with mixed anxiety and depressed mood (F43.23)",
    "hypertension": "Hypertension (I10)",
    "gi": "Gastroesophageal reflux disease, medication-induced (K21.9)",
    "sleep": "Insomnia secondary to chronic pain (G47.00)",
}


def diagnoses(scn) -> list[str]:
    out = []
    for key, side in scn.claim_parts:
        if key == "hip" and scn.bilateral_hips:
            out.append(
                "Bilateral hip degenerative joint disease, status post bilateral total hip arthroplasty (Z96.643)"
            )
            continue
        sd = side or "right"
        out.append(DX[key].format(side=sd, Side=sd.capitalize(), digit=scn.digit or "index"))
    return list(dict.fromkeys(out))


def causation(rng, scn) -> str:
    pr = scn.app.pron
    return p(
        pr,
        f"Based on the history, the mechanism of injury, the medical records and the examination, it is my "
        f"opinion within reasonable medical probability that {pr['his']} injury arose out of and occurred in "
        f"the course of {pr['his']} employment (AOE/COE). The history is consistent and there is no evidence "
        f"of an intervening non-industrial event.",
    )


def declaration(scn, city) -> str:
    return (
        f"I declare under penalty of perjury under the laws of the State of California that the information "
        f"contained in this report and its attachments, if any, is true and correct to the best of my knowledge "
        f"and belief, except as to information that I have indicated I received from others, and as to that "
        f"information, I declare under penalty of perjury that the information accurately describes the "
        f"information provided to me and, except as noted herein, that I believe it to be true. I have not "
        f"violated Labor Code section 139.3, and the contents of the report are true and correct to the best "
        f"of my knowledge. This statement is made under penalty of perjury. Executed in {city}, California."
    )


def extra_paragraphs(rng, scn) -> list[tuple[str, str]]:
    """Optional (heading, text) sections used to vary the length."""
    pr = scn.app.pron
    A = f"{scn.app.honor} {scn.app.last}"
    out = [
        (
            "REVIEW OF SYSTEMS",
            p(
                pr,
                f"{pr['he']} denies fever, chills or weight loss. There is no chest pain, shortness "
                f"of breath, bowel or bladder dysfunction. {pr['he']} reports "
                f"{rng.choice(['occasional heartburn', 'no gastrointestinal complaints', 'intermittent constipation from medication'])}. "
                f"The remainder of the review of systems is negative.",
            ),
        ),
        (
            "SOCIAL HISTORY",
            p(
                pr,
                f"{pr['he']} is {rng.choice(['married', 'single', 'divorced', 'widowed'])} and lives with "
                f"{rng.choice(['a spouse and two children', 'an adult daughter', 'a roommate', 'extended family'])}. "
                f"{pr['he']} completed {rng.choice(['the tenth grade', 'high school', 'two years of community college', 'primary school in Mexico'])}. "
                f"Hobbies before the injury included {rng.choice(['gardening', 'fishing', 'church activities', 'walking'])}.",
            ),
        ),
        (
            "FAMILY HISTORY",
            f"Family history is notable for {rng.choice(['diabetes in the mother', 'hypertension in both parents', 'no musculoskeletal disease', 'coronary disease in the father'])}.",
        ),
        (
            "VOCATIONAL HISTORY",
            p(
                pr,
                f"Before working for {scn.employer}, {pr['he']} worked as a "
                f"{rng.choice(['farm laborer', 'cashier', 'security guard', 'machine operator', 'cook'])} "
                f"for several years without injury. {pr['he']} has not worked elsewhere since leaving "
                f"{scn.employer}.",
            ),
        ),
        (
            "METHODOLOGY",
            "Impairment is assessed under the AMA Guides to the Evaluation of Permanent Impairment, Fifth "
            "Edition, as required by Labor Code section 4660 and the 2005 Schedule for Rating Permanent "
            "Disabilities. Where the strict application of the Guides does not accurately reflect the "
            "impairment, the evaluator may explain an alternative rating within the four corners of the "
            "Guides (Almaraz/Guzman). Ratings of range of motion are the best of three consistent "
            "measurements.",
        ),
        (
            "STATEMENT ON INTERPRETER",
            p(
                pr,
                f"The evaluation was conducted {rng.choice(['in English', 'with the assistance of a certified Spanish interpreter', 'in Spanish, which I speak fluently'])}. "
                f"{pr['he']} appeared to understand all questions and answered appropriately.",
            ),
        ),
        (
            "CONSISTENCY AND EFFORT",
            p(
                pr,
                f"{pr['he']} gave good effort throughout the examination. The Waddell signs "
                f"were {rng.choice(['zero', 'one', 'two'])} of five. Grip testing showed an "
                f"appropriate bell-shaped curve across the five handle positions.",
            ),
        ),
        (
            "DISCUSSION OF TREATMENT",
            p(
                pr,
                f"{A} has had reasonable conservative care. The treatment to date has been "
                f"appropriate and consistent with the MTUS guidelines. Further passive "
                f"modalities are unlikely to change the long-term outcome, although "
                f"{pr['he']} may benefit from intermittent flare-up care.",
            ),
        ),
        (
            "TIME SPENT",
            f"Face-to-face time with the applicant: {rng.randint(40, 90)} minutes. Record review: "
            f"{rng.randint(2, 9)} hours ({rng.randint(120, 900)} pages). Report preparation: "
            f"{rng.randint(2, 6)} hours.",
        ),
        (
            "LABOR CODE 4628 DISCLOSURE",
            f"The history was taken and the examination performed by me personally. "
            f"{rng.choice(['My medical assistant', 'A transcriptionist'])} assisted with "
            f"clerical preparation of the report. No other persons contributed to the "
            f"opinions expressed.",
        ),
    ]
    rng.shuffle(out)
    return out


DISCUSS = {
    "lumbar": "The lumbar findings are explained by the disc protrusion at L4-L5 demonstrated on MRI, which is "
    "concordant with the distribution of the radiating symptoms. The mechanism described, lifting and "
    "twisting under load, is a recognised cause of annular injury. The absence of objective neurological "
    "deficit on my examination argues against a progressive radiculopathy, and I do not see an indication "
    "for surgery on the current record.",
    "cervical": "The neck complaints are consistent with a cervical strain superimposed on multilevel degenerative "
    "disc disease. The imaging findings are common in the general population of this age, but the "
    "temporal relationship to the injury and the change in function afterwards support an industrial "
    "contribution.",
    "thoracic": "Thoracic spine injuries of this type usually resolve with conservative care; the persisting "
    "symptoms here are myofascial in character and there is no structural lesion on imaging.",
    "shoulder": "The {side} shoulder has a partial-thickness rotator cuff tear with secondary impingement. The loss "
    "of motion is consistent across repeated measurements and with the imaging. Surgical repair has "
    "been discussed with the applicant, who has elected continued conservative management.",
    "elbow": "Lateral epicondylitis of the {side} elbow is consistent with the repetitive gripping of the job.",
    "wrist": "The {side} carpal tunnel syndrome is confirmed by the electrodiagnostic study. Repetitive forceful "
    "gripping at work is an accepted risk factor.",
    "finger": "The {side} finger stiffness follows the healed phalangeal fracture and is unlikely to improve further.",
    "thumb": "The {side} thumb basal joint arthrosis was aggravated by the repetitive pinching required at work.",
    "hip": "The hip arthroplasty was necessitated by degenerative arthritis that was accelerated by the industrial "
    "injury. The result is functional but the applicant continues to limp after prolonged walking.",
    "knee": "The {side} knee meniscal pathology is consistent with the twisting mechanism. Post-operative recovery "
    "has been slower than average, with persistent effusion and quadriceps weakness.",
    "ankle": "The {side} ankle has residual laxity after the sprain and loss of motion on examination.",
    "foot": "The {side} plantar fasciitis is consistent with prolonged standing on concrete floors.",
    "head": "The headaches began after the blow to the head and have the features of post-traumatic headache with a "
    "migrainous component. They are not fully controlled by the medication tried so far.",
    "brain": "The cognitive complaints are supported by the neuropsychological testing, which was valid, and are "
    "consistent with a mild traumatic brain injury.",
    "psyche": "The psychological testing was valid and consistent with the clinical presentation. The symptoms "
    "began in the context of the work events described and have persisted despite treatment.",
    "hypertension": "The blood pressure elevation emerged during the period of work stress and has required "
    "escalating medication.",
    "gi": "The reflux symptoms are a recognised consequence of prolonged non-steroidal anti-inflammatory use for the "
    "orthopaedic injuries.",
    "sleep": "The sleep disturbance is secondary to chronic pain and psychological distress.",
}


def discussion(rng, scn) -> list[str]:
    out = []
    seen = set()
    for key, side in scn.claim_parts:
        if key in seen:
            continue
        seen.add(key)
        out.append(DISCUSS[key].format(side=side or "right"))
    return out


def questionnaires(rng, scn) -> str:
    odi = rng.choice([32, 38, 44, 48, 56])
    scn.traps.add("odi_percent")
    return (
        f"Pain Disability Questionnaire score {rng.randint(70, 120)}/150. Oswestry Disability Index {odi}%. "
        f"Quick-DASH {rng.randint(30, 60)}. The applicant completed the questionnaires without assistance."
    )


NOTE_S = [
    "Subjective: pain unchanged since the last visit, worse at the end of the work day.",
    "Subjective: reports modest improvement with therapy but continued stiffness in the morning.",
    "Subjective: flare-up after lifting a laundry basket at home; taking medication as prescribed.",
    "Subjective: sleeping poorly because of pain; mood frustrated.",
    "Subjective: tolerating modified duty, although the employer has not always honoured the restrictions.",
]
NOTE_O = [
    "Objective: tenderness and spasm over the involved region; motion guarded.",
    "Objective: mild improvement in range of motion compared with the prior visit; gait normal.",
    "Objective: positive provocative testing; neurovascular status intact.",
    "Objective: no new neurological deficit; strength 4+/5.",
]
NOTE_P = [
    "Plan: continue the home exercise program, refill medication, follow up in four weeks.",
    "Plan: request authorization for additional therapy; topical analgesic prescribed.",
    "Plan: continue modified duty; consider a specialist referral if no improvement.",
    "Plan: ice and heat, stretching, and a trial of a TENS unit.",
]


def progress_body(rng) -> str:
    return " ".join([rng.choice(NOTE_S), rng.choice(NOTE_O), rng.choice(NOTE_P)])


def pt_body(rng) -> str:
    return " ".join(
        [
            f"Visit {rng.randint(2, 24)}.",
            rng.choice(
                [
                    "Patient reports soreness after the last session that resolved within a day.",
                    "Patient reports improved tolerance to sitting and walking.",
                    "Patient reports no change in symptoms.",
                ]
            ),
            rng.choice(
                [
                    "Treatment: therapeutic exercise, manual therapy and neuromuscular re-education, 45 minutes.",
                    "Treatment: aquatic therapy and stretching, 40 minutes.",
                    "Treatment: joint mobilisation, soft tissue work and a progressed home program.",
                ]
            ),
            rng.choice(
                [
                    "Assessment: progressing slowly toward goals.",
                    "Assessment: plateau in strength gains this week.",
                    "Assessment: good effort, limited by pain.",
                ]
            ),
        ]
    )


def deposition(rng, scn) -> list[str]:
    """Summary of the applicant's deposition testimony (no medical conclusions)."""
    pr = scn.app.pron
    A = f"{scn.app.honor} {scn.app.last}"
    return [
        p(
            pr,
            f"{A} testified that {pr['he']} was born in {rng.choice(['Mexico', 'El Salvador', 'California', 'the Philippines', 'Texas'])} "
            f"and has lived in California for {rng.randint(8, 30)} years. {pr['he']} completed "
            f"{rng.choice(['the ninth grade', 'high school', 'one year of college'])} and has no vocational licences "
            f"other than a driver's licence.",
        ),
        p(
            pr,
            f"{pr['he']} described the job at {scn.employer} in detail, including the heaviest items handled, the "
            f"number of breaks allowed and the production quotas. {pr['he']} testified that the supervisor "
            f"increased the quotas about a year before the injury.",
        ),
        p(
            pr,
            f"Regarding the injury, {pr['he']} gave an account consistent with the history given to me. {pr['he']} "
            f"testified that a co-worker witnessed the event and that {pr['he']} reported it the same day.",
        ),
        p(
            pr,
            f"{pr['he']} testified about the treatment received, including therapy, injections and medications, "
            f"and said that the therapy helped for a few hours after each session.",
        ),
        p(
            pr,
            f"{pr['he']} denied any prior injuries to the same body parts other than as noted in this report, "
            f"denied any subsequent injuries, and denied participating in sports since the injury.",
        ),
        p(
            pr,
            f"As to current activities, {pr['he']} testified that {pr['he']} can drive short distances, shop for "
            f"groceries with help, and does light household chores. {pr['he']} has not looked for other work.",
        ),
    ]
