"""This evaluator's findings that the report-specific linkers (mmi.py, wpi.py) did not find, from the
general statement finders: a phrasing they were not written for ("I rate the right knee at eight percent
whole person impairment", "3% WPI for each hip", "Status: (a) permanent and stationary").

Only gaps are filled, never a value those linkers found replaced (except one side-less rating that the
general rule reads as "each" side), and every value filled in here is marked with a lower confidence and a
flag, so the record goes to review.
"""

from __future__ import annotations

from models.record import Apportionment, Flag, Impairment, Mmi
from pipeline.extraction.statements import Statement, value
from pipeline.extraction.textview import ReportText

#: Confidence of a value found only by the general rules (below the review threshold on purpose).
GENERAL_CONFIDENCE = 0.7


def own_statements(rt: ReportText, statements: list[Statement]) -> list[Statement]:
    """Statements of this evaluator: first person or nobody named, in the evaluator's own sections."""
    return [
        st
        for st in statements
        if st.sentence.own and st.author.kind in {"self", "none"} and not st.hypothetical
    ]


def fill_mmi(rt: ReportText, mmi: Mmi, own: list[Statement]) -> tuple[Mmi, list[Flag]]:
    """The MMI conclusion from the general rules when the report's linker found none."""
    if mmi.status != "not_stated":
        return mmi, []
    found = [st for st in own if st.kind == "mmi"]
    if not found:
        return mmi, []
    reached = [st for st in found if st.status == "reached"]
    dated = [st for st in reached if st.date]
    chosen = dated[-1] if dated else (reached[-1] if reached else found[-1])
    status = "reached" if chosen.status == "reached" else "not_reached"
    out = Mmi(
        status=status,
        date=chosen.date if status == "reached" else None,
        evidence=rt.evidence(chosen.sentence),
        confidence=GENERAL_CONFIDENCE,
    )
    return out, [
        Flag(
            code="MMI_GENERAL_RULE",
            field="mmi",
            message="the MMI conclusion was read by the general rules only; check it against the page",
        )
    ]


def fill_impairments(
    rt: ReportText, impairments: list[Impairment], own: list[Statement]
) -> tuple[list[Impairment], list[Flag]]:
    """Ratings of body parts the report's linker rated nothing for; 'for each hip' as two sides."""
    out = list(impairments)
    flags: list[Flag] = []
    rated = {i.body_part for i in impairments}
    by_part: dict[tuple[str, str | None], Statement] = {}
    for st in own:
        if st.kind == "wpi" and st.wpi is not None and not 0 <= st.wpi <= 100:
            # OCR noise or a typo ("109% WPI"): never a value, always a question for the reviewer.
            flags.append(
                Flag(
                    code="WPI_OUT_OF_RANGE",
                    field="impairments",
                    message=f"a whole person impairment of {st.wpi:g}% was read on page "
                    f"{rt.evidence(st.sentence).page}; WPI is 0-100%, so it was not recorded",
                )
            )
            continue
        if st.kind != "wpi" or st.body_part is None or st.wpi is None:
            continue
        if any("two body parts" in d or "a total" in d for d in st.doubts):
            continue
        by_part[(st.body_part, st.laterality)] = st
    for (part, side), st in by_part.items():
        sides_here = {k[1] for k in by_part if k[0] == part}
        replace_sideless = (
            part in rated
            and sides_here == {"left", "right"}
            and [i.laterality for i in out if i.body_part == part] == [None]
            and all(i.wpi == st.wpi for i in out if i.body_part == part)
        )
        if part in rated and not replace_sideless:
            continue
        if replace_sideless:
            out = [i for i in out if i.body_part != part]
            rated.discard(part)
        out.append(
            Impairment(
                body_part=part,
                laterality=side,
                wpi=value(st.wpi or 0),
                evidence=rt.evidence(st.sentence),
                confidence=GENERAL_CONFIDENCE,
            )
        )
        flags.append(_general_rule_flag("WPI_GENERAL_RULE", f"impairments[{len(out) - 1}]", part))
    # Parts added above count as rated from now on (both sides of an "each" rating are kept).
    return out, flags


def fill_apportionment(
    rt: ReportText, shares: list[Apportionment], own: list[Statement]
) -> tuple[list[Apportionment], list[Flag]]:
    """Apportionment of body parts (or overall) the report's linker found none for: "Right shoulder: 100%
    industrial", "I apportion one-third of the left hip disability to ..."."""
    out = list(shares)
    flags: list[Flag] = []
    known = {(a.body_part, a.laterality) for a in shares}
    if any(a.body_part is None for a in shares):
        return out, flags  # an overall apportionment covers every part
    found: dict[tuple[str | None, str | None], Statement] = {}
    for st in own:
        if st.kind != "apportionment" or st.doubts or st.industrial is None or st.nonindustrial is None:
            continue
        if not (0 <= st.industrial <= 100 and 0 <= st.nonindustrial <= 100):
            continue
        found.setdefault((st.body_part, st.laterality), st)
    if (None, None) in found and known:
        found.pop((None, None))  # parts are apportioned one by one: a part-less share is not overall
    for (part, side), st in found.items():
        if (part, side) in known or (part is not None and (part, None) in known):
            continue
        out.append(
            Apportionment(
                body_part=part,
                laterality=side,
                industrial_pct=value(st.industrial or 0),
                nonindustrial_pct=value(st.nonindustrial or 0),
                evidence=rt.evidence(st.sentence),
            )
        )
        flags.append(
            _general_rule_flag(
                "APPORTIONMENT_GENERAL_RULE", f"apportionment[{len(out) - 1}]", part or "overall"
            )
        )
    return out, flags


def _general_rule_flag(code: str, field: str, what: str) -> Flag:
    """The review flag of an own value only the general rules found."""
    return Flag(
        code=code, field=field, message=f"{what}: read by the general rules only; check it against the page"
    )
