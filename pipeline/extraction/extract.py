"""extract_record(): from a read Document to the ReportRecord of the contract, with evidence and flags."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.language import Language

from models.document import Document
from models.record import Claim, Flag, Report, ReportRecord, Review, Source, SourcePage
from models.settings import Settings
from pipeline.extraction import evaluator, fields, injuries, parties, report, restrictions
from pipeline.extraction.authorship import Authorship, authorship, conventions
from pipeline.extraction.dates import find_dates
from pipeline.extraction.findings import cited_findings, own_findings
from pipeline.extraction.rules import RULES_VERSION
from pipeline.extraction.statements import Statement, all_statements
from pipeline.extraction.textview import ReportText
from pipeline.extraction.validate import check_record

__all__ = ["RULES_VERSION", "Extraction", "extract", "extract_record"]


def _source(document: Document) -> Source:
    return Source(
        filename=document.filename,
        sha256=document.sha256,
        media_type=document.media_type,
        page_count=document.page_count,
        pages=[
            SourcePage(
                number=p.number,
                text_source=p.text_source.value,
                ocr_confidence=p.ocr_confidence,
                rotation=p.rotation,
            )
            for p in document.pages
        ],
    )


@dataclass
class Extraction:
    """A record and what it was made from: the text view and every statement (for --explain)."""

    record: ReportRecord
    text: ReportText
    statements: list[Statement]
    authorship: Authorship


def extract_record(document: Document, nlp: Language, settings: Settings) -> ReportRecord:
    """The record of `document`; every value carries its evidence; uncertain values raise flags."""
    return extract(document, nlp, settings).record


def extract(document: Document, nlp: Language, settings: Settings) -> Extraction:
    """Extract the record of `document`, keeping the statements it was made from."""
    rt = ReportText.build(document, nlp)
    form = fields.read_fields(document)
    ev, ev_conf = evaluator.evaluator(form, rt)
    if ev.name:
        rt.evaluator_surname = ev.name.split(",")[0].split()[-1]
    title = report.title(document)
    author = authorship(rt, title, signed=ev_conf >= 0.95)
    rtype, supplemental, type_conf = author.report_type, author.supplemental, author.confidence
    rt.is_other_document = not author.physician_report
    rt.conventions = set(conventions(rt))
    exam_date, report_date = report.exam_and_report_dates(form, rt)
    applicant, employer = parties.applicant_and_employer(form, rt)
    flags: list[Flag] = []
    case_numbers, case_flags = parties.checked_case_numbers(rt)
    flags += case_flags
    claim = Claim(
        applicant=applicant,
        employer=employer,
        case_numbers=case_numbers,
        claim_numbers=parties.claim_numbers(form, rt),
        injuries=injuries.injuries(form, rt),
        date_of_birth=parties.date_of_birth(form, rt),
        occupation=parties.occupation(form, rt),
    )

    statements = all_statements(rt)
    cited, cited_flags = cited_findings(rt, statements)
    flags += cited_flags
    if rt.is_other_document:
        # Not a physician's report: it has no own findings; everything it reports is cited.
        record = ReportRecord(
            source=_source(document),
            report=Report(
                type="OTHER", title=title, report_date=report_date, conventions=sorted(rt.conventions)
            ),
            claim=claim,
            cited_findings=cited,
            rules_version=RULES_VERSION,
        )
        flags.append(
            Flag.of(
                "NOT_A_PHYSICIAN_REPORT",
                "report.type",
                "a decision, summary or letter: its findings are other physicians', listed as cited",
            )
        )
        flags += check_record(record, settings)
        review = Review(status="needs_review", flags=flags)
        return Extraction(record.model_copy(update={"review": review}), rt, statements, author)

    own = own_findings(rt, statements, exam_date, report.first_date(form.all("mmi_date")))
    flags += own.flags
    mmi = own.mmi
    record = ReportRecord(
        source=_source(document),
        report=Report(
            type=rtype,
            supplemental=supplemental,
            title=title,
            report_date=report_date,
            exam_date=exam_date,
            evaluator=ev,
            conventions=sorted(rt.conventions),
        ),
        claim=claim,
        mmi=mmi,
        impairments=own.impairments,
        combined_wpi=own.combined,
        apportionment=own.apportionment,
        work_restrictions=restrictions.extract_restrictions(rt),
        future_medical=restrictions.extract_future_medical(rt),
        cited_findings=cited,
        rules_version=RULES_VERSION,
    )
    if type_conf < 0.8:
        flags.append(
            Flag.of(
                "REPORT_TYPE_UNCERTAIN", "report.type", "the report type is not stated in the title or header"
            )
        )
    if ev_conf < 0.8:
        flags.append(
            Flag.of(
                "EVALUATOR_UNCERTAIN", "report.evaluator", "the evaluator's signature block was not found"
            )
        )
    field_names = {
        "applicant": "claim.applicant",
        "employer": "claim.employer",
        "case_number": "claim.case_numbers",
        "claim_number": "claim.claim_numbers",
        "injury": "claim.injuries",
        "exam_date": "report.exam_date",
        "report_date": "report.report_date",
        "mmi_date": "mmi.date",
    }
    everywhere = rt.assembled.header_text + "\n" + rt.assembled.text
    read: dict[str, list[str | None]] = {
        "applicant": [claim.applicant],
        "employer": [claim.employer],
        "case_number": list(claim.case_numbers),
        "claim_number": list(claim.claim_numbers),
        "injury": [d for i in claim.injuries for d in (i.start, i.end) if d is not None],
        "exam_date": [exam_date],
        "report_date": [report_date],
        "mmi_date": [mmi.date],
    }
    for key, conf in form.ocr_confidence.items():
        if key not in field_names or conf >= settings.field_ocr_confidence:
            continue
        words = form.ocr_words.get(key, {})
        doubtful = [v for v in read.get(key, []) if v and words.get(v, conf) < settings.field_ocr_confidence]
        if not doubtful or _read_again(key, doubtful, everywhere):
            continue  # read the same on another line as well (a running header, the history): trusted
        flags.append(
            Flag.of(
                "LOW_OCR_CONFIDENCE",
                field_names[key],
                f"read by OCR at {conf:.0f}% word confidence and nowhere else in the document; "
                "check it against the page",
            )
        )
    flags += _repair_flags(form, rt, everywhere, field_names)
    flags += check_record(record, settings)
    review = Review(status="ready" if not flags else "needs_review", flags=flags)
    return Extraction(record.model_copy(update={"review": review}), rt, statements, author)


def _repair_flags(form: fields.Fields, rt: ReportText, text: str, names: dict[str, str]) -> list[Flag]:
    """A header value that rests on an OCR repair ("O3/l5/2O23" read, 03/15/2023 kept) is flagged unless
    the same value is printed elsewhere in the document and read there without a repair (a running header,
    the date again in the body): the repair is certain, but a paralegal confirms what was never read clean."""
    repaired = Counter(
        w.text.strip("()[].,;:")
        for page in rt.document.pages
        for line in page.lines
        for w in line.words
        if w.ocr_text is not None
    )
    flags: list[Flag] = []
    for key, repairs in form.ocr_repairs.items():
        if key not in names:
            continue
        for read_as, kept in repairs:
            value = kept.strip("()[].,;:")
            if text.count(value) > repaired[value]:
                continue  # printed again, and read clean there
            flags.append(
                Flag.of(
                    "OCR_REPAIRED",
                    names[key],
                    f"read by OCR as {read_as!r} and repaired to {value}; check it against the page",
                )
            )
    return flags


#: The words that make another line's date the same kind of date as a header field's.
_DATE_CONTEXT = {
    "exam_date": r"exam|evaluat|seen|saw|visit|appointment",
    "report_date": r"report|dated",
    "mmi_date": r"p\s*&\s*s|mmi|permanent|stationary|maximum|maximal",
    "injury": r"injur|doi|\bct\b|cumulative|trauma|accident|fell|lifting",
}


def _read_again(key: str, values: Sequence[str | None], text: str) -> bool:
    """Whether every value of a header field read by OCR at low confidence is printed, and read the same,
    on another line too: a name, an employer or a number anywhere else; a date on a line that says what
    kind of date it is (an exam date beside "examined"), or in the running headers. Two OCR reads that
    agree are far likelier right than one; a date merely equal to one of the many in a record review is not
    a confirmation."""
    wanted = [v for v in values if v]
    if not wanted:
        return False
    if key not in _DATE_CONTEXT:
        return all(len(re.findall(re.escape(v), text, re.I)) >= 2 for v in wanted)
    hits: dict[str, int] = {}
    for line in text.splitlines():
        if not re.search(_DATE_CONTEXT[key], line, re.I):
            continue
        for found in find_dates(line):
            if found.iso in wanted:
                hits[found.iso] = hits.get(found.iso, 0) + 1
    return all(hits.get(v, 0) >= 2 for v in wanted)
