"""Consistency checks on a record: each failed check is a flag naming its field; flags send to review."""

from __future__ import annotations

import re

from models.record import Flag, ReportRecord
from models.settings import Settings
from pipeline.extraction.rules import load_rules

_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V"}


def dre_ranges() -> dict[str, dict[str, tuple[int, int]]]:
    """DRE category WPI ranges by spine region (rules/dre.json)."""
    return {k: {str(c): r for c, r in v.items()} for k, v in load_rules().dre.ranges.items()}


def combine_values(values: list[float]) -> int:
    """The AMA Guides Combined Values Chart: A + B(1 - A), largest first, rounded at each step."""
    total = 0.0
    for v in sorted(values, reverse=True):
        total = round(total + v * (1 - total / 100))
    return int(total)


def check_record(record: ReportRecord, settings: Settings) -> list[Flag]:
    """Every consistency flag of the record (not including those the extractors raised)."""
    flags: list[Flag] = []
    for i, imp in enumerate(record.impairments):
        m = re.match(r"DRE Category ([IV]+|\d)", imp.method or "")
        ranges = dre_ranges().get(imp.body_part)
        if m and ranges:
            cat = _ROMAN.get(m.group(1), m.group(1))
            lo, hi = ranges.get(cat, (0, 100))
            if not lo <= imp.wpi <= hi:
                flags.append(
                    Flag.of(
                        "WPI_OUT_OF_DRE_RANGE",
                        f"impairments[{i}].wpi",
                        f"{imp.wpi}% is outside DRE Category {cat} ({lo}-{hi}%) for {imp.body_part}",
                    )
                )
        if imp.evidence is not None:
            conv = _conversion(imp.evidence.text, imp.wpi)
            if conv:
                flags.append(Flag.of("WPI_CONVERSION_MISMATCH", f"impairments[{i}].wpi", conv))
    parts = [imp.wpi for imp in record.impairments]
    stated = record.combined_wpi.value
    if stated is not None and parts:
        if record.combined_wpi.method == "added":
            expected = sum(parts)
            how = "the sum"
        else:
            expected = combine_values(parts)
            how = "the Combined Values Chart"
        if abs(expected - stated) > 0.5 and not (
            record.combined_wpi.method is None and abs(sum(parts) - stated) <= 0.5
        ):
            flags.append(
                Flag.of(
                    "COMBINED_WPI_MISMATCH",
                    "combined_wpi.value",
                    f"stated {stated}% but {how} of the parts gives {expected}%",
                )
            )
    mmi = record.mmi
    if mmi.date:
        if record.report.report_date and mmi.date > record.report.report_date:
            flags.append(
                Flag.of(
                    "MMI_DATE_AFTER_REPORT",
                    "mmi.date",
                    f"MMI date {mmi.date} is after the report date {record.report.report_date}",
                )
            )
        starts = [inj.start or inj.end for inj in record.claim.injuries if inj.start or inj.end]
        if starts and mmi.date < min(s for s in starts if s):
            flags.append(
                Flag.of("MMI_DATE_BEFORE_INJURY", "mmi.date", f"MMI date {mmi.date} is before the injury")
            )
    if mmi.status == "reached" and not record.impairments and not record.report.supplemental:
        flags.append(
            Flag.of(
                "MMI_WITHOUT_IMPAIRMENT",
                "impairments",
                "MMI is reached but no whole person impairment was found",
            )
        )
    if not record.claim.injuries and record.report.type != "OTHER":
        flags.append(
            Flag.of(
                "INJURY_NOT_FOUND",
                "claim.injuries",
                "no date of injury was found (a physician's report states one); check the header",
            )
        )
    if record.report.type != "OTHER":
        # A physician's report states these in its header: when one is not found, the layout hid it, and a
        # record without it is not one to pass unreviewed.
        claim, report = record.claim, record.report
        missing = [
            ("claim.applicant", claim.applicant is None, "the applicant's name"),
            ("claim.employer", claim.employer is None, "the employer"),
            ("report.report_date", report.report_date is None, "the report date"),
            (
                "report.exam_date",
                report.exam_date is None and not report.supplemental,
                "the examination date",
            ),
            (
                "claim.claim_numbers",
                not claim.claim_numbers and not claim.case_numbers,
                "a claim or WCAB case number",
            ),
        ]
        for field, absent, what in missing:
            if absent:
                flags.append(
                    Flag.of(
                        "FIELD_NOT_FOUND", field, f"{what} was not found in this report; check the header"
                    )
                )
    if any(p.text_source == "ocr" for p in record.source.pages) and record.report.type != "OTHER":
        # On a scan, a value that is not found may be one OCR garbled: its absence is not trusted.
        if not record.claim.case_numbers:
            flags.append(
                Flag.of(
                    "SCAN_VALUE_NOT_FOUND",
                    "claim.case_numbers",
                    "no WCAB case number was read on this scan; check the header",
                )
            )
        if (
            len([i for i in record.impairments if i.body_part != "pain"]) >= 2
            and record.combined_wpi.value is None
        ):
            flags.append(
                Flag.of(
                    "SCAN_VALUE_NOT_FOUND",
                    "combined_wpi",
                    "no combined whole person impairment was read on this scan; check the rating",
                )
            )
    for i, ap in enumerate(record.apportionment):
        if (
            ap.industrial_pct is not None
            and ap.nonindustrial_pct is not None
            and abs(ap.industrial_pct + ap.nonindustrial_pct - 100) > 0.5
        ):
            flags.append(
                Flag.of(
                    "APPORTIONMENT_NOT_100",
                    f"apportionment[{i}]",
                    f"{ap.industrial_pct}% + {ap.nonindustrial_pct}% is not 100%",
                )
            )
    for name, ev in _evidence(record):
        if (
            ev is not None
            and ev.ocr_confidence is not None
            and ev.ocr_confidence < settings.low_ocr_line_confidence
        ):
            flags.append(
                Flag.of(
                    "LOW_OCR_CONFIDENCE",
                    name,
                    f"evidence on page {ev.page} was read by OCR at {ev.ocr_confidence:.0f}% confidence",
                )
            )
    for name, conf in _confidences(record):
        if conf < settings.review_confidence:
            flags.append(
                Flag.of(
                    "LOW_CONFIDENCE",
                    name,
                    f"confidence {conf:.2f} is below the review threshold {settings.review_confidence:.2f}",
                )
            )
    return flags


def _conversion(text: str, wpi: float) -> str | None:
    for unit, factor in (("UE", 0.6), ("LE", 0.4)):
        pat = (
            r"(\d{1,3})\s*(?:%|percent)\s*(?:of the (?:right |left )?"
            + ("upper" if unit == "UE" else "lower")
            + r" (?:extremity|limb)|"
            + ("upper" if unit == "UE" else "lower")
            + r"[\s-]extremity(?: impairment)?|"
            + unit
            + r"I?\b)"
        )
        for m in re.finditer(pat, text, re.I):
            ext = float(m.group(1))
            if round(ext * factor) != round(wpi) and not _digit_context(text):
                return f"{ext:g}% {unit}I x {factor} = {round(ext * factor)}%, not the stated {wpi}% WPI"
    return None


def _digit_context(text: str) -> bool:
    return bool(re.search(r"\bdigit|\bfinger|\bthumb|\bhand impairment", text, re.I))


def _evidence(record: ReportRecord):  # type: ignore[no-untyped-def]
    yield "mmi", record.mmi.evidence
    for i, imp in enumerate(record.impairments):
        yield f"impairments[{i}]", imp.evidence
    yield "combined_wpi", record.combined_wpi.evidence
    for i, ap in enumerate(record.apportionment):
        yield f"apportionment[{i}]", ap.evidence


def _confidences(record: ReportRecord) -> list[tuple[str, float]]:
    out = [("mmi", record.mmi.confidence)]
    out += [(f"impairments[{i}]", imp.confidence) for i, imp in enumerate(record.impairments)]
    return out
