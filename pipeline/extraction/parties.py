"""Who: the applicant, the employer, WCAB case numbers and insurer claim numbers."""

from __future__ import annotations

import difflib
import re
from datetime import date

from models.document import TextSource
from models.record import Flag, Occupation
from pipeline.extraction.dates import find_dates
from pipeline.extraction.evaluator import CRED
from pipeline.extraction.fields import Fields
from pipeline.extraction.numbers import rx
from pipeline.extraction.report import first_lines
from pipeline.extraction.textview import ReportText
from pipeline.reading.repair import DIGIT_LIKE, OCR_DIGITS, OCR_ID_CHARS


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
    return _name_as_repeated(applicant, rt), employer


def _name_as_repeated(name: str | None, rt: ReportText) -> str | None:
    """On a scan, a name read once that differs by an OCR slip from one read the same on two or more other
    lines (running headers, the history) is that repeated name: "Pedro Rentena" in the header field,
    "Pedro Renteria" on every page's running header. Unambiguous only when one such name exists."""
    if name is None or not any(p.text_source == TextSource.OCR for p in rt.document.pages):
        return name
    text = rt.assembled.header_text + "\n" + rt.assembled.text
    n = len(name.split())
    if n < 2 or len(re.findall(re.escape(name), text, re.I)) >= 2:
        return name
    window = re.compile(r"\b[A-Z][A-Za-z'\-]+" + r"[ ]+[A-Z][A-Za-z'\-]+" * (n - 1) + r"\b")
    seen: dict[str, int] = {}
    forms: dict[str, str] = {}
    for m in window.finditer(text):
        key = m.group().lower()
        seen[key] = seen.get(key, 0) + 1
        if key not in forms or forms[key].isupper():
            forms[key] = m.group()
    want = name.lower()
    near = [
        k
        for k, count in seen.items()
        if count >= 2
        and k != want
        and k.split()[0][0] == want.split()[0][0]
        and difflib.SequenceMatcher(None, k, want).ratio() >= 0.85
    ]
    if len(near) != 1:
        return name
    return _clean_name(forms[near[0]])


_CASE_EXACT = re.compile(r"\bADJ\s?-?(\d{7,8})\b", re.I)
#: "ADJ", "AOJ", "AD J", "A0J" followed by 7-8 digit-like characters with at least five real digits.
_CASE_FUZZY = re.compile(
    rf"(?<![A-Za-z0-9])A\s?[DO0]\s?[J1Il]\s?-?([{DIGIT_LIKE}]{{7,8}})(?![A-Za-z0-9])", re.I
)


def checked_case_numbers(rt: ReportText) -> tuple[list[str], list[Flag]]:
    """WCAB case numbers, normalised to ADJ + digits, in order of first appearance, read OCR-robustly: "ADJ12B4567" is ADJ1284567 (O/0, I/l/1, S/5, B/8 inside the
    number are corrected); a corrected number no other line of the document confirms is flagged, and one
    read once on a scan that differs in a single digit from a number the running headers repeat is flagged
    as a likely misreading of it."""
    text = rt.assembled.header_text + "\n" + rt.assembled.text
    counts: dict[str, int] = {}
    order: list[str] = []
    corrected: set[str] = set()
    for m in _CASE_FUZZY.finditer(text):
        raw = m.group(1)
        digits = raw.translate(OCR_DIGITS)
        if not digits.isdigit() or sum(c.isdigit() for c in raw) < 5:
            continue
        num = "ADJ" + digits
        exact = bool(_CASE_EXACT.fullmatch(m.group(0).replace(" ", "")))
        if not exact:
            corrected.add(num)
        counts[num] = counts.get(num, 0) + 1
        if num not in order:
            order.append(num)
    exact_seen = {"ADJ" + m.group(1) for m in _CASE_EXACT.finditer(text)}
    scanned = any(p.text_source == TextSource.OCR for p in rt.document.pages)
    flags: list[Flag] = []
    out: list[str] = []
    for num in order:
        twin = scanned and next(
            (
                o
                for o in order
                if o != num
                and counts[o] >= 2
                and len(o) == len(num)
                and sum(a != b for a, b in zip(o, num, strict=True)) == 1
            ),
            None,
        )
        if counts[num] == 1 and twin:
            # On a scan, a number read once that differs in one digit from one the running headers repeat
            # is most likely a misreading of it; it may also be a second case: kept, and flagged.
            flags.append(
                Flag.of(
                    "CASE_NUMBER_OCR_VARIANT",
                    "claim.case_numbers",
                    f"{num} is read once and differs in one digit from {twin}, repeated on other "
                    "pages: a misreading of it, or a second case? Check the page",
                )
            )
        if num in corrected and num not in exact_seen:
            flags.append(
                Flag.of(
                    "CASE_NUMBER_OCR_CORRECTED",
                    "claim.case_numbers",
                    f"{num} was read with letters in place of digits and corrected; check it",
                )
            )
        out.append(num)
    return out, flags


def claim_numbers(fields: Fields, rt: ReportText) -> list[str]:
    """Insurer claim numbers as written; on a scan, "§34-63-31349" is 534-63-31349, and a number OCR split
    in two ("75-791 42-164") is joined when the joined number is printed elsewhere (a running header)."""
    text = rt.assembled.header_text + "\n" + rt.assembled.text
    out: list[str] = []
    for v in fields.all("claim_number"):
        for part in re.split(r"[;,]|\s{2,}|\band\b", v):
            toks = [t.strip(" .;,").translate(OCR_ID_CHARS) for t in part.strip().split(" ")]
            tok = toks[0]
            if len(toks) > 1 and re.search(r"\d", toks[1]) and text.count(tok + toks[1]) >= 1:
                tok += toks[1]
            elif len(toks) > 1 and re.fullmatch(r"[A-Za-z]{1,4}", tok) and re.match(r"\d", toks[1]):
                tok = f"{tok} {toks[1]}"  # "WC 7221-4436": a carrier's letters before the number
            if (
                re.search(r"\d", tok)
                and not tok.upper().startswith("ADJ")
                and len(tok) >= 4
                and tok not in out
            ):
                out.append(tok)
    return out


#: "date of birth Aug. 12, 1979", "DOB: 12-06-1995", "born on 3/4/1980" in the opening lines.
_BIRTH = re.compile(
    r"\b(?:date\s+of\s+birth|d\.?o\.?b\.?|birth\s*date|born(?:\s+on)?)\s*[:#,]?\s*(?:is\s+)?", re.I
)


def date_of_birth(fields: Fields, rt: ReportText) -> str | None:
    """The applicant's date of birth: the header field, else a "date of birth ..." in the opening
    sentences; None unless it is a plausible one (1900 to 14 years before the report's own dates)."""
    found = [d.iso for v in fields.all("birth") for d in find_dates(v) if d.iso]
    if not found:
        for s in rt.sentences[:60]:
            for m in _BIRTH.finditer(s.text):
                dates = [d for d in find_dates(s.text[m.end() : m.end() + 40]) if d.start == 0 and d.iso]
                if dates and dates[0].iso:
                    found.append(dates[0].iso)
                    break
            if found:
                break
    if not found:
        return None
    born = found[0]
    return born if "1900-01-01" <= born <= f"{date.today().year - 14}-12-31" else None


#: Words that end an occupation phrase or show it is not one ("employed as a result of ...").
_NOT_OCCUPATION = re.compile(
    r"\b(?:result|consequence|patient|applicant|injured|usual|same|well|needed|noted|above|follows|before|such|"
    r"unknown|unemployed|retired|none|n/a)\b",
    re.IGNORECASE,
)


def _clean_occupation(value: str) -> str | None:
    text = re.sub(r"\s+", " ", value).strip(" -,.;:'")
    text = re.split(r"\s+(?:x|for)\s+\d|\s{2,}|\s+\(", text)[0]
    words = text.split()
    if not 1 <= len(words) <= 6 or any(c.isdigit() for c in text) or _NOT_OCCUPATION.search(text):
        return None
    return text.lower()


def occupation(fields: Fields, rt: ReportText) -> Occupation | None:
    """The worker's occupation: an `Occupation:` / `Job title:` field, else the first "employed as a ..." in
    the report's sentences; with the sentence it came from."""
    candidates = [c for c in (_clean_occupation(v) for v in fields.all("occupation")) if c]
    for s in rt.sentences:
        if candidates:
            if candidates[0] in s.text.lower():
                return Occupation(text=candidates[0], evidence=rt.evidence(s))
            continue
        m = rx("parties.occupation").search(s.text)
        if m:
            found = _clean_occupation(m.group("occ"))
            if found:
                ev = rt.evidence(s, rt.local(s, m.start("occ")), rt.local(s, m.end("occ")))
                return Occupation(
                    text=found, evidence=ev.model_copy(update={"rules": ["parties.occupation"]})
                )
    return Occupation(text=candidates[0]) if candidates else None
