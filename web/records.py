"""Records as the review app shows and edits them: field rows with evidence, corrections from a form."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import HTTPException
from starlette.datastructures import FormData

from models.record import Impairment, ReportRecord

LATERALITIES = ("", "left", "right", "bilateral")


MMI_STATUSES = ("reached", "not_reached", "not_stated")


def _flag_key(field_name: str) -> str:
    """`impairments[0].wpi` -> `impairments.0`; `mmi.date` -> `mmi`."""
    parts = re.sub(r"\[(\d+)\]", r".\1", field_name).split(".")
    if len(parts) > 1 and parts[1].isdigit():
        return f"{parts[0]}.{parts[1]}"
    return parts[0]


def _fmt_imp(i: Impairment) -> str:
    return f"{' '.join(x for x in (i.laterality, i.body_part) if x)} {i.wpi}% WPI"


def field_rows(record: ReportRecord) -> list[dict[str, Any]]:
    """The record's evidence-bearing fields for the document view, with their flags."""
    rows: list[dict[str, Any]] = []

    def add(key: str, label: str, value: str, evidence: Any, confidence: float | None) -> None:
        rows.append(
            {
                "key": key,
                "label": label,
                "value": value,
                "evidence": evidence,
                "confidence": confidence,
                "flags": [f for f in record.review.flags if _flag_key(f.field) == key],
            }
        )

    mmi = record.mmi
    add("mmi", "MMI", f"{mmi.status}" + (f" on {mmi.date}" if mmi.date else ""), mmi.evidence, mmi.confidence)
    for i, imp in enumerate(record.impairments):
        add(f"impairments.{i}", f"Impairment {i + 1}", _fmt_imp(imp), imp.evidence, imp.confidence)
    cw = record.combined_wpi
    if cw.value is not None or cw.evidence is not None:
        add("combined_wpi", "Combined WPI", f"{cw.value}%", cw.evidence, None)
    for i, ap in enumerate(record.apportionment):
        value = (
            f"{ap.body_part or ''} industrial {ap.industrial_pct}% / non-industrial {ap.nonindustrial_pct}%"
        )
        add(f"apportionment.{i}", f"Apportionment {i + 1}", value, ap.evidence, None)
    for i, wr in enumerate(record.work_restrictions):
        add(f"work_restrictions.{i}", f"Work restriction {i + 1}", wr.text, wr.evidence, None)
    fm = record.future_medical
    if fm.provided is not None:
        add(
            "future_medical",
            "Future medical",
            "provided" if fm.provided else "not provided",
            fm.evidence,
            None,
        )
    known = {r["key"] for r in rows}
    for f in record.review.flags:
        if _flag_key(f.field) not in known:
            add(_flag_key(f.field), f.field, "", None, None)
            known.add(_flag_key(f.field))
    return rows


def apply_corrections(record: ReportRecord, form: FormData) -> tuple[ReportRecord, list[tuple[str, str]]]:
    """The record with the form's corrections, and one (action, note JSON) event per change."""
    events: list[tuple[str, str]] = []

    def change(path: str, old: Any, new: Any, action: str = "corrected") -> None:
        events.append((action, json.dumps({"field": path, "from": old, "to": new})))

    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    mmi = record.mmi
    status = text("mmi_status") or mmi.status
    if status not in MMI_STATUSES:
        raise HTTPException(400, "unknown MMI status")
    date = text("mmi_date") or None
    updates: dict[str, Any] = {}
    if status != mmi.status:
        change("mmi.status", mmi.status, status)
        updates["status"] = status
    if date != mmi.date:
        change("mmi.date", mmi.date, date)
        updates["date"] = date
    if updates:
        mmi = mmi.model_copy(update={**updates, "confidence": 1.0})

    impairments: list[Impairment] = []
    for i, imp in enumerate(record.impairments):
        if form.get(f"imp-{i}-remove"):
            change(f"impairments[{i}]", _fmt_imp(imp), None, "removed")
            continue
        new = _impairment(text, f"imp-{i}", imp)
        for name in ("body_part", "laterality", "wpi"):
            old_v, new_v = getattr(imp, name), getattr(new, name)
            if old_v != new_v:
                change(f"impairments[{i}].{name}", old_v, new_v)
        impairments.append(new)
    if text("new-body_part") or text("new-wpi"):
        added = _impairment(text, "new", None)
        change(f"impairments[{len(impairments)}]", None, _fmt_imp(added), "added")
        impairments.append(added)

    applicant = text("applicant") or None
    claim = record.claim
    if "applicant" in form and applicant != claim.applicant:
        change("claim.applicant", claim.applicant, applicant)
        claim = claim.model_copy(update={"applicant": applicant})
    new_record = record.model_copy(update={"mmi": mmi, "impairments": impairments, "claim": claim})
    return ReportRecord.model_validate(new_record.model_dump()), events


def _impairment(text: Any, prefix: str, old: Impairment | None) -> Impairment:
    body_part = text(f"{prefix}-body_part") or (old.body_part if old else "")
    laterality = text(f"{prefix}-laterality") or None
    if laterality not in (None, "left", "right", "bilateral"):
        raise HTTPException(400, "unknown laterality")
    raw = text(f"{prefix}-wpi")
    try:
        wpi: int | float = float(raw) if raw else (old.wpi if old else 0)
    except ValueError as e:
        raise HTTPException(400, f"WPI must be a number, got {raw!r}") from e
    if isinstance(wpi, float) and wpi.is_integer():
        wpi = int(wpi)
    if not body_part or not 0 <= wpi <= 100:
        raise HTTPException(400, "an impairment needs a body part and a WPI from 0 to 100")
    if old is not None and (body_part, laterality, wpi) == (old.body_part, old.laterality, old.wpi):
        return old
    base = old.model_dump() if old else {}
    base.update({"body_part": body_part, "laterality": laterality, "wpi": wpi, "confidence": 1.0})
    return Impairment.model_validate(base)


def describe_note(note: str | None) -> str:
    """A review event's note for people: `field: old → new` for corrections, else the note itself."""
    if not note:
        return ""
    try:
        data = json.loads(note)
    except ValueError:
        return note
    if isinstance(data, dict) and "field" in data:
        return f"{data['field']}: {_show(data.get('from'))} → {_show(data.get('to'))}"
    if isinstance(data, list):
        return ", ".join(str(x) for x in data)
    return note


def _show(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)
