"""Cited findings (record contract v1.1): what the document says other physicians found, one entry per
physician and cited report, each value with its evidence.

A statement is cited when its author is another physician; in a record-review entry or history that
names nobody, it is the entry's; in a document that is not a physician's report (a decision, a summary),
every statement a physician or nobody in particular made is cited, and a judge's or the Board's is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from models.record import Apportionment, CitedFinding, CitedPhysician, Flag, Impairment, Mmi
from pipeline.extraction.attribution import surname
from pipeline.extraction.dates import find_dates
from pipeline.extraction.statements import Statement, value
from pipeline.extraction.textview import ReportText, Sentence

_ROLES = {"PTP", "QME", "AME", "IME", "treating", "other"}


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
        if not is_cited(rt, st):
            continue
        if st.kind == "wpi" and (st.hypothetical or st.body_part is None or _blocking(st)):
            continue
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
                Flag(
                    code="CITED_UNATTRIBUTED",
                    field=f"cited_findings[{len(out)}].physician",
                    message="a finding is reported without saying which physician made it",
                )
            )
        out.append(finding)
    return out, flags


def _finding(rt: ReportText, g: _Group) -> CitedFinding | None:
    mmis = [s for s in g.statements if s.kind == "mmi"]
    mmi = None
    if mmis:
        reached = [s for s in mmis if s.status == "reached"]
        dated = [s for s in reached if s.date]
        chosen = dated[-1] if dated else (reached[-1] if reached else mmis[-1])
        mmi = Mmi(
            status="reached" if chosen.status == "reached" else "not_reached",
            date=chosen.date if chosen.status == "reached" else None,
            evidence=rt.evidence(chosen.sentence),
            confidence=0.8 if g.name or g.role else 0.6,
        )
    impairments: dict[tuple[str, str | None], Impairment] = {}
    for s in g.statements:
        if s.kind != "wpi" or s.body_part is None or s.wpi is None or not 0 <= s.wpi <= 100:
            continue
        known = impairments.get((s.body_part, s.laterality))
        if known is not None and known.wpi >= s.wpi:
            continue  # a component or an add-on of the part's rating: the physician's rating is the larger
        impairments[(s.body_part, s.laterality)] = Impairment(
            body_part=s.body_part,
            laterality=s.laterality,
            wpi=value(s.wpi),
            method="Chapter 18 pain add-on" if s.body_part == "pain" else None,
            evidence=rt.evidence(s.sentence),
            confidence=0.8 if g.name or g.role else 0.6,
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
            evidence=rt.evidence(s.sentence),
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
    if not name:
        return None
    return re.sub(r"\s+", " ", name).strip().rstrip(",")


def _blocking(st: Statement) -> bool:
    """A doubt that keeps a rating out: one value for two body parts."""
    return any("two body parts" in d for d in st.doubts)
