"""The case page's data, shaped for the templates; the queue's per-record summary columns.

Everything here reads a record body (the JSON the store keeps) or a `CaseView`; nothing writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from models.case import CaseView, CitedFinding, PageRef
from pipeline.cases.deadlines import REMINDER
from pipeline.cases.rating import LABEL as RATING_LABEL
from pipeline.cases.received import FORMATS_HINT, SOURCE_LABELS, parse_day

SIDES = {"left": "L", "right": "R", "bilateral": "bilat."}


def _num(value: object) -> str:
    """A WPI or percentage without a trailing `.0`."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def part_label(body_part: str | None, laterality: str | None) -> str:
    """`R knee`, `lumbar spine`, or `whole person` for an apportionment that names no body part."""
    side = SIDES.get(laterality or "", "")
    return f"{side} {body_part}".strip() if body_part else (side or "overall")


def wpi_summary(body: dict[str, Any]) -> str:
    """`lumbar spine 8, R knee 6; combined 13` for the queue (empty when the record rates nothing)."""
    parts = [
        f"{part_label(i.get('body_part'), i.get('laterality'))} {_num(i.get('wpi'))}"
        for i in body.get("impairments") or []
    ]
    combined = (body.get("combined_wpi") or {}).get("value")
    text = ", ".join(parts)
    if combined is not None:
        text = f"{text}; combined {_num(combined)}" if text else f"combined {_num(combined)}"
    return text


def mmi_summary(body: dict[str, Any]) -> str:
    """`reached 2020-06-08`, `not reached`, or empty when the report does not say."""
    mmi = body.get("mmi") or {}
    status = mmi.get("status") or "not_stated"
    if status == "not_stated":
        return ""
    return " ".join(x for x in (status.replace("_", " "), mmi.get("date") or "") if x)


def queue_columns(body: dict[str, Any]) -> dict[str, str]:
    """What a paralegal scans the queue for: type, evaluator, MMI, WPI."""
    report = body.get("report") or {}
    evaluator = report.get("evaluator") or {}
    kind = report.get("type") or ""
    if kind and report.get("supplemental"):
        kind += " (supplemental)"
    return {
        "type": kind,
        "evaluator": evaluator.get("name") or "",
        "mmi": mmi_summary(body),
        "wpi": wpi_summary(body),
    }


def parse_received(raw: object, today: date) -> date:
    """A paralegal's received date, in a common format (2026-11-20, 11/20/2026, 11/20/26, Nov 20, 2026,
    20 November 2026; `received.parse_day`), not more than a day in the future.

    Raises ValueError with the one-line message the form shows.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError(f"give the date the report was received, e.g. {FORMATS_HINT}")
    try:
        day = parse_day(raw)
    except ValueError:
        raise ValueError(f"not a date: {raw.strip()[:40]!r}; write it as {FORMATS_HINT}") from None
    if day > today + timedelta(days=1):
        raise ValueError(f"{day.isoformat()} is in the future")
    if day.year < 1990:
        raise ValueError(f"{day.isoformat()} is too far in the past")
    return day


# --- the case page -----------------------------------------------------------------------------------


FIELD_NAMES = {
    "wpi": "WPI",
    "mmi_status": "MMI status",
    "mmi_date": "MMI date",
    "apportionment": "Apportionment",
    "combined_wpi": "Combined WPI",
    "rating": "Rating (PD)",
}

#: The unit each compared field's values are in.
FIELD_UNITS = {"wpi": "%", "apportionment": "% industrial", "combined_wpi": "%", "rating": "% PD"}


def case_url(key: str) -> str:
    """The case page's path: the key percent-encoded whole (keys may hold spaces, colons, slashes)."""
    return "/case/" + quote(key, safe="")


def who(kind: str | None, evaluator: str | None) -> str:
    """`PTP Dr. Roe`: how a report is named in a cell header or a disagreement."""
    return " ".join(x for x in (kind or "report", evaluator or "") if x)


def evidence_fields(body: dict[str, Any]) -> dict[tuple[str, int, tuple[float, ...] | None], str]:
    """The document page's field key (`impairments.0`, `mmi`, `apportionment.1`) of each evidence location."""
    found: dict[tuple[str, int, tuple[float, ...] | None], str] = {}

    def add(kind: str, key: str, ev: dict[str, Any] | None) -> None:
        if ev and ev.get("page"):
            bbox = tuple(ev["bbox"]) if ev.get("bbox") else None
            found.setdefault((kind, int(ev["page"]), bbox), key)
            found.setdefault((kind, int(ev["page"]), None), key)

    add("mmi", "mmi", (body.get("mmi") or {}).get("evidence"))
    for i, imp in enumerate(body.get("impairments") or []):
        add("impairments", f"impairments.{i}", imp.get("evidence"))
    for i, ap in enumerate(body.get("apportionment") or []):
        add("apportionment", f"apportionment.{i}", ap.get("evidence"))
    return found


def _href(sha: str, kind: str, ref: PageRef | None, fields: dict[Any, str]) -> str:
    """A link to the value on the document page (its evidence box selected), else to its page."""
    if ref is None:
        return f"/doc/{sha}"
    bbox = tuple(ref.bbox) if ref.bbox else None
    key = fields.get((kind, ref.page, bbox)) or fields.get((kind, ref.page, None))
    if key:
        return f"/doc/{sha}?{urlencode({'field': key, 'page': ref.page})}"
    return f"/doc/{sha}?page={ref.page}"


def _source_label(body: dict[str, Any] | None) -> str:
    """`scan` for a file read by OCR, `fax` for an image file, else `copy`."""
    if not body:
        return "copy"
    source = body.get("source") or {}
    if str(source.get("media_type", "")).startswith("image/"):
        return "fax/scan"
    if any(p.get("text_source") == "ocr" for p in source.get("pages") or []):
        return "scan"
    return "copy"


def _mmi_text(status: str | None, day: str | None) -> str:
    if not status or status == "not_stated":
        return "not stated"
    return " ".join(x for x in (status.replace("_", " "), day or "") if x)


def _apportionment_text(body_part: str | None, laterality: str | None, ind: object, non: object) -> str:
    text = f"{part_label(body_part, laterality)}: industrial {_num(ind)}%"
    return text + (f" / non-industrial {_num(non)}%" if non is not None else "")


def _page_href(sha: str, page: int | None) -> str:
    """The document page at `page` (its first page when the page is unknown)."""
    return f"/doc/{sha}?page={page}" if page else f"/doc/{sha}"


def _cited_href(c: CitedFinding) -> str:
    """Where the citing report states the finding: the page of its first evidence."""
    evidence = [
        *([c.mmi.evidence] if c.mmi and c.mmi.evidence else []),
        *(i.evidence for i in c.impairments if i.evidence),
        *(a.evidence for a in c.apportionment if a.evidence),
    ]
    return _page_href(c.cited_in, evidence[0].page if evidence else None)


def _opinion_href(
    view: CaseView,
    field: str,
    body_part: str | None,
    laterality: str | None,
    sha: str,
    fields: Mapping[str, dict[Any, str]],
) -> str:
    """A disagreement's value on its report's page, its evidence box selected when it has one."""
    report = next((r for r in view.reports if r.sha256 == sha), None)
    if report is None:
        return f"/doc/{sha}"
    found = fields.get(sha, {})
    if field == "wpi":
        part = (body_part or "").strip().lower()
        imp = next(
            (
                i
                for i in report.impairments
                if i.body_part.strip().lower() == part and i.laterality == laterality
            ),
            None,
        )
        return _href(sha, "impairments", imp.evidence if imp else None, found)
    if field in ("mmi_status", "mmi_date"):
        return _href(sha, "mmi", report.mmi.evidence, found)
    if field == "apportionment":
        part = (body_part or "").strip().lower()
        ap = next(
            (
                a
                for a in report.apportionment
                if (a.body_part or "").strip().lower() == part and a.laterality == laterality
            ),
            None,
        )
        return _href(sha, "apportionment", ap.evidence if ap else None, found)
    return f"/doc/{sha}"


def case_page(
    view: CaseView,
    bodies: Mapping[str, dict[str, Any]],
    filenames: Mapping[str, str],
) -> dict[str, Any]:
    """The case page's context: the view's reports as timeline rows and as columns of a findings grid.

    `bodies` holds the record body (JSON) of each report and duplicate by sha256, for the evidence links
    and the duplicates' labels; `filenames` the file names of duplicates.
    """
    labels = {r.sha256: who(r.type, r.evaluator.name) for r in view.reports}
    # Only the values that differ from the controlling report's (else from the most common value) are
    # marked: with three doctors, the one who stands apart, not every cell.
    wpi_dis: set[tuple[str | None, str | None, str]] = set()
    mmi_dis: set[str] = set()
    app_dis: set[str] = set()
    combined_dis: set[str] = set()
    for d in view.disagreements:
        for sha in d.differing:
            if d.field == "wpi":
                wpi_dis.add((d.body_part, d.laterality, sha))
            elif d.field in ("mmi_status", "mmi_date"):
                mmi_dis.add(sha)
            elif d.field == "apportionment":
                app_dis.add(sha)
            elif d.field == "combined_wpi":
                combined_dis.add(sha)

    fields = {r.sha256: evidence_fields(bodies.get(r.sha256) or {}) for r in view.reports}
    parts: list[tuple[str, str | None]] = []
    for r in view.reports:
        for rated in r.impairments:
            if (rated.body_part, rated.laterality) not in parts:
                parts.append((rated.body_part, rated.laterality))
    wpi_rows = []
    for body_part, laterality in parts:
        cells = []
        for r in view.reports:
            imp = next(
                (i for i in r.impairments if (i.body_part, i.laterality) == (body_part, laterality)), None
            )
            cells.append(
                {
                    "value": None if imp is None else _num(imp.wpi),
                    "href": None
                    if imp is None
                    else _href(r.sha256, "impairments", imp.evidence, fields[r.sha256]),
                    "disagree": imp is not None and (body_part, laterality, r.sha256) in wpi_dis,
                }
            )
        wpi_rows.append({"label": part_label(body_part, laterality), "cells": cells})

    reports = []
    mmi_cells = []
    apportionment_cells = []
    for r in view.reports:
        kind = (r.type or "report") + (" (supplemental)" if r.supplemental else "")
        rating = r.standard_rating
        reports.append(
            {
                "sha256": r.sha256,
                "filename": r.filename,
                "type_label": kind,
                "evaluator": r.evaluator.name or "",
                "specialty": r.evaluator.specialty or "",
                "exam_date": r.exam_date,
                "report_date": r.report_date,
                "received": r.received,
                "received_source": SOURCE_LABELS.get(r.received_source or "", ""),
                "received_evidence": r.received_evidence or "",
                "status": r.status,
                "version": r.version,
                "duplicates": [
                    {"sha256": d, "filename": filenames.get(d, d[:12]), "label": _source_label(bodies.get(d))}
                    for d in r.duplicates
                ],
                "combined": _num(r.combined_wpi) if r.combined_wpi is not None else "",
                "combined_disagree": r.sha256 in combined_dis,
                "controlling": r.sha256 == view.controlling_report,
                "rating": rating.value,
                "rating_basis": rating.basis or "",
                "rating_reason": rating.reason or "",
                "pd_weeks": _num(r.pd_weeks) if r.pd_weeks is not None else None,
                "deadline": r.objection_deadline.date if r.objection_deadline else None,
                "deadline_basis": r.objection_deadline.basis if r.objection_deadline else "",
                "deadlines": [
                    {
                        "rule": d.rule,
                        "what": d.what,
                        "date": d.date,
                        "days_left": d.days_left,
                        "statement": d.statement,
                        "basis": d.basis,
                        "source": d.source,
                    }
                    for d in r.deadlines
                ],
            }
        )
        mmi_cells.append(
            {
                "value": _mmi_text(r.mmi.status, r.mmi.date),
                "href": _href(r.sha256, "mmi", r.mmi.evidence, fields[r.sha256]) if r.mmi.evidence else None,
                "disagree": r.sha256 in mmi_dis,
            }
        )
        apportionment_cells.append(
            {
                "entries": [
                    {
                        "text": _apportionment_text(
                            a.body_part, a.laterality, a.industrial_pct, a.nonindustrial_pct
                        ),
                        "href": _href(r.sha256, "apportionment", a.evidence, fields[r.sha256])
                        if a.evidence
                        else None,
                    }
                    for a in r.apportionment
                ],
                "disagree": r.sha256 in app_dis,
            }
        )

    disagreements = []
    for d in view.disagreements:
        name = FIELD_NAMES.get(d.field, d.field)
        if d.body_part or d.laterality:
            name += f", {part_label(d.body_part, d.laterality)}"
        unit = FIELD_UNITS.get(d.field, "")
        disagreements.append(
            {
                "label": name,
                "field": d.field,
                "spread": d.spread,
                "priced": d.priced or "",
                "opinions": [
                    {
                        "who": labels.get(v.report) or who(v.type, v.evaluator),
                        "value": _num(v.value).replace("_", " ") + unit,
                        "href": _opinion_href(view, d.field, d.body_part, d.laterality, v.report, fields),
                        "differs": v.report in d.differing,
                        "controlling": v.report == view.controlling_report,
                    }
                    for v in d.values
                ],
            }
        )

    cited = []
    for c in view.cited_findings:
        physician = " ".join(x for x in (c.physician.role or "", c.physician.name or "") if x)
        cited.append(
            {
                "href": _cited_href(c),
                "cited_in": labels.get(c.cited_in, c.cited_in[:12]),
                "physician": physician or "—",
                "report_date": c.report_date,
                "mmi": _mmi_text(c.mmi.status, c.mmi.date) if c.mmi else "",
                "wpi": ", ".join(
                    f"{part_label(i.body_part, i.laterality)} {_num(i.wpi)}" for i in c.impairments
                ),
                "wpi_links": [
                    {
                        "text": f"{part_label(i.body_part, i.laterality)} {_num(i.wpi)}",
                        "href": _page_href(c.cited_in, i.evidence.page if i.evidence else None),
                    }
                    for i in c.impairments
                ],
                "apportionment": "; ".join(
                    _apportionment_text(a.body_part, a.laterality, a.industrial_pct, a.nonindustrial_pct)
                    for a in c.apportionment
                ),
            }
        )

    return {
        "key": view.key,
        "url_key": quote(view.key, safe=""),
        "title": "Case " + (", ".join(view.case_numbers) or view.applicant or view.key),
        "case_numbers": view.case_numbers,
        "applicant": view.applicant,
        "injuries": view.injuries,
        "represented": view.represented,
        "reports": reports,
        "wpi_rows": wpi_rows,
        "mmi_cells": mmi_cells,
        "apportionment_cells": apportionment_cells,
        "disagreements": disagreements,
        "cited": cited,
        "controlling": view.controlling_report,
        "controlling_label": labels.get(view.controlling_report or "", ""),
        "rating_label": view.labels.get("standard_rating") or RATING_LABEL,
        "reminder_label": view.labels.get("objection_deadline") or REMINDER,
    }
