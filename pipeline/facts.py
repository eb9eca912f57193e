"""Who, what and when: report type and title, dates, evaluator, applicant, employer, case numbers, injuries.

Most of these sit in 'Label: value' fields at the top of the report (labels in rules/fields.json); prose
and the signature block fill what the fields do not.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from models.document import Document, Line, Word
from models.record import Evaluator, Injury
from pipeline.dates import DATE_RE, find_dates, parse_date
from pipeline.textview import ReportText

_CRED = (
    r"(?:M\.?\s?D\.?|D\.?\s?O\.?|D\.?\s?C\.?|Ph\.?\s?D\.?|Psy\.?\s?D\.?|D\.?P\.?M\.?|D\.?D\.?S\.?|O\.?D\.?)"
)
_NAME_LINE = re.compile(
    rf"^(?:(?:/s/|s/|Electronically signed by:?|Signed:?|Signature:?|By:?)\s*)?"
    rf"((?:Dr\.\s+)?[A-Z][A-Za-z'\-]+(?:\s+[A-Z]\.?)?(?:\s+[A-Z][A-Za-z'\-]+){{1,2}}),?\s+({_CRED}(?:\s*,\s*"
    rf"(?:F\.?A\.?A\.?O\.?S\.?|Q\.?M\.?E\.?|F\.?A\.?C\.?S\.?|{_CRED}|DABPN|FACP|MPH|M\.?S\.?|M\.?P\.?H\.?))*)\s*"
    rf"(?:[,|].*)?$"
)


@cache
def _field_labels() -> list[tuple[str, str]]:
    data = json.loads(resources.files("pipeline.rules").joinpath("fields.json").read_text(encoding="utf-8"))
    pairs = [(lab, f["id"]) for f in data["fields"] for lab in f["labels"]]
    return sorted(pairs, key=lambda p: -len(p[0]))


@cache
def _label_regex() -> re.Pattern[str]:
    alts = "|".join(re.escape(lab).replace(r"\ ", r"\s+") for lab, _ in _field_labels())
    return re.compile(rf"(?:^|(?<=\s)|(?<=\|))({alts})\s*(?:[:#]|\bno\.?:?|\.:)\s*", re.I)


@dataclass
class Fields:
    """Values of 'Label: value' fields, by field id, in document order, with their page."""

    values: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    #: Lowest OCR confidence (0-100) of the lines each field was read from; absent for text-layer lines.
    ocr_confidence: dict[str, float] = field(default_factory=dict)

    def first(self, key: str) -> str | None:
        v = self.values.get(key)
        return v[0][0] if v else None

    def all(self, key: str) -> list[str]:
        return [x for x, _ in self.values.get(key, [])]


def _norm_label(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip().rstrip(":#").strip()


@cache
def _label_lookup() -> dict[str, str]:
    return {_norm_label(k): v for k, v in _field_labels()}


def _groups(words: list[Word]) -> list[list[Word]]:
    """Words split at wide gaps, as the cells of a form or a two-column header are."""
    if not words:
        return []
    widths = sorted((w.bbox[2] - w.bbox[0]) / max(1, len(w.text)) for w in words)
    char_w = widths[len(widths) // 2]
    out = [[words[0]]]
    for a, b in itertools.pairwise(words):
        if b.bbox[0] - a.bbox[2] > 2.2 * char_w:
            out.append([b])
        else:
            out[-1].append(b)
    return out


def _char_width(words: list[Word]) -> float:
    widths = sorted((w.bbox[2] - w.bbox[0]) / max(1, len(w.text)) for w in words)
    return widths[len(widths) // 2]


def _gap_before(words: list[Word], i: int) -> float:
    return words[i].bbox[0] - words[i - 1].bbox[2]


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def _line_fields(line: Line, below: Line | None, above: Line | None) -> list[tuple[str, str]]:
    """(field id, value) pairs of one line, reading values beside the label or under it."""
    regex = _label_regex()
    lookup = _label_lookup()
    words = line.words
    text = line.text
    if not words or " ".join(w.text for w in words) != text:
        return _regex_fields(text)
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w.text) + 1
    labels: list[tuple[int, int, str]] = []  # first word, word after the label, field id
    for m in regex.finditer(text):
        if m.start(1) > 0 and text[m.start(1) - 1] not in " |":
            continue
        key = lookup.get(_norm_label(m.group(1)))
        if key is None:
            continue
        wa = bisect.bisect_right(starts, m.start(1)) - 1
        wb = bisect.bisect_left(starts, m.end() - 1)
        wb = max(wb, wa + 1)
        while (
            wb < len(words) and starts[wb] < m.end() and words[wb].text.strip() in {":", "#", "No.", "No.:"}
        ):
            wb += 1
        if starts[wa] != m.start(1):
            continue
        if (
            wa > 0
            and _gap_before(words, wa) < 2.2 * _char_width(words)
            and words[wa - 1].text not in {"|", "-"}
            and not words[wa - 1].text.endswith((";", "|"))
        ):
            continue  # a label starts a line or a cell, never the middle of a sentence
        if labels and wa < labels[-1][1]:
            continue
        labels.append((wa, wb, key))
    # Wrapped labels: "Date of" here and "Examination:" under it form one label.
    if below is not None:
        for group in _groups(below.words):
            gtext = _text(group)
            if not gtext.endswith(":") or len(group) > 3:
                continue
            for top in _groups(words):
                if abs(top[0].bbox[0] - group[0].bbox[0]) < 4 and not _text(top).endswith(":"):
                    key = lookup.get(_norm_label(_text(top) + " " + gtext))
                    if key:
                        wa = words.index(top[0])
                        labels.append((wa, wa + len(top), key))
                        labels.sort()
    out: list[tuple[str, str]] = []
    groups = _groups(words)
    group_of = {id(w): gi for gi, g in enumerate(groups) for w in g}
    for i, (_wa, wb, key) in enumerate(labels):
        limit = labels[i + 1][0] if i + 1 < len(labels) else len(words)
        value_words: list[Word] = []
        for w in words[wb:limit]:
            if value_words and group_of[id(w)] != group_of[id(value_words[-1])]:
                break
            if (
                not value_words
                and wb > 0
                and group_of[id(w)] != group_of[id(words[wb - 1])]
                and _is_label_group(groups[group_of[id(w)]], lookup)
            ):
                break
            value_words.append(w)
        value = _text(value_words).strip(" |;,")
        if not value and below is not None:
            x0, x1 = _column(words, groups, group_of, labels, i)
            value = _text([w for w in below.words if x0 - 4 <= w.bbox[0] < x1 - 4]).strip(" |;,")
        if value:
            out.append((key, value))
    return out


def _column(
    words: list[Word],
    groups: list[list[Word]],
    group_of: dict[int, int],
    labels: list[tuple[int, int, str]],
    i: int,
) -> tuple[float, float]:
    """The x-range of a form column headed by label i: its cell, up to the next cell or label."""
    wa = labels[i][0]
    gi = group_of[id(words[wa])]
    alone = not any(group_of[id(words[o[0]])] == gi for j, o in enumerate(labels) if j != i)
    x0 = groups[gi][0].bbox[0] if alone else words[wa].bbox[0]
    nexts = [g[0].bbox[0] for g in groups[gi + 1 :]]
    nexts += [words[o[0]].bbox[0] for o in labels if words[o[0]].bbox[0] > words[wa].bbox[0]]
    nexts += [
        w.bbox[0]
        for w in groups[gi]
        if w.bbox[0] > words[wa].bbox[0] and w.text.endswith(":") and w is not words[labels[i][1] - 1]
    ]
    return x0, min(nexts) if nexts else 10_000.0


def _is_label_group(group: list[Word], lookup: dict[str, str]) -> bool:
    text = _text(group)
    return text.endswith(":") and len(group) <= 4


def _regex_fields(text: str) -> list[tuple[str, str]]:
    regex = _label_regex()
    lookup = _label_lookup()
    matches = [m for m in regex.finditer(text) if m.start(1) == 0 or text[m.start(1) - 1] in " |"]
    out = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start(1) if i + 1 < len(matches) else len(text)
        key = lookup.get(_norm_label(m.group(1)))
        value = text[m.end() : end].strip(" |;,")
        if key and value:
            out.append((key, value))
    return out


def read_fields(document: Document, max_pages: int = 3) -> Fields:
    """'Label: value' fields: beside their label, under it (forms), or with a label wrapped over two lines."""
    out = Fields()
    for page in document.pages:
        lines = page.lines
        for i, line in enumerate(lines):
            if page.number > max_pages and not re.search(r"date|p&s|permanent|mmi", line.text, re.I):
                continue
            below = lines[i + 1] if i + 1 < len(lines) else None
            above = lines[i - 1] if i else None
            for key, value in _line_fields(line, below, above):
                if key == "report_date" and page.number > 2:
                    continue
                out.values.setdefault(key, []).append((value, page.number))
                if line.confidence is not None and key not in out.ocr_confidence:
                    out.ocr_confidence[key] = line.confidence
    return out


def _clean_name(value: str) -> str | None:
    value = re.split(
        r"\s{2,}|\s\|\s|\bv\.?\s|\bvs\.?\s|\bDOB\b|\bDOI\b|\bSSN\b|\(|\bADJ|\bClaim|\bCase|\bWCAB|\bDate|\bEmployer",
        value,
    )[0]
    value = value.strip(" ,;:.-")
    if not value or re.search(r"\d", value) or len(value.split()) > 5:
        return None
    if "," in value and len(value.split(",")) == 2 and not re.search(_CRED, value):
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
        for line in _first_lines(rt.document, 60):
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
        for line in _first_lines(rt.document, 60):
            m = re.search(r"\b(?:Mr|Ms|Mrs|Miss)\.\s+([A-Z][A-Za-z'\-]+(?:\s+[A-Z][A-Za-z'\-]+)?)", line)
            if m and len(m.group(1).split()) == 2:
                applicant = m.group(1)
                break
    return applicant, employer


def _first_lines(document: Document, n: int) -> list[str]:
    out: list[str] = []
    for page in document.pages[:2]:
        for line in page.lines:
            out.append(line.text.strip())
            if len(out) >= n:
                return out
    return out


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


def injuries(fields: Fields, rt: ReportText) -> list[Injury]:
    """Specific injuries (one date) and cumulative trauma periods (start, end)."""
    out: list[Injury] = []

    def add(inj: Injury) -> None:
        if inj not in out:
            out.append(inj)

    sources = list(fields.all("injury"))
    for s in rt.sentences[:400]:
        if s.section.label in {"records_review", "prior_injuries", "past_history"}:
            continue
        if (
            re.search(r"\bcumulative(?:\s+trauma)?|\bCT\b|\binjur(?:y|ies|ed)\b|\bDOI\b", s.text, re.I)
            and len(s.text) < 400
        ):
            sources.append(s.text)
    fields_n = len(fields.all("injury"))
    for n, src in enumerate(sources):
        for inj in _parse_injuries(_demonth(src), is_field=n < fields_n):
            add(inj)
    # A specific date that equals a CT end date is the same claim written twice.
    ct_ends = {i.end for i in out if i.type == "cumulative" and i.start}
    ct_bounds = ct_ends | {i.start for i in out if i.type == "cumulative" and i.start}
    return [
        i
        for i in out
        if not (i.type == "specific" and i.start in ct_bounds)
        and not (i.type == "cumulative" and i.start is None and i.end in ct_ends)
    ]


_RANGE = re.compile(
    rf"({DATE_RE.pattern})\s*(?:-|–|—|to|through|thru|until)\s*({DATE_RE.pattern}|(?:the\s+)?present)", re.I
)


def _parse_injuries(text: str, is_field: bool = False) -> list[Injury]:
    out: list[Injury] = []
    used: list[tuple[int, int]] = []
    for m in _RANGE.finditer(text):
        start = parse_date(m.group(1))
        end = parse_date(m.group(2)) if "present" not in m.group(2).lower() else None
        prefix = text[max(0, m.start() - 80) : m.start()]
        if start and (
            re.search(
                r"\bCT\b|cumulative|continuous|repetitive|period", prefix + text[m.end() : m.end() + 20], re.I
            )
            or is_field
        ):
            if not re.search(
                r"\b(?:TTD|TPD|temporar\w+|off work|disabled|employed|worked)\b", prefix[-40:], re.I
            ):
                out.append(Injury(type="cumulative", start=start, end=end))
                used.append((m.start(), m.end()))
    if not re.search(r"date of injury|dates? of injury|\bDOI\b|injur", text, re.I) and not is_field:
        return out
    for m in re.finditer(
        r"\b(?:cumulative(?:ly)?|CT)\b[^.;]{0,40}?\b(?:through|thru|ending|until|to)\s+("
        + DATE_RE.pattern
        + ")",
        text,
        re.I,
    ):
        if not any(a <= m.start(1) < b for a, b in used):
            end = parse_date(m.group(1))
            if end:
                out.append(Injury(type="cumulative", start=None, end=end))
                used.append((m.start(1), m.end(1)))
    for d in find_dates(text):
        if d.iso is None or any(a <= d.start < b for a, b in used):
            continue
        before = text[max(0, d.start - 45) : d.start]
        if is_field and re.search(r"\b(?:CT|cumulative|continuous)\b", text, re.I):
            continue  # a CT field whose range did not parse (wrapped cell): no specific date from it
        if is_field and re.search(
            r"birth|dob|born|exam|evaluat|report|surgery|seen|visit|dated", before, re.I
        ):
            continue
        if is_field or re.search(
            r"(?:(?:an?|the|specific|industrial|work|claimed|alleged|other)\s+(?:[a-z\-]+\s+)?injur\w*"
            r"|dates? of (?:the )?injur\w*|injured|DOI)"
            r"\W{0,3}(?:on|of|occurred on|date\w*)?\W{0,3}(?:on\s+)?(?:or about\s+)?$",
            before,
            re.I,
        ):
            out.append(Injury(type="specific", start=d.iso, end=None))
    return out


def report_type(rt: ReportText, title: str | None) -> tuple[str | None, bool, float]:
    """Report type (QME, AME, PTP, IME, OTHER), supplemental flag and a confidence."""
    first = "\n".join(_first_lines(rt.document, 40))
    head = (title or "") + "\n" + "\n".join(_first_lines(rt.document, 16))
    supplemental = bool(
        re.search(
            r"\bsupplemental|\bsupplementary|\bML[\s-]?106\b|\baddendum\b|"
            r"\breport on (?:the )?review of (?:additional |new )?(?:medical )?records\b|"
            r"\brecords? review report\b",
            head,
            re.I,
        )
    )
    checks = [
        ("AME", r"\bagreed\s+medical\s+(?:evaluat|examin)\w*|\bAME\b"),
        ("QME", r"\bpanel\s+qualified|\bqualified\s+medical\s+(?:evaluat|examin)\w*|\bP?QME\b"),
        ("QME", r"\bML[\s-]?10[1-6]\b|\bmedical[\s-]legal\s+evaluation"),
        (
            "PTP",
            r"\bPR-?[24]\b|\bprimary\s+treating|\btreating\s+physician|\bprogress\s+report\b|"
            r"\bpermanent\s+and\s+stationary\s+report\b|\bPTP\b|\bDWC\s+Form\s+PR",
        ),
        ("IME", r"\bindependent\s+medical\s+(?:evaluat|examin)\w*|\bIME\b"),
    ]
    for source, conf in ((title or "", 0.97), (first, 0.9)):
        for name, pattern in checks:
            if re.search(pattern, source, re.I):
                return name, supplemental, conf
    counts: Counter[str] = Counter()
    for name, pattern in checks:
        counts[name] = len(re.findall(pattern, rt.assembled.text[:20000], re.I))
    if counts and counts.most_common(1)[0][1] > 0:
        return counts.most_common(1)[0][0], supplemental, 0.75
    return "OTHER", supplemental, 0.5


def title(document: Document) -> str | None:
    """The report's title: the first line on page 1 that names a kind of report or evaluation."""
    if not document.pages:
        return None
    lines = [line for line in document.pages[0].lines if line.role == "body"]
    for line in lines[:40]:
        text = line.text.strip()
        if (
            re.search(r"\b(?:report|evaluation|examination|re-?evaluation|PR-?[24])\b", text, re.I)
            and len(text) < 120
            and (
                text.isupper()
                or line.bbox[3] - line.bbox[1] > 13
                or re.match(
                    r"^(?:[A-Z][a-z']+(?:-[A-Z]?[a-z']+)*|[A-Z&\-]+|of|and|the|on)(?:\s+"
                    r"(?:[A-Z][a-z']+(?:-[A-Z]?[a-z']+)*|[A-Z&\-]+|of|and|the|on|'s|PR-\d))+$",
                    text,
                )
            )
        ):
            return re.sub(r"\s+", " ", text)
    return None


def exam_and_report_dates(fields: Fields, rt: ReportText) -> tuple[str | None, str | None]:
    """The date of the examination and the date of the report."""
    exam = first_date(fields.all("exam_date"))
    report = first_date(fields.all("report_date"))
    no_exam = any(
        re.search(
            r"\bno (?:new |physical )?examination (?:was|has been) (?:performed|conducted|done)|"
            r"\(no examination\)|without (?:a |an )?(?:new )?examination",
            s.text,
            re.I,
        )
        for s in rt.sentences[:200]
    )
    if exam is None and not no_exam:
        for s in rt.sentences[:300]:
            text = _demonth(s.text)
            m = (
                re.search(
                    r"\b(?:I|we|the undersigned)\s+(?:personally\s+)?(?:examined|evaluated|saw|interviewed|re-?evaluated|"
                    r"re-?examined)\b[^.]{0,80}?\bon\s+(" + DATE_RE.pattern + ")",
                    text,
                    re.I,
                )
                or re.search(
                    r"\b(?:examination|evaluation|exam)\s+(?:was\s+)?(?:performed|conducted|took place|completed|held)\s+"
                    r"(?:\w+\s+){0,4}?on\s+(" + DATE_RE.pattern + ")",
                    text,
                    re.I,
                )
                or re.search(
                    r"\b(?:seen|examined|evaluated)\s+(?:\w+\s+){0,5}?(?:in my office|at my office|in this office)?\s*on\s+("
                    + DATE_RE.pattern
                    + ")",
                    text,
                    re.I,
                )
            )
            if m and re.search(
                r"\b(?:previously|earlier|initially|originally|last|first|prior)\b", text[: m.start(1)], re.I
            ):
                continue
            if m and s.own and "OTHER_PHYSICIAN" not in rt.context(s, s.start, s.end):
                exam = parse_date(m.group(1))
                if exam:
                    break
    if report is None:
        for s in reversed(rt.sentences[-80:]):
            m = re.search(
                r"\b(?:executed|signed|dated|date signed)\b[^.]{0,60}?\bon\s+(?:this\s+)?("
                + DATE_RE.pattern
                + ")",
                _demonth(s.text),
                re.I,
            )
            if m:
                report = parse_date(m.group(1))
                if report:
                    break
    if report is None and rt.document.pages:
        lines = rt.document.pages[0].lines[:25]
        for i, line in enumerate(lines):
            text = line.text.strip()
            ds = find_dates(text)
            above = lines[i - 1].text.strip() if i else ""
            if (
                len(ds) == 1
                and ds[0].iso
                and len(text) <= (ds[0].end - ds[0].start) + 12
                and not re.search(r"birth|dob|injury|doi|exam|evaluat", text, re.I)
                and not above.endswith(":")
            ):
                report = ds[0].iso
                break
    return exam, report


def _demonth(text: str) -> str:
    """'Nov. 5, 1961' -> 'Nov 5, 1961', so a period in a date does not end a clause for the regexes."""
    return re.sub(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.", r"\1", text)


def first_date(values: list[str]) -> str | None:
    for v in values:
        ds = [d for d in find_dates(v) if d.iso]
        if ds:
            return ds[0].iso
    return None


def evaluator(fields: Fields, rt: ReportText) -> tuple[Evaluator, float]:
    """The report's author and specialty, from the signature block, letterhead or fields."""
    lines: list[tuple[int, int, str]] = []
    for page in rt.document.pages:
        for i, line in enumerate(page.lines):
            # Repeated footers ("Jane Roe, M.D., A Professional Corporation") would outvote the signature.
            if line.role == "body" or (page.number == 1 and i < 8):
                lines.append((page.number, i, line.text.strip()))
    candidates: Counter[str] = Counter()
    last_pos: dict[str, int] = {}
    sign_zone = False
    for idx, (page_no, _, text) in enumerate(lines):
        if re.search(
            r"sincerely|respectfully|penalty of perjury|signature|/s/|electronically signed|executed",
            text,
            re.I,
        ):
            sign_zone = True
        m = _NAME_LINE.match(text)
        if m:
            person = re.sub(r"^Dr\.\s+", "", m.group(1)).strip()
            cred = re.sub(r"\s+", "", m.group(2).split(",")[0])
            full = f"{person}, {cred}"
            weight = 3 if sign_zone else (2 if page_no == 1 else 1)
            candidates[full] += weight
            last_pos[full] = idx
    for v in fields.all("evaluator"):
        m = re.match(
            rf"((?:Dr\.\s+)?[A-Z][A-Za-z'\-]+(?:\s+[A-Z]\.?)?(?:\s+[A-Z][A-Za-z'\-]+){{1,2}}),?\s+({_CRED})",
            v,
        )
        if m:
            person = re.sub(r"^Dr\.\s+", "", m.group(1))
            cred = re.sub(r"\s+", "", m.group(2))
            full = f"{person}, {cred}"
            candidates[full] += 3
    # "Rachel Brightwater, M.D." and "Rachel E. Brightwater, M.D." are one person: keep the fuller form.
    for short in list(candidates):
        for full in list(candidates):
            sw, fw = short.split(",")[0].split(), full.split(",")[0].split()
            if (
                short != full
                and len(fw) > len(sw)
                and sw[0] == fw[0]
                and sw[-1] == fw[-1]
                and short in candidates
            ):
                candidates[full] += candidates.pop(short)
    name = None
    conf = 0.0
    if candidates:
        name = max(candidates, key=lambda k: (candidates[k], last_pos.get(k, 0)))
        conf = 0.95 if candidates[name] >= 3 else 0.8
    specialty = None
    for v in fields.all("specialty"):
        specialty = _specialty_in(v) or v.strip()
        break
    if specialty is None:
        name_idx = [i for i, (_, _, t) in enumerate(lines) if name and name.split(",")[0] in t]
        zones = [lines[max(0, i - 2) : i + 5] for i in name_idx] + [lines[:15]]
        for zone in zones:
            for _, _, t in zone:
                sp = _specialty_in(t)
                if sp:
                    specialty = sp
                    break
            if specialty:
                break
    return Evaluator(name=name, specialty=specialty), conf


def _specialty_in(text: str) -> str | None:
    from pipeline.rules import load_rules

    low = text.lower()
    best: tuple[int, str] | None = None
    for p in load_rules().span_patterns:
        if p.label != "SPECIALTY" or not isinstance(p.pattern, list):
            continue
        phrase = " ".join(str(t.get("LOWER", "")) for t in p.pattern).replace(" & ", " & ")
        i = low.find(phrase)
        if (
            i >= 0
            and re.match(r"\W|$", low[i + len(phrase) : i + len(phrase) + 1] or " ")
            and (best is None or i < best[0])
        ):
            best = (i, p.id)
    return best[1] if best else None
