"""Records as the review app shows and edits them: value rows with evidence and flags, corrections from a form.

`apply_corrections` reads every decisive field from the posted form (a field the form does not carry is
kept), validates it with the record's pydantic models and a few checks of its own (dates, shares that add
up), and returns the corrected record, one audit event per change, and the errors by input name, so the
page can show each error beside its field and keep every edit. A correction resolves the flags of the
value it corrects: they leave the record and an audit event keeps each one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from models.record import (
    Apportionment,
    Flag,
    FutureMedical,
    Impairment,
    Injury,
    ReportRecord,
    WorkRestriction,
)
from pipeline.sanitize import printable
from web.labels import field_label, flag_label, mmi_label

LATERALITIES = ("", "left", "right", "bilateral")
MMI_STATUSES = ("reached", "not_reached", "not_stated")
INJURY_TYPES = ("specific", "cumulative")
#: Future medical care: the form's choice and the record's `provided`.
FUTURE_MEDICAL = {"yes": True, "no": False, "": None}
FUTURE_MEDICAL_LABELS = {"yes": "Yes, provided", "no": "No", "": "Not addressed"}

_DATE_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_NUMBER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{1,39}$")
_LIST_SPLIT = re.compile(r"[,;\n]+")
_PY_LIST = re.compile(r"\[([^\[\]]*)\]")
#: The input that adds an item, for a flag on a whole list ("no impairment found").
_ADD_INPUT = {
    "impairments": "new-body_part",
    "apportionment": "new-ap-body_part",
    "work_restrictions": "new-wr-text",
    "claim.injuries": "new-inj-start",
}


@dataclass
class Correction:
    """What a posted form does to a record: the new record, its audit events and the errors by input."""

    record: ReportRecord
    events: list[tuple[str, str]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def row_key(path: str) -> str:
    """The value row a field path belongs to: `impairments[0].wpi` -> `impairments.0`, `mmi.date` -> `mmi`,
    `claim.injuries[1].start` -> `claim.injuries`, `combined_wpi.value` -> `combined_wpi`."""
    parts = re.sub(r"\[(\d+)\]", r".\1", path).split(".")
    if parts[0] in ("claim", "report") and len(parts) > 1:
        return f"{parts[0]}.{parts[1]}"
    if len(parts) > 1 and parts[1].isdigit():
        return f"{parts[0]}.{parts[1]}"
    return parts[0]


def plain_message(message: str) -> str:
    """A flag's message without Python's list brackets: `values ([10, 18])` -> `values (10 and 18)`."""

    def words(m: re.Match[str]) -> str:
        items = [x.strip().strip("'\"") for x in m.group(1).split(",") if x.strip()]
        if len(items) < 2:
            return ", ".join(items)
        return ", ".join(items[:-1]) + " and " + items[-1]

    return _PY_LIST.sub(words, message)


def _fmt_imp(i: Impairment) -> str:
    return f"{' '.join(x for x in (i.laterality, i.body_part) if x)} {i.wpi}% WPI"


def _num(v: float | None) -> str:
    return "" if v is None else f"{v:g}"


def _fmt_ap(a: Apportionment) -> str:
    part = " ".join(x for x in (a.laterality, a.body_part) if x) or "all parts"
    return f"{part}: industrial {_num(a.industrial_pct) or '?'}%, non-industrial {_num(a.nonindustrial_pct) or '?'}%"


def _fmt_injury(i: Injury) -> str:
    if i.type == "cumulative":
        return f"cumulative {i.start or '?'} to {i.end or '?'}"
    return f"specific {i.start or '?'}"


def fm_choice(provided: bool | None) -> str:
    """The form's choice for future medical care: yes, no or '' (not addressed)."""
    return {True: "yes", False: "no"}.get(provided, "") if provided is not None else ""


def field_rows(record: ReportRecord, corrected: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Every decisive value of the record for the document view, in reading order: its label (the code in
    `code`), the value as words, evidence, confidence, the input that edits it, whether a reviewer
    corrected it, and its flags (each once, in plain English)."""
    flags_by_key: dict[str, list[dict[str, str]]] = {}
    seen: set[tuple[str, str]] = set()
    for f in record.review.flags:
        key = row_key(f.field)
        if (f.code, key) in seen:
            continue
        seen.add((f.code, key))
        flags_by_key.setdefault(key, []).append(
            {
                "code": f.code,
                "label": flag_label(f.code),
                "message": plain_message(f.message),
                "field": f.field,
            }
        )
    rows: list[dict[str, Any]] = []

    def add(
        key: str,
        code: str,
        label: str,
        value: str,
        input_name: str,
        evidence: Any = None,
        confidence: float | None = None,
    ) -> None:
        is_corrected = key in corrected
        rows.append(
            {
                "key": key,
                "code": code,
                "label": label,
                "value": value,
                "input": input_name,
                "evidence": evidence,
                "confidence": None if is_corrected else confidence,
                "corrected": is_corrected,
                "flags": flags_by_key.pop(key, []),
            }
        )

    claim, report = record.claim, record.report
    add("claim.applicant", "claim.applicant", "Applicant", claim.applicant or "", "applicant")
    add(
        "claim.case_numbers",
        "claim.case_numbers",
        "Case numbers",
        ", ".join(claim.case_numbers),
        "case_numbers",
    )
    add(
        "claim.claim_numbers",
        "claim.claim_numbers",
        "Claim numbers",
        ", ".join(claim.claim_numbers),
        "claim_numbers",
    )
    add("report.report_date", "report.report_date", "Report date", report.report_date or "", "report_date")
    add("report.exam_date", "report.exam_date", "Exam date", report.exam_date or "", "exam_date")
    injuries = "; ".join(_fmt_injury(i) for i in claim.injuries)
    add(
        "claim.injuries",
        "claim.injuries",
        "Injuries",
        injuries,
        "inj-0-type" if claim.injuries else "new-inj-start",
    )
    mmi = record.mmi
    add(
        "mmi",
        "mmi",
        "MMI",
        mmi_label(mmi.status) + (f" on {mmi.date}" if mmi.date else ""),
        "mmi_status",
        mmi.evidence,
        mmi.confidence,
    )
    for i, imp in enumerate(record.impairments):
        add(
            f"impairments.{i}",
            f"impairments[{i}]",
            f"Impairment {i + 1}",
            _fmt_imp(imp),
            f"imp-{i}-wpi",
            imp.evidence,
            imp.confidence,
        )
    cw = record.combined_wpi
    add(
        "combined_wpi",
        "combined_wpi",
        "Combined WPI",
        f"{_num(cw.value)}%" if cw.value is not None else "",
        "combined_wpi",
        cw.evidence,
    )
    for i, ap in enumerate(record.apportionment):
        add(
            f"apportionment.{i}",
            f"apportionment[{i}]",
            f"Apportionment {i + 1}",
            _fmt_ap(ap),
            f"ap-{i}-industrial",
            ap.evidence,
        )
    for i, wr in enumerate(record.work_restrictions):
        add(
            f"work_restrictions.{i}",
            f"work_restrictions[{i}]",
            f"Work restriction {i + 1}",
            wr.text,
            f"wr-{i}-text",
            wr.evidence,
        )
    fm = record.future_medical
    fm_value = FUTURE_MEDICAL_LABELS[fm_choice(fm.provided)] + (f": {fm.text}" if fm.text else "")
    add("future_medical", "future_medical", "Future medical care", fm_value, "fm_provided", fm.evidence)
    for key, flags in list(flags_by_key.items()):  # flags on values the view has no row for
        add(key, flags[0]["field"], field_label(flags[0]["field"]), "", _ADD_INPUT.get(key, ""), None)
    return rows


def corrected_keys(events: list[dict[str, Any]]) -> frozenset[str]:
    """The value rows a reviewer corrected or added, from a document's audit events."""
    keys = set()
    for e in events:
        if e["action"] not in ("corrected", "added") or not e.get("note"):
            continue
        try:
            note = json.loads(e["note"])
        except ValueError:
            continue
        if isinstance(note, dict) and isinstance(note.get("field"), str):
            keys.add(row_key(note["field"]))
    return frozenset(keys)


#: The longest text a correction may hold, by field (names and numbers are short; restrictions and the
#: future-medical text may be long).
TEXT_CAPS = {"applicant": 200, "case_numbers": 400, "claim_numbers": 400}
LONG_TEXT_CAP = 4000


def text_cap(name: str) -> int:
    """How many characters the form field `name` may hold."""
    return TEXT_CAPS.get(name, 200 if name.endswith(("body_part", "laterality", "type")) else LONG_TEXT_CAP)


def parse_date(raw: str) -> str | None:
    """A date as typed (YYYY-MM-DD or MM/DD/YYYY, or empty) as ISO text; ValueError saying what to type."""
    raw = raw.strip()
    if not raw:
        return None
    m = _DATE_US.match(raw)
    try:
        day = date(int(m.group(3)), int(m.group(1)), int(m.group(2))) if m else date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"“{raw}” is not a date: type it as YYYY-MM-DD, e.g. 2025-03-01") from None
    if not 1900 <= day.year <= 2100:
        raise ValueError(f"{day.year} is not a plausible year: type the date as YYYY-MM-DD")
    return day.isoformat()


def _parse_pct(raw: str, what: str, *, required: bool = False) -> int | float | None:
    raw = raw.strip().rstrip("%").strip()
    if not raw:
        if required:
            raise ValueError(f"give the {what}, a number from 0 to 100")
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"the {what} must be a number from 0 to 100, not “{raw}”") from None
    if not 0 <= value <= 100:
        raise ValueError(f"the {what} must be from 0 to 100, not {value:g}")
    return int(value) if value.is_integer() else value


def _parse_ids(raw: str, what: str) -> list[str]:
    items = [" ".join(x.split()) for x in _LIST_SPLIT.split(raw) if x.strip()]
    for item in items:
        if not _NUMBER_ID.match(item):
            raise ValueError(f"“{item}” is not a {what}: letters and digits, separate several with commas")
    return items


def _first_error(e: ValidationError) -> str:
    err = e.errors()[0]
    return str(err.get("msg", "not valid")).removeprefix("Value error, ")


def apply_corrections(record: ReportRecord, form: Mapping[str, Any]) -> Correction:
    """The record with the form's corrections, one (action, note JSON) event per change, and the errors by
    input name (with errors, nothing is changed)."""
    events: list[tuple[str, str]] = []
    errors: dict[str, str] = {}
    changed: set[str] = set()  # row keys whose value a reviewer changed (their flags are resolved)
    moved: dict[str, str | None] = {}  # list row key before -> after (None: removed)

    def change(path: str, old: Any, new: Any, action: str = "corrected") -> None:
        events.append((action, json.dumps({"field": path, "from": old, "to": new})))
        changed.add(row_key(path))

    def given(name: str) -> bool:
        return name in form

    def text(name: str) -> str:
        """The field as typed, without control or invisible format characters (terminal escapes, bidi
        overrides); longer than its cap is an error beside the field."""
        value = form.get(name)
        if not isinstance(value, str):
            return ""
        cleaned = printable(value).strip()
        cap = text_cap(name)
        if len(cleaned) > cap:
            errors[name] = f"at most {cap} characters (this has {len(cleaned)})"
            return cleaned[:cap]
        return cleaned

    def checked(name: str, parse: Callable[..., Any], *args: Any) -> Any:
        try:
            return parse(text(name), *args)
        except ValueError as e:
            errors[name] = str(e)
            return None

    # --- claim and report header -------------------------------------------------------------------------
    claim, report = record.claim, record.report
    claim_up: dict[str, Any] = {}
    report_up: dict[str, Any] = {}
    if given("applicant"):
        applicant = " ".join(text("applicant").split())[:200] or None
        if applicant != claim.applicant:
            change("claim.applicant", claim.applicant, applicant)
            claim_up["applicant"] = applicant
    for name, what in (("case_numbers", "case number"), ("claim_numbers", "claim number")):
        if given(name):
            items = checked(name, _parse_ids, what)
            if items is not None and items != getattr(claim, name):
                change(f"claim.{name}", ", ".join(getattr(claim, name)) or None, ", ".join(items) or None)
                claim_up[name] = items
    for name in ("report_date", "exam_date"):
        if given(name):
            day = checked(name, parse_date)
            if name not in errors and day != getattr(report, name):
                change(f"report.{name}", getattr(report, name), day)
                report_up[name] = day

    injuries: list[Injury] = []
    for i, inj in enumerate(claim.injuries):
        prefix = f"inj-{i}"
        if form.get(f"{prefix}-remove"):
            change(f"claim.injuries[{i}]", _fmt_injury(inj), None, "removed")
            continue
        new_inj = _injury(prefix, inj, text, given, errors)
        if new_inj is not None and new_inj != inj:
            for part in ("type", "start", "end"):
                if getattr(new_inj, part) != getattr(inj, part):
                    change(f"claim.injuries[{i}].{part}", getattr(inj, part), getattr(new_inj, part))
        injuries.append(new_inj or inj)
    if text("new-inj-start") or text("new-inj-end"):
        added_inj = _injury("new-inj", None, text, given, errors)
        if added_inj is not None:
            change(f"claim.injuries[{len(injuries)}]", None, _fmt_injury(added_inj), "added")
            injuries.append(added_inj)
    if injuries != claim.injuries:
        claim_up["injuries"] = injuries

    # --- MMI ------------------------------------------------------------------------------------------------
    mmi = record.mmi
    mmi_up: dict[str, Any] = {}
    if given("mmi_status"):
        status = text("mmi_status")
        if status not in MMI_STATUSES:
            errors["mmi_status"] = "choose reached, not yet reached or not stated"
        elif status != mmi.status:
            change("mmi.status", mmi.status, status)
            mmi_up["status"] = status
    if given("mmi_date"):
        day = checked("mmi_date", parse_date)
        if "mmi_date" not in errors and day != mmi.date:
            change("mmi.date", mmi.date, day)
            mmi_up["date"] = day
    if mmi_up:
        mmi = mmi.model_copy(update={**mmi_up, "confidence": 1.0})

    # --- impairments, combined WPI ------------------------------------------------------------------------
    impairments: list[Impairment] = []
    for i, imp in enumerate(record.impairments):
        if form.get(f"imp-{i}-remove"):
            change(f"impairments[{i}]", _fmt_imp(imp), None, "removed")
            moved[f"impairments.{i}"] = None
            continue
        new_imp = _impairment(f"imp-{i}", imp, text, given, errors)
        for name in ("body_part", "laterality", "wpi"):
            old_v, new_v = getattr(imp, name), getattr(new_imp, name)
            if old_v != new_v:
                change(f"impairments[{i}].{name}", old_v, new_v)
        moved[f"impairments.{i}"] = f"impairments.{len(impairments)}"
        impairments.append(new_imp)
    if text("new-body_part") or text("new-wpi"):
        added = _impairment("new", None, text, given, errors)
        if "new-body_part" not in errors and "new-wpi" not in errors:
            change(f"impairments[{len(impairments)}]", None, _fmt_imp(added), "added")
            changed.add("impairments")
            impairments.append(added)

    combined = record.combined_wpi
    if given("combined_wpi"):
        value = checked("combined_wpi", _parse_pct, "combined WPI")
        if "combined_wpi" not in errors and value != combined.value:
            change("combined_wpi.value", combined.value, value)
            combined = combined.model_copy(update={"value": value})

    # --- apportionment ---------------------------------------------------------------------------------------
    shares: list[Apportionment] = []
    for i, ap in enumerate(record.apportionment):
        if form.get(f"ap-{i}-remove"):
            change(f"apportionment[{i}]", _fmt_ap(ap), None, "removed")
            moved[f"apportionment.{i}"] = None
            continue
        new_ap = _apportionment(f"ap-{i}", ap, text, given, errors)
        if new_ap != ap:
            for name in ("body_part", "laterality", "industrial_pct", "nonindustrial_pct"):
                if getattr(new_ap, name) != getattr(ap, name):
                    change(f"apportionment[{i}].{name}", getattr(ap, name), getattr(new_ap, name))
        moved[f"apportionment.{i}"] = f"apportionment.{len(shares)}"
        shares.append(new_ap)
    if any(text(f"new-ap-{n}") for n in ("body_part", "industrial", "nonindustrial")):
        new_share = _apportionment("new-ap", None, text, given, errors)
        if not any(k.startswith("new-ap-") for k in errors):
            change(f"apportionment[{len(shares)}]", None, _fmt_ap(new_share), "added")
            changed.add("apportionment")
            shares.append(new_share)

    # --- work restrictions, future medical -----------------------------------------------------------------
    restrictions: list[WorkRestriction] = []
    for i, wr in enumerate(record.work_restrictions):
        name = f"wr-{i}-text"
        if form.get(f"wr-{i}-remove"):
            change(f"work_restrictions[{i}]", wr.text, None, "removed")
            moved[f"work_restrictions.{i}"] = None
            continue
        moved[f"work_restrictions.{i}"] = f"work_restrictions.{len(restrictions)}"
        if given(name) and text(name) != wr.text:
            if not text(name):
                errors[name] = "write the restriction, or tick Remove to delete it"
            else:
                change(f"work_restrictions[{i}].text", wr.text, text(name)[:2000])
                wr = wr.model_copy(update={"text": text(name)[:2000]})
        restrictions.append(wr)
    for line in text("new-wr-text").splitlines():
        if line.strip():
            change(f"work_restrictions[{len(restrictions)}]", None, line.strip()[:2000], "added")
            changed.add("work_restrictions")
            restrictions.append(WorkRestriction(text=line.strip()[:2000]))

    future = record.future_medical
    if given("fm_provided"):
        choice = text("fm_provided")
        if choice not in FUTURE_MEDICAL:
            errors["fm_provided"] = "choose yes, no or not addressed"
        elif FUTURE_MEDICAL[choice] != future.provided:
            change("future_medical.provided", future.provided, FUTURE_MEDICAL[choice])
            future = future.model_copy(update={"provided": FUTURE_MEDICAL[choice]})
    if given("fm_text"):
        fm_text = text("fm_text")[:2000] or None
        if fm_text != future.text:
            change("future_medical.text", future.text, fm_text)
            future = future.model_copy(update={"text": fm_text})

    if errors:
        return Correction(record, [], errors)
    flags, resolved = _resolve_flags(record.review.flags, changed, moved)
    for f in resolved:
        events.append(("resolved", json.dumps({"flag": f.code, "field": f.field, "message": f.message})))
    review = record.review.model_copy(update={"flags": flags})
    try:
        new_record = ReportRecord.model_validate(
            {
                **record.model_dump(),
                "claim": {**record.claim.model_dump(), **{k: _dump(v) for k, v in claim_up.items()}},
                "report": {**record.report.model_dump(), **report_up},
                "mmi": mmi.model_dump(),
                "impairments": [i.model_dump() for i in impairments],
                "combined_wpi": combined.model_dump(),
                "apportionment": [a.model_dump() for a in shares],
                "work_restrictions": [w.model_dump() for w in restrictions],
                "future_medical": FutureMedical.model_validate(future.model_dump()).model_dump(),
                "review": review.model_dump(),
            }
        )
    except ValidationError as e:
        return Correction(record, [], {"": _first_error(e)})
    return Correction(new_record, events, {})


def _dump(value: Any) -> Any:
    if isinstance(value, list):
        return [v.model_dump() if hasattr(v, "model_dump") else v for v in value]
    return value


def _resolve_flags(
    flags: list[Flag], changed: set[str], moved: dict[str, str | None]
) -> tuple[list[Flag], list[Flag]]:
    """The flags that stay (list indexes moved past removed items) and those a correction resolved."""
    kept: list[Flag] = []
    resolved: list[Flag] = []
    for f in flags:
        key = row_key(f.field)
        if key in changed or moved.get(key, key) is None:
            resolved.append(f)
            continue
        new_key = moved.get(key)
        if new_key and new_key != key:
            name, old_i = key.split(".")
            new_i = new_key.split(".")[1]
            f = f.model_copy(update={"field": f.field.replace(f"{name}[{old_i}]", f"{name}[{new_i}]", 1)})
        kept.append(f)
    return kept, resolved


def _impairment(
    prefix: str, old: Impairment | None, text: Any, given: Any, errors: dict[str, str]
) -> Impairment:
    body_part = " ".join(text(f"{prefix}-body_part").split()) or (old.body_part if old else "")
    if given(f"{prefix}-laterality") or old is None:
        laterality = text(f"{prefix}-laterality") or None
    else:
        laterality = old.laterality
    if laterality not in (None, "left", "right", "bilateral"):
        errors[f"{prefix}-laterality"] = "choose left, right, both sides or none"
        laterality = None
    raw = text(f"{prefix}-wpi")
    wpi: int | float = old.wpi if old else 0
    if raw or old is None:
        try:
            wpi = _parse_pct(raw, "WPI", required=True) or 0
        except ValueError as e:
            errors[f"{prefix}-wpi"] = str(e)
    if not body_part:
        errors[f"{prefix}-body_part"] = "name the body part"
    if old is not None and (body_part, laterality, wpi) == (old.body_part, old.laterality, old.wpi):
        return old
    base = old.model_dump() if old else {}
    base.update({"body_part": body_part or "?", "laterality": laterality, "wpi": wpi, "confidence": 1.0})
    return Impairment.model_validate(base)


def _injury(prefix: str, old: Injury | None, text: Any, given: Any, errors: dict[str, str]) -> Injury | None:
    kind = text(f"{prefix}-type") if given(f"{prefix}-type") else (old.type if old else "specific")
    if kind not in INJURY_TYPES:
        errors[f"{prefix}-type"] = "choose specific or cumulative"
        return None
    dates: dict[str, str | None] = {}
    for part in ("start", "end"):
        name = f"{prefix}-{part}"
        if not given(name) and old is not None:
            dates[part] = getattr(old, part)
            continue
        try:
            dates[part] = parse_date(text(name))
        except ValueError as e:
            errors[name] = str(e)
            return None
    start, end = dates["start"], dates["end"]
    if kind == "specific" and end and end != start:
        errors[f"{prefix}-end"] = "a specific injury has one date: leave the end empty or choose cumulative"
        return None
    if start and end and end < start:
        errors[f"{prefix}-end"] = f"the end ({end}) is before the start ({start})"
        return None
    if not start:
        errors[f"{prefix}-start"] = "give the date of injury (the first day, for a cumulative injury)"
        return None
    return Injury(type=kind, start=start, end=end if kind == "cumulative" else None)


def _apportionment(
    prefix: str, old: Apportionment | None, text: Any, given: Any, errors: dict[str, str]
) -> Apportionment:
    def pick(name: str, current: Any) -> str:
        return (
            text(f"{prefix}-{name}")
            if given(f"{prefix}-{name}")
            else _num(current)
            if name != "body_part"
            else (current or "")
        )

    body_part = " ".join(pick("body_part", old.body_part if old else None).split()) or None
    laterality = (
        text(f"{prefix}-laterality") if given(f"{prefix}-laterality") else (old.laterality if old else "")
    ) or None
    if laterality not in (None, "left", "right", "bilateral"):
        errors[f"{prefix}-laterality"] = "choose left, right, both sides or none"
        laterality = None
    values: dict[str, int | float | None] = {}
    for name, what in (("industrial", "industrial share"), ("nonindustrial", "non-industrial share")):
        current = getattr(old, f"{name}_pct") if old else None
        try:
            values[name] = _parse_pct(pick(name, current), what)
        except ValueError as e:
            errors[f"{prefix}-{name}"] = str(e)
            values[name] = current
    ind, non = values["industrial"], values["nonindustrial"]
    if ind is None and non is None and f"{prefix}-industrial" not in errors:
        errors[f"{prefix}-industrial"] = (
            "give the industrial share (and the non-industrial one), or tick Remove"
        )
    elif ind is not None and non is not None and abs(ind + non - 100) > 0.01:
        errors[f"{prefix}-nonindustrial"] = f"the shares add up to {ind + non:g}%, not 100%"
    new = Apportionment(
        body_part=body_part,
        laterality=laterality,
        industrial_pct=ind,
        nonindustrial_pct=non,
        evidence=old.evidence if old else None,
    )
    if old is not None and new == old:
        return old
    return new


def describe_note(note: str | None) -> str:
    """A review event's note for people: `Impairment 1: WPI: 8 → 10` for corrections, the flag for a resolved
    flag, else the note itself."""
    if not note:
        return ""
    try:
        data = json.loads(note)
    except ValueError:
        return note
    if isinstance(data, dict) and "flag" in data:
        return f"{field_label(data.get('field'))}: {flag_label(data['flag'])} ({plain_message(str(data.get('message', '')))})"
    if isinstance(data, dict) and "field" in data:
        return f"{field_label(data['field'])}: {_show(data.get('from'))} → {_show(data.get('to'))}"
    if isinstance(data, list):
        return ", ".join(str(x) for x in data)
    return note


def note_field(note: str | None) -> str:
    """The field path of a review event's note (for its tooltip), or ''."""
    try:
        data = json.loads(note or "")
    except ValueError:
        return ""
    return str(data.get("field", "")) if isinstance(data, dict) else ""


def _show(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "—" if value is None or value == "" else str(value)
