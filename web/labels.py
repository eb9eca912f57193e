"""Plain English for the review app: statuses, review flags, record fields and MMI states. The code stays
available (the template shows it in a tooltip); the words are what a paralegal reads. One source of truth:
every page takes its labels from here."""

from __future__ import annotations

import re

STATUS_LABELS = {
    "needs_review": "Needs review",
    "ready": "Ready to approve",
    "approved": "Approved",
    "rejected": "Rejected",
    "exported": "Sent to the case system",
    "failed": "Could not be read",
    "queued": "Waiting",
    "processing": "Reading",
    "done": "Done",
}

MMI_LABELS = {
    "reached": "MMI reached (P&S)",
    "not_reached": "Not yet at MMI",
    "not_stated": "MMI not stated",
}

FLAG_LABELS = {
    "WPI_OUT_OF_DRE_RANGE": "WPI is outside the DRE category's range",
    "WPI_CONVERSION_MISMATCH": "WPI does not match the extremity conversion",
    "WPI_AMBIGUOUS": "Several WPI values for one body part, none clearly chosen",
    "WPI_UNLINKED": "WPI with no body part named",
    "WPI_OUT_OF_RANGE": "WPI over 100% (left out)",
    "LATERALITY_MISSING": "Side (left/right) not stated",
    "COMBINED_WPI_MISMATCH": "Combined WPI does not match the Combined Values Chart",
    "MMI_DATE_AFTER_REPORT": "MMI date is after the report date",
    "MMI_DATE_BEFORE_INJURY": "MMI date is before the injury",
    "MMI_DATE_CONFLICT": "The report gives different MMI dates",
    "MMI_STATUS_CONFLICT": "The report says MMI is and is not reached",
    "MMI_DATE_MONTH_ONLY": "MMI date given as a month only",
    "MMI_DATE_MISSING": "MMI reached but no date given",
    "MMI_DATE_UNRESOLVED": "MMI 'as of this exam' but the exam date was not found",
    "MMI_WITHOUT_IMPAIRMENT": "MMI reached but no WPI found",
    "APPORTIONMENT_NOT_100": "Apportionment shares do not add up to 100%",
    "APPORTIONMENT_OUT_OF_RANGE": "An apportionment share is outside 0-100% (left out)",
    "LOW_OCR_CONFIDENCE": "The scan is hard to read here",
    "LOW_CONFIDENCE": "Not sure of this value",
    "REPORT_TYPE_UNCERTAIN": "Report type not stated",
    "EVALUATOR_UNCERTAIN": "Evaluator not found (no signature block)",
    "FIELD_NOT_FOUND": "Not found in the report",
    "INJURY_NOT_FOUND": "Date of injury not found",
    "NOT_A_PHYSICIAN_REPORT": "Not a physician's report (decision, letter or summary)",
    "CITED_UNATTRIBUTED": "A cited finding names no physician",
    "CASE_NUMBER_OCR_CORRECTED": "Case number repaired from the scan",
    "CASE_NUMBER_OCR_VARIANT": "Case number read differently on two pages",
    "SCAN_VALUE_NOT_FOUND": "A value the scan should show was not found",
    "OCR_REPAIRED": "A scanned value was repaired",
}

FIELD_LABELS = {
    "report.type": "Report type",
    "report.report_date": "Report date",
    "report.exam_date": "Exam date",
    "report.evaluator": "Evaluator",
    "report.supplemental": "Supplemental report",
    "claim.applicant": "Applicant",
    "claim.employer": "Employer",
    "claim.case_numbers": "Case numbers (ADJ)",
    "claim.claim_numbers": "Claim numbers",
    "claim.injuries": "Injuries",
    "claim.date_of_birth": "Date of birth",
    "claim.occupation": "Occupation",
    "mmi": "MMI",
    "mmi.status": "MMI status",
    "mmi.date": "MMI date",
    "impairments": "Impairments (WPI)",
    "combined_wpi": "Combined WPI",
    "combined_wpi.value": "Combined WPI",
    "apportionment": "Apportionment",
    "work_restrictions": "Work restrictions",
    "future_medical": "Future medical care",
    "future_medical.provided": "Future medical care",
    "future_medical.text": "Future medical care: what care",
    "cited_findings": "Other doctors' findings",
}

_INDEXED = re.compile(r"^((?:claim\.)?\w+)\[(\d+)\](?:\.(\w+))?$")
_PART_FIELDS = {
    "wpi": "WPI",
    "body_part": "body part",
    "laterality": "side",
    "physician": "physician",
    "industrial_pct": "industrial share",
    "nonindustrial_pct": "non-industrial share",
    "type": "type",
    "start": "date (start)",
    "end": "end",
    "text": "text",
}


def status_label(code: str | None) -> str:
    """'needs_review' -> 'Needs review' (an unknown code is shown with its underscores as spaces)."""
    return STATUS_LABELS.get(code or "", (code or "").replace("_", " ").capitalize())


def flag_label(code: str | None) -> str:
    """'LOW_CONFIDENCE' -> 'Not sure of this value'."""
    return FLAG_LABELS.get(code or "", (code or "").replace("_", " ").capitalize())


def mmi_label(code: str | None) -> str:
    """'not_stated' -> 'MMI not stated'."""
    return MMI_LABELS.get(code or "", (code or "").replace("_", " "))


def field_label(path: str | None) -> str:
    """'impairments[0].wpi' -> 'Impairment 1: WPI'; 'claim.injuries' -> 'Injuries'."""
    if not path:
        return ""
    if path in FIELD_LABELS:
        return FIELD_LABELS[path]
    m = _INDEXED.match(path)
    if m:
        name, index, sub = m.groups()
        base = FIELD_LABELS.get(name, name.replace("_", " ").capitalize()).split(" (")[0]
        base = base[:-3] + "y" if base.endswith("ies") else base.rstrip("s")
        text = f"{base} {int(index) + 1}"
        return f"{text}: {_PART_FIELDS.get(sub, sub.replace('_', ' '))}" if sub else text
    return path.split(".")[-1].replace("_", " ").capitalize()
