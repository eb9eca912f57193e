"""Findings: the record's own and cited findings, from the statements (statements.py).

Own findings are the author's: statements in the first person ("I assign"), by the physician who signs,
or attributed to nobody in the report's own sections (not a record review, not the history). Per body
part and side the adopted value wins (an adoption verb, a table row, a rating section; an alternative
offered beside it loses); a value stated in prose and repeated in a table is one value; two sides are
two values, also when they are equal. Cited findings are every other physician's, grouped by physician
and cited report (contract v1.1). Each value's evidence names the rules that produced it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from models.record import (
    Apportionment,
    CitedFinding,
    CitedPhysician,
    CombinedWpi,
    Evidence,
    Flag,
    Impairment,
    Mmi,
)
from pipeline.extraction.attribution import NOBODY, surname
from pipeline.extraction.bodyparts import takes_side
from pipeline.extraction.dates import find_dates
from pipeline.extraction.numbers import rx, value
from pipeline.extraction.statements import Statement
from pipeline.extraction.textview import ReportText, Sentence

_ROLES = {"PTP", "QME", "AME", "IME", "treating", "other"}
_RATING_SECTIONS = {"impairment", "summary", "pain", "almaraz"}
#: Rules that read a value as whole person in so many words (else "12% impairment": by convention only).
_EXPLICIT_WPI = {"unit.wpi_after", "unit.wpi_word", "table.wpi_column", "number.adopted", "wpi.breakdown"}


@dataclass
class OwnFindings:
    """The author's MMI, impairments, combined WPI and apportionment, and the flags they raise."""

    mmi: Mmi
    impairments: list[Impairment]
    combined: CombinedWpi
    apportionment: list[Apportionment]
    flags: list[Flag] = field(default_factory=list)


def evidence(rt: ReportText, st: Statement) -> Evidence:
    """The evidence of a statement: its sentence, page and box, and the rules behind it."""
    ev = rt.evidence(st.sentence)
    return ev.model_copy(update={"rules": list(dict.fromkeys(st.rules))})


def is_own(rt: ReportText, st: Statement) -> bool:
    """True when the statement is the author's: first person or the signer, or nobody named in the
    report's own sections."""
    if rt.is_other_document or st.hypothetical:
        return False
    if st.author.kind == "self":
        return True
    return st.author.kind == "none" and st.sentence.own


def own_findings(
    rt: ReportText, statements: list[Statement], exam_date: str | None, field_mmi_date: str | None
) -> OwnFindings:
    """The author's findings from every statement of the document."""
    own = [st for st in statements if is_own(rt, st)]
    flags: list[Flag] = []
    mmi, more = resolve_mmi(rt, [st for st in own if st.kind == "mmi"], exam_date, field_mmi_date)
    flags += more
    impairments, more = resolve_impairments(rt, [st for st in own if st.kind == "wpi"])
    flags += more
    shares, more = resolve_apportionment(rt, [st for st in own if st.kind == "apportionment"])
    flags += more
    combined = resolve_combined(rt, [st for st in own if st.kind == "combined"])
    return OwnFindings(mmi, impairments, combined, shares, flags)


# --- MMI ---------------------------------------------------------------------------------------------


def resolve_mmi(
    rt: ReportText, statements: list[Statement], exam_date: str | None, field_date: str | None
) -> tuple[Mmi, list[Flag]]:
    """The author's MMI status and date. A form field outweighs a conclusion section, which outweighs
    the rest; a reached statement wins unless a weightier one says not reached."""
    flags: list[Flag] = []
    stmts = list(statements)
    for st in stmts:
        if st.as_of_exam and st.date is None:
            st.date = exam_date
    if field_date and not any(st.date == field_date and st.weight >= 3 for st in stmts):
        holder = _sentence_with(rt, field_date) or next(
            (s for s in rt.sentences if rx("mmi.cue").search(s.text)), None
        )
        if holder is not None:
            stmts.append(
                Statement(
                    "mmi",
                    holder,
                    0,
                    NOBODY,
                    status="reached",
                    date=field_date,
                    weight=3.0,
                    rules=["mmi.field"],
                )
            )
    if not stmts:
        return Mmi(status="not_stated", confidence=0.9), flags
    reached = [st for st in stmts if st.status == "reached"]
    negative = [st for st in stmts if st.status == "not_reached"]
    if reached and _reached_wins(reached, negative):
        dated = [r for r in reached if r.date]
        dates = {r.date for r in dated}
        conf = 0.95
        chosen = max(dated, key=lambda r: (r.weight, -r.sentence.index)) if dated else reached[0]
        date = chosen.date if dated else None
        if len(dates) > 1:
            top = max(r.weight for r in dated)
            if len({r.date for r in dated if r.weight == top}) > 1:
                date = None
            flags.append(
                Flag.of(
                    "MMI_DATE_CONFLICT",
                    "mmi.date",
                    f"several MMI dates are stated: {sorted(d for d in dates if d)}",
                )
            )
            conf = 0.5
        if date is None:
            code, message = (
                ("MMI_DATE_MONTH_ONLY", "the MMI date is given to the month only; the day is not invented")
                if any(r.month_only for r in reached)
                else ("MMI_DATE_UNRESOLVED", "MMI is 'as of this evaluation' but the exam date was not found")
                if any(r.as_of_exam for r in reached)
                else ("MMI_DATE_MISSING", "MMI is reached but no date is stated")
            )
            flags.append(Flag.of(code, "mmi.date", message))
            conf = min(conf, 0.8)
        if negative and max(n.weight for n in negative) >= chosen.weight:
            flags.append(
                Flag.of(
                    "MMI_STATUS_CONFLICT", "mmi.status", "the report says both that MMI is and is not reached"
                )
            )
            conf = min(conf, 0.6)
        return Mmi(status="reached", date=date, evidence=evidence(rt, chosen), confidence=conf), flags
    chosen_neg = max(negative, key=lambda n: (n.weight, n.sentence.index))
    return Mmi(status="not_reached", evidence=evidence(rt, chosen_neg), confidence=0.9), flags


def _reached_wins(reached: list[Statement], negative: list[Statement]) -> bool:
    """Whether the author's statements say MMI is reached: the weightiest statements decide (a form field,
    then a conclusion section); among equals, the more sentences, then the later one."""
    if not negative:
        return True
    top_r, top_n = max(r.weight for r in reached), max(n.weight for n in negative)
    if top_r != top_n:
        return top_r > top_n
    r_sents = {r.sentence.index for r in reached if r.weight == top_r}
    n_sents = {n.sentence.index for n in negative if n.weight == top_n}
    if len(r_sents) != len(n_sents):
        return len(r_sents) > len(n_sents)
    return max(r_sents) > max(n_sents)


def _sentence_with(rt: ReportText, iso: str) -> Sentence | None:
    """The first sentence that holds the date `iso` and an MMI cue (where a form field writes it)."""
    for s in rt.sentences:
        if rx("mmi.cue").search(s.text) and iso in {d.iso for d in find_dates(s.text)}:
            return s
    return None


# --- impairments -------------------------------------------------------------------------------------


def _score(st: Statement) -> float:
    """How plainly a value is the evaluator's rating of its part (the highest wins)."""
    sc = 2.0 if st.adopted else 0.0
    sc += 1.5 if st.strong else 0.0
    sc += 1.0 if st.sentence.section.label in _RATING_SECTIONS else 0.0
    sc += 1.0 if st.from_table else 0.0
    sc -= 3.0 if st.alternative else 0.0
    return sc


def resolve_impairments(rt: ReportText, statements: list[Statement]) -> tuple[list[Impairment], list[Flag]]:
    """The adopted WPI per (body part, side), with evidence and confidence, and the flags raised."""
    flags: list[Flag] = []
    groups: dict[tuple[str, str | None], list[Statement]] = {}
    for st in statements:
        if st.wpi is None:
            continue
        if not 0 <= st.wpi <= 100:
            # OCR noise or a typo ("109% WPI"): never a value, always a question for the reviewer.
            flags.append(
                Flag.of(
                    "WPI_OUT_OF_RANGE",
                    "impairments",
                    f"a whole person impairment of {st.wpi:g}% was read on page "
                    f"{rt.evidence(st.sentence).page}; WPI is 0-100%, so it was not recorded",
                )
            )
            continue
        if any("two body parts" in d or "a total" in d for d in st.doubts):
            continue
        if st.body_part is None:
            continue
        groups.setdefault((st.body_part, st.laterality), []).append(st)
    # A side-less mention of a part rated per side elsewhere restates one of those ratings.
    for part, side in list(groups):
        if side is None and takes_side(part):
            sided = [k for k in groups if k[0] == part and k[1] is not None]
            if sided:
                values = {x.wpi for k in sided for x in groups[k]}
                rest = [x for x in groups[(part, None)] if x.wpi not in values]
                if rest:
                    groups[(part, None)] = rest
                else:
                    del groups[(part, None)]
    out: list[Impairment] = []
    for (part, side), ms in groups.items():
        top = max(_score(x) for x in ms)
        best = [x for x in ms if _score(x) == top]
        chosen = best[-1]
        values = {x.wpi for x in best}
        conf = 0.95 * chosen.link
        if len(values) > 1:
            conf = 0.5
            flags.append(
                Flag.of(
                    "WPI_AMBIGUOUS",
                    f"impairments[{len(out)}].wpi",
                    f"{part}: several WPI values ({sorted(v or 0 for v in values)}) with no clear adoption",
                )
            )
        elif len({x.wpi for x in ms if not x.alternative}) > 1:
            conf = min(conf, 0.9)
        if not _EXPLICIT_WPI & set(chosen.rules):
            conf = min(conf, 0.8)  # "12% impairment": whole person by convention, not in so many words
        if "part.unknown" in chosen.rules:
            conf = min(conf, 0.5)
            flags.append(
                Flag.of(
                    "WPI_UNLINKED",
                    f"impairments[{len(out)}].body_part",
                    f"a {chosen.wpi:g}% WPI on page {rt.evidence(chosen.sentence).page} names no body "
                    "part; it is recorded as 'other' until the reviewer names the part",
                )
            )
        if takes_side(part) and side is None:
            conf = min(conf, 0.8)
            flags.append(
                Flag.of(
                    "LATERALITY_MISSING",
                    f"impairments[{len(out)}].laterality",
                    f"{part}: the side is not stated next to the rating",
                )
            )
        out.append(
            Impairment(
                body_part=part,
                laterality=side,
                wpi=value(chosen.wpi or 0),
                method=chosen.method if part != "pain" else "Chapter 18 pain add-on",
                table_refs=chosen.table_refs,
                evidence=evidence(rt, chosen),
                confidence=round(conf, 2),
            )
        )
    return out, flags


def resolve_combined(rt: ReportText, statements: list[Statement]) -> CombinedWpi:
    """The combined WPI as the author states it (the last total stated)."""
    if not statements:
        return CombinedWpi()
    chosen = ([st for st in statements if not st.alternative] or statements)[-1]
    text = chosen.sentence.text
    method = (
        "added"
        if rx("wpi.added").search(text)
        else ("combined" if re.search(r"combin", text, re.I) else None)
    )
    return CombinedWpi(value=value(chosen.wpi or 0), evidence=evidence(rt, chosen), method=method)


# --- apportionment -----------------------------------------------------------------------------------


def resolve_apportionment(
    rt: ReportText, statements: list[Statement]
) -> tuple[list[Apportionment], list[Flag]]:
    """The author's apportionment per body part and side, or overall (the first statement of each)."""
    flags: list[Flag] = []
    found: dict[tuple[str | None, str | None], Statement] = {}
    for st in statements:
        if st.industrial is None or st.nonindustrial is None:
            continue
        if not (0 <= st.industrial <= 100 and 0 <= st.nonindustrial <= 100) or st.doubts:
            # OCR noise ("109% / -9%"): a flag for the reviewer, never a value or a crash.
            flags.append(
                Flag.of(
                    "APPORTIONMENT_OUT_OF_RANGE",
                    "apportionment",
                    f"shares of {st.industrial:g}% and {st.nonindustrial:g}% read on page "
                    f"{rt.evidence(st.sentence).page}",
                )
            )
            continue
        found.setdefault((st.body_part, st.laterality), st)
    if (None, None) in found and len(found) > 1:
        # Parts apportioned one by one: a part-less share restates one of them, unless it is 100/0 overall.
        overall = found[(None, None)]
        if any(
            (st.industrial, st.nonindustrial) == (overall.industrial, overall.nonindustrial)
            for k, st in found.items()
            if k != (None, None)
        ):
            found.pop((None, None))
    out = [
        Apportionment(
            body_part=part,
            laterality=side,
            industrial_pct=value(st.industrial or 0),
            nonindustrial_pct=value(st.nonindustrial or 0),
            evidence=evidence(rt, st),
        )
        for (part, side), st in found.items()
    ]
    return out, flags


# --- cited findings ----------------------------------------------------------------------------------


@dataclass
class _Group:
    name: str | None
    role: str | None
    report_date: str | None
    statements: list[Statement] = field(default_factory=list)


def is_cited(rt: ReportText, st: Statement) -> bool:
    """True when the statement is another physician's finding that the document reports."""
    kind = st.author.kind
    if kind in {"self", "nonphysician"}:
        return False
    if kind == "physician":
        return True
    # Nobody named: cited in a decision or summary, and in a report's record review or history.
    return rt.is_other_document or not st.sentence.own


def _entry_date(rt: ReportText, s: Sentence) -> str | None:
    """The date opening the record-review entry `s` belongs to ('06/22/2014 - PR-4 by Dr. Kim ...')."""
    head = rt.entry_head(s)
    if head is None:
        return None
    ds = find_dates(head.text[:40])
    return ds[0].iso if ds and ds[0].start <= 3 else None


def cited_findings(rt: ReportText, statements: list[Statement]) -> tuple[list[CitedFinding], list[Flag]]:
    """Group the cited statements by physician and cited report into `CitedFinding`s."""
    groups: dict[tuple[str, str | None], _Group] = {}
    flags: list[Flag] = []
    for st in statements:
        if not is_cited(rt, st) or "apportionment.none" in st.rules:
            continue  # "found no basis for apportionment" of another doctor: his view, not a share he gave
        if st.author.kind == "none" and st.kind == "mmi" and rt.is_other_document:
            if not rx("attribution.unattributed_mmi").search(st.sentence.text):
                continue  # "the claimant reached MMI on ...": a stipulation or the fact-finder's words
        if st.author.kind == "none" and st.kind in {"wpi", "combined"} and rt.is_other_document:
            if not rx("attribution.unattributed_rating_verb").search(st.sentence.text[: st.start]):
                continue  # "the claimant sustained a 25% impairment": the fact-finder's words
        if st.kind == "wpi" and (st.hypothetical or st.body_part is None or _two_parts(st)):
            continue
        if st.kind == "wpi" and st.body_part == "other" and st.author.kind != "physician":
            continue  # a rating of no named part by no named physician: too little to record
        report_date = st.report_date or _entry_date(rt, st.sentence)
        name = st.author.name
        if name:
            name = rt.known_surnames().get(surname(name), name)
        role = st.author.role or rt.known_role(name)
        key = (st.author.key if st.author.kind == "physician" else "role:unknown", report_date)
        g = groups.setdefault(key, _Group(name, role if role in _ROLES else None, report_date))
        g.statements.append(st)
        if g.role is None and role in _ROLES:
            g.role = role
    # A physician's statements that name no report date join that physician's one dated report.
    for (gkey, rdate), g in list(groups.items()):
        if rdate is not None:
            continue
        dated = [k for k in groups if k[0] == gkey and k[1] is not None]
        if len(dated) == 1:
            groups[dated[0]].statements.extend(g.statements)
            del groups[(gkey, rdate)]
    out: list[CitedFinding] = []
    for g in groups.values():
        finding = _finding(rt, g)
        if finding is None:
            continue
        if g.name is None and g.role is None and rt.is_other_document:
            flags.append(
                Flag.of(
                    "CITED_UNATTRIBUTED",
                    f"cited_findings[{len(out)}].physician",
                    "a finding is reported without saying which physician made it",
                )
            )
        out.append(finding)
    return out, flags


def _finding(rt: ReportText, g: _Group) -> CitedFinding | None:
    confidence = 0.8 if g.name or g.role else 0.6
    mmis = [s for s in g.statements if s.kind == "mmi"]
    mmi = None
    if mmis:
        reached = [s for s in mmis if s.status == "reached"]
        dated = [s for s in reached if s.date]
        chosen = dated[-1] if dated else (reached[-1] if reached else mmis[-1])
        mmi = Mmi(
            status="reached" if chosen.status == "reached" else "not_reached",
            date=chosen.date if chosen.status == "reached" else None,
            evidence=evidence(rt, chosen),
            confidence=confidence,
        )
    impairments: dict[tuple[str, str | None], Impairment] = {}
    totals = [s for s in g.statements if s.kind == "combined" and s.wpi is not None and 0 < s.wpi <= 100]
    if totals and not any(s.kind == "wpi" and s.body_part not in {None, "other"} for s in g.statements):
        # A physician's whole person total with no part rated beside it: their rating of the person.
        g.statements = [s for s in g.statements if not (s.kind == "wpi" and s.body_part == "other")]
        g.statements.append(
            replace(
                totals[-1], kind="wpi", body_part="other", rules=[*totals[-1].rules, "wpi.total_as_other"]
            )
        )
    for s in g.statements:
        if s.kind != "wpi" or s.body_part is None or s.wpi is None or not 0 <= s.wpi <= 100:
            continue
        if s.body_part == "other" and any(i.body_part != "other" for i in impairments.values()):
            continue  # a rating naming no part beside the physician's ratings of parts: their total
        known = impairments.get((s.body_part, s.laterality))
        if known is not None and known.wpi >= s.wpi and "wpi.amended_to" not in s.rules:
            continue  # a component, a reduced or an add-on value of the part's rating: the larger is the rating
        impairments[(s.body_part, s.laterality)] = Impairment(
            body_part=s.body_part,
            laterality=s.laterality,
            wpi=value(s.wpi),
            method="Chapter 18 pain add-on" if s.body_part == "pain" else None,
            evidence=evidence(rt, s),
            confidence=confidence,
        )
    shares: dict[tuple[str | None, str | None], Apportionment] = {}
    for s in g.statements:
        if (
            s.kind != "apportionment"
            or s.doubts
            or s.hypothetical
            or s.industrial is None
            or s.nonindustrial is None
        ):
            continue
        shares[(s.body_part, s.laterality)] = Apportionment(
            body_part=s.body_part,
            laterality=s.laterality,
            industrial_pct=value(s.industrial),
            nonindustrial_pct=value(s.nonindustrial),
            evidence=evidence(rt, s),
        )
    if mmi is None and not impairments and not shares:
        return None
    return CitedFinding(
        physician=CitedPhysician(name=_display(g.name), role=g.role),
        report_date=g.report_date,
        mmi=mmi,
        impairments=list(impairments.values()),
        apportionment=list(shares.values()),
    )


def _display(name: str | None) -> str | None:
    return re.sub(r"\s+", " ", name).strip().rstrip(",") if name else None


def _two_parts(st: Statement) -> bool:
    """A doubt that keeps a rating out: one value for two body parts."""
    return any("two body parts" in d for d in st.doubts)
