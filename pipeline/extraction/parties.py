"""Who: the applicant, the employer, WCAB case numbers and insurer claim numbers."""

from __future__ import annotations

import re

from pipeline.extraction.evaluator import CRED
from pipeline.extraction.fields import Fields
from pipeline.extraction.report import first_lines
from pipeline.extraction.textview import ReportText


def _clean_name(value: str) -> str | None:
    value = re.split(
        r"\s{2,}|\s\|\s|\bv\.?\s|\bvs\.?\s|\bDOB\b|\bDOI\b|\bSSN\b|\(|\bADJ|\bClaim|\bCase|\bWCAB|\bDate|\bEmployer",
        value,
    )[0]
    value = value.strip(" ,;:.-")
    if not value or re.search(r"\d", value) or len(value.split()) > 5:
        return None
    if "," in value and len(value.split(",")) == 2 and not re.search(CRED, value):
        last, first = (p.strip() for p in value.split(","))
        if first and last and " " not in last:
            value = f"{first} {last}"
    if value.isupper():
        value = " ".join(w.capitalize() if len(w) > 2 or "." not in w else w for w in value.split())
    return re.sub(r"\s+", " ", value)


def applicant_and_employer(fields: Fields, rt: ReportText) -> tuple[str | None, str | None]:
    """The applicant's and the employer's names."""
    applicant = None
    for v in fields.all("applicant"):
        applicant = _clean_name(v)
        if applicant:
            break
    employer = None
    for v in fields.all("employer"):
        e = re.split(r"\s{2,}|\s\|\s|\bClaim\b|\bInsurer\b|\bCarrier\b|\bADJ|\bDOI\b|\bDate\b", v)[0].strip(
            " ,;:"
        )
        if e:
            employer = e
            break
    if applicant is None or employer is None:
        for line in first_lines(rt.document, 60):
            m = re.search(
                r"^(?:RE|Re|IN RE|In re)?\s*:?\s*([A-Z][A-Za-z.'\- ]{3,40}?)\s+(?:v\.|vs\.?|versus)\s+"
                r"([A-Z][A-Za-z0-9&.,'\- ]{2,60}?)(?:\s{2,}|\s+ADJ|\s*;|\s*$|,\s*(?:ADJ|Case|Claim))",
                line,
            )
            if m:
                applicant = applicant or _clean_name(m.group(1))
                employer = employer or m.group(2).strip(" ,;")
                break
    if applicant is None:
        for line in first_lines(rt.document, 60):
            m = re.search(r"\b(?:Mr|Ms|Mrs|Miss)\.\s+([A-Z][A-Za-z'\-]+(?:\s+[A-Z][A-Za-z'\-]+)?)", line)
            if m and len(m.group(1).split()) == 2:
                applicant = m.group(1)
                break
    return applicant, employer


def case_numbers(rt: ReportText) -> list[str]:
    """WCAB case numbers, normalised to ADJ + digits, in order of first appearance."""
    text = rt.assembled.header_text + "\n" + rt.assembled.text
    seen: list[str] = []
    for m in re.finditer(r"\bADJ\s?-?(\d{7,8})\b", text, re.I):
        num = "ADJ" + m.group(1)
        if num not in seen:
            seen.append(num)
    return seen


def claim_numbers(fields: Fields) -> list[str]:
    """Insurer claim numbers as written."""
    out: list[str] = []
    for v in fields.all("claim_number"):
        for part in re.split(r"[;,]|\s{2,}|\band\b", v):
            tok = part.strip().split(" ")[0].strip(" .;,")
            if (
                re.search(r"\d", tok)
                and not tok.upper().startswith("ADJ")
                and len(tok) >= 4
                and tok not in out
            ):
                out.append(tok)
    return out
