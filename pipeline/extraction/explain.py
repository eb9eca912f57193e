"""`medlegal extract --explain`: per value, the sentence it came from, the rules that produced it and
what was decided (own, cited, left out and why), so a wrong value is traced to its rule in a minute."""

from __future__ import annotations

import re

from pipeline.extraction.extract import Extraction
from pipeline.extraction.findings import is_cited, is_own
from pipeline.extraction.rules import load_rules
from pipeline.extraction.statements import Statement


def _decision(ex: Extraction, st: Statement) -> str:
    """What became of a statement: the author's own finding, a cited one, or left out and why."""
    rt = ex.text
    if st.hypothetical:
        return "left out: conditional, future, alternative or a party's claim (statement.hypothetical)"
    if st.kind == "combined":
        return "combined WPI" if is_own(rt, st) else "left out: a total cited from someone else"
    if is_own(rt, st):
        return "OWN (the author's)"
    if is_cited(rt, st):
        who = st.author.name or st.author.role or "an unnamed physician"
        return f"CITED ({who})"
    if st.author.kind == "nonphysician":
        return "left out: a judge's, the Board's, a rater's or a party's number"
    return "left out: nobody's finding here"


def explain(ex: Extraction) -> str:
    """A plain-text account of how the record was made."""
    record, rt = ex.record, ex.text
    rules = load_rules().patterns
    lines = [
        f"document: {record.source.filename}  type: {record.report.type}  "
        f"physician's report: {'no' if rt.is_other_document else 'yes'}  "
        f"evaluator: {record.report.evaluator.name or '-'}",
        *(f"  authorship: {why}" for why in ex.authorship.reasons),
        "",
        "statements (page | what | whose | decision | rules):",
    ]
    used: set[str] = set()
    for st in ex.statements:
        page = rt.evidence(st.sentence).page
        lines.append(f"  p{page} | {st.explain()} | {_decision(ex, st)}")
        lines.append(f'        "{_short(st.sentence.text)}"')
        if st.doubts:
            lines.append(f"        doubts: {'; '.join(st.doubts)}")
        used.update(st.rules)
    lines += ["", "record:"]
    mmi = record.mmi
    lines.append(f"  mmi: {mmi.status} {mmi.date or ''} (confidence {mmi.confidence:.2f})")
    if mmi.evidence:
        lines.append(f'        rules {",".join(mmi.evidence.rules)}: "{_short(mmi.evidence.text)}"')
    for imp in record.impairments:
        lines.append(
            f"  wpi: {imp.body_part} {imp.laterality or ''} {imp.wpi}% (confidence {imp.confidence:.2f})"
        )
        if imp.evidence:
            lines.append(f'        rules {",".join(imp.evidence.rules)}: "{_short(imp.evidence.text)}"')
    if record.combined_wpi.value is not None:
        lines.append(
            f"  combined: {record.combined_wpi.value}% ({record.combined_wpi.method or 'as stated'})"
        )
    for a in record.apportionment:
        lines.append(f"  apportionment: {a.body_part or 'overall'} {a.industrial_pct}/{a.nonindustrial_pct}")
    for f in record.cited_findings:
        who = f.physician.name or f.physician.role or "unnamed"
        vals = [f"{i.body_part} {i.laterality or ''} {i.wpi}%".replace("  ", " ") for i in f.impairments]
        if f.mmi:
            vals.insert(0, f"MMI {f.mmi.status} {f.mmi.date or ''}".strip())
        vals += [
            f"apportionment {a.body_part or 'overall'} {a.industrial_pct}/{a.nonindustrial_pct}"
            for a in f.apportionment
        ]
        lines.append(f"  cited {who}: {'; '.join(vals)}")
    lines.append(f"  review: {record.review.status} {', '.join(f.code for f in record.review.flags)}")
    lines += ["", "rules used:"]
    for rid in sorted(used):
        rule = rules.get(rid)
        lines.append(f"  {rid}: {rule.doc if rule else '(attribution or code rule)'}")
    return "\n".join(lines)


def _short(text: str, n: int = 220) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= n else text[: n - 3] + "..."
