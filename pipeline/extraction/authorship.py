"""Authorship: whether a document is a physician's own report, and which kind, from what it says.

A physician's report is recognised by its content, in any state's format: a title, a physician's signature,
clinical sections (history, examination, diagnosis or impression, plan, discussion, disability), and a
physician writing about the patient in the first person ("I examined", "in my opinion"). A decision, a
case summary or a lawyer's letter reads otherwise: judges, the Board, appellants, citations. What no
physician wrote as their own opinion is `OTHER`; its findings are all cited.

The report type comes from the title, then from the author's own role statements ("in my capacity as the
primary treating physician", "this Agreed Medical Evaluation"), then from the report's opening lines, and
never from the physicians its record review mentions. A physician's report that names no type is taken for
a treating physician's (PTP) and flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.extraction.numbers import rx
from pipeline.extraction.report import first_lines
from pipeline.extraction.textview import ReportText

#: Sections whose presence marks a clinical report (sections.json labels).
_CLINICAL = {
    "history",
    "complaints",
    "past_history",
    "exam",
    "diagnostics",
    "diagnoses",
    "disability_status",
    "impairment",
    "apportionment",
    "work_restrictions",
    "future_medical",
    "causation",
    "discussion",
}
#: A role named in a title, a role statement or the opening lines -> the report type.
_ROLE_TYPES = (
    ("AME", "report.role_ame"),
    ("QME", "report.role_qme"),
    ("PTP", "report.role_ptp"),
    ("IME", "report.role_ime"),
)


@dataclass
class Authorship:
    """What the document is: a physician's own report or not, its type, and the reasons."""

    physician_report: bool
    report_type: str
    supplemental: bool
    confidence: float
    reasons: list[str] = field(default_factory=list)


def _count(pattern_id: str, text: str, cap: int) -> int:
    return min(cap, len(rx(pattern_id).findall(text)))


def authorship(rt: ReportText, title: str | None, signed: bool) -> Authorship:
    """Decide whether the document is a physician's report and of which type."""
    body = rt.assembled.text[:30000]
    head = (title or "") + "\n" + "\n".join(first_lines(rt.document, 16))
    supplemental = bool(rx("report.supplemental").search(head))
    sections = {s.section.label for s in rt.sentences} & _CLINICAL
    headings = {h.strip().rstrip(":").upper() for h in rx("report.clinical_heading").findall(body)}
    first_person = _count("report.first_person", body, 4)
    patient = _count("report.patient_language", body, 3)
    legal_words = {m.lower() for m in rx("report.other_document").findall(body)}
    citations = _count("report.citation", body, 2)
    clinical = 3 * bool(title) + 3 * signed + min(len(sections | headings), 4) + first_person + patient
    legal = min(len(legal_words), 6) + 3 * citations
    reasons = [
        f"clinical {clinical} (title {bool(title)}, signed {signed}, sections {sorted(sections | headings)[:6]}, "
        f"first person {first_person}, patient {patient})",
        f"legal {legal} (words {sorted(legal_words)[:6]}, citations {citations})",
    ]
    # Patient language alone is a decision's too ("the claimant underwent surgery"): without a title or a
    # signature, a physician's report also speaks in the first person or has clinical sections.
    voiced = bool(title) or signed or first_person >= 1 or len(sections | headings) >= 2
    if clinical < 3 or legal > clinical or not voiced:
        return Authorship(False, "OTHER", False, 0.9 if legal > clinical else 0.8, reasons)
    found = _type_from(rt, title)
    if found is not None:
        rtype, conf, why = found
        return Authorship(True, rtype, supplemental, conf, [*reasons, why])
    return Authorship(
        True, "PTP", supplemental, 0.5, [*reasons, "no type stated: a treating physician's report"]
    )


def _role_in(text: str) -> str | None:
    """The report type the earliest role named in `text` gives."""
    best: tuple[int, str] | None = None
    for rtype, rule in _ROLE_TYPES:
        m = rx(rule).search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), rtype)
    return best[1] if best else None


def _type_from(rt: ReportText, title: str | None) -> tuple[str, float, str] | None:
    """The type from the title, the author's role statements, or the opening lines, in that order."""
    if title and (rtype := _role_in(title)):
        return rtype, 0.97, f"title: {title}"
    for s in rt.sentences[:400]:
        m = rx("report.role_self").search(s.text)
        if m and (rtype := _role_in(m.group(0))):
            return rtype, 0.92, "the author's own role statement"
    opening = [
        s.text
        for s in rt.sentences[:40]
        if s.own and s.section.label != "records_review" and not rt.other_physician(s)
    ]
    running = [ln.text for page in rt.document.pages[:2] for ln in page.lines if ln.role != "body"]
    lines = "\n".join([*first_lines(rt.document, 25), *running, *opening])
    for rtype, rule in _ROLE_TYPES:
        # An AME is also a QME (a letterhead credential), never the reverse: the narrower role wins.
        if rx(rule).search(lines):
            return rtype, 0.9, "the report's opening lines"
    own_text = "\n".join(s.text for s in rt.sentences if s.own and not rt.other_physician(s))[:20000]
    if rx("report.role_ime").search(own_text):
        return "IME", 0.75, "an independent examination named in the author's own sections"
    if rx("report.role_medical_legal").search(lines):
        return "QME", 0.75, "a medical-legal evaluation that names no evaluator role"
    return None


#: The conventions a document can show, each with its rule in patterns.json.
CONVENTIONS = (
    ("california", "convention.california"),
    ("texas", "convention.texas"),
    ("colorado", "convention.colorado"),
    ("tennessee", "convention.tennessee"),
    ("oregon", "convention.oregon"),
    ("healing_plateau", "convention.healing_plateau"),
    ("medically_stable", "convention.medically_stable"),
    ("body_as_whole", "convention.body_as_whole"),
    ("federal_schedule", "convention.federal_schedule"),
)


def conventions(rt: ReportText) -> list[str]:
    """The rating conventions the document's words show (a Texas IR is whole person; a Colorado limb
    rating is scheduled); recorded on the record so a reader knows which state's terms were read."""
    body = rt.assembled.text[:40000]
    return [name for name, rule in CONVENTIONS if rx(rule).search(body)]
