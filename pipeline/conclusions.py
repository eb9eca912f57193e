"""The evaluator's conclusions besides WPI: MMI / P&S, apportionment, work restrictions, future care."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from models.record import Apportionment, Flag, FutureMedical, Mmi, WorkRestriction
from pipeline.dates import DATE_RE, find_dates
from pipeline.link import _part_in_text
from pipeline.rules import load_rules
from pipeline.textview import ReportText, Sentence


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
    for h in hits:
        cats = rt.context(s, s.start + h.start(), s.start + h.end())
        if "OTHER_PHYSICIAN" in cats:
            continue
        if not s.own and not re.search(r"\bI\b", text):
            continue
        if "NEGATED" in cats or "HYPOTHETICAL" in cats:
            status = "not_reached"
        else:
            window = text[max(0, h.start() - 90) : h.start()]
            after = text[h.end() : h.end() + 80]
            positive = (
                re.search(
                    r"\b(?:reached|attained|achieved|is|are|was|became|become|has become|be|been|being|deemed|declared|"
                    r"considered|find|found|finds|consider|declare|deem|place|placed|now|status|at|rendered|date|dated)\b",
                    window,
                    re.I,
                )
                or re.match(
                    r"\s*(?:status\s+)?(?:was|has been|is)?\s*(?:reached|attained|achieved)", after, re.I
                )
                or re.match(r"\s*(?:date|status)\s*(?:is|was|of|:|=)", after, re.I)
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
    return bool(
        re.search(
            r"(?:birth|dob|born|injury|doi|surgery|surgical|underwent|mri|emg|x-ray|report dated|"
            r"dated|letter of|deposition)\W*(?:on|of|dated)?\W*$",
            before,
        )
    )


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


_PCT = r"(\d{1,3}(?:\.\d+)?)\s*(?:%|percent|per cent)"


def extract_apportionment(rt: ReportText) -> list[Apportionment]:
    """Apportionment per body part or overall, in either direction of wording."""
    rules = load_rules()
    ind_cue, non_cue, none_cue = (
        rules.cue("industrial"),
        rules.cue("nonindustrial"),
        rules.cue("no_apportionment"),
    )
    out: list[Apportionment] = []
    seen: set[tuple[str | None, str | None]] = set()
    for s in rt.sentences:
        text = s.text
        in_section = s.section.label == "apportionment"
        if not in_section and not re.search(r"apportion", text, re.I):
            continue
        if not s.own or ("OTHER_PHYSICIAN" in rt.context(s, s.start, s.end) and not in_section):
            continue
        if any(
            m.category == "OTHER_PHYSICIAN"
            and "Dr" in rt.assembled.text[m.trigger_start : m.trigger_end]
            and not rt._is_self(m)
            for m in (rt.doc._.modifiers or [])
            if s.start <= m.trigger_start < s.end
        ):
            continue
        if rules.cue("pd_unit").search(text) and not re.search(
            r"industrial|caus|due to|attribut", text, re.I
        ):
            continue
        default: tuple[str | None, str | None] = (None, None)
        if s.section.is_subheading:
            sub = _part_in_text(s.section.heading)
            if sub:
                default = sub
        for part, side, ind, non in _clause_shares(text, default, ind_cue, non_cue):
            if ind is None and non is None:
                if none_cue.search(text) and (in_section or re.search(r"apportion", text, re.I)):
                    ind, non = 100.0, 0.0
                else:
                    continue
            if ind is None and non is not None:
                ind = 100 - non
            if non is None and ind is not None:
                non = 100 - ind
            key = (part, side)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                Apportionment(
                    body_part=part,
                    laterality=side,
                    industrial_pct=_n(ind),
                    nonindustrial_pct=_n(non),
                    evidence=rt.evidence(s),
                )
            )
    return out


def _clause_shares(
    text: str, default: tuple[str | None, str | None], ind_cue: re.Pattern[str], non_cue: re.Pattern[str]
) -> list[tuple[str | None, str | None, float | None, float | None]]:
    """Industrial and non-industrial shares per body part, clause by clause (';' separates clauses)."""
    entries: list[list[Any]] = []
    for clause in re.split(r";\s*", text):
        clause = DATE_RE.sub("that date", clause)  # "August 11, 2018": the comma is not a clause break
        found = _part_in_text(clause)
        pcts = [(m.start(), m.end(), float(m.group(1))) for m in re.finditer(_PCT, clause, re.I)]
        if found and (pcts or not entries):
            entries.append([found[0], found[1], None, None])
        elif not entries:
            entries.append([default[0], default[1], None, None])
        entry = entries[-1]
        for k, (pos, pend, value) in enumerate(pcts):
            seg_end = pcts[k + 1][0] if k + 1 < len(pcts) else len(clause)
            seg_start = pcts[k - 1][1] if k else 0
            after = re.sub(
                r"^\s*of (?:the|his|her) (?:[\w\-]+\s+){0,3}?[\w\-]+\s*(?=,|\band\b)",
                "",
                clause[pend:seg_end],
            )
            # Words after a conjunction describe the next share ("30% to X and 70% to Y").
            after = re.split(r",|\band\b|\bwhile\b|\bwhereas\b|\bwith the\b", after, maxsplit=1)[0]
            before = re.split(r",|\band\b|\bwhile\b|\bwhereas\b", clause[seg_start:pos])[-1]
            kind = _share_kind(after, ind_cue, non_cue) or _share_kind(before, ind_cue, non_cue, last=True)
            # Shares of one kind add up ("specific injury 30%; cumulative trauma 40%").
            if kind == "non":
                entry[3] = value if entry[3] is None else entry[3] + value
            elif kind == "ind":
                entry[2] = value if entry[2] is None else entry[2] + value
    return [(e[0], e[1], e[2], e[3]) for e in entries]


def _share_kind(
    segment: str, ind_cue: re.Pattern[str], non_cue: re.Pattern[str], last: bool = False
) -> str | None:
    """Whether a share's words name the industrial injury ('ind') or something else ('non')."""
    hits: list[tuple[int, str]] = []
    non_spans = [(m.start(), m.end()) for m in non_cue.finditer(segment)]
    hits += [(a, "non") for a, _ in non_spans]
    for m in ind_cue.finditer(segment):
        if not any(a <= m.start() < b for a, b in non_spans):
            hits.append((m.start(), "ind"))
    if not hits:
        return None
    hits.sort()
    return hits[-1][1] if last else hits[0][1]


def _n(v: float | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


_RESTRICTION = re.compile(
    r"\b(?:no|avoid|preclu\w+|restrict\w*|limit\w*|not (?:to )?(?:lift|carry|push|pull|stand|walk|sit|climb|kneel|"
    r"squat|work)|lifting|carrying|modified (?:work|duty)|full duty|regular (?:work|duty)|return to (?:work|"
    r"full|regular|usual|modified)|may (?:return|work)|sedentary|light duty|off work|temporarily totally disabled|"
    r"occasional|frequent|repetitive|prolonged|overhead|up to \d+ ?(?:pounds|lbs))\b",
    re.I,
)


def extract_restrictions(rt: ReportText) -> list[WorkRestriction]:
    """Sentences of the work-restrictions section that state a restriction or work status."""
    out: list[WorkRestriction] = []
    for s in rt.sentences:
        if s.section.label != "work_restrictions" or not s.own:
            continue
        text = re.sub(r"\s+", " ", s.text).strip()
        if len(text) < 8 or text.isupper() or text.endswith(":"):
            continue
        if "OTHER_PHYSICIAN" in rt.context(s, s.start, s.end):
            continue
        if _RESTRICTION.search(text):
            out.append(
                WorkRestriction(
                    text=re.sub(r"^\s*(?:[-•*]|\d{1,2}[.)])\s*", "", text), evidence=rt.evidence(s)
                )
            )
    return out


def extract_future_medical(rt: ReportText) -> FutureMedical:
    """Whether future medical care is provided, from its section or explicit statements."""
    none_cue = load_rules().cue("future_medical_none")
    body: list[Sentence] = []
    for s in rt.sentences:
        if not s.own:
            continue
        if none_cue.search(s.text):
            return FutureMedical(provided=False, text=s.text[:600], evidence=rt.evidence(s))
        if s.section.label == "future_medical" and not (s.text.isupper() and len(s.text) < 60):
            body.append(s)
    if body:
        text = " ".join(re.sub(r"\s+", " ", b.text) for b in body[:8])
        return FutureMedical(provided=True, text=text[:1200], evidence=rt.evidence(body[0]))
    for s in rt.sentences:
        if s.own and re.search(
            r"\bfuture medical (?:care|treatment)\b.{0,60}\b(?:provided|include|should|"
            r"recommend|indicated|warranted|necessary|consist|allow|reasonable)",
            s.text,
            re.I,
        ):
            return FutureMedical(provided=True, text=s.text[:600], evidence=rt.evidence(s))
    return FutureMedical()
