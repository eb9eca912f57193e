"""Five page layouts.  Each writes the same scenario in its own structure and wording.

outline   numbered-outline "Comprehensive Medical-Legal Evaluation", Times; per-part sub-headings
          ("Right Shoulder -- Chapter 16 (Upper Extremity)") with the value one or two lines below.
summary   Helvetica; page 1 is a two-column summary sheet (claim data, status, an impairment table,
          prior opinions of record), then a lettered detailed report with a full impairment table.
chiro     chiropractic office: a ruled form grid (PR-4 / PR-2 style fields, check boxes), SOAP-like
          sections, bulleted records review mentioning a panel QME.
dictated  Courier, terse dictated narrative with run-in labels and very few headings; conclusions sit
          inside a DISCUSSION paragraph; "D:/T:" transcription line.
qa        letter to counsel; findings given as answers to the parties' numbered questions
          ("Question 3: Is the applicant permanent and stationary? Answer: ...").
"""

from __future__ import annotations

import random

from reportlab.lib import colors
from reportlab.platypus import (
    Frame,
    FrameBreak,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)

from . import filler
from .model import SIDED, Rating, final_sentence, value_np
from .pdfbase import B, H, P, W, grid, simple_frame, styles
from .phrases import cap, fd, month_only, x


class Writer:
    name = "base"

    def __init__(self, scn, level: int):
        self.scn = scn
        self.level = level
        self.extra_names = []

    # ------------------------------------------------------------------ shared content
    def rng(self, tag="story"):
        return random.Random(f"{self.scn.seed}|{self.scn.id}|{tag}")

    def records(self):
        s = self.scn
        k = min(len(s.noise_pool), 4 + self.level * 3)
        recs = list(s.cited_records) + s.noise_pool[:k]
        recs.sort(key=lambda r: (r.date, r.source))
        for r in recs:
            if r.trap:
                s.traps.add(r.trap)
        return recs

    def deposition(self, rng):
        return filler.deposition(rng, self.scn) if self.level >= 5 and self.scn.kind != "pr2" else []

    def discussion(self, rng):
        return filler.discussion(rng, self.scn) if self.level >= 2 else []

    def questionnaires(self, rng):
        return filler.questionnaires(rng, self.scn) if self.level >= 1 else ""

    def extras(self, rng):
        n = min(self.level, 10)
        out = filler.extra_paragraphs(rng, self.scn)
        if self.scn.mmi_status != "reached":
            out = [e for e in out if e[0] != "DISCUSSION OF TREATMENT"]
        if self.scn.supplemental:
            out = [e for e in out if e[0] in ("METHODOLOGY", "LABOR CODE 4628 DISCLOSURE")]
        if self.scn.kind == "pr2":
            out = [
                e
                for e in out
                if e[0]
                in ("REVIEW OF SYSTEMS", "SOCIAL HISTORY", "FAMILY HISTORY", "STATEMENT ON INTERPRETER")
            ]
        return out[:n]

    @property
    def A(self):
        return f"{self.scn.app.honor} {self.scn.app.last}"

    def injuries_text(self, style=None):
        s = self.scn
        style = style or s.dstyle
        return "; ".join(i.text(style, j) for j, i in enumerate(s.injuries))

    def adj_text(self, sep=", "):
        s = self.scn
        return sep.join(s.adj)

    def claim_text(self):
        return ", ".join(self.scn.claim_nos)

    def role_phrase(self):
        s = self.scn
        if s.rtype == "AME":
            return f"Agreed Medical Evaluator in {s.ev.specialty}"
        if s.rtype == "QME":
            return f"Panel Qualified Medical Evaluator in {s.ev.specialty}"
        return f"primary treating physician ({s.ev.specialty})"

    def mmi_text(self):
        return " ".join(self.scn.mmi_sentences)

    def value_styles(self, rng):
        opts = ["std", "hyphen", "words", "whole", "wpi", "of_wp", "equal"]
        return rng.sample(opts, 2)

    def rating_prose(self, r: Rating, style, rng, lead_title=False) -> str:
        txt = " ".join(r.detail) + " " + final_sentence(r, style, rng)
        if lead_title:
            return f"{r.title}: {txt}"
        return txt

    def restr_intro(self):
        s = self.scn
        if s.restr_temporary:
            return "Until the applicant reaches maximum medical improvement, the following temporary work restrictions apply:"
        return "The following permanent work restrictions apply:"

    def supp_intro(self):
        s = self.scn
        req = s.report_date - __import__("datetime").timedelta(days=21)
        return (
            f"This supplemental report is prepared at the request of {s.atty_def} by letter dated "
            f"{fd(req, s.dstyle2)}, asking me to review additional records and to comment on them. I previously "
            f"evaluated {s.app.full} on {fd(s.orig_exam, s.dstyle)} and issued my report dated "
            f"{fd(s.orig_report, s.dstyle)}. The applicant was not re-examined for this report."
        )

    def supp_discussion(self, rng) -> list[str]:
        """Paragraphs introducing the supplemental conclusions."""
        s = self.scn
        if s.supp_variant == "appo_only":
            return [
                f"The only question posed is apportionment. My impairment ratings in my report of "
                f"{fd(s.orig_report, s.dstyle)} are not revisited here, and nothing in the new records bears on "
                f"the other issues."
            ]
        if s.supp_variant == "revised":
            idx, old = s.supp_prior
            r = s.ratings[idx]
            return [
                f"In my report of {fd(s.orig_report, s.dstyle)} I assigned {old}% WPI for the {r.label}. Having "
                f"reviewed the additional diagnostic records, I now revise that rating; my current ratings, which "
                f"replace those in the earlier report, are set out below."
            ]
        return [
            "Nothing in the additional records changes my opinions. For clarity I restate my conclusions below."
        ]

    def mmi_block_supp(self):
        s = self.scn
        if s.mmi_status == "not_stated":
            return ""
        return "My opinion on permanent and stationary status is unchanged. " + self.mmi_text()

    def cited_short(self, c) -> str:
        parts = []
        if c.mmi:
            st, d = c.mmi
            if st == "reached":
                parts.append(f"P&S {fd(d, self.scn.dstyle)}" if d else "P&S (no date given)")
            else:
                parts.append("not P&S")
        for i in c.imps:
            parts.append(f"{i.label} {i.wpi}% WPI")
        for a in c.appo:
            key, side, ind, non = a[:4]
            subj = (
                (f"{side} {filler.PART_LABEL[key]}" if key in SIDED else filler.PART_LABEL[key])
                if key
                else ""
            )
            parts.append(
                f"apportionment{' ' + subj if subj else ''} {ind}% industrial / {non}% non-industrial"
            )
        return "; ".join(parts)

    def signature(self, st, date_style=None, extra_lines=()):
        s = self.scn
        out = [
            Spacer(1, 10),
            P(f"Dated: {fd(s.report_date, date_style or s.dstyle)}", st["tight"]),
            Spacer(1, 22),
            P("_______________________________", st["tight"]),
            P(s.ev.name, st["tight"]),
        ]
        for l in extra_lines:
            out.append(P(l, st["tight"]))
        return out

    # ------------------------------------------------------------------ to implement
    def story(self):
        raise NotImplementedError

    def templates(self, doc, total):
        raise NotImplementedError


def _pg(total, n):
    return f"Page {n} of {total}" if total else f"Page {n} of 99"


# ============================================================================ outline
class Outline(Writer):
    name = "outline"

    def templates(self, doc, total):
        s = self.scn

        def first(c, d):
            c.saveState()
            c.setFont("Times-Bold", 15)
            c.drawCentredString(W / 2, H - 50, s.practice["name"].upper())
            c.setFont("Times-Roman", 9.5)
            c.drawCentredString(W / 2, H - 63, f"{s.practice['street']}  |  {s.practice['city']}")
            c.drawCentredString(
                W / 2, H - 75, f"Telephone {s.practice['phone']}  |  Facsimile {s.practice['fax']}"
            )
            c.setLineWidth(1.2)
            c.line(60, H - 82, W - 60, H - 82)
            c.setFont("Times-Roman", 9)
            c.drawCentredString(W / 2, 40, _pg(total, d.page))
            c.restoreState()

        def later(c, d):
            c.saveState()
            c.setFont("Times-Italic", 9)
            c.drawString(72, H - 45, f"Re: {s.app.full}")
            c.drawRightString(W - 72, H - 45, f"WCAB No. {self.adj_text()}")
            c.drawString(72, H - 56, f"Date of Report: {fd(s.report_date, 'long')}")
            c.setLineWidth(0.5)
            c.line(72, H - 60, W - 72, H - 60)
            c.setFont("Times-Roman", 9)
            c.drawCentredString(W / 2, 40, _pg(total, d.page))
            c.restoreState()

        return [
            PageTemplate("first", [simple_frame(doc, top=96)], onPage=first),
            PageTemplate("later", [simple_frame(doc, top=76)], onPage=later),
        ]

    def story(self):
        s = self.scn
        rng = self.rng()
        st = styles("Times-Roman", 11, justify=True)
        out = [NextPageTemplate("later")]
        out.append(P(fd(s.report_date, "long"), st["body"]))
        addr = [s.claims_admin, "Attn: Claims Examiner"]
        if s.rtype == "AME" or rng.random() < 0.6:
            addr += [s.atty_app, s.atty_def]
        for a in addr:
            out.append(P(a, st["tight"]))
        out.append(Spacer(1, 8))
        out.append(P(s.title, st["title"]))
        out.append(
            P(
                {
                    "QME": "Panel Qualified Medical Evaluator",
                    "AME": "Agreed Medical Examiner",
                    "PTP": "Primary Treating Physician",
                }[s.rtype]
                + f" -- {s.ev.specialty}",
                st["center"],
            )
        )
        out.append(Spacer(1, 8))
        rows = [
            ["Applicant:", s.app.full],
            ["Employer:", s.employer],
            ["Claim No.:", self.claim_text()],
            ["WCAB Case No.:", self.adj_text()],
            ["Date(s) of Injury:", self.injuries_text()],
            ["Date of Birth:", fd(s.dob, s.dstyle)],
        ]
        if s.exam_date:
            rows.append(["Date of Evaluation:", fd(s.exam_date, s.dstyle)])
        else:
            rows.append(["Type of Report:", "Supplemental report on review of records (ML-106)"])
        rows.append(["Claims Administrator:", s.claims_admin])
        out.append(grid(rows, [130, 330], st, box=False, pad=1))
        out.append(Spacer(1, 10))
        if s.supplemental:
            out += self._supp_body(st, rng)
        else:
            out += self._full_body(st, rng)
        return out

    def _num(self):
        self._n += 1
        self._m = 0
        return self._n

    def _sub(self):
        self._m += 1
        return f"{self._n}.{self._m}"

    def _records(self, st, rng):
        out = []
        for r in self.records():
            sub = self._sub()
            out.append(P(f"{sub}  {fd(r.date, self.scn.dstyle2)} -- {r.source} -- {r.title}", st["h2"]))
            out.append(P(r.body, st["indent"]))
        dep = self.deposition(rng)
        if dep:
            out.append(P(f"{self._sub()}  Summary of the Applicant's Deposition Testimony", st["h2"]))
            for t in dep:
                out.append(P(t, st["indent"]))
        return out

    def _ratings(self, st, rng):
        s = self.scn
        out = []
        for r in s.ratings:
            out.append(P(f"{self._sub()}  {r.title} -- {r.chapter}", st["h2"]))
            if r.force_style == "ch18":
                line = f"{r.method_short} -- {r.brief} {cap(value_np(r.wpi, 'ch18'))}."
            else:
                line = f"{r.method_short} -- {r.brief} WPI: {r.wpi}%."
            out.append(P(line, st["indent"]))
        if s.combine_sentence:
            out.append(P(f"{self._sub()}  Combined Whole Person Impairment", st["h2"]))
            out.append(P(s.combine_sentence, st["indent"]))
        if s.pd_sentence:
            out.append(P(s.pd_sentence, st["body"]))
        return out

    def _tail(self, st, rng):
        s = self.scn
        out = []
        out.append(P(f"{self._num()}. APPORTIONMENT (LABOR CODE SECTIONS 4663 AND 4664)", st["h1"]))
        if s.appo_sentences:
            for t in s.appo_sentences:
                out.append(P(t, st["body"]))
        else:
            out.append(
                P(
                    "Apportionment will be addressed when the applicant is permanent and stationary.",
                    st["body"],
                )
            )
        if s.restrictions or s.no_restr_sentence:
            out.append(P(f"{self._num()}. WORK RESTRICTIONS", st["h1"]))
            if s.no_restr_sentence:
                out.append(P(s.no_restr_sentence, st["body"]))
            else:
                out.append(P(self.restr_intro(), st["body"]))
                for j, t in enumerate(s.restrictions):
                    out.append(P(t, st["bullet"], bulletText=f"({'abcdefgh'[j]})"))
        if s.future_text:
            out.append(P(f"{self._num()}. FUTURE MEDICAL CARE", st["h1"]))
            out.append(P(s.future_text, st["body"]))
        out.append(P(f"{self._num()}. DECLARATION", st["h1"]))
        out.append(P(filler.declaration(s, s.city), st["body"]))
        out += self.signature(
            st,
            "long",
            [
                f"Diplomate, American Board of {s.ev.specialty}"
                if s.ev.cred in ("M.D.", "D.O.")
                else (
                    "Doctor of Chiropractic"
                    if s.ev.cred == "D.C."
                    else f"Licensed Psychologist ({s.ev.specialty})"
                ),
                {
                    "QME": "Qualified Medical Evaluator",
                    "AME": "Agreed Medical Examiner",
                    "PTP": "Primary Treating Physician",
                }[s.rtype],
            ],
        )
        return out

    def _full_body(self, st, rng):
        s = self.scn
        self._n = 0
        out = []
        out.append(P(f"{self._num()}. INTRODUCTION", st["h1"]))
        out.append(
            P(
                f"{s.app.full} was evaluated on {fd(s.exam_date, s.dstyle)} at my {s.city} office in my capacity "
                f"as {self.role_phrase()}. I took the history, performed the examination and reviewed the "
                f"records listed below. This is a comprehensive medical-legal evaluation (ML-"
                f"{rng.choice(['102', '103', '104'])}).",
                st["body"],
            )
        )
        out.append(P(f"{self._num()}. HISTORY OF INJURY", st["h1"]))
        out.append(P(f"{self._sub()}  History", st["h2"]))
        for t in filler.history(rng, s):
            out.append(P(t, st["body"]))
        out.append(P(f"{self._sub()}  Job Description", st["h2"]))
        out.append(P(filler.job_description(rng, s), st["body"]))
        out.append(P(f"{self._num()}. PRESENT COMPLAINTS", st["h1"]))
        for t in filler.complaints(rng, s):
            out.append(P(t, st["bullet"], bulletText="-"))
        out.append(P(f"{self._num()}. PAST MEDICAL HISTORY", st["h1"]))
        out.append(P(f"{self._sub()}  General", st["h2"]))
        out.append(P(filler.past_history(rng, s), st["body"]))
        out.append(P(f"{self._sub()}  Prior Injuries", st["h2"]))
        out.append(P(filler.prior_injuries(s), st["body"]))
        ex = self.extras(rng)
        for h, t in ex[: self.level // 2]:
            out.append(P(f"{self._sub()}  {h.title()}", st["h2"]))
            out.append(P(t, st["body"]))
        out.append(P(f"{self._num()}. ACTIVITIES OF DAILY LIVING", st["h1"]))
        out.append(P(filler.adl(rng, s), st["body"]))
        out.append(P(f"{self._num()}. REVIEW OF RECORDS", st["h1"]))
        out.append(
            P(
                "The following records were received and reviewed. Opinions of other physicians are summarized "
                "for completeness; my own conclusions follow in the later sections.",
                st["body"],
            )
        )
        out += self._records(st, rng)
        out.append(P(f"{self._num()}. PHYSICAL EXAMINATION", st["h1"]))
        for t in filler.exam(rng, s):
            out.append(P(t, st["body"]))
        q = self.questionnaires(rng)
        if q:
            out.append(P(f"{self._sub()}  Questionnaires", st["h2"]))
            out.append(P(q, st["body"]))
        out.append(P(f"{self._num()}. DIAGNOSTIC STUDIES", st["h1"]))
        for t in filler.studies(rng, s):
            out.append(P(t, st["body"]))
        out.append(P(f"{self._num()}. DIAGNOSES", st["h1"]))
        for j, t in enumerate(filler.diagnoses(s), 1):
            out.append(P(f"{self._n}.{j}  {t}", st["tight"]))
        out.append(P(f"{self._num()}. CAUSATION", st["h1"]))
        out.append(P(filler.causation(rng, s), st["body"]))
        for h, t in ex[self.level // 2 :]:
            out.append(P(f"{self._num()}. {h}", st["h1"]))
            out.append(P(t, st["body"]))
        d = self.discussion(rng)
        if d:
            out.append(P(f"{self._num()}. DISCUSSION", st["h1"]))
            for t in d:
                out.append(P(t, st["body"]))
        head = s.mmi_heading_hint or rng.choice(
            ["PERMANENT AND STATIONARY STATUS", "MAXIMUM MEDICAL IMPROVEMENT", "DISABILITY STATUS"]
        )
        out.append(P(f"{self._num()}. {head}", st["h1"]))
        out.append(P(self.mmi_text(), st["body"]))
        out.append(P(f"{self._num()}. IMPAIRMENT RATING", st["h1"]))
        if s.ratings:
            out.append(
                P(
                    "Ratings are given under the AMA Guides, Fifth Edition. For each body part the method and the "
                    "resulting whole person impairment are stated below the heading.",
                    st["body"],
                )
            )
            out += self._ratings(st, rng)
        else:
            out.append(
                P(
                    "Because the applicant is not at maximum medical improvement, no impairment rating is given "
                    "at this time.",
                    st["body"],
                )
            )
        if s.extra_claimed:
            out.append(
                P(
                    f"The claimed {', '.join(s.extra_claimed)} fall outside my specialty; I defer to evaluators "
                    f"in the appropriate specialties.",
                    st["body"],
                )
            )
        out += self._tail(st, rng)
        return out

    def _supp_body(self, st, rng):
        s = self.scn
        self._n = 0
        out = []
        out.append(P(f"{self._num()}. INTRODUCTION", st["h1"]))
        out.append(P(self.supp_intro(), st["body"]))
        out.append(P(f"{self._num()}. RECORDS REVIEWED", st["h1"]))
        out += self._records(st, rng)
        for h, t in self.extras(rng)[: max(0, self.level - 3)]:
            if h in ("TIME SPENT", "LABOR CODE 4628 DISCLOSURE", "METHODOLOGY"):
                out.append(P(f"{self._num()}. {h}", st["h1"]))
                out.append(P(t, st["body"]))
        out.append(P(f"{self._num()}. DISCUSSION", st["h1"]))
        for t in self.supp_discussion(rng):
            out.append(P(t, st["body"]))
        m = self.mmi_block_supp()
        if m:
            out.append(P(f"{self._num()}. PERMANENT AND STATIONARY STATUS", st["h1"]))
            out.append(P(m, st["body"]))
        if s.ratings:
            out.append(P(f"{self._num()}. IMPAIRMENT RATING", st["h1"]))
            out += self._ratings(st, rng)
        out += self._tail(st, rng)
        return out


# ============================================================================ summary
class Summary(Writer):
    name = "summary"

    def templates(self, doc, total):
        s = self.scn

        def band(c, d):
            c.saveState()
            c.setFillColor(colors.Color(0.15, 0.25, 0.4))
            c.rect(0, H - 58, W, 58, stroke=0, fill=1)
            c.setFillColor(colors.white)
            c.setFont("Helvetica-Bold", 14)
            c.drawString(50, H - 30, s.practice["name"])
            c.setFont("Helvetica", 8.5)
            c.drawString(50, H - 44, f"{s.ev.name}  -  {s.ev.specialty}")
            c.drawRightString(W - 50, H - 30, s.practice["street"])
            c.drawRightString(W - 50, H - 42, f"{s.practice['city']}   Tel {s.practice['phone']}")
            c.setFillColor(colors.black)
            self._foot(c, d)
            c.restoreState()

        def later(c, d):
            c.saveState()
            c.setFont("Helvetica", 8)
            c.drawString(50, H - 36, f"{s.app.full}  |  {self.adj_text()}  |  {s.title.title()}")
            c.setLineWidth(0.4)
            c.line(50, H - 40, W - 50, H - 40)
            self._foot(c, d)
            c.restoreState()

        self._total = total
        colw = (W - 100 - 18) / 2
        top_h = 150
        fr_top = Frame(
            50,
            H - 66 - top_h,
            W - 100,
            top_h,
            id="top",
            leftPadding=0,
            rightPadding=0,
            topPadding=4,
            bottomPadding=0,
        )
        col_h = H - 66 - top_h - 50
        fr_l = Frame(
            50, 50, colw, col_h, id="left", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
        )
        fr_r = Frame(
            50 + colw + 18,
            50,
            colw,
            col_h,
            id="right",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        body = Frame(
            60,
            56,
            W - 120,
            H - 56 - 54,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        return [
            PageTemplate("sheet", [fr_top, fr_l, fr_r], onPage=band),
            PageTemplate("body", [body], onPage=later),
        ]

    def _foot(self, c, d):
        s = self.scn
        c.setFont("Helvetica", 7.5)
        c.drawString(50, 34, f"{s.practice['name']} - Confidential medical-legal report")
        c.drawRightString(W - 50, 34, f"p. {d.page}/{self._total or 99}")

    def story(self):
        s = self.scn
        rng = self.rng()
        st = styles("Helvetica", 9.5)
        sm = styles("Helvetica", 8.5)
        vstyles = self.value_styles(rng)
        out = [NextPageTemplate("body")]
        out.append(P(s.title, st["title"]))
        out.append(
            P("SUMMARY SHEET" + ("" if s.rtype == "PTP" else f"  -  {self.role_phrase()}"), st["center"])
        )
        out.append(Spacer(1, 4))
        rows = [
            ["Applicant", s.app.full, "Date of Birth", fd(s.dob, "mdY")],
            ["Employer", s.employer, "Occupation", s.occupation],
            ["WCAB No.", self.adj_text(), "Claim No.", self.claim_text()],
            ["Date(s) of Injury", self.injuries_text("mdY"), "Claims Admin.", s.claims_admin],
            ["Date of Examination", fd(s.exam_date, "mdY"), "Date of Report", fd(s.report_date, "mdY")],
        ]
        cw = W - 100
        out.append(grid(rows, [cw * 0.17, cw * 0.33, cw * 0.17, cw * 0.33], sm))
        out.append(FrameBreak())
        # ---- left column
        h = sm["h2"]
        out.append(P("STATUS", h))
        out.append(P(self.mmi_text(), sm["body"]))
        out.append(P("WHOLE PERSON IMPAIRMENT", h))
        if s.ratings:
            rws = [["Body part", "WPI"]] + [
                [r.title if r.key != "head" else "Headaches (Ch. 18 pain)", f"{r.wpi}%"] for r in s.ratings
            ]
            if s.combined is not None:
                rws.append([f"Combined ({'CVC' if s.combine == 'cvc' else 'added'})", f"{s.combined}%"])
            colw = (W - 100 - 18) / 2
            out.append(grid(rws, [colw * 0.72, colw * 0.28], sm, header=True))
            out.append(Spacer(1, 3))
            out.append(P("Each value is explained in Section D.", sm["small"]))
        else:
            out.append(P("Not ratable at this time.", sm["body"]))
        out.append(P("APPORTIONMENT", h))
        if s.appo_sentences:
            for t in s.appo_sentences:
                out.append(P(t, sm["body"]))
        else:
            out.append(P("Deferred.", sm["body"]))
        out.append(P("DIAGNOSES", h))
        for j, t in enumerate(filler.diagnoses(s), 1):
            out.append(P(f"{j}. {t}", sm["tight"]))
        out.append(FrameBreak())
        # ---- right column
        out.append(P("WORK RESTRICTIONS", h))
        if s.no_restr_sentence:
            out.append(P(s.no_restr_sentence, sm["body"]))
        elif s.restrictions:
            for t in s.restrictions:
                out.append(P(t, sm["bullet"], bulletText="-"))
        else:
            out.append(P("See report.", sm["body"]))
        out.append(P("FUTURE MEDICAL", h))
        out.append(
            P(
                "Provided; see Section H."
                if s.future
                else ("None indicated." if s.future is False else "Not addressed at this time."),
                sm["body"],
            )
        )
        cited = [c for c in s.cited if c.mmi or c.imps or c.appo]
        if cited:
            out.append(P("PRIOR OPINIONS OF RECORD (not adopted)", h))
            for c in cited:
                out.append(
                    P(
                        f"{c.doctor.name} ({c.role_text}), {fd(c.report_date, 'mdY')}: {self.cited_short(c)}.",
                        sm["small"],
                    )
                )
        out.append(PageBreak())
        # ---- detailed report
        out.append(P("DETAILED REPORT", st["title"]))
        if s.rtype == "PTP":
            out.append(
                P(
                    f"{s.app.full} was seen in follow-up on {fd(s.exam_date, s.dstyle)}. I am the primary "
                    f"treating physician. This narrative report is submitted in lieu of the DWC Form PR-4.",
                    st["body"],
                )
            )
        else:
            out.append(
                P(
                    f"I evaluated {s.app.full} on {fd(s.exam_date, s.dstyle)} as {self.role_phrase()}. The "
                    f"history was obtained from the applicant and the records listed in Section B.",
                    st["body"],
                )
            )
        out.append(P("A. HISTORY", st["h1"]))
        for t in filler.history(rng, s):
            out.append(P(t, st["body"]))
        out.append(B("Job description.", filler.job_description(rng, s), st["body"]))
        out.append(B("Past medical history.", filler.past_history(rng, s), st["body"]))
        out.append(B("Prior injuries.", filler.prior_injuries(s), st["body"]))
        out.append(B("Current complaints.", " ".join(filler.complaints(rng, s)), st["body"]))
        out.append(B("Activities of daily living.", filler.adl(rng, s), st["body"]))
        for hh, t in self.extras(rng):
            out.append(B(hh.capitalize() + ".", t, st["body"]))
        out.append(P("B. RECORDS REVIEWED", st["h1"]))
        rws = [["Date", "Provider / Source", "Summary"]]
        for r in self.records():
            rws.append([fd(r.date, "mdY"), r.source, f"{r.title}. {r.body}" if not r.cited else r.body])
        cw = W - 120
        out.append(grid(rws, [cw * 0.13, cw * 0.25, cw * 0.62], st, header=True))
        dep = self.deposition(rng)
        if dep:
            out.append(Spacer(1, 6))
            out.append(B("Deposition summary.", dep[0], st["body"]))
            for t in dep[1:]:
                out.append(P(t, st["body"]))
        out.append(P("C. EXAMINATION AND STUDIES", st["h1"]))
        for t in filler.exam(rng, s):
            out.append(P(t, st["body"]))
        out.append(B("Diagnostic studies.", " ".join(filler.studies(rng, s)), st["body"]))
        out.append(
            B(
                "Diagnoses.",
                "; ".join(f"({j}) {t}" for j, t in enumerate(filler.diagnoses(s), 1)) + ".",
                st["body"],
            )
        )
        q = self.questionnaires(rng)
        if q:
            out.append(B("Questionnaires.", q, st["body"]))
        out.append(B("Causation.", filler.causation(rng, s), st["body"]))
        for t in self.discussion(rng):
            out.append(P(t, st["body"]))
        out.append(P("D. IMPAIRMENT RATING", st["h1"]))
        if s.ratings:
            for j, r in enumerate(s.ratings):
                out.append(P(self.rating_prose(r, vstyles[j % 2], rng, lead_title=True), st["body"]))
            rws = [["Body part", "Method", "AMA Guides reference", "WPI"]]
            for r in s.ratings:
                rws.append(
                    [r.title if r.key != "head" else "Headaches", r.row_method, r.table_ref, f"{r.wpi}%"]
                )
            out.append(grid(rws, [cw * 0.25, cw * 0.33, cw * 0.3, cw * 0.12], st, header=True))
            out.append(Spacer(1, 6))
            if s.combine_sentence:
                out.append(P(s.combine_sentence, st["body"]))
            if s.pd_sentence:
                out.append(P(s.pd_sentence, st["body"]))
        else:
            out.append(
                P("No rating is given, as the applicant is not at maximum medical improvement.", st["body"])
            )
        out.append(P("E. " + (s.mmi_heading_hint or "DISABILITY STATUS"), st["h1"]))
        out.append(P(self.mmi_text(), st["body"]))
        out.append(P("F. APPORTIONMENT", st["h1"]))
        for t in s.appo_sentences or ["Deferred until the applicant is permanent and stationary."]:
            out.append(P(t, st["body"]))
        out.append(P("G. WORK RESTRICTIONS", st["h1"]))
        if s.no_restr_sentence:
            out.append(P(s.no_restr_sentence, st["body"]))
        else:
            out.append(P(self.restr_intro() + " " + " ".join(s.restrictions), st["body"]))
        out.append(P("H. FUTURE MEDICAL TREATMENT", st["h1"]))
        out.append(P(s.future_text or "Not addressed at this time.", st["body"]))
        if s.extra_claimed:
            out.append(
                P(
                    f"The claimed {', '.join(s.extra_claimed)} are outside my specialty and are deferred.",
                    st["body"],
                )
            )
        out.append(P("DECLARATION", st["h1"]))
        out.append(P(filler.declaration(s, s.city), st["body"]))
        out += self.signature(
            st,
            "mdY",
            [
                s.ev.specialty,
                "Primary Treating Physician"
                if s.rtype == "PTP"
                else ("Agreed Medical Evaluator" if s.rtype == "AME" else "Qualified Medical Evaluator"),
            ],
        )
        return out


# ============================================================================ chiro
class Chiro(Writer):
    name = "chiro"

    def templates(self, doc, total):
        s = self.scn

        def first(c, d):
            c.saveState()
            c.setLineWidth(3)
            c.line(54, H - 40, W - 54, H - 40)
            c.setFont("Helvetica-Bold", 16)
            c.drawString(54, H - 62, s.practice["name"])
            c.setFont("Helvetica", 9)
            c.drawString(54, H - 75, f"{s.ev.name}  -  Doctor of Chiropractic  -  Primary Treating Physician")
            c.drawString(
                54,
                H - 87,
                f"{s.practice['street']}, {s.practice['city']}  -  Ph {s.practice['phone']}  -  "
                f"Fax {s.practice['fax']}",
            )
            c.setLineWidth(0.8)
            c.line(54, H - 93, W - 54, H - 93)
            self._foot(c, d)
            c.restoreState()

        def later(c, d):
            c.saveState()
            c.setFont("Helvetica", 8.5)
            c.drawString(54, H - 40, f"Patient: {s.app.last.upper()}, {s.app.first}")
            c.drawString(250, H - 40, f"Claim #: {s.claim_nos[0]}")
            c.drawRightString(W - 54, H - 40, f"DOI: {self.injuries_text('mdY')}")
            c.line(54, H - 44, W - 54, H - 44)
            self._foot(c, d)
            c.restoreState()

        self._total = total
        return [
            PageTemplate("first", [simple_frame(doc, top=104, left=54, right=54)], onPage=first),
            PageTemplate("later", [simple_frame(doc, top=60, left=54, right=54)], onPage=later),
        ]

    def _foot(self, c, d):
        c.setFont("Helvetica", 8)
        c.drawCentredString(W / 2, 36, f"Page {d.page} of {self._total or 99}")
        c.drawRightString(W - 54, 36, "PR-4" if self.scn.kind == "pr4" else "PR-2")

    def story(self):
        s = self.scn
        rng = self.rng()
        st = styles("Helvetica", 10)
        pr2 = s.kind == "pr2"
        vstyle = self.value_styles(rng)
        out = [NextPageTemplate("later"), P(s.title, st["title"])]
        cw = W - 108
        if pr2:
            status = "Modified duty"
        elif s.mmi_date:
            status = fd(s.mmi_date, "mdY")
        else:
            status = month_only(s.mmi_month, 1)
        rows = [
            [
                "Patient",
                f"{s.app.last.upper()}, {s.app.first.upper()}" + (f" {s.app.mi}." if s.app.mi else ""),
                "Date of Birth",
                fd(s.dob, "mdY"),
            ],
            ["Employer", s.employer, "Occupation", s.occupation],
            ["Claim Number", self.claim_text(), "WCAB Case No.", self.adj_text()],
            [
                "Date of Injury",
                self.injuries_text("mdY"),
                "Last Date Worked",
                fd(s.last_worked, "mdY") if s.last_worked else "N/A",
            ],
            ["Date of Current Exam", fd(s.exam_date, "mdY"), "Claims Administrator", s.claims_admin],
        ]
        if pr2:
            rows.append(
                [
                    "Work Status",
                    status,
                    "Next Appointment",
                    fd(s.exam_date + __import__("datetime").timedelta(days=28), "mdY"),
                ]
            )
        else:
            rows.append(["Permanent & Stationary Date", status, "Date of Report", fd(s.report_date, "mdY")])
        out.append(grid(rows, [cw * 0.2, cw * 0.3, cw * 0.2, cw * 0.3], st))
        out.append(Spacer(1, 6))
        if pr2:
            out.append(
                P(
                    "Status:  [X] Not permanent and stationary     [ ] Permanent and stationary     "
                    "[ ] Released from care",
                    st["body"],
                )
            )
            out.append(
                P(
                    "Reason for report:  [X] Periodic report (45 days)  [ ] Change in work status  "
                    "[ ] Request for authorization",
                    st["body"],
                )
            )
            s.traps.add("checkbox_status")
        out.append(
            P(
                f"The patient, {s.app.full}, is a {s.age}-year-old {s.occupation} employed by {s.employer} "
                f"and was examined on {fd(s.exam_date, s.dstyle)}. I am the primary treating physician.",
                st["body"],
            )
        )
        out.append(P("HISTORY", st["h1"]))
        for t in filler.history(rng, s):
            out.append(P(t, st["body"]))
        out.append(P("SUBJECTIVE COMPLAINTS", st["h1"]))
        for t in filler.complaints(rng, s):
            out.append(P(t, st["bullet"], bulletText="*"))
        out.append(P("OBJECTIVE FINDINGS", st["h1"]))
        for t in filler.exam(rng, s):
            out.append(P(t, st["body"]))
        out.append(P("DIAGNOSTIC STUDIES", st["h1"]))
        for t in filler.studies(rng, s):
            out.append(P(t, st["bullet"], bulletText="*"))
        out.append(P("DIAGNOSES", st["h1"]))
        for j, t in enumerate(filler.diagnoses(s), 1):
            out.append(P(f"{j}. {t}", st["tight"]))
        q = self.questionnaires(rng)
        if q:
            out.append(P("OUTCOME MEASURES", st["h1"]))
            out.append(P(q, st["body"]))
        d = self.discussion(rng)
        if d:
            out.append(P("CLINICAL DISCUSSION", st["h1"]))
            for t in d:
                out.append(P(t, st["body"]))
        out.append(P("RECORDS REVIEWED", st["h1"]))
        for r in self.records():
            out.append(
                P(
                    f"<b>{x(r.title)}</b>, {x(r.source)}, dated {x(fd(r.date, s.dstyle2))}: {x(r.body)}",
                    st["bullet"],
                    markup=True,
                    bulletText="-",
                )
            )
        dep = self.deposition(rng)
        if dep:
            out.append(P("DEPOSITION SUMMARY", st["h1"]))
            for t in dep:
                out.append(P(t, st["body"]))
        for h, t in self.extras(rng):
            out.append(P(h, st["h1"]))
            out.append(P(t, st["body"]))
        if pr2:
            out.append(P("TREATMENT PLAN", st["h1"]))
            out.append(
                P(
                    "Continue chiropractic manipulative therapy twice a week for six weeks with myofascial release "
                    "and therapeutic exercise. Request for authorization submitted for a TENS unit.",
                    st["body"],
                )
            )
            out.append(P("PERMANENT AND STATIONARY STATUS", st["h1"]))
            out.append(P(self.mmi_text(), st["body"]))
            out.append(P("WORK STATUS", st["h1"]))
            out.append(
                P(
                    "The patient may return to modified duty with the following restrictions: "
                    + " ".join(s.restrictions),
                    st["body"],
                )
            )
            out.append(
                P(
                    "If modified duty is not available, the patient is temporarily totally disabled.",
                    st["body"],
                )
            )
        else:
            out.append(P(s.mmi_heading_hint or "PERMANENT AND STATIONARY STATUS", st["h1"]))
            out.append(P(self.mmi_text(), st["body"]))
            out.append(P("IMPAIRMENT RATING (AMA GUIDES, 5TH EDITION)", st["h1"]))
            rws = [["Body Part", "Method / Table", "WPI"]]
            for r in s.ratings:
                rws.append(
                    [
                        r.title if r.key != "head" else "Headaches, Chapter 18 pain",
                        f"{r.row_method} ({r.table_ref})",
                        f"{r.wpi}%",
                    ]
                )
            if s.combined is not None:
                rws.append(
                    [
                        "Total",
                        "Combined Values Chart" if s.combine == "cvc" else "Added (Kite)",
                        f"{s.combined}%",
                    ]
                )
            out.append(grid(rws, [cw * 0.3, cw * 0.55, cw * 0.15], st, header=True))
            out.append(Spacer(1, 6))
            for j, r in enumerate(s.ratings):
                out.append(B(r.title + ".", self.rating_prose(r, vstyle[j % 2], rng), st["body"]))
            if s.combine_sentence:
                out.append(P(s.combine_sentence, st["body"]))
            if s.pd_sentence:
                out.append(P(s.pd_sentence, st["body"]))
            out.append(P("APPORTIONMENT", st["h1"]))
            for t in s.appo_sentences:
                out.append(P(t, st["body"]))
            out.append(P("WORK RESTRICTIONS", st["h1"]))
            if s.no_restr_sentence:
                out.append(P(s.no_restr_sentence, st["body"]))
            else:
                for t in s.restrictions:
                    out.append(P(t, st["bullet"], bulletText="*"))
            out.append(P("FUTURE MEDICAL CARE", st["h1"]))
            out.append(P(s.future_text, st["body"]))
        out.append(P("DECLARATION", st["h1"]))
        out.append(P(filler.declaration(s, s.city), st["small"]))
        out += self.signature(
            st,
            "mdY",
            [
                "Doctor of Chiropractic" if s.ev.cred == "D.C." else s.ev.specialty,
                "Primary Treating Physician",
            ],
        )
        return out


# ============================================================================ dictated
class Dictated(Writer):
    name = "dictated"

    def templates(self, doc, total):
        s = self.scn

        def first(c, d):
            c.saveState()
            c.setFont("Courier-Bold", 11)
            c.drawString(72, H - 50, s.practice["name"].upper())
            c.setFont("Courier", 9)
            c.drawString(72, H - 62, f"{s.practice['street']}, {s.practice['city']}")
            c.drawString(72, H - 73, f"TEL {s.practice['phone']}   FAX {s.practice['fax']}")
            c.drawCentredString(W / 2, 40, f"- {d.page} -")
            c.restoreState()

        def later(c, d):
            c.saveState()
            c.setFont("Courier", 9)
            c.drawString(72, H - 48, f"RE: {s.app.last.upper()}, {s.app.first.upper()}")
            c.drawRightString(W - 72, H - 48, f"Page {d.page}")
            c.drawCentredString(W / 2, 40, f"- {d.page} -")
            c.restoreState()

        return [
            PageTemplate("first", [simple_frame(doc, top=90)], onPage=first),
            PageTemplate("later", [simple_frame(doc, top=66)], onPage=later),
        ]

    def story(self):
        s = self.scn
        rng = self.rng()
        st = styles("Courier", 10, lead=12.5)
        out = [NextPageTemplate("later")]
        hdr = [
            f"DATE OF REPORT: {fd(s.report_date, s.dstyle)}",
            f"RE: {s.app.full.upper()}",
            f"DOB: {fd(s.dob, s.dstyle)}",
            f"EMPLOYER: {s.employer}",
            f"CLAIM #: {self.claim_text()}",
            f"WCAB #: {self.adj_text()}",
            f"DOI: {self.injuries_text()}",
        ]
        if s.exam_date:
            hdr.append(f"DATE OF EXAMINATION: {fd(s.exam_date, s.dstyle)}")
        for h in hdr:
            out.append(P(h, st["tight"]))
        out.append(Spacer(1, 8))
        out.append(P(s.title, st["h1"]))
        vst = self.value_styles(rng)
        if s.kind == "pr2":
            return out + self._pr2(st, rng)
        if s.supplemental:
            out.append(P(self.supp_intro(), st["body"]))
        else:
            who = (
                f"I saw {s.app.full} in follow-up on {fd(s.exam_date, s.dstyle)} as the primary treating "
                f"physician"
                if s.rtype == "PTP"
                else f"I evaluated the applicant, {s.app.full}, on {fd(s.exam_date, s.dstyle)} as {self.role_phrase()}"
            )
            out.append(P(f"{who}. This report is dictated from my notes of the examination.", st["body"]))
            hist = " ".join(filler.history(rng, s))
            out.append(B("HISTORY:", hist + " " + filler.job_description(rng, s), st["body"]))
            out.append(
                B("PAST HISTORY:", filler.past_history(rng, s) + " " + filler.prior_injuries(s), st["body"])
            )
            out.append(B("CURRENT COMPLAINTS:", " ".join(filler.complaints(rng, s)), st["body"]))
            for h, t in self.extras(rng):
                out.append(B(h + ":", t, st["body"]))
        recs = self.records()
        sents = []
        for r in recs:
            lead = rng.choice(
                [
                    f"On {fd(r.date, s.dstyle2)}, {r.source}:",
                    f"{fd(r.date, s.dstyle2)} {r.source}:",
                    f"{r.source}, {fd(r.date, s.dstyle2)}:",
                ]
            )
            sents.append(f"{lead} {r.body if r.cited else r.title + '. ' + r.body}")
        chunk = max(1, len(sents) // 3)
        for j in range(0, len(sents), chunk):
            lab = "RECORDS:" if j == 0 else ""
            txt = (" I reviewed the following records. " if j == 0 else "") + " ".join(sents[j : j + chunk])
            out.append(B(lab, txt.strip(), st["body"]) if lab else P(txt.strip(), st["body"]))
        dep = self.deposition(rng)
        if dep:
            out.append(B("DEPOSITION:", " ".join(dep), st["body"]))
        if not s.supplemental:
            out.append(
                B("EXAMINATION:", " ".join(filler.exam(rng, s)) + " " + self.questionnaires(rng), st["body"])
            )
            out.append(B("STUDIES:", " ".join(filler.studies(rng, s)), st["body"]))
            out.append(
                B(
                    "IMPRESSION:",
                    " ".join(f"{j}) {t}." for j, t in enumerate(filler.diagnoses(s), 1)),
                    st["body"],
                )
            )
        # DISCUSSION: the conclusions, with few headings
        disc = []
        if s.supplemental:
            disc += self.supp_discussion(rng)
            m = self.mmi_block_supp()
            if m:
                disc.append(m)
        else:
            disc += self.discussion(rng)
            disc.append(filler.causation(rng, s))
            disc.append(self.mmi_text())
        out.append(B("DISCUSSION:", " ".join(disc), st["body"]))
        for j, r in enumerate(s.ratings):
            out.append(P(self.rating_prose(r, vst[j % 2], rng, lead_title=True), st["body"]))
        if s.combine_sentence:
            out.append(P(s.combine_sentence, st["body"]))
        if s.pd_sentence:
            out.append(P(s.pd_sentence, st["body"]))
        if s.appo_sentences:
            out.append(P("Regarding apportionment: " + " ".join(s.appo_sentences), st["body"]))
        elif s.mmi_status == "not_reached":
            out.append(
                P("Apportionment is deferred until the patient is permanent and stationary.", st["body"])
            )
        if s.no_restr_sentence:
            out.append(P(s.no_restr_sentence, st["body"]))
        elif s.restrictions:
            lab = "Temporary work restrictions:" if s.restr_temporary else "Permanent work restrictions:"
            out.append(P(f"{lab} " + " ".join(s.restrictions), st["body"]))
        if s.future_text:
            out.append(P(s.future_text, st["body"]))
        if s.extra_claimed:
            out.append(
                P(f"I defer the {', '.join(s.extra_claimed)} to the appropriate specialists.", st["body"])
            )
        out.append(
            P(
                "Thank you for the opportunity to participate in this patient's care. If you have questions, "
                "please call my office.",
                st["body"],
            )
        )
        out.append(P(filler.declaration(s, s.city), st["body"]))
        out += self.signature(st, None, [s.ev.specialty])
        ini = "".join(w[0] for w in s.ev.name.split()[:2]).lower()
        dd = s.exam_date or (s.report_date - __import__("datetime").timedelta(days=2))
        out.append(Spacer(1, 8))
        out.append(
            P(
                f"{ini.upper()}/{rng.choice(['jk', 'mt', 'rl', 'sv'])}  D: {fd(dd, 'mdy')}  "
                f"T: {fd(s.report_date, 'mdy')}",
                st["small"],
            )
        )
        return out

    def _pr2(self, st, rng):
        s = self.scn
        out = [
            P(f"{s.app.full} returns for follow-up. I am the primary treating physician.", st["body"]),
            B("SUBJECTIVE:", " ".join(filler.complaints(rng, s)), st["body"]),
            B("OBJECTIVE:", " ".join(filler.exam(rng, s)), st["body"]),
            B(
                "ASSESSMENT:",
                " ".join(f"{j}) {t}." for j, t in enumerate(filler.diagnoses(s), 1)),
                st["body"],
            ),
        ]
        recs = self.records()
        if recs:
            out.append(
                B(
                    "RECORDS:",
                    " ".join(
                        f"{fd(r.date, s.dstyle2)} {r.source}: "
                        f"{r.body if r.cited else r.title + '. ' + r.body}"
                        for r in recs
                    ),
                    st["body"],
                )
            )
        for h, t in self.extras(rng):
            out.append(B(h + ":", t, st["body"]))
        dep = self.deposition(rng)
        if dep:
            out.append(B("DEPOSITION:", " ".join(dep), st["body"]))
        out.append(
            B(
                "PLAN:",
                "Continue physical therapy two times a week for four weeks, home exercise, naproxen "
                "550 mg twice daily. Follow up in four weeks.",
                st["body"],
            )
        )
        out.append(B("P&S STATUS:", self.mmi_text(), st["body"]))
        out.append(B("WORK STATUS:", "Modified duty. " + " ".join(s.restrictions), st["body"]))
        out += self.signature(st, None, [s.ev.specialty])
        return out


# ============================================================================ qa
class QA(Writer):
    name = "qa"

    def templates(self, doc, total):
        s = self.scn

        def first(c, d):
            c.saveState()
            c.setFont("Times-Bold", 13)
            c.drawString(72, H - 50, s.ev.name)
            c.setFont("Times-Italic", 9.5)
            c.drawString(
                72, H - 62, f"Diplomate in {s.ev.specialty}" if s.ev.cred != "D.C." else "Chiropractic"
            )
            c.drawString(72, H - 73, "Qualified Medical Evaluator - State of California")
            c.setFont("Times-Roman", 9)
            c.drawRightString(W - 72, H - 50, s.practice["street"])
            c.drawRightString(W - 72, H - 61, s.practice["city"])
            c.drawRightString(W - 72, H - 72, f"Tel. {s.practice['phone']}")
            c.setLineWidth(0.6)
            c.line(72, H - 80, W - 72, H - 80)
            c.line(72, H - 82, W - 72, H - 82)
            self._foot(c, d)
            c.restoreState()

        def later(c, d):
            c.saveState()
            c.setFont("Times-Roman", 9)
            c.drawString(72, H - 45, f"{s.ev.name}")
            c.drawRightString(W - 72, H - 45, f"Re: {s.app.full}  /  {self.adj_text()}")
            self._foot(c, d)
            c.restoreState()

        self._total = total
        return [
            PageTemplate("first", [simple_frame(doc, top=96)], onPage=first),
            PageTemplate("later", [simple_frame(doc, top=62)], onPage=later),
        ]

    def _foot(self, c, d):
        s = self.scn
        lab = {"AME": "AME Report", "QME": "QME Report", "PTP": "Report"}[s.rtype]
        if s.supplemental:
            lab = "Supplemental " + lab
        c.setFont("Times-Roman", 8.5)
        c.drawCentredString(W / 2, 38, f"{lab} -- {s.app.full} -- Page {d.page} of {self._total or 99}")

    def story(self):
        s = self.scn
        rng = self.rng()
        st = styles("Times-Roman", 11, justify=True)
        vst = self.value_styles(rng)
        out = [NextPageTemplate("later"), P(fd(s.report_date, rng.choice(["long", "abbr"])), st["body"])]
        for a in [s.atty_app, "Attorneys for Applicant", "", s.atty_def, "Attorneys for Defendant"]:
            out.append(P(a, st["tight"]) if a else Spacer(1, 6))
        out.append(Spacer(1, 8))
        re_rows = [
            ["RE:", s.app.full],
            ["EMPLOYER:", s.employer],
            ["WCAB NO.:", self.adj_text()],
            ["CLAIM NO.:", self.claim_text()],
            ["DOI:", self.injuries_text()],
            ["DOB:", fd(s.dob, s.dstyle)],
        ]
        if s.exam_date:
            re_rows.append(["EXAM DATE:", fd(s.exam_date, s.dstyle)])
        out.append(grid(re_rows, [90, 360], st, box=False, pad=1))
        out.append(P(s.title, st["title"]))
        out.append(P("Dear Counsel:", st["body"]))
        jl = (s.exam_date or s.orig_exam) - __import__("datetime").timedelta(days=rng.randint(20, 60))
        if s.supplemental:
            out.append(P(self.supp_intro(), st["body"]))
        else:
            role = (
                "Pursuant to the agreement of the parties, I evaluated"
                if s.rtype == "AME"
                else "As the panel Qualified Medical Evaluator selected from QME Panel No. "
                f"{rng.randint(7000000, 7999999)}, I evaluated"
            )
            out.append(
                P(
                    f"{role} {s.app.full} in {s.ev.specialty} on {fd(s.exam_date, s.dstyle)}. The joint "
                    f"letter of the parties dated {fd(jl, s.dstyle2)} poses the questions answered at the end of "
                    f"this report.",
                    st["body"],
                )
            )
            out.append(P("HISTORY OF THE INJURY", st["h1"]))
            for t in filler.history(rng, s):
                out.append(P(t, st["body"]))
            out.append(P("EMPLOYMENT", st["h1"]))
            out.append(P(filler.job_description(rng, s), st["body"]))
            out.append(P("PRESENT COMPLAINTS", st["h1"]))
            out.append(P(" ".join(filler.complaints(rng, s)), st["body"]))
            out.append(P("PAST MEDICAL HISTORY AND PRIOR INJURIES", st["h1"]))
            out.append(P(filler.past_history(rng, s), st["body"]))
            out.append(P(filler.prior_injuries(s), st["body"]))
            for h, t in self.extras(rng):
                out.append(P(h, st["h1"]))
                out.append(P(t, st["body"]))
            out.append(P("PHYSICAL EXAMINATION", st["h1"]))
            for t in filler.exam(rng, s):
                out.append(P(t, st["body"]))
            q = self.questionnaires(rng)
            if q:
                out.append(P(q, st["body"]))
        out.append(P("RECORDS REVIEWED", st["h1"]))
        for j, r in enumerate(self.records(), 1):
            out.append(
                P(
                    f"<b>Record {j}.</b> {x(r.title)}, {x(r.source)}, {x(fd(r.date, s.dstyle2))}.",
                    st["tight"],
                    markup=True,
                )
            )
            out.append(P(r.body, st["indent"]))
        dep = self.deposition(rng)
        if dep:
            out.append(P("SUMMARY OF DEPOSITION TESTIMONY", st["h1"]))
            for t in dep:
                out.append(P(t, st["body"]))
        if not s.supplemental:
            out.append(P("DIAGNOSTIC IMPRESSION", st["h1"]))
            for j, t in enumerate(filler.diagnoses(s), 1):
                out.append(P(f"{j}. {t}", st["tight"]))
            d = self.discussion(rng)
            if d:
                out.append(P("DISCUSSION", st["h1"]))
                for t in d:
                    out.append(P(t, st["body"]))
        out.append(P("RESPONSES TO THE PARTIES' QUESTIONS", st["h1"]))
        qs = self._questions(rng, vst)
        for n, (q, answers) in enumerate(qs, 1):
            out.append(P(f"<b>Question {n}:</b> {x(q)}", st["body"], markup=True))
            out.append(P(f"<b>Answer:</b> {x(answers[0])}", st["indent"], markup=True))
            for a in answers[1:]:
                out.append(P(a, st["indent"]))
        out.append(P("DECLARATION", st["h1"]))
        out.append(P(filler.declaration(s, s.city), st["body"]))
        out += self.signature(
            st,
            "long",
            [
                s.ev.specialty,
                {
                    "AME": "Agreed Medical Examiner",
                    "QME": "Panel Qualified Medical Evaluator",
                    "PTP": "Primary Treating Physician",
                }[s.rtype],
            ],
        )
        return out

    def _questions(self, rng, vst):
        s = self.scn
        qs = []
        if s.supplemental:
            qs.append(
                (
                    "Having reviewed the additional records, do your opinions change?",
                    self.supp_discussion(rng),
                )
            )
            m = self.mmi_block_supp()
            if m:
                qs.append(("Is the applicant permanent and stationary, and as of what date?", [m]))
        else:
            qs.append(("What are the applicant's diagnoses?", ["; ".join(filler.diagnoses(s)) + "."]))
            qs.append(
                (
                    "Did the applicant sustain an injury arising out of and in the course of employment?",
                    [filler.causation(rng, s)],
                )
            )
            qs.append(
                ("Is the applicant permanent and stationary? If so, as of what date?", [self.mmi_text()])
            )
        if s.ratings:
            ans = [self.rating_prose(r, vst[j % 2], rng, lead_title=True) for j, r in enumerate(s.ratings)]
            if s.combine_sentence:
                ans.append(s.combine_sentence)
            if s.pd_sentence:
                ans.append(s.pd_sentence)
            qs.append(
                ("What is the applicant's whole person impairment under the AMA Guides, Fifth Edition?", ans)
            )
        elif not s.supplemental:
            qs.append(
                (
                    "What is the applicant's whole person impairment under the AMA Guides, Fifth Edition?",
                    [
                        "The applicant is not ratable at this time because, as explained above, the applicant has "
                        "not reached maximum medical improvement."
                    ],
                )
            )
        other = next((c for c in s.cited if c.imps), None)
        if other is not None and not s.supplemental:
            items = ", ".join(f"{i.wpi}% WPI for the {i.label}" for i in other.imps)
            q = f"{other.doctor.dr}, the {other.role_text}, assigned {items}. Do you agree with that rating?"
            if s.ratings:
                a = (
                    f"I do not adopt {other.doctor.dr}'s figures. My own ratings, with the reasons for them, are "
                    f"given in my answer above; the difference reflects the findings on my examination."
                )
            else:
                a = (
                    "The question is premature; in my opinion the applicant is not at maximum medical improvement, "
                    "so no rating is appropriate at this time."
                )
            qs.append((q, [a]))
            s.traps.add("question_cites_other_wpi")
        qs.append(
            (
                "Is there a basis for apportionment under Labor Code sections 4663 and 4664?",
                s.appo_sentences
                or (
                    ["Apportionment cannot be addressed until the applicant is permanent and stationary."]
                    if s.mmi_status == "not_reached"
                    else ["Not addressed in this report."]
                ),
            )
        )
        if s.restrictions or s.no_restr_sentence:
            qs.append(
                (
                    "What work restrictions, if any, are indicated?",
                    [s.no_restr_sentence]
                    if s.no_restr_sentence
                    else [self.restr_intro() + " " + " ".join(s.restrictions)],
                )
            )
        if s.future_text:
            qs.append(("Is the applicant in need of future medical care?", [s.future_text]))
        if s.extra_claimed and not s.supplemental:
            qs.append(
                (
                    f"Please comment on the claimed {', '.join(s.extra_claimed)}.",
                    [
                        "These conditions are outside my specialty; I recommend evaluation by an appropriate "
                        "specialist."
                    ],
                )
            )
        return qs


LAYOUTS = {"outline": Outline, "summary": Summary, "chiro": Chiro, "dictated": Dictated, "qa": QA}
