"""MMI / permanent and stationary: this evaluator's conclusion, its date, and the flags it raises."""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.record import Flag, Mmi
from pipeline.extraction.dates import find_dates
from pipeline.extraction.rules import load_rules
from pipeline.extraction.statements import mmi_statements
from pipeline.extraction.textview import ReportText, Sentence


@dataclass
class MmiStatement:
    """One sentence that says whether MMI is reached, with its date if any."""

    sentence: Sentence
    status: str  # reached | not_reached
    date: str | None
    month_only: bool
    as_of_exam: bool
    weight: float


_FIELD_LABEL = re.compile(r"^\s*[\w &()/.\-]{0,50}?:\s*")


def _mmi_statement(rt: ReportText, s: Sentence, exam_date: str | None) -> MmiStatement | None:
    rules = load_rules()
    cue = rules.cue("mmi")
    text = s.text
    hits = list(cue.finditer(text))
    if not hits:
        return None
    if rules.cue("mmi_field").search(text) or re.match(
        r"^\s*(?:p\s?&\s?s|permanent (?:and|&) stationary|mmi)\s*(?:date|status)?\s*:", text, re.I
    ):
        value = text.split(":", 1)[1] if ":" in text else text
        dates = find_dates(value)
        if re.match(r"\s*(?:yes|\[x\]\s*yes|x\s+yes)", value, re.I) or dates:
            full = [d for d in dates if d.iso]
            return MmiStatement(
                s, "reached", full[0].iso if full else None, not full and bool(dates), False, 3.0
            )
        if re.match(r"\s*(?:no\b|not\b|n/a|deferred|pending|tbd|\[x\]\s*no)", value, re.I):
            return MmiStatement(s, "not_reached", None, False, False, 3.0)
        return None
    best: MmiStatement | None = None
    # What the general statement rules make of each cue: they veto a definition ("P&S status is reached
    # when ...") and turn a clause-scoped negation ("she is no longer at MMI") into not reached.
    verdicts: dict[int, str] = {}
    mmi_statements(rt, s, verdicts)
    for h in hits:
        cats = rt.context(s, s.start + h.start(), s.start + h.end())
        if "OTHER_PHYSICIAN" in cats:
            continue
        if not s.own and not re.search(r"\bI\b", text):
            continue
        verdict = verdicts.get(h.start())
        if verdict == "none":
            continue
        if "NEGATED" in cats or "HYPOTHETICAL" in cats or verdict == "not_reached":
            status = "not_reached"
        else:
            window = text[max(0, h.start() - 90) : h.start()]
            after = text[h.end() : h.end() + 80]
            rules = load_rules()
            positive = (
                rules.cue("mmi_positive_before").search(window)
                or rules.cue("mmi_positive_after").match(after)
                or rules.cue("mmi_date_after").match(after)
            )
            if not positive:
                continue
            status = "reached"
        date, month_only, as_of_exam = None, False, False
        if status == "reached":
            tail = text[h.start() :]
            dates = [
                d
                for d in find_dates(text)
                if not _is_other_date(text, d.start)
                and "OTHER_PHYSICIAN" not in rt.context(s, s.start + d.start, s.start + d.end)
            ]
            after_dates = [d for d in dates if d.start >= h.start() - 60]
            as_of = rules.cue("as_of_exam").search(tail) or rules.cue("as_of_exam").search(
                text[max(0, h.start() - 60) :]
            )
            if after_dates:
                d = min(after_dates, key=lambda d: abs(d.start - h.end()))
                date, month_only = d.iso, d.month_only
            elif as_of:
                as_of_exam = True
                date = exam_date
        weight = 1.0 + (1.0 if s.section.label in {"disability_status", "summary", "discussion"} else 0.0)
        stmt = MmiStatement(s, status, date, month_only, as_of_exam, weight)
        if best is None or (stmt.status == "reached" and best.status != "reached"):
            best = stmt
    return best


def _is_other_date(text: str, pos: int) -> bool:
    before = text[max(0, pos - 40) : pos].lower()
    return bool(load_rules().cue("other_date_before").search(before))


def extract_mmi(rt: ReportText, exam_date: str | None, mmi_field_date: str | None) -> tuple[Mmi, list[Flag]]:
    """This evaluator's MMI status and date, from the statements in own sections."""
    flags: list[Flag] = []
    statements = [st for s in rt.sentences if (st := _mmi_statement(rt, s, exam_date)) is not None]
    if mmi_field_date and not any(st.date == mmi_field_date and st.weight >= 3 for st in statements):
        # A form field ("Permanent & Stationary Date:" with the date under it): evidence is where it is written.
        holder = next(
            (
                s
                for s in rt.sentences
                if mmi_field_date in {d.iso for d in find_dates(s.text)}
                and load_rules().cue("mmi").search(s.text)
            ),
            None,
        ) or next((s for s in rt.sentences if load_rules().cue("mmi").search(s.text)), None)
        if holder is not None:
            statements.append(MmiStatement(holder, "reached", mmi_field_date, False, False, 3.0))
    if not statements:
        return Mmi(status="not_stated", confidence=0.9), flags
    reached = [st for st in statements if st.status == "reached"]
    negative = [st for st in statements if st.status == "not_reached"]
    strong_neg = [st for st in negative if st.weight >= 2]
    if reached and (not strong_neg or max(r.weight for r in reached) >= max(n.weight for n in strong_neg)):
        dated = [r for r in reached if r.date]
        dates = {r.date for r in dated}
        conf = 0.95
        chosen = max(dated, key=lambda r: (r.weight, -r.sentence.index)) if dated else reached[0]
        date = chosen.date if dated else None
        if len(dates) > 1:
            top = max(r.weight for r in dated)
            top_dates = {r.date for r in dated if r.weight == top}
            flags.append(
                Flag(
                    code="MMI_DATE_CONFLICT",
                    field="mmi.date",
                    message=f"several MMI dates are stated: {sorted(d for d in dates if d)}",
                )
            )
            if len(top_dates) > 1:
                date = None
            conf = 0.5
        if date is None:
            if any(r.month_only for r in reached):
                flags.append(
                    Flag(
                        code="MMI_DATE_MONTH_ONLY",
                        field="mmi.date",
                        message="the MMI date is given to the month only; the day is not invented",
                    )
                )
            elif any(r.as_of_exam for r in reached):
                flags.append(
                    Flag(
                        code="MMI_DATE_UNRESOLVED",
                        field="mmi.date",
                        message="MMI is 'as of this evaluation' but the exam date was not found",
                    )
                )
            else:
                flags.append(
                    Flag(
                        code="MMI_DATE_MISSING",
                        field="mmi.date",
                        message="MMI is reached but no date is stated",
                    )
                )
            conf = min(conf, 0.8)
        if negative and max(n.weight for n in negative) >= chosen.weight:
            flags.append(
                Flag(
                    code="MMI_STATUS_CONFLICT",
                    field="mmi.status",
                    message="the report says both that MMI is and is not reached",
                )
            )
            conf = min(conf, 0.6)
        return Mmi(status="reached", date=date, evidence=rt.evidence(chosen.sentence), confidence=conf), flags
    chosen_neg = max(negative, key=lambda n: (n.weight, n.sentence.index))
    return Mmi(status="not_reached", evidence=rt.evidence(chosen_neg.sentence), confidence=0.9), flags
